"""/os-floating-ips, /os-floating-ip-pools (2.1-2.35) and the addFloatingIp / removeFloatingIp server
actions (2.1-2.43): Nova's proxies over the Neutron floating IPs, asking Neutron as the caller.

Checked against nova/api/openstack/compute/floating_ips.py, floating_ip_pools.py,
nova/network/neutron.py (allocate_floating_ip, get_floating_ip, get_floating_ips_by_project,
_get_floating_ip_by_address, get_instance_id_by_floating_address, associate_floating_ip,
_release_floating_ip) and nova/policies/floating_ips.py, floating_ip_pools.py, Nova master 2026.

- A pool is an external network, named by name or (uuid-like) id; without one Nova uses
  ``[neutron] default_floating_pool``, which devstack sets to its public network's name.
- removeFloatingIp looks the server up through the floating IP, not the URL: the policy target is
  that server's project, or nothing at all when the address is unassociated (so only an admin
  passes), and a server other than the URL's is 409.
"""

from __future__ import annotations

import ipaddress
import uuid

from fakenova.domain import policy
from fakenova.domain.compute import servers
from fakenova.domain.network import floating_ips, networks, ports
from fakenova.errors import APIError, BadRequest, Conflict, Forbidden, NotFound

_RULE = "os_compute_api:os-floating-ips:"
DEFAULT_POOL = "public"
_NO_PROJECT = ""  # a policy target without a project_id: project-scoped checks fail on it


def _authorize(context, rule: str, project_id: str | None = None) -> None:
    policy.authorize(context, _RULE + rule, context.project_id if project_id is None else project_id)


def nova_view(backend, fip: dict) -> dict:
    """_translate_floating_ip_view: the server from the port's device_id, the pool by network name."""
    port = backend.store.ports.get(fip["port_id"]) if fip["port_id"] else None
    network = backend.store.networks.get(fip["floating_network_id"], {})
    return {"id": fip["id"], "ip": fip["floating_ip_address"], "fixed_ip": fip["fixed_ip_address"],
            "instance_id": (port["device_id"] or None) if port else None,
            "pool": network.get("name") or fip["floating_network_id"]}


def list_pools(backend, context) -> list[dict]:
    policy.authorize(context, "os_compute_api:os-floating-ip-pools", context.project_id)
    with backend.store.lock:
        return [{"name": network["name"] or network["id"]} for network in backend.store.networks.values()
                if network["router:external"] and networks.visible(backend, network, context)]


def list_floating_ips(backend, context) -> list[dict]:
    _authorize(context, "list")
    with backend.store.lock:
        return [nova_view(backend, fip) for fip in backend.store.floatingips.values()
                if fip["project_id"] == context.project_id and floating_ips.visible(fip, context)]


def _by_id(backend, context, fip_id: str) -> dict:
    try:
        return floating_ips.get(backend, fip_id, context)
    except NotFound:
        raise NotFound(f"Floating IP not found for ID {fip_id}") from None


def get_floating_ip(backend, context, fip_id: str) -> dict:
    _authorize(context, "show")
    with backend.store.lock:
        return nova_view(backend, _by_id(backend, context, fip_id))


def _pool_id(backend, context, name_or_id: str) -> str:
    key = "id" if _uuid_like(name_or_id) else "name"
    found = [n for n in backend.store.networks.values()
             if n["router:external"] and n[key] == name_or_id and networks.visible(backend, n, context)]
    if not found:
        raise NotFound("Floating IP pool not found.")
    if len(found) > 1:
        raise APIError(f"Multiple floating IP pools matches found for name '{name_or_id}'")
    return found[0]["id"]


def _uuid_like(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def allocate(backend, context, pool: str | None) -> dict:
    _authorize(context, "create")
    with backend.store.lock:
        network_id = _pool_id(backend, context, pool or DEFAULT_POOL)
        try:
            fip = floating_ips.create(backend, context, {"floating_network_id": network_id})
        except APIError as exc:
            kind = getattr(exc, "title", "")
            if kind in ("ExternalIpAddressExhausted", "IpAddressGenerationFailure"):
                raise NotFound(f"No more floating IPs in pool {pool}." if pool else
                               "No more floating IPs available.") from None
            if kind == "OverQuota":
                raise Forbidden(f"IP allocation over quota in pool {pool}." if pool else
                                "IP allocation over quota.") from None
            if exc.code == 400:
                raise BadRequest(exc.message) from None
            raise
        return nova_view(backend, fip)


def _by_address(backend, context, address: str | None) -> dict:
    """_get_floating_ip_by_address: the caller's view of Neutron's floating IPs with that address."""
    found = [fip for fip in backend.store.floatingips.values()
             if address and fip["floating_ip_address"] == address and floating_ips.visible(fip, context)]
    if not found:
        raise NotFound(f"Floating IP not found for address {address}.")
    if len(found) > 1:
        raise Conflict(f"Multiple floating IPs are found for address {address}.")
    return found[0]


def _server_of(backend, context, fip: dict) -> dict | None:
    """get_instance_by_floating_ip_addr: the server behind the floating IP's port, looked up as the
    caller (another project's server is Nova's 404)."""
    port = backend.store.ports.get(fip["port_id"]) if fip["port_id"] else None
    if port is None or not port["device_id"]:
        return None
    return servers.get(backend, context, port["device_id"])


def release(backend, context, fip_id: str) -> None:
    _authorize(context, "delete")
    with backend.store.lock:
        fip = _by_id(backend, context, fip_id)
        _server_of(backend, context, fip)
        try:
            floating_ips.delete(backend, context, fip["id"])
        except NotFound:
            raise NotFound(f"Floating IP not found for address {fip['floating_ip_address']}.") from None


def associate(backend, context, server_id: str, address: str, fixed_address: str | None) -> None:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        _authorize(context, "add", server["project_id"])
        bound = ports.ports_of(backend, server_id)
        if not bound:
            raise BadRequest("Instance network is not ready yet")
        fixed_ips = [(port, ip["ip_address"]) for port in bound for ip in port["fixed_ips"]]
        if not fixed_ips:
            raise BadRequest("No fixed IPs associated to instance")
        if fixed_address is not None:
            if fixed_address not in [address_ for _, address_ in fixed_ips]:
                raise BadRequest("Specified fixed address not assigned to instance")
        else:
            fixed_address = next((a for _, a in fixed_ips if ipaddress.ip_address(a).version == 4), None)
            if fixed_address is None:
                raise BadRequest(f"Unable to associate floating IP {address} to any fixed IPs for instance "
                                 f"{server_id}. Instance has no fixed IPv4 addresses to associate.")
        port = next(p for p, a in fixed_ips if a == fixed_address)
        try:
            fip = _by_address(backend, context, address)
        except NotFound:
            raise NotFound("floating IP not found") from None
        try:
            floating_ips.update(backend, context, fip["id"], {"port_id": port["id"],
                                                              "fixed_ip_address": fixed_address})
        except Conflict as exc:  # FloatingIpAssociateFailed(str(e))
            raise BadRequest(exc.message) from None
        except APIError as exc:  # any other Neutron refusal lands in Nova's catch-all
            raise BadRequest(f"Unable to associate floating IP {address} to fixed IP {fixed_address} for instance "
                             f"{server_id}. Error: {exc.message}") from None


def disassociate(backend, context, server_id: str, address: str) -> None:
    with backend.store.lock:
        fip = _by_address(backend, context, address)
        server = _server_of(backend, context, fip)
        _authorize(context, "remove", server["project_id"] if server else _NO_PROJECT)
        if server is None or not fip["port_id"] or server["id"] != server_id:
            raise Conflict(f"Floating IP {address} is not associated with instance {server_id}.")
        floating_ips.update(backend, context, fip["id"], {"port_id": None})
