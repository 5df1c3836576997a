"""/volume plumbing: the blueprint, version discovery, microversion negotiation and echo, the
project in the URL, paging parameters, and Cinder's 413 body.

URLs carry the project id, as Cinder's catalog entry does (/volume/v3/{project_id}/...); a project id
other than the token's is Cinder's 400 "Malformed request url". Microversions: a request may name any
of 3.0-3.71 in ``OpenStack-API-Version: volume 3.x`` (or ``latest``); the answer echoes it. Errors use
Cinder's fault shape, the same as Nova's (``{"itemNotFound": {"code": 404, "message": ...}}``), and a
quota refusal adds ``retryAfter`` (cinder/api/middleware/fault.py).
"""

from __future__ import annotations

import urllib.parse

from flask import Blueprint, Response, g, jsonify, request

from fakenova import microversion
from fakenova.api.common import authenticate, base_url, context
from fakenova.domain.volume import listing
from fakenova.domain.volume.volume_quotas import OverQuota
from fakenova.errors import BadRequest
from fakenova.microversion import APIVersion

bp = Blueprint("volume", __name__, url_prefix="/volume")

MIN_VERSION, MAX_VERSION = APIVersion(3, 0), APIVersion(3, 71)
UPDATED = "2023-08-31T00:00:00Z"  # cinder/api/openstack/api_version_request.py
VERSION_PATHS = ("/volume", "/volume/v3")


def prepare_request() -> None:
    """The version documents are public; everything else needs a token and a microversion."""
    if request.path.rstrip("/") in VERSION_PATHS:
        return
    authenticate()
    g.volume_version = microversion.negotiate(request.headers, service_types=("volume", "block-storage"),
                                              legacy_headers=(), minimum=MIN_VERSION, maximum=MAX_VERSION)


@bp.after_request
def _version_headers(response: Response) -> Response:
    response.headers["X-OpenStack-Request-Id"] = g.get("request_id", "")
    version = g.get("volume_version")
    if version is not None:
        response.headers["OpenStack-API-Version"] = f"volume {version}"
        response.headers["Vary"] = "OpenStack-API-Version"
    return response


@bp.errorhandler(OverQuota)
def _over_quota(exc: OverQuota):
    response = jsonify({"overLimit": {"code": 413, "message": exc.message, "retryAfter": "0"}})
    response.status_code = 413
    response.headers["Retry-After"] = "0"
    return response


def check_project(project_id: str) -> None:
    if project_id != context().project_id:
        raise BadRequest("Malformed request url")


def version() -> APIVersion:
    return g.volume_version


def links(project_id: str, collection: str, item_id: str) -> list[dict]:
    return [{"rel": "self", "href": f"{base_url()}/volume/v3/{project_id}/{collection}/{item_id}"},
            {"rel": "bookmark", "href": f"{base_url()}/volume/{project_id}/{collection}/{item_id}"}]


def is_true(raw) -> bool:
    return str(raw).lower() in ("true", "1", "yes", "on", "t", "y")


# --- list parameters -------------------------------------------------------------------------------

def list_params(allowed_filters: tuple, sort_keys: tuple) -> tuple[dict, int | None, int, str | None, list]:
    """(filters, limit, offset, marker, sort) from the query string, Cinder's way."""
    params = {key: values[-1] for key, values in request.args.to_dict(flat=False).items()}
    limit = non_negative(params.pop("limit", None), "limit")
    offset = non_negative(params.pop("offset", None), "offset") or 0
    marker = params.pop("marker", None)
    sort = listing.sort_keys(params.pop("sort", None), params.pop("sort_key", None), params.pop("sort_dir", None),
                             sort_keys)
    filters = {key: value for key, value in params.items() if key in allowed_filters}
    if "metadata" in filters:
        filters["metadata"] = metadata_filter(filters["metadata"])
    return filters, limit, offset, marker, sort


def next_link(project_id: str, path: str, found: list[dict], limit: int | None) -> list[dict] | None:
    if not limit or len(found) != limit:
        return None
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "marker"] + [("marker", found[-1]["id"])]
    return [{"rel": "next", "href": f"{base_url()}/volume/v3/{project_id}/{path}?" + urllib.parse.urlencode(query)}]


def non_negative(raw: str | None, name: str) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} param must be an integer") from None
    if value < 0:
        raise BadRequest(f"{name} param must be positive")
    return value


def metadata_filter(raw: str) -> dict:
    """Cinder takes ``metadata={'k': 'v'}`` (a Python-ish dict literal) in the query string."""
    import ast

    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise BadRequest("Invalid filters metadata are found in query options.") from None
    if not isinstance(value, dict):
        raise BadRequest("Invalid filters metadata are found in query options.")
    return {str(k): str(v) for k, v in value.items()}


# --- version discovery ---------------------------------------------------------------------------

def _versions_body() -> dict:
    return {"versions": [{
        "id": "v3.0",
        "status": "CURRENT",
        "version": str(MAX_VERSION),
        "min_version": str(MIN_VERSION),
        "updated": UPDATED,
        "links": [{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
                  {"rel": "self", "href": f"{base_url()}/volume/v3/"}],
        "media-types": [{"base": "application/json",
                         "type": "application/vnd.openstack.volume+json;version=3"}],
    }]}


@bp.get("")
@bp.get("/")
def versions():
    return jsonify(_versions_body()), 300


@bp.get("/v3")
@bp.get("/v3/")
def v3_versions():
    return jsonify(_versions_body())
