"""What every Neutron resource module shares: Neutron's typed errors, the visible-or-404 lookup, the
device owners Neutron itself uses, and the floating IP association rule (a deleted port takes its
floating IPs' association with it, so ``networks`` applies it too).
"""

from __future__ import annotations

from fakenova.errors import NotFound

# Port owners Neutron itself creates; the one for floating IPs is never shown to projects.
FLOATING_IP_OWNER = "network:floating_ip"
DHCP_OWNER = "network:dhcp"


def neutron_error(error_class, kind: str, message: str):
    error = error_class(message)
    error.title = kind
    return error


def not_found(kind: str, message: str) -> NotFound:
    """A 404 whose Neutron type names the resource (``NetworkNotFound``...), as Neutron's do."""
    return neutron_error(NotFound, kind, message)


def find_visible(backend, collection: str, record_id: str, context, visible_to, kind: str, message: str) -> dict:
    """The record if it exists and ``visible_to(backend, record, context)``; otherwise Neutron's 404
    of type ``kind`` with ``message``."""
    record = getattr(backend.store, collection).get(record_id)
    if record is None or not visible_to(backend, record, context):
        raise not_found(kind, message)
    return record


def associate_floating_ip(fip: dict, port_id: str | None, fixed_ip_address: str | None) -> None:
    """Point a floating IP at a port's fixed address (or at nothing); its status follows."""
    fip["port_id"], fip["fixed_ip_address"] = port_id, fixed_ip_address
    fip["status"] = "ACTIVE" if port_id else "DOWN"
