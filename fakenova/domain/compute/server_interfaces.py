"""Interface hot-plug: /servers/{id}/os-interface[/{port_id}] (nova/api/openstack/compute/
attach_interfaces.py, compute API attach_interface/detach_interface, and what nova-compute then asks
of Neutron). A server's ports are the entries of ``server["ports"]`` ({id, tag, preexisting})."""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import lifecycle, servers
from fakenova.domain.compute.server_guards import HOTPLUGGABLE, require_state
from fakenova.domain.network import networks, ports
from fakenova.errors import APIError, BadRequest, Conflict, NotFound

_RULE = "os_compute_api:os-attach-interfaces:"


def _server(backend, context, server_id: str, rule: str) -> dict:
    server = servers.get(backend, context, server_id)
    policy.authorize(context, _RULE + rule, server["project_id"])
    return server


def _port_not_found(port_id: str) -> NotFound:
    return NotFound(f"Port id {port_id} could not be found.")


def listed(backend, context, server_id: str) -> list[tuple[dict, str | None]]:
    """[(port, tag)] for the server's ports the caller can see in Neutron."""
    server = _server(backend, context, server_id, "list")
    tags = {entry["id"]: entry.get("tag") for entry in server.get("ports", ())}
    return [(port, tags.get(port["id"])) for port in ports.ports_of(backend, server["id"])
            if ports.port_visible(backend, port, context)]


def get(backend, context, server_id: str, port_id: str) -> tuple[dict, str | None]:
    server = _server(backend, context, server_id, "show")
    port = backend.store.ports.get(port_id)
    if port is None or not ports.port_visible(backend, port, context):
        raise _port_not_found(port_id)
    if port["device_id"] != server["id"]:
        raise NotFound(f"Instance {server_id} does not have a port with id {port_id}")
    return port, _tag_of(server, port_id)


def _tag_of(server: dict, port_id: str) -> str | None:
    return next((entry.get("tag") for entry in server.get("ports", ()) if entry["id"] == port_id), None)


def attach(backend, context, server_id: str, request: dict) -> tuple[dict, str | None]:
    """POST: a port (``port_id``), or a new port on ``net_id`` (optionally at ``fixed_ips[0]``), or on
    the one network the project can use when neither is given."""
    network_id, port_id, tag = request.get("net_id"), request.get("port_id"), request.get("tag")
    fixed_ip = (request.get("fixed_ips") or [{}])[0].get("ip_address")
    with backend.store.lock:
        server = _server(backend, context, server_id, "create")
        if network_id and port_id:
            raise BadRequest("Must not input both network_id and port_id")
        if fixed_ip and not network_id:
            raise BadRequest("Must input network_id when request IP address")
        lifecycle.check_lock(server, context)
        require_state(server, "attach_interface", HOTPLUGGABLE)
        if port_id:
            port = _bind_existing(backend, context, server, port_id)
        else:
            port = _create_port(backend, context, server, network_id, fixed_ip)
        server["ports"].append({"id": port["id"], "tag": tag, "preexisting": bool(port_id)})
        return port, tag


def _bind_existing(backend, context, server: dict, port_id: str) -> dict:
    port = backend.store.ports.get(port_id)
    if port is None or not ports.port_visible(backend, port, context):
        raise _port_not_found(port_id)
    if port["device_id"]:
        raise Conflict(f"Port {port_id} is still in use.")
    return ports.bind_port(backend, port_id, server["id"], server.get("host") or "")


def _create_port(backend, context, server: dict, network_id: str | None, fixed_ip: str | None) -> dict:
    store = backend.store
    if network_id:
        network = store.networks.get(network_id)
        if network is None or not networks.visible(backend, network, context):
            raise NotFound(f"Network {network_id} could not be found.")
    else:
        # Nova's _get_available_networks: the project's own networks plus the shared ones.
        candidates = [n for n in store.networks.values()
                      if n["shared"] or (n["project_id"] == server["project_id"] and not n["router:external"])]
        if len(candidates) > 1:
            raise BadRequest("More than one possible network found. Specify network ID(s) to select which "
                             "one(s) to connect to.")
        if not candidates:
            raise BadRequest(f"No specific network was requested and none are available for project "
                             f"'{server['project_id']}'.")
        network = candidates[0]
    if not network["subnets"]:
        raise BadRequest(f"Network {network['id']} requires a subnet in order to boot instances on.")
    try:
        port = ports.create_port(backend, network["id"], project_id=server["project_id"], device_id=server["id"],
                                 device_owner="compute:nova",
                                 fixed_ips=[{"ip_address": fixed_ip}] if fixed_ip else None)
    except APIError as exc:
        # Nova's answers for Neutron's refusals (nova/network/neutron.py _create_port_minimal).
        if exc.title in ("IpAddressAlreadyAllocated", "IpAddressInUse"):
            raise Conflict(f"Fixed IP address {fixed_ip} is already in use on instance {server['id']}.") from None
        if exc.title in ("InvalidIpForNetwork", "InvalidIpForSubnet"):
            raise BadRequest(f"Fixed IP address {fixed_ip} is not a valid IP for network "
                             f"{network['id']}.") from None
        raise BadRequest(f"Zero fixed IPs could be found for network {network['id']}.") from None
    port["binding:host_id"] = server.get("host") or ""
    return port


def detach(backend, context, server_id: str, port_id: str) -> None:
    """DELETE: 202 whenever the checks pass; nova-compute works asynchronously and quietly ignores a
    port the server does not have."""
    with backend.store.lock:
        server = _server(backend, context, server_id, "delete")
        lifecycle.check_lock(server, context)
        require_state(server, "detach_interface", HOTPLUGGABLE)
        entry = next((e for e in server.get("ports", ()) if e["id"] == port_id), None)
        if entry is None:
            return
        server["ports"] = [e for e in server["ports"] if e["id"] != port_id]
        port = backend.store.ports.get(port_id)
        if port is None:
            return
        if entry.get("preexisting"):
            ports.unbind_port(backend, port_id)
        else:
            ports.remove_port(backend, port_id)
