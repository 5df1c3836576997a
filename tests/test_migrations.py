"""Migration records and the APIs on them: GET /os-migrations, /servers/{id}/migrations (list, show),
force_complete and abort; and the second compute host the moves land on.

Expected texts, codes and fields come from nova/api/openstack/compute/{migrations,server_migrations}.py,
nova/compute/api.py (live_migrate_force_complete, live_migrate_abort), nova/exception.py
(MigrationNotFoundForInstance, InvalidMigrationState, MarkerNotFound), nova/db/main/api.py
(migration_get_all_by_filters) and nova/policies/{migrations,servers_migrations}.py; response shapes
are checked with Tempest's own schemas (MigrationsClient.list_migrations, ServersClient's
list_live_migrations).
"""

from __future__ import annotations

import hashlib

import pytest

from fakenova.domain.control import state
from tests.server_helpers import CLIENT, IMAGE_NAME, SERVERS, create, force_down, network_id, show
from tests.tempest_schemas import assert_valid

V21 = "/compute/v2.1"
MIGRATIONS = "migrations_client.MigrationsClient"
LIVE = {"os-migrateLive": {"host": None, "block_migration": "auto"}}


def active(api, *, user: str = "demo", flavor: str = "1") -> str:
    server_id = create(api, user=user, flavorRef=flavor)["id"]
    api.backend.clock.advance(10)
    return server_id


def act(api, server_id: str, body: dict, *, version: str = "2.1", user: str = "admin"):
    return api.post(f"{SERVERS}/{server_id}/action", json=body, version=version, user=user)


def error(response) -> tuple[int, str]:
    ((_name, detail),) = response.get_json().items()
    return response.status_code, detail["message"]


def listed(api, query: str = "", *, version: str = "2.1", user: str = "admin") -> dict:
    response = api.get(f"{V21}/os-migrations{query}", version=version, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    # Tempest's schema has no migrations_links (Nova's own response schema has, from 2.59).
    assert_valid(MIGRATIONS, "list_migrations", version, 200, response.headers, body,
                 unknown_to_tempest=("migrations_links",))
    return body


def live_list(api, server_id: str, *, version: str = "2.23", user: str = "admin") -> list[dict]:
    response = api.get(f"{SERVERS}/{server_id}/migrations", version=version, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    # (ServersClient picks its 2.58 module up to 2.61, which lacks the uuid Nova adds at 2.59.)
    assert_valid(CLIENT, "list_live_migrations", version, 200, response.headers, response.get_json())
    return response.get_json()["migrations"]


def host_of(api, server_id: str) -> tuple[str, str, str]:
    server = show(api, server_id, version="2.1", user="admin")
    return server["OS-EXT-SRV-ATTR:host"], server["OS-EXT-SRV-ATTR:hypervisor_hostname"], server["hostId"]


def internal_id(api, flavor_id: str) -> int:
    return api.backend.store.flavors[flavor_id]["internal_id"]


# --- the records follow the moves ----------------------------------------------------------------

def test_a_resize_record_follows_the_server_to_the_other_host_and_back_on_revert(frozen):
    api = frozen
    server_id = active(api)
    project = api.backend.store.servers[server_id]["project_id"]
    assert act(api, server_id, {"resize": {"flavorRef": "2"}}, user="demo").status_code == 202
    statuses = []
    for _ in range(4):
        (migration,) = listed(api)["migrations"]
        statuses.append((migration["status"], host_of(api, server_id)[0]))
        api.backend.clock.advance(1.25)
    statuses.append((listed(api)["migrations"][0]["status"], host_of(api, server_id)[0]))
    assert statuses == [("pre-migrating", "compute1"), ("migrating", "compute1"), ("post-migrating", "compute2"),
                        ("post-migrating", "compute2"), ("finished", "compute2")]
    assert host_of(api, server_id) == ("compute2", "compute2",
                                       hashlib.sha224((project + "compute2").encode()).hexdigest())
    (migration,) = listed(api, version="2.23")["migrations"]
    assert {key: migration[key] for key in ("id", "instance_uuid", "migration_type", "source_compute", "source_node",
                                            "dest_compute", "dest_node", "dest_host", "old_instance_type_id",
                                            "new_instance_type_id")} == {
        "id": 1, "instance_uuid": server_id, "migration_type": "resize", "source_compute": "compute1",
        "source_node": "compute1", "dest_compute": "compute2", "dest_node": "compute2",
        "dest_host": "192.168.122.12", "old_instance_type_id": internal_id(api, "1"),
        "new_instance_type_id": internal_id(api, "2")}
    assert "links" not in migration  # links are for in-progress live migrations only
    assert act(api, server_id, {"revertResize": None}, user="demo").status_code == 202
    assert listed(api)["migrations"][0]["status"] == "reverting"
    api.backend.clock.advance(5)
    assert listed(api)["migrations"][0]["status"] == "reverted"
    assert host_of(api, server_id)[0] == "compute1"


def test_cold_migration_lands_on_the_other_host_and_confirm_keeps_it_there(frozen):
    api = frozen
    server_id = active(api)
    assert act(api, server_id, {"migrate": None}).status_code == 202
    api.backend.clock.advance(5)
    assert act(api, server_id, {"confirmResize": None}).status_code == 204
    assert listed(api, version="2.23")["migrations"][0]["status"] == "confirming"
    api.backend.clock.advance(1)
    (migration,) = listed(api, version="2.23")["migrations"]
    assert (migration["migration_type"], migration["status"], migration["old_instance_type_id"]) == (
        "migration", "confirmed", migration["new_instance_type_id"])
    assert host_of(api, server_id)[:2] == ("compute2", "compute2")
    # From there the next migration goes back to the first host; naming the current host is refused.
    assert error(act(api, server_id, {"migrate": {"host": "compute2"}}, version="2.56")) == (
        400, "Cannot migrate to the host where the server exists.")
    assert act(api, server_id, {"migrate": {"host": "compute1"}}, version="2.56").status_code == 202
    api.backend.clock.advance(5)
    assert host_of(api, server_id)[0] == "compute1"


def test_live_migration_statuses_links_and_memory_counters(frozen):
    api = frozen
    server_id = active(api)
    assert act(api, server_id, LIVE, version="2.25").status_code == 202
    seen = []
    for _ in range(4):
        (migration,) = listed(api, version="2.23")["migrations"]
        seen.append((migration["status"], "links" in migration, len(live_list(api, server_id))))
        api.backend.clock.advance(0.5)
    assert seen == [("accepted", False, 0), ("queued", True, 1), ("preparing", True, 1), ("running", True, 1)]
    api.backend.clock.advance(1.25)  # halfway through copying memory (running: 1.5 s to 5 s)
    (migration,) = listed(api, version="2.23")["migrations"]
    assert migration["links"] == [
        {"rel": "self", "href": f"http://localhost/compute/v2.1/servers/{server_id}/migrations/1"},
        {"rel": "bookmark", "href": f"http://localhost/compute/servers/{server_id}/migrations/1"}]
    (running,) = live_list(api, server_id, version="2.80")
    total = 512 * 1024 * 1024
    assert (running["memory_total_bytes"], running["memory_processed_bytes"] + running["memory_remaining_bytes"]) \
        == (total, total)
    assert running["memory_processed_bytes"] == pytest.approx(total / 2, abs=2)
    assert (running["server_uuid"], running["disk_total_bytes"], running["dest_compute"], running["dest_host"]) == (
        server_id, None, "compute2", "192.168.122.12")
    assert show(api, server_id, user="admin")["status"] == "MIGRATING"
    api.backend.clock.advance(5)
    assert listed(api)["migrations"][0]["status"] == "completed"
    assert live_list(api, server_id) == []
    assert (show(api, server_id, user="admin")["status"], host_of(api, server_id)[0]) == ("ACTIVE", "compute2")


def test_live_migration_to_a_named_host(frozen):
    api = frozen
    server_id = active(api)
    body = {"os-migrateLive": {"host": "compute2", "block_migration": "auto", "force": False}}
    assert act(api, server_id, body, version="2.30").status_code == 202
    api.backend.clock.advance(5)
    assert host_of(api, server_id)[0] == "compute2"
    back = {"os-migrateLive": {"host": "compute2", "block_migration": False, "disk_over_commit": False}}
    assert error(act(api, server_id, back, version="2.1")) == (
        400, f"Unable to migrate instance ({server_id}) to current host (compute2).")


def test_a_failed_live_migration_is_error_and_the_server_stays(frozen):
    api = frozen
    server_id = active(api)
    body = {"os-migrateLive": {"host": "compute1", "block_migration": "auto"}}
    assert act(api, server_id, body, version="2.34").status_code == 202
    api.backend.clock.advance(5)
    (migration,) = listed(api)["migrations"]
    assert (migration["status"], migration["dest_compute"]) == ("error", "compute1")
    assert host_of(api, server_id)[0] == "compute1"


def test_evacuation_record_is_accepted_then_pre_migrating_then_done_without_flavors(frozen):
    api = frozen
    server_id = active(api)
    force_down(api, "compute1")
    assert act(api, server_id, {"evacuate": {}}, version="2.14").status_code == 200
    statuses = []
    for step in (0, 1.5, 3.5):
        api.backend.clock.advance(step)
        statuses.append(listed(api)["migrations"][0]["status"])
    assert statuses == ["accepted", "pre-migrating", "done"]
    (migration,) = listed(api, version="2.23")["migrations"]
    assert (migration["migration_type"], migration["old_instance_type_id"], migration["new_instance_type_id"],
            migration["dest_compute"]) == ("evacuation", None, None, "compute2")
    assert host_of(api, server_id)[0] == "compute2"


def test_the_second_host_is_a_compute_host_like_the_first(frozen):
    api = frozen
    zones = api.get(f"{V21}/os-availability-zone/detail", user="admin").get_json()["availabilityZoneInfo"]
    nova = next(zone for zone in zones if zone["zoneName"] == "nova")
    assert sorted(nova["hosts"]) == ["compute1", "compute2"]
    server = create(api, user="admin", version="2.74", host="compute2", networks=[{"uuid": network_id(api.backend)}])
    api.backend.clock.advance(10)
    assert host_of(api, server["id"])[0] == "compute2"


# --- GET /os-migrations --------------------------------------------------------------------------

def _three_moves(api) -> tuple[str, str]:
    """Server a: a resize (1), then a live migration (3); server b (alt_demo's): a cold migration (2)."""
    a = active(api)
    b = active(api, user="alt_demo")
    assert act(api, a, {"resize": {"flavorRef": "2"}}, user="demo").status_code == 202
    api.backend.clock.advance(1)
    assert act(api, b, {"migrate": None}).status_code == 202
    api.backend.clock.advance(5)
    assert act(api, a, {"confirmResize": None}, user="demo").status_code == 204
    api.backend.clock.advance(2)
    assert act(api, a, LIVE, version="2.25").status_code == 202
    api.backend.clock.advance(0.5)
    return a, b


def test_filters(frozen):
    api = frozen
    a, b = _three_moves(api)

    def ids(query, version="2.23"):
        return [m["id"] for m in listed(api, query, version=version)["migrations"]]

    assert ids("") == [1, 2, 3]
    assert ids(f"?instance_uuid={a}") == [1, 3]
    assert ids("?status=finished") == [2]
    assert ids("?status=confirmed&status=finished") == [2]  # one value: the last
    assert ids("?migration_type=live-migration") == [3]
    assert ids("?host=compute2") == [1, 2, 3]
    assert ids("?source_compute=compute2") == [3]
    assert ids("?host=compute1&source_compute=compute2") == [1, 2, 3]  # host wins
    assert ids("?hidden=0") == [1, 2, 3] and ids("?hidden=1") == []
    assert ids("?limit=1&marker=nothing&node=compute2&user_id=x") == [1, 2, 3]  # not filters before 2.59
    demo_user = api.backend.store.migrations[next(iter(api.backend.store.migrations))]["user_id"]
    admin_project = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "admin")
    assert ids(f"?user_id={demo_user}", "2.80") == [1]
    assert ids(f"?project_id={admin_project}", "2.80") == [3, 2]


def test_items_per_microversion(frozen):
    api = frozen
    _three_moves(api)
    base = {"created_at", "dest_compute", "dest_host", "dest_node", "id", "instance_uuid", "new_instance_type_id",
            "old_instance_type_id", "source_compute", "source_node", "status", "updated_at"}
    assert set(listed(api, version="2.22")["migrations"][0]) == base
    assert set(listed(api, version="2.23")["migrations"][0]) == base | {"migration_type"}
    assert set(listed(api, version="2.59")["migrations"][-1]) == base | {"migration_type", "uuid"}
    assert set(listed(api, version="2.80")["migrations"][-1]) == base | {"migration_type", "uuid", "user_id",
                                                                          "project_id"}
    # The live migration (newest first from 2.59) has links while in progress.
    assert "links" in listed(api, version="2.59")["migrations"][0]
    created = listed(api)["migrations"][0]["created_at"]
    assert len(created) == 26 and created[10] == "T"  # a naive DB time with microseconds


def test_paging_from_2_59(frozen):
    api = frozen
    _three_moves(api)
    everything = listed(api, version="2.59")
    assert [m["id"] for m in everything["migrations"]] == [3, 2, 1] and "migrations_links" not in everything
    first = listed(api, "?limit=2", version="2.59")
    assert [m["id"] for m in first["migrations"]] == [3, 2]
    marker = first["migrations"][-1]["uuid"]
    assert first["migrations_links"] == [
        {"rel": "next", "href": f"http://localhost/compute/v2.1/os-migrations?limit=2&marker={marker}"}]
    assert [m["id"] for m in listed(api, f"?limit=2&marker={marker}", version="2.59")["migrations"]] == [1]
    assert listed(api, "?limit=0", version="2.59") == {"migrations": []}
    response = api.get(f"{V21}/os-migrations?marker=nothing", version="2.59", user="admin")
    assert error(response) == (400, "Marker nothing could not be found.")
    response = api.get(f"{V21}/os-migrations?node=compute2", version="2.59", user="admin")
    assert error(response)[0] == 400
    assert "Additional properties are not allowed" in error(response)[1]


def test_changes_since_and_before(frozen):
    api = frozen
    _three_moves(api)
    updated = {m["id"]: m["updated_at"] for m in listed(api, version="2.59")["migrations"]}
    since = updated[3]
    assert [m["id"] for m in listed(api, f"?changes-since={since}", version="2.59")["migrations"]] == [3]
    assert [m["id"] for m in listed(api, f"?changes-before={updated[2]}", version="2.66")["migrations"]] == [2]
    # changes-before is not a parameter before 2.66 (additionalProperties is false from 2.59)
    assert error(api.get(f"{V21}/os-migrations?changes-before={since}", version="2.65", user="admin"))[0] == 400
    response = api.get(f"{V21}/os-migrations?changes-since={since}&changes-before={updated[1]}", version="2.66",
                       user="admin")
    assert error(response) == (400, "The value of changes-since must be less than or equal to changes-before.")
    assert error(api.get(f"{V21}/os-migrations?changes-since=yesterday", version="2.59", user="admin"))[0] == 400


def test_policy_managers_see_their_own_project_without_hosts(frozen):
    api = frozen
    _three_moves(api)
    demo_project = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "demo")
    for user, rule in (("demo", "index"), ("reader", "index"), ("manager", "index:all_projects")):
        response = api.get(f"{V21}/os-migrations", user=user)
        assert error(response) == (403, f"Policy doesn't allow os_compute_api:os-migrations:{rule} to be performed.")
    mine = listed(api, f"?project_id={demo_project}", version="2.80", user="manager")["migrations"]
    assert [m["id"] for m in mine] == [1]
    assert {mine[0][key] for key in ("dest_compute", "dest_host", "dest_node", "source_compute", "source_node")} \
        == {None}


# --- /servers/{id}/migrations --------------------------------------------------------------------

def test_show_answers_only_in_progress_live_migrations(frozen):
    api = frozen
    a, b = _three_moves(api)

    def shown(server_id, migration_id, version="2.23"):
        return api.get(f"{SERVERS}/{server_id}/migrations/{migration_id}", version=version, user="admin")

    migration = shown(a, 3, "2.80").get_json()["migration"]
    assert (migration["id"], migration["status"], migration["server_uuid"], migration["source_compute"]) == (
        3, "queued", a, "compute2")
    assert set(migration) >= {"uuid", "user_id", "project_id", "memory_total_bytes"}
    assert "uuid" not in shown(a, 3, "2.58").get_json()["migration"]
    assert error(shown(a, 2)) == (404, f"In-progress live migration 2 is not found for server {a}.")
    assert error(shown(a, "x")) == (404, f"In-progress live migration x is not found for server {a}.")
    assert error(shown(a, 1)) == (404, f"Migration 1 for server {a} is not live-migration.")
    api.backend.clock.advance(5)
    assert error(shown(a, 3)) == (404, f"Live migration 3 for server {a} is not in progress.")
    assert error(shown(a, 3, "2.22"))[0] == 404  # not a route before 2.23
    assert error(api.get(f"{SERVERS}/{a}/migrations/3", version="2.23", user="manager")) == (
        403, "Policy doesn't allow os_compute_api:servers:migrations:show to be performed.")


def test_a_manager_lists_live_migrations_without_hosts(frozen):
    api = frozen
    server_id = active(api)
    assert act(api, server_id, LIVE, version="2.25").status_code == 202
    api.backend.clock.advance(0.5)
    (mine,) = live_list(api, server_id, version="2.62", user="manager")
    assert (mine["status"], mine["dest_compute"], mine["source_compute"]) == ("queued", None, None)
    assert error(api.get(f"{SERVERS}/{server_id}/migrations", version="2.23", user="demo")) == (
        403, "Policy doesn't allow os_compute_api:servers:migrations:index to be performed.")


def test_force_complete(frozen):
    api = frozen
    server_id = active(api)

    def force(migration_id, body=None, version="2.22", user="admin"):
        return api.post(f"{SERVERS}/{server_id}/migrations/{migration_id}/action", version=version, user=user,
                        json={"force_complete": None} if body is None else body)

    assert error(force(1)) == (409, f"Cannot 'force_complete' instance {server_id} while it is in task_state None")
    assert act(api, server_id, LIVE, version="2.25").status_code == 202
    api.backend.clock.advance(0.5)
    assert error(force(1)) == (400, f"Migration 1 state of instance {server_id} is queued. Cannot force complete "
                                    "while the migration is in this state.")
    assert error(force(7)) == (400, f"Migration 7 not found for instance {server_id}")
    assert error(force(1, {"force_complete": {}}))[0] == 400
    assert error(force(1, {"finish": None})) == (400, "There is no such action: finish")
    assert error(force(1, version="2.21"))[0] == 404
    api.backend.clock.advance(1)  # running
    response = force(1)
    assert (response.status_code, response.get_data()) == (202, b"")
    assert listed(api)["migrations"][0]["status"] == "completed"
    assert (show(api, server_id, user="admin")["status"], host_of(api, server_id)[0]) == ("ACTIVE", "compute2")
    actions = api.get(f"{SERVERS}/{server_id}/os-instance-actions", user="admin").get_json()["instanceActions"]
    assert [a["action"] for a in actions][:2] == ["live_migration_force_complete", "live-migration"]


def test_abort_running_and_from_2_65_queued(frozen):
    api = frozen
    server_id = active(api)

    def abort(migration_id, version="2.24"):
        return api.delete(f"{SERVERS}/{server_id}/migrations/{migration_id}", version=version, user="admin")

    assert error(abort(1)) == (409, f"Cannot 'abort live migration' instance {server_id} while it is in "
                                    "task_state None")
    assert act(api, server_id, LIVE, version="2.25").status_code == 202
    api.backend.clock.advance(0.5)
    assert error(abort(1)) == (400, f"Migration 1 state of instance {server_id} is queued. Cannot abort live "
                                    "migration while the migration is in this state.")
    assert error(abort(9, "2.65")) == (404, f"Migration 9 not found for instance {server_id}")
    assert error(abort(1, "2.23"))[0] == 404  # not a method before 2.24
    response = abort(1, "2.65")
    assert (response.status_code, response.get_data()) == (202, b"")
    assert listed(api)["migrations"][0]["status"] == "cancelled"
    server = show(api, server_id, user="admin", version="2.1")
    assert (server["status"], server["OS-EXT-STS:task_state"], server["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", None, "compute1")
    api.backend.clock.advance(10)  # the cancelled steps never land
    assert (listed(api)["migrations"][0]["status"], host_of(api, server_id)[0]) == ("cancelled", "compute1")
    # A running one can be aborted at 2.24.
    assert act(api, server_id, LIVE, version="2.25").status_code == 202
    api.backend.clock.advance(2)
    assert abort(2).status_code == 202
    assert [m["status"] for m in listed(api)["migrations"]] == ["cancelled", "cancelled"]
    actions = api.get(f"{SERVERS}/{server_id}/os-instance-actions", user="admin").get_json()["instanceActions"]
    assert [a["action"] for a in actions][:2] == ["live_migration_cancel", "live-migration"]


def test_migrations_survive_export_and_import(frozen):
    api = frozen
    _three_moves(api)
    document = state.export_state(api.backend)
    before = listed(api, version="2.80")
    api.backend.reset()
    api._tokens.clear()  # a reset forgets every token
    assert listed(api)["migrations"] == []
    state.import_state(api.backend, document)
    api._tokens.clear()
    assert listed(api, version="2.80") == before
    api.backend.clock.advance(5)  # the live migration goes on after the import
    assert listed(api, version="2.80")["migrations"][0]["status"] == "completed"


# --- real clients ---------------------------------------------------------------------------------

@pytest.fixture
def moving(live, monkeypatch):
    """The live server with instant builds, resizes and confirms; live migrations take 10 s on a
    clock the test moves."""
    monkeypatch.setattr(live.backend.settings, "durations", {
        "build": 0, "resize": 0, "migrate": 0, "confirm_resize": 0, "live_migrate": 10})
    return live


def test_cli_migration_list_show_force_complete_and_abort(moving):
    live = moving
    live.openstack("server", "create", "--image", IMAGE_NAME, "--flavor", "m1.tiny", "--network", "private",
                   "--wait", "cli-roamer", user="admin")
    live.openstack("server", "resize", "--flavor", "m1.small", "--wait", "cli-roamer", user="admin")
    listed_ = live.openstack("server", "migration", "list", "-f", "json", user="admin")
    assert [(m["Type"], m["Status"], m["Source Compute"], m["Dest Compute"]) for m in listed_] == [
        ("resize", "finished", "compute1", "compute2")]
    live.openstack("server", "resize", "confirm", "cli-roamer", user="admin")
    live.backend.clock.freeze()
    live.openstack("server", "migrate", "--live-migration", "cli-roamer", user="admin")
    live.backend.clock.advance(4)
    v = ("--os-compute-api-version", "2.80")
    # By uuid: with a numeric id python-openstackclient 10.x passes the server and the migration to
    # openstacksdk swapped (GET /servers/2/migrations/<server id>), against Nova as well.
    live_uuid = next(m["uuid"] for m in live.backend.store.migrations.values() if m["id"] == 2)
    shown = live.openstack(*v, "server", "migration", "show", "cli-roamer", live_uuid, "-f", "json", user="admin")
    assert (shown["ID"], shown["Status"], shown["Dest Compute"]) == (2, "running", "compute1")
    live.openstack(*v, "server", "migration", "force", "complete", "cli-roamer", "2", user="admin")
    listed_ = live.openstack(*v, "server", "migration", "list", "--server", "cli-roamer", "-f", "json", user="admin")
    assert [(m["Type"], m["Status"]) for m in listed_] == [("live-migration", "completed"), ("resize", "confirmed")]
    live.openstack("server", "migrate", "--live-migration", "cli-roamer", user="admin")
    live.backend.clock.advance(4)
    live.openstack(*v, "server", "migration", "abort", "cli-roamer", "3", user="admin")
    shown = live.openstack("server", "show", "cli-roamer", "-f", "json", user="admin")
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "compute1")
    denied = live.openstack("server", "migration", "list", user="demo", check=False)
    assert denied.returncode != 0 and "os_compute_api:os-migrations:index" in denied.stderr


def test_novaclient_migrations_list_and_force_complete(moving):
    live = moving
    nova = live.novaclient("admin", "2.80")
    image = next(i["id"] for i in live.backend.store.images.values() if i["name"] == IMAGE_NAME)
    server = nova.servers.create("nc-roamer", image, "1", nics=[{"net-id": network_id(live.backend)}])
    live.backend.clock.freeze()
    nova.servers.live_migrate(server, host=None, block_migration="auto")
    live.backend.clock.advance(4)
    (migration,) = nova.migrations.list(instance_uuid=server.id)
    assert (migration.migration_type, migration.status, migration.dest_compute) == (
        "live-migration", "running", "compute2")
    (in_progress,) = nova.server_migrations.list(server)
    assert in_progress.memory_total_bytes == 512 * 1024 * 1024
    nova.server_migrations.live_migrate_force_complete(server, migration.id)
    assert nova.servers.get(server.id).status == "ACTIVE"
    assert getattr(nova.servers.get(server.id), "OS-EXT-SRV-ATTR:host") == "compute2"
    assert nova.migrations.list(instance_uuid=server.id)[0].status == "completed"
