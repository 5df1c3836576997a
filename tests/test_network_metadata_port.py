"""ML2/OVN's metadata port, the port devstack's Neutron gives every network: device_owner
``network:distributed``, device_id ``ovnmeta-<network>``, the network's project, status DOWN, the lowest
free address of each DHCP-enabled IPv4 subnet (10.0.0.2 on devstack's private subnet).

Sources: neutron/plugins/ml2/drivers/ovn/mech_driver/ovsdb/ovn_client.py (create_metadata_port,
update_metadata_port); neutron/common/_constants.py AUTO_DELETE_PORT_OWNERS (it never blocks a network or
subnet delete); neutron-api-facts.md sections 1, 2, 11; Rackspace's "The OVN Distributed Gateway Port"
(an ovnmeta port at 192.168.0.2, owner network:distributed, shown DOWN)."""

from __future__ import annotations

from fakenova.domain.network.ip_allocation import eui64

V2 = "/networking/v2.0"
OWNER = "network:distributed"


def by_name(backend, collection, name):
    return next(r for r in getattr(backend.store, collection).values() if r["name"] == name)


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def metadata_ports(api, network_id, user="admin"):
    return ok(api.get(f"{V2}/ports?device_owner={OWNER}&network_id={network_id}", user=user))["ports"]


def test_devstack_networks_have_their_metadata_port(api, backend):
    private = by_name(backend, "networks", "private")
    (port,) = metadata_ports(api, private["id"], user="demo")
    subnet = by_name(backend, "subnets", "private-subnet")
    slaac = by_name(backend, "subnets", "ipv6-private-subnet")
    assert port["fixed_ips"] == [{"subnet_id": subnet["id"], "ip_address": "10.0.0.2"},
                                 {"subnet_id": slaac["id"], "ip_address": eui64(slaac["cidr"], port["mac_address"])}]
    assert (port["device_id"], port["status"], port["name"], port["security_groups"]) == (
        f"ovnmeta-{private['id']}", "DOWN", "", [])
    assert port["project_id"] == private["project_id"]
    # public has DHCP off: its metadata port has no address.
    public = by_name(backend, "networks", "public")
    (port,) = metadata_ports(api, public["id"])
    assert port["fixed_ips"] == [] and port["project_id"] == public["project_id"]


def test_created_network_gets_one_that_follows_enable_dhcp_and_goes_with_it(api, backend):
    network = ok(api.post(f"{V2}/networks", json={"network": {"name": "n"}}), 201)["network"]
    (port,) = metadata_ports(api, network["id"], user="demo")
    assert port["fixed_ips"] == [] and port["device_id"] == f"ovnmeta-{network['id']}"
    dhcp = ok(api.post(f"{V2}/subnets", json={"subnet": {
        "network_id": network["id"], "ip_version": 4, "cidr": "10.80.0.0/24"}}), 201)["subnet"]
    plain = ok(api.post(f"{V2}/subnets", json={"subnet": {
        "network_id": network["id"], "ip_version": 4, "cidr": "10.81.0.0/24", "enable_dhcp": False}}), 201)["subnet"]
    (port,) = metadata_ports(api, network["id"])
    assert port["fixed_ips"] == [{"subnet_id": dhcp["id"], "ip_address": "10.80.0.2"}]
    # A user's port takes the next address.
    user_port = ok(api.post(f"{V2}/ports", json={"port": {"network_id": network["id"]}}), 201)["port"]
    assert user_port["fixed_ips"] == [{"subnet_id": dhcp["id"], "ip_address": "10.80.0.3"}]

    ok(api.put(f"{V2}/subnets/{plain['id']}", json={"subnet": {"enable_dhcp": True}}))
    (port,) = metadata_ports(api, network["id"])
    assert port["fixed_ips"][1] == {"subnet_id": plain["id"], "ip_address": "10.81.0.2"}
    ok(api.put(f"{V2}/subnets/{dhcp['id']}", json={"subnet": {"enable_dhcp": False}}))
    (port,) = metadata_ports(api, network["id"])
    assert port["fixed_ips"] == [{"subnet_id": plain["id"], "ip_address": "10.81.0.2"}]

    # Only the user's port keeps the network: Neutron's NetworkInUse names it alone.
    response = api.delete(f"{V2}/networks/{network['id']}")
    assert response.status_code == 409
    assert response.get_json()["NeutronError"]["message"] == (
        f"Unable to complete operation on network {network['id']}. There are one or more ports still in use on "
        f"the network, id for these ports is: {user_port['id']}.")
    assert api.delete(f"{V2}/ports/{user_port['id']}").status_code == 204
    # The metadata port's address does not keep its subnet either.
    assert api.delete(f"{V2}/subnets/{plain['id']}").status_code == 204
    assert api.delete(f"{V2}/networks/{network['id']}").status_code == 204
    assert metadata_ports(api, network["id"]) == []
    assert not any(p["network_id"] == network["id"] for p in backend.store.ports.values())


def test_failed_bulk_network_create_leaves_no_metadata_port(api, backend):
    before = set(backend.store.ports)
    response = api.post(f"{V2}/networks", json={"networks": [{"name": "ok"}, {"name": "bad", "mtu": "x"}]})
    assert response.status_code == 400
    assert set(backend.store.ports) == before


def test_cli_and_sdk_see_it_and_delete_the_network(live):
    network = live.openstack("network", "create", "meta-net", "-f", "json")
    live.openstack("subnet", "create", "--network", "meta-net", "--subnet-range", "10.90.0.0/24", "meta-sub",
                   "-f", "json")
    rows = live.openstack("port", "list", "--network", "meta-net", "--device-owner", OWNER, "-f", "json")
    assert len(rows) == 1 and "10.90.0.2" in str(rows[0]["Fixed IP Addresses"])
    assert rows[0]["Status"] == "DOWN"
    conn = live.sdk("demo")
    (port,) = conn.network.ports(network_id=network["id"])
    assert (port.device_owner, port.device_id) == (OWNER, f"ovnmeta-{network['id']}")
    live.openstack("network", "delete", "meta-net")
    assert list(conn.network.ports(network_id=network["id"])) == []
    assert conn.network.find_network("meta-net") is None
