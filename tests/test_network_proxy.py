"""/os-networks and /os-tenant-networks: list and show over the Neutron networks the caller sees
(2.1-2.35), nova-network's writes 410 Gone at every microversion. Sources:
nova/api/openstack/compute/networks.py, tenant_networks.py, nova/policies/networks.py."""

from __future__ import annotations

from tests import tempest_clients
from tests.server_helpers import fault, network_id
from tests.tempest_schemas import assert_valid

V21 = "/compute/v2.1"
TENANT_NETWORKS = "tenant_networks_client.TenantNetworksClient"
GONE = (410, {"computeFault": {"code": 410, "message": "This resource is no longer available.  No forwarding "
                                                        "address is given."}})


def test_os_networks_shows_id_and_label_only(api, backend):
    listed = api.get(f"{V21}/os-networks", user="reader").get_json()["networks"]
    private = next(n for n in listed if n["label"] == "private")
    assert private == {"id": network_id(backend), "label": "private", "cidr": None, "netmask": None,
                       "gateway": None, "broadcast": None, "dns1": None, "dns2": None, "cidr_v6": None,
                       "gateway_v6": None, "netmask_v6": None}
    # The caller's own, shared (fakenova's seeded private) and external networks, as Neutron shows them.
    assert {n["label"] for n in listed} == {"private", "public"}
    shown = api.get(f"{V21}/os-networks/{private['id']}", user="admin").get_json()["network"]
    assert (shown["label"], shown["mtu"], shown["project_id"], len(shown)) == ("private", None, None, 32)
    own = api.post("/networking/v2.0/networks", json={"network": {"name": "demo-only"}}).get_json()["network"]
    assert api.get(f"{V21}/os-networks/{own['id']}").get_json()["network"]["label"] == "demo-only"
    assert fault(api.get(f"{V21}/os-networks/{own['id']}", user="alt_demo")) == (404, {"itemNotFound": {
        "code": 404, "message": "Network not found"}})
    assert api.get(f"{V21}/os-networks", version="2.36").status_code == 404


def test_os_tenant_networks(api, backend):
    listed = api.get(f"{V21}/os-tenant-networks")
    assert_valid(TENANT_NETWORKS, "list_tenant_networks", "2.1", 200, listed.headers, listed.get_json())
    assert {"id": network_id(backend), "cidr": "None", "label": "private"} in listed.get_json()["networks"]
    shown = api.get(f"{V21}/os-tenant-networks/{network_id(backend)}")
    assert_valid(TENANT_NETWORKS, "get_tenant_network", "2.1", 200, shown.headers, shown.get_json())
    assert fault(api.get(f"{V21}/os-tenant-networks/nope")) == (404, {"itemNotFound": {
        "code": 404, "message": "Network not found"}})
    assert api.get(f"{V21}/os-tenant-networks", version="2.36").status_code == 404


def test_nova_network_writes_are_gone_at_every_version(api, backend):
    net = network_id(backend)
    for version in ("2.1", "2.36", "2.104"):
        assert fault(api.post(f"{V21}/os-networks", version=version, json={"network": {}})) == GONE
        assert fault(api.post(f"{V21}/os-networks/add", version=version, json={})) == GONE
        assert fault(api.delete(f"{V21}/os-networks/{net}", version=version)) == GONE
        assert fault(api.post(f"{V21}/os-networks/{net}/action", version=version,
                              json={"disassociate": None})) == GONE
        assert fault(api.post(f"{V21}/os-tenant-networks", version=version, json={})) == GONE
        assert fault(api.delete(f"{V21}/os-tenant-networks/{net}", version=version)) == GONE
    assert fault(api.post(f"{V21}/os-networks/{net}/action", json={"explode": None})) == (400, {"badRequest": {
        "code": 400, "message": "There is no such action: explode"}})


def test_tempest_network_clients(live):
    networks = tempest_clients.client(live, "compute", "networks_client.NetworksClient", user="reader")
    tenant = tempest_clients.client(live, "compute", "tenant_networks_client.TenantNetworksClient")
    private = next(n for n in networks.list_networks()["networks"] if n["label"] == "private")
    assert networks.show_network(private["id"])["network"]["label"] == "private"
    assert tenant.show_tenant_network(private["id"])["network"] == {"id": private["id"], "cidr": "None",
                                                                     "label": "private"}
