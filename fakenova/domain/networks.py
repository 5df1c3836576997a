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
