"""/servers/{id}/ips[/{network}] (nova/api/openstack/compute/ips.py): the server's addresses per
network from its ports (fixed and floating), as {version, addr}."""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import lifecycle, servers
from fakenova.errors import NotFound

_RULE = "os_compute_api:ips:"


def _addresses(backend, server: dict) -> dict[str, list[dict]]:
    if server["vm_state"] == lifecycle.BUILDING:
        return {}  # Nova's network info cache is empty until the build has networked
    return {network: [{"version": item["version"], "addr": item["addr"]} for item in items]
            for network, items in servers.addresses(backend, server).items()}


def listed(backend, context, server_id: str) -> dict[str, list[dict]]:
    server = servers.get(backend, context, server_id)
    policy.authorize(context, _RULE + "index", server["project_id"])
    return _addresses(backend, server)


def on_network(backend, context, server_id: str, network: str) -> list[dict]:
    server = servers.get(backend, context, server_id)
    policy.authorize(context, _RULE + "show", server["project_id"])
    found = _addresses(backend, server)
    if network not in found:
        raise NotFound("Instance is not a member of specified network")
    return found[network]
