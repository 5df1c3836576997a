"""Networks, subnets and ports (the Neutron side), seeded like devstack's private and public networks.

Records hold Neutron's attributes (epoch seconds for times); ``fakenova.api.network`` renders them,
adds ``tenant_id`` and hides the admin-only ones. Who may read what follows Neutron's default policies
(neutron/conf/policies, checked against Neutron 2025.x).
"""

from __future__ import annotations

import ipaddress

from fakenova.config import ConfigError
from fakenova.domain.network import security_groups
from fakenova.domain.network.common import associate_floating_ip, find_visible, neutron_error
from fakenova.errors import BadRequest, Conflict
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
                "description": subnet.get("description", ""),
                "service_types": [],
                "subnetpool_id": None,
                "segment_id": None,
                "tags": [],
                "revision_number": 0,
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
            "availability_zone_hints": [],
            "ipv4_address_scope": None,
            "ipv6_address_scope": None,
            "is_default": False,
            "l2_adjacency": True,
            "port_security_enabled": True,
            "qos_policy_id": None,
            "tags": [],
            # Neutron bumps the revision when a subnet is added to the network.
            "revision_number": len(subnet_ids) + 1,
            "created_at": created,
            "updated_at": created,
        }
    security_groups.seed(backend)


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


def get_network(backend, network_id: str, context) -> dict:
    return find_visible(backend, "networks", network_id, context, visible, "NetworkNotFound",
                        f"Network {network_id} could not be found.")


def subnet_visible(backend, subnet: dict, context) -> bool:
    """A subnet shows wherever its network does (shared, external, owned) or to its own project."""
    network = backend.store.networks.get(subnet["network_id"])
    return subnet["project_id"] == context.project_id or (network is not None and visible(backend, network, context))


def get_subnet(backend, subnet_id: str, context) -> dict:
    return find_visible(backend, "subnets", subnet_id, context, subnet_visible, "SubnetNotFound",
                        f"Subnet {subnet_id} could not be found.")


def ports_of(backend, server_id: str) -> list[dict]:
    """The Neutron ports bound to a server (device_id), in creation order."""
    return [port for port in backend.store.ports.values() if port.get("device_id") == server_id]


def port_visible(backend, port: dict, context) -> bool:
    """Admins, the port's project, and the owner of the port's network (Neutron's get_port)."""
    if context.is_admin or (port["project_id"] and port["project_id"] == context.project_id):
        return True
    network = backend.store.networks.get(port["network_id"])
    return network is not None and network["project_id"] == context.project_id


def get_port(backend, port_id: str, context) -> dict:
    return find_visible(backend, "ports", port_id, context, port_visible, "PortNotFound",
                        f"Port {port_id} could not be found.")


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
        "security_groups": _default_security_groups(backend, project_id, device_owner),
        "port_security_enabled": True,
        "allowed_address_pairs": [],
        "extra_dhcp_opts": [],
        "binding:vnic_type": "normal",
        "binding:host_id": "",
        "binding:profile": {},
        "binding:vif_details": {},
        "binding:vif_type": "ovs" if device_id else "unbound",
        "ip_allocation": "immediate",
        "propagate_uplink_status": False,
        "qos_policy_id": None,
        "qos_network_policy_id": None,
        "resource_request": None,
        "description": "",
        "tags": [],
        "revision_number": 1,
        "created_at": now,
        "updated_at": now,
    }
    store.ports[port["id"]] = port
    return port


def _default_security_groups(backend, project_id: str, device_owner: str) -> list[str]:
    # Neutron puts a project's ports in its default group; its own ports (router, DHCP, FIP) get none.
    if not project_id or device_owner.startswith("network:"):
        return []
    return [security_groups.default_group(backend, project_id)["id"]]


def create_requested_port(backend, context, request: dict) -> dict:
    """POST /v2.0/ports: ``request`` holds network_id and optional name, device_id, device_owner,
    description, admin_state_up and fixed_ips ([{ip_address}|{subnet_id}], one entry at most)."""
    with backend.store.lock:
        network = get_network(backend, request["network_id"], context)
        fixed_ips = request.get("fixed_ips") or []
        if len(fixed_ips) > 1:
            raise neutron_error(BadRequest, "BadRequest",
                                "Bad port request: this fake allocates at most one requested fixed IP.")
        wanted = fixed_ips[0] if fixed_ips else {}
        if wanted.get("subnet_id") and get_subnet(backend, wanted["subnet_id"], context)["network_id"] != network["id"]:
            raise neutron_error(BadRequest, "InvalidInput",
                                f"Invalid input for operation: Failed to create port on network {network['id']}, "
                                f"because fixed_ips included invalid subnet {wanted['subnet_id']}.")
        address = wanted.get("ip_address")
        try:
            port = create_port(backend, network["id"], project_id=request.get("project_id") or context.project_id,
                               device_id=request.get("device_id", ""), device_owner=request.get("device_owner", ""),
                               fixed_ip=address, name=request.get("name", ""))
        except ValueError as exc:
            raise allocation_error(str(exc), network["id"], address) from None
        if wanted.get("subnet_id") and not address:
            port["fixed_ips"] = [ip for ip in port["fixed_ips"] if ip["subnet_id"] == wanted["subnet_id"]]
        port["description"] = request.get("description", "")
        port["admin_state_up"] = request.get("admin_state_up", True)
        return port


def allocation_error(reason: str, network_id: str, address: str | None):
    """Neutron's error for a ``create_port`` ValueError."""
    if reason == "address in use":
        return neutron_error(Conflict, "IpAddressInUse",
                             f"Unable to complete operation for network {network_id}. "
                             f"The IP address {address} is in use.")
    if reason == "address not on network":
        return neutron_error(BadRequest, "InvalidIpForNetwork",
                             f"IP address {address} is not a valid IP for any of the subnets "
                             "on the specified network.")
    return neutron_error(Conflict, "IpAddressGenerationFailure",
                         f"No more IP addresses available on network {network_id}.")


def delete_port(backend, port_id: str, context) -> None:
    with backend.store.lock:
        get_port(backend, port_id, context)
        remove_port(backend, port_id)


def remove_port(backend, port_id: str) -> None:
    """Delete a port; Neutron disassociates the floating IPs of a port that goes away."""
    del backend.store.ports[port_id]
    _release_floating_ips(backend, port_id)


def unbind_port(backend, port_id: str) -> None:
    """A user's port whose server went away stays, unbound; its floating IPs are released as for a
    deleted port."""
    backend.store.ports[port_id].update(device_id="", device_owner="", status="DOWN")
    _release_floating_ips(backend, port_id)


def _release_floating_ips(backend, port_id: str) -> None:
    """Neutron releases the floating IPs of a deleted port (they stay allocated to the project)."""
    for fip in backend.store.floatingips.values():
        if fip["port_id"] == port_id:
            associate_floating_ip(fip, None, None)
            fip["revision_number"] += 1
            fip["updated_at"] = backend.clock.time()

