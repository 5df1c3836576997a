"""Compute version documents: GET /compute/ and GET /compute/v2.1 (no token needed)."""

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


@bp.get("/v2.1")
@bp.get("/v2.1/")
def version_v21():
    return jsonify({"version": dict(
        _V21,
        links=_self("v2.1") + [{"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"}],
        **{"media-types": [{"base": "application/json",
                            "type": "application/vnd.openstack.compute+json;version=2.1"}]},
    )})
