"""/os-server-groups and the ``group`` scheduler hint: versions 2.1/2.13/2.15/2.64, quotas, the one-host
anti-affinity failure, ``server_groups`` in show at 2.71, and the real clients."""

from __future__ import annotations

import pytest

from tests.server_helpers import CLIENT as SERVERS_CLIENT
from tests.server_helpers import SERVERS, fault, image_id, show
from tests.tempest_schemas import assert_valid

GROUPS = "/compute/v2.1/os-server-groups"
CLIENT = "server_groups_client.ServerGroupsClient"


def _create(api, version="2.64", user="demo", **group):
    body = {"name": "grp", **({"policy": "anti-affinity"} if version >= "2.64" else {"policies": ["affinity"]})}
    body.update(group)
    response = api.post(GROUPS, json={"server_group": body}, version=version, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(CLIENT, "create_show_server_group", version, 200, response.headers, response.get_json())
    return response.get_json()["server_group"]


def _boot(api, group_id):
    """POST /servers with the group hint (a top-level key, beside "server")."""
    response = _post_with_hint(api, group_id)
    assert response.status_code == 202, response.get_data(as_text=True)
    assert_valid(SERVERS_CLIENT, "create_server_with_admin_pass", "2.1", 202, response.headers, response.get_json())
    return response.get_json()["server"]


def _post_with_hint(api, group_id):
    server = {"name": "vm", "imageRef": image_id(api.backend), "flavorRef": "1", "networks": "auto"}
    return api.post(SERVERS, json={"server": server, "os:scheduler_hints": {"group": group_id}}, version="2.37")


@pytest.mark.parametrize("version,keys", [
    ("2.1", {"id", "name", "policies", "members", "metadata"}),
    ("2.13", {"id", "name", "policies", "members", "metadata", "project_id", "user_id"}),
    ("2.64", {"id", "name", "policy", "rules", "members", "project_id", "user_id"}),
])
def test_group_fields_per_microversion(api, version, keys):
    group = _create(api, version=version)
    assert set(group) == keys and group["members"] == []
    shown = api.get(f"{GROUPS}/{group['id']}", version=version)
    assert_valid(CLIENT, "create_show_server_group", version, 200, shown.headers, shown.get_json())
    assert shown.get_json()["server_group"] == group
    listed = api.get(GROUPS, version=version)
    assert_valid(CLIENT, "list_server_groups", version, 200, listed.headers, listed.get_json())
    assert listed.get_json() == {"server_groups": [group]}


def test_policies_by_microversion(api):
    response = api.post(GROUPS, json={"server_group": {"name": "g", "policies": ["soft-affinity"]}}, version="2.14")
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": (
        "Invalid input for field/attribute 0. Value: soft-affinity. "
        "'soft-affinity' is not one of ['anti-affinity', 'affinity']")}})
    assert _create(api, version="2.15", policies=["soft-affinity"])["policies"] == ["soft-affinity"]
    group = _create(api, version="2.64", policy="anti-affinity", rules={"max_server_per_host": "2"})
    assert (group["policy"], group["rules"]) == ("anti-affinity", {"max_server_per_host": 2})
    response = api.post(GROUPS, json={"server_group": {"name": "g", "policy": "affinity",
                                                       "rules": {"max_server_per_host": 2}}}, version="2.64")
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": "Only anti-affinity policy supports rules."}})
    response = api.post(GROUPS, json={"server_group": {"name": "g", "policies": ["affinity"]}}, version="2.64")
    assert response.status_code == 400


def test_list_scoping_paging_and_delete(api):
    mine = [_create(api, name=f"g{i}") for i in range(3)]
    theirs = _create(api, user="admin", name="admin-group")
    ids = lambda q, user="demo": [g["id"] for g in api.get(f"{GROUPS}{q}", version="2.64", user=user)  # noqa
                                  .get_json()["server_groups"]]
    assert ids("") == [g["id"] for g in mine]
    assert ids("?all_projects=True") == [g["id"] for g in mine]  # non-admins quietly get their own
    assert ids("?all_projects=1", "admin") == [g["id"] for g in mine] + [theirs["id"]]
    assert ids("?limit=1&offset=1") == [mine[1]["id"]]
    response = api.get(f"{GROUPS}?bogus=1", version="2.75")
    assert response.status_code == 400
    assert fault(api.get(f"{GROUPS}/{theirs['id']}")) == (403, {"forbidden": {"code": 403, "message": (
        "Policy doesn't allow os_compute_api:os-server-groups:show to be performed.")}})
    deleted = api.delete(f"{GROUPS}/{mine[0]['id']}")
    assert deleted.status_code == 204 and deleted.data == b""
    assert_valid(CLIENT, "delete_server_group", "2.64", 204, deleted.headers, None)
    assert fault(api.get(f"{GROUPS}/{mine[0]['id']}")) == (404, {"itemNotFound": {"code": 404, "message": (
        f"Instance group {mine[0]['id']} could not be found.")}})


def test_server_group_quota(api, backend):
    project = next(p["id"] for p in backend.store.projects.values() if p["name"] == "demo")
    backend.store.quotas[project] = {"server_groups": 1}
    _create(api)
    response = api.post(GROUPS, json={"server_group": {"name": "x", "policy": "affinity"}}, version="2.64")
    assert fault(response) == (403, {"forbidden": {"code": 403, "message": "Quota exceeded, too many server groups."}})


def test_members_and_server_groups_in_show(api, instant_builds):
    group = _create(api, policy="affinity")
    first, second = _boot(api, group["id"]), _boot(api, group["id"])
    shown = api.get(f"{GROUPS}/{group['id']}", version="2.64").get_json()["server_group"]
    assert sorted(shown["members"]) == sorted([first["id"], second["id"]])
    assert show(api, first["id"], version="2.71")["server_groups"] == [group["id"]]
    assert show(api, first["id"], version="2.71")["status"] == "ACTIVE"
    assert api.delete(f"{SERVERS}/{second['id']}").status_code == 204
    assert api.get(f"{GROUPS}/{group['id']}", version="2.64").get_json()["server_group"]["members"] == [first["id"]]


def test_anti_affinity_third_member_finds_no_host(api, instant_builds):
    """Two compute hosts: one member each, the third finds none (ServerGroupAntiAffinityFilter)."""
    group = _create(api, policy="anti-affinity")
    first = _boot(api, group["id"])
    second = _boot(api, group["id"])
    third = _boot(api, group["id"])
    hosts = {show(api, s["id"], user="admin")["OS-EXT-SRV-ATTR:host"] for s in (first, second)}
    assert hosts == {"compute1", "compute2"}
    failed = show(api, third["id"], user="admin")
    assert failed["status"] == "ERROR" and failed["OS-EXT-SRV-ATTR:host"] is None
    assert failed["fault"]["code"] == 500
    assert failed["fault"]["message"] == "No valid host was found. There are not enough hosts available."
    assert failed["addresses"] == {}
    relaxed = _create(api, policy="anti-affinity", rules={"max_server_per_host": 2})
    assert [show(api, _boot(api, relaxed["id"])["id"])["status"] for _ in range(5)] == ["ACTIVE"] * 4 + ["ERROR"]


def test_group_hint_errors_and_member_quota(api, backend, instant_builds):
    missing = "00000000-0000-0000-0000-000000000001"
    response = _post_with_hint(api, missing)
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": (
        f"Instance group {missing} could not be found.")}})
    project = next(p["id"] for p in backend.store.projects.values() if p["name"] == "demo")
    backend.store.quotas[project] = {"server_group_members": 1}
    group = _create(api, policy="soft-anti-affinity")
    _boot(api, group["id"])
    response = _post_with_hint(api, group["id"])
    assert fault(response) == (403, {"forbidden": {"code": 403, "message": "Quota exceeded, too many servers in group"}})


def test_server_groups_absent_from_detail(api, instant_builds):
    group = _create(api, policy="affinity")
    _boot(api, group["id"])
    response = api.get(f"{SERVERS}/detail", version="2.71")
    assert_valid(SERVERS_CLIENT, "list_servers_detail", "2.71", 200, response.headers, response.get_json())
    assert "server_groups" not in response.get_json()["servers"][0]


# --- real clients --------------------------------------------------------------------------------

def test_openstacksdk_server_groups(live):
    conn = live.sdk()
    group = conn.compute.create_server_group(name="sdk-group", policy="affinity")
    assert [g.name for g in conn.compute.server_groups()] == ["sdk-group"]
    conn.compute.create_server(name="in-group", image_id=image_id(live.backend), flavor_id="1", networks="auto",
                               scheduler_hints={"group": group.id})
    assert len(conn.compute.get_server_group(group.id).member_ids) == 1
    conn.compute.delete_server_group(group)
    assert list(conn.compute.server_groups()) == []


def test_cli_server_group_lifecycle(live):
    created = live.openstack("server", "group", "create", "--policy", "anti-affinity", "cli-group", "-f", "json")
    assert created["policy"] == "anti-affinity"
    (row,) = live.openstack("server", "group", "list", "-f", "json")
    assert row["Name"] == "cli-group"
    shown = live.openstack("server", "group", "show", "cli-group", "-f", "json")
    assert shown["id"] == created["id"]
    live.openstack("server", "group", "delete", "cli-group")
    assert live.openstack("server", "group", "list", "-f", "json") == []


def test_novaclient_server_groups(live):
    nova = live.novaclient(version="2.64")
    group = nova.server_groups.create(name="nc-group", policy="soft-affinity")
    assert [g.name for g in nova.server_groups.list()] == ["nc-group"]
    assert nova.server_groups.get(group.id).policy == "soft-affinity"
