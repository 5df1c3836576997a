"""Floating IPs (Neutron's L3 side): an address on an external network, optionally NATed to a port.

A record in ``store.floatingips`` has id, floating_ip_address, floating_network_id, port_id,
fixed_ip_address, router_id, status (ACTIVE while associated, DOWN otherwise), project_id,
description, tags, revision_number, created_at/updated_at. The servers view reads it to show the
address as ``OS-EXT-IPS:type: floating``. Checks and messages follow neutron/db/l3_db.py: a port is
reachable only through a router with an interface on its subnet and its gateway on the floating
network, and that router becomes the floating IP's ``router_id``.
"""

from __future__ import annotations

import ipaddress

from fakenova.domain.network import ip_allocation, network_quotas, ports, routers
from fakenova.domain.network.common import (FLOATING_IP_OWNER, apply_update, associate_floating_ip, authorize_create,
                                            authorize_write, conflict, find_visible, is_manager, neutron_error,
                                            not_found, owner_of, policy_denied, standard_attributes)
from fakenova.errors import BadRequest


def visible(fip: dict, context) -> bool:
    return context.is_admin or fip["project_id"] == context.project_id


def get(backend, fip_id: str, context) -> dict:
    return find_visible(backend, "floatingips", fip_id, context, lambda _b, fip, ctx: visible(fip, ctx),
                        "FloatingIPNotFound", f"Floating IP {fip_id} could not be found")


def _bad(message: str):
    return neutron_error(BadRequest, "BadRequest", f"Bad floatingip request: {message}.")


def create(backend, context, request: dict) -> dict:
    """``request``: floating_network_id, and optionally subnet_id, floating_ip_address, port_id,
    fixed_ip_address, description, project_id (admins only)."""
    store = backend.store
    with store.lock:
        project_id = owner_of(context, request)
        authorize_create(context, project_id, "create_floatingip")
        if request.get("floating_ip_address") and not (context.is_admin or is_manager(context)):
            raise policy_denied("create_floatingip", "create_floatingip:floating_ip_address")
        network_id = request["floating_network_id"]
        network = store.networks.get(network_id)
        if network is None:
            raise not_found("NetworkNotFound", f"Network {network_id} could not be found.")
        if not network["router:external"]:
            raise _bad(f"Network {network_id} is not a valid external network")
        if not any(store.subnets[s]["ip_version"] == 4 for s in network["subnets"]):
            raise _bad(f"Network {network_id} does not contain any IPv4 subnet")
        network_quotas.check_room(backend, project_id, "floatingip")
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
            "qos_policy_id": request.get("qos_policy_id"),
            "dns_domain": request.get("dns_domain", ""),
            "dns_name": request.get("dns_name", ""),
            **standard_attributes(backend, request),
        }
        association = _association(backend, context, fip, request)
        # The address lives on a port of Neutron's own that no project sees.
        external_port = ports.create_port(backend, network_id, project_id="", device_id=fip_id,
                                          device_owner=FLOATING_IP_OWNER,
                                          fixed_ips=_address_request(backend, network, request), context=context)
        external_port["status"] = "N/A"
        fip["floating_ip_address"] = external_port["fixed_ips"][0]["ip_address"]
        associate_floating_ip(fip, *association)
        store.floatingips[fip_id] = fip
        return fip


def _address_request(backend, network: dict, request: dict) -> list[dict]:
    """One IPv4 address: the one asked for, one from the subnet asked for, or the first free one."""
    store = backend.store
    if request.get("floating_ip_address"):
        entry = {"ip_address": request["floating_ip_address"]}
        if request.get("subnet_id"):
            entry["subnet_id"] = request["subnet_id"]
        return [entry]
    if request.get("subnet_id"):
        subnet = store.subnets.get(request["subnet_id"])
        if subnet is None:
            raise not_found("SubnetNotFound", f"Subnet {request['subnet_id']} could not be found.")
        if subnet["ip_version"] != 4 or subnet["network_id"] != network["id"]:
            raise _bad(f"Subnet {subnet['id']} is not an IPv4 subnet of network {network['id']}")
        candidates = [subnet]
    else:
        candidates = [store.subnets[s] for s in network["subnets"] if store.subnets[s]["ip_version"] == 4]
    for subnet in candidates:
        address = ip_allocation.lowest_free(backend, subnet)
        if address:
            return [{"subnet_id": subnet["id"], "ip_address": address}]
    raise neutron_error(BadRequest, "ExternalIpAddressExhausted",
                        f"Unable to find any IP address on external network {network['id']}.")


def update(backend, context, fip_id: str, request: dict) -> dict:
    """PUT: associate with ``port_id`` (and ``fixed_ip_address``), or ``port_id: null`` to release."""
    with backend.store.lock:
        fip = get(backend, fip_id, context)
        authorize_write(context, fip, "update_floatingip")
        if "port_id" in request or "fixed_ip_address" in request:
            associate_floating_ip(fip, *_association(backend, context, fip, request))
        apply_update(backend, fip, request, ("description", "qos_policy_id"))
        return fip


def delete(backend, context, fip_id: str) -> None:
    with backend.store.lock:
        fip = get(backend, fip_id, context)
        authorize_write(context, fip, "delete_floatingip")
        remove(backend, fip_id)


def remove(backend, fip_id: str) -> None:
    """The floating IP and Neutron's port that holds its address."""
    store = backend.store
    del store.floatingips[fip_id]
    for port_id in [p["id"] for p in store.ports.values()
                    if p["device_id"] == fip_id and p["device_owner"] == FLOATING_IP_OWNER]:
        del store.ports[port_id]


def _association(backend, context, fip: dict, request: dict) -> tuple[str | None, str | None, str | None]:
    """(port_id, fixed_ip_address, router_id) the request asks for, after Neutron's checks."""
    port_id = request.get("port_id")
    fixed = request.get("fixed_ip_address")
    if fixed and not port_id:
        raise _bad("fixed_ip_address cannot be specified without a port_id")
    if not port_id:
        return None, None, None
    port = ports.get_port(backend, port_id, context)
    if port["project_id"] != fip["project_id"] and not context.is_admin:
        raise _bad(f"Cannot process floating IP association with Port {port_id}, "
                   "since that port is owned by a different project")
    if port["device_owner"].startswith("network:"):
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
            raise conflict("FloatingIPPortAlreadyAssociated",
                           f"Cannot associate floating IP {fip['floating_ip_address']} ({fip['id']}) with port "
                           f"{port_id} using fixed IP {fixed}, as that fixed IP already has a floating IP on "
                           f"external network {fip['floating_network_id']}.")
    return port_id, fixed, routers.router_for_floating_ip(backend, port, fixed, fip["floating_network_id"])
