"""GET /servers/{id}/os-instance-actions[/{request_id}]: what every action records, per microversion
(2.21 deleted servers, 2.51 events for members, 2.58 paging and updated_at, 2.62 hostId/host, 2.84
details), checked with Tempest's schemas; then `openstack server event list/show` and openstacksdk."""

from __future__ import annotations

import hashlib

import pytest

from tests.server_helpers import CLIENT, SERVERS, create, image_id

STOP_EVENT = "compute_stop_instance"


def actions(api, server_id: str, *, version: str = "2.1", user: str = "demo", query: str = "") -> dict:
    from tests.tempest_schemas import assert_valid

    response = api.get(f"{SERVERS}/{server_id}/os-instance-actions{query}", version=version, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(CLIENT, "list_instance_actions", version, 200, response.headers, response.get_json())
    return response.get_json()


def action(api, server_id: str, request_id: str, *, version: str = "2.1", user: str = "demo") -> dict:
    from tests.tempest_schemas import assert_valid

    response = api.get(f"{SERVERS}/{server_id}/os-instance-actions/{request_id}", version=version, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(CLIENT, "show_instance_action", version, 200, response.headers, response.get_json())
    return response.get_json()["instanceAction"]


def post_action(api, server_id: str, body: dict, *, user: str = "demo", version: str = "2.1") -> str:
    """The action's request id, as the client sees it in the response headers."""
    response = api.post(f"{SERVERS}/{server_id}/action", json=body, user=user, version=version)
    assert response.status_code in (200, 202), response.get_data(as_text=True)
    return response.headers["X-Compute-Request-ID"]


def booted(api) -> tuple[str, str]:
    """(server id, the create request id) of a server that finished its 5 s build."""
    response = api.post(SERVERS, json={"server": {"name": "vm", "imageRef": image_id(api.backend), "flavorRef": "1"}})
    assert response.status_code == 202
    api.backend.clock.advance(5)
    return response.get_json()["server"]["id"], response.headers["X-Compute-Request-ID"]


def project_id(api, name: str = "demo") -> str:
    return next(p["id"] for p in api.backend.store.projects.values() if p["name"] == name)


def test_create_and_stop_are_listed_newest_first(frozen):
    server_id, create_request = booted(frozen)
    stop_request = post_action(frozen, server_id, {"os-stop": None})
    listed = actions(frozen, server_id)["instanceActions"]
    assert [(a["action"], a["request_id"]) for a in listed] == [("stop", stop_request), ("create", create_request)]
    demo_user = next(u["id"] for u in frozen.backend.store.users.values() if u["name"] == "demo")
    assert listed[0] == {"action": "stop", "instance_uuid": server_id, "request_id": stop_request,
                         "user_id": demo_user, "project_id": project_id(frozen), "message": None,
                         "start_time": listed[0]["start_time"]}
    assert listed[1]["start_time"] < listed[0]["start_time"]


def test_event_finishes_when_the_transition_ends(frozen):
    server_id, _ = booted(frozen)
    request_id = post_action(frozen, server_id, {"os-stop": None})
    (event,) = action(frozen, server_id, request_id, user="admin")["events"]
    assert (event["event"], event["finish_time"], event["result"], event["traceback"]) == (STOP_EVENT, None, None, None)
    frozen.backend.clock.advance(2)
    shown = action(frozen, server_id, request_id, user="admin", version="2.58")
    (event,) = shown["events"]
    assert event["result"] == "Success" and event["finish_time"] == shown["updated_at"]
    assert event["finish_time"] > event["start_time"] == shown["start_time"]


def test_create_records_conductor_and_compute_events(frozen):
    server_id, request_id = booted(frozen)
    events = action(frozen, server_id, request_id, user="admin")["events"]
    assert [(e["event"], e["result"]) for e in events] == [
        ("conductor_schedule_and_build_instances", "Success"), ("compute__do_build_and_run_instance", "Success")]


def test_events_visibility_by_microversion_and_role(frozen):
    server_id, _ = booted(frozen)
    request_id = post_action(frozen, server_id, {"pause": None})
    frozen.backend.clock.advance(1)
    assert "events" not in action(frozen, server_id, request_id, version="2.50")
    assert set(action(frozen, server_id, request_id, version="2.50", user="admin")["events"][0]) == {
        "event", "start_time", "finish_time", "result", "traceback"}
    assert set(action(frozen, server_id, request_id, version="2.51")["events"][0]) == {
        "event", "start_time", "finish_time", "result"}
    host_id = hashlib.sha224((project_id(frozen) + "compute1").encode()).hexdigest()
    member = action(frozen, server_id, request_id, version="2.62")["events"][0]
    assert member["hostId"] == host_id and "host" not in member
    admin = action(frozen, server_id, request_id, version="2.62", user="admin")["events"][0]
    assert (admin["host"], admin["hostId"], "details" in admin) == ("compute1", host_id, False)
    admin = action(frozen, server_id, request_id, version="2.84", user="admin")["events"][0]
    assert admin["details"] is None
    assert "details" not in action(frozen, server_id, request_id, version="2.84")["events"][0]


def test_updated_at_appears_at_2_58(frozen):
    server_id, _ = booted(frozen)
    import datetime as dt

    assert "updated_at" not in actions(frozen, server_id, version="2.57")["instanceActions"][0]
    (created,) = actions(frozen, server_id, version="2.58")["instanceActions"]
    started, updated = (dt.datetime.fromisoformat(created[key]) for key in ("start_time", "updated_at"))
    assert updated - started == dt.timedelta(seconds=5)  # the build's end


def test_a_failed_build_is_an_error_with_a_traceback_for_admins(frozen):
    frozen.client.post("/_fake/faults", json={"match": {"server": "unlucky"}, "build": "error",
                                              "response": {"message": "No valid host was found. "}})
    response = frozen.post(SERVERS, json={"server": {"name": "unlucky", "imageRef": image_id(frozen.backend),
                                                     "flavorRef": "1"}})
    server_id, request_id = response.get_json()["server"]["id"], response.headers["X-Compute-Request-ID"]
    frozen.backend.clock.advance(5)
    shown = action(frozen, server_id, request_id, user="admin", version="2.84")
    assert shown["message"] == "Error"
    compute = shown["events"][-1]
    assert compute["result"] == "Error" and compute["details"] == "No valid host was found. "
    assert compute["traceback"].startswith("Traceback (most recent call last):")
    member = action(frozen, server_id, request_id, version="2.84")
    assert member["message"] == "Error" and "traceback" not in member["events"][-1]


def test_delete_during_build_interrupts_the_create(frozen):
    server = create(frozen, version="2.1")
    frozen.backend.clock.advance(2)
    assert frozen.delete(f"{SERVERS}/{server['id']}").status_code == 204
    frozen.backend.clock.advance(5)
    listed = actions(frozen, server["id"], version="2.21")["instanceActions"]
    assert [a["action"] for a in listed] == ["delete", "create"]
    assert listed[1]["message"] == "Error"


def test_deleted_servers_are_readable_from_2_21(frozen):
    server_id, request_id = booted(frozen)
    assert frozen.delete(f"{SERVERS}/{server_id}").status_code == 204
    frozen.backend.clock.advance(1)
    for path in ("", f"/{request_id}"):
        response = frozen.get(f"{SERVERS}/{server_id}/os-instance-actions{path}", version="2.20")
        assert (response.status_code, response.get_json()) == (404, {"itemNotFound": {
            "code": 404, "message": f"Instance {server_id} could not be found."}})
    assert [a["action"] for a in actions(frozen, server_id, version="2.21")["instanceActions"]] == ["delete", "create"]
    assert action(frozen, server_id, request_id, version="2.21")["action"] == "create"


def test_other_projects_and_unknown_requests_are_404(frozen):
    server_id, _ = booted(frozen)
    response = frozen.get(f"{SERVERS}/{server_id}/os-instance-actions", user="alt_demo")
    assert response.status_code == 404
    response = frozen.get(f"{SERVERS}/{server_id}/os-instance-actions/req-nope")
    assert (response.status_code, response.get_json()) == (404, {"itemNotFound": {
        "code": 404, "message": "Action req-nope not found"}})
    assert len(actions(frozen, server_id, user="admin")["instanceActions"]) == 1


def test_what_is_recorded_and_what_is_not(frozen):
    server_id, _ = booted(frozen)
    post_action(frozen, server_id, {"lock": None})
    post_action(frozen, server_id, {"lock": None})  # already locked by its owner: nothing happens
    post_action(frozen, server_id, {"unlock": None})
    post_action(frozen, server_id, {"os-getConsoleOutput": {}})
    post_action(frozen, server_id, {"removeSecurityGroup": {"name": "default"}})
    post_action(frozen, server_id, {"os-resetState": {"state": "active"}}, user="admin")
    post_action(frozen, server_id, {"reboot": {"type": "HARD"}})
    response = frozen.post(f"{SERVERS}/{server_id}/action", json={"pause": None})
    assert response.status_code == 409  # refused actions are not recorded
    listed = actions(frozen, server_id)["instanceActions"]
    assert [a["action"] for a in listed] == ["reboot", "resetState", "unlock", "lock", "create"]
    lock = action(frozen, server_id, listed[3]["request_id"], user="admin")
    assert [(e["event"], e["result"]) for e in lock["events"]] == [("api_lock", "Success")]
    assert action(frozen, server_id, listed[1]["request_id"], user="admin")["events"] == []


def test_paging_with_limit_and_marker_from_2_58(frozen):
    server_id, create_request = booted(frozen)
    requests = []
    for body in ({"pause": None}, {"unpause": None}, {"suspend": None}):
        requests.append(post_action(frozen, server_id, body))
        frozen.backend.clock.advance(2)
    page = actions(frozen, server_id, version="2.58", query="?limit=2")
    assert [a["request_id"] for a in page["instanceActions"]] == [requests[2], requests[1]]
    (link,) = page["links"]
    assert link["rel"] == "next"
    assert link["href"] == (f"http://localhost/compute/v2.1/servers/{server_id}/os-instance-actions"
                            f"?limit=2&marker={requests[1]}")
    page = actions(frozen, server_id, version="2.58", query=f"?limit=2&marker={requests[1]}")
    assert [a["request_id"] for a in page["instanceActions"]] == [requests[0], create_request]
    page = actions(frozen, server_id, version="2.58", query=f"?marker={requests[0]}")
    assert [a["request_id"] for a in page["instanceActions"]] == [create_request] and "links" not in page
    assert actions(frozen, server_id, version="2.58", query="?limit=0")["instanceActions"] == []
    # Below 2.58 the query string is not looked at.
    assert len(actions(frozen, server_id, version="2.57", query="?limit=1&bogus=1")["instanceActions"]) == 4


@pytest.mark.parametrize("query,message", [
    ("?marker=req-unknown", "Marker None could not be found."),
    ("?limit=-1", "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"),
    ("?bogus=1", "Additional properties are not allowed ('bogus' was unexpected)"),
    ("?changes-since=yesterday",
     "Invalid input for query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'"),
])
def test_paging_errors_are_400(frozen, query, message):
    server_id, _ = booted(frozen)
    response = frozen.get(f"{SERVERS}/{server_id}/os-instance-actions{query}", version="2.58")
    assert (response.status_code, response.get_json()) == (400, {"badRequest": {"code": 400, "message": message}})


def test_changes_since_and_before_filter_on_updated_at(frozen):
    from fakenova.clock import isotime

    server_id, _ = booted(frozen)  # create updated at t0 + 5
    frozen.backend.clock.advance(100)
    middle = isotime(frozen.backend.clock.time())
    post_action(frozen, server_id, {"pause": None})
    frozen.backend.clock.advance(1)
    since = actions(frozen, server_id, version="2.58", query=f"?changes-since={middle}")["instanceActions"]
    assert [a["action"] for a in since] == ["pause"]
    before = actions(frozen, server_id, version="2.66", query=f"?changes-before={middle}")["instanceActions"]
    assert [a["action"] for a in before] == ["create"]
    response = frozen.get(f"{SERVERS}/{server_id}/os-instance-actions?changes-before={middle}", version="2.65")
    assert response.status_code == 400
    late = isotime(frozen.backend.clock.time() + 50)
    response = frozen.get(f"{SERVERS}/{server_id}/os-instance-actions?changes-since={late}&changes-before={middle}",
                          version="2.66")
    assert response.get_json() == {"badRequest": {"code": 400, "message": (
        "The value of changes-since must be less than or equal to changes-before.")}}


def test_show_rejects_query_parameters_from_2_102(frozen):
    server_id, request_id = booted(frozen)
    path = f"{SERVERS}/{server_id}/os-instance-actions/{request_id}?x=1"
    assert frozen.get(path, version="2.101").status_code == 200
    response = frozen.get(path, version="2.102")
    assert (response.status_code, response.get_json()["badRequest"]["message"]) == (
        400, "Additional properties are not allowed ('x' was unexpected)")


# --- real clients --------------------------------------------------------------------------------

def test_openstack_cli_server_event_list_and_show(live):
    live.backend.settings.durations = {"build": 0, "stop": 0}
    image = image_id(live.backend)
    server = live.openstack("server", "create", "--image", image, "--flavor", "m1.tiny", "--network", "private",
                            "vm", "-f", "json")
    live.openstack("server", "stop", "vm")
    events = live.openstack("server", "event", "list", "vm", "-f", "json")
    assert [e["Action"] for e in events] == ["stop", "create"]
    assert all(e["Server ID"] == server["id"] for e in events)
    shown = live.openstack("server", "event", "show", "vm", events[0]["Request ID"], "-f", "json")
    assert shown["action"] == "stop" and shown["request_id"] == events[0]["Request ID"]
    assert [e["event"] for e in shown["events"]] == [STOP_EVENT]
    assert shown["events"][0]["result"] == "Success"


def test_openstacksdk_server_actions(live):
    live.backend.settings.durations = {"build": 0, "reboot": 0}
    conn = live.sdk()
    network = next(n["id"] for n in live.backend.store.networks.values() if n["name"] == "private")
    server = conn.compute.create_server(name="vm", image_id=image_id(live.backend), flavor_id="1",
                                        networks=[{"uuid": network}])
    conn.compute.reboot_server(server, "HARD")
    listed = list(conn.compute.server_actions(server))
    assert [a.action for a in listed] == ["reboot", "create"]
    shown = conn.compute.get_server_action(listed[0].request_id, server)
    assert [e.event for e in shown.events] == ["compute_reboot_instance"]
