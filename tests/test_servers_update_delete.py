"""PUT /servers/{id} and DELETE /servers/{id}, through HTTP and with the real clients."""

from __future__ import annotations

import pytest

from fakenova.microversion import APIVersion
from tests.server_helpers import CLIENT, SERVERS, create, image_id, show
from tests.tempest_schemas import assert_valid

UPDATE_VERSIONS = ["2.1", "2.9", "2.19", "2.26", "2.47", "2.63", "2.71", "2.73", "2.75", "2.79", "2.90", "2.96",
                   "2.98", "2.100", "2.104"]


@pytest.fixture
def instant(backend):
    backend.settings.durations = {"build": 0, "delete": 0}
    return backend


def _put(api, server_id, changes, *, version="2.1", user="demo"):
    return api.put(f"{SERVERS}/{server_id}", json={"server": changes}, version=version, user=user)


@pytest.mark.parametrize("version", UPDATE_VERSIONS)
def test_update_renames_and_matches_tempest(api, instant, version):
    server = create(api)
    response = _put(api, server["id"], {"name": "renamed"}, version=version)
    assert response.status_code == 200
    assert_valid(CLIENT, "update_server", version, 200, response.headers, response.get_json())
    body = response.get_json()["server"]
    assert body["name"] == "renamed" and show(api, server["id"], version=version)["name"] == "renamed"
    full = APIVersion.parse(version) >= "2.75"
    # Below 2.75 the answer leaves out the extended attributes; from 2.75 it is the full show.
    assert ("OS-EXT-STS:vm_state" in body) is full and ("key_name" in body) is full
    if not full:
        assert all(set(a) == {"addr", "version"} for items in body["addresses"].values() for a in items)


def test_update_each_field(api, instant):
    server = create(api)
    response = _put(api, server["id"], {"accessIPv4": "192.0.2.7", "accessIPv6": "2001:db8::7",
                                        "OS-DCF:diskConfig": "AUTO", "description": "new words",
                                        "hostname": "host-7"}, version="2.90")
    body = response.get_json()["server"]
    assert (body["accessIPv4"], body["accessIPv6"], body["OS-DCF:diskConfig"]) == ("192.0.2.7", "2001:db8::7", "AUTO")
    assert body["description"] == "new words" and body["OS-EXT-SRV-ATTR:hostname"] == "host-7"
    response = _put(api, server["id"], {"description": None}, version="2.19")
    assert response.get_json()["server"]["description"] is None


@pytest.mark.parametrize("changes,version,message", [
    ({"description": "x"}, "2.18", "Invalid input for field/attribute server. Value: {'description': 'x'}. "
                                   "Additional properties are not allowed ('description' was unexpected)"),
    ({"hostname": "a.b"}, "2.90", "Invalid input for field/attribute hostname. Value: a.b. 'a.b' does not match "
                                  "'^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'"),
    ({"accessIPv4": "300.1.1.1"}, "2.1", "Invalid input for field/attribute accessIPv4. Value: 300.1.1.1. "
                                         "'300.1.1.1' is not a 'ipv4'"),
    ({"name": ""}, "2.1", "Invalid input for field/attribute name. Value: . '' should be non-empty"),
])
def test_bad_updates(api, changes, version, message):
    server = create(api)
    response = _put(api, server["id"], changes, version=version)
    assert (response.status_code, response.get_json()) == (400, {"badRequest": {"code": 400, "message": message}})


def test_fqdn_hostname_from_2_94(api):
    server = create(api)
    assert _put(api, server["id"], {"hostname": "a.example.org"}, version="2.94").status_code == 200


def test_pinned_availability_zone_from_2_104(api, instant):
    server = create(api)
    body = _put(api, server["id"], {"pinned_availability_zone": "nova"}, version="2.104").get_json()["server"]
    assert body["pinned_availability_zone"] == "nova"
    response = _put(api, server["id"], {"pinned_availability_zone": "other"}, version="2.104")
    assert (response.status_code, response.get_json()["conflictingRequest"]["message"]) == (
        409, "Cannot change pinned availability zone directly. Unpin first by setting pinned_availability_zone "
             "to null.")
    assert _put(api, server["id"], {"pinned_availability_zone": None}, version="2.104").status_code == 200
    response = _put(api, server["id"], {"pinned_availability_zone": "other"}, version="2.104")
    assert response.get_json()["conflictingRequest"]["message"] == (
        "Server can only be pinned to its current availability zone 'nova', but 'other' was requested.")


def test_update_of_someone_elses_server_is_404(api):
    server = create(api)
    response = _put(api, server["id"], {"name": "x"}, user="alt_demo")
    assert (response.status_code, response.get_json()) == (
        404, {"itemNotFound": {"code": 404, "message": f"Instance {server['id']} could not be found."}})


def test_delete_is_204_then_deleting_then_gone(api, backend):
    server = create(api)
    backend.clock.advance(5)
    response = api.delete(f"{SERVERS}/{server['id']}")
    assert response.status_code == 204 and response.get_data() == b""
    assert_valid(CLIENT, "delete_server", "2.1", 204, response.headers, None)
    body = show(api, server["id"], user="admin")
    assert (body["status"], body["OS-EXT-STS:task_state"]) == ("ACTIVE", "deleting")
    assert api.delete(f"{SERVERS}/{server['id']}").status_code == 204  # a second delete is harmless
    backend.clock.advance(1)
    for user in ("demo", "admin"):
        response = api.get(f"{SERVERS}/{server['id']}", user=user)
        assert (response.status_code, response.get_json()) == (
            404, {"itemNotFound": {"code": 404, "message": f"Instance {server['id']} could not be found."}})
    assert api.get(SERVERS).get_json() == {"servers": []}
    # Admins can still list it with deleted=true (another project's, so with all_tenants).
    everything = api.get(f"{SERVERS}/detail?deleted=true&all_tenants=1", user="admin").get_json()["servers"]
    assert [(s["id"], s["status"]) for s in everything] == [(server["id"], "DELETED")]
    assert everything[0]["OS-SRV-USG:terminated_at"] is not None
    assert not [p for p in backend.store.ports.values() if p["device_id"] == server["id"]]
    assert api.delete(f"{SERVERS}/{server['id']}").status_code == 404


def test_deleted_server_frees_quota(api, instant):
    servers = [create(api, name=f"q{i}") for i in range(10)]
    over = api.post(SERVERS, json={"server": {"name": "x", "imageRef": image_id(api.backend), "flavorRef": "1",
                                              "networks": "auto"}}, version="2.37")
    assert over.status_code == 403
    api.delete(f"{SERVERS}/{servers[0]['id']}")
    assert create(api, name="fits")["id"]


def test_locked_server_cannot_be_deleted_by_its_owner(api, instant):
    server = create(api)
    api.backend.store.servers[server["id"]]["locked_by"] = "owner"
    response = api.delete(f"{SERVERS}/{server['id']}")
    assert (response.status_code, response.get_json()) == (
        409, {"conflictingRequest": {"code": 409, "message": f"Instance {server['id']} is locked"}})
    assert api.delete(f"{SERVERS}/{server['id']}", user="admin").status_code == 204


def test_delete_other_project_is_404(api):
    server = create(api)
    response = api.delete(f"{SERVERS}/{server['id']}", user="alt_demo")
    assert response.status_code == 404


def test_soft_delete_when_reclaim_is_configured(api, backend):
    backend.settings.durations = {"build": 0, "soft_delete": 0}
    backend.settings.reclaim_instance_interval = 60
    server = create(api)
    api.delete(f"{SERVERS}/{server['id']}")
    body = show(api, server["id"], user="admin")
    assert (body["status"], body["OS-EXT-STS:vm_state"], body["OS-EXT-STS:power_state"]) == (
        "SOFT_DELETED", "soft-delete", 4)
    # Soft-deleted servers are left out of lists unless asked for.
    assert api.get(SERVERS).get_json()["servers"] == []
    # 'deleted' is an admin-only filter: a member's ?deleted=true is dropped, so nothing shows.
    assert api.get(f"{SERVERS}?deleted=true").get_json()["servers"] == []
    listed = api.get(f"{SERVERS}/detail?deleted=true&all_tenants=1", user="admin").get_json()["servers"]
    assert [(s["id"], s["status"]) for s in listed] == [(server["id"], "SOFT_DELETED")]
    backend.clock.advance(60)
    assert api.get(f"{SERVERS}/{server['id']}").status_code == 404


def test_never_active_server_is_deleted_even_with_reclaim(api, backend):
    backend.settings.reclaim_instance_interval = 60
    backend.settings.durations = {"build": 5, "delete": 0}
    server = create(api)
    api.delete(f"{SERVERS}/{server['id']}")
    assert api.get(f"{SERVERS}/{server['id']}").status_code == 404


# --- the real clients ---------------------------------------------------------------------------

def test_openstacksdk_update_and_delete_wait(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0, "delete": 3})
    conn = live.sdk()
    server = conn.compute.create_server(name="sdk", image_id=next(iter(live.backend.store.images)),
                                        flavor_id="1", networks="auto")
    updated = conn.compute.update_server(server, name="sdk-renamed")
    assert updated.name == "sdk-renamed"
    conn.compute.delete_server(server)
    assert conn.compute.get_server(server.id).task_state == "deleting"
    live.backend.clock.advance(3)
    conn.compute.wait_for_delete(server, wait=10)
    assert conn.compute.find_server(server.id) is None


def test_novaclient_update_and_delete(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0, "delete": 0})
    nova = live.novaclient(version="2.19")
    server = nova.servers.create("nc", next(iter(live.backend.store.images)), "1")
    nova.servers.update(server, name="nc2", description="described")
    fetched = nova.servers.get(server.id)
    assert (fetched.name, fetched.description) == ("nc2", "described")
    nova.servers.delete(server)
    from novaclient import exceptions

    with pytest.raises(exceptions.NotFound):
        nova.servers.get(server.id)


def test_cli_server_set_name_and_delete_wait(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0, "delete": 0})
    live.openstack("server", "create", "--image", "cirros-0.6.2-x86_64-disk", "--flavor", "m1.tiny",
                   "--network", "private", "--wait", "cli-vm")
    live.openstack("server", "set", "--name", "cli-renamed", "cli-vm")
    assert live.openstack("server", "show", "cli-renamed", "-f", "json")["name"] == "cli-renamed"
    live.openstack("server", "delete", "--wait", "cli-renamed")
    assert live.openstack("server", "list", "-f", "json") == []
