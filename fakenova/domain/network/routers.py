"""Routers: the external gateway, interfaces on subnets or ports, extra routes (neutron/db/l3_db.py,
l3_gwmode_db.py, extraroute_db.py; neutron-lib's l3 exceptions), and devstack's seeded ``router1``.

A router's ports are ordinary port records: its gateway (``network:router_gateway``, no project, so
projects never see it) and its interfaces (``network:router_interface``, the router's project).
Floating IPs ask ``router_for_floating_ip`` which router joins a port's subnet to their network.
"""

from __future__ import annotations

import ipaddress

from fakenova.domain.network import ip_allocation, network_quotas, networks, ports, subnets
from fakenova.domain.network.common import (ROUTER_GATEWAY_OWNER, ROUTER_INTERFACE_OWNER, apply_update,
                                            authorize_create, authorize_write, bad_request, conflict, find_visible,
                                            neutron_error, not_found, owner_of, policy_denied,
                                            standard_attributes, touch)
from fakenova.errors import BadRequest
from fakenova.seeds import stable_uuid

MAX_ROUTES = 30
ADMIN_ATTRIBUTES = ("distributed", "ha")


def visible(backend, router: dict, context) -> bool:
    return context.is_admin or router["project_id"] == context.project_id


def get_router(backend, router_id: str, context) -> dict:
    return find_visible(backend, "routers", router_id, context, visible, "RouterNotFound",
                        f"Router {router_id} could not be found")


def _writable(backend, context, router_id: str, action: str) -> dict:
    router = get_router(backend, router_id, context)
    authorize_write(context, router, action)
    return router


def _bad(message: str) -> BadRequest:
    return bad_request("router", message)


def seed_router(backend, entry: dict, network_id: str) -> None:
    """devstack's router1: owned by the network's project, gateway on the external network, an
    interface on each of the network's subnets."""
    store = backend.store
    network = store.networks[network_id]
    name = entry["name"] if isinstance(entry, dict) else str(entry)
    router = _new(backend, {"name": name}, network["project_id"], stable_uuid("router", name))
    gateway = entry.get("gateway") if isinstance(entry, dict) else None
    for subnet_id in list(network["subnets"]):
        _attach_subnet(backend, router, store.subnets[subnet_id])
    if gateway:
        external = next(n for n in store.networks.values() if n["name"] == gateway)
        _set_gateway(backend, router, {"network_id": external["id"]})


def _new(backend, request: dict, project_id: str, router_id: str | None = None) -> dict:
    router = {
        "id": router_id or backend.store.ids.uuid(),
        "name": request.get("name", ""),
        "project_id": project_id,
        "admin_state_up": request.get("admin_state_up", True),
        "status": "ACTIVE",
        "external_gateway_info": None,
        "routes": [],
        "distributed": bool(request.get("distributed", False)),
        "ha": bool(request.get("ha", False)),
        "availability_zone_hints": list(request.get("availability_zone_hints") or []),
        "availability_zones": ["nova"],
        "flavor_id": request.get("flavor_id"),
        **standard_attributes(backend, request, revision=1),
    }
    backend.store.routers[router["id"]] = router
    return router


def create(backend, context, request: dict) -> dict:
    project_id = owner_of(context, request)
    with backend.store.lock:
        authorize_create(context, project_id, "create_router", [a for a in ADMIN_ATTRIBUTES if a in request])
        gateway = request.get("external_gateway_info")
        if gateway:
            _authorize_gateway(context, gateway, "create_router")
        network_quotas.check_room(backend, project_id, "router")
        router = _new(backend, request, project_id)
        if gateway:
            try:
                _set_gateway(backend, router, gateway, context)
            except Exception:
                del backend.store.routers[router["id"]]
                raise
        return router


def _authorize_gateway(context, gateway: dict, action: str) -> None:
    if context.is_admin:
        return
    for key in ("enable_snat", "external_fixed_ips"):
        if key in gateway:
            raise policy_denied(action, f"{action}:external_gateway_info:{key}")


def update(backend, context, router_id: str, request: dict) -> dict:
    with backend.store.lock:
        router = _writable(backend, context, router_id, "update_router")
        admin_only = [a for a in ADMIN_ATTRIBUTES if a in request]
        if admin_only and not context.is_admin:
            raise policy_denied("update_router", f"update_router:{admin_only[0]}")
        if "external_gateway_info" in request:
            gateway = request["external_gateway_info"] or {}
            _authorize_gateway(context, gateway, "update_router")
            _set_gateway(backend, router, gateway, context)
        if "routes" in request:
            router["routes"] = _checked_routes(backend, router, request["routes"] or [])
        apply_update(backend, router, request, ("name", "description", "admin_state_up", "distributed", "ha"))
        return router


def gateway_port(backend, router_id: str) -> dict | None:
    return next((p for p in backend.store.ports.values()
                 if p["device_id"] == router_id and p["device_owner"] == ROUTER_GATEWAY_OWNER), None)


def interface_ports(backend, router_id: str) -> list[dict]:
    return [p for p in backend.store.ports.values()
            if p["device_id"] == router_id and p["device_owner"] == ROUTER_INTERFACE_OWNER]


def _set_gateway(backend, router: dict, gateway: dict, context=None) -> None:
    """Set, change or (with ``{}``) clear the router's external gateway and its port."""
    store = backend.store
    unknown = sorted(set(gateway) - {"network_id", "enable_snat", "external_fixed_ips", "qos_policy_id"})
    if unknown:
        raise neutron_error(BadRequest, "HTTPBadRequest", "Invalid input for external_gateway_info. Reason: "
                                                          f"Unexpected keys supplied: {', '.join(unknown)}.")
    current = gateway_port(backend, router["id"])
    network_id = gateway.get("network_id")
    if not network_id:
        if gateway.get("enable_snat") is not None or gateway.get("external_fixed_ips"):
            raise neutron_error(BadRequest, "HTTPBadRequest", "Invalid input for external_gateway_info. Reason: "
                                                              "network_id is required.")
        if current:
            _check_no_floating_ips(backend, router, current["network_id"])
            del store.ports[current["id"]]
        router["external_gateway_info"] = None
        touch(backend, router)
        return
    network = store.networks.get(network_id)
    if network is None or (context is not None and not networks.visible(backend, network, context)):
        raise not_found("NetworkNotFound", f"Network {network_id} could not be found.")
    if not network["router:external"]:
        raise _bad(f"Network {network_id} is not an external network")
    wanted = gateway.get("external_fixed_ips")
    if wanted is not None:
        if not isinstance(wanted, list):
            raise neutron_error(BadRequest, "HTTPBadRequest", "Invalid input for external_fixed_ips. Reason: "
                                                              f"'{wanted}' is not a list.")
        for entry in wanted:
            address = entry.get("ip_address") if isinstance(entry, dict) else None
            if address and any(store.subnets[s]["gateway_ip"] == address for s in network["subnets"]):
                raise _bad(f"External IP {address} is the same as the gateway IP")
    if current and current["network_id"] != network_id:
        _check_no_floating_ips(backend, router, current["network_id"])
        del store.ports[current["id"]]
        current = None
    if current is None:
        current = ports.create_port(backend, network_id, project_id="", device_id=router["id"],
                                    device_owner=ROUTER_GATEWAY_OWNER, fixed_ips=wanted, context=context)
        current["status"] = "ACTIVE"
    elif wanted is not None:
        current["fixed_ips"] = ip_allocation.requested(backend, context, network, wanted,
                                                       mac=current["mac_address"], device_owner=ROUTER_GATEWAY_OWNER,
                                                       current=current["fixed_ips"], except_port=current["id"])
        touch(backend, current)
    previous = router["external_gateway_info"] or {}
    router["external_gateway_info"] = {
        "network_id": network_id,
        "enable_snat": gateway.get("enable_snat", previous.get("enable_snat", True)),
        "external_fixed_ips": [dict(ip) for ip in current["fixed_ips"]],
    }
    touch(backend, router)


def _check_no_floating_ips(backend, router: dict, network_id: str) -> None:
    if any(f["router_id"] == router["id"] and f["floating_network_id"] == network_id
           for f in backend.store.floatingips.values()):
        raise conflict("RouterExternalGatewayInUseByFloatingIp",
                       f"Gateway cannot be updated for router {router['id']}, since a gateway to external network "
                       f"{network_id} is required by one or more floating IPs.")


def _router_subnets(backend, router_id: str, *, with_gateway: bool = False) -> list[dict]:
    store = backend.store
    owned = interface_ports(backend, router_id)
    if with_gateway:
        gateway = gateway_port(backend, router_id)
        owned += [gateway] if gateway else []
    return [store.subnets[ip["subnet_id"]] for port in owned for ip in port["fixed_ips"]
            if ip["subnet_id"] in store.subnets]


def _check_overlap(backend, router: dict, subnet: dict) -> None:
    if any(s["id"] == subnet["id"] for s in _router_subnets(backend, router["id"])):
        raise _bad(f"Router already has a port on subnet {subnet['id']}")
    new = ipaddress.ip_network(subnet["cidr"])
    for other in _router_subnets(backend, router["id"], with_gateway=True):
        if ipaddress.ip_network(other["cidr"]).overlaps(new):
            raise _bad(f"Cidr {subnet['cidr']} of subnet {subnet['id']} overlaps with cidr {other['cidr']} of subnet "
                       f"{other['id']}")


def _attach_subnet(backend, router: dict, subnet: dict) -> dict:
    if not subnet["gateway_ip"]:
        raise _bad("Subnet for router interface must have a gateway IP")
    _check_overlap(backend, router, subnet)
    if subnet["ip_version"] == 6:
        # A second IPv6 subnet of the same network joins the router's existing IPv6 port there.
        for port in interface_ports(backend, router["id"]):
            if port["network_id"] == subnet["network_id"] and all(
                    ip_allocation_version(ip) == 6 for ip in port["fixed_ips"]):
                port["fixed_ips"].append({"subnet_id": subnet["id"], "ip_address": subnet["gateway_ip"]})
                touch(backend, port)
                return port
    port = ports.create_port(backend, subnet["network_id"], project_id=router["project_id"], device_id=router["id"],
                             device_owner=ROUTER_INTERFACE_OWNER,
                             fixed_ips=[{"subnet_id": subnet["id"], "ip_address": subnet["gateway_ip"]}])
    port["status"] = "ACTIVE"
    return port


def ip_allocation_version(ip: dict) -> int:
    return ipaddress.ip_address(ip["ip_address"]).version


def _interface_info(router: dict, port: dict, subnet_ids: list[str]) -> dict:
    return {"id": router["id"], "tenant_id": router["project_id"], "project_id": router["project_id"],
            "port_id": port["id"], "network_id": port["network_id"], "subnet_id": subnet_ids[0] if subnet_ids else None,
            "subnet_ids": subnet_ids}


def _interface_body(request) -> tuple[str | None, str | None]:
    if not isinstance(request, dict):
        raise neutron_error(BadRequest, "HTTPBadRequest", "Body contains invalid data")
    subnet_id, port_id = request.get("subnet_id"), request.get("port_id")
    for value in (subnet_id, port_id):
        if value is not None and not isinstance(value, str):
            raise _bad(f"{value} is not a valid UUID")
    if not subnet_id and not port_id:
        raise _bad("Either subnet_id or port_id must be specified")
    return subnet_id, port_id


def add_interface(backend, context, router_id: str, request) -> dict:
    store = backend.store
    with store.lock:
        router = _writable(backend, context, router_id, "add_router_interface")
        subnet_id, port_id = _interface_body(request)
        if subnet_id and port_id:
            raise _bad("Cannot specify both subnet-id and port-id")
        if subnet_id:
            subnet = subnets.get_subnet(backend, subnet_id, context)
            network = store.networks[subnet["network_id"]]
            if not context.is_admin and subnet["project_id"] != router["project_id"] and not network["shared"]:
                raise _bad(f"Cannot add interface to router because subnet {subnet_id} is not owned by project "
                           "making the request")
            port = _attach_subnet(backend, router, subnet)
            subnet_ids = [subnet_id]
        else:
            port = ports.get_port(backend, port_id, context)
            if port["device_id"]:
                raise conflict("PortInUse", f"Unable to complete operation on port {port_id} for network "
                                            f"{port['network_id']}. Port already has an attached device "
                                            f"{port['device_id']}.")
            if not port["fixed_ips"]:
                raise _bad("Router port must have at least one fixed IP")
            if sum(1 for ip in port["fixed_ips"] if ip_allocation_version(ip) == 4) > 1:
                raise _bad("Cannot have multiple IPv4 subnets on router port")
            for ip in port["fixed_ips"]:
                _check_overlap(backend, router, store.subnets[ip["subnet_id"]])
            port.update(device_id=router["id"], device_owner=ROUTER_INTERFACE_OWNER, status="ACTIVE",
                        security_groups=[])
            touch(backend, port)
            subnet_ids = [ip["subnet_id"] for ip in port["fixed_ips"]]
        touch(backend, router)
        return _interface_info(router, port, subnet_ids)


def remove_interface(backend, context, router_id: str, request) -> dict:
    store = backend.store
    with store.lock:
        router = _writable(backend, context, router_id, "remove_router_interface")
        subnet_id, port_id = _interface_body(request)
        owned = interface_ports(backend, router_id)
        if port_id:
            port = next((p for p in owned if p["id"] == port_id), None)
            if port is None:
                raise not_found("RouterInterfaceNotFound", f"Router {router_id} does not have an interface with id "
                                                           f"{port_id}")
            port_subnets = [ip["subnet_id"] for ip in port["fixed_ips"]]
            if subnet_id and subnet_id not in port_subnets:
                raise neutron_error(BadRequest, "SubnetMismatchForPort",
                                    f"Subnet {subnet_id} does not match the port {port_id}")
            removed = [subnet_id] if subnet_id else port_subnets
        else:
            subnets.get_subnet(backend, subnet_id, context)
            port = next((p for p in owned if any(ip["subnet_id"] == subnet_id for ip in p["fixed_ips"])), None)
            if port is None:
                raise not_found("RouterInterfaceNotFoundForSubnet", f"Router {router_id} has no interface on subnet "
                                                                    f"{subnet_id}")
            removed = [subnet_id]
        for gone in removed:
            _check_interface_unused(backend, router, gone)
        remaining = [ip for ip in port["fixed_ips"] if ip["subnet_id"] not in removed]
        if remaining:
            port["fixed_ips"] = remaining
            touch(backend, port)
        else:
            del store.ports[port["id"]]
        touch(backend, router)
        return _interface_info(router, port, removed)


def _check_interface_unused(backend, router: dict, subnet_id: str) -> None:
    store = backend.store
    cidr = ipaddress.ip_network(store.subnets[subnet_id]["cidr"])
    for fip in store.floatingips.values():
        if fip["router_id"] == router["id"] and fip["fixed_ip_address"] and \
                ipaddress.ip_address(fip["fixed_ip_address"]) in cidr:
            raise conflict("RouterInterfaceInUseByFloatingIP",
                           f"Router interface for subnet {subnet_id} on router {router['id']} cannot be deleted, as "
                           "it is required by one or more floating IPs.")
    for route in router["routes"]:
        if ipaddress.ip_address(route["nexthop"]) in cidr:
            raise conflict("RouterInterfaceInUseByRoute",
                           f"Router interface for subnet {subnet_id} on router {router['id']} cannot be deleted, as "
                           "it is required by one or more routes.")


def _checked_routes(backend, router: dict, routes) -> list[dict]:
    checked = subnets.validate_routes("routes", routes)
    if len(checked) > MAX_ROUTES:
        raise neutron_error(BadRequest, "RoutesExhausted", f"Unable to complete operation for {router['id']}. The "
                                                           f"number of routes exceeds the maximum {MAX_ROUTES}.")
    owned = interface_ports(backend, router["id"])
    gateway = gateway_port(backend, router["id"])
    owned += [gateway] if gateway else []
    cidrs = [ipaddress.ip_network(backend.store.subnets[ip["subnet_id"]]["cidr"])
             for port in owned for ip in port["fixed_ips"] if ip["subnet_id"] in backend.store.subnets]
    own_ips = {ip["ip_address"] for port in owned for ip in port["fixed_ips"]}
    for route in checked:
        nexthop = ipaddress.ip_address(route["nexthop"])
        if not any(nexthop in cidr for cidr in cidrs):
            raise neutron_error(BadRequest, "InvalidRoutes", f"Invalid format for routes: {routes}, the nexthop is "
                                                             "not connected with router.")
        if route["nexthop"] in own_ips:
            raise neutron_error(BadRequest, "InvalidRoutes", f"Invalid format for routes: {routes}, the nexthop is "
                                                             "used by router.")
    return checked


def delete(backend, context, router_id: str) -> None:
    store = backend.store
    with store.lock:
        router = _writable(backend, context, router_id, "delete_router")
        attached = interface_ports(backend, router_id)
        if attached:
            raise conflict("RouterInUse", f"Router {router_id} has ports still attached: "
                                          f"{', '.join(p['id'] for p in attached)}")
        gateway = gateway_port(backend, router_id)
        if gateway:
            _check_no_floating_ips(backend, router, gateway["network_id"])
            del store.ports[gateway["id"]]
        del store.routers[router_id]


def router_for_floating_ip(backend, port: dict, fixed_ip: str, floating_network_id: str) -> str:
    """The router joining the subnet of the port's ``fixed_ip`` to the floating network: one with an
    interface on that subnet and its gateway on that network, preferring the one that holds the
    subnet's gateway IP. Neutron's 404 when there is none (l3_db.get_router_for_floatingip)."""
    store = backend.store
    subnet_id = next(ip["subnet_id"] for ip in port["fixed_ips"] if ip["ip_address"] == fixed_ip)
    subnet = store.subnets.get(subnet_id, {})
    candidates = []
    for interface in store.ports.values():
        if interface["device_owner"] != ROUTER_INTERFACE_OWNER:
            continue
        on_subnet = [ip for ip in interface["fixed_ips"] if ip["subnet_id"] == subnet_id]
        router = store.routers.get(interface["device_id"])
        if not on_subnet or router is None:
            continue
        gateway = router["external_gateway_info"] or {}
        if gateway.get("network_id") == floating_network_id:
            holds_gateway = any(ip["ip_address"] == subnet.get("gateway_ip") for ip in on_subnet)
            candidates.append((not holds_gateway, router["id"]))
    if not candidates:
        raise not_found("ExternalGatewayForFloatingIPNotFound",
                        f"External network {floating_network_id} is not reachable from subnet {subnet_id}.  "
                        f"Therefore, cannot associate Port {port['id']} with a Floating IP.")
    return sorted(candidates)[0][1]



def change_routes(backend, context, router_id: str, routes, *, add: bool) -> dict:
    """extraroute-atomic: add routes to, or remove them from, the router's list."""
    with backend.store.lock:
        router = _writable(backend, context, router_id, "add_extraroutes" if add else "remove_extraroutes")
        changed = subnets.validate_routes("routes", routes)
        if add:
            wanted = router["routes"] + [r for r in changed if r not in router["routes"]]
        else:
            wanted = [r for r in router["routes"] if r not in changed]
        router["routes"] = _checked_routes(backend, router, wanted)
        touch(backend, router)
        return router
