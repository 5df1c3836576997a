"""/servers/{id}/metadata, /tags, /ips and /os-server-password: HTTP at the microversions where
they change, Tempest's schemas, Nova's error bodies, and the real clients."""

from __future__ import annotations

import pytest

from tests.server_helpers import CLIENT, SERVERS, create, fault, image_id, network_id
from tests.tempest_schemas import assert_valid


@pytest.fixture
def instant(backend):
    backend.settings.durations = {"build": 0, "delete": 0}
    return backend


@pytest.fixture
def server(api, instant):
    return create(api, metadata={"a": "1"})


def _ok(response, schema, version="2.1", status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json() if response.data else None
    assert_valid(CLIENT, schema, version, status, response.headers, body)
    return body


def _error(response, code, name, message):
    assert fault(response) == (code, {name: {"code": code, "message": message}})


# --- metadata ------------------------------------------------------------------------------------

def test_metadata_list_merge_replace_and_items(api, server):
    url = f"{SERVERS}/{server['id']}/metadata"
    assert _ok(api.get(url), "list_server_metadata") == {"metadata": {"a": "1"}}
    merged = _ok(api.post(url, json={"metadata": {"b": "2"}}), "update_server_metadata")
    assert merged == {"metadata": {"a": "1", "b": "2"}}
    replaced = _ok(api.put(url, json={"metadata": {"c": "3"}}), "set_server_metadata")
    assert replaced == {"metadata": {"c": "3"}}
    assert _ok(api.get(f"{url}/c"), "set_show_server_metadata_item") == {"meta": {"c": "3"}}
    assert _ok(api.put(f"{url}/d", json={"meta": {"d": "4"}}), "set_show_server_metadata_item") == {
        "meta": {"d": "4"}}
    response = api.delete(f"{url}/c")
    assert response.status_code == 204 and response.data == b""
    assert_valid(CLIENT, "delete_server_metadata_item", "2.1", 204, response.headers, None)
    assert api.get(f"{SERVERS}/{server['id']}").get_json()["server"]["metadata"] == {"d": "4"}


def test_metadata_errors(api, server):
    url = f"{SERVERS}/{server['id']}/metadata"
    _error(api.get(f"{url}/nope"), 404, "itemNotFound", "Metadata item was not found")
    _error(api.delete(f"{url}/nope"), 404, "itemNotFound", "Metadata item was not found")
    _error(api.put(f"{url}/x", json={"meta": {"y": "1"}}), 400, "badRequest", "Request body and URI mismatch")
    _error(api.put(f"{url}/x", json={"meta": {"x": "1", "y": "2"}}), 400, "badRequest",
           "Invalid input for field/attribute meta. Value: {'x': '1', 'y': '2'}. "
           "{'x': '1', 'y': '2'} has too many properties")
    _error(api.post(url, json={"metadata": {"k": 1}}), 400, "badRequest",
           "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'")
    missing = "00000000-0000-0000-0000-000000000000"
    _error(api.get(f"{SERVERS}/{missing}/metadata"), 404, "itemNotFound", f"Instance {missing} could not be found.")
    _error(api.get(url, user="alt_demo"), 404, "itemNotFound", f"Instance {server['id']} could not be found.")


def test_metadata_quota_is_128_items(api, server):
    url = f"{SERVERS}/{server['id']}/metadata"
    full = {f"k{i}": "v" for i in range(127)}
    assert len(_ok(api.post(url, json={"metadata": full}), "update_server_metadata")["metadata"]) == 128
    _error(api.post(url, json={"metadata": {"one-more": "v"}}), 403, "forbidden",
           "Maximum number of metadata items exceeds 128")
    _error(api.put(url, json={"metadata": {f"n{i}": "v" for i in range(129)}}), 403, "forbidden",
           "Maximum number of metadata items exceeds 128")


def test_metadata_writes_need_a_settled_unlocked_server(api, backend):
    backend.settings.durations = {"build": 5}
    building = create(api)
    _error(api.post(f"{SERVERS}/{building['id']}/metadata", json={"metadata": {"a": "b"}}), 409,
           "conflictingRequest",
           f"Cannot 'update metadata' instance {building['id']} while it is in vm_state building")
    backend.clock.advance(5)
    assert api.get(f"{SERVERS}/{building['id']}").get_json()["server"]["status"] == "ACTIVE"
    backend.store.servers[building["id"]]["metadata"] = {"a": "1"}
    backend.store.servers[building["id"]]["task_state"] = "rebooting"
    _error(api.delete(f"{SERVERS}/{building['id']}/metadata/a"), 409, "conflictingRequest",
           f"Cannot 'delete metadata' instance {building['id']} while it is in task_state rebooting")
    backend.store.servers[building["id"]].update(task_state=None, locked_by="owner")
    _error(api.put(f"{SERVERS}/{building['id']}/metadata", json={"metadata": {}}), 409, "conflictingRequest",
           f"Instance {building['id']} is locked")
    # Admins are not held back by a lock.
    assert api.put(f"{SERVERS}/{building['id']}/metadata", json={"metadata": {}}, user="admin").status_code == 200


# --- tags ----------------------------------------------------------------------------------------

def test_tags_crud(api, server):
    url = f"{SERVERS}/{server['id']}/tags"
    v = "2.26"
    assert _ok(api.get(url, version=v), "list_tags", v) == {"tags": []}
    assert _ok(api.put(url, json={"tags": ["b", "a", "b"]}, version=v), "update_all_tags", v) == {"tags": ["a", "b"]}
    added = api.put(f"{url}/c", version=v)
    assert added.status_code == 201 and added.data == b""
    assert added.headers["Location"] == f"http://localhost{url}/c"
    assert_valid(CLIENT, "update_tag", v, 201, added.headers, None)
    again = api.put(f"{url}/c", version=v)
    # Tempest's schema wants a Location on both codes, but Nova's 204 carries none.
    assert again.status_code == 204 and "Location" not in again.headers
    assert api.get(f"{url}/c", version=v).status_code == 204
    _error(api.get(f"{url}/zzz", version=v), 404, "itemNotFound", f"Server {server['id']} has no tag 'zzz'")
    assert api.delete(f"{url}/c", version=v).status_code == 204
    _error(api.delete(f"{url}/c", version=v), 404, "itemNotFound", f"Instance {server['id']} has no tag 'c'")
    assert api.get(f"{SERVERS}/{server['id']}", version=v).get_json()["server"]["tags"] == ["a", "b"]
    cleared = api.delete(url, version=v)
    assert cleared.status_code == 204
    assert_valid(CLIENT, "delete_all_tags", v, 204, cleared.headers, None)
    assert api.get(url, version=v).get_json() == {"tags": []}


def test_tags_need_2_26_and_limits(api, server):
    url = f"{SERVERS}/{server['id']}/tags"
    _error(api.get(url, version="2.25"), 404, "itemNotFound", "The resource could not be found.")
    fifty = [f"t{i}" for i in range(50)]
    _error(api.put(url, json={"tags": fifty + ["x"]}, version="2.26"), 400, "badRequest",
           f"Invalid input for field/attribute tags. Value: {fifty + ['x']}. {fifty + ['x']} is too long")
    assert api.put(url, json={"tags": fifty}, version="2.26").status_code == 200
    # Nova counts before it looks, so even a tag the server has is refused at the limit.
    for tag in ("new", "t0"):
        _error(api.put(f"{url}/{tag}", version="2.26"), 400, "badRequest",
               "The number of tags exceeded the per-server limit 50")
    _error(api.put(url, json={"tags": ["a,b"]}, version="2.26"), 400, "badRequest",
           "Invalid input for field/attribute 0. Value: a,b. 'a,b' does not match '^[^,/]*$'")


def test_tags_lookup_and_state_errors(api, backend, server):
    missing = "00000000-0000-0000-0000-000000000000"
    _error(api.get(f"{SERVERS}/{missing}/tags", version="2.26"), 404, "itemNotFound",
           f"Instance {missing} has no mapping to a cell.")
    # The instance mapping is found, so another project hears the policy, not 404.
    _error(api.get(f"{SERVERS}/{server['id']}/tags", version="2.26", user="alt_demo"), 403, "forbidden",
           "Policy doesn't allow os_compute_api:os-server-tags:index to be performed.")
    backend.store.servers[server["id"]]["vm_state"] = "error"
    _error(api.put(f"{SERVERS}/{server['id']}/tags/x", version="2.26"), 409, "conflictingRequest",
           f"Cannot 'update tag' instance {server['id']} while it is in vm_state error")
    _error(api.delete(f"{SERVERS}/{server['id']}/tags", version="2.26"), 409, "conflictingRequest",
           f"Cannot 'delete tags' instance {server['id']} while it is in vm_state error")


# --- ips and password ----------------------------------------------------------------------------

def test_ips_by_server_and_network(api, backend, instant):
    server = create(api, networks=[{"uuid": network_id(backend), "fixed_ip": "10.0.0.9"}])
    body = _ok(api.get(f"{SERVERS}/{server['id']}/ips"), "list_addresses")
    # Neutron adds the SLAAC subnet's EUI-64 address to the requested fixed IP.
    slaac = next(a for a in body["addresses"]["private"] if a["version"] == 6)
    assert slaac["addr"].startswith("fd6c:5a3e:4b1f:0:f816:3eff:fe")
    assert body == {"addresses": {"private": [{"version": 4, "addr": "10.0.0.9"}, slaac]}}
    assert _ok(api.get(f"{SERVERS}/{server['id']}/ips/private"), "list_addresses_by_network") == {
        "private": [{"version": 4, "addr": "10.0.0.9"}, slaac]}
    _error(api.get(f"{SERVERS}/{server['id']}/ips/public"), 404, "itemNotFound",
           "Instance is not a member of specified network")


def test_server_password_show_and_clear(api, server, backend):
    url = f"{SERVERS}/{server['id']}/os-server-password"
    assert _ok(api.get(url), "show_password") == {"password": ""}
    backend.store.servers[server["id"]]["encrypted_password"] = "c2VjcmV0"
    assert api.get(url).get_json() == {"password": "c2VjcmV0"}
    response = api.delete(url)
    assert response.status_code == 204 and response.data == b""
    assert_valid(CLIENT, "server_actions_delete_password", "2.1", 204, response.headers, None)
    assert api.get(url).get_json() == {"password": ""}


# --- real clients --------------------------------------------------------------------------------

def test_openstacksdk_metadata_and_tags(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    conn = live.sdk()
    server = conn.compute.create_server(name="meta", image_id=image_id(live.backend), flavor_id="1",
                                        networks="auto")
    conn.set_server_metadata(server.id, {"role": "db", "tier": "1"})
    conn.delete_server_metadata(server.id, ["tier"])
    assert conn.compute.get_server(server.id).metadata == {"role": "db"}
    conn.compute.add_tag_to_server(server, "blue")
    conn.compute.add_tag_to_server(server, "azure")
    conn.compute.remove_tag_from_server(server, "blue")
    assert live.backend.store.servers[server.id]["tags"] == ["azure"]


def test_cli_server_set_and_unset(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    live.openstack("server", "create", "--image", "cirros-0.6.2-x86_64-disk", "--flavor", "m1.tiny",
                   "--network", "private", "cli-meta")
    live.openstack("server", "set", "--property", "k=v", "--property", "drop=me", "--tag", "red", "cli-meta",
                   "--os-compute-api-version", "2.26")
    live.openstack("server", "unset", "--property", "drop", "cli-meta")
    shown = live.openstack("server", "show", "cli-meta", "-f", "json", "--os-compute-api-version", "2.26")
    assert shown["properties"] == {"k": "v"} and shown["tags"] == ["red"]


def test_novaclient_set_meta(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    nova = live.novaclient(version="2.47")
    server = nova.servers.create("nc-meta", image_id(live.backend), "1", nics="auto")
    nova.servers.set_meta(server, {"x": "1"})
    nova.servers.set_meta_item(server, "y", "2")
    nova.servers.delete_meta(server, ["x"])
    assert nova.servers.get(server.id).metadata == {"y": "2"}
    nova.servers.add_tag(server, "green")
    assert nova.servers.tag_list(server) == ["green"]
