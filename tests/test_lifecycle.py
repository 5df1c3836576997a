"""The state machine: Nova's status table, the clock-driven timeline, checks and failures.

The status table below is copied by hand from Nova's api-ref "Server Status" and
nova/api/openstack/common.py _STATE_MAP, independently of fakenova.domain.compute.lifecycle.
"""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from fakenova import create_app
from fakenova.backend import Backend
from fakenova.config import Settings
from fakenova.domain.compute import lifecycle
from fakenova.errors import Conflict
from tests.conftest import Api
from tests.server_helpers import SERVERS, create, show

# (vm_state, task_state) -> the status Nova shows: one example for each of the 20 statuses.
STATUS_EXAMPLES = [
    ("active", None, "ACTIVE"),
    ("building", "spawning", "BUILD"),
    ("error", None, "ERROR"),
    ("active", "rebooting_hard", "HARD_REBOOT"),
    ("paused", "migrating", "MIGRATING"),
    ("active", "updating_password", "PASSWORD"),
    ("paused", None, "PAUSED"),
    ("active", "reboot_started", "REBOOT"),
    ("stopped", "rebuild_spawning", "REBUILD"),
    ("rescued", None, "RESCUE"),
    ("stopped", "resize_migrating", "RESIZE"),
    ("resized", "resize_reverting", "REVERT_RESIZE"),
    ("shelved", None, "SHELVED"),
    ("shelved_offloaded", None, "SHELVED_OFFLOADED"),
    ("stopped", None, "SHUTOFF"),
    ("soft-delete", None, "SOFT_DELETED"),
    ("suspended", None, "SUSPENDED"),
    ("resized", None, "VERIFY_RESIZE"),
    ("no-such-state", None, "UNKNOWN"),
    ("deleted", None, "DELETED"),
]


def test_the_examples_cover_all_twenty_statuses():
    assert len({status for _, _, status in STATUS_EXAMPLES}) == 20
    assert set(lifecycle.STATUSES) == {status for _, _, status in STATUS_EXAMPLES}


@pytest.mark.parametrize("vm_state,task_state,expected", STATUS_EXAMPLES)
def test_status_is_derived_from_vm_and_task_state(vm_state, task_state, expected):
    assert lifecycle.status({"vm_state": vm_state, "task_state": task_state}) == expected


@pytest.mark.parametrize("task_state,expected", [
    ("rebuilding", "REBUILD"), ("pausing", "ERROR"), (None, "ERROR")])
def test_error_shows_rebuild_only_for_rebuild_tasks(task_state, expected):
    assert lifecycle.status_from_state("error", task_state) == expected


def test_a_destroyed_record_is_deleted_whatever_its_states_say():
    assert lifecycle.status({"vm_state": "active", "task_state": None, "deleted": True}) == "DELETED"


def test_status_filter_maps_to_vm_states_like_nova():
    vm_states, task_states = lifecycle.states_for_statuses(["active"])
    # ACTIVE is the default of vm_state active: Nova then filters on vm_state alone.
    assert vm_states == {"active"} and "default" in task_states
    vm_states, task_states = lifecycle.states_for_statuses(["REBOOT", "Hard_Reboot"])
    assert vm_states == {"active"}
    assert task_states == {"rebooting", "reboot_pending", "reboot_started", "rebooting_hard",
                           "reboot_pending_hard", "reboot_started_hard"}
    assert lifecycle.states_for_statuses(["bogus"]) == (set(), set())


def test_every_action_in_nova_list_has_a_row():
    for action in ("build", "delete", "reboot", "reboot_hard", "stop", "start", "pause", "unpause", "suspend",
                   "resume", "rescue", "unrescue", "resize", "confirmResize", "revertResize", "rebuild",
                   "createImage", "createBackup", "changePassword", "shelve", "shelveOffload", "unshelve",
                   "trigger_crash_dump", "os-migrateLive", "migrate", "evacuate", "restore", "forceDelete"):
        assert action in lifecycle.TRANSITIONS, action


# --- the engine, on a backend with a frozen clock ------------------------------------------------


def _record(backend, server_id):
    return backend.store.servers[server_id]


def test_frozen_clock_keeps_a_build_in_build(frozen):
    server = create(frozen)
    for _ in range(3):
        assert show(frozen, server["id"])["status"] == "BUILD"
    assert _record(frozen.backend, server["id"])["task_state"] == "scheduling"


def test_advance_moves_a_build_exactly_as_far(frozen):
    server = create(frozen)  # default build: 5 s
    frozen.backend.clock.advance(4.999)
    body = show(frozen, server["id"])
    assert body["status"] == "BUILD" and body["addresses"] == {}
    frozen.backend.clock.advance(0.001)
    body = show(frozen, server["id"], version="2.3", user="admin")
    assert body["status"] == "ACTIVE"
    assert body["OS-EXT-STS:power_state"] == 1 and body["OS-EXT-STS:task_state"] is None
    assert body["OS-EXT-SRV-ATTR:host"] == "compute1"
    assert body["OS-SRV-USG:launched_at"] is not None
    assert set(body["addresses"]) == {"private"}


def test_build_walks_through_nova_task_states(frozen):
    server = create(frozen)
    seen = []
    for _ in range(5):
        seen.append(show(frozen, server["id"], user="admin")["OS-EXT-STS:task_state"])
        frozen.backend.clock.advance(1)
    assert seen == ["scheduling", "networking", "spawning", "spawning", "spawning"]
    assert show(frozen, server["id"])["OS-EXT-STS:task_state"] is None


def test_progress_rises_over_the_build(frozen):
    server = create(frozen)
    progress = []
    for _ in range(5):
        progress.append(show(frozen, server["id"])["progress"])
        frozen.backend.clock.advance(1.25)
    assert progress == [0, 25, 50, 75, 100]


def test_settle_applies_due_steps_in_due_order(frozen):
    backend = frozen.backend
    backend.settings.durations = {"build": 10}
    slow = create(frozen, name="slow")
    backend.settings.durations = {"build": 2}
    fast = create(frozen, name="fast")
    order = []
    original = lifecycle._apply_step

    def spy(backend_, server, pending, index, at):
        order.append((at, server["name"], index))
        original(backend_, server, pending, index, at)

    lifecycle._apply_step = spy
    try:
        backend.clock.advance(20)
        assert lifecycle.settle(backend) == 8
    finally:
        lifecycle._apply_step = original
    assert [at for at, _, _ in order] == sorted(at for at, _, _ in order)
    # slow's steps fall at 2, 3, 4, 10 s; fast's at 0.4, 0.6, 0.8, 2 s. At the 2 s tie the step
    # scheduled first (slow's) goes first.
    assert [(name, index) for _, name, index in order] == [
        ("fast", 0), ("fast", 1), ("fast", 2), ("slow", 0), ("fast", 3), ("slow", 1), ("slow", 2), ("slow", 3)]
    assert not backend.store.timeline
    assert _record(backend, slow["id"])["launched_at"] - _record(backend, fast["id"])["launched_at"] == 8


def test_instant_durations_finish_within_the_request(frozen):
    frozen.backend.settings.durations = {"build": 0, "delete": 0}
    server = create(frozen)
    assert show(frozen, server["id"])["status"] == "ACTIVE"
    assert frozen.delete(f"{SERVERS}/{server['id']}").status_code == 204
    assert frozen.get(f"{SERVERS}/{server['id']}").status_code == 404


def test_delete_during_build_supersedes_the_build(frozen):
    frozen.backend.settings.durations = {"build": 5, "delete": 1}
    server = create(frozen)
    frozen.backend.clock.advance(2)
    assert frozen.delete(f"{SERVERS}/{server['id']}").status_code == 204
    body = show(frozen, server["id"], user="admin")
    assert (body["status"], body["OS-EXT-STS:task_state"]) == ("BUILD", "deleting")
    frozen.backend.clock.advance(10)
    assert frozen.get(f"{SERVERS}/{server['id']}").status_code == 404
    record = _record(frozen.backend, server["id"])
    assert record["vm_state"] == "deleted" and record["launched_at"] is None  # the build never finished
    assert not [p for p in frozen.backend.store.ports.values() if p["device_id"] == server["id"]]


def test_freezegun_drives_the_clock():
    with freeze_time("2030-01-02 03:04:05") as clock:
        backend = Backend(Settings())
        api = Api(create_app(backend=backend).test_client(), backend)
        server = create(api)
        body = show(api, server["id"])
        assert body["status"] == "BUILD" and body["created"] == "2030-01-02T03:04:05Z"
        clock.tick(5)
        body = show(api, server["id"], version="2.3")
        assert body["status"] == "ACTIVE"
        assert body["OS-SRV-USG:launched_at"] == "2030-01-02T03:04:10.000000"
        assert body["updated"] == "2030-01-02T03:04:10Z"


def test_check_gives_nova_conflict_texts():
    server = {"id": "abc", "vm_state": "stopped", "task_state": None, "launched_at": 1.0, "host": "compute1"}
    with pytest.raises(Conflict) as caught:
        lifecycle.check(server, "reboot")
    assert caught.value.message == "Cannot 'reboot' instance abc while it is in vm_state stopped"
    server.update(vm_state="active", task_state="powering-off")
    with pytest.raises(Conflict) as caught:
        lifecycle.check(server, "stop", api_action="stop")
    assert caught.value.message == "Cannot 'stop' instance abc while it is in task_state powering-off"
    server.update(task_state=None, launched_at=None)
    with pytest.raises(Conflict) as caught:
        lifecycle.check(server, "pause")
    assert caught.value.message == "Cannot 'pause' instance abc while it is in launched_at None"
    server.update(launched_at=1.0, host=None)
    with pytest.raises(Conflict) as caught:
        lifecycle.check(server, "stop")
    assert caught.value.message == "Instance abc is not ready"


def test_lock_check_spares_admins():
    from fakenova.domain.context import RequestContext

    server = {"id": "abc", "vm_state": "active", "task_state": None, "launched_at": 1.0, "locked_by": "owner"}
    member = RequestContext("u", "demo", "p", "demo", roles=("member", "reader"))
    admin = RequestContext("a", "admin", "q", "admin", roles=("admin",))
    with pytest.raises(Conflict) as caught:
        lifecycle.check(server, "reboot", context=member)
    assert caught.value.message == "Instance abc is locked"
    lifecycle.check(server, "reboot", context=admin)
    lifecycle.check(server, "createImage", context=member)  # not lock-checked in Nova


def test_fail_puts_the_server_in_error_with_a_fault(frozen):
    server = create(frozen)
    record = _record(frozen.backend, server["id"])
    lifecycle.fail(frozen.backend, record, "Build of instance failed", code=500, details="Traceback ...")
    frozen.backend.clock.advance(60)  # the superseded build steps must not revive it
    for user, details in (("demo", False), ("admin", True)):
        body = show(frozen, server["id"], user=user)
        assert body["status"] == "ERROR" and "progress" not in body
        assert body["fault"]["code"] == 500 and body["fault"]["message"] == "Build of instance failed"
        assert ("details" in body["fault"]) is details


def test_soft_delete_is_reclaimed_after_the_interval(frozen):
    backend = frozen.backend
    backend.settings.durations = {"build": 0, "soft_delete": 0}
    backend.settings.reclaim_instance_interval = 30
    server = create(frozen)
    assert frozen.delete(f"{SERVERS}/{server['id']}").status_code == 204
    assert show(frozen, server["id"])["status"] == "SOFT_DELETED"
    backend.clock.advance(29)
    assert show(frozen, server["id"])["status"] == "SOFT_DELETED"
    backend.clock.advance(1)
    assert frozen.get(f"{SERVERS}/{server['id']}").status_code == 404


def test_timeline_is_json_ready(frozen):
    import json

    create(frozen)
    assert json.loads(json.dumps(frozen.backend.store.timeline)) == frozen.backend.store.timeline
