"""What a fresh fake's Neutron holds: devstack's default subnet pools, the settings' networks with
their subnets, each network's router (devstack's router1: an interface on each of the network's
subnets, its gateway on the external network) and every project's default security group."""

from __future__ import annotations

from fakenova.config import ConfigError
from fakenova.domain.network import metadata_ports, networks, routers, security_groups, subnet_pools, subnets
from fakenova.seeds import SUBNET_POOLS, stable_uuid


def seed(backend) -> None:
    """The settings' networks with their subnets, then each network's router (devstack's router1)."""
    projects = {p["name"]: p["id"] for p in backend.store.projects.values()}
    admin = projects.get("admin", "")
    pools = {entry["name"]: subnet_pools.seed(backend, entry, admin)["id"] for entry in SUBNET_POOLS}
    for entry in backend.settings.networks:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError(f"networks: each entry needs a name: {entry!r}")
        project_id = projects.get(entry.get("project", "admin"), entry.get("project"))
        external = bool(entry.get("external", False))
        network = networks.new(backend, {
            "name": entry["name"], "shared": bool(entry.get("shared", False)), "router:external": external,
            "is_default": external, "description": entry.get("description", ""), "mtu": entry.get("mtu"),
            "provider:network_type": "flat" if external else "geneve",
            "provider:physical_network": "public" if external else None,
        }, project_id, entry.get("id") or stable_uuid("network", entry["name"]))
        metadata_ports.add_port(backend, network)
        for subnet in entry.get("subnets", []):
            try:
                if isinstance(subnet, dict) and subnet.get("subnetpool") in pools:
                    subnet = dict(subnet, subnetpool_id=pools[subnet["subnetpool"]])
                subnets.seed_subnet(backend, network, subnet)
            except (KeyError, TypeError, ValueError):
                raise ConfigError(f"networks: subnet needs a valid cidr: {subnet!r}") from None
    for entry in backend.settings.networks:
        if isinstance(entry, dict) and entry.get("router"):
            routers.seed_router(backend, entry["router"], entry.get("id") or stable_uuid("network", entry["name"]))
    security_groups.seed(backend)


