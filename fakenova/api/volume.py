"""Cinder block storage v3 subset at /volume: version discovery and volumes.

URLs carry the project id, as Cinder's catalog entry does (/volume/v3/{project_id}/volumes); a
project id other than the token's is Cinder's 400 "Malformed request url". Microversions: a request
may name any of 3.0-3.71 in ``OpenStack-API-Version: volume 3.x`` (or ``latest``); the answer echoes
it. Fields that depend on it follow cinder/api/v3/views/volumes.py. Errors use Cinder's fault shape,
the same as Nova's (``{"itemNotFound": {"code": 404, "message": ...}}``).
"""

from __future__ import annotations

import urllib.parse

from flask import Blueprint, Response, g, jsonify, request

from fakenova import microversion
from fakenova.api.common import authenticate, backend, base_url, context, json_body
from fakenova.clock import db_time
from fakenova.domain.volume import volumes
from fakenova.errors import BadRequest
from fakenova.microversion import APIVersion, between

bp = Blueprint("volume", __name__, url_prefix="/volume")

MIN_VERSION, MAX_VERSION = APIVersion(3, 0), APIVersion(3, 71)
UPDATED = "2023-08-31T00:00:00Z"  # cinder/api/openstack/api_version_request.py
VERSION_PATHS = ("/volume", "/volume/v3")

GROUP_ID = between("3.13")
PROVIDER_ID = between("3.21")          # admin only
SHARED_TARGETS = between("3.48")       # shared_targets + service_uuid
SHARED_TARGETS_NULLABLE = between("3.69")
CLUSTER_NAME = between("3.61")         # admin only
VOLUME_TYPE_ID = between("3.63")
CONSUMES_QUOTA = between("3.65")
COUNT = between("3.45")


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


# --- volumes -------------------------------------------------------------------------------------

def _project(project_id: str) -> None:
    if project_id != context().project_id:
        raise BadRequest("Malformed request url")


def _version() -> APIVersion:
    return g.volume_version


def _links(project_id: str, volume_id: str) -> list[dict]:
    return [{"rel": "self", "href": f"{base_url()}/volume/v3/{project_id}/volumes/{volume_id}"},
            {"rel": "bookmark", "href": f"{base_url()}/volume/{project_id}/volumes/{volume_id}"}]


def volume_summary(volume: dict) -> dict:
    return {"id": volume["id"], "name": volume["name"], "links": _links(volume["project_id"], volume["id"])}


def volume_detail(volume: dict, *, status: str | None = None) -> dict:
    version, admin = _version(), context().is_admin
    body = {
        "id": volume["id"],
        "status": status or volume["status"],
        "size": volume["size"],
        "availability_zone": volume["availability_zone"],
        "created_at": db_time(volume["created_at"]),
        "updated_at": db_time(volume["updated_at"]),
        "name": volume["name"],
        "description": volume["description"],
        "volume_type": volumes.DEFAULT_TYPE,
        "snapshot_id": None,
        "source_volid": None,
        "metadata": dict(volume["metadata"]),
        "links": _links(volume["project_id"], volume["id"]),
        "user_id": volume["user_id"],
        "bootable": "true" if volume["bootable"] else "false",
        "encrypted": False,
        "replication_status": None,
        "consistencygroup_id": None,
        "multiattach": False,
        "attachments": [_attachment(volume, a, admin) for a in volume["attachments"]],
        # cinder/api/contrib/volume_tenant_attribute.py: project readers and admins
        "os-vol-tenant-attr:tenant_id": volume["project_id"],
    }
    if admin:
        body["migration_status"] = None
        body["os-vol-host-attr:host"] = "compute1@lvmdriver-1#lvmdriver-1"
        body["os-vol-mig-status-attr:migstat"] = None
        body["os-vol-mig-status-attr:name_id"] = None
    if version in GROUP_ID:
        body["group_id"] = None
    if admin and version in PROVIDER_ID:
        body["provider_id"] = None
    if version in SHARED_TARGETS:
        body["shared_targets"] = False
        body["service_uuid"] = None
    if admin and version in CLUSTER_NAME:
        body["cluster_name"] = None
    if version in VOLUME_TYPE_ID:
        body["volume_type_id"] = volumes.DEFAULT_TYPE_ID
    if version in CONSUMES_QUOTA:
        body["consumes_quota"] = True
    return body


def _attachment(volume: dict, attachment: dict, admin: bool) -> dict:
    return {"id": volume["id"], "attachment_id": attachment["attachment_id"], "volume_id": volume["id"],
            "server_id": attachment["server_id"], "host_name": "compute1" if admin else None,
            "device": attachment["device"], "attached_at": db_time(attachment["attached_at"])}


@bp.post("/v3/<project_id>/volumes")
def create_volume(project_id: str):
    _project(project_id)
    data = json_body()
    backend().schemas.validate_body(data, "volume", "volumes", "create", _version())
    volume = volumes.create(backend(), context(), data["volume"])
    return jsonify({"volume": volume_detail(volume, status="creating")}), 202


@bp.get("/v3/<project_id>/volumes")
def list_volumes(project_id: str):
    return _list(project_id, volume_summary, "volumes")


@bp.get("/v3/<project_id>/volumes/detail")
def list_volumes_detail(project_id: str):
    return _list(project_id, volume_detail, "volumes/detail")


def _list(project_id: str, render, path: str):
    _project(project_id)
    params = {key: values[-1] for key, values in request.args.to_dict(flat=False).items()}
    limit = _non_negative(params.pop("limit", None), "limit")
    offset = _non_negative(params.pop("offset", None), "offset") or 0
    marker = params.pop("marker", None)
    with_count = params.pop("with_count", None)
    for ignored in ("sort", "sort_key", "sort_dir", "all_tenants", "project_id"):
        params.pop(ignored, None)
    filters = {key: value for key, value in params.items() if key in volumes.FILTERS}
    if "metadata" in filters:
        filters["metadata"] = _metadata_filter(filters["metadata"])
    found = volumes.search(backend(), context(), filters, marker=marker, limit=limit, offset=offset)
    body = {"volumes": [render(volume) for volume in found]}
    if limit and len(found) == limit:
        query = [(k, v) for k, v in request.args.items(multi=True) if k != "marker"] + [("marker", found[-1]["id"])]
        body["volumes_links"] = [{"rel": "next", "href": f"{base_url()}/volume/v3/{project_id}/{path}?"
                                  + urllib.parse.urlencode(query)}]
    if with_count is not None and _version() in COUNT and with_count.lower() in ("true", "1", "yes", "on"):
        body["count"] = len(volumes.search(backend(), context(), filters, marker=None, limit=None))
    return jsonify(body)


def _non_negative(raw: str | None, name: str) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} param must be an integer") from None
    if value < 0:
        raise BadRequest(f"{name} param must be positive")
    return value


def _metadata_filter(raw: str) -> dict:
    """Cinder takes ``metadata={'k': 'v'}`` (a Python-ish dict literal) in the query string."""
    import ast

    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise BadRequest("Invalid filters metadata are found in query options.") from None
    if not isinstance(value, dict):
        raise BadRequest("Invalid filters metadata are found in query options.")
    return {str(k): str(v) for k, v in value.items()}


@bp.get("/v3/<project_id>/volumes/<volume_id>")
def show_volume(project_id: str, volume_id: str):
    _project(project_id)
    return jsonify({"volume": volume_detail(volumes.get(backend(), context(), volume_id))})


@bp.delete("/v3/<project_id>/volumes/<volume_id>")
def delete_volume(project_id: str, volume_id: str):
    _project(project_id)
    volumes.delete(backend(), context(), volume_id)
    return "", 202


# --- quotas and limits ---------------------------------------------------------------------------

@bp.get("/v3/<project_id>/os-quota-sets/<target_id>")
def show_quota_set(project_id: str, target_id: str):
    _project(project_id)
    volumes.check_quota_target(context(), target_id)
    limits = volumes.QUOTA_DEFAULTS
    if request.args.get("usage", "").lower() in ("true", "1", "yes", "on"):
        used = volumes.usage(backend(), target_id)
        body = {name: {"limit": limit, "in_use": used[name], "reserved": 0} for name, limit in limits.items()}
    else:
        body = dict(limits)
    return jsonify({"quota_set": {"id": target_id, **body}})


@bp.get("/v3/<project_id>/os-quota-sets/<target_id>/defaults")
def show_quota_defaults(project_id: str, target_id: str):
    _project(project_id)
    return jsonify({"quota_set": {"id": target_id, **volumes.QUOTA_DEFAULTS}})


@bp.get("/v3/<project_id>/limits")
def show_limits(project_id: str):
    """cinder/api/views/limits.py plus the used_limits extension's totals."""
    _project(project_id)
    limits, used = volumes.QUOTA_DEFAULTS, volumes.usage(backend(), project_id)
    absolute = {"maxTotalVolumeGigabytes": limits["gigabytes"], "maxTotalBackupGigabytes": limits["backup_gigabytes"],
                "maxTotalVolumes": limits["volumes"], "maxTotalSnapshots": limits["snapshots"],
                "maxTotalBackups": limits["backups"], "totalVolumesUsed": used["volumes"],
                "totalGigabytesUsed": used["gigabytes"], "totalSnapshotsUsed": 0, "totalBackupsUsed": 0,
                "totalBackupGigabytesUsed": 0}
    return jsonify({"limits": {"rate": [], "absolute": absolute}})
