"""/servers/{id}/os-interface: list, attach a port or a network, show, detach (tag 2.49 / 2.70),
Tempest's interfaces schemas, Nova's errors, and the real clients."""

from __future__ import annotations

import pytest

from tests.server_helpers import SERVERS, create, fault, image_id, network_id

CLIENT = "interfaces_client.InterfacesClient"


@pytest.fixture
def server(api, backend):
    backend.settings.durations = {"build": 0, "delete": 0}
    return create(api, networks=[{"uuid": network_id(backend)}])


def _valid(response, schema, version, status=200):
    from tests.tempest_schemas import assert_valid

    assert response.status_code == status, response.get_data(as_text=True)
    assert_valid(CLIENT, schema, version, status, response.headers, response.get_json() if response.data else None)
    return response.get_json() if response.data else None


def _neutron_port(api, backend):
    response = api.post("/networking/v2.0/ports", json={"port": {"network_id": network_id(backend)}})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["port"]


@pytest.mark.parametrize("version", ["2.1", "2.49", "2.70"])
def test_list_attach_network_show_and_detach(api, backend, server, version):
    url = f"{SERVERS}/{server['id']}/os-interface"
    (booted,) = _valid(api.get(url, version=version), "list_interfaces", version)["interfaceAttachments"]
    assert booted["port_state"] == "ACTIVE" and booted["net_id"] == network_id(backend)
    request = {"net_id": network_id(backend), "fixed_ips": [{"ip_address": "10.0.0.50"}]}
    if version >= "2.49":
        request["tag"] = "nic2"
    attached = _valid(api.post(url, json={"interfaceAttachment": request}, version=version),
                      "get_create_interfaces", version)["interfaceAttachment"]
    assert attached["fixed_ips"][0]["ip_address"] == "10.0.0.50"
    assert ("tag" in attached) is (version >= "2.70")
    if version >= "2.70":
        assert attached["tag"] == "nic2"
    shown = _valid(api.get(f"{url}/{attached['port_id']}", version=version), "get_create_interfaces", version)
    assert shown["interfaceAttachment"] == attached
    addresses = api.get(f"{SERVERS}/{server['id']}/ips").get_json()["addresses"]["private"]
    assert {"version": 4, "addr": "10.0.0.50"} in addresses
    detached = api.delete(f"{url}/{attached['port_id']}", version=version)
    assert detached.status_code == 202 and detached.data == b""
    assert attached["port_id"] not in backend.store.ports  # Nova deletes the ports it created
    assert len(api.get(url, version=version).get_json()["interfaceAttachments"]) == 1


def test_attach_and_detach_a_users_port(api, backend, server):
    port = _neutron_port(api, backend)
    url = f"{SERVERS}/{server['id']}/os-interface"
    attached = api.post(url, json={"interfaceAttachment": {"port_id": port["id"]}}).get_json()["interfaceAttachment"]
    assert attached["port_id"] == port["id"] and backend.store.ports[port["id"]]["device_id"] == server["id"]
    other = create(api, name="other", networks=[{"uuid": network_id(backend)}])
    response = api.post(f"{SERVERS}/{other['id']}/os-interface", json={"interfaceAttachment": {"port_id": port["id"]}})
    assert fault(response) == (409, {"conflictingRequest": {"code": 409, "message": f"Port {port['id']} is still in use."}})
    assert api.delete(f"{url}/{port['id']}").status_code == 202
    assert backend.store.ports[port["id"]]["device_id"] == ""  # a user's port stays, unbound


@pytest.mark.parametrize("request_body,code,name,message", [
    ({"net_id": "00000000-0000-0000-0000-000000000009"}, 404, "itemNotFound",
     "Network 00000000-0000-0000-0000-000000000009 could not be found."),
    ({"port_id": "00000000-0000-0000-0000-000000000009"}, 404, "itemNotFound",
     "Port id 00000000-0000-0000-0000-000000000009 could not be found."),
    ({"fixed_ips": [{"ip_address": "10.0.0.9"}]}, 400, "badRequest", "Must input network_id when request IP address"),
    ({"tag": "x"}, 400, "badRequest", "Invalid input for field/attribute interfaceAttachment. Value: {'tag': 'x'}. "
                                      "Additional properties are not allowed ('tag' was unexpected)"),
])
def test_attach_errors(api, server, request_body, code, name, message):
    response = api.post(f"{SERVERS}/{server['id']}/os-interface", json={"interfaceAttachment": request_body},
                        version="2.48")
    assert fault(response) == (code, {name: {"code": code, "message": message}})


def test_state_lock_and_show_errors(api, backend, server):
    url = f"{SERVERS}/{server['id']}/os-interface"
    missing = "00000000-0000-0000-0000-000000000009"
    assert fault(api.get(f"{url}/{missing}")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Port id {missing} could not be found."}})
    port = _neutron_port(api, backend)
    assert fault(api.get(f"{url}/{port['id']}")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Instance {server['id']} does not have a port with id {port['id']}"}})
    backend.store.servers[server["id"]]["vm_state"] = "suspended"
    response = api.post(url, json={"interfaceAttachment": {"net_id": network_id(backend)}})
    assert fault(response) == (409, {"conflictingRequest": {"code": 409, "message": (
        f"Cannot 'attach_interface' instance {server['id']} while it is in vm_state suspended")}})
    backend.store.servers[server["id"]].update(vm_state="active", locked_by="owner")
    assert fault(api.delete(f"{url}/{port['id']}")) == (409, {"conflictingRequest": {
        "code": 409, "message": f"Instance {server['id']} is locked"}})


# --- real clients --------------------------------------------------------------------------------

def test_openstacksdk_interfaces(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    conn = live.sdk()
    server = conn.compute.create_server(name="nics", image_id=image_id(live.backend), flavor_id="1",
                                        networks="auto")
    added = conn.compute.create_server_interface(server, net_id=network_id(live.backend))
    assert {i.port_id for i in conn.compute.server_interfaces(server)} >= {added.port_id}
    conn.compute.delete_server_interface(added, server=server)
    assert len(list(conn.compute.server_interfaces(server))) == 1


def test_cli_server_add_and_remove_port(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    live.openstack("server", "create", "--image", "cirros-0.6.2-x86_64-disk", "--flavor", "m1.tiny",
                   "--network", "private", "cli-nic")
    port = live.openstack("port", "create", "--network", "private", "extra", "-f", "json")
    live.openstack("server", "add", "port", "cli-nic", port["id"])
    assert live.backend.store.ports[port["id"]]["device_owner"] == "compute:nova"
    live.openstack("server", "remove", "port", "cli-nic", port["id"])
    assert live.backend.store.ports[port["id"]]["device_id"] == ""
