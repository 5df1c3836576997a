"""A port's fixed IPs: which subnets it gets addresses from and which addresses (neutron/ipam,
neutron/db/ipam_pluggable_backend.py, neutron/db/ipam_backend_mixin.py).

Without ``fixed_ips`` a port gets one address from the network's IPv4 subnets (the first with room),
one from its stateful IPv6 subnets, and an EUI-64 address on every SLAAC / DHCPv6-stateless subnet
(router ports excepted). Specific addresses are checked against their subnet and taken when free.
Neutron picks at random among the free addresses; this fake takes the lowest free one, so runs stay
repeatable and addresses readable.
"""

from __future__ import annotations

import ipaddress

from fakenova.domain.network.common import ROUTER_OWNERS, conflict, invalid_input, neutron_error, not_found
from fakenova.errors import BadRequest

AUTO_ADDRESS_MODES = ("slaac", "dhcpv6-stateless")


def is_auto_address(subnet: dict) -> bool:
    return subnet["ip_version"] == 6 and subnet.get("ipv6_address_mode") in AUTO_ADDRESS_MODES or (
        subnet["ip_version"] == 6 and subnet.get("ipv6_address_mode") is None
        and subnet.get("ipv6_ra_mode") in AUTO_ADDRESS_MODES)


def used_addresses(backend, subnet_id: str, *, except_port: str | None = None) -> set[str]:
    return {ip["ip_address"] for port in backend.store.ports.values() if port["id"] != except_port
            for ip in port["fixed_ips"] if ip["subnet_id"] == subnet_id}


def eui64(cidr: str, mac: str) -> str:
    """RFC 4291 modified EUI-64: the MAC with the U/L bit flipped and ff:fe in the middle."""
    octets = [int(part, 16) for part in mac.split(":")]
    octets[0] ^= 0x02
    interface = octets[:3] + [0xFF, 0xFE] + octets[3:]
    network = ipaddress.ip_network(cidr)
    return str(network.network_address + int.from_bytes(bytes(interface), "big"))


def lowest_free(backend, subnet: dict, *, taken=(), except_port: str | None = None) -> str | None:
    used = used_addresses(backend, subnet["id"], except_port=except_port) | set(taken) | {subnet.get("gateway_ip")}
    for pool in subnet["allocation_pools"]:
        address = ipaddress.ip_address(pool["start"])
        end = ipaddress.ip_address(pool["end"])
        # At most len(used) + 1 steps: never walks an IPv6 /64.
        while address <= end:
            if str(address) not in used:
                return str(address)
            address += 1
    return None


def _no_more(network_id: str):
    return conflict("IpAddressGenerationFailure", f"No more IP addresses available on network {network_id}.")


def automatic(backend, network: dict, *, mac: str, device_owner: str, except_port: str | None = None) -> list[dict]:
    """The addresses of a port created without ``fixed_ips``."""
    subnets = [backend.store.subnets[s] for s in network["subnets"] if s in backend.store.subnets]
    # Subnets with service types matching the owner come first; others with service types never serve.
    fitting = [s for s in subnets if not s.get("service_types") or device_owner in s["service_types"]]
    fitting.sort(key=lambda s: not s.get("service_types"))
    chosen = []
    ipv4 = [s for s in fitting if s["ip_version"] == 4]
    if ipv4:
        for subnet in ipv4:
            address = lowest_free(backend, subnet, except_port=except_port)
            if address:
                chosen.append({"subnet_id": subnet["id"], "ip_address": address})
                break
        else:
            raise _no_more(network["id"])
    stateful = [s for s in fitting if s["ip_version"] == 6 and not is_auto_address(s)]
    for subnet in stateful[:1]:
        address = lowest_free(backend, subnet, except_port=except_port)
        if address is None:
            raise _no_more(network["id"])
        chosen.append({"subnet_id": subnet["id"], "ip_address": address})
    if device_owner not in ROUTER_OWNERS:
        chosen += [{"subnet_id": s["id"], "ip_address": eui64(s["cidr"], mac)} for s in fitting if is_auto_address(s)]
    return chosen


def requested(backend, context, network: dict, entries: list[dict], *, mac: str, device_owner: str,
              current: list[dict] = (), except_port: str | None = None) -> list[dict]:
    """The addresses of a port whose ``fixed_ips`` are given (a create, or an update replacing
    ``current``): each entry names a subnet, an address, or both."""
    store = backend.store
    seen = set()
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) - {"subnet_id", "ip_address"}:
            raise neutron_error(BadRequest, "HTTPBadRequest",
                                f"Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '{entry}'.")
        address = entry.get("ip_address")
        if address in seen:
            raise neutron_error(BadRequest, "HTTPBadRequest",
                                f"Invalid input for fixed_ips. Reason: Duplicate IP address '{address}'.")
        if address:
            seen.add(address)
    chosen: list[dict] = []
    pending: list[dict] = []
    for entry in entries:
        subnet_id, address = entry.get("subnet_id"), entry.get("ip_address")
        if not subnet_id and not address:
            raise invalid_input("IP allocation requires subnet_id or ip_address")
        if subnet_id:
            subnet = store.subnets.get(subnet_id)
            if subnet is None:
                raise not_found("SubnetNotFound", f"Subnet {subnet_id} could not be found.")
            if subnet["network_id"] != network["id"]:
                raise invalid_input(f"Failed to create port on network {network['id']}, because fixed_ips included "
                                    f"invalid subnet {subnet_id}")
            if address and not _in_subnet(address, subnet):
                raise neutron_error(BadRequest, "InvalidIpForSubnet",
                                    f"IP address {address} is not a valid IP for the specified subnet.")
        else:
            subnet = next((store.subnets[s] for s in network["subnets"]
                           if s in store.subnets and _in_subnet(address, store.subnets[s])), None)
            if subnet is None:
                raise neutron_error(BadRequest, "InvalidIpForNetwork",
                                    f"IP address {address} is not a valid IP for any of the subnets on the "
                                    "specified network.")
        if address:
            if is_auto_address(subnet) and address != eui64(subnet["cidr"], mac) \
                    and device_owner not in ROUTER_OWNERS:
                raise neutron_error(BadRequest, "AllocationOnAutoAddressSubnet",
                                    f"IPv6 address {address} cannot be directly assigned to a port on subnet "
                                    f"{subnet['id']} as the subnet is configured for automatic addresses")
            held = any(ip["ip_address"] == address for ip in current)
            if not held and (address in used_addresses(backend, subnet["id"], except_port=except_port)
                             or _taken_by_floating_ip(backend, network, address)):
                raise conflict("IpAddressAlreadyAllocated",
                               f"IP address {address} already allocated in subnet {subnet['id']}")
            chosen.append({"subnet_id": subnet["id"], "ip_address": address})
        else:
            pending.append(subnet)
    # "Any address from this subnet" after the specific ones; an address the port already holds
    # there is kept.
    for subnet in pending:
        kept = next((ip for ip in current if ip["subnet_id"] == subnet["id"]
                     and ip["ip_address"] not in {c["ip_address"] for c in chosen}), None)
        if kept:
            chosen.append(dict(kept))
            continue
        if is_auto_address(subnet) and device_owner not in ROUTER_OWNERS:
            chosen.append({"subnet_id": subnet["id"], "ip_address": eui64(subnet["cidr"], mac)})
            continue
        taken = {c["ip_address"] for c in chosen}
        address = lowest_free(backend, subnet, taken=taken, except_port=except_port)
        if address is None:
            raise _no_more(network["id"])
        chosen.append({"subnet_id": subnet["id"], "ip_address": address})
    if device_owner not in ROUTER_OWNERS:
        # Every SLAAC subnet of the network gives the port its EUI-64 address anyway.
        named = {c["subnet_id"] for c in chosen}
        chosen += [{"subnet_id": s, "ip_address": eui64(store.subnets[s]["cidr"], mac)} for s in network["subnets"]
                   if s in store.subnets and s not in named and is_auto_address(store.subnets[s])]
    return chosen


def _in_subnet(address: str, subnet: dict) -> bool:
    ip = ipaddress.ip_address(address)
    network = ipaddress.ip_network(subnet["cidr"])
    if ip not in network:
        return False
    if network.version == 4 and network.prefixlen < 31 and ip in (network.network_address, network.broadcast_address):
        return False
    return True


def _taken_by_floating_ip(backend, network: dict, address: str) -> bool:
    return network["router:external"] and any(
        f["floating_ip_address"] == address and f["floating_network_id"] == network["id"]
        for f in backend.store.floatingips.values())
