"""Floating IPs (Neutron's L3 side): an address on an external network, optionally NATed to a port.

A record in ``store.floatingips`` has id, floating_ip_address, floating_network_id, port_id,
fixed_ip_address, router_id, status (ACTIVE while associated, DOWN otherwise), project_id,
description, tags, revision_number, created_at/updated_at. The servers view reads it to show the
address as ``OS-EXT-IPS:type: floating``. Checks and messages follow neutron/db/l3_db.py; there are
no routers here, so every internal subnet counts as reachable from every external network.
"""

from __future__ import annotations

import ipaddress

from fakenova.domain.network import networks
from fakenova.domain.network.common import (DHCP_OWNER, FLOATING_IP_OWNER, associate_floating_ip, find_visible,
                                            neutron_error, not_found)
from fakenova.errors import BadRequest, Conflict


def visible(fip: dict, context) -> bool:
    return context.is_admin or fip["project_id"] == context.project_id


def get(backend, fip_id: str, context) -> dict:
    return find_visible(backend, "floatingips", fip_id, context, lambda _b, fip, ctx: visible(fip, ctx),
                        "FloatingIPNotFound", f"Floating IP {fip_id} could not be found")


def _bad(message: str):
    return neutron_error(BadRequest, "BadRequest", f"Bad floatingip request: {message}.")


def create(backend, context, request: dict) -> dict:
    """``request``: floating_network_id, and optionally floating_ip_address, port_id,
    fixed_ip_address, description, project_id (admins only)."""
    store = backend.store
    with store.lock:
        network_id = request["floating_network_id"]
        network = store.networks.get(network_id)
        if network is None:
            raise not_found("NetworkNotFound", f"Network {network_id} could not be found.")
        if not network["router:external"]:
            raise _bad(f"Network {network_id} is not a valid external network")
        if not any(store.subnets[s]["ip_version"] == 4 for s in network["subnets"]):
            raise _bad(f"Network {network_id} does not contain any IPv4 subnet")
        project_id = (request.get("project_id") if context.is_admin else None) or context.project_id
        fip_id = store.ids.uuid()
        fip = {
            "id": fip_id,
            "floating_ip_address": None,
            "floating_network_id": network_id,
            "router_id": None,
            "port_id": None,
            "fixed_ip_address": None,
            "status": "DOWN",
            "project_id": project_id,
            "description": request.get("description", ""),
            "qos_policy_id": None,
            "tags": [],
            "revision_number": 0,
            "created_at": backend.clock.time(),
            "updated_at": backend.clock.time(),
        }
        association = _association(backend, context, fip, request)
        wanted = request.get("floating_ip_address")
        try:
            # The address lives on a port of Neutron's own that no project sees.
            external_port = networks.create_port(backend, network_id, project_id="", device_id=fip_id,
                                                 device_owner=FLOATING_IP_OWNER, fixed_ip=wanted)
        except ValueError as exc:
            if str(exc) != "no free address":
                raise networks.allocation_error(str(exc), network_id, wanted) from None
            raise neutron_error(BadRequest, "ExternalIpAddressExhausted",
                                f"Unable to find any IP address on external network {network_id}.") from None
        ipv4 = [ip for ip in external_port["fixed_ips"] if ipaddress.ip_address(ip["ip_address"]).version == 4]
        external_port["fixed_ips"] = ipv4[:1]
        fip["floating_ip_address"] = ipv4[0]["ip_address"]
        associate_floating_ip(fip, *association)
        store.floatingips[fip_id] = fip
        return fip


def update(backend, context, fip_id: str, request: dict) -> dict:
    """PUT: associate with ``port_id`` (and ``fixed_ip_address``), or ``port_id: null`` to release."""
    with backend.store.lock:
        fip = get(backend, fip_id, context)
        if "port_id" in request or "fixed_ip_address" in request:
            associate_floating_ip(fip, *_association(backend, context, fip, request))
        if "description" in request:
            fip["description"] = request["description"]
        fip["revision_number"] += 1
        fip["updated_at"] = backend.clock.time()
        return fip


def delete(backend, context, fip_id: str) -> None:
    store = backend.store
    with store.lock:
        get(backend, fip_id, context)
        del store.floatingips[fip_id]
        for port_id in [p["id"] for p in store.ports.values()
                        if p["device_id"] == fip_id and p["device_owner"] == FLOATING_IP_OWNER]:
            del store.ports[port_id]


def _association(backend, context, fip: dict, request: dict) -> tuple[str | None, str | None]:
    """(port_id, fixed_ip_address) the request asks for, after Neutron's checks."""
    port_id = request.get("port_id")
    fixed = request.get("fixed_ip_address")
    if fixed and not port_id:
        raise _bad("fixed_ip_address cannot be specified without a port_id")
    if not port_id:
        return None, None
    port = networks.get_port(backend, port_id, context)
    if port["project_id"] != fip["project_id"] and not context.is_admin:
        raise _bad(f"Cannot process floating IP association with Port {port_id}, "
                   "since that port is owned by a different project")
    if port["device_owner"] == DHCP_OWNER:
        raise _bad(f"Port {port_id} is unable to be assigned a floating IP")
    ipv4 = [ip["ip_address"] for ip in port["fixed_ips"] if ipaddress.ip_address(ip["ip_address"]).version == 4]
    if fixed:
        if ipaddress.ip_address(fixed).version != 4:
            raise _bad(f"Cannot process floating IP association with {fixed}, since that is not an IPv4 address")
        if fixed not in [ip["ip_address"] for ip in port["fixed_ips"]]:
            raise _bad(f"Port {port_id} does not have fixed ip {fixed}")
    elif not ipv4:
        raise _bad(f"Cannot add floating IP to port {port_id} that has no fixed IPv4 addresses")
    elif len(ipv4) > 1:
        raise _bad(f"Port {port_id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address "
                   "when assigning a floating IP")
    else:
        fixed = ipv4[0]
    for other in backend.store.floatingips.values():
        if (other["id"] != fip["id"] and other["port_id"] == port_id and other["fixed_ip_address"] == fixed
                and other["floating_network_id"] == fip["floating_network_id"]):
            raise neutron_error(Conflict, "FloatingIPPortAlreadyAssociated",
                                f"Cannot associate floating IP {fip['floating_ip_address']} ({fip['id']}) with port "
                                f"{port_id} using fixed IP {fixed}, as that fixed IP already has a floating IP on "
                                f"external network {fip['floating_network_id']}.")
    return port_id, fixed
