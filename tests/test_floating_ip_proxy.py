"""Nova's deprecated floating IP proxies: /os-floating-ips and /os-floating-ip-pools (2.1-2.35) and the
addFloatingIp / removeFloatingIp actions (2.1-2.43), over the Neutron floating IPs; bodies checked with
Tempest's compute floating IP schemas. Sources: nova/api/openstack/compute/floating_ips.py,
floating_ip_pools.py, nova/network/neutron.py, nova/policies/floating_ips.py."""

from __future__ import annotations

import pytest

from tests import tempest_clients
from tests.server_helpers import create, fault, image_id, network_id, show
from tests.tempest_schemas import assert_valid

V21 = "/compute/v2.1"
FIPS = "floating_ips_client.FloatingIPsClient"


@pytest.fixture(autouse=True)
def instant(backend):
    backend.settings.durations = {"build": 0, "delete": 0}


def _allocate(api, user="demo", **body) -> dict:
    made = api.post(f"{V21}/os-floating-ips", user=user, json=body or None)
    assert made.status_code == 200, made.get_data(as_text=True)
    assert_valid(FIPS, "create_get_floating_ip", "2.1", 200, made.headers, made.get_json())
    return made.get_json()["floating_ip"]


def _action(api, server_id, name, **value):
    return api.post(f"{V21}/servers/{server_id}/action", version="2.43", json={name: value})


def test_pools_are_the_external_networks(api):
    """Tempest keeps no schema for the pools; Nova's index_response is exactly this shape."""
    listed = api.get(f"{V21}/os-floating-ip-pools", user="reader")
    assert listed.get_json() == {"floating_ip_pools": [{"name": "public"}]}
    assert api.get(f"{V21}/os-floating-ip-pools", version="2.36").status_code == 404


def test_allocate_show_list_release(api, backend):
    fip = _allocate(api)  # no pool: devstack's default_floating_pool, "public"
    assert (fip["pool"], fip["fixed_ip"], fip["instance_id"]) == ("public", None, None)
    assert fip["ip"].startswith("172.24.4.")
    also = _allocate(api, pool=network_id(backend, "public"))  # a pool by id
    shown = api.get(f"{V21}/os-floating-ips/{fip['id']}", user="reader")
    assert_valid(FIPS, "create_get_floating_ip", "2.1", 200, shown.headers, shown.get_json())
    assert shown.get_json()["floating_ip"] == fip
    listed = api.get(f"{V21}/os-floating-ips")
    assert_valid(FIPS, "list_floating_ips", "2.1", 200, listed.headers, listed.get_json())
    assert [f["id"] for f in listed.get_json()["floating_ips"]] == [fip["id"], also["id"]]
    # Neutron holds the same floating IP.
    neutron = api.get(f"/networking/v2.0/floatingips/{fip['id']}").get_json()["floatingip"]
    assert neutron["floating_ip_address"] == fip["ip"]
    assert api.delete(f"{V21}/os-floating-ips/{fip['id']}").status_code == 202
    assert fault(api.get(f"{V21}/os-floating-ips/{fip['id']}")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Floating IP not found for ID {fip['id']}"}})
    assert fault(api.delete(f"{V21}/os-floating-ips/{fip['id']}")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Floating IP not found for ID {fip['id']}"}})
    assert api.get(f"{V21}/os-floating-ips", version="2.36").status_code == 404


def test_allocation_refusals(api, backend):
    assert fault(api.post(f"{V21}/os-floating-ips", json={"pool": "nowhere"})) == (404, {"itemNotFound": {
        "code": 404, "message": "Floating IP pool not found."}})
    # The private network is no pool (not external).
    assert fault(api.post(f"{V21}/os-floating-ips", json={"pool": network_id(backend, "private")}))[0] == 404
    assert fault(api.post(f"{V21}/os-floating-ips", json={"pool": 5}))[0] == 400
    put = api.put(f"/networking/v2.0/quotas/{_project(api)}", user="admin", json={"quota": {"floatingip": 0}})
    assert put.status_code == 200, put.get_data(as_text=True)
    assert fault(api.post(f"{V21}/os-floating-ips", json={"pool": "public"})) == (403, {"forbidden": {
        "code": 403, "message": "IP allocation over quota in pool public."}})
    assert fault(api.post(f"{V21}/os-floating-ips")) == (403, {"forbidden": {
        "code": 403, "message": "IP allocation over quota."}})


def _project(api) -> str:
    return api.get("/identity/v3/auth/projects").get_json()["projects"][0]["id"]


def test_add_and_remove_floating_ip_actions(api):
    server = create(api)["id"]
    fip = _allocate(api)
    added = _action(api, server, "addFloatingIp", address=fip["ip"])
    assert added.status_code == 202, added.get_data(as_text=True)
    fixed = show(api, server)["addresses"]["private"][0]["addr"]
    assert api.get(f"{V21}/os-floating-ips/{fip['id']}").get_json()["floating_ip"] == {
        **fip, "fixed_ip": fixed, "instance_id": server}
    floating = [a for a in show(api, server, version="2.1")["addresses"]["private"]
                if a["OS-EXT-IPS:type"] == "floating"]
    assert [a["addr"] for a in floating] == [fip["ip"]]
    # A second floating IP on the same fixed address is Neutron's conflict, Nova's 400.
    other = _allocate(api)
    refused = _action(api, server, "addFloatingIp", address=other["ip"])
    assert refused.status_code == 400 and "already has a floating IP" in refused.get_json()["badRequest"]["message"]
    assert fault(_action(api, server, "addFloatingIp", address=other["ip"], fixed_address="10.9.9.9")) == (
        400, {"badRequest": {"code": 400, "message": "Specified fixed address not assigned to instance"}})
    removed = _action(api, server, "removeFloatingIp", address=fip["ip"])
    assert removed.status_code == 202, removed.get_data(as_text=True)
    assert api.get(f"{V21}/os-floating-ips/{fip['id']}").get_json()["floating_ip"]["instance_id"] is None
    # Gone from 2.44.
    assert _action(api, server, "addFloatingIp", address=fip["ip"]).status_code == 202
    assert api.post(f"{V21}/servers/{server}/action", version="2.44",
                    json={"addFloatingIp": {"address": fip["ip"]}}).status_code == 404


def test_moving_a_floating_ip_and_removing_it_from_the_wrong_server(api):
    first, second = create(api, name="a")["id"], create(api, name="b")["id"]
    fip = _allocate(api)
    assert _action(api, first, "addFloatingIp", address=fip["ip"]).status_code == 202
    assert _action(api, second, "addFloatingIp", address=fip["ip"]).status_code == 202
    assert api.get(f"{V21}/os-floating-ips/{fip['id']}").get_json()["floating_ip"]["instance_id"] == second
    assert fault(_action(api, first, "removeFloatingIp", address=fip["ip"])) == (409, {"conflictingRequest": {
        "code": 409, "message": f"Floating IP {fip['ip']} is not associated with instance {first}."}})
    # Deleting an associated floating IP through Nova releases it.
    assert api.delete(f"{V21}/os-floating-ips/{fip['id']}").status_code == 202
    assert [a for a in show(api, second)["addresses"]["private"] if a["OS-EXT-IPS:type"] == "floating"] == []


def test_action_refusals(api):
    server = create(api)["id"]
    assert fault(_action(api, server, "addFloatingIp", address="0.0.0.0")) == (404, {"itemNotFound": {
        "code": 404, "message": "floating IP not found"}})
    assert fault(_action(api, server, "removeFloatingIp", address="0.0.0.0")) == (404, {"itemNotFound": {
        "code": 404, "message": "Floating IP not found for address 0.0.0.0."}})
    assert fault(_action(api, server, "addFloatingIp", address=""))[0] == 400
    # An unassociated address has no server to be the policy target: only an admin gets past the policy.
    fip = _allocate(api)
    assert fault(_action(api, server, "removeFloatingIp", address=fip["ip"])) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-floating-ips:remove to be performed."}})
    # A server without ports has no network info yet.
    bare = create(api, name="bare", networks="none")["id"]
    assert fault(_action(api, bare, "addFloatingIp", address=fip["ip"])) == (400, {"badRequest": {
        "code": 400, "message": "Instance network is not ready yet"}})


def test_another_projects_floating_ip_is_not_found(api):
    fip = _allocate(api)
    assert fault(api.get(f"{V21}/os-floating-ips/{fip['id']}", user="alt_demo"))[0] == 404
    assert fip["id"] not in [f["id"] for f in api.get(f"{V21}/os-floating-ips", user="alt_demo").get_json()[
        "floating_ips"]]
    # Admins list their own project's floating IPs only, as Nova asks Neutron for tenant_id=own.
    assert api.get(f"{V21}/os-floating-ips", user="admin").get_json()["floating_ips"] == []
    assert fault(api.post(f"{V21}/os-floating-ips", user="reader")) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-floating-ips:create to be performed."}})


def test_tempest_floating_ip_clients(live):
    """Tempest's own compute clients, each checking its answers against its schema."""
    from tempest.lib import exceptions

    fips = tempest_clients.client(live, "compute", "floating_ips_client.FloatingIPsClient")
    servers = tempest_clients.client(live, "compute", "servers_client.ServersClient")
    live.backend.settings.durations = {"build": 0, "delete": 0}
    server = servers.create_server(name="vm", imageRef=image_id(live.backend), flavorRef="1")["server"]
    fip = fips.create_floating_ip(pool="public")["floating_ip"]
    fips.associate_floating_ip_to_server(fip["ip"], server["id"])
    assert fips.show_floating_ip(fip["id"])["floating_ip"]["instance_id"] == server["id"]
    fips.disassociate_floating_ip_from_server(fip["ip"], server["id"])
    assert fips.show_floating_ip(fip["id"])["floating_ip"]["ip"] == fip["ip"]
    assert [f["id"] for f in fips.list_floating_ips()["floating_ips"]] == [fip["id"]]
    with pytest.raises(exceptions.NotFound):
        fips.create_floating_ip(pool="non_exist_pool")
    fips.delete_floating_ip(fip["id"])
    fips.wait_for_resource_deletion(fip["id"])
