"""Nova's side of volumes: /servers/{id}/os-volume_attachments (list, show, attach, update/swap,
detach). No Flask here.

A server's block device mappings live in ``server["volumes_attached"]`` (see ``block_devices``, which
also holds boot-from-volume and what a deleted server does with its volumes). The Cinder side
(status, ``attachments``) lives in ``domain/volume/volumes.py``; both change together, under the
store lock. Attach and detach complete within the request (nova-compute's work is instant here).

Checked against nova/api/openstack/compute/volume_attachments.py and nova/compute/api.py
(attach_volume, detach_volume, _check_volume_already_attached, _validate_bdm), Nova master 2026.
"""

from __future__ import annotations

from fakenova.domain import paging, policy
from fakenova.domain.compute import block_devices, instance_actions, lifecycle, servers
from fakenova.domain.compute.server_guards import require_state
from fakenova.domain.volume import volumes
from fakenova.errors import BadRequest, Conflict, NotFound
from fakenova.validation import nova_boolean

_RULE = "os_compute_api:os-volumes-attachments:"

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


# --- reads ---------------------------------------------------------------------------------------

def listed(backend, context, server_id: str, *, limit: int | None, offset: int) -> tuple[dict, list[dict]]:
    server = _server(backend, context, server_id, "index")
    limit = paging.capped(limit or None)  # 0 is no limit, as common.limited
    return server, server["volumes_attached"][offset:offset + limit]


def get(backend, context, server_id: str, volume_id: str) -> tuple[dict, dict]:
    server = _server(backend, context, server_id, "show")
    bdm = block_devices.mapping(server, volume_id)
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
        block_devices.check_not_attached(backend, volume)
        if server["vm_state"] == lifecycle.SHELVED_OFFLOADED and tag:
            raise BadRequest("Tagged volume attachment is not supported for shelved-offloaded instances.")
        block_devices.reserve(volume, request_id=context.request_id)
        # libvirt ignores a requested device name and picks the next free one, as here.
        device = None if server["vm_state"] == lifecycle.SHELVED_OFFLOADED else block_devices.next_device(server)
        bdm = block_devices.connect(backend, server, volume, device=device, tag=tag, boot_index=None,
                       delete_on_termination=nova_boolean(request.get("delete_on_termination", False)))
        instance_actions.begin(backend, server, "attach_volume", context)
        return server, bdm


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
    bdm = block_devices.mapping(server, volume_id)
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
        bdm = block_devices.mapping(server, volume_id)
        if bdm is None:
            raise _not_attached(server_id, volume_id)
        if bdm.get("boot_index") == 0:
            raise BadRequest("Cannot detach a root device volume")
        lifecycle.check_lock(server, context)
        require_state(server, "detach_volume", ATTACHABLE)
        server["volumes_attached"].remove(bdm)
        volumes.detach(backend, volume_id, server["id"])
        instance_actions.begin(backend, server, "detach_volume", context)
