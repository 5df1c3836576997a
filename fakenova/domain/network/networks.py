"""Networks (the Neutron side), seeded like devstack's private and public networks.

Records hold Neutron's attributes (epoch seconds for times); ``fakenova.api.network`` renders them,
adds ``tenant_id`` and hides the admin-only ones. Who may read and write what follows Neutron's
default policies (neutron/conf/policies); behaviour follows neutron/db/db_base_plugin_v2.py.
"""

from __future__ import annotations

from fakenova.domain.network import network_quotas, security_groups
from fakenova.domain.network.common import (AUTO_DELETE_OWNERS, FLOATING_IP_OWNER, ROUTER_GATEWAY_OWNER,
                                            policy_denied, apply_update, authorize_create, authorize_write,
                                            conflict, find_visible, owner_of, standard_attributes, touch)

# Attributes only an admin may set (create_network:<attr> / update_network:<attr> are admin rules).
ADMIN_ATTRIBUTES = ("shared", "router:external", "is_default", "provider:network_type",
                    "provider:physical_network", "provider:segmentation_id", "segments")
UPDATABLE = ("name", "description", "admin_state_up", "shared", "router:external", "is_default", "mtu",
             "port_security_enabled", "dns_domain", "qos_policy_id", "provider:network_type",
             "provider:physical_network", "provider:segmentation_id")
# OVN's geneve overhead on a 1500 physical MTU; flat and vlan networks keep 1500.
TENANT_MTU, PHYSICAL_MTU = 1442, 1500


def new(backend, request: dict, project_id: str, network_id: str | None = None) -> dict:
    """A network record in the store (no checks: ``create`` checks, seeding trusts its settings)."""
    store = backend.store
    network_id = network_id or store.ids.uuid()
    external = bool(request.get("router:external", False))
    network_type = request.get("provider:network_type") or "geneve"
    segmentation = request.get("provider:segmentation_id")
    if segmentation is None and network_type in ("geneve", "vxlan", "vlan"):
        # The next free segmentation id, as the type driver would hand out.
        used = {n.get("provider:segmentation_id") for n in store.networks.values()}
        segmentation = next(i for i in range(1, len(used) + 2) if i not in used)
    mtu = request.get("mtu") or (TENANT_MTU if network_type in ("geneve", "vxlan") else PHYSICAL_MTU)
    network = {
        "id": network_id,
        "name": request.get("name", ""),
        "project_id": project_id,
        "shared": bool(request.get("shared", False)),
        "router:external": external,
        "admin_state_up": request.get("admin_state_up", True),
        "status": "ACTIVE",
        "mtu": int(mtu),
        "subnets": [],
        "availability_zones": ["nova"],
        "availability_zone_hints": list(request.get("availability_zone_hints") or []),
        "provider:network_type": network_type,
        "provider:physical_network": request.get("provider:physical_network"),
        "provider:segmentation_id": segmentation,
        "ipv4_address_scope": None,
        "ipv6_address_scope": None,
        "l2_adjacency": True,
        "port_security_enabled": request.get("port_security_enabled", True),
        "qos_policy_id": request.get("qos_policy_id"),
        "dns_domain": request.get("dns_domain", ""),
        **standard_attributes(backend, request, revision=1),
    }
    if external:
        # is_default only exists on external networks (auto-allocated-topology).
        network["is_default"] = bool(request.get("is_default", False))
    store.networks[network_id] = network
    return network


def visible(backend, network: dict, context) -> bool:
    """Neutron shows a project its own networks, shared ones and external ones; admins see all."""
    return (context.is_admin or network["shared"] or network["router:external"]
            or network["project_id"] == context.project_id)


def get_network(backend, network_id: str, context) -> dict:
    return find_visible(backend, "networks", network_id, context, visible, "NetworkNotFound",
                        f"Network {network_id} could not be found.")


def create(backend, context, request: dict) -> dict:
    project_id = owner_of(context, request)
    with backend.store.lock:
        authorize_create(context, project_id, "create_network",
                         [name for name in ADMIN_ATTRIBUTES if name in request])
        network_quotas.check_room(backend, project_id, "network")
        network = new(backend, request, project_id)
        security_groups.default_group(backend, project_id)
        return network


def update(backend, context, network_id: str, request: dict) -> dict:
    store = backend.store
    with store.lock:
        network = get_network(backend, network_id, context)
        authorize_write(context, network, "update_network")
        admin_only = [name for name in ADMIN_ATTRIBUTES if name in request]
        if admin_only and not context.is_admin:
            raise policy_denied("update_network", f"update_network:{admin_only[0]}")
        if request.get("shared") is False and network["shared"]:
            others = {p["project_id"] for p in store.ports.values() if p["network_id"] == network_id
                      and p["project_id"] and p["project_id"] != network["project_id"]}
            others |= {s["project_id"] for s in store.subnets.values() if s["network_id"] == network_id
                       and s["project_id"] != network["project_id"]}
            if others:
                raise conflict("InvalidSharedSetting", f"Unable to reconfigure sharing settings for network "
                                                       f"{network_id}. Multiple projects are using it.")
        if request.get("router:external") is False and network["router:external"]:
            if any(p["network_id"] == network_id and p["device_owner"] == ROUTER_GATEWAY_OWNER
                   for p in store.ports.values()):
                raise conflict("ExternalNetworkInUse", f"External network {network_id} cannot be updated to be made "
                                                       "non-external, since it has existing gateway ports.")
        apply_update(backend, network, request, UPDATABLE)
        if network["router:external"]:
            network.setdefault("is_default", False)
        else:
            network.pop("is_default", None)
        return network


def delete(backend, context, network_id: str) -> None:
    """409 NetworkInUse while ports other than Neutron's own DHCP/metadata ports remain; an external
    network takes its unassociated floating IPs with it; then its subnets go."""
    store = backend.store
    with store.lock:
        network = get_network(backend, network_id, context)
        authorize_write(context, network, "delete_network", visible(backend, network, context))
        # Unassociated floating IPs on an external network go with it (external_net_db._process_l3_delete).
        unassociated = {f["id"] for f in store.floatingips.values()
                        if f["floating_network_id"] == network_id and f["port_id"] is None}
        blocking = [p["id"] for p in store.ports.values() if p["network_id"] == network_id
                    and p["device_owner"] not in AUTO_DELETE_OWNERS
                    and not (p["device_owner"] == FLOATING_IP_OWNER and p["device_id"] in unassociated)]
        if blocking:
            raise conflict("NetworkInUse", f"Unable to complete operation on network {network_id}. There are one or "
                                           "more ports still in use on the network, id for these ports is: "
                                           f"{','.join(blocking)}.")
        for port_id in [p["id"] for p in store.ports.values() if p["network_id"] == network_id]:
            del store.ports[port_id]
        for fip_id in [f["id"] for f in store.floatingips.values() if f["floating_network_id"] == network_id]:
            del store.floatingips[fip_id]
        for subnet_id in list(network["subnets"]):
            store.subnets.pop(subnet_id, None)
        del store.networks[network_id]


def subnet_added(backend, network: dict, subnet_id: str) -> None:
    network["subnets"].append(subnet_id)
    touch(backend, network)


def subnet_removed(backend, network: dict, subnet_id: str) -> None:
    network["subnets"] = [s for s in network["subnets"] if s != subnet_id]
    touch(backend, network)
