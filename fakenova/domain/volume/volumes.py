"""Cinder volumes (block storage v3 subset): create, look up, list, delete, and the attach/detach
bookkeeping Nova asks of Cinder. No Flask here.

A record in ``store.volumes`` is JSON-ready (times are epoch seconds on the fake clock). Volumes are
project-scoped as in Cinder: another project's volume is "Volume {id} could not be found." (admins
may show any by id, but list only their own project's). Creation is instant: the POST answer says
"creating", as Cinder's does, and the volume is "available" from the next read on. Attaching makes it
"in-use", detaching "available" again; ``attachments`` holds one entry per server.

Checked against cinder/api/v3/volumes.py, cinder/api/v3/views/volumes.py, cinder/volume/api.py
(delete, _attachment_reserve) and cinder/exception.py (Cinder master, 2026).
"""

from __future__ import annotations

from fakenova.errors import BadRequest, Forbidden, NotFound
from fakenova.seeds import stable_uuid

DEFAULT_TYPE = "__DEFAULT__"  # the volume type Cinder creates on install
DEFAULT_TYPE_ID = stable_uuid("volume_type", DEFAULT_TYPE)
AVAILABILITY_ZONE = "nova"
MAX_LIMIT = 1000  # [DEFAULT]osapi_max_limit

# cinder/volume/api.py delete(): the statuses a volume may be deleted from (without force).
DELETABLE = ("available", "error", "error_restoring", "error_extending", "error_managing")
# Filters a project user may list by (cinder's resource_filters.json for "volume", the common ones).
FILTERS = ("name", "status", "bootable", "availability_zone", "metadata")

# Cinder's default policy (cinder/policies/volumes.py): readers look, members change.
_MEMBER_ROLES = ("admin", "manager", "member")


def not_found(volume_id: str) -> NotFound:
    return NotFound(f"Volume {volume_id} could not be found.")


def require_member(context, rule: str) -> None:
    if not context.has_role(*_MEMBER_ROLES):
        raise Forbidden(f"Policy doesn't allow {rule} to be performed.")


# --- lookup --------------------------------------------------------------------------------------

def get(backend, context, volume_id: str) -> dict:
    volume = backend.store.volumes.get(volume_id)
    if volume is None or (not context.is_admin and volume["project_id"] != context.project_id):
        raise not_found(volume_id)
    return volume


def search(backend, context, filters: dict[str, str], *, marker: str | None, limit: int | None,
           offset: int = 0) -> list[dict]:
    """The project's volumes, newest first (Cinder's default sort: created_at desc, then id)."""
    # The store keeps creation order, so a reversed walk is newest first even within one instant.
    found = [volume for volume in reversed(backend.store.volumes.values())
             if volume["project_id"] == context.project_id]
    for key, wanted in filters.items():
        found = [volume for volume in found if _matches(volume, key, wanted)]
    if marker is not None:
        ids = [volume["id"] for volume in found]
        if marker not in ids:
            raise NotFound(f"Marker {marker} could not be found.")
        found = found[ids.index(marker) + 1:]
    found = found[offset:]
    return found[:min(MAX_LIMIT, limit if limit is not None else MAX_LIMIT)]


def _matches(volume: dict, key: str, wanted) -> bool:
    if key == "metadata":
        return all(volume["metadata"].get(k) == v for k, v in wanted.items())
    if key == "bootable":
        return volume["bootable"] == (str(wanted).lower() in ("true", "1", "yes", "t", "y", "on"))
    return str(volume[key]) == str(wanted)


# --- create and delete ---------------------------------------------------------------------------

def create(backend, context, request: dict) -> dict:
    """POST /volumes after schema validation (size, name, description, metadata, zone, type)."""
    require_member(context, "volume:create")
    if str(request.get("multiattach")).lower() in ("true", "1", "on", "yes", "y", "t"):
        raise BadRequest("multiattach parameter has been removed. The default behavior is to use multiattach "
                         "enabled volume types. Contact your administrator to create a multiattach enabled "
                         "volume type and use it to create multiattach volumes.")
    for unsupported in ("snapshot_id", "source_volid", "imageRef", "image_id", "backup_id"):
        if request.get(unsupported):
            # Only blank volumes are modelled; say so instead of pretending.
            raise BadRequest(f"Creating a volume from {unsupported} is not supported by fakenova.")
    size = request.get("size")
    if size is None:
        raise BadRequest("Invalid input received: Volume size 'None' must be an integer and greater than 0")
    zone = request.get("availability_zone") or AVAILABILITY_ZONE
    if zone != AVAILABILITY_ZONE:
        raise BadRequest(f"Invalid input received: Availability zone '{zone}' is invalid.")
    volume_type = request.get("volume_type")
    if volume_type not in (None, "", DEFAULT_TYPE, DEFAULT_TYPE_ID):
        raise NotFound(f"Volume type with name {volume_type} could not be found.")
    store = backend.store
    with store.lock:
        now = backend.clock.time()
        volume = {
            "id": store.ids.uuid(),
            "project_id": context.project_id,
            "user_id": context.user_id,
            "name": _stripped(request.get("name", request.get("display_name"))),
            "description": _stripped(request.get("description", request.get("display_description"))),
            "size": int(size),
            "status": "available",
            "availability_zone": zone,
            "bootable": False,
            "metadata": {key: str(value) for key, value in (request.get("metadata") or {}).items()},
            "attachments": [],
            "created_at": now,
            "updated_at": now,
        }
        store.volumes[volume["id"]] = volume
        return volume


def _stripped(text):
    # Cinder's *_remove_white_spaces formats: leading and trailing blanks are dropped.
    return text.strip() if isinstance(text, str) else text


def delete(backend, context, volume_id: str) -> None:
    with backend.store.lock:
        volume = get(backend, context, volume_id)
        require_member(context, "volume:delete")
        if volume["attachments"] or volume["status"] not in DELETABLE:
            raise BadRequest(f"Invalid volume: Volume status must be {' or '.join(DELETABLE)} and must not be "
                             "migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be "
                             "disassociated from snapshots after volume transfer.")
        del backend.store.volumes[volume_id]


# --- what Nova asks of Cinder --------------------------------------------------------------------

def reserve_failure(volume: dict) -> str | None:
    """Cinder's refusal to reserve a volume for a new attachment (_attachment_reserve), or None."""
    if volume["status"] in ("available", "downloading"):
        return None
    return (f"Invalid volume: Volume {volume['id']} status must be available or downloading to reserve, but the "
            f"current status is {volume['status']}.")


def attach(backend, volume: dict, *, server_id: str, device: str, attachment_id: str) -> None:
    """The attachment is complete: the volume is in-use by ``server_id`` at ``device``."""
    now = backend.clock.time()
    volume["attachments"].append({"attachment_id": attachment_id, "server_id": server_id, "device": device,
                                  "attached_at": now})
    volume["status"] = "in-use"
    volume["updated_at"] = now


def detach(backend, volume_id: str, server_id: str) -> dict | None:
    """Drop ``server_id``'s attachment; the volume is available once nothing holds it."""
    volume = backend.store.volumes.get(volume_id)
    if volume is None:
        return None
    volume["attachments"] = [a for a in volume["attachments"] if a["server_id"] != server_id]
    if not volume["attachments"]:
        volume["status"] = "available"
    volume["updated_at"] = backend.clock.time()
    return volume


# --- quotas and limits (reported, not enforced) --------------------------------------------------

# cinder/quota.py defaults ([DEFAULT]quota_*), and the per-type entries Cinder adds for __DEFAULT__.
QUOTA_DEFAULTS = {"volumes": 10, "snapshots": 10, "gigabytes": 1000, "backups": 10, "backup_gigabytes": 1000,
                  "groups": 10, "per_volume_gigabytes": -1, f"volumes_{DEFAULT_TYPE}": -1,
                  f"gigabytes_{DEFAULT_TYPE}": -1, f"snapshots_{DEFAULT_TYPE}": -1}


def usage(backend, project_id: str) -> dict[str, int]:
    """What the project's volumes use, by quota name (snapshots and backups are not modelled)."""
    owned = [volume for volume in backend.store.volumes.values() if volume["project_id"] == project_id]
    used = dict.fromkeys(QUOTA_DEFAULTS, 0)
    used["volumes"] = used[f"volumes_{DEFAULT_TYPE}"] = len(owned)
    used["gigabytes"] = used[f"gigabytes_{DEFAULT_TYPE}"] = sum(volume["size"] for volume in owned)
    return used


def check_quota_target(context, project_id: str) -> None:
    """Cinder's volume_extension:quotas:show: the caller's own project, or any for an admin."""
    if project_id != context.project_id and not context.is_admin:
        raise Forbidden("Policy doesn't allow volume_extension:quotas:show to be performed.")
