"""Server actions that move or copy a server: resize / confirmResize / revertResize, migrate,
os-migrateLive, evacuate, rebuild, createImage and createBackup.

Expected texts and codes come from Nova's controllers (nova/api/openstack/compute/servers.py,
migrate_server.py, evacuate.py, create_backup.py) and nova/compute/api.py; response shapes are
checked with Tempest's own schemas.
"""

from __future__ import annotations

import pytest

from fakenova.microversion import APIVersion
from tests.server_helpers import CLIENT, IMAGE_NAME, SERVERS, create, force_down, image_id, show
from tests.tempest_schemas import assert_valid

ALT_IMAGE_NAME = "cirros-0.6.2-x86_64-disk-alt"
GIB = 1024 ** 3
BOOLEAN_STRINGS = [True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
                   False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"]
# Tempest checks these with its 2.1 module at every microversion (ServersClient.action's default).
COMMON = "server_actions_common_schema"


def alt_image(backend) -> str:
    return next(i["id"] for i in backend.store.images.values() if i["name"] == ALT_IMAGE_NAME)


def active(api, *, flavor: str = "1", user: str = "demo", **server) -> str:
    """A server that finished building (the clock is advanced past the build)."""
    created = create(api, flavorRef=flavor, user=user, **server)
    api.backend.clock.advance(10)
    assert show(api, created["id"], user=user)["status"] == "ACTIVE"
    return created["id"]


def act(api, server_id: str, body: dict, *, version: str = "2.1", user: str = "demo"):
    return api.post(f"{SERVERS}/{server_id}/action", json=body, version=version, user=user)


def fault(response) -> tuple[int, str]:
    body = response.get_json()
    ((_name, detail),) = body.items()
    return response.status_code, detail["message"]


def invalid(response, field: str, message: str) -> bool:
    """Nova's schema 400 for a bad value inside the action's object (the value's repr in between)."""
    code, text = fault(response)
    return (code == 400 and text.startswith(f"Invalid input for field/attribute {field}. Value: ")
            and text.endswith(f". {message}"))


def state(api, server_id: str, *, version: str = "2.47", user: str = "demo") -> tuple:
    server = show(api, server_id, version=version, user=user)
    return server["status"], server["OS-EXT-STS:task_state"], server["flavor"]["original_name"]


def put_state(api, server_id: str, **fields) -> None:
    """Set record fields directly, to reach states no API call gives in one step."""
    with api.backend.store.lock:
        api.backend.store.servers[server_id].update(fields)


def used_ram(api, user: str = "demo") -> int:
    response = api.get("/compute/v2.1/limits", user=user)
    return response.get_json()["limits"]["absolute"]["totalRAMUsed"]


# --- resize, confirm, revert ----------------------------------------------------------------------

def test_resize_walks_through_its_task_states_and_waits_for_confirmation(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    assert used_ram(api) == 512
    response = act(api, server_id, {"resize": {"flavorRef": "2"}})
    assert response.status_code == 202 and response.get_data() == b""
    assert_valid(CLIENT, COMMON, "2.1", 202, response.headers, None)
    seen = []
    for _ in range(5):  # resize takes 5 s: a step every 1.25 s
        seen.append(state(api, server_id))
        clock.advance(1.25)
    assert seen == [("RESIZE", "resize_prep", "m1.tiny"), ("RESIZE", "resize_migrating", "m1.tiny"),
                    ("RESIZE", "resize_migrated", "m1.tiny"), ("RESIZE", "resize_finish", "m1.small"),
                    ("VERIFY_RESIZE", None, "m1.small")]
    # Nova counts the new flavor once finish_resize switched it.
    assert used_ram(api) == 2048

    response = act(api, server_id, {"confirmResize": None})
    assert response.status_code == 204 and response.get_data() == b""
    assert_valid(CLIENT, "server_actions_confirm_resize", "2.1", 204, response.headers, None)
    assert state(api, server_id) == ("VERIFY_RESIZE", None, "m1.small")  # until the source host cleaned up
    clock.advance(1)
    assert state(api, server_id) == ("ACTIVE", None, "m1.small")
    assert used_ram(api) == 2048


def test_revert_resize_restores_the_old_flavor_and_its_quota(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    assert act(api, server_id, {"resize": {"flavorRef": "3"}}).status_code == 202
    clock.advance(5)
    assert used_ram(api) == 4096
    response = act(api, server_id, {"revertResize": None})
    assert response.status_code == 202 and response.get_data() == b""
    assert_valid(CLIENT, COMMON, "2.1", 202, response.headers, None)
    assert state(api, server_id) == ("REVERT_RESIZE", "resize_reverting", "m1.medium")
    clock.advance(3)
    assert state(api, server_id) == ("ACTIVE", None, "m1.tiny")
    assert used_ram(api) == 512


def test_a_stopped_server_is_resized_powered_off_and_ends_stopped(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    put_state(api, server_id, vm_state="stopped", power_state=4)
    assert act(api, server_id, {"resize": {"flavorRef": "2"}}).status_code == 202
    assert state(api, server_id)[0] == "RESIZE"
    clock.advance(5)
    server = show(api, server_id)
    assert (server["status"], server["OS-EXT-STS:power_state"]) == ("VERIFY_RESIZE", 4)
    act(api, server_id, {"confirmResize": None})
    clock.advance(1)
    assert show(api, server_id)["status"] == "SHUTOFF"


def test_resize_takes_the_flavor_id_as_given_and_refuses_the_same_or_a_missing_flavor(frozen):
    api = frozen
    server_id = active(api)
    assert fault(act(api, server_id, {"resize": {"flavorRef": "1"}})) == (
        400, "When resizing, instances must change flavor!")
    assert fault(act(api, server_id, {"resize": {"flavorRef": "999"}})) == (400, "Flavor 999 could not be found.")
    # Unlike server create, resize does not cut an href down to its id.
    href = "http://localhost/compute/flavors/2"
    assert fault(act(api, server_id, {"resize": {"flavorRef": href}})) == (
        400, f"Flavor {href} could not be found.")
    assert invalid(act(api, server_id, {"resize": {}}), "resize", "'flavorRef' is a required property")
    assert state(api, server_id)[0] == "ACTIVE"


def test_resize_below_the_disk_the_server_booted_with_is_refused_by_the_api(frozen):
    api = frozen
    server_id = active(api, flavor="2")  # m1.small, 20 GB: Nova records min_disk 20 for the image
    assert fault(act(api, server_id, {"resize": {"flavorRef": "1"}})) == (
        400, f"Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is "
             f"{GIB} bytes, minimum size is {20 * GIB} bytes.")


def test_shrinking_a_grown_disk_is_accepted_then_rolled_back_by_the_compute_host(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    act(api, server_id, {"resize": {"flavorRef": "2"}})
    clock.advance(5)
    act(api, server_id, {"confirmResize": None})
    clock.advance(1)
    # The API lets it through (the image record still says 1 GB) and libvirt refuses the shrink.
    assert act(api, server_id, {"resize": {"flavorRef": "1"}}).status_code == 202
    assert state(api, server_id) == ("RESIZE", "resize_prep", "m1.small")
    clock.advance(5)
    server = show(api, server_id)
    assert (server["status"], server["OS-EXT-STS:task_state"], server["flavor"]["id"]) == ("ACTIVE", None, "2")
    assert "fault" not in server  # recorded, but only shown for ERROR servers
    assert fault(act(api, server_id, {"confirmResize": None}))[0] == 409
    migrations = sorted(api.backend.store.migrations.values(), key=lambda m: m["id"])
    assert [m["status"] for m in migrations] == ["confirmed", "error"]


def test_resize_checks_only_the_growth_against_quota(frozen):
    api = frozen
    server_id = active(api)
    project = api.backend.store.servers[server_id]["project_id"]
    api.backend.store.quotas[project] = {"ram": 2000}
    assert fault(act(api, server_id, {"resize": {"flavorRef": "2"}})) == (
        403, "Quota exceeded for ram: Requested 1536, but already used 512 of 2000 ram")
    api.backend.store.quotas[project] = {"cores": 1}
    assert fault(act(api, server_id, {"resize": {"flavorRef": "3"}})) == (
        403, "Quota exceeded for cores: Requested 1, but already used 1 of 1 cores")


def test_resize_409s_name_the_state_that_stands_in_the_way(frozen):
    api = frozen
    server_id = active(api)
    put_state(api, server_id, vm_state="paused")
    assert fault(act(api, server_id, {"resize": {"flavorRef": "2"}})) == (
        409, f"Cannot 'resize' instance {server_id} while it is in vm_state paused")
    put_state(api, server_id, vm_state="active", task_state="rebooting")
    assert fault(act(api, server_id, {"resize": {"flavorRef": "2"}})) == (
        409, f"Cannot 'resize' instance {server_id} while it is in task_state rebooting")
    put_state(api, server_id, task_state=None, launched_at=None)
    assert fault(act(api, server_id, {"resize": {"flavorRef": "2"}})) == (
        409, f"Cannot 'resize' instance {server_id} while it is in launched_at None")
    put_state(api, server_id, launched_at=1.0, host=None)
    assert fault(act(api, server_id, {"resize": {"flavorRef": "2"}})) == (409, f"Instance {server_id} is not ready")


def test_a_locked_server_refuses_its_owner_but_not_an_admin(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    put_state(api, server_id, locked_by="owner")
    for body in ({"resize": {"flavorRef": "2"}}, {"rebuild": {"imageRef": image_id(api.backend)}}):
        assert fault(act(api, server_id, body)) == (409, f"Instance {server_id} is locked")
    assert act(api, server_id, {"resize": {"flavorRef": "2"}}, user="admin").status_code == 202
    clock.advance(5)
    assert fault(act(api, server_id, {"confirmResize": None})) == (409, f"Instance {server_id} is locked")
    assert fault(act(api, server_id, {"revertResize": None})) == (409, f"Instance {server_id} is locked")
    assert act(api, server_id, {"confirmResize": None}, user="admin").status_code == 204


def test_confirm_and_revert_need_a_finished_resize(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    assert fault(act(api, server_id, {"confirmResize": None})) == (
        409, f"Cannot 'confirmResize' instance {server_id} while it is in vm_state active")
    assert fault(act(api, server_id, {"revertResize": None})) == (
        409, f"Cannot 'revertResize' instance {server_id} while it is in vm_state active")
    # VERIFY_RESIZE without a migration (as the control plane can force it): Nova's 400.
    put_state(api, server_id, vm_state="resized")
    for name in ("confirmResize", "revertResize"):
        assert fault(act(api, server_id, {name: None})) == (400, "Instance has not been resized.")
    put_state(api, server_id, vm_state="active")
    act(api, server_id, {"resize": {"flavorRef": "2"}})
    clock.advance(5)
    assert act(api, server_id, {"confirmResize": None}).status_code == 204
    # The migration is "confirming" now, so a second confirm finds none to confirm.
    assert fault(act(api, server_id, {"confirmResize": None})) == (400, "Instance has not been resized.")


def test_another_projects_server_is_not_found(frozen):
    api = frozen
    server_id = active(api)
    for body in ({"resize": {"flavorRef": "2"}}, {"rebuild": {"imageRef": image_id(api.backend)}},
                 {"createImage": {"name": "x"}}):
        assert fault(act(api, server_id, body, user="alt_demo")) == (
            404, f"Instance {server_id} could not be found.")


# --- cold and live migration ----------------------------------------------------------------------

def test_migrate_is_for_admins_and_ends_in_verify_resize_with_the_same_flavor(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    assert fault(act(api, server_id, {"migrate": None})) == (
        403, "Policy doesn't allow os_compute_api:os-migrate-server:migrate to be performed.")
    response = act(api, server_id, {"migrate": None}, user="admin")
    assert response.status_code == 202 and response.get_data() == b""
    assert_valid(CLIENT, COMMON, "2.1", 202, response.headers, None)
    assert state(api, server_id) == ("RESIZE", "resize_prep", "m1.tiny")
    clock.advance(5)
    assert state(api, server_id) == ("VERIFY_RESIZE", None, "m1.tiny")
    assert act(api, server_id, {"revertResize": None}).status_code == 202
    clock.advance(3)
    assert state(api, server_id) == ("ACTIVE", None, "m1.tiny")


def test_migrate_to_a_named_host_from_2_56(frozen):
    api = frozen
    server_id = active(api)
    assert fault(act(api, server_id, {"migrate": {"host": "compute1"}}, version="2.56", user="admin")) == (
        400, "Cannot migrate to the host where the server exists.")
    assert fault(act(api, server_id, {"migrate": {"host": "elsewhere"}}, version="2.56", user="admin")) == (
        400, "Compute host elsewhere could not be found.")
    assert fault(act(api, server_id, {"migrate": {"host": "compute1"}}, version="2.56")) == (
        403, "Policy doesn't allow os_compute_api:os-migrate-server:migrate:host to be performed.")
    assert invalid(act(api, server_id, {"migrate": {"hots": "x"}}, version="2.56", user="admin"), "migrate",
                   "Additional properties are not allowed ('hots' was unexpected)")
    # Before 2.56 Nova does not read the body at all.
    assert act(api, server_id, {"migrate": {"host": "elsewhere"}}, version="2.55", user="admin").status_code == 202


def test_live_migration_shows_migrating_then_the_state_it_had(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    put_state(api, server_id, vm_state="paused", power_state=3)
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert fault(act(api, server_id, body, version="2.25")) == (
        403, "Policy doesn't allow os_compute_api:os-migrate-server:migrate_live to be performed.")
    response = act(api, server_id, body, version="2.25", user="admin")
    assert response.status_code == 202
    assert_valid(CLIENT, COMMON, "2.1", 202, response.headers, None)
    assert state(api, server_id) == ("MIGRATING", "migrating", "m1.tiny")
    clock.advance(5)
    assert state(api, server_id) == ("PAUSED", None, "m1.tiny")


@pytest.mark.parametrize("version,body,message", [
    ("2.1", {"host": "compute1", "block_migration": False, "disk_over_commit": False},
     "Unable to migrate instance ({id}) to current host (compute1)."),
    ("2.30", {"host": "compute1", "block_migration": "auto", "force": True},
     "Unable to migrate instance ({id}) to current host (compute1)."),
    ("2.30", {"host": "compute1", "block_migration": "auto"},
     "No valid host was found. There are not enough hosts available."),
])
def test_live_migration_to_its_own_host_is_400_before_2_34(frozen, version, body, message):
    api = frozen
    server_id = active(api)
    assert fault(act(api, server_id, {"os-migrateLive": body}, version=version, user="admin")) == (
        400, message.format(id=server_id))


def test_live_migration_to_its_own_host_fails_after_the_202_from_2_34(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    body = {"os-migrateLive": {"host": "compute1", "block_migration": "auto"}}
    assert act(api, server_id, body, version="2.34", user="admin").status_code == 202
    assert state(api, server_id)[0] == "MIGRATING"
    clock.advance(5)
    assert state(api, server_id) == ("ACTIVE", None, "m1.tiny")


def test_live_migration_bodies_per_microversion(frozen):
    api = frozen
    server_id = active(api)

    def post(body, version):
        return act(api, server_id, {"os-migrateLive": body}, version=version, user="admin")

    def live(body, version):
        return fault(post(body, version))

    assert invalid(post({"host": None, "block_migration": False}, "2.24"), "os-migrateLive",
                   "'disk_over_commit' is a required property")
    assert invalid(post({"host": None, "block_migration": "auto", "disk_over_commit": False}, "2.24"),
                   "block_migration", "'auto' is not one of " + str(BOOLEAN_STRINGS))
    assert invalid(post({"host": None, "block_migration": False, "disk_over_commit": False}, "2.25"),
                   "os-migrateLive", "Additional properties are not allowed ('disk_over_commit' was unexpected)")
    assert live({"host": None, "block_migration": "auto", "force": True}, "2.30") == (
        400, "Can't force to a non-provided destination")
    assert invalid(post({"host": None, "block_migration": "auto", "force": True}, "2.68"), "os-migrateLive",
                   "Additional properties are not allowed ('force' was unexpected)")
    assert live({"host": "nowhere", "block_migration": "auto"}, "2.68") == (
        400, "Compute host nowhere could not be found.")
    put_state(api, server_id, vm_state="stopped")
    assert live({"host": None, "block_migration": "auto"}, "2.68") == (
        409, f"Cannot 'os-migrateLive' instance {server_id} while it is in vm_state stopped")


# --- evacuate -------------------------------------------------------------------------------------

def test_evacuate_before_2_14_answers_the_new_admin_password(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    force_down(api, "compute1")
    response = act(api, server_id, {"evacuate": {"onSharedStorage": False}}, version="2.13", user="admin")
    assert response.status_code == 200
    assert_valid(CLIENT, "evacuate_server_with_admin_pass", "2.1", 200, response.headers, response.get_json())
    assert len(response.get_json()["adminPass"]) == 12
    assert state(api, server_id) == ("REBUILD", "rebuilding", "m1.tiny")
    clock.advance(5)
    assert state(api, server_id) == ("ACTIVE", None, "m1.tiny")
    response = act(api, server_id, {"evacuate": {"onSharedStorage": True, "adminPass": "x"}}, version="2.13",
                   user="admin")
    assert fault(response) == (400, "admin password can't be changed on existing disk")


@pytest.mark.parametrize("version,start_state,end_status", [
    ("2.14", "active", "ACTIVE"), ("2.94", "stopped", "SHUTOFF"), ("2.94", "error", "ACTIVE"),
    ("2.95", "active", "SHUTOFF"),
])
def test_evacuate_from_2_14_answers_nothing_and_ends_per_microversion(frozen, version, start_state, end_status):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    put_state(api, server_id, vm_state=start_state)
    force_down(api, "compute1")
    response = act(api, server_id, {"evacuate": {}}, version=version, user="admin")
    assert response.status_code == 200 and response.get_data() == b""
    assert_valid(CLIENT, "evacuate_server", "2.1", 200, response.headers, None)
    assert state(api, server_id)[:2] == ("REBUILD", "rebuilding")
    clock.advance(5)
    assert state(api, server_id) == (end_status, None, "m1.tiny")


def test_evacuate_errors(frozen):
    api = frozen
    server_id = active(api)

    def evacuate(body, version="2.29", user="admin"):
        return fault(act(api, server_id, {"evacuate": body}, version=version, user=user))

    assert evacuate({}, user="demo") == (403, "Policy doesn't allow os_compute_api:os-evacuate to be performed.")
    assert evacuate({"host": "compute1"}) == (400, "The target host can't be the same one.")
    assert evacuate({"host": "nowhere"}) == (404, "Compute host nowhere not found.")
    assert evacuate({"force": True}) == (400, "Can't force to a non-provided destination")
    assert invalid(act(api, server_id, {"evacuate": {}}, user="admin"), "evacuate",
                   "'onSharedStorage' is a required property")
    assert invalid(act(api, server_id, {"evacuate": {"onSharedStorage": False}}, version="2.14", user="admin"),
                   "evacuate", "Additional properties are not allowed ('onSharedStorage' was unexpected)")
    put_state(api, server_id, vm_state="paused")
    # The state check comes first: the source host being up is only looked at after it.
    assert evacuate({}) == (409, f"Cannot 'evacuate' instance {server_id} while it is in vm_state paused")
    put_state(api, server_id, vm_state="active")
    assert evacuate({}) == (400, "Compute service of compute1 is still in use.")
    assert evacuate({"host": "compute2", "force": True}) == (400, "Compute service of compute1 is still in use.")
    force_down(api, "compute1")
    assert evacuate({"host": "compute1"}) == (400, "The target host can't be the same one.")
    force_down(api, "compute1", down=False)
    assert evacuate({}) == (400, "Compute service of compute1 is still in use.")
    assert state(api, server_id)[:2] == ("ACTIVE", None)


def test_evacuate_ignores_the_task_state_and_the_lock(frozen):
    api = frozen
    server_id = active(api)
    put_state(api, server_id, task_state="image_snapshot_pending", locked_by="owner")
    force_down(api, "compute1")
    assert act(api, server_id, {"evacuate": {}}, version="2.14", user="admin").status_code == 200


# --- rebuild --------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["2.1", "2.9", "2.19", "2.26", "2.47", "2.54", "2.57", "2.63", "2.71", "2.73",
                                     "2.75", "2.90", "2.96", "2.98", "2.100"])
def test_rebuild_answers_the_servers_new_self_per_microversion(frozen, version):
    api = frozen
    server_id = active(api)
    before = show(api, server_id)
    new_image = alt_image(api.backend)
    response = act(api, server_id, {"rebuild": {"imageRef": new_image, "name": "reborn"}}, version=version)
    assert response.status_code == 202, response.get_data(as_text=True)
    body = response.get_json()
    assert_valid(CLIENT, "rebuild_server_with_admin_pass", version, 202, response.headers, body)
    server = body["server"]
    assert response.headers["Location"] == server["links"][0]["href"]
    assert (server["id"], server["name"], server["status"], server["image"]["id"]) == (
        server_id, "reborn", "REBUILD", new_image)
    assert len(server["adminPass"]) == 12
    assert [a["addr"] for a in server["addresses"]["private"]] == [
        a["addr"] for a in before["addresses"]["private"]]
    assert ("key_name" in server) == (APIVersion.parse(version) >= "2.54")


@pytest.mark.parametrize("version", ["2.3", "2.57", "2.75", "2.100"])
def test_rebuild_answer_for_an_admin_keeps_user_data_out_of_the_extended_attributes(frozen, version):
    api = frozen
    server_id = active(api, user_data="aGVsbG8=")
    response = act(api, server_id, {"rebuild": {"imageRef": image_id(api.backend)}}, version=version, user="admin")
    body = response.get_json()
    assert_valid(CLIENT, "rebuild_server_with_admin_pass", version, 202, response.headers, body)
    server = body["server"]
    assert "OS-EXT-SRV-ATTR:user_data" not in server
    assert server.get("user_data", "absent") == ("absent" if APIVersion.parse(version) < "2.57" else "aGVsbG8=")
    # The full view from 2.75 includes the admin-only attributes; the reduced one never does.
    assert ("OS-EXT-SRV-ATTR:host" in server) == (APIVersion.parse(version) >= "2.75")


def test_rebuild_replaces_what_it_is_given_and_keeps_the_rest(frozen):
    api, clock = frozen, frozen.backend.clock
    assert api.post("/compute/v2.1/os-keypairs", json={"keypair": {"name": "k1"}}, version="2.1").status_code == 200
    server_id = active(api, key_name="k1", metadata={"a": "1"}, user_data="aGVsbG8=")
    body = {"rebuild": {"imageRef": alt_image(api.backend), "metadata": {"b": "2"}, "adminPass": "s3cret",
                        "description": "fresh", "key_name": None, "user_data": None}}
    response = act(api, server_id, body, version="2.57")
    server = response.get_json()["server"]
    assert (server["metadata"], server["adminPass"], server["description"], server["key_name"],
            server["user_data"]) == ({"b": "2"}, "s3cret", "fresh", None, None)
    clock.advance(5)
    after = show(api, server_id, version="2.57")
    assert (after["status"], after["metadata"], after["key_name"]) == ("ACTIVE", {"b": "2"}, None)
    # Without user_data in the body, rebuild leaves it alone.
    response = act(api, server_id, {"rebuild": {"imageRef": image_id(api.backend)}}, version="2.57")
    assert response.get_json()["server"]["user_data"] is None


def test_rebuild_keeps_a_stopped_server_stopped_and_repairs_an_errored_one(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    for start_state, end_status in (("stopped", "SHUTOFF"), ("error", "ACTIVE")):
        put_state(api, server_id, vm_state=start_state)
        assert act(api, server_id, {"rebuild": {"imageRef": image_id(api.backend)}}).status_code == 202
        assert state(api, server_id) == ("REBUILD", "rebuilding", "m1.tiny")
        clock.advance(1.5)
        assert state(api, server_id)[1] == "rebuild_block_device_mapping"
        clock.advance(1)
        assert state(api, server_id)[1] == "rebuild_spawning"
        clock.advance(2.5)
        assert state(api, server_id) == (end_status, None, "m1.tiny")


def test_rebuild_errors(frozen):
    api = frozen
    server_id = active(api)
    missing = "8c6f3c0e-0000-4000-8000-000000000000"
    assert fault(act(api, server_id, {"rebuild": {"imageRef": missing}})) == (400, "Cannot find image for rebuild")
    assert fault(act(api, server_id, {"rebuild": {"imageRef": image_id(api.backend), "key_name": "nope"}},
                     version="2.54")) == (400, "Invalid key_name provided.")
    assert invalid(act(api, server_id, {"rebuild": {"imageRef": image_id(api.backend), "key_name": None}},
                       version="2.53"), "rebuild", "Additional properties are not allowed ('key_name' was unexpected)")
    assert invalid(act(api, server_id, {"rebuild": {"name": "x"}}), "rebuild", "'imageRef' is a required property")
    metadata = {f"k{i}": "v" for i in range(129)}
    assert fault(act(api, server_id, {"rebuild": {"imageRef": image_id(api.backend), "metadata": metadata}})) == (
        403, "Maximum number of metadata items exceeds 128")
    put_state(api, server_id, vm_state="paused")
    assert fault(act(api, server_id, {"rebuild": {"imageRef": image_id(api.backend)}})) == (
        409, f"Cannot 'rebuild' instance {server_id} while it is in vm_state paused")
    assert state(api, server_id)[0] == "PAUSED"


# --- createImage and createBackup -----------------------------------------------------------------

def glance(api, image: str, user: str = "demo"):
    return api.get(f"/image/v2/images/{image}", user=user)


def test_create_image_before_2_45_points_at_the_image_with_location(frozen):
    api = frozen
    server_id = active(api)
    response = act(api, server_id, {"createImage": {"name": "snap"}}, version="2.44")
    assert response.status_code == 202 and response.get_data() == b""
    client = "images_client.ImagesClient"
    assert_valid(client, "create_image", "2.44", 202, response.headers, None)
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert response.headers["Location"] == f"http://localhost/image/images/{new_id}"
    assert glance(api, new_id).status_code == 200


def test_create_image_from_2_45_answers_the_image_id_and_glance_sees_it_upload(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    response = act(api, server_id, {"createImage": {"name": "snap", "metadata": {"purpose": "test"}}},
                   version="2.45")
    assert response.status_code == 202
    assert_valid("images_client.ImagesClient", "create_image", "2.45", 202, response.headers, response.get_json())
    new_id = response.get_json()["image_id"]
    seen = []
    for _ in range(5):  # 2 s: snapshot, pending upload, uploading, done
        status, task, _ = state(api, server_id)
        seen.append((status, task, glance(api, new_id).get_json()["status"]))
        clock.advance(0.4)
    assert seen == [("ACTIVE", "image_snapshot_pending", "queued"), ("ACTIVE", "image_snapshot", "queued"),
                    ("ACTIVE", "image_pending_upload", "queued"), ("ACTIVE", "image_uploading", "saving"),
                    ("ACTIVE", "image_uploading", "saving")]
    clock.advance(0.4)
    image = glance(api, new_id).get_json()
    assert (image["status"], image["visibility"], image["name"], image["image_type"], image["instance_uuid"],
            image["purpose"], image["min_disk"]) == ("active", "private", "snap", "snapshot", server_id, "test", 1)
    assert state(api, server_id)[:2] == ("ACTIVE", None)
    assert glance(api, new_id, user="alt_demo").status_code == 404


def test_create_image_skips_the_lock_but_not_the_state_check(frozen):
    api = frozen
    server_id = active(api)
    put_state(api, server_id, locked_by="owner")
    assert act(api, server_id, {"createImage": {"name": "snap"}}, version="2.45").status_code == 202
    assert fault(act(api, server_id, {"createImage": {"name": "again"}}, version="2.45")) == (
        409, f"Cannot 'createImage' instance {server_id} while it is in task_state image_snapshot_pending")
    assert fault(act(api, server_id, {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}})) == (
        409, f"Cannot 'createBackup' instance {server_id} while it is in task_state image_snapshot_pending")
    put_state(api, server_id, vm_state="rescued", task_state=None)
    assert fault(act(api, server_id, {"createImage": {"name": "snap"}})) == (
        409, f"Cannot 'createImage' instance {server_id} while it is in vm_state rescued")


def test_image_metadata_quota_applies_below_2_39(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    metadata = {f"k{i}": "v" for i in range(129)}
    for name in ("createImage", "createBackup"):
        body = {"name": "s", "metadata": metadata}
        if name == "createBackup":
            body.update(backup_type="daily", rotation=1)
        assert fault(act(api, server_id, {name: body}, version="2.38")) == (403, "Image metadata limit exceeded")
        assert act(api, server_id, {name: body}, version="2.39").status_code == 202
        clock.advance(2)


def test_backups_rotate_per_type_keeping_the_newest(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)

    def backup(name, backup_type, rotation):
        response = act(api, server_id, {"createBackup": {"name": name, "backup_type": backup_type,
                                                         "rotation": rotation}}, version="2.45")
        assert response.status_code == 202
        assert_valid(CLIENT, "create_backup", "2.45", 202, response.headers, response.get_json())
        clock.advance(2)
        show(api, server_id)  # let the upload finish
        return response.get_json()["image_id"]

    first, second = backup("d1", "daily", 2), backup("d2", "daily", 2)
    weekly = backup("w1", "weekly", 1)
    third = backup("d3", "daily", 2)
    assert glance(api, first).status_code == 404
    assert [glance(api, i).get_json()["status"] for i in (second, third, weekly)] == ["active"] * 3
    assert glance(api, third).get_json()["backup_type"] == "daily"
    # Rotation 0 keeps none, not even the backup just made.
    last = backup("d4", "daily", 0)
    assert [glance(api, i).status_code for i in (second, third, last, weekly)] == [404, 404, 404, 200]


def test_backup_location_before_2_45_only_when_backups_are_kept(frozen):
    api, clock = frozen, frozen.backend.clock
    server_id = active(api)
    response = act(api, server_id, {"createBackup": {"name": "b", "backup_type": "daily", "rotation": "1"}})
    assert response.status_code == 202 and response.get_data() == b""
    assert_valid(CLIENT, "create_backup", "2.1", 202, response.headers, None)
    assert response.headers["Location"].startswith("http://localhost/compute/v2.1/images/")
    clock.advance(2)
    response = act(api, server_id, {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 0}})
    assert response.status_code == 202 and "Location" not in response.headers
    assert fault(act(api, server_id, {"createBackup": {"name": "b", "backup_type": "daily", "rotation": -1}}))[0] \
        == 400


# --- real clients ---------------------------------------------------------------------------------

INSTANT = {"build": 0, "resize": 0, "confirm_resize": 0, "revert_resize": 0, "rebuild": 0, "migrate": 0,
           "create_image": 0, "create_backup": 0, "evacuate": 0, "live_migrate": 0, "delete": 0}


@pytest.fixture
def instant(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", dict(INSTANT))
    return live


def _sdk_server(conn):
    image = conn.image.find_image(IMAGE_NAME)
    network = conn.network.find_network("private")
    server = conn.compute.create_server(name="mover", image_id=image.id, flavor_id="1",
                                        networks=[{"uuid": network.id}])
    return conn.compute.wait_for_server(server, wait=10, interval=0.1)


def test_openstacksdk_resize_confirm_and_revert(instant):
    conn = instant.sdk()
    server = _sdk_server(conn)
    conn.compute.resize_server(server, "2")
    server = conn.compute.wait_for_server(server, status="VERIFY_RESIZE", wait=10, interval=0.1)
    assert server.flavor.original_name == "m1.small"
    conn.compute.confirm_server_resize(server)
    server = conn.compute.wait_for_server(server, status="ACTIVE", wait=10, interval=0.1)
    conn.compute.resize_server(server, "3")
    conn.compute.wait_for_server(server, status="VERIFY_RESIZE", wait=10, interval=0.1)
    conn.compute.revert_server_resize(server)
    server = conn.compute.wait_for_server(server, status="ACTIVE", wait=10, interval=0.1)
    assert server.flavor.original_name == "m1.small"


def test_openstacksdk_rebuild_snapshot_and_backup(instant):
    conn = instant.sdk()
    server = _sdk_server(conn)
    alt = conn.image.find_image(ALT_IMAGE_NAME)
    rebuilt = conn.rebuild_server(server.id, alt.id, wait=True, timeout=10)
    assert rebuilt["image"]["id"] == alt.id and rebuilt["status"] == "ACTIVE"
    snapshot = conn.create_image_snapshot("snap", server.id, wait=True, timeout=10)
    assert snapshot.status == "active" and snapshot.name == "snap"
    backup_id = conn.compute.backup_server(server, "nightly", "daily", 1)
    assert conn.image.get_image(backup_id).status == "active"


def _image(live, name: str) -> str:
    return next(i["id"] for i in live.backend.store.images.values() if i["name"] == name)


def test_cli_resize_confirm_revert_rebuild_and_image(instant):
    live = instant
    created = live.openstack("server", "create", "--image", IMAGE_NAME, "--flavor", "m1.tiny", "--network",
                             "private", "--wait", "-f", "json", "cli-mover")
    live.openstack("server", "resize", "--flavor", "m1.small", "--wait", "cli-mover")
    shown = live.openstack("server", "show", "cli-mover", "-f", "json")
    assert shown["status"] == "VERIFY_RESIZE"
    live.openstack("server", "resize", "confirm", "cli-mover")
    assert live.openstack("server", "show", "cli-mover", "-f", "json")["status"] == "ACTIVE"
    live.openstack("server", "resize", "--flavor", "m1.medium", "--wait", "cli-mover")
    live.openstack("server", "resize", "revert", "cli-mover")
    shown = live.openstack("server", "show", "cli-mover", "-f", "json")
    assert shown["status"] == "ACTIVE" and "m1.small" in str(shown["flavor"])
    # The CLI prints nothing with --wait; the server it rebuilt keeps its id and shows the new image.
    live.openstack("server", "rebuild", "--image", ALT_IMAGE_NAME, "--wait", "cli-mover")
    shown = live.openstack("server", "show", "cli-mover", "-f", "json")
    assert (shown["id"], shown["status"]) == (created["id"], "ACTIVE")
    assert _image(live, ALT_IMAGE_NAME) in shown["image"]
    image = live.openstack("server", "image", "create", "--name", "cli-snap", "--wait", "-f", "json", "cli-mover")
    assert image["name"] == "cli-snap" and image["status"] == "active"


def test_cli_migrate_and_evacuate_as_admin(instant):
    live = instant
    server = live.openstack("server", "create", "--image", IMAGE_NAME, "--flavor", "m1.tiny", "--network",
                            "private", "--wait", "-f", "json", "roamer", user="admin")
    live.openstack("server", "migrate", "--wait", "roamer", user="admin")
    assert live.openstack("server", "show", "roamer", "-f", "json", user="admin")["status"] == "VERIFY_RESIZE"
    live.openstack("server", "migrate", "confirm", "roamer", user="admin")
    # No --wait: python-openstackclient 10.5 compares the lower-cased status with 'ACTIVE', so its
    # evacuate --wait never ends (against Nova too). Durations are 0 here, so the move is done at once.
    # The migration moved it to compute2. Nova evacuates only from a host whose compute service is
    # down: the operator forces it down (2.11+), and back up before evacuating the other way.
    refused = live.openstack("--os-compute-api-version", "2.94", "server", "evacuate", "roamer", user="admin",
                             check=False)
    assert refused.returncode != 0 and "Compute service of compute2 is still in use." in refused.stderr
    live.openstack("--os-compute-api-version", "2.11", "compute", "service", "set", "--down", "compute2",
                   "nova-compute", user="admin")
    live.openstack("--os-compute-api-version", "2.94", "server", "evacuate", "roamer", user="admin")
    shown = live.openstack("server", "show", "roamer", "-f", "json", user="admin")
    assert (shown["id"], shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == (server["id"], "ACTIVE", "compute1")
    live.openstack("--os-compute-api-version", "2.53", "compute", "service", "set", "--up", "compute2",
                   "nova-compute", user="admin")
    live.openstack("--os-compute-api-version", "2.53", "compute", "service", "set", "--down", "compute1",
                   "nova-compute", user="admin")
    live.openstack("server", "evacuate", "roamer", user="admin")  # 2.100: evacuated servers end stopped
    shown = live.openstack("server", "show", "roamer", "-f", "json", user="admin")
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("SHUTOFF", "compute2")
    denied = live.openstack("server", "migrate", "roamer", user="demo", check=False)
    assert denied.returncode != 0


def test_novaclient_resize_and_create_image(instant):
    nova = instant.novaclient(version="2.37")
    image = next(i["id"] for i in instant.backend.store.images.values() if i["name"] == IMAGE_NAME)
    server = nova.servers.create("nc-mover", image, "1", nics="auto")
    nova.servers.resize(server, "2")
    assert nova.servers.get(server.id).status == "VERIFY_RESIZE"
    nova.servers.confirm_resize(server)
    assert nova.servers.get(server.id).status == "ACTIVE"
    snapshot_id = nova.servers.create_image(server, "nc-snap")  # 2.37: from the Location header
    assert instant.backend.store.images[snapshot_id]["status"] == "active"
