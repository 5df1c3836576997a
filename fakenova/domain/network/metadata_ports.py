"""ML2/OVN's metadata port. devstack runs OVN (Q_AGENT=ovn), whose mechanism driver gives every
network a port of its own when the network is created: device_owner ``network:distributed``,
device_id ``ovnmeta-<network id>``, the network's project, no security groups. It takes an address
on each IPv4 subnet with DHCP enabled as the subnet is created (the lowest free one: 10.0.0.2 on
devstack's private subnet, so the first server gets 10.0.0.3), gains or loses one when a subnet's
enable_dhcp changes, and gets its EUI-64 address on SLAAC subnets like any port.

Checked against neutron/plugins/ml2/drivers/ovn/mech_driver/ovsdb/ovn_client.py
(create_network -> create_metadata_port, create_subnet / update_subnet -> update_metadata_port),
Neutron master 2026. Neutron removes it with its network, and it never keeps a network or subnet
from being deleted (AUTO_DELETE_PORT_OWNERS, see common.AUTO_DELETE_OWNERS).
"""

from __future__ import annotations

from fakenova.domain.network import ip_allocation, networks, ports
from fakenova.domain.network.common import DISTRIBUTED_OWNER, touch

DEVICE_PREFIX = "ovnmeta-"


def create_network(backend, context, request: dict) -> dict:
    """POST /networks: Neutron's network, then OVN's metadata port on it."""
    with backend.store.lock:
        network = networks.create(backend, context, request)
        add_port(backend, network)
        return network


def add_port(backend, network: dict) -> dict:
    """The network's metadata port, with an address on each of its DHCP-enabled subnets."""
    store = backend.store
    fixed_ips = [{"subnet_id": s} for s in network["subnets"] if store.subnets[s]["enable_dhcp"]]
    port = ports.create_port(backend, network["id"], project_id=network["project_id"],
                             device_id=DEVICE_PREFIX + network["id"], device_owner=DISTRIBUTED_OWNER,
                             fixed_ips=fixed_ips)
    port["status"] = "DOWN"  # bound to no chassis: OVN reports it down
    return port


def _port_of(backend, network_id: str) -> dict | None:
    return next((p for p in backend.store.ports.values() if p["network_id"] == network_id
                 and p["device_owner"] == DISTRIBUTED_OWNER and p["device_id"] == DEVICE_PREFIX + network_id), None)


def subnet_created(backend, subnet: dict) -> None:
    """create_subnet: an IPv4 subnet with DHCP gives the metadata port an address."""
    if subnet["ip_version"] == 4 and subnet["enable_dhcp"]:
        _follow_dhcp(backend, subnet)


def subnet_updated(backend, subnet: dict) -> None:
    """update_subnet: the metadata port's address on the subnet follows enable_dhcp."""
    _follow_dhcp(backend, subnet)


def _follow_dhcp(backend, subnet: dict) -> None:
    port = _port_of(backend, subnet["network_id"])
    if port is None:
        return
    has = any(ip["subnet_id"] == subnet["id"] for ip in port["fixed_ips"])
    if subnet["enable_dhcp"] and not has:
        network = backend.store.networks[subnet["network_id"]]
        port["fixed_ips"] = ip_allocation.requested(backend, None, network, [*port["fixed_ips"],
                                                                             {"subnet_id": subnet["id"]}],
                                                    mac=port["mac_address"], device_owner=DISTRIBUTED_OWNER,
                                                    current=port["fixed_ips"], except_port=port["id"])
        touch(backend, port)
    elif not subnet["enable_dhcp"] and has and not ip_allocation.is_auto_address(subnet):
        port["fixed_ips"] = [ip for ip in port["fixed_ips"] if ip["subnet_id"] != subnet["id"]]
        touch(backend, port)
