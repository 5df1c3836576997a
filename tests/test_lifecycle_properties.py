"""Property: random sequences of server actions and clock steps, through the HTTP API, never break the
state machine's promises.

For every step: each server's status is one of Nova's 20 and is the one its (vm_state, task_state)
maps to; an action is accepted exactly when its row in ``lifecycle.TRANSITIONS`` allows the state the
API showed just before (lock, host, vm_state, task_state, launched_at), and refused with a 409
otherwise; /limits counts exactly the servers /servers lists.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakenova import create_app
from fakenova.backend import Backend
from fakenova.config import Settings
from fakenova.domain.compute import lifecycle
from tests.conftest import Api
from tests.server_helpers import SERVERS, image_id

# Action body -> (table row, user who sends it). Admin-only actions are sent by the admin.
ACTIONS = {
    "reboot-soft": ({"reboot": {"type": "SOFT"}}, "reboot", "demo"),
    "reboot-hard": ({"reboot": {"type": "HARD"}}, "reboot_hard", "demo"),
    "stop": ({"os-stop": None}, "stop", "demo"),
    "start": ({"os-start": None}, "start", "demo"),
    "pause": ({"pause": None}, "pause", "demo"),
    "unpause": ({"unpause": None}, "unpause", "demo"),
    "suspend": ({"suspend": None}, "suspend", "demo"),
    "resume": ({"resume": None}, "resume", "demo"),
    "rescue": ({"rescue": None}, "rescue", "demo"),
    "unrescue": ({"unrescue": None}, "unrescue", "demo"),
    "shelve": ({"shelve": None}, "shelve", "demo"),
    "shelveOffload": ({"shelveOffload": None}, "shelveOffload", "admin"),
    "unshelve": ({"unshelve": None}, "unshelve", "demo"),
    "changePassword": ({"changePassword": {"adminPass": "pw"}}, "changePassword", "demo"),
    "trigger_crash_dump": ({"trigger_crash_dump": None}, "trigger_crash_dump", "demo"),
    "admin-reboot": ({"reboot": {"type": "SOFT"}}, "reboot", "admin"),
}
DURATIONS = {key: 2 for key in lifecycle.DEFAULT_DURATIONS} | {"build": 3, "change_password": 1}
MAX_SERVERS = 3

steps = st.lists(st.one_of(
    st.tuples(st.just("create")),
    st.tuples(st.just("delete"), st.integers(0, MAX_SERVERS - 1)),
    st.tuples(st.just("advance"), st.sampled_from([0.5, 1, 2, 5])),
    st.tuples(st.sampled_from(["lock", "unlock"]), st.integers(0, MAX_SERVERS - 1)),
    st.tuples(st.just("act"), st.integers(0, MAX_SERVERS - 1), st.sampled_from(sorted(ACTIONS))),
    st.tuples(st.just("act"), st.integers(0, MAX_SERVERS - 1), st.sampled_from(sorted(ACTIONS))),
), min_size=1, max_size=25)


def allowed(row_name: str, seen: dict, user: str) -> bool:
    """The table's verdict on what the API showed (an independent reading of the row's fields)."""
    row = lifecycle.TRANSITIONS[row_name]
    if row.check_lock and seen["locked"] and user != "admin":
        return False
    if row.needs_host and not seen["host"]:
        return False
    if row.vm_states is not lifecycle.ANY and seen["vm_state"] not in row.vm_states:
        return False
    if row.task_states is not lifecycle.ANY and seen["task_state"] not in row.task_states:
        return False
    return not (row.must_have_launched and not seen["launched_at"])


def observe(api, server_id: str) -> dict:
    response = api.get(f"{SERVERS}/{server_id}", user="admin", version="2.9")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()["server"]
    seen = {"status": body["status"], "vm_state": body["OS-EXT-STS:vm_state"],
            "task_state": body["OS-EXT-STS:task_state"], "launched_at": body["OS-SRV-USG:launched_at"],
            "host": body["OS-EXT-SRV-ATTR:host"], "locked": body["locked"]}
    assert seen["status"] in lifecycle.STATUSES and len(lifecycle.STATUSES) == 20
    assert seen["status"] == lifecycle.status_from_state(seen["vm_state"], seen["task_state"])
    return seen


def check_quota_usage(api) -> None:
    listed = api.get(f"{SERVERS}/detail").get_json()["servers"]
    used = api.get("/compute/v2.1/limits").get_json()["limits"]["absolute"]
    assert used["totalInstancesUsed"] == len(listed)
    assert used["totalCoresUsed"] == len(listed) * 1 and used["totalRAMUsed"] == len(listed) * 512  # m1.tiny


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_random_action_sequences_keep_the_state_machine_honest(sequence):
    backend = Backend(Settings(durations=dict(DURATIONS)))
    backend.clock.freeze()
    api = Api(create_app(backend=backend).test_client(), backend)
    servers: list[str] = []
    for step in sequence:
        kind = step[0]
        if kind == "create":
            if len(servers) < MAX_SERVERS:
                response = api.post(SERVERS, json={"server": {"name": f"vm{len(servers)}", "flavorRef": "1",
                                                              "imageRef": image_id(backend)}})
                assert response.status_code == 202, response.get_data(as_text=True)
                servers.append(response.get_json()["server"]["id"])
        elif kind == "advance":
            backend.clock.advance(step[1])
        elif step[1] < len(servers):
            server_id = servers[step[1]]
            if api.get(f"{SERVERS}/{server_id}", user="admin").status_code == 404:
                continue  # deleted by now
            seen = observe(api, server_id)
            if kind == "delete":
                expected = 409 if seen["locked"] else 204
                assert api.delete(f"{SERVERS}/{server_id}").status_code == expected
            elif kind in ("lock", "unlock"):
                assert api.post(f"{SERVERS}/{server_id}/action", json={kind: None}).status_code == 202
            else:
                body, row, user = ACTIONS[step[2]]
                response = api.post(f"{SERVERS}/{server_id}/action", json=body, user=user, version="2.17")
                verdict = allowed(row, seen, user)
                assert response.status_code == ((200 if "rescue" in body else 202) if verdict else 409), (
                    step, seen, response.get_data(as_text=True))
        for server_id in servers:
            if api.get(f"{SERVERS}/{server_id}", user="admin").status_code == 200:
                observe(api, server_id)
        check_quota_usage(api)
