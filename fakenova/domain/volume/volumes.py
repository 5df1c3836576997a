"""Cinder volumes (block storage v3 subset): create (blank, from an image, a snapshot or another
volume), look up, list, delete, and the attach/detach bookkeeping Nova asks of Cinder. No Flask here.

A record in ``store.volumes`` is JSON-ready (times are epoch seconds on the fake clock). Volumes are
project-scoped as in Cinder: another project's volume is "Volume {id} could not be found." (admins
may show any by id, but list only their own project's). A new volume is ``creating`` and becomes
``available`` on the fake clock (``timing``; a volume from an image passes through ``downloading``).
Attaching makes it ``in-use``, detaching ``available`` again; ``attachments`` holds one entry per server.

The image a volume is made from comes in as a Glance record the caller looked up (Cinder asks Glance;
this package does not import the image package).

Checked against cinder/api/v3/volumes.py, cinder/volume/api.py (create, delete, _attachment_reserve),
cinder/volume/flows/api/create_volume.py, cinder/volume/volume_utils.py (check_image_metadata) and
cinder/exception.py (Cinder master, 2026).
"""

from __future__ import annotations

import math

from fakenova.domain.volume import backends, listing, scheduling, timing, volume_quotas, volume_types
from fakenova.domain.volume.policy import require_admin
from fakenova.errors import BadRequest, Forbidden, NotFound

AVAILABILITY_ZONE = "nova"
GiB = 1024 ** 3

# cinder/volume/api.py delete(): the statuses a volume may be deleted from (without force).
DELETABLE = ("available", "error", "error_restoring", "error_extending", "error_managing")
# Filters a project user may list by (cinder's resource_filters.json for "volume", the common ones).
FILTERS = ("name", "status", "bootable", "availability_zone", "metadata")
# Image attributes Cinder copies into volume_image_metadata (volume_utils.get_volume_image_metadata).
IMAGE_METADATA_KEYS = ("checksum", "container_format", "disk_format", "min_disk", "min_ram", "size")

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
    return timing.settle(backend, volume)


SORT_KEYS = ("id", "name", "status", "size", "availability_zone", "created_at", "updated_at", "bootable")


def search(backend, context, filters: dict[str, str], *, marker: str | None, limit: int | None,
           offset: int = 0, sort: list[tuple[str, str]] | None = None, all_projects: bool = False) -> list[dict]:
    """The project's volumes (every project's: an admin's ``all_tenants``), newest first unless
    ``sort`` says otherwise (Cinder's default sort: created_at desc, then id)."""
    found = [timing.settle(backend, volume) for volume in backend.store.volumes.values()
             if all_projects or volume["project_id"] == context.project_id]
    for key, wanted in filters.items():
        found = [volume for volume in found if _matches(volume, key, wanted)]
    return listing.page(found, sort or listing.sort_keys(None, None, None, SORT_KEYS), marker=marker, limit=limit,
                        offset=offset)


def _matches(volume: dict, key: str, wanted) -> bool:
    if key == "metadata":
        return all(volume["metadata"].get(k) == v for k, v in wanted.items())
    if key == "bootable":
        return volume["bootable"] == (str(wanted).lower() in ("true", "1", "yes", "t", "y", "on"))
    return str(volume[key]) == str(wanted)


# --- create and delete ---------------------------------------------------------------------------

def create(backend, context, request: dict, *, image: dict | None = None) -> dict:
    """POST /volumes after schema validation. ``image``: the Glance record of ``imageRef``, looked up
    by the caller with the caller's rights (None when there is none)."""
    require_member(context, "volume:create")
    if str(request.get("multiattach")).lower() in ("true", "1", "on", "yes", "y", "t"):
        raise BadRequest("multiattach parameter has been removed. The default behavior is to use multiattach "
                         "enabled volume types. Contact your administrator to create a multiattach enabled "
                         "volume type and use it to create multiattach volumes.")
    if request.get("backup_id"):
        raise BadRequest("Creating a volume from a backup is not supported by fakenova (backups are not "
                         "modelled).")
    zone = request.get("availability_zone") or AVAILABILITY_ZONE
    if zone != AVAILABILITY_ZONE:
        raise BadRequest(f"Invalid input received: Availability zone '{zone}' is invalid.")
    store = backend.store
    with store.lock:
        snapshot = _origin_snapshot(backend, context, request.get("snapshot_id"))
        source = _origin_volume(backend, context, request.get("source_volid"))
        origin = source or snapshot  # what the new volume inherits: bootable, image metadata, type
        size = _size(request.get("size"), snapshot=snapshot, source=source)
        if image is not None:
            _check_image(image, size)
        volume_type = volume_types.find(backend, context, request.get("volume_type"),
                                        default=origin.get("volume_type") if origin else None)
        volume_quotas.check_volume(backend, context.project_id, size, volume_type["name"])
        now = backend.clock.time()
        volume = {
            "id": store.ids.uuid(),
            "project_id": context.project_id,
            "user_id": context.user_id,
            "name": _stripped(request.get("name", request.get("display_name"))),
            "description": _stripped(request.get("description", request.get("display_description"))),
            "size": size,
            "status": "creating",
            "availability_zone": zone,
            "volume_type": volume_type["name"],
            "bootable": bool(origin and origin.get("bootable")) or image is not None,
            "snapshot_id": snapshot["id"] if snapshot else None,
            "source_volid": source["id"] if source else None,
            "image_metadata": (image_metadata(image) if image is not None
                               else dict(origin.get("image_metadata") or {}) if origin else {}),
            "metadata": {key: str(value) for key, value in (request.get("metadata") or {}).items()},
            "readonly": False,
            "attachments": [],
            "created_at": now,
            "updated_at": now,
        }
        if not scheduling.fits(backends.pool_capabilities(backend), volume_type["extra_specs"]):
            # No backend passes the capabilities filter: the scheduler sets the volume to error.
            timing.schedule(backend, volume, "volume_create", [(1.0, {"status": "error"})])
        elif image is not None:
            timing.schedule(backend, volume, "volume_download",
                            [(0.5, {"status": "downloading"}), (1.0, {"status": "available"})])
        else:
            timing.schedule(backend, volume, "volume_create", [(1.0, {"status": "available"})])
        store.volumes[volume["id"]] = volume
        return volume


def _origin_snapshot(backend, context, snapshot_id) -> dict | None:
    if not snapshot_id:
        return None
    snapshot = backend.store.volume_snapshots.get(snapshot_id)
    if snapshot is None or (not context.is_admin and snapshot["project_id"] != context.project_id):
        raise NotFound(f"Snapshot {snapshot_id} could not be found.")
    timing.settle(backend, snapshot)
    if snapshot["status"] != "available":
        raise BadRequest("Invalid snapshot: Originating snapshot status must be one of 'available' values")
    return snapshot


def _origin_volume(backend, context, volume_id) -> dict | None:
    if not volume_id:
        return None
    volume = get(backend, context, volume_id)
    if volume["status"] not in ("available", "in-use"):
        raise BadRequest(f"Invalid volume: Unable to clone volumes that are in an error state or in the "
                         f"{volume['status']} status.")
    return volume


def _size(raw, *, snapshot: dict | None, source: dict | None) -> int:
    """Cinder's size rules: from the origin when not given, never smaller than it."""
    if raw is None:
        if snapshot is not None:
            return snapshot["size"]
        if source is not None:
            return source["size"]
    try:
        size = int(raw)
    except (TypeError, ValueError):
        size = 0
    if size <= 0:
        # cinder/volume/flows/api/create_volume.py _extract_size
        raise BadRequest(f"Invalid input received: Volume size '{raw}' must be an integer and greater than 0")
    if snapshot is not None and size < snapshot["size"]:
        raise BadRequest(f"Invalid input received: Volume size '{size}'GB cannot be smaller than the snapshot size "
                         f"{snapshot['size']}GB. They must be >= original snapshot size.")
    if source is not None and size < source["size"]:
        raise BadRequest(f"Invalid input received: Volume size '{size}'GB cannot be smaller than original volume "
                         f"size  {source['size']}GB. They must be >= original volume size.")
    return size


def _check_image(image: dict, size: int) -> None:
    """cinder/volume/volume_utils.py check_image_metadata: active, fits, and min_disk."""
    if image["status"] != "active":
        raise BadRequest(f"Invalid input received: Image {image['id']} is not active.")
    image_gb = math.ceil((image.get("size") or 0) / GiB)
    if image_gb > size:
        raise BadRequest(f"Invalid input received: Size of specified image {image_gb}GB is larger than volume size "
                         f"{size}GB.")
    virtual_gb = math.ceil((image.get("virtual_size") or 0) / GiB)
    if virtual_gb > size:
        raise BadRequest(f"Invalid input received: Image virtual size is {virtual_gb}GB and doesn't fit in a volume "
                         f"of size {size}GB.")
    if (image.get("min_disk") or 0) > size:
        raise BadRequest(f"Invalid input received: Volume size {size}GB cannot be smaller than the image minDisk "
                         f"size {image['min_disk']}GB.")


def image_metadata(image: dict) -> dict[str, str]:
    """volume_image_metadata: the image's id, name, core attributes and properties, all as strings."""
    metadata = {"image_id": image["id"]}
    if image.get("name"):
        metadata["image_name"] = image["name"]
    for key in IMAGE_METADATA_KEYS:
        if image.get(key) is not None:
            metadata[key] = str(image[key])
    metadata.update({key: str(value) for key, value in (image.get("properties") or {}).items()})
    return metadata


def _stripped(text):
    # Cinder's *_remove_white_spaces formats: leading and trailing blanks are dropped.
    return text.strip() if isinstance(text, str) else text


def delete(backend, context, volume_id: str, *, cascade: bool = False, force: bool = False) -> None:
    with backend.store.lock:
        volume = get(backend, context, volume_id)
        require_member(context, "volume:delete")
        if force:
            require_admin(context, "volume:force_delete")
        snapshots = [s for s in backend.store.volume_snapshots.values() if s["volume_id"] == volume_id]
        if (volume["attachments"] or (volume["status"] not in DELETABLE and not force)
                or (snapshots and not cascade)):
            raise BadRequest(f"Invalid volume: Volume status must be {' or '.join(DELETABLE)} and must not be "
                             "migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be "
                             "disassociated from snapshots after volume transfer.")
        for snapshot in snapshots:
            del backend.store.volume_snapshots[snapshot["id"]]
        remove(backend, volume_id)


def remove(backend, volume_id: str) -> None:
    """The volume is gone (no checks: a checked delete, or Nova's delete_on_termination)."""
    backend.store.volumes.pop(volume_id, None)


def update(backend, context, volume_id: str, request: dict) -> dict:
    """PUT /volumes/{id}: name, description, metadata."""
    with backend.store.lock:
        volume = get(backend, context, volume_id)
        require_member(context, "volume:update")
        for key, legacy in (("name", "display_name"), ("description", "display_description")):
            if key in request or legacy in request:
                volume[key] = _stripped(request.get(key, request.get(legacy)))
        if "metadata" in request:
            volume["metadata"] = {key: str(value) for key, value in (request["metadata"] or {}).items()}
        volume["updated_at"] = backend.clock.time()
        return volume


# --- what Nova asks of Cinder --------------------------------------------------------------------

def reserve_failure(volume: dict) -> str | None:
    """Cinder's refusal to reserve a volume for a new attachment (_attachment_reserve), or None."""
    if volume["status"] in ("available", "downloading"):
        return None
    return (f"Invalid volume: Volume {volume['id']} status must be available or downloading to reserve, but the "
            f"current status is {volume['status']}.")


def attach(backend, volume: dict, *, server_id: str, device: str | None, attachment_id: str) -> None:
    """The attachment is complete: the volume is in-use by ``server_id`` at ``device`` (None for a
    shelved-offloaded server: Nova completes the attachment without a connector, so the volume still
    reads in-use, and names the device on unshelve)."""
    now = backend.clock.time()
    volume.pop("pending", None)
    volume["attachments"].append({"attachment_id": attachment_id, "server_id": server_id, "device": device,
                                  "attached_at": now, "attached": True})
    volume["status"] = "in-use"
    volume["updated_at"] = now


def set_connection(backend, volume_id: str, server_id: str, *, device: str | None, attached: bool) -> None:
    """Nova connects (unshelve: attached, with its device) or parks (shelve-offload: a connector-less
    attachment Cinder holds ``reserved``) a server's attachment of the volume."""
    volume = backend.store.volumes.get(volume_id)
    if volume is None:
        return
    for attachment in volume["attachments"]:
        if attachment["server_id"] == server_id:
            attachment.update(device=device, attached=attached)
    volume["status"] = "in-use" if any(a.get("attached", True) for a in volume["attachments"]) else "reserved"
    volume["updated_at"] = backend.clock.time()


def attached(volume: dict) -> list[dict]:
    """The attachments Cinder lists on the volume (attach_status attached)."""
    return [a for a in volume["attachments"] if a.get("attached", True)]


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
