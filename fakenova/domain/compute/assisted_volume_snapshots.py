"""/os-assisted-volume-snapshots: the call Cinder's remote-filesystem drivers (NFS, ...) make so
Nova's compute takes or merges a qcow2 snapshot of an attached volume. No Flask here.

Checked against nova/api/openstack/compute/assisted_volume_snapshots.py,
nova/compute/api.py (volume_snapshot_create / volume_snapshot_delete: the volume's block device
mapping in any project, a host, no task in progress; each refusal is a 400) and
nova/policies/assisted_volume_snapshots.py (service role or admin), Nova master 2026.

The API answers at once; the work is an RPC cast to the compute host, which then reports to
Cinder. fakenova models no guest disk files, so an accepted request changes nothing and says so in
one WARNING line.
"""

from __future__ import annotations

import json
import logging

from fakenova.domain import policy
from fakenova.domain.compute import block_devices
from fakenova.errors import BadRequest

log = logging.getLogger("fakenova")


def _server_with(backend, volume_id: str) -> dict:
    """_get_bdm_by_volume_id then the instance checks, a 400 each (the API turns them all into 400)."""
    server = next((s for s in backend.store.servers.values()
                   if not s.get("deleted") and block_devices.mapping(s, volume_id) is not None), None)
    if server is None:
        raise BadRequest(f"No volume Block Device Mapping with id {volume_id}.")
    return server


def _check_instance(server: dict, method: str) -> None:
    if not server.get("host"):
        raise BadRequest(f"Instance {server['id']} is not ready")
    if server["task_state"] is not None:
        raise BadRequest(f"Instance {server['id']} in task_state {server['task_state']}. Cannot {method} while the "
                         "instance is in this state.")


def create(backend, context, volume_id: str, create_info: dict) -> dict:
    policy.authorize(context, "os_compute_api:os-assisted-volume-snapshots:create", context.project_id)
    with backend.store.lock:
        server = _server_with(backend, volume_id)
        _check_instance(server, "do_volume_snapshot_create")
    log.warning("fakenova accepts the assisted snapshot %s of volume %s on server %s but models no qcow2 "
                "file on the compute host", create_info.get("snapshot_id"), volume_id, server["id"])
    return {"id": create_info.get("id"), "volumeId": volume_id}


def delete(backend, context, snapshot_id: str, delete_info_json: str | None) -> None:
    policy.authorize(context, "os_compute_api:os-assisted-volume-snapshots:delete", context.project_id)
    # Nova answers a missing or malformed delete_info with the Python error's own text.
    if delete_info_json is None:
        raise BadRequest("'delete_info'")
    try:
        delete_info = json.loads(delete_info_json)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    if not isinstance(delete_info, dict) or "volume_id" not in delete_info:
        raise BadRequest("'volume_id'")
    volume_id = delete_info["volume_id"]
    with backend.store.lock:
        server = _server_with(backend, str(volume_id))
        _check_instance(server, "do_volume_snapshot_delete")
        if delete_info.get("merge_target_file") is not None and server["vm_state"] != "active":
            raise BadRequest(f"Instance {server['id']} in vm_state {server['vm_state']}. Cannot "
                             "volume_snapshot_delete while the instance is in this state.")
    log.warning("fakenova accepts the deletion of assisted snapshot %s of volume %s on server %s but models no "
                "qcow2 file on the compute host", snapshot_id, volume_id, server["id"])
