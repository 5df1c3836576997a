"""Compute version documents: GET /compute/, /compute/v2 and /compute/v2.1 (no token needed)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import base_url
from fakenova.api.compute.blueprint import bp
from fakenova.microversion import MAX_VERSION, MIN_VERSION

# From nova/api/openstack/compute/views/versions.py and api-ref samples.
_V20 = {"id": "v2.0", "status": "DEPRECATED", "version": "", "min_version": "", "updated": "2025-07-04T12:00:00Z"}
_V21 = {"id": "v2.1", "status": "CURRENT", "version": str(MAX_VERSION), "min_version": str(MIN_VERSION),
        "updated": "2013-07-23T11:33:21Z"}


def _self(version_id: str) -> list[dict]:
    suffix = "v2" if version_id == "v2.0" else "v2.1"
    return [{"rel": "self", "href": f"{base_url()}/compute/{suffix}/"}]


@bp.get("")
@bp.get("/")
def versions_index():
    return jsonify({"versions": [dict(v, links=_self(v["id"])) for v in (_V20, _V21)]})


def _document(version: dict, media_version: str):
    """nova/api/openstack/compute/views/versions.py build_version: self link first, then describedby."""
    return jsonify({"version": dict(
        version,
        links=_self(version["id"]) + [{"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"}],
        **{"media-types": [{"base": "application/json",
                            "type": f"application/vnd.openstack.compute+json;version={media_version}"}]},
    )})


@bp.get("/v2.1")
@bp.get("/v2.1/")
def version_v21():
    return _document(_V21, "2.1")


@bp.get("/v2")
@bp.get("/v2/")
def version_v20():
    """The legacy v2 endpoint serves the v2.0 document (versionsV21.py show: is_legacy_v2 -> 'v2.0')."""
    return _document(_V20, "2")
