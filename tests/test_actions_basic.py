"""POST /servers/{id}/action: reboot, power, pause/suspend, rescue, shelve, lock, admin actions, password,
console output, security groups; through the Flask test client with a frozen clock, then with the real
clients against the live server. Expected texts are Nova's (nova/compute/api.py, the action
controllers), written out by hand here."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakenova import docs
from fakenova.domain.compute import lifecycle
from tests.server_helpers import CLIENT, SERVERS, create, image_id, show
from tests.tempest_schemas import assert_valid

ROOT = Path(__file__).resolve().parent.parent


def act(api, server_id: str, body: dict, *, user: str = "demo", version: str = "2.1", schema: str | None = None):
    """POST the action; a success is checked with Tempest's schema for it (the servers client checks
    actions with its 2.1 module at every microversion)."""
    response = api.post(f"{SERVERS}/{server_id}/action", json=body, user=user, version=version)
    if response.status_code in (200, 202):
        if schema is None and "rescue" in body:
            schema = "rescue_server_with_admin_pass"
        body = response.get_json() if response.get_data() else ""
        assert_valid(CLIENT, schema or "server_actions_common_schema", "2.1", response.status_code,
                     response.headers, body)
    if response.status_code == 202:
        assert response.get_data() == b"" and "Content-Type" not in response.headers
    return response


def accepted(api, server_id: str, body: dict, **kwargs):
    response = act(api, server_id, body, **kwargs)
    assert response.status_code == (200 if "rescue" in body else 202), response.get_data(as_text=True)
    return response


def fault(response, code: int, message: str) -> None:
    name = {400: "badRequest", 403: "forbidden", 404: "itemNotFound", 409: "conflictingRequest"}[code]
    assert (response.status_code, response.get_json()) == (code, {name: {"code": code, "message": message}})


def state(api, server_id: str, user: str = "admin", version: str = "2.1") -> tuple[str, str | None]:
    body = show(api, server_id, user=user, version=version)
    return body["status"], body["OS-EXT-STS:task_state"]


def active(api, user: str = "demo", **server) -> str:
    """A booted server (the default 5 s build, stepped on the frozen clock)."""
    server_id = create(api, user=user, **server)["id"]
    api.backend.clock.advance(5)
    assert state(api, server_id)[0] == "ACTIVE"
    return server_id


def settle(api, seconds: float = 60) -> None:
    api.backend.clock.advance(seconds)


# --- happy paths: the transitional status, then the end status, step by step --------------------

# (setup actions, action body, durations key, [(after seconds, status, task_state), ...])
HAPPY = {
    "reboot-soft": ([], {"reboot": {"type": "SOFT"}}, "reboot",
                    [(0, "REBOOT", "rebooting"), (1, "REBOOT", "reboot_pending"), (2, "REBOOT", "reboot_started"),
                     (10, "ACTIVE", None)]),
    "reboot-hard": ([], {"reboot": {"type": "hard"}}, "reboot_hard",
                    [(0, "HARD_REBOOT", "rebooting_hard"), (1, "HARD_REBOOT", "reboot_pending_hard"),
                     (2, "HARD_REBOOT", "reboot_started_hard"), (10, "ACTIVE", None)]),
    "reboot-hard-from-shutoff": ([{"os-stop": None}], {"reboot": {"type": "HARD"}}, "reboot_hard",
                                 [(0, "SHUTOFF", "rebooting_hard"), (10, "ACTIVE", None)]),
    "stop": ([], {"os-stop": None}, "stop", [(0, "ACTIVE", "powering-off"), (9, "ACTIVE", "powering-off"),
                                              (10, "SHUTOFF", None)]),
    "start": ([{"os-stop": None}], {"os-start": None}, "start", [(0, "SHUTOFF", "powering-on"), (10, "ACTIVE", None)]),
    "pause": ([], {"pause": None}, "pause", [(0, "ACTIVE", "pausing"), (10, "PAUSED", None)]),
    "unpause": ([{"pause": None}], {"unpause": None}, "unpause", [(0, "PAUSED", "unpausing"), (10, "ACTIVE", None)]),
    "suspend": ([], {"suspend": None}, "suspend", [(0, "ACTIVE", "suspending"), (10, "SUSPENDED", None)]),
    "resume": ([{"suspend": None}], {"resume": None}, "resume", [(0, "SUSPENDED", "resuming"), (10, "ACTIVE", None)]),
    "unrescue": ([{"rescue": None}], {"unrescue": None}, "unrescue",
                 [(0, "RESCUE", "unrescuing"), (10, "ACTIVE", None)]),
    "shelve": ([], {"shelve": None}, "shelve",
               [(0, "ACTIVE", "shelving"), (5, "ACTIVE", "shelving_image_uploading"), (10, "SHELVED_OFFLOADED", None)]),
    "unshelve": ([{"shelve": None}], {"unshelve": None}, "unshelve",
                 [(0, "SHELVED_OFFLOADED", "unshelving"), (3, "SHELVED_OFFLOADED", "spawning"), (10, "ACTIVE", None)]),
    "changePassword": ([], {"changePassword": {"adminPass": "s3cret"}}, "change_password",
                       [(0, "PASSWORD", "updating_password"), (10, "ACTIVE", None)]),
}


@pytest.mark.parametrize("case", sorted(HAPPY))
def test_action_walks_through_its_transitional_status(frozen, case):
    setup, body, duration_key, expected = HAPPY[case]
    server_id = active(frozen)
    for step in setup:
        accepted(frozen, server_id, step)
        settle(frozen)
    frozen.backend.settings.durations = {duration_key: 10}
    accepted(frozen, server_id, body)
    elapsed = 0
    for at, status, task_state in expected:
        settle(frozen, at - elapsed)
        elapsed = at
        assert state(frozen, server_id) == (status, task_state), f"after {at} s"


def test_rescue_answers_200_with_the_password_and_ends_in_rescue(frozen):
    server_id = active(frozen)
    response = act(frozen, server_id, {"rescue": {"adminPass": "let-me-in"}}, schema="rescue_server_with_admin_pass")
    assert (response.status_code, response.get_json()) == (200, {"adminPass": "let-me-in"})
    assert state(frozen, server_id) == ("ACTIVE", "rescuing")
    settle(frozen, 3)
    assert state(frozen, server_id) == ("RESCUE", None)


def test_rescue_generates_a_twelve_character_password_and_accepts_an_image(frozen):
    server_id = active(frozen)
    response = act(frozen, server_id, {"rescue": {"rescue_image_ref": image_id(frozen.backend)}},
                   schema="rescue_server_with_admin_pass")
    assert response.status_code == 200 and len(response.get_json()["adminPass"]) == 12


def test_rescue_with_an_unknown_image_is_400(frozen):
    server_id = active(frozen)
    missing = "6b2f8f40-0f0e-4d6c-8c5a-1d5d4bd0b1a1"
    fault(act(frozen, server_id, {"rescue": {"rescue_image_ref": missing}}), 400,
          f"Requested rescue image '{missing}' is not supported")
    fault(act(frozen, server_id, {"rescue": {"rescue_image_ref": "nope"}}), 400,
          "Invalid input for field/attribute rescue_image_ref. Value: nope. 'nope' is not a 'uuid'")


def test_change_password_is_done_before_the_202_by_default(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"changePassword": {"adminPass": "new"}})
    assert state(frozen, server_id) == ("ACTIVE", None)
    assert frozen.backend.store.servers[server_id]["admin_pass"] == "new"


def test_stop_sets_power_state_shutdown(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"os-stop": None})
    settle(frozen)
    assert show(frozen, server_id)["OS-EXT-STS:power_state"] == 4


# --- 409s: wrong vm_state, busy task_state, never launched, no host --------------------------------

@pytest.mark.parametrize("setup,body,message", [
    ([], {"os-start": None}, "Cannot 'start' instance {id} while it is in vm_state active"),
    ([], {"unpause": None}, "Cannot 'unpause' instance {id} while it is in vm_state active"),
    ([], {"resume": None}, "Cannot 'resume' instance {id} while it is in vm_state active"),
    ([], {"unrescue": None}, "Cannot 'unrescue' instance {id} while it is in vm_state active"),
    ([], {"unshelve": None}, "Cannot 'unshelve' instance {id} while it is in vm_state active"),
    ([], {"restore": None}, "Cannot 'restore' instance {id} while it is in vm_state active"),
    ([{"os-stop": None}], {"os-stop": None}, "Cannot 'stop' instance {id} while it is in vm_state stopped"),
    ([{"os-stop": None}], {"reboot": {"type": "SOFT"}},
     "Cannot 'reboot' instance {id} while it is in vm_state stopped"),
    ([{"os-stop": None}], {"pause": None}, "Cannot 'pause' instance {id} while it is in vm_state stopped"),
    ([{"os-stop": None}], {"suspend": None}, "Cannot 'suspend' instance {id} while it is in vm_state stopped"),
    ([{"os-stop": None}], {"changePassword": {"adminPass": "x"}},
     "Cannot 'changePassword' instance {id} while it is in vm_state stopped"),
    ([{"pause": None}], {"rescue": None}, "Cannot 'rescue' instance {id} while it is in vm_state paused"),
    ([{"rescue": None}], {"shelve": None}, "Cannot 'shelve' instance {id} while it is in vm_state rescued"),
    ([{"rescue": None}], {"reboot": {"type": "HARD"}}, "Cannot 'reboot' instance {id} while it is in vm_state rescued"),
    ([{"os-stop": None}], {"trigger_crash_dump": None},
     "Cannot 'trigger_crash_dump' instance {id} while it is in vm_state stopped"),
])
def test_wrong_vm_state_is_409(frozen, setup, body, message):
    server_id = active(frozen)
    for step in setup:
        accepted(frozen, server_id, step, version="2.17")
        settle(frozen)
    fault(act(frozen, server_id, body, version="2.17"), 409, message.format(id=server_id))


@pytest.mark.parametrize("body,name", [
    ({"reboot": {"type": "SOFT"}}, "reboot"), ({"os-stop": None}, "stop"), ({"pause": None}, "pause"),
    ({"suspend": None}, "suspend"), ({"rescue": None}, "rescue"), ({"shelve": None}, "shelve"),
    ({"changePassword": {"adminPass": "x"}}, "changePassword"), ({"forceDelete": None}, "forceDelete"),
])
def test_busy_task_state_is_409(frozen, body, name):
    server_id = active(frozen)
    accepted(frozen, server_id, {"reboot": {"type": "SOFT"}})  # task_state rebooting for 2 s
    fault(act(frozen, server_id, body), 409,
          f"Cannot '{name}' instance {server_id} while it is in task_state rebooting")


def test_hard_reboot_is_allowed_while_a_soft_reboot_runs(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"reboot": {"type": "SOFT"}})
    accepted(frozen, server_id, {"reboot": {"type": "HARD"}})
    assert state(frozen, server_id) == ("HARD_REBOOT", "rebooting_hard")
    settle(frozen)
    assert state(frozen, server_id) == ("ACTIVE", None)


def test_a_server_that_never_booted_is_409_on_launched_at(frozen):
    server_id = create(frozen)["id"]
    fault(act(frozen, server_id, {"pause": None}), 409,
          f"Cannot 'pause' instance {server_id} while it is in vm_state building")
    accepted(frozen, server_id, {"os-resetState": {"state": "active"}}, user="admin")
    fault(act(frozen, server_id, {"pause": None}), 409,
          f"Cannot 'pause' instance {server_id} while it is in launched_at None")


@pytest.mark.parametrize("body", [{"os-stop": None}, {"os-start": None}, {"os-getConsoleOutput": {}}])
def test_no_host_yet_is_409_not_ready(frozen, body):
    server_id = create(frozen)["id"]  # still scheduling: no host
    fault(act(frozen, server_id, body), 409, f"Instance {server_id} is not ready")


def test_trigger_crash_dump_without_host_is_not_ready_before_the_state_check(frozen):
    server_id = create(frozen)["id"]
    fault(act(frozen, server_id, {"trigger_crash_dump": None}, version="2.17"), 409,
          f"Instance {server_id} is not ready")


def test_offloaded_server_has_no_host(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"shelve": None})
    settle(frozen)
    fault(act(frozen, server_id, {"os-start": None}), 409, f"Instance {server_id} is not ready")
    fault(act(frozen, server_id, {"os-getConsoleOutput": {}}), 409, f"Instance {server_id} is not ready")


# --- lock ----------------------------------------------------------------------------------------

def test_owner_lock_stops_the_owner_but_not_an_admin(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"lock": None})
    assert show(frozen, server_id, version="2.9")["locked"] is True
    assert frozen.backend.store.servers[server_id]["locked_by"] == "owner"
    for body in ({"reboot": {"type": "SOFT"}}, {"os-stop": None}, {"pause": None}, {"shelve": None},
                 {"rescue": None}, {"changePassword": {"adminPass": "x"}}, {"forceDelete": None}):
        fault(act(frozen, server_id, body), 409, f"Instance {server_id} is locked")
    accepted(frozen, server_id, {"reboot": {"type": "SOFT"}}, user="admin")
    settle(frozen)
    accepted(frozen, server_id, {"unlock": None})
    assert show(frozen, server_id, version="2.9")["locked"] is False
    accepted(frozen, server_id, {"pause": None})


def test_admin_lock_needs_unlock_override(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"lock": {"locked_reason": "maintenance"}}, user="admin", version="2.73")
    body = show(frozen, server_id, version="2.73")
    assert (body["locked"], body["locked_reason"]) == (True, "maintenance")
    assert frozen.backend.store.servers[server_id]["locked_by"] == "admin"
    fault(act(frozen, server_id, {"unlock": None}), 403,
          "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.")
    accepted(frozen, server_id, {"unlock": None}, user="admin")
    body = show(frozen, server_id, version="2.73")
    assert (body["locked"], body["locked_reason"]) == (False, None)


def test_locked_reason_is_validated_from_2_73_and_ignored_before(frozen):
    server_id = active(frozen)
    fault(act(frozen, server_id, {"lock": {"locked_reason": ""}}, version="2.73"), 400,
          "Invalid input for field/attribute locked_reason. Value: . '' should be non-empty")
    fault(act(frozen, server_id, {"lock": {"reason": "x"}}, version="2.73"), 400,
          "Invalid input for field/attribute lock. Value: {'reason': 'x'}. "
          "Additional properties are not allowed ('reason' was unexpected)")
    accepted(frozen, server_id, {"lock": {"locked_reason": "ignored"}}, version="2.72")
    assert show(frozen, server_id, version="2.73")["locked_reason"] is None


def test_other_project_cannot_lock_or_see_the_server(frozen):
    server_id = active(frozen)
    fault(act(frozen, server_id, {"lock": None}, user="alt_demo"), 404, f"Instance {server_id} could not be found.")


# --- policy, lookup, microversions ---------------------------------------------------------------

@pytest.mark.parametrize("body,rule", [
    ({"shelveOffload": None}, "os_compute_api:os-shelve:shelve_offload"),
    ({"os-resetState": {"state": "error"}}, "os_compute_api:os-admin-actions:reset_state"),
    ({"injectNetworkInfo": None}, "os_compute_api:os-admin-actions:inject_network_info"),
])
def test_admin_only_actions_are_403_for_members(frozen, body, rule):
    server_id = active(frozen)
    fault(act(frozen, server_id, body), 403, f"Policy doesn't allow {rule} to be performed.")
    if "shelveOffload" in body:
        fault(act(frozen, server_id, body, user="admin"), 409,
              f"Cannot 'shelveOffload' instance {server_id} while it is in vm_state active")
        return
    accepted(frozen, server_id, body, user="admin")


def test_unknown_server_texts_differ_by_controller(frozen):
    missing = "3cbd2ed8-4ba4-4f1e-a3a1-5c1c7b3b2f9e"
    for body in ({"os-start": None}, {"os-stop": None}):
        fault(act(frozen, missing, body), 404, f"Instance {missing} has no mapping to a cell.")
    fault(act(frozen, missing, {"trigger_crash_dump": None}, version="2.17"), 404,
          f"Instance {missing} has no mapping to a cell.")
    fault(act(frozen, missing, {"pause": None}), 404, f"Instance {missing} could not be found.")


def test_trigger_crash_dump_exists_from_2_17(frozen):
    server_id = active(frozen)
    fault(act(frozen, server_id, {"trigger_crash_dump": None}, version="2.16"), 404,
          "The resource could not be found.")
    fault(act(frozen, server_id, {"trigger_crash_dump": {}}, version="2.17"), 400,
          "Invalid input for field/attribute trigger_crash_dump. Value: {}. {} is not of type 'null'")
    accepted(frozen, server_id, {"trigger_crash_dump": None}, version="2.17")
    assert state(frozen, server_id) == ("ACTIVE", None)


def test_reboot_needs_a_known_type(frozen):
    server_id = active(frozen)
    fault(act(frozen, server_id, {"reboot": {}}), 400, "Invalid input for field/attribute reboot. Value: {}. "
          "'type' is a required property")
    fault(act(frozen, server_id, {"reboot": {"type": "WARM"}}), 400,
          "Invalid input for field/attribute type. Value: WARM. "
          "'WARM' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']")


def test_reset_state_clears_the_task_and_cancels_the_transition(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"reboot": {"type": "SOFT"}})
    accepted(frozen, server_id, {"os-resetState": {"state": "error"}}, user="admin")
    assert state(frozen, server_id) == ("ERROR", None)
    settle(frozen)
    assert state(frozen, server_id) == ("ERROR", None)  # the reboot's steps no longer apply
    accepted(frozen, server_id, {"os-resetState": {"state": "active"}}, user="admin")
    assert state(frozen, server_id) == ("ACTIVE", None)
    fault(act(frozen, server_id, {"os-resetState": {"state": "stopped"}}, user="admin"), 400,
          "Invalid input for field/attribute state. Value: stopped. 'stopped' is not one of ['active', 'error']")


def test_inject_network_info_is_accepted_in_any_state(frozen):
    server_id = create(frozen)["id"]
    accepted(frozen, server_id, {"injectNetworkInfo": None}, user="admin")
    assert state(frozen, server_id) == ("BUILD", "scheduling")


# --- shelve and unshelve -------------------------------------------------------------------------

def test_shelved_offload_time_keeps_a_shelved_server_on_its_host(frozen):
    frozen.backend.settings.shelved_offload_time = 30
    server_id = active(frozen)
    accepted(frozen, server_id, {"shelve": None})
    settle(frozen, 3)
    assert state(frozen, server_id) == ("SHELVED", None)
    settle(frozen, 29)
    assert state(frozen, server_id) == ("SHELVED", None)
    settle(frozen, 1)
    assert state(frozen, server_id) == ("SHELVED_OFFLOADED", None)
    assert show(frozen, server_id, user="admin", version="2.3")["OS-EXT-SRV-ATTR:host"] is None


def test_shelved_offload_time_minus_one_never_offloads_but_admin_can(frozen):
    frozen.backend.settings.shelved_offload_time = -1
    server_id = active(frozen)
    accepted(frozen, server_id, {"shelve": None})
    settle(frozen, 3000)  # (tokens last an hour on the fake clock too)
    assert state(frozen, server_id) == ("SHELVED", None)
    accepted(frozen, server_id, {"shelveOffload": None}, user="admin")
    assert state(frozen, server_id) == ("SHELVED_OFFLOADED", None)  # shelve_offload takes 0 s by default


def test_unshelve_from_shelved_cancels_the_pending_offload(frozen):
    frozen.backend.settings.shelved_offload_time = 30
    server_id = active(frozen)
    accepted(frozen, server_id, {"shelve": None})
    settle(frozen, 3)
    accepted(frozen, server_id, {"unshelve": None})
    settle(frozen, 60)
    assert state(frozen, server_id) == ("ACTIVE", None)


def test_unshelve_availability_zone_needs_an_offloaded_server(frozen):
    frozen.backend.settings.shelved_offload_time = -1
    server_id = active(frozen)
    accepted(frozen, server_id, {"shelve": None})
    settle(frozen)
    fault(act(frozen, server_id, {"unshelve": {"availability_zone": "nova"}}, version="2.77"), 409,
          f'Specifying an availability zone or a host when unshelving server "{server_id}" with status "shelved" '
          "is not supported. The server status must be SHELVED_OFFLOADED.")
    fault(act(frozen, server_id, {"unshelve": {}}, version="2.77"), 400,
          "Invalid input for field/attribute unshelve. Value: {}. 'availability_zone' is a required property")
    # Up to 2.76 the body is not looked at.
    accepted(frozen, server_id, {"unshelve": {"availability_zone": "anything"}}, version="2.76")


def test_unshelve_to_a_zone_and_host(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"shelve": None})
    settle(frozen)
    fault(act(frozen, server_id, {"unshelve": {"availability_zone": "elsewhere"}}, version="2.77"), 400,
          "The requested availability zone is not available")
    fault(act(frozen, server_id, {"unshelve": {"host": "compute1"}}, version="2.91"), 403,
          "Policy doesn't allow os_compute_api:os-shelve:unshelve_to_host to be performed.")
    fault(act(frozen, server_id, {"unshelve": {"host": "compute9"}}, user="admin", version="2.91"), 400,
          "Compute host compute9 could not be found.")
    accepted(frozen, server_id, {"unshelve": {"availability_zone": None, "host": "compute1"}}, user="admin",
             version="2.91")
    settle(frozen)
    body = show(frozen, server_id, user="admin", version="2.96")
    assert (body["status"], body["OS-EXT-SRV-ATTR:host"], body["pinned_availability_zone"]) == (
        "ACTIVE", "compute1", None)


# --- soft delete: restore and forceDelete --------------------------------------------------------

def test_restore_and_force_delete_a_soft_deleted_server(frozen):
    frozen.backend.settings.reclaim_instance_interval = 3600
    first, second = active(frozen, name="a"), active(frozen, name="b")
    for server_id in (first, second):
        assert frozen.delete(f"{SERVERS}/{server_id}").status_code == 204
    settle(frozen, 1)
    assert state(frozen, first) == ("SOFT_DELETED", None)
    accepted(frozen, first, {"restore": None})
    assert state(frozen, first) == ("SOFT_DELETED", "restoring")
    settle(frozen, 1)
    assert state(frozen, first) == ("ACTIVE", None)
    accepted(frozen, second, {"forceDelete": None})
    settle(frozen, 1)
    assert frozen.get(f"{SERVERS}/{second}").status_code == 404


def test_force_delete_also_deletes_a_running_server(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"forceDelete": None})
    settle(frozen, 1)
    assert frozen.get(f"{SERVERS}/{server_id}").status_code == 404


# --- console output ------------------------------------------------------------------------------

def _console(api, server_id, length="absent", user="demo"):
    body = {} if length == "absent" else {"length": length}
    response = act(api, server_id, {"os-getConsoleOutput": body}, user=user, schema="get_console_output")
    return response


def test_console_output_is_a_deterministic_boot_log(frozen):
    server_id = active(frozen)
    response = _console(frozen, server_id)
    assert response.status_code == 200
    output = response.get_json()["output"]
    address = show(frozen, server_id)["addresses"]["private"][0]["addr"]
    assert f"lease of {address} obtained" in output
    assert output.endswith("vm login: ")
    assert _console(frozen, server_id).get_json()["output"] == output


def test_console_output_length_follows_nova_tail(frozen):
    server_id = active(frozen)
    lines = _console(frozen, server_id).get_json()["output"].split("\n")
    assert _console(frozen, server_id, 3).get_json()["output"] == "\n".join(lines[-3:])
    assert _console(frozen, server_id, "2").get_json()["output"] == "\n".join(lines[-2:])
    assert _console(frozen, server_id, 0).get_json()["output"] == ""
    assert _console(frozen, server_id, None).get_json()["output"] == "\n".join(lines)
    # Nova slices lines[-length:]: -1 drops the first line rather than meaning "everything".
    assert _console(frozen, server_id, -1).get_json()["output"] == "\n".join(lines[1:])
    fault(_console(frozen, server_id, -2), 400,
          "Invalid input for field/attribute length. Value: -2. -2 is less than the minimum of -1")
    fault(_console(frozen, server_id, "ten"), 400,
          "Invalid input for field/attribute length. Value: ten. 'ten' does not match '^-?[0-9]+$'")


# --- security groups -----------------------------------------------------------------------------

def _project_id(api, user="demo"):
    return next(p["id"] for p in api.backend.store.projects.values() if p["name"] == user)


def test_remove_and_add_the_default_security_group(frozen):
    server_id = active(frozen)
    accepted(frozen, server_id, {"removeSecurityGroup": {"name": "default"}})
    # No group left on its ports: Nova leaves the key out (servers.py _add_security_grps).
    assert "security_groups" not in show(frozen, server_id)
    fault(act(frozen, server_id, {"removeSecurityGroup": {"name": "default"}}), 404,
          f"Security group default not associated with the instance {server_id}")
    accepted(frozen, server_id, {"addSecurityGroup": {"name": "default"}})
    assert show(frozen, server_id)["security_groups"] == [{"name": "default"}]
    port = next(p for p in frozen.backend.store.ports.values() if p["device_id"] == server_id)
    assert len(port["security_groups"]) == 1


def test_security_group_errors(frozen):
    server_id = active(frozen)
    fault(act(frozen, server_id, {"addSecurityGroup": {"name": "web"}}), 404,
          f"Security group web is not found for project {_project_id(frozen)}")
    fault(act(frozen, server_id, {"addSecurityGroup": {"name": "  "}}), 400, "Security group name cannot be empty")
    fault(act(frozen, server_id, {"addSecurityGroup": {}}), 400,
          "Invalid input for field/attribute addSecurityGroup. Value: {}. 'name' is a required property")
    no_ports = active(frozen, networks="none")
    fault(act(frozen, no_ports, {"addSecurityGroup": {"name": "default"}}), 404,
          f"instance_id {no_ports} could not be found as device id on any ports")


# --- the state diagram ---------------------------------------------------------------------------

def test_state_diagram_document_matches_the_table():
    assert (ROOT / "docs" / "state-diagram.md").read_text() == docs.markdown(), (
        "regenerate: python -m fakenova.docs state-diagram > docs/state-diagram.md")


def test_state_diagram_draws_the_basic_actions():
    text = docs.mermaid()
    assert text.startswith("stateDiagram-v2\n")
    for edge in ("ACTIVE --> REBOOT: reboot", "REBOOT --> ACTIVE", "ACTIVE --> PAUSED: pause",
                 "SHUTOFF --> ACTIVE: reboot_hard, start",
                 "SHELVED --> SHELVED_OFFLOADED: shelveOffload, shelved_offload_wait",
                 "RESCUE --> ACTIVE: unrescue", "[*] --> BUILD: build"):
        assert f"    {edge}\n" in text


# --- real clients against the live server --------------------------------------------------------

def _live_server(live, conn):
    live.backend.settings.durations = {"build": 1}
    image = image_id(live.backend)
    network = next(n["id"] for n in live.backend.store.networks.values() if n["name"] == "private")
    server = conn.compute.create_server(name="vm", image_id=image, flavor_id="1", networks=[{"uuid": network}])
    return conn.compute.wait_for_server(server, interval=0.05, wait=30)


def test_openstacksdk_drives_the_basic_actions(live):
    conn = live.sdk()
    server = _live_server(live, conn)
    live.backend.settings.durations = {key: 0.2 for key in (
        "reboot", "reboot_hard", "stop", "start", "pause", "unpause", "suspend", "resume", "rescue", "unrescue",
        "shelve", "unshelve")}
    wait = {"interval": 0.05, "wait": 30}

    conn.compute.reboot_server(server, "SOFT")
    assert conn.compute.get_server(server).status == "REBOOT"
    conn.compute.wait_for_server(server, status="ACTIVE", **wait)
    conn.compute.stop_server(server)
    conn.compute.wait_for_server(server, status="SHUTOFF", **wait)
    conn.compute.start_server(server)
    conn.compute.wait_for_server(server, status="ACTIVE", **wait)
    conn.compute.pause_server(server)
    conn.compute.wait_for_server(server, status="PAUSED", **wait)
    conn.compute.unpause_server(server)
    conn.compute.wait_for_server(server, status="ACTIVE", **wait)
    conn.compute.suspend_server(server)
    conn.compute.wait_for_server(server, status="SUSPENDED", **wait)
    conn.compute.resume_server(server)
    conn.compute.wait_for_server(server, status="ACTIVE", **wait)
    conn.compute.rescue_server(server, admin_pass="pw")
    conn.compute.wait_for_server(server, status="RESCUE", **wait)
    conn.compute.unrescue_server(server)
    conn.compute.wait_for_server(server, status="ACTIVE", **wait)
    conn.compute.shelve_server(server)
    conn.compute.wait_for_server(server, status="SHELVED_OFFLOADED", **wait)
    conn.compute.unshelve_server(server)
    conn.compute.wait_for_server(server, status="ACTIVE", **wait)
    conn.compute.lock_server(server)
    assert conn.compute.get_server(server).is_locked is True
    conn.compute.unlock_server(server)
    assert "login:" in conn.compute.get_server_console_output(server)["output"]


def test_openstacksdk_cloud_layer_reboots_and_waits(live):
    conn = live.sdk()
    server = _live_server(live, conn)
    live.backend.settings.durations = {"stop": 0.2, "start": 0.2}
    conn.compute.stop_server(server)
    stopped = conn.compute.wait_for_server(server, status="SHUTOFF", interval=0.05, wait=30)
    assert stopped.power_state == 4


def test_openstack_cli_actions_with_wait(live):
    live.backend.settings.durations = {"build": 0}
    image = image_id(live.backend)
    live.openstack("server", "create", "--image", image, "--flavor", "m1.tiny", "--network", "private", "vm",
                   "-f", "json")
    # Instant transitions: --wait polls every 5 s, so let each action finish within its request.
    live.backend.settings.durations = {key: 0 for key in (
        "reboot", "stop", "start", "pause", "unpause", "suspend", "resume", "rescue", "unrescue", "shelve",
        "unshelve")}
    for args, status in ((("reboot", "--wait"), "ACTIVE"), (("stop",), "SHUTOFF"), (("start",), "ACTIVE"),
                         (("pause",), "PAUSED"), (("unpause",), "ACTIVE"), (("suspend",), "SUSPENDED"),
                         (("resume",), "ACTIVE"), (("rescue",), "RESCUE"), (("unrescue",), "ACTIVE"),
                         (("shelve", "--wait"), "SHELVED_OFFLOADED"), (("unshelve", "--wait"), "ACTIVE"),
                         (("lock",), "ACTIVE"), (("unlock",), "ACTIVE")):
        live.openstack("server", *args, "vm")
        # Read back from the store: one more CLI run per action would double this test's time.
        (record,) = [r for r in live.backend.store.servers.values() if r["name"] == "vm"]
        assert lifecycle.status(record) == status, args
    assert live.openstack("server", "show", "vm", "-f", "json")["status"] == "ACTIVE"
