"""Cinder volume snapshots: create (``creating`` then ``available`` on the fake clock), look up,
list, update, delete, and the admin's reset of their status. No Flask here.

A record in ``store.volume_snapshots`` holds id, project_id, user_id, volume_id, name, description,
size (the volume's), metadata, status, progress and times. Project-scoped like volumes: another
project's snapshot is "Snapshot {id} could not be found.".

Checked against cinder/api/v3/snapshots.py, cinder/api/v2/snapshots.py, cinder/volume/api.py
(_create_snapshot, delete_snapshot) and cinder/exception.py (Cinder master, 2026).
"""

from __future__ import annotations

from fakenova.domain.volume import listing, timing, volume_quotas, volumes
from fakenova.errors import BadRequest, NotFound

STATUSES = ("creating", "available", "deleting", "error", "error_deleting", "backing-up", "restoring",
            "unmanaging")
FILTERS = ("name", "status", "volume_id", "metadata")


def not_found(snapshot_id: str) -> NotFound:
    return NotFound(f"Snapshot {snapshot_id} could not be found.")


def get(backend, context, snapshot_id: str) -> dict:
    snapshot = backend.store.volume_snapshots.get(snapshot_id)
    if snapshot is None or (not context.is_admin and snapshot["project_id"] != context.project_id):
        raise not_found(snapshot_id)
    return timing.settle(backend, snapshot)


SORT_KEYS = ("id", "name", "status", "size", "created_at", "updated_at", "volume_id")


def search(backend, context, filters: dict, *, marker: str | None, limit: int | None, offset: int = 0,
           sort: list[tuple[str, str]] | None = None) -> list[dict]:
    found = [timing.settle(backend, s) for s in backend.store.volume_snapshots.values()
             if s["project_id"] == context.project_id]
    for key, wanted in filters.items():
        if key == "metadata":
            found = [s for s in found if all(s["metadata"].get(k) == v for k, v in wanted.items())]
        else:
            found = [s for s in found if str(s[key]) == str(wanted)]
    return listing.page(found, sort or listing.sort_keys(None, None, None, SORT_KEYS), marker=marker, limit=limit,
                        offset=offset)


def create(backend, context, request: dict, *, force_allowed: bool, force: bool) -> dict:
    """POST /snapshots. ``force_allowed``: below 3.66 an in-use volume needs ``force``; from 3.66
    it is always allowed (and ``force`` false is refused by the caller)."""
    volumes.require_member(context, "volume:create_snapshot")
    with backend.store.lock:
        volume = volumes.get(backend, context, request["volume_id"])
        allowed = ("available", "in-use") if (force or not force_allowed) else ("available",)
        if volume["status"] == "error":
            raise BadRequest(f"Invalid volume: Volume {volume['id']} status must be available, but current status "
                             "is: error. The snapshot cannot be created when the volume is in error status.")
        if volume["status"] not in allowed:
            raise BadRequest(f"Invalid volume: Volume {volume['id']} status must be {', '.join(allowed)}, but "
                             f"current status is: {volume['status']}.")
        volume_quotas.check_snapshot(backend, context.project_id, volume["size"])
        now = backend.clock.time()
        snapshot = {
            "id": backend.store.ids.uuid(),
            "project_id": context.project_id,
            "user_id": context.user_id,
            "volume_id": volume["id"],
            "name": _stripped(request.get("name", request.get("display_name"))),
            "description": _stripped(request.get("description", request.get("display_description"))),
            "size": volume["size"],
            # What a volume made from the snapshot inherits, even after the volume is gone.
            "bootable": volume["bootable"],
            "image_metadata": dict(volume.get("image_metadata") or {}),
            "volume_type": volume.get("volume_type"),
            "metadata": {key: str(value) for key, value in (request.get("metadata") or {}).items()},
            "status": "creating",
            "progress": "0%",
            "created_at": now,
            "updated_at": now,
        }
        timing.schedule(backend, snapshot, "snapshot_create", [(1.0, {"status": "available", "progress": "100%"})])
        backend.store.volume_snapshots[snapshot["id"]] = snapshot
        return snapshot


def _stripped(text):
    return text.strip() if isinstance(text, str) else text


def update(backend, context, snapshot_id: str, request: dict) -> dict:
    with backend.store.lock:
        snapshot = get(backend, context, snapshot_id)
        volumes.require_member(context, "volume:update_snapshot")
        for key, legacy in (("name", "display_name"), ("description", "display_description")):
            if key in request or legacy in request:
                snapshot[key] = _stripped(request.get(key, request.get(legacy)))
        if "metadata" in request:
            snapshot["metadata"] = {key: str(value) for key, value in (request["metadata"] or {}).items()}
        snapshot["updated_at"] = backend.clock.time()
        return snapshot


def delete(backend, context, snapshot_id: str) -> None:
    with backend.store.lock:
        snapshot = get(backend, context, snapshot_id)
        volumes.require_member(context, "volume:delete_snapshot")
        if snapshot["status"] not in ("available", "error"):
            raise BadRequest("Invalid snapshot: Snapshot status must be available or error and must not be part of "
                             "a group.")
        del backend.store.volume_snapshots[snapshot_id]


def reset_status(backend, context, snapshot_id: str, status: str) -> None:
    """os-reset_status on a snapshot (admin)."""
    with backend.store.lock:
        snapshot = get(backend, context, snapshot_id)
        volumes.require_admin(context, "volume_extension:snapshot_admin_actions:reset_status")
        status = str(status).lower()
        if status not in STATUSES:
            raise BadRequest(f"Invalid input received: Invalid status: {status}")
        snapshot.pop("pending", None)
        snapshot.update(status=status, updated_at=backend.clock.time())
