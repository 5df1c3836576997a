"""/os-networks and /os-tenant-networks: what is left of nova-network's APIs, answered from the
Neutron networks the caller can see (2.1-2.35; their writes are 410 Gone at every version, as
Nova has kept them since 21.0.0 Ussuri).

Checked against nova/api/openstack/compute/networks.py (network_dict: id and label from Neutron,
every other field null, admins see the admin fields too), tenant_networks.py (cidr is the string
"None"; ``[api] use_neutron_default_nets`` is off by default, so no extra networks), and
nova/policies/networks.py, tenant_networks.py, Nova master 2026.
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.network import networks
from fakenova.errors import NotFound

_FIELDS = ("id", "cidr", "netmask", "gateway", "broadcast", "dns1", "dns2", "cidr_v6", "gateway_v6", "label",
           "netmask_v6")
_ADMIN_FIELDS = ("created_at", "updated_at", "deleted_at", "deleted", "injected", "bridge", "vlan",
                 "vpn_public_address", "vpn_public_port", "vpn_private_address", "dhcp_start", "project_id", "host",
                 "bridge_interface", "multi_host", "priority", "rxtx_base", "mtu", "dhcp_server", "enable_dhcp",
                 "share_address")
GONE = "This resource is no longer available.  No forwarding address is given."


def _network_view(context, network: dict) -> dict:
    shown = dict.fromkeys(_FIELDS + (_ADMIN_FIELDS if context.is_admin else ()))
    shown.update(id=network["id"], label=network["name"])
    return shown


def _tenant_network_view(network: dict) -> dict:
    return {"id": network["id"], "cidr": "None", "label": network["name"]}


def _visible(backend, context) -> list[dict]:
    with backend.store.lock:
        return [n for n in backend.store.networks.values() if networks.visible(backend, n, context)]


def _one(backend, context, network_id: str) -> dict:
    with backend.store.lock:
        network = backend.store.networks.get(network_id)
        if network is None or not networks.visible(backend, network, context):
            raise NotFound("Network not found")
        return network


def list_networks(backend, context, *, tenant: bool) -> list[dict]:
    policy.authorize(context, f"os_compute_api:{'os-tenant-networks' if tenant else 'os-networks'}:list",
                     context.project_id)
    found = _visible(backend, context)
    return [_tenant_network_view(n) if tenant else _network_view(context, n) for n in found]


def get_network(backend, context, network_id: str, *, tenant: bool) -> dict:
    policy.authorize(context, f"os_compute_api:{'os-tenant-networks' if tenant else 'os-networks'}:show",
                     context.project_id)
    network = _one(backend, context, network_id)
    return _tenant_network_view(network) if tenant else _network_view(context, network)
