"""The power, pause, suspend, rescue, shelve, lock, admin and security-group server actions.

Each follows Nova's order: find the server (404), apply the policy (403), then the compute API's own
checks (lock, host, states: 409, via ``lifecycle.check``) and start the transition from the table.
Instance actions are recorded by the dispatcher once an action was accepted.

Checked against nova/api/openstack/compute/{servers,pause_server,suspend_server,rescue,shelve,
lock_server,admin_actions,deferred_delete,admin_password,console_output,security_groups}.py and
nova/compute/api.py, Nova 2025.x.
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import console, lifecycle, servers
from fakenova.domain.image import images
from fakenova.domain.network import ports
from fakenova.errors import BadRequest, Conflict, NotFound


def _get(backend, context, server_id: str, *, mapped: bool = False) -> dict:
    """The server; ``mapped`` handlers (os-start, os-stop, trigger_crash_dump) look up the cell
    mapping first, so an id Nova never saw is "has no mapping to a cell"."""
    if mapped and server_id not in backend.store.servers:
        raise NotFound(f"Instance {server_id} has no mapping to a cell.")
    return servers.get(backend, context, server_id)


def transition(backend, context, server_id: str, row: str, *, rule: str, api_action: str | None = None,
               mapped: bool = False) -> dict:
    """The common shape: look up, authorise, check the table row and start it."""
    with backend.store.lock:
        server = _get(backend, context, server_id, mapped=mapped)
        policy.authorize(context, rule, server["project_id"])
        lifecycle.check(server, row, context=context, api_action=api_action)
        lifecycle.start(backend, server, row)
        return server


# --- reboot, power, crash dump ------------------------------------------------------------------

def reboot(backend, context, server_id: str, reboot_type: str) -> dict:
    row = "reboot_hard" if reboot_type.upper() == "HARD" else "reboot"
    return transition(backend, context, server_id, row, rule="os_compute_api:servers:reboot", api_action="reboot")


def trigger_crash_dump(backend, context, server_id: str) -> dict:
    # No state change: the guest gets an NMI and goes on (or reboots by itself).
    with backend.store.lock:
        server = _get(backend, context, server_id, mapped=True)
        policy.authorize(context, "os_compute_api:servers:trigger_crash_dump", server["project_id"])
        lifecycle.check(server, "trigger_crash_dump", context=context)
        return server


# --- rescue --------------------------------------------------------------------------------------

def rescue(backend, context, server_id: str, admin_pass: str | None, rescue_image_ref: str | None, *,
           allow_bfv_rescue: bool = False) -> str:
    """Returns the rescue password (generated unless given). ``allow_bfv_rescue`` (2.87+): a
    volume-backed server may be rescued with an image that has hw_rescue_bus and hw_rescue_device."""
    store = backend.store
    with store.lock:
        password = admin_pass or store.ids.choice(servers.PASSWORD_CHARS, servers.PASSWORD_LENGTH)
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-rescue", server["project_id"])
        lifecycle.check(server, "rescue", context=context)
        properties = server.get("image_properties") or {}
        if rescue_image_ref:
            try:
                properties = images.get(backend, rescue_image_ref, context).get("properties") or {}
            except NotFound:
                raise BadRequest(f"Requested rescue image '{rescue_image_ref}' is not supported") from None
        rescuable_bfv = allow_bfv_rescue and "hw_rescue_bus" in properties and "hw_rescue_device" in properties
        if not server.get("image_ref") and not rescuable_bfv:
            raise BadRequest(f"Instance {server_id} cannot be rescued: Cannot rescue a volume-backed instance")
        lifecycle.start(backend, server, "rescue")
        server["rescue_image_ref"] = rescue_image_ref or server.get("image_ref")
        return password


# --- shelve --------------------------------------------------------------------------------------

def unshelve(backend, context, server_id: str, *, az_passed: bool = False, new_az: str | None = None,
             host: str | None = None) -> dict:
    """``az_passed``: the body named an availability zone (2.77+; null unpins from 2.91)."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-shelve:unshelve", server["project_id"])
        lifecycle.check(server, "unshelve", context=context)
        if (az_passed or host) and server["vm_state"] != lifecycle.SHELVED_OFFLOADED:
            raise Conflict(f'Specifying an availability zone or a host when unshelving server "{server_id}" with '
                           f'status "{server["vm_state"]}" is not supported. The server status must be '
                           "SHELVED_OFFLOADED.")
        if az_passed and new_az and new_az != lifecycle.DEFAULT_AZ:
            raise BadRequest("The requested availability zone is not available")
        expected_az = new_az if az_passed else server.get("pinned_availability_zone")
        if host:
            policy.authorize(context, "os_compute_api:os-shelve:unshelve_to_host", server["project_id"])
            if host not in lifecycle.COMPUTE_HOSTS:
                raise BadRequest(f"Compute host {host} could not be found.")
            if expected_az is not None and expected_az != lifecycle.DEFAULT_AZ:
                raise Conflict(f'Host "{host}" is not in the availability zone "{expected_az}".')
            server["requested_host"] = host
        server["pinned_availability_zone"] = expected_az
        lifecycle.start(backend, server, "unshelve")
        return server


# --- lock ----------------------------------------------------------------------------------------

def lock(backend, context, server_id: str, reason: str | None) -> bool:
    """Lock; False when nothing changed (the owner locking an already locked server)."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-lock-server:lock", server["project_id"])
        is_owner = server["project_id"] == context.project_id
        if server.get("locked_by") and is_owner:
            return False
        server["locked_by"] = "owner" if is_owner else "admin"
        if reason:
            server["locked_reason"] = reason
        server["updated_at"] = backend.clock.time()
        return True


def unlock(backend, context, server_id: str) -> dict:
    """An owner may not lift an admin's lock without the unlock_override policy (403)."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-lock-server:unlock", server["project_id"])
        expected = "owner" if server["project_id"] == context.project_id else "admin"
        if server.get("locked_by") and server["locked_by"] != expected:
            policy.authorize(context, "os_compute_api:os-lock-server:unlock:unlock_override", server["project_id"])
        server.update(locked_by=None, locked_reason=None, updated_at=backend.clock.time())
        return server


# --- admin actions -------------------------------------------------------------------------------

RESET_STATES = {"active": lifecycle.ACTIVE, "error": lifecycle.ERROR}


def reset_state(backend, context, server_id: str, state: str) -> dict:
    """Set vm_state, clear task_state, and drop whatever the server was doing. No lock check."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-admin-actions:reset_state", server["project_id"])
        lifecycle.start(backend, server, "resetState")
        server.update(vm_state=RESET_STATES[state], task_state=None)
        return server


def inject_network_info(backend, context, server_id: str) -> dict:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-admin-actions:inject_network_info", server["project_id"])
        lifecycle.check(server, "injectNetworkInfo", context=context)
        return server


# --- password and console ------------------------------------------------------------------------

def change_password(backend, context, server_id: str, password: str) -> dict:
    server = transition(backend, context, server_id, "changePassword", rule="os_compute_api:os-admin-password")
    server["admin_pass"] = password
    return server


def console_output(backend, context, server_id: str, length) -> str:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-console-output", server["project_id"])
        if not server.get("host"):
            raise Conflict(f"Instance {server_id} is not ready")
        return console.output(backend, server, length)


# --- security groups (Neutron ports) -------------------------------------------------------------

def _group_id(backend, context, name: str) -> str:
    """Neutron's find by name or id within the caller's project (neutronclient's lookup)."""
    groups = [g for g in backend.store.security_groups.values()
              if g["project_id"] == context.project_id or context.is_admin]
    if any(g["id"] == name for g in groups):
        return name
    named = [g for g in groups if g["name"] == name and g["project_id"] == context.project_id]
    if len(named) > 1:
        raise Conflict(f"Multiple security_group matches found for name '{name}', use an ID to be more specific.")
    if not named:
        raise NotFound(f"Security group {name} is not found for project {context.project_id}")
    return named[0]["id"]


def _ports_of(backend, server: dict) -> list[dict]:
    found = ports.ports_of(backend, server["id"])
    if not found:
        raise NotFound(f"instance_id {server['id']} could not be found as device id on any ports")
    return found


def _refresh_group_names(backend, server: dict) -> None:
    groups = backend.store.security_groups
    ids = {group_id for p in ports.ports_of(backend, server["id"]) for group_id in p.get("security_groups", ())}
    server["security_groups"] = sorted({groups[i]["name"] for i in ids if i in groups})


def _checked_name(name: str) -> str:
    if not name.strip():
        raise BadRequest("Security group name cannot be empty")
    return name


def add_security_group(backend, context, server_id: str, name: str) -> None:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-security-groups:add", server["project_id"])
        group_id = _group_id(backend, context, _checked_name(name))
        bound = _ports_of(backend, server)
        for port in bound:
            if not port.get("port_security_enabled", True):
                raise BadRequest("Network requires port_security_enabled and subnet associated in order to apply "
                                 "security groups.")
        for port in bound:
            if group_id not in port["security_groups"]:
                ports.set_security_groups(backend, port, [*port["security_groups"], group_id])
        _refresh_group_names(backend, server)


def remove_security_group(backend, context, server_id: str, name: str) -> None:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-security-groups:remove", server["project_id"])
        group_id = _group_id(backend, context, _checked_name(name))
        found = False
        for port in _ports_of(backend, server):
            if group_id in port.get("security_groups", ()):
                ports.set_security_groups(backend, port, [g for g in port["security_groups"] if g != group_id])
                found = True
        if not found:
            raise NotFound(f"Security group {name} not associated with the instance {server_id}")
        _refresh_group_names(backend, server)
