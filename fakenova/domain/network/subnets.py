"""Subnets: CIDR, gateway, allocation pools, DNS servers, host routes and IPv6 modes, checked as
neutron/db/db_base_plugin_v2.py (``_validate_subnet``, ``_validate_ipv6_attributes``),
neutron/db/ipam_backend_mixin.py and neutron/ipam/utils.py do, with their messages.
"""

from __future__ import annotations

import ipaddress

from fakenova.domain.network import ip_allocation, metadata_ports, network_quotas, networks, subnet_pools
from fakenova.domain.network.common import (AUTO_DELETE_OWNERS, ROUTER_OWNERS, apply_update, authorize_create,
                                            authorize_write, bad_request, conflict, find_visible, invalid_input,
                                            is_member_of, neutron_error, not_found, policy_denied,
                                            standard_attributes, touch)
from fakenova.errors import BadRequest
from fakenova.seeds import stable_uuid

MAX_DNS_NAMESERVERS = 5
MAX_HOST_ROUTES = 20
UPDATABLE = ("name", "description", "gateway_ip", "allocation_pools", "dns_nameservers", "host_routes",
             "enable_dhcp", "service_types", "segment_id", "dns_publish_fixed_ip")
ADMIN_ATTRIBUTES = ("service_types", "segment_id")


def visible(backend, subnet: dict, context) -> bool:
    """A subnet shows wherever its network does (shared, external, owned) or to its own project."""
    network = backend.store.networks.get(subnet["network_id"])
    return subnet["project_id"] == context.project_id or (
        network is not None and networks.visible(backend, network, context))


def get_subnet(backend, subnet_id: str, context) -> dict:
    return find_visible(backend, "subnets", subnet_id, context, visible, "SubnetNotFound",
                        f"Subnet {subnet_id} could not be found.")


def seed_subnet(backend, network: dict, entry: dict) -> dict:
    cidr = str(ipaddress.ip_network(entry["cidr"], strict=False))
    request = {"name": entry.get("name", ""), "cidr": cidr, "ip_version": ipaddress.ip_network(cidr).version,
               "description": entry.get("description", ""), "enable_dhcp": entry.get("enable_dhcp", True)}
    for key in ("gateway_ip", "ipv6_ra_mode", "ipv6_address_mode", "allocation_pools", "subnetpool_id"):
        if key in entry:
            request[key] = entry[key]
    if request["ip_version"] == 6 and request["enable_dhcp"] and "ipv6_ra_mode" not in entry:
        # A configured IPv6 subnet without modes is SLAAC, like devstack's.
        request["ipv6_ra_mode"] = request["ipv6_address_mode"] = "slaac"
    subnet_id = entry.get("id") or stable_uuid("subnet", f"{network['name']}:{entry.get('name', cidr)}")
    return _create(backend, network, request, network["project_id"], subnet_id)


def create(backend, context, request: dict) -> dict:
    store = backend.store
    with store.lock:
        network = store.networks.get(request["network_id"])
        if network is None or not networks.visible(backend, network, context):
            raise not_found("NetworkNotFound", f"Network {request['network_id']} could not be found.")
        project_id = request.get("project_id") or context.project_id
        # create_subnet: admin or the network owner's member; another project's network is a 404.
        if not context.is_admin and network["project_id"] != context.project_id:
            raise not_found("HTTPNotFound", "The resource could not be found.")
        authorize_create(context, project_id, "create_subnet", [a for a in ADMIN_ATTRIBUTES if request.get(a)])
        network_quotas.check_room(backend, project_id, "subnet")
        return _create(backend, network, request, project_id, context=context)


def _create(backend, network: dict, request: dict, project_id: str, subnet_id: str | None = None,
            context=None) -> dict:
    store = backend.store
    version = request["ip_version"]
    if request.get("cidr") and request.get("prefixlen") is not None:
        raise bad_request("subnets", "cidr and prefixlen must not be supplied together")
    pool = None
    if not request.get("cidr"):
        if not request.get("subnetpool_id") and not request.get("use_default_subnetpool"):
            raise bad_request("subnets", "a subnetpool must be specified in the absence of a cidr")
        pool, allocated = subnet_pools.allocate(backend, context, request)
        request = dict(request, cidr=allocated)
        # A block from a pool has its gateway at its first address, IPv6 too (ipam/subnet_alloc.py).
        request.setdefault("gateway_ip", str(ipaddress.ip_network(allocated).network_address + 1))
    elif request.get("subnetpool_id"):
        pool = subnet_pools.get_pool(backend, request["subnetpool_id"], context)
    cidr = ipaddress.ip_network(request["cidr"], strict=False)
    if cidr.version != version:
        raise invalid_input(f"cidr '{request['cidr']}' does not match the ip_version '{version}'")
    if cidr.prefixlen == 0:
        raise invalid_input("0 is not allowed as CIDR prefix length")
    if version == 6 and cidr.network_address == ipaddress.ip_address("::"):
        raise invalid_input("IPv6 subnet '::' is not supported")
    enable_dhcp = request.get("enable_dhcp", True)
    if enable_dhcp:
        _check_dhcp_cidr(cidr)
    _check_ipv6_modes(request, version, enable_dhcp, cidr)
    for other in network["subnets"]:
        existing = store.subnets.get(other)
        if existing and ipaddress.ip_network(existing["cidr"]).overlaps(cidr):
            raise invalid_input(f"Requested subnet with cidr: {cidr} for network: {network['id']} overlaps with "
                                "another subnet")
    gateway = _gateway(request, cidr)
    pools = _pools(request.get("allocation_pools"), cidr, gateway)
    subnet = {
        "id": subnet_id or store.ids.uuid(),
        "name": request.get("name", ""),
        "network_id": network["id"],
        "project_id": project_id,
        "ip_version": version,
        "cidr": str(cidr),
        "gateway_ip": gateway,
        "allocation_pools": pools,
        "enable_dhcp": enable_dhcp,
        "dns_nameservers": _nameservers(request.get("dns_nameservers") or []),
        "host_routes": _host_routes(request.get("host_routes") or [], version),
        "ipv6_ra_mode": request.get("ipv6_ra_mode"),
        "ipv6_address_mode": request.get("ipv6_address_mode"),
        "service_types": list(request.get("service_types") or []),
        "subnetpool_id": pool["id"] if pool else None,
        "segment_id": request.get("segment_id"),
        "dns_publish_fixed_ip": bool(request.get("dns_publish_fixed_ip", False)),
        **standard_attributes(backend, request),
    }
    store.subnets[subnet["id"]] = subnet
    networks.subnet_added(backend, network, subnet["id"])
    if ip_allocation.is_auto_address(subnet):
        # A new SLAAC subnet gives every existing (non-router) port on the network its address.
        for port in store.ports.values():
            if port["network_id"] == network["id"] and port["device_owner"] not in ROUTER_OWNERS:
                port["fixed_ips"].append({"subnet_id": subnet["id"],
                                          "ip_address": ip_allocation.eui64(subnet["cidr"], port["mac_address"])})
    metadata_ports.subnet_created(backend, subnet)
    return subnet


def _check_dhcp_cidr(cidr) -> None:
    if (cidr.version == 4 and cidr.prefixlen > 30) or (cidr.version == 6 and cidr.prefixlen > 126):
        raise invalid_input("Subnet has a prefix length that is incompatible with DHCP service enabled")
    if cidr.is_multicast:
        raise invalid_input("Multicast IP subnet is not supported if enable_dhcp is True")
    if cidr.is_loopback:
        raise invalid_input("Loopback IP subnet is not supported if enable_dhcp is True")
    if cidr.version == 4 and str(cidr.network_address) == "0.0.0.0":
        raise invalid_input("First IP '0.0.0.0' of network is not supported if enable_dhcp is True")


def _check_ipv6_modes(request: dict, version: int, enable_dhcp: bool, cidr) -> None:
    ra, address = request.get("ipv6_ra_mode"), request.get("ipv6_address_mode")
    if version == 4:
        for name in ("ipv6_ra_mode", "ipv6_address_mode"):
            if request.get(name):
                raise invalid_input(f"{name} is not valid when ip_version is 4")
        return
    if (ra or address) and not enable_dhcp:
        raise invalid_input("ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False")
    if ra and address and ra != address:
        raise invalid_input(f"ipv6_ra_mode set to '{ra}' with ipv6_address_mode set to '{address}' is not valid. "
                            "If both attributes are set, they must be the same value")
    if (ra in ip_allocation.AUTO_ADDRESS_MODES or address in ip_allocation.AUTO_ADDRESS_MODES) \
            and cidr.prefixlen != 64:
        raise invalid_input(f"Invalid CIDR {cidr} for IPv6 address mode. OpenStack uses the EUI-64 address format, "
                            "which requires the prefix to be /64")


def _gateway(request: dict, cidr) -> str | None:
    if "gateway_ip" not in request:
        # IPv4: the first host; IPv6: the network address itself (ipam_backend_mixin._gateway_ip_str).
        return str(cidr.network_address + 1) if cidr.version == 4 else str(cidr.network_address)
    gateway = request["gateway_ip"]
    if gateway is None:
        return None
    _check_gateway(gateway, cidr)
    return gateway


def _check_gateway(gateway: str, cidr) -> None:
    address = ipaddress.ip_address(gateway)
    if address.version != cidr.version:
        raise invalid_input(f"gateway_ip '{gateway}' does not match the ip_version '{cidr.version}'")
    if cidr.version == 4 and cidr.prefixlen < 31 and address in (cidr.network_address, cidr.broadcast_address):
        raise invalid_input("Gateway is not valid on subnet")


def _usable(cidr) -> tuple:
    if cidr.version == 4:
        if cidr.prefixlen >= 31:
            return cidr.network_address, cidr.broadcast_address
        return cidr.network_address + 1, cidr.broadcast_address - 1
    return cidr.network_address + 1, cidr.broadcast_address


def _pools(requested, cidr, gateway: str | None) -> list[dict]:
    first, last = _usable(cidr)
    if not requested:
        ranges = [(first, last)]
        if gateway is not None:
            gw = ipaddress.ip_address(gateway)
            if first <= gw <= last:
                ranges = [(a, b) for a, b in ((first, gw - 1), (gw + 1, last)) if a <= b]
        return [{"start": str(a), "end": str(b)} for a, b in ranges]
    checked = []
    for pool in requested:
        if not isinstance(pool, dict) or set(pool) != {"start", "end"}:
            raise neutron_error(BadRequest, "HTTPBadRequest", "Invalid input for allocation_pools. Reason: Invalid "
                                                              f"data format for IP pool: '{pool}'.")
        try:
            start, end = ipaddress.ip_address(pool["start"]), ipaddress.ip_address(pool["end"])
        except (ValueError, TypeError):
            raise neutron_error(BadRequest, "InvalidAllocationPool",
                                f"The allocation pool {pool['start']}-{pool['end']} is not valid.") from None
        if start.version != cidr.version or end.version != cidr.version or start > end:
            raise neutron_error(BadRequest, "InvalidAllocationPool",
                                f"The allocation pool {pool['start']}-{pool['end']} is not valid.")
        if start < first or end > last:
            raise neutron_error(BadRequest, "OutOfBoundsAllocationPool",
                                f"The allocation pool {start}-{end} spans beyond the subnet cidr {cidr}.")
        checked.append((start, end))
    checked.sort()
    for (a_start, a_end), (b_start, b_end) in zip(checked, checked[1:]):
        if b_start <= a_end:
            raise conflict("OverlappingAllocationPools", f"Found overlapping allocation pools: {a_start}-{a_end} "
                                                         f"{b_start}-{b_end} for subnet {cidr}.")
    if gateway is not None:
        gw = ipaddress.ip_address(gateway)
        for start, end in checked:
            if start <= gw <= end:
                raise conflict("GatewayConflictWithAllocationPools",
                               f"Gateway ip {gateway} conflicts with allocation pool {start}-{end}.")
    return [{"start": str(a), "end": str(b)} for a, b in checked]


def _nameservers(servers: list) -> list[str]:
    if len(servers) > MAX_DNS_NAMESERVERS:
        raise neutron_error(BadRequest, "DNSNameServersExhausted",
                            "Unable to complete operation for new subnet. The number of DNS nameservers exceeds "
                            f"the limit {MAX_DNS_NAMESERVERS}.")
    seen = []
    for server in servers:
        try:
            ipaddress.ip_address(server)
        except (ValueError, TypeError):
            raise neutron_error(BadRequest, "HTTPBadRequest", f"Invalid input for dns_nameservers. Reason: '{server}' "
                                f"is not a valid nameserver. '{server}' is not a valid IP address.") from None
        if server in seen:
            raise neutron_error(BadRequest, "HTTPBadRequest",
                                f"Invalid input for dns_nameservers. Reason: Duplicate nameserver '{server}'.")
        seen.append(server)
    return seen


def _host_routes(routes: list, version: int) -> list[dict]:
    if len(routes) > MAX_HOST_ROUTES:
        raise neutron_error(BadRequest, "HostRoutesExhausted",
                            "Unable to complete operation for new subnet. The number of host routes exceeds the "
                            f"limit {MAX_HOST_ROUTES}.")
    checked = validate_routes("host_routes", routes)
    for route in checked:
        if ipaddress.ip_address(route["nexthop"]).version != version:
            raise invalid_input(f"nexthop '{route['nexthop']}' does not match the ip_version '{version}'")
    return checked


def validate_routes(attribute: str, routes) -> list[dict]:
    """neutron-lib validate_hostroutes (host_routes and a router's routes)."""
    def bad(reason):
        return neutron_error(BadRequest, "HTTPBadRequest", f"Invalid input for {attribute}. Reason: {reason}.")
    if not isinstance(routes, list):
        raise bad(f"'{routes}' is not a list")
    checked = []
    for route in routes:
        if not isinstance(route, dict) or set(route) != {"destination", "nexthop"}:
            raise bad(f"Validation of dictionary's keys failed. Expected keys: {{'destination', 'nexthop'}} "
                      f"Provided keys: {set(route) if isinstance(route, dict) else route}")
        try:
            destination = ipaddress.ip_network(route["destination"])
        except (ValueError, TypeError):
            raise bad(f"'{route['destination']}' is not a valid CIDR") from None
        if destination.is_loopback:
            raise bad(f"'{route['destination']}' is not a routable CIDR")
        try:
            ipaddress.ip_address(route["nexthop"])
        except (ValueError, TypeError):
            raise bad(f"'{route['nexthop']}' is not a valid IP address") from None
        entry = {"destination": str(destination), "nexthop": route["nexthop"]}
        if entry in checked:
            raise bad(f"Duplicate hostroute '{route}'")
        checked.append(entry)
    return checked


def update(backend, context, subnet_id: str, request: dict) -> dict:
    store = backend.store
    with store.lock:
        subnet = get_subnet(backend, subnet_id, context)
        network = store.networks[subnet["network_id"]]
        authorize_write(context, subnet, "update_subnet")
        admin_only = [a for a in ADMIN_ATTRIBUTES if a in request]
        if admin_only and not context.is_admin:
            raise policy_denied("update_subnet", f"update_subnet:{admin_only[0]}")
        cidr = ipaddress.ip_network(subnet["cidr"])
        changes = dict(request)
        if "gateway_ip" in changes and changes["gateway_ip"] != subnet["gateway_ip"]:
            holder = next((p for p in store.ports.values() if p["device_owner"] in ROUTER_OWNERS and any(
                ip["ip_address"] == subnet["gateway_ip"] and ip["subnet_id"] == subnet_id
                for ip in p["fixed_ips"])), None)
            if holder:
                raise conflict("GatewayIpInUse", f"Current gateway ip {subnet['gateway_ip']} already in use by port "
                                                 f"{holder['id']}. Unable to update.")
            if changes["gateway_ip"] is not None:
                _check_gateway(changes["gateway_ip"], cidr)
        gateway = changes.get("gateway_ip", subnet["gateway_ip"])
        if "allocation_pools" in changes:
            changes["allocation_pools"] = _pools(changes["allocation_pools"], cidr, gateway)
        elif "gateway_ip" in changes and gateway is not None:
            gw = ipaddress.ip_address(gateway)
            for pool in subnet["allocation_pools"]:
                if ipaddress.ip_address(pool["start"]) <= gw <= ipaddress.ip_address(pool["end"]):
                    raise conflict("GatewayConflictWithAllocationPools",
                                   f"Gateway ip {gateway} conflicts with allocation pool "
                                   f"{pool['start']}-{pool['end']}.")
        if "dns_nameservers" in changes:
            changes["dns_nameservers"] = _nameservers(changes["dns_nameservers"] or [])
        if "host_routes" in changes:
            changes["host_routes"] = _host_routes(changes["host_routes"] or [], subnet["ip_version"])
        if changes.get("enable_dhcp") is False and (subnet["ipv6_ra_mode"] or subnet["ipv6_address_mode"]):
            raise invalid_input("Cannot disable enable_dhcp with ipv6 attributes set")
        if changes.get("enable_dhcp") and not subnet["enable_dhcp"]:
            _check_dhcp_cidr(cidr)
        dhcp_changed = "enable_dhcp" in changes and changes["enable_dhcp"] != subnet["enable_dhcp"]
        apply_update(backend, subnet, changes, UPDATABLE)
        if dhcp_changed:
            metadata_ports.subnet_updated(backend, subnet)
        touch(backend, network)
        return subnet


def delete(backend, context, subnet_id: str) -> None:
    """409 SubnetInUse while a router interface or a user port has an address on it; on a SLAAC subnet
    user ports just lose their address."""
    store = backend.store
    with store.lock:
        subnet = get_subnet(backend, subnet_id, context)
        if not is_member_of(context, subnet["project_id"]) and not is_member_of(
                context, store.networks[subnet["network_id"]]["project_id"]):
            authorize_write(context, subnet, "delete_subnet", visible(backend, subnet, context))
        auto = ip_allocation.is_auto_address(subnet)
        for port in store.ports.values():
            on_it = any(ip["subnet_id"] == subnet_id for ip in port["fixed_ips"])
            if not on_it or port["device_owner"] in AUTO_DELETE_OWNERS:
                continue
            if port["device_owner"] in ROUTER_OWNERS or not auto:
                raise conflict("SubnetInUse", f"Unable to complete operation on subnet {subnet_id}: One or more "
                                              "ports have an IP allocation from this subnet.")
        for port in store.ports.values():
            if any(ip["subnet_id"] == subnet_id for ip in port["fixed_ips"]):
                port["fixed_ips"] = [ip for ip in port["fixed_ips"] if ip["subnet_id"] != subnet_id]
                touch(backend, port)
        del store.subnets[subnet_id]
        networks.subnet_removed(backend, store.networks[subnet["network_id"]], subnet_id)
