"""Nova's deprecated Cinder proxies, /os-volumes and /os-snapshots (2.1-2.35): Nova asks Cinder for
the caller and answers in its own words. No Flask here.

Checked against nova/api/openstack/compute/volumes.py (VolumeController, SnapshotController),
nova/policies/volumes.py and nova/volume/cinder.py (translate_volume_exception: Cinder's 400 is
InvalidInput, its 413 is OverQuota -> 403), Nova master 2026.
"""

from __future__ import annotations

from fakenova.domain import paging, policy
from fakenova.domain.volume import snapshots, volumes
from fakenova.errors import BadRequest, Forbidden, RequestTooLarge

_RULE = "os_compute_api:os-volumes:"


def _authorize(context, rule: str) -> None:
    policy.authorize(context, _RULE + rule, context.project_id)


def _cinder_call(function, *args, **kwargs):
    """Cinder's refusals as Nova words them."""
    try:
        return function(*args, **kwargs)
    except RequestTooLarge as exc:  # Cinder's 413 quota fault: Nova's OverQuota
        raise Forbidden(exc.message) from None
    except BadRequest as exc:
        message = exc.message if exc.message.startswith("Invalid input received") else \
            f"Invalid input received: {exc.message}"
        raise BadRequest(message) from None


def list_volumes(backend, context, *, detail: bool, limit: int | None, offset: int) -> list[dict]:
    _authorize(context, "detail" if detail else "list")
    with backend.store.lock:
        found = volumes.search(backend, context, {}, marker=None, limit=None)
    return found[offset:offset + paging.capped(limit or None)]


def get_volume(backend, context, volume_id: str) -> dict:
    _authorize(context, "show")
    return volumes.get(backend, context, volume_id)


def create_volume(backend, context, request: dict) -> dict:
    _authorize(context, "create")
    fields = {"size": request["size"], "name": request.get("display_name"),
              "description": request.get("display_description"), "volume_type": request.get("volume_type"),
              "metadata": request.get("metadata"), "availability_zone": request.get("availability_zone"),
              "snapshot_id": request.get("snapshot_id")}
    return _cinder_call(volumes.create, backend, context, fields)


def delete_volume(backend, context, volume_id: str) -> None:
    _authorize(context, "delete")
    _cinder_call(volumes.delete, backend, context, volume_id)


def list_snapshots(backend, context, *, detail: bool, limit: int | None, offset: int) -> list[dict]:
    _authorize(context, "snapshots:detail" if detail else "snapshots:list")
    with backend.store.lock:
        found = snapshots.search(backend, context, {}, marker=None, limit=None)
    return found[offset:offset + paging.capped(limit or None)]


def get_snapshot(backend, context, snapshot_id: str) -> dict:
    _authorize(context, "snapshots:show")
    return snapshots.get(backend, context, snapshot_id)


def create_snapshot(backend, context, request: dict, *, force: bool) -> dict:
    _authorize(context, "snapshots:create")
    fields = {"volume_id": request["volume_id"], "name": request.get("display_name"),
              "description": request.get("display_description")}
    return _cinder_call(snapshots.create, backend, context, fields, force=force, force_allowed=True)


def delete_snapshot(backend, context, snapshot_id: str) -> None:
    _authorize(context, "snapshots:delete")
    _cinder_call(snapshots.delete, backend, context, snapshot_id)
