"""Nova's side of volumes: /servers/{id}/os-volume_attachments, boot-from-volume mappings, and what
a deleted server does with its volumes. No Flask here.

A server's block device mappings for volumes are the entries of ``server["volumes_attached"]``:
{id (the volume id), device, tag, delete_on_termination, attachment_id, bdm_uuid, boot_index}. The
Cinder side (status, ``attachments``) lives in ``domain/volumes.py``; both change together, under the
store lock. Attach and detach complete within the request (nova-compute's work is instant here).

Checked against nova/api/openstack/compute/volume_attachments.py and nova/compute/api.py
(attach_volume, detach_volume, _check_volume_already_attached, _validate_bdm), Nova master 2026.
"""

from __future__ import annotations

import string
import uuid

from fakenova.domain import instance_actions, lifecycle, paging, policy, servers, volumes
from fakenova.domain.server_guards import require_state
from fakenova.errors import BadRequest, Conflict, NotFound
from fakenova.validation import nova_boolean

_RULE = "os_compute_api:os-volumes-attachments:"
ROOT_DEVICE = "/dev/vda"

# @check_instance_state of compute API attach_volume / detach_volume.
ATTACHABLE = (lifecycle.ACTIVE, lifecycle.PAUSED, lifecycle.STOPPED, lifecycle.RESIZED, lifecycle.SOFT_DELETED,
              lifecycle.SHELVED, lifecycle.SHELVED_OFFLOADED)
SHELVED = (lifecycle.SHELVED, lifecycle.SHELVED_OFFLOADED)


def _server(backend, context, server_id: str, rule: str) -> dict:
    server = servers.get(backend, context, server_id)
    policy.authorize(context, _RULE + rule, server["project_id"])
    return server


def _not_attached(server_id: str, volume_id: str) -> NotFound:
    return NotFound(f"Instance {server_id} is not attached to volume {volume_id}")


def _mapping(server: dict, volume_id: str) -> dict | None:
    return next((bdm for bdm in server["volumes_attached"] if bdm["id"] == volume_id), None)


# --- reads ---------------------------------------------------------------------------------------

def listed(backend, context, server_id: str, *, limit: int | None, offset: int) -> tuple[dict, list[dict]]:
    server = _server(backend, context, server_id, "index")
    limit = paging.capped(limit or None)  # 0 is no limit, as common.limited
    return server, server["volumes_attached"][offset:offset + limit]


def get(backend, context, server_id: str, volume_id: str) -> tuple[dict, dict]:
    server = _server(backend, context, server_id, "show")
    bdm = _mapping(server, volume_id)
    if bdm is None:
        raise _not_attached(server_id, volume_id)
    return server, bdm


# --- attach --------------------------------------------------------------------------------------

def attach(backend, context, server_id: str, request: dict, *, shelved_allowed: bool) -> tuple[dict, dict]:
    """POST: checks in Nova's order, then the volume is in-use and the server has a new mapping."""
    volume_id, tag = request["volumeId"], request.get("tag")
    with backend.store.lock:
        server = _server(backend, context, server_id, "create")
        if server["vm_state"] in SHELVED and not shelved_allowed:
            require_state(server, "attach_volume", ())  # before 2.20 no shelved server takes volumes
        lifecycle.check_lock(server, context)
        require_state(server, "attach_volume", ATTACHABLE)
        volume = volumes.get(backend, context, volume_id)
        _check_not_attached(backend, volume)
        if server["vm_state"] == lifecycle.SHELVED_OFFLOADED and tag:
            raise BadRequest("Tagged volume attachment is not supported for shelved-offloaded instances.")
        _reserve(volume, request_id=context.request_id)
        # libvirt ignores a requested device name and picks the next free one, as here.
        device = None if server["vm_state"] == lifecycle.SHELVED_OFFLOADED else next_device(server)
        bdm = _connect(backend, server, volume, device=device, tag=tag, boot_index=None,
                       delete_on_termination=nova_boolean(request.get("delete_on_termination", False)))
        instance_actions.begin(backend, server, "attach_volume", context)
        return server, bdm


def _check_not_attached(backend, volume: dict) -> None:
    """Nova's _check_volume_already_attached: a volume (never multiattach here) serves one server."""
    holders = [s["id"] for s in backend.store.servers.values()
               if not s.get("deleted") and _mapping(s, volume["id"]) is not None]
    if holders:
        raise BadRequest(f"Invalid volume: volume {volume['id']} is already attached to instances: "
                         f"{' '.join(holders)}")


def _reserve(volume: dict, *, request_id: str) -> None:
    """Cinder's answer to the attachment Nova asks for, as Nova words it (InvalidInput from a 400)."""
    refusal = volumes.reserve_failure(volume)
    if refusal:
        raise BadRequest(f"Invalid input received: {refusal} (HTTP 400) (Request-ID: {request_id})")


def _connect(backend, server: dict, volume: dict, *, device: str | None, tag, boot_index,
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


# --- update (PUT) --------------------------------------------------------------------------------

def update(backend, context, server_id: str, volume_id: str, request: dict, *, only_swap: bool) -> None:
    """PUT: before 2.85 always a swap (Cinder's own call); from 2.85 the owner may change
    delete_on_termination, and naming another volumeId is still a swap."""
    new_volume_id = request["volumeId"]
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        if only_swap or new_volume_id != volume_id:
            policy.authorize(context, _RULE + "swap")
        else:
            policy.authorize(context, _RULE + "update", server["project_id"])
        if not only_swap:
            _update_mapping(server, volume_id, request)
        if only_swap or new_volume_id != volume_id:
            _swap(backend, context, volume_id)


def _update_mapping(server: dict, volume_id: str, request: dict) -> None:
    bdm = _mapping(server, volume_id)
    if bdm is None:
        raise NotFound(f"No volume Block Device Mapping with id {volume_id}.")
    for key, current in (("id", volume_id), ("serverId", server["id"]), ("device", bdm.get("device")),
                         ("tag", bdm.get("tag"))):
        if key in request and request[key] != current:
            raise BadRequest(f"The {key} property is not mutable")
    if "delete_on_termination" in request:
        bdm["delete_on_termination"] = nova_boolean(request["delete_on_termination"])


def _swap(backend, context, old_volume_id: str) -> None:
    """Swapping is Cinder's step in a volume migration, and no volume here ever migrates."""
    volumes.get(backend, context, old_volume_id)
    raise Conflict(f"volume {old_volume_id} is not migrating; this API should only be called by Cinder")


# --- detach --------------------------------------------------------------------------------------

def detach(backend, context, server_id: str, volume_id: str, *, shelved_allowed: bool) -> None:
    with backend.store.lock:
        server = _server(backend, context, server_id, "delete")
        if server["vm_state"] in SHELVED and not shelved_allowed:
            require_state(server, "detach_volume", ())
        volumes.get(backend, context, volume_id)
        bdm = _mapping(server, volume_id)
        if bdm is None:
            raise _not_attached(server_id, volume_id)
        if bdm.get("boot_index") == 0:
            raise BadRequest("Cannot detach a root device volume")
        lifecycle.check_lock(server, context)
        require_state(server, "detach_volume", ATTACHABLE)
        server["volumes_attached"].remove(bdm)
        volumes.detach(backend, volume_id, server["id"])
        instance_actions.begin(backend, server, "detach_volume", context)


# --- boot from volume and server delete ----------------------------------------------------------

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
        _connect(backend, server, volume, device=device, tag=mapping.get("tag"),
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
