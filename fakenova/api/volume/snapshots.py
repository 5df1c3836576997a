"""Cinder snapshots: create, list (summary and detail), show, update, delete. Views follow
cinder/api/views/snapshots.py; show and detail add the extended-snapshot-attributes
(``progress``, ``project_id``) that the create answer lacks."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context, json_body
from fakenova.api.volume.blueprint import bp, check_project, is_true, list_params, next_link, version
from fakenova.clock import db_time
from fakenova.domain.volume import snapshots
from fakenova.errors import BadRequest
from fakenova.microversion import between

GROUP_SNAPSHOT_ID = between("3.14")
USER_ID = between("3.41")
CONSUMES_QUOTA = between("3.65")
FORCE_IGNORED = between("3.66")


def snapshot_view(snapshot: dict, *, extended: bool = True) -> dict:
    body = {
        "id": snapshot["id"],
        "created_at": db_time(snapshot["created_at"]),
        "updated_at": db_time(snapshot["updated_at"]),
        "name": snapshot["name"],
        "description": snapshot["description"],
        "volume_id": snapshot["volume_id"],
        "status": snapshot["status"],
        "size": snapshot["size"],
        "metadata": dict(snapshot["metadata"]),
    }
    current = version()
    if current in GROUP_SNAPSHOT_ID:
        body["group_snapshot_id"] = None
    if current in USER_ID:
        body["user_id"] = snapshot["user_id"]
    if current in CONSUMES_QUOTA:
        body["consumes_quota"] = True
    if extended:
        body["os-extended-snapshot-attributes:progress"] = snapshot["progress"]
        body["os-extended-snapshot-attributes:project_id"] = snapshot["project_id"]
    return body


@bp.post("/v3/<project_id>/snapshots")
def create_snapshot(project_id: str):
    check_project(project_id)
    data = json_body()
    backend().schemas.validate_body(data, "volume", "snapshots", "create", version())
    fields = data["snapshot"]
    force = fields.get("force")
    if version() in FORCE_IGNORED and force is not None and not is_true(force):
        raise BadRequest("Invalid input received: Since microversion 3.66 the 'force' flag is invalid for this "
                         "request.  For backward compatability, however, when the 'force' flag is passed with a "
                         "value evaluating to True, it is silently ignored.")
    snapshot = snapshots.create(backend(), context(), fields, force=is_true(force),
                                force_allowed=version() not in FORCE_IGNORED)
    return jsonify({"snapshot": snapshot_view(snapshot, extended=False)}), 202


@bp.get("/v3/<project_id>/snapshots")
def list_snapshots(project_id: str):
    return _list(project_id, "snapshots", detail=False)


@bp.get("/v3/<project_id>/snapshots/detail")
def list_snapshots_detail(project_id: str):
    return _list(project_id, "snapshots/detail", detail=True)


def _list(project_id: str, path: str, *, detail: bool):
    check_project(project_id)
    filters, limit, offset, marker, sort = list_params(snapshots.FILTERS, snapshots.SORT_KEYS)
    found = snapshots.search(backend(), context(), filters, marker=marker, limit=limit, offset=offset, sort=sort)
    # The extended attributes (progress, project_id) are added to show and detail only.
    body = {"snapshots": [snapshot_view(snapshot, extended=detail) for snapshot in found]}
    more = next_link(project_id, path, found, limit)
    if more:
        body["snapshots_links"] = more
    return jsonify(body)


@bp.get("/v3/<project_id>/snapshots/<snapshot_id>")
def show_snapshot(project_id: str, snapshot_id: str):
    check_project(project_id)
    return jsonify({"snapshot": snapshot_view(snapshots.get(backend(), context(), snapshot_id))})


@bp.put("/v3/<project_id>/snapshots/<snapshot_id>")
def update_snapshot(project_id: str, snapshot_id: str):
    check_project(project_id)
    data = json_body()
    backend().schemas.validate_body(data, "volume", "snapshots", "update", version())
    snapshot = snapshots.update(backend(), context(), snapshot_id, data["snapshot"])
    return jsonify({"snapshot": snapshot_view(snapshot)})


@bp.delete("/v3/<project_id>/snapshots/<snapshot_id>")
def delete_snapshot(project_id: str, snapshot_id: str):
    check_project(project_id)
    snapshots.delete(backend(), context(), snapshot_id)
    return "", 202


@bp.post("/v3/<project_id>/snapshots/<snapshot_id>/action")
def snapshot_action(project_id: str, snapshot_id: str):
    check_project(project_id)
    data = json_body()
    if not isinstance(data, dict) or list(data) != ["os-reset_status"] or not isinstance(data["os-reset_status"], dict):
        raise BadRequest("Invalid request body")
    snapshots.reset_status(backend(), context(), snapshot_id, data["os-reset_status"].get("status"))
    return "", 202
