"""Networks and subnets (the Neutron side), seeded like devstack's private and public networks."""

from __future__ import annotations

import ipaddress

from fakenova.config import ConfigError
from fakenova.seeds import stable_uuid


def seed(backend) -> None:
    store = backend.store
    created = backend.clock.time()
    projects = {p["name"]: p["id"] for p in store.projects.values()}
    for entry in backend.settings.networks:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError(f"networks: each entry needs a name: {entry!r}")
        network_id = entry.get("id") or stable_uuid("network", entry["name"])
        project_id = projects.get(entry.get("project", "admin"), entry.get("project"))
        subnet_ids = []
        for subnet in entry.get("subnets", []):
            try:
                cidr = ipaddress.ip_network(subnet["cidr"])
            except (KeyError, TypeError, ValueError):
                raise ConfigError(f"networks: subnet needs a valid cidr: {subnet!r}") from None
            subnet_id = subnet.get("id") or stable_uuid("subnet", f"{entry['name']}:{subnet.get('name', cidr)}")
            hosts = list(_host_range(cidr))
            store.subnets[subnet_id] = {
                "id": subnet_id,
                "name": subnet.get("name", ""),
                "network_id": network_id,
                "project_id": project_id,
                "ip_version": cidr.version,
                "cidr": str(cidr),
                "gateway_ip": subnet.get("gateway_ip", str(hosts[0]) if hosts else None),
                "enable_dhcp": True,
                "dns_nameservers": [],
                "host_routes": [],
                "allocation_pools": [{"start": str(hosts[1]), "end": str(hosts[-1])}] if len(hosts) > 1 else [],
                "ipv6_address_mode": "slaac" if cidr.version == 6 else None,
                "ipv6_ra_mode": "slaac" if cidr.version == 6 else None,
                "created_at": created,
                "updated_at": created,
            }
            subnet_ids.append(subnet_id)
        store.networks[network_id] = {
            "id": network_id,
            "name": entry["name"],
            "project_id": project_id,
            "shared": bool(entry.get("shared", False)),
            "router:external": bool(entry.get("external", False)),
            "admin_state_up": True,
            "status": "ACTIVE",
            "mtu": int(entry.get("mtu", 1442 if not entry.get("external") else 1500)),
            "subnets": subnet_ids,
            "description": entry.get("description", ""),
            "availability_zones": ["nova"],
            "provider:network_type": "flat" if entry.get("external") else "geneve",
            "provider:physical_network": "public" if entry.get("external") else None,
            "provider:segmentation_id": None if entry.get("external") else 1,
            "created_at": created,
            "updated_at": created,
        }


def _host_range(cidr):
    # Small IPv6 subnets are enumerated lazily; never materialise a /64.
    if cidr.version == 6:
        first = cidr.network_address + 1
        return [first, first + 1, cidr.network_address + 0xFFFF]
    return list(cidr.hosts())


def visible(backend, network: dict, context) -> bool:
    """Neutron shows a project its own networks, shared ones and external ones; admins see all."""
    return (context.is_admin or network["shared"] or network["router:external"]
            or network["project_id"] == context.project_id)


def _mac_address(backend) -> str:
    # fa:16:3e is the OUI Neutron uses for the ports it creates.
    tail = backend.store.ids.randbits(24)
    return "fa:16:3e:%02x:%02x:%02x" % ((tail >> 16) & 0xFF, (tail >> 8) & 0xFF, tail & 0xFF)


def _used_addresses(backend, subnet_id: str) -> set[str]:
    return {ip["ip_address"] for port in backend.store.ports.values() for ip in port["fixed_ips"]
            if ip["subnet_id"] == subnet_id}


def _next_free(backend, subnet: dict) -> str | None:
    used = _used_addresses(backend, subnet["id"]) | {subnet["gateway_ip"]}
    pool = subnet["allocation_pools"][0] if subnet["allocation_pools"] else None
    if pool is None:
        return None
    address = ipaddress.ip_address(pool["start"])
    end = ipaddress.ip_address(pool["end"])
    while address <= end:
        if str(address) not in used:
            return str(address)
        address += 1
    return None


def create_port(backend, network_id: str, *, project_id: str, device_id: str = "", device_owner: str = "",
                fixed_ip: str | None = None, name: str = "") -> dict:
    """A port on the network with one address per subnet (or the requested fixed IP on its subnet).

    Raises ValueError("no free address") / ValueError("address in use") so callers can answer with
    their own service's message.
    """
    store = backend.store
    network = store.networks[network_id]
    fixed_ips = []
    for subnet_id in network["subnets"]:
        subnet = store.subnets[subnet_id]
        if fixed_ip is not None:
            if ipaddress.ip_address(fixed_ip) not in ipaddress.ip_network(subnet["cidr"]):
                continue
            if fixed_ip in _used_addresses(backend, subnet_id) or fixed_ip == subnet["gateway_ip"]:
                raise ValueError("address in use")
            fixed_ips.append({"subnet_id": subnet_id, "ip_address": fixed_ip})
            continue
        address = _next_free(backend, subnet)
        if address is None:
            raise ValueError("no free address")
        fixed_ips.append({"subnet_id": subnet_id, "ip_address": address})
    if fixed_ip is not None and not fixed_ips:
        raise ValueError("address not on network")
    now = backend.clock.time()
    port = {
        "id": store.ids.uuid(),
        "name": name,
        "network_id": network_id,
        "project_id": project_id,
        "mac_address": _mac_address(backend),
        "fixed_ips": fixed_ips,
        "device_id": device_id,
        "device_owner": device_owner,
        "status": "ACTIVE" if device_id else "DOWN",
        "admin_state_up": True,
        "security_groups": [],
        "binding:vnic_type": "normal",
        "description": "",
        "tags": [],
        "created_at": now,
        "updated_at": now,
    }
    store.ports[port["id"]] = port
    return port


def delete_ports_of(backend, device_id: str) -> None:
    for port_id in [p["id"] for p in backend.store.ports.values() if p["device_id"] == device_id]:
        del backend.store.ports[port_id]
