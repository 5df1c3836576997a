"""A server's volume block device mappings: device names, attaching a checked volume to a server
(Nova's record and Cinder's together), the boot volumes of a new server, and what a destroyed server
does with its volumes. ``volume_attachments`` serves the API on top of this; ``servers`` uses it at boot.

A mapping is an entry of ``server["volumes_attached"]``: {id (the volume id), device, tag,
delete_on_termination, attachment_id, bdm_uuid, boot_index}.
"""

from __future__ import annotations

import string
import uuid

from fakenova.domain.compute import lifecycle
from fakenova.domain.volume import volumes
from fakenova.errors import BadRequest, NotFound

ROOT_DEVICE = "/dev/vda"


def mapping(server: dict, volume_id: str) -> dict | None:
    return next((bdm for bdm in server["volumes_attached"] if bdm["id"] == volume_id), None)


def check_not_attached(backend, volume: dict) -> None:
    """Nova's _check_volume_already_attached: a volume (never multiattach here) serves one server."""
    holders = [s["id"] for s in backend.store.servers.values()
               if not s.get("deleted") and mapping(s, volume["id"]) is not None]
    if holders:
        raise BadRequest(f"Invalid volume: volume {volume['id']} is already attached to instances: "
                         f"{' '.join(holders)}")


def reserve(volume: dict, *, request_id: str) -> None:
    """Cinder's answer to the attachment Nova asks for, as Nova words it (InvalidInput from a 400)."""
    refusal = volumes.reserve_failure(volume)
    if refusal:
        raise BadRequest(f"Invalid input received: {refusal} (HTTP 400) (Request-ID: {request_id})")


def connect(backend, server: dict, volume: dict, *, device: str | None, tag, boot_index,
             delete_on_termination: bool) -> dict:
    store = backend.store
    bdm = {"id": volume["id"], "device": device, "tag": tag, "delete_on_termination": delete_on_termination,
           "attachment_id": store.ids.uuid(), "bdm_uuid": store.ids.uuid(), "boot_index": boot_index}
    server["volumes_attached"].append(bdm)
    volumes.attach(backend, volume, server_id=server["id"], device=device, attachment_id=bdm["attachment_id"])
    return bdm


def next_device(server: dict) -> str:
    """The first /dev/vdX the server does not use; vda is the root disk (image or boot volume)."""
    used = {bdm.get("device") for bdm in server["volumes_attached"]} | {ROOT_DEVICE}
    for index in range(1, 26 * 27):
        name = "/dev/vd" + _letters(index)
        if name not in used:
            return name
    raise AssertionError("no free device name")  # 700 volumes: beyond any real server


def _letters(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: the way libvirt names disks past vdz."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = string.ascii_lowercase[rest] + letters
    return letters


def check_boot_volumes(backend, context, mappings: list[dict], count: int) -> None:
    """Server create: each pre-existing volume must be the caller's and free to attach (400s with
    Nova's texts: VolumeNotFound from _get_volumes_for_bdms, Cinder's refusal via _validate_bdm).
    Nova reserves the volumes once per instance, so a second instance finds them "reserved"."""
    for mapping in mappings:
        try:
            volume = volumes.get(backend, context, mapping["id"])
        except NotFound as exc:
            raise BadRequest(exc.message) from None
        refusal = volumes.reserve_failure(volume)
        if refusal is None and count > 1:
            refusal = volumes.reserve_failure(dict(volume, status="reserved"))
        if refusal:
            raise BadRequest(f"Invalid volume: Invalid input received: {refusal} (HTTP 400) "
                             f"(Request-ID: req-{uuid.uuid4()})")


def connect_boot_volumes(backend, server: dict, mappings: list[dict]) -> None:
    """Attach the checked volumes to a new server: boot index 0 is /dev/vda, the rest follow."""
    server["volumes_attached"] = []
    for mapping in sorted(mappings, key=lambda m: (m.get("boot_index") != 0,)):
        volume = backend.store.volumes[mapping["id"]]
        device = ROOT_DEVICE if mapping.get("boot_index") == 0 else next_device(server)
        connect(backend, server, volume, device=device, tag=mapping.get("tag"),
                 boot_index=mapping.get("boot_index"), delete_on_termination=mapping["delete_on_termination"])


def _release_volumes(backend, server: dict) -> None:
    """A destroyed server lets go of its volumes: delete_on_termination ones are deleted, the others
    are available again (nova-compute's _cleanup_volumes)."""
    store = backend.store
    for bdm in server.get("volumes_attached", ()):
        volume = volumes.detach(backend, bdm["id"], server["id"])
        if volume is not None and bdm.get("delete_on_termination") and not volume["attachments"]:
            del store.volumes[volume["id"]]


lifecycle.EFFECTS["release_volumes"] = _release_volumes
