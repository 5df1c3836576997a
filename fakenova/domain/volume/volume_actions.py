"""POST /volumes/{id}/action: Cinder's volume actions (extend, bootable, read-only, reset status,
force delete, upload to an image, and the reserve/detaching bookkeeping). No Flask here.

Checked against cinder/api/contrib/volume_actions.py, cinder/api/contrib/admin_actions.py and
cinder/volume/api.py (extend, retype, update_readonly_flag, copy_volume_to_image, reserve_volume,
begin_detaching, roll_detaching), Cinder master 2026.
"""

from __future__ import annotations

from fakenova.domain.volume import backends, policy, scheduling, timing, volume_quotas, volume_types, volumes
from fakenova.errors import BadRequest

STATUSES = ("creating", "available", "reserved", "attaching", "in-use", "detaching", "deleting", "error",
            "error_deleting", "downloading", "uploading", "extending", "error_extending", "retyping", "maintenance",
            "awaiting-transfer", "backing-up", "error_backing-up", "restoring-backup", "error_restoring")


def _volume(backend, context, volume_id: str, rule: str) -> dict:
    volume = volumes.get(backend, context, volume_id)
    volumes.require_member(context, rule)
    return volume


def extend(backend, context, volume_id: str, new_size, *, in_use_allowed: bool) -> None:
    """os-extend: available (in-use from 3.42); ``extending`` for the duration, then back."""
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:extend")
        allowed = ("available", "in-use") if in_use_allowed else ("available",)
        if volume["status"] not in allowed:
            wanted = "{'status': ('available', 'in-use')}" if in_use_allowed else "{'status': 'available'}"
            raise BadRequest(f"Invalid volume: Volume {volume_id} status must be '{wanted}' to extend, currently "
                             f"{volume['status']}.")
        size = int(new_size)
        if size <= volume["size"]:
            raise BadRequest(f"Invalid input received: New size for extend must be greater than current size. "
                             f"(current: {volume['size']}, extended: {size}).")
        volume_quotas.check_extend(backend, volume["project_id"], size, size - volume["size"])
        previous = volume["status"]
        volume.update(status="extending", updated_at=backend.clock.time())
        timing.schedule(backend, volume, "volume_extend", [(1.0, {"status": previous, "size": size})])


def retype(backend, context, volume_id: str, new_type: str) -> None:
    """os-retype: ``retyping`` for the duration, then the new type (the one pool does the driver's
    retype). A type the pool cannot satisfy leaves the volume as it was, as the scheduler's failed
    retype does (volume/api.py retype, scheduler/manager.py retype)."""
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:retype")
        target = volume_types.find(backend, context, new_type, elevated=True)
        if volume["status"] not in ("available", "in-use") or target["name"] == volume["volume_type"]:
            raise BadRequest("Invalid volume: Retype needs volume to be in available or in-use state, not be part of "
                             "an active migration or a consistency group, requested type has to be different that "
                             "the one from the volume, and for in-use volumes front-end qos specs cannot change.")
        previous = volume["status"]
        volume.update(status="retyping", updated_at=backend.clock.time())
        done = {"status": previous}
        if scheduling.fits(backends.pool_capabilities(backend), target["extra_specs"]):
            done["volume_type"] = target["name"]
        timing.schedule(backend, volume, "volume_retype", [(1.0, done)])


def set_bootable(backend, context, volume_id: str, bootable: bool) -> None:
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:update")
        volume.update(bootable=bool(bootable), updated_at=backend.clock.time())


def update_readonly_flag(backend, context, volume_id: str, readonly: bool) -> None:
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:update_readonly_flag")
        if volume["status"] != "available":
            raise BadRequest(f"Invalid volume: Volume {volume_id} status must be available to update readonly flag, "
                             f"but current status is: {volume['status']}.")
        volume.update(readonly=bool(readonly), updated_at=backend.clock.time())
        volume["metadata"]["readonly"] = str(bool(readonly))


def reset_status(backend, context, volume_id: str, request: dict) -> None:
    """os-reset_status (admin): status, attach_status, migration_status, lower-cased."""
    with backend.store.lock:
        volume = volumes.get(backend, context, volume_id)
        policy.require_admin(context, "volume_extension:volume_admin_actions:reset_status")
        status = request.get("status")
        if status is not None:
            status = str(status).lower()
            if status not in STATUSES:
                raise BadRequest(f"Invalid input received: Invalid status: {status}")
            volume.pop("pending", None)
            volume["status"] = status
        attach_status = request.get("attach_status")
        if attach_status is not None and str(attach_status).lower() not in ("attached", "detached"):
            raise BadRequest(f"Invalid input received: Invalid attach status: {attach_status}")
        if attach_status is not None and str(attach_status).lower() == "detached":
            volume["attachments"] = []
        volume["updated_at"] = backend.clock.time()


def force_delete(backend, context, volume_id: str) -> None:
    with backend.store.lock:
        volume = volumes.get(backend, context, volume_id)
        policy.require_admin(context, "volume_extension:volume_admin_actions:force_delete")
        if volume["attachments"]:
            raise BadRequest("Invalid volume: Volume must not be attached to be deleted.")
        volumes.delete(backend, context, volume_id, cascade=True, force=True)


def begin_upload_to_image(backend, context, volume_id: str, *, force: bool) -> dict:
    """os-volume_upload_image: the volume is ``uploading`` for a while, then back where it was."""
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume_extension:volume_actions:upload_image")
        allowed = ("available", "in-use") if force else ("available",)
        if volume["status"] not in allowed:
            raise BadRequest(f"Invalid volume: Volume {volume_id} status must be {' or '.join(allowed)}")
        previous = volume["status"]
        volume.update(status="uploading", updated_at=backend.clock.time())
        timing.schedule(backend, volume, "volume_upload_image", [(1.0, {"status": previous})])
        return volume


def reserve(backend, context, volume_id: str) -> None:
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:reserve_volume")
        if volume["status"] != "available":
            raise BadRequest(f"Invalid volume: Volume status must be available to reserve, but the status is "
                             f"{volume['status']}.")
        volume.update(status="attaching", updated_at=backend.clock.time())


def unreserve(backend, context, volume_id: str) -> None:
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:unreserve_volume")
        if volume["status"] == "attaching":
            volume.update(status="in-use" if volume["attachments"] else "available", updated_at=backend.clock.time())


def begin_detaching(backend, context, volume_id: str) -> None:
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:begin_detaching")
        if volume["status"] != "in-use" or not volume["attachments"]:
            raise BadRequest("Invalid volume: Unable to detach volume. Volume status must be 'in-use' and "
                             "attach_status must be 'attached' to detach.")
        volume.update(status="detaching", updated_at=backend.clock.time())


def roll_detaching(backend, context, volume_id: str) -> None:
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:roll_detaching")
        if volume["status"] == "detaching":
            volume.update(status="in-use", updated_at=backend.clock.time())


# --- image metadata (cinder/api/contrib/volume_image_metadata.py) and the legacy attach -------------

def set_image_metadata(backend, context, volume_id: str, metadata: dict) -> dict:
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume_extension:volume_image_metadata:set")
        volume.setdefault("image_metadata", {}).update({str(k): str(v) for k, v in metadata.items()})
        volume["updated_at"] = backend.clock.time()
        return dict(volume["image_metadata"])


def unset_image_metadata(backend, context, volume_id: str, key: str) -> None:
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume_extension:volume_image_metadata:remove")
        if key not in (volume.get("image_metadata") or {}):
            raise BadRequest(f"Invalid input received: The key {key} does not exist in the volume image metadata.")
        del volume["image_metadata"][key]
        volume["updated_at"] = backend.clock.time()


def legacy_attach(backend, context, volume_id: str, *, server_id: str, mountpoint: str | None) -> None:
    """os-attach: the pre-3.27 way a compute host recorded an attachment."""
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:attach")
        if volume["status"] not in ("available", "attaching", "reserved"):
            raise BadRequest(f"Invalid volume: Volume {volume_id} status must be available or attaching to attach, "
                             f"but current status is {volume['status']}.")
        volumes.attach(backend, volume, server_id=server_id, device=mountpoint,
                       attachment_id=backend.store.ids.uuid())


def legacy_detach(backend, context, volume_id: str, attachment_id: str | None) -> None:
    """os-detach: Cinder's manager (cinder/volume/manager.py detach_volume) detaches the one attachment
    or the named one; a volume with none, or an attachment id it does not hold, just ends available
    (or in-use if others remain). Without an id, two or more attachments are ambiguous."""
    with backend.store.lock:
        volume = _volume(backend, context, volume_id, "volume:detach")
        _detach(backend, volume, attachment_id, "Error detaching volume")


def force_detach(backend, context, volume_id: str, attachment_id: str | None) -> None:
    """os-force_detach (admin, cinder/api/contrib/admin_actions.py _force_detach): terminate the
    connection and detach, whatever the volume's status (Tempest detaches a volume reset to error)."""
    with backend.store.lock:
        volume = volumes.get(backend, context, volume_id)
        policy.require_admin(context, "volume_extension:volume_admin_actions:force_detach")
        _detach(backend, volume, attachment_id, "Error force detaching volume")


def _detach(backend, volume: dict, attachment_id: str | None, failure: str) -> None:
    if attachment_id is None and len(volume["attachments"]) > 1:
        raise BadRequest(f"{failure} - InvalidVolume: Invalid volume: Detach volume failed: More than one "
                         "attachment, but no attachment_id provided.")
    held = [a for a in volume["attachments"] if attachment_id in (None, a["attachment_id"])]
    for attachment in held:
        volumes.detach(backend, volume["id"], attachment["server_id"])
    if not held:  # "Volume detach called, but volume not attached.": the status is put right
        volume.update(status="in-use" if volume["attachments"] else "available", updated_at=backend.clock.time())
