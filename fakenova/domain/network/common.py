"""What every Neutron resource module shares: Neutron's typed errors, the visible-or-404 lookup,
standard attributes (description, tags, revision_number, timestamps), the device owners Neutron
itself uses, and the floating IP association rule (a deleted port takes its floating IPs'
association with it, so ``ports`` applies it too).
"""

from __future__ import annotations

import ipaddress

from fakenova.domain import policy
from fakenova.errors import APIError, BadRequest, Conflict, Forbidden, NotFound

# Port owners Neutron itself creates (neutron_lib/constants.py); none of them gets a security group.
FLOATING_IP_OWNER = "network:floatingip"
DHCP_OWNER = "network:dhcp"
DISTRIBUTED_OWNER = "network:distributed"
ROUTER_INTERFACE_OWNER = "network:router_interface"
ROUTER_GATEWAY_OWNER = "network:router_gateway"
ROUTER_OWNERS = (ROUTER_INTERFACE_OWNER, ROUTER_GATEWAY_OWNER, "network:router_interface_distributed",
                 "network:ha_router_replicated_interface", "network:router_centralized_snat")
# Ports a network delete removes by itself (neutron/common/_constants.py AUTO_DELETE_PORT_OWNERS).
AUTO_DELETE_OWNERS = (DHCP_OWNER, DISTRIBUTED_OWNER, "network:floatingip_agent_gateway")


def neutron_error(error_class, kind: str, message: str):
    error = error_class(message)
    error.title = kind
    return error


def not_found(kind: str, message: str) -> NotFound:
    """A 404 whose Neutron type names the resource (``NetworkNotFound``...), as Neutron's do."""
    return neutron_error(NotFound, kind, message)


def invalid_input(message: str, kind: str = "InvalidInput") -> BadRequest:
    """neutron_lib InvalidInput: "Invalid input for operation: <text>."."""
    return neutron_error(BadRequest, kind, f"Invalid input for operation: {message}.")


def bad_request(resource: str, message: str) -> BadRequest:
    """neutron_lib BadRequest(resource, msg): "Bad <resource> request: <msg>."."""
    return neutron_error(BadRequest, "BadRequest", f"Bad {resource} request: {message}.")


def conflict(kind: str, message: str) -> Conflict:
    return neutron_error(Conflict, kind, message)


def policy_denied(*rules: str) -> Forbidden:
    """oslo.policy's PolicyNotAuthorized for Neutron's match rule: one rule, or the action and an
    attribute rule joined as an AndCheck ("(rule:create_network and rule:create_network:shared)")."""
    text = " and ".join(f"rule:{rule}" for rule in rules)
    return neutron_error(Forbidden, "PolicyNotAuthorized",
                         f"{'(' + text + ')' if len(rules) > 1 else text} is disallowed by policy")


def find_visible(backend, collection: str, record_id: str, context, visible_to, kind: str, message: str) -> dict:
    """The record if it exists and ``visible_to(backend, record, context)``; otherwise Neutron's 404
    of type ``kind`` with ``message``."""
    record = getattr(backend.store, collection).get(record_id)
    if record is None or not visible_to(backend, record, context):
        raise not_found(kind, message)
    return record


def owner_of(context, request: dict) -> str:
    """The project a new resource belongs to: the caller's, or (admins only) the one in the body.

    The API layer has already refused a member's foreign project_id."""
    return request.get("project_id") or context.project_id


def standard_attributes(backend, request: dict, *, revision: int = 0) -> dict:
    """description, tags, revision_number, created_at, updated_at of a new resource."""
    now = backend.clock.time()
    return {"description": request.get("description") or "", "tags": list(request.get("tags") or []),
            "revision_number": revision, "created_at": now, "updated_at": now}


def touch(backend, record: dict) -> None:
    """Neutron bumps a resource's revision and updated_at on every change (and on a child's)."""
    record["revision_number"] = record.get("revision_number", 0) + 1
    record["updated_at"] = backend.clock.time()


def apply_update(backend, record: dict, request: dict, names) -> None:
    """Copy the attributes ``names`` present in ``request`` onto ``record``, then touch it."""
    for name in names:
        if name in request:
            record[name] = request[name]
    touch(backend, record)


def check_revision(record: dict, if_match: str | None) -> None:
    """revision-if-match: ``If-Match: revision_number=<n>`` on PUT/DELETE must name the current
    revision (neutron/services/revisions/revision_plugin.py); 412 otherwise."""
    if not if_match:
        return
    kind, _, value = if_match.strip().partition("=")
    if kind != "revision_number" or not value.isdigit():
        raise bad_request("if-match", "Revision number etag must be in the format of revision_number=<int>")
    if int(value) != record.get("revision_number"):
        error = APIError(f"Constrained to {value}, but current revision is {record.get('revision_number')}",
                         code=412)
        error.title = "RevisionNumberConstraintFailed"
        raise error


def associate_floating_ip(fip: dict, port_id: str | None, fixed_ip_address: str | None,
                          router_id: str | None = None) -> None:
    """Point a floating IP at a port's fixed address (or at nothing); its status follows."""
    fip["port_id"], fip["fixed_ip_address"], fip["router_id"] = port_id, fixed_ip_address, router_id
    fip["status"] = "ACTIVE" if port_id else "DOWN"


def ip_version(address: str) -> int:
    return ipaddress.ip_address(address).version


def in_cidr(address: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


# --- Neutron's default policy (neutron/conf/policies, new defaults) ---------------------------------

def _roles(context) -> frozenset:
    return policy.effective_roles(context.roles)


def is_manager(context) -> bool:
    return "manager" in _roles(context)


def is_member_of(context, project_id: str | None) -> bool:
    """ADMIN_OR_PROJECT_MEMBER: admin, or a member of the target's project."""
    return context.is_admin or (project_id == context.project_id and "member" in _roles(context))


def is_reader_of(context, project_id: str | None) -> bool:
    return context.is_admin or (project_id == context.project_id and "reader" in _roles(context))


def authorize_write(context, record: dict, action: str, visible: bool = True) -> None:
    """PUT/DELETE on a resource: the owner's member or an admin. Someone who may not even see it
    hears Neutron's generic 404; someone who may (another project's shared network) a 403."""
    if is_member_of(context, record.get("project_id")):
        return
    if not visible:
        raise not_found("HTTPNotFound", "The resource could not be found.")
    raise policy_denied(action)


def authorize_create(context, project_id: str, action: str, admin_attributes=()) -> None:
    """POST: members create in their own project; admin-only attributes named in
    ``admin_attributes`` (the ones the request sets) make it admin-only."""
    if not is_member_of(context, project_id):
        raise policy_denied(action)
    if admin_attributes and not context.is_admin:
        raise policy_denied(action, f"{action}:{admin_attributes[0]}")
