"""The control plane (/_fake) through HTTP, and the same operations through the FakeNova handle
(in-process, and remote against the live server)."""

from __future__ import annotations

import json
import logging
import random

import pytest
import requests

from fakenova.config import Settings
from fakenova.domain.compute import lifecycle
from fakenova.domain.control import faults as faults_domain
from fakenova.domain.control.forced_status import STATUSES
from fakenova.domain.control.journal import Journal
from fakenova.testing import FakeNova, FakeNovaError
from tests.conftest import password_auth
from tests.tempest_schemas import assert_valid

SERVERS = "servers_client.ServersClient"
KEYPAIRS = "keypairs_client.KeyPairsClient"


def _image_id(backend) -> str:
    return next(iter(backend.store.images))


def create_server(api, name: str = "vm1", version: str = "2.37", user: str = "demo"):
    body = {"server": {"name": name, "imageRef": _image_id(api.backend), "flavorRef": "1", "networks": "auto"}}
    return api.post("/compute/v2.1/servers", json=body, version=version, user=user)


@pytest.fixture
def instant(backend):
    backend.settings.durations = dict.fromkeys(lifecycle.DEFAULT_DURATIONS, 0)
    return backend


# --- reset ---------------------------------------------------------------------------------------

def test_reset_restores_the_seeded_state_and_clears_rules_and_journal(api):
    response = api.post("/compute/v2.1/os-keypairs", json={"keypair": {"name": "k1"}}, version="2.1")
    assert response.status_code == 200
    api.client.post("/_fake/faults", json={"match": {"path": "/nowhere"}, "response": {"status": 500}})

    response = api.client.post("/_fake/reset")
    assert response.status_code == 200
    assert response.json["reset"] is True

    assert api.client.get("/_fake/faults").json == {"faults": []}
    assert api.client.get("/_fake/requests").json == {"requests": []}
    api._tokens.clear()  # tokens are state too: the old one is gone
    response = api.get("/compute/v2.1/os-keypairs/k1", version="2.1")
    assert response.status_code == 404
    assert response.json == {"itemNotFound": {"code": 404, "message": f"Keypair k1 not found for user "
                                              f"{api.backend.store.tokens[api.token()]['user_id']}"}}


# --- clock ---------------------------------------------------------------------------------------

def test_clock_freeze_advance_speed(client):
    state = client.get("/_fake/clock").json
    assert set(state) == {"now", "frozen", "speed"} and state["frozen"] is False and state["speed"] == 1.0

    frozen = client.post("/_fake/clock", json={"freeze": True}).json
    assert frozen["frozen"] is True
    assert client.get("/_fake/clock").json["now"] == frozen["now"]  # frozen: time stands still

    advanced = client.post("/_fake/clock", json={"advance": 90.5}).json
    from fakenova.validation import parse_iso8601
    delta = parse_iso8601(advanced["now"]) - parse_iso8601(frozen["now"])
    assert delta.total_seconds() == 90.5

    assert client.post("/_fake/clock", json={"speed": 10}).json["speed"] == 10.0
    assert client.post("/_fake/clock", json={"freeze": False}).json["frozen"] is False


def test_re_anchoring_keeps_a_clock_that_follows_the_wall_exact(monkeypatch):
    # Issue 15: every re-anchoring (a POST /_fake/clock {"speed": 1}, unfreeze) read the wall twice,
    # microseconds apart, so a clock following the wall ran that much behind it; under freezegun a
    # new server was created at 23:59:59Z instead of 00:00:00Z. The wall here ticks 1 µs per reading.
    from fakenova.clock import Clock, micro_z

    readings = iter(1_700_000_000 + n / 1_000_000 for n in range(1_000))
    monkeypatch.setattr("time.time", lambda: next(readings))
    clock = Clock()
    clock.set_speed(1.0)
    clock.unfreeze()
    clock.set_speed(1.0)
    frozen_at = 1_893_456_000.0  # 2030-01-01T00:00:00Z, as freezegun would return it
    monkeypatch.setattr("time.time", lambda: frozen_at)
    assert clock.time() == frozen_at
    assert micro_z(clock.time()) == "2030-01-01T00:00:00.000000Z"


def test_follow_wall_undoes_freeze_advance_and_speed(monkeypatch):
    from fakenova.clock import Clock

    clock = Clock()
    clock.advance(3600)
    clock.set_speed(5)
    clock.freeze()
    clock.follow_wall()
    monkeypatch.setattr("time.time", lambda: 1_893_456_000.0)
    assert (clock.time(), clock.frozen, clock.speed) == (1_893_456_000.0, False, 1.0)


@pytest.mark.parametrize("body, message", [
    ({"advance": -1}, "advance must be a number of seconds, zero or more (the clock only moves forward)."),
    ({"advance": "10"}, "advance must be a number of seconds, zero or more (the clock only moves forward)."),
    ({"freeze": "yes"}, "freeze must be true or false."),
    ({"speed": -2}, "speed must be a number, zero or more."),
    ({"speed": True}, "speed must be a number, zero or more."),
    ({"rewind": 5}, "Unknown clock setting(s): rewind. Use freeze, advance, speed."),
    ([1], "Expected an object with any of freeze, advance, speed."),
])
def test_clock_rejects_bad_values_and_changes_nothing(client, body, message):
    client.post("/_fake/clock", json={"freeze": True})
    before = client.get("/_fake/clock").json
    response = client.post("/_fake/clock", json={**body, "freeze": False} if isinstance(body, dict) and "freeze" not in body else body)
    assert response.status_code == 400
    assert response.json == {"error": {"code": 400, "message": message}}
    assert client.get("/_fake/clock").json == before


def test_clock_rejects_a_body_that_is_not_json(client):
    response = client.post("/_fake/clock", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json == {"error": {"code": 400, "message": "The body is not valid JSON."}}


# --- fault rules ---------------------------------------------------------------------------------

def test_a_rule_fires_twice_then_stops(api):
    created = api.client.post("/_fake/faults", json={
        "match": {"method": "GET", "path": "/compute/v2.1/flavors*"},
        "response": {"status": 500, "message": "Injected boom"}, "times": 2})
    assert created.status_code == 201
    rule = created.json
    assert rule["id"] == "rule-1" and rule["times"] == 2 and rule["fired"] == 0

    statuses = []
    for _ in range(3):
        response = api.get("/compute/v2.1/flavors", version="2.1")
        statuses.append(response.status_code)
        if response.status_code == 500:
            assert response.json == {"computeFault": {"code": 500, "message": "Injected boom"}}
            # A faulted compute answer still carries the compute headers clients need.
            assert response.headers["OpenStack-API-Version"] == "compute 2.1"
            assert response.headers["X-OpenStack-Request-ID"].startswith("req-")
    assert statuses == [500, 500, 200]
    assert_valid("flavors_client.FlavorsClient", "list_flavors", "2.1", 200, response.headers, response.json)

    assert api.client.get("/_fake/faults/rule-1").json["fired"] == 2
    journal = api.client.get("/_fake/requests?path=/compute/v2.1/flavors").json["requests"]
    assert [(e["status"], e["fault_rule"]) for e in journal] == [(500, "rule-1"), (500, "rule-1"), (200, None)]


def test_after_respond_returns_the_error_but_the_server_is_created(api, instant):
    api.client.post("/_fake/faults", json={"match": {"method": "POST", "path": "/compute/v2.1/servers"},
                                            "response": {"status": 500}, "after": "respond", "times": 1})
    response = create_server(api, "doomed-but-real")
    assert response.status_code == 500
    assert response.json == {"computeFault": {"code": 500, "message": "Internal Server Error"}}

    listed = api.get("/compute/v2.1/servers?name=doomed-but-real", version="2.37")
    assert listed.status_code == 200
    assert_valid(SERVERS, "list_servers", "2.37", 200, listed.headers, listed.json)
    assert [s["name"] for s in listed.json["servers"]] == ["doomed-but-real"]


def test_probability_is_reproducible_with_a_seed(api):
    def run() -> list[int]:
        api.client.post("/_fake/reset")
        api._tokens.clear()
        api.client.post("/_fake/faults", json={"match": {"path": "/compute/v2.1/flavors"},
                                                "response": {"status": 503}, "probability": 0.5, "seed": 7})
        return [api.get("/compute/v2.1/flavors", version="2.1").status_code for _ in range(16)]

    first, second = run(), run()
    assert first == second
    draws = random.Random(7)
    assert first == [503 if draws.random() < 0.5 else 200 for _ in range(16)]
    assert {200, 503} <= set(first)


def test_a_sequence_is_consumed_per_match(api):
    api.client.post("/_fake/faults", json={"match": {"path": "/compute/v2.1/flavors"},
                                            "response": {"status": 409, "message": "busy"},
                                            "sequence": ["fail", "pass", "fail"]})
    statuses = [api.get("/compute/v2.1/flavors", version="2.1").status_code for _ in range(5)]
    assert statuses == [409, 200, 409, 200, 200]


def test_rules_match_on_action_project_and_server_name(api, instant):
    server_id = create_server(api, "web-1").json["server"]["id"]
    create_server(api, "web-2", user="alt_demo")
    api.client.post("/_fake/faults", json={"match": {"action": "reboot", "project": "demo", "server": "web-1"},
                                            "response": {"status": 409, "message": "Not now"}})

    other_server = create_server(api, "web-3").json["server"]["id"]
    api.post(f"/compute/v2.1/servers/{server_id}/action", json={"os-stop": None}, version="2.37")
    api.post(f"/compute/v2.1/servers/{other_server}/action", json={"reboot": {"type": "SOFT"}}, version="2.37")
    response = api.post(f"/compute/v2.1/servers/{server_id}/action", json={"reboot": {"type": "SOFT"}}, version="2.37")
    assert response.status_code == 409
    assert response.json == {"conflictingRequest": {"code": 409, "message": "Not now"}}
    by_id = api.client.get("/_fake/requests?method=POST&path=*/action").json["requests"]
    assert [(e["action"], e["fault_rule"]) for e in by_id] == [("os-stop", None), ("reboot", None), ("reboot", "rule-1")]


def test_errors_take_the_target_services_shape(api):
    api.token("demo")
    for path, status in (("/identity/v3/auth/tokens", 503), ("/networking/v2.0/networks", 404)):
        api.client.post("/_fake/faults", json={"match": {"path": path}, "response": {"status": status, "message": "down"}})
    keystone = api.client.post("/identity/v3/auth/tokens", json=password_auth("demo"))
    assert keystone.status_code == 503
    assert keystone.json == {"error": {"code": 503, "title": "Service Unavailable", "message": "down"}}
    neutron = api.get("/networking/v2.0/networks")
    assert neutron.status_code == 404
    assert neutron.json == {"NeutronError": {"type": "NotFound", "message": "down", "detail": ""}}


def test_fake_latency_moves_the_fake_clock_not_the_wall(api):
    api.client.post("/_fake/clock", json={"freeze": True})
    before = api.client.get("/_fake/clock").json["now"]
    api.client.post("/_fake/faults", json={"match": {"path": "/compute/v2.1/flavors"},
                                            "response": {"latency": 45, "latency_clock": "fake"}})
    response = api.get("/compute/v2.1/flavors", version="2.1")
    assert response.status_code == 200
    from fakenova.validation import parse_iso8601
    after = api.client.get("/_fake/clock").json["now"]
    assert (parse_iso8601(after) - parse_iso8601(before)).total_seconds() == 45


def test_retry_after_headers_can_be_injected(api):
    api.client.post("/_fake/faults", json={"match": {"path": "/compute/v2.1/flavors"},
                                            "response": {"status": 429, "message": "slow down",
                                                         "headers": {"Retry-After": "3"}}})
    response = api.get("/compute/v2.1/flavors", version="2.1")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.json == {"overLimit": {"code": 429, "message": "slow down"}}


def test_build_rule_makes_the_build_end_in_error(api, instant):
    api.client.post("/_fake/faults", json={"match": {"server": "unlucky"}, "build": "error",
                                            "response": {"message": "No valid host was found. "}})
    lucky = create_server(api, "lucky").json["server"]["id"]
    unlucky = create_server(api, "unlucky").json["server"]["id"]
    assert api.get(f"/compute/v2.1/servers/{lucky}", version="2.37").json["server"]["status"] == "ACTIVE"
    shown = api.get(f"/compute/v2.1/servers/{unlucky}", version="2.37")
    assert_valid(SERVERS, "get_server", "2.37", 200, shown.headers, shown.json)
    assert shown.json["server"]["status"] == "ERROR"
    assert shown.json["server"]["fault"]["message"] == "No valid host was found. "
    assert shown.json["server"]["fault"]["code"] == 500


def test_build_failure_for_counts_times(backend):
    backend.faults.add({"build": "error", "match": {"project": "demo"}, "times": 1})
    demo = next(p["id"] for p in backend.store.projects.values() if p["name"] == "demo")
    server = {"id": "s1", "name": "a", "project_id": demo}
    assert faults_domain.build_failure_for(backend, server) == {
        "code": 500, "message": "No valid host was found. There are not enough hosts available.", "rule": "rule-1"}
    assert faults_domain.build_failure_for(backend, server) is None
    assert faults_domain.build_failure_for(backend, {**server, "project_id": "other"}) is None


@pytest.mark.parametrize("rule, message", [
    ({"match": {"path": "/x"}}, 'a rule needs response.status, response.latency or "build": "error"'),
    ({"response": {"status": 200}}, "response.status: 200 is less than the minimum of 400"),
    ({"response": {"status": 500}, "probability": 2}, "probability: 2 is greater than the maximum of 1"),
    ({"response": {"status": 500}, "sequence": ["fail", "maybe"]}, "sequence.1: 'maybe' is not one of ['fail', 'pass']"),
    ({"response": {"status": 500}, "match": {"colour": "red"}},
     "match: Additional properties are not allowed ('colour' was unexpected)"),
    ({"response": {"status": 500}, "match": {"path": "^(broken"}},
     "match.path: invalid regular expression '^(broken': missing ), unterminated subpattern at position 1"),
    ({"response": {"latency": 1}, "after": "respond"}, '"after": "respond" needs response.status'),
    ({"build": "error", "match": {"method": "POST"}}, "a build rule matches on project and server only"),
    ("500 please", "a fault rule must be a JSON object"),
])
def test_bad_rules_are_400(client, rule, message):
    response = client.post("/_fake/faults", json=rule)
    assert response.status_code == 400
    assert response.json == {"error": {"code": 400, "message": f"Invalid fault rule: {message}"}}
    assert client.get("/_fake/faults").json == {"faults": []}


def test_list_get_and_delete_rules(client):
    first = client.post("/_fake/faults", json={"response": {"status": 500}, "match": {"path": "/a"}}).json
    second = client.post("/_fake/faults", json={"response": {"status": 500}, "match": {"path": "/b"}}).json
    assert [r["id"] for r in client.get("/_fake/faults").json["faults"]] == [first["id"], second["id"]]
    assert client.delete(f"/_fake/faults/{first['id']}").status_code == 204
    missing = client.get(f"/_fake/faults/{first['id']}")
    assert missing.status_code == 404
    assert missing.json == {"error": {"code": 404, "message": "Fault rule rule-1 not found"}}
    assert client.delete("/_fake/faults").status_code == 204
    assert client.get("/_fake/faults").json == {"faults": []}


# --- forced server status ------------------------------------------------------------------------

def test_force_error_with_a_fault_then_active_after_30_seconds(api, instant):
    server_id = create_server(api).json["server"]["id"]
    api.client.post("/_fake/clock", json={"freeze": True})
    response = api.client.post(f"/_fake/servers/{server_id}/status", json={
        "status": "ERROR", "fault": {"code": 500, "message": "disk on fire"}, "then": {"after": 30, "status": "ACTIVE"}})
    assert response.status_code == 200
    forced = response.json["server"]
    assert (forced["status"], forced["vm_state"], forced["task_state"]) == ("ERROR", "error", None)
    assert forced["pending"]["status"] == "ACTIVE"

    shown = api.get(f"/compute/v2.1/servers/{server_id}", version="2.37")
    assert_valid(SERVERS, "get_server", "2.37", 200, shown.headers, shown.json)
    assert shown.json["server"]["status"] == "ERROR"
    assert shown.json["server"]["fault"]["message"] == "disk on fire"

    api.client.post("/_fake/clock", json={"advance": 29})
    assert api.get(f"/compute/v2.1/servers/{server_id}", version="2.37").json["server"]["status"] == "ERROR"
    api.client.post("/_fake/clock", json={"advance": 1})
    shown = api.get(f"/compute/v2.1/servers/{server_id}", version="2.37")
    assert shown.json["server"]["status"] == "ACTIVE"
    assert shown.json["server"]["OS-EXT-STS:power_state"] == 1


def test_every_status_can_be_forced_coherently(api, instant):
    server_id = create_server(api).json["server"]["id"]
    assert len(STATUSES) == 20
    for status in STATUSES:
        forced = api.client.post(f"/_fake/servers/{server_id}/status", json={"status": status.lower()}).json["server"]
        assert forced["status"] == status
        assert lifecycle.status_from_state(forced["vm_state"], forced["task_state"]) == status
        expected_power = lifecycle.POWER_OF_VM_STATE.get(forced["vm_state"])
        if expected_power is not None:
            assert forced["power_state"] == expected_power
    shown = api.get(f"/compute/v2.1/servers/{server_id}", version="2.37", user="admin")
    assert shown.json["server"]["status"] == "VERIFY_RESIZE"


@pytest.mark.parametrize("body, code, message", [
    ({"status": "EXPLODED"}, 400, "status: must be one of " + ", ".join(STATUSES)),
    ({"status": "ERROR", "fault": {"code": 500}}, 400,
     'fault: expected {"code": N, "message": "...", "details"?: "..."}'),
    ({"status": "ERROR", "then": {"after": -1, "status": "ACTIVE"}}, 400,
     "then.after: must be a number of seconds, zero or more"),
    ({"status": "ERROR", "colour": 1}, 400, "unknown keys: colour"),
])
def test_force_status_rejects_bad_requests(api, instant, body, code, message):
    server_id = create_server(api).json["server"]["id"]
    response = api.client.post(f"/_fake/servers/{server_id}/status", json=body)
    assert response.status_code == code
    assert response.json == {"error": {"code": code, "message": message}}


def test_force_status_of_an_unknown_server_is_404(client):
    response = client.post("/_fake/servers/nope/status", json={"status": "ACTIVE"})
    assert response.status_code == 404
    assert response.json == {"error": {"code": 404, "message": "Server nope not found"}}


# --- the journal ---------------------------------------------------------------------------------

def test_journal_records_requests_with_redacted_passwords(api):
    api.client.post("/identity/v3/auth/tokens", json=password_auth("demo"), headers={"User-Agent": "my-tool/1.0"})
    api.get("/compute/v2.1/flavors?limit=1", version="2.50")
    api.client.get("/_fake/clock")  # the control plane is never journaled

    entries = api.client.get("/_fake/requests").json["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/identity/v3/auth/tokens", 201),
        ("POST", "/identity/v3/auth/tokens", 201),   # the api helper's own login
        ("GET", "/compute/v2.1/flavors", 200)]
    login = entries[0]
    assert login["body"]["auth"]["identity"]["password"]["user"] == {
        "name": "demo", "domain": {"name": "Default"}, "password": "***"}
    assert login["headers"]["User-Agent"] == "my-tool/1.0"
    assert login["headers"]["Content-Type"] == "application/json"
    flavors = entries[2]
    assert flavors["query"] == {"limit": ["1"]}
    assert flavors["microversion"] == "2.50"
    assert flavors["headers"]["OpenStack-API-Version"] == "compute 2.50"
    assert flavors["user"] == "demo"
    assert flavors["project_id"] == next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "demo")
    assert flavors["request_id"].startswith("req-") and flavors["time"].endswith("Z")
    assert flavors["fault_rule"] is None and flavors["action"] is None


def test_journal_filters(api):
    api.get("/compute/v2.1/flavors", version="2.1")
    api.get("/compute/v2.1/flavors", version="2.1", user="alt_demo")
    api.get("/compute/v2.1/servers/missing", version="2.1")
    get = api.client.get

    assert len(get("/_fake/requests?method=get").json["requests"]) == 3
    assert [e["path"] for e in get("/_fake/requests?status=404").json["requests"]] == ["/compute/v2.1/servers/missing"]
    assert [e["user"] for e in get("/_fake/requests?project=alt_demo").json["requests"]] == ["alt_demo"]
    demo_id = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "demo")
    assert len(get(f"/_fake/requests?project={demo_id}&path=^/compute/.*/flavors$").json["requests"]) == 1
    bad = get("/_fake/requests?status=teapot")
    assert bad.status_code == 400 and bad.json == {"error": {"code": 400, "message": "status must be an HTTP status code."}}

    assert api.client.delete("/_fake/requests").status_code == 204
    assert get("/_fake/requests").json == {"requests": []}


def test_journal_is_bounded():
    journal = Journal(max_entries=3)
    for index in range(5):
        journal.record({"method": "GET", "path": f"/{index}", "status": 200, "project_id": None})
    assert [e["path"] for e in journal.entries()] == ["/2", "/3", "/4"]


def test_one_log_line_per_request(api, caplog):
    api.client.post("/_fake/faults", json={"match": {"path": "/compute/v2.1/flavors"}, "response": {"status": 500}})
    api.token("demo")
    with caplog.at_level(logging.INFO, logger="fakenova.requests"):
        api.get("/compute/v2.1/flavors?limit=1", version="2.10")
    lines = [r.getMessage() for r in caplog.records if r.name == "fakenova.requests"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /compute/v2.1/flavors?limit=1 500 microversion=2.10 project=demo ")
    assert lines[0].endswith("ms fault_rule=rule-1")


# --- state export / import -----------------------------------------------------------------------

def test_export_reset_import_round_trip(api, instant):
    api.client.post("/_fake/clock", json={"freeze": True})
    api.post("/compute/v2.1/os-keypairs", json={"keypair": {"name": "kept"}}, version="2.1")
    server_id = create_server(api, "kept-vm").json["server"]["id"]
    api.client.post("/_fake/faults", json={"match": {"path": "/x"}, "response": {"status": 500}, "probability": 0.3})
    exported = api.client.get("/_fake/state").json
    assert exported["format"] == "fakenova-state/1"

    api.client.post("/_fake/reset")
    assert api.client.get("/_fake/state").json != exported

    restored = api.client.put("/_fake/state", json=exported)
    assert restored.status_code == 200
    assert restored.json == exported
    assert api.client.get("/_fake/state").json == exported
    # Old tokens are state too: the same token works again, and the server and key pair are back.
    shown = api.get(f"/compute/v2.1/servers/{server_id}", version="2.37")
    assert shown.status_code == 200 and shown.json["server"]["name"] == "kept-vm"
    kept = api.get("/compute/v2.1/os-keypairs/kept", version="2.1")
    assert kept.status_code == 200
    assert_valid(KEYPAIRS, "get_keypair", "2.1", 200, kept.headers, kept.json)
    # The id generator continues where it was: the next server gets the id it would have got.
    next_id = create_server(api, "after").json["server"]["id"]
    api.client.put("/_fake/state", json=exported)
    assert create_server(api, "after").json["server"]["id"] == next_id


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(format="v0"), "format: expected 'fakenova-state/1', got 'v0'"),
    (lambda d: d.pop("store"), "missing keys: store"),
    (lambda d: d["store"].update(dragons={}), "store: unknown collections: dragons"),
    (lambda d: d["store"].update(servers=[]), "store.servers: must be a JSON object"),
    (lambda d: d["clock"].update(frozen="no"), "clock.frozen: must be true or false"),
    (lambda d: d.update(ids=[3, [1, 2], None]), "ids: not a generator state (state vector is the wrong size)"),
    (lambda d: d.update(ids="seven"), "ids: not a generator state (too many values to unpack (expected 3))"),
    (lambda d: d["faults"]["rules"].append({"id": "r", "probability": 3}),
     "faults.rules[r]: probability: 3 is greater than the maximum of 1"),
])
def test_bad_state_documents_are_400_and_change_nothing(client, mutate, message):
    document = client.get("/_fake/state").json
    client.post("/_fake/clock", json={"freeze": True})
    before = client.get("/_fake/state").json
    mutate(document)
    response = client.put("/_fake/state", json=document)
    assert response.status_code == 400
    assert response.json == {"error": {"code": 400, "message": f"Invalid state document: {message}"}}
    assert client.get("/_fake/state").json == before


# --- control token and catalog -------------------------------------------------------------------

@pytest.fixture
def guarded_settings():
    return Settings(control_token="s3cret")


def test_control_token_is_required_when_set(guarded_settings):
    from fakenova import create_app

    client = create_app(guarded_settings).test_client()
    for headers in ({}, {"X-Fake-Token": "wrong"}):
        response = client.get("/_fake/clock", headers=headers)
        assert response.status_code == 401
        assert response.json == {"error": {"code": 401, "message": "The control plane needs a valid X-Fake-Token header."}}
        assert "WWW-Authenticate" not in response.headers
    assert client.get("/_fake/clock", headers={"X-Fake-Token": "s3cret"}).status_code == 200
    # The services themselves do not need it.
    assert client.post("/identity/v3/auth/tokens", json=password_auth("demo")).status_code == 201


def test_the_control_plane_is_not_in_the_catalog(client):
    catalog = client.post("/identity/v3/auth/tokens", json=password_auth("demo")).json["token"]["catalog"]
    urls = [endpoint["url"] for service in catalog for endpoint in service["endpoints"]]
    assert urls and not any("/_fake" in url for url in urls)


# --- the FakeNova handle -------------------------------------------------------------------------

def test_handle_in_process_does_every_operation():
    fake = FakeNova(Settings(durations=dict.fromkeys(lifecycle.DEFAULT_DURATIONS, 0)))
    conn = fake.connection(in_process=True)
    assert fake.freeze()["frozen"] is True
    before = fake.clock()["now"]
    fake.advance(60)
    assert fake.clock()["now"] != before
    assert fake.set_speed(2)["speed"] == 2.0

    rule = fake.add_fault(method="GET", path="/compute/v2.1/flavors/detail", status=503, times=1)
    assert [r["id"] for r in fake.faults()] == [rule["id"]]
    from openstack import exceptions

    with pytest.raises(exceptions.HttpException) as failure:
        list(conn.compute.flavors())
    assert failure.value.status_code == 503
    assert [f.name for f in conn.compute.flavors()][:1] == ["m1.tiny"]
    fake.delete_fault(rule["id"])
    assert fake.faults() == []

    key = conn.compute.create_keypair(name="handle-key")
    assert [e["status"] for e in fake.requests(path="/compute/v2.1/flavors/detail")] == [503, 200]
    assert fake.requests(method="POST", path="/compute/v2.1/os-keypairs")[0]["body"] == {"keypair": {"name": "handle-key"}}

    server = conn.compute.create_server(name="h1", image_id=_image_id(fake.backend), flavor_id="1", networks="auto")
    forced = fake.set_status(server.id, "SHUTOFF")
    assert forced["status"] == "SHUTOFF"
    assert conn.compute.get_server(server.id).status == "SHUTOFF"

    saved = fake.export_state()
    fake.reset()
    assert fake.requests() == [] and fake.faults() == []
    fake.import_state(saved)
    assert fake.export_state() == saved
    conn = fake.connection(in_process=True)
    assert conn.compute.get_keypair(key.name).name == "handle-key"
    fake.clear_requests()
    assert fake.requests() == []
    with pytest.raises(FakeNovaError) as error:
        fake.set_status("nope", "ACTIVE")
    assert (error.value.status, error.value.message) == (404, "Server nope not found")


def test_handle_remote_against_a_running_server(live):
    fake = FakeNova.remote(live.url)
    fake.add_fault(path="/compute/v2.1/os-keypairs", method="POST", status=500, message="keystore down", times=1)
    conn = fake.connection("demo")
    from openstack import exceptions

    with pytest.raises(exceptions.HttpException) as failure:
        conn.compute.create_keypair(name="remote-key")
    assert failure.value.status_code == 500
    assert conn.compute.create_keypair(name="remote-key").name == "remote-key"
    journal = fake.requests(path="/compute/v2.1/os-keypairs", method="POST")
    assert [(e["status"], e["fault_rule"], e["microversion"]) for e in journal] == [
        (500, "rule-1", "2.10"), (201, None, "2.10")]
    state = fake.export_state()
    assert any(k["name"] == "remote-key" for k in state["store"]["keypairs"].values())
    fake.reset()
    assert fake.requests() == []


def test_handle_remote_sends_the_control_token(guarded_settings):
    with FakeNova.start(guarded_settings) as running:
        assert FakeNova.remote(running.url, control_token="s3cret").clock()["frozen"] is False
        with pytest.raises(FakeNovaError) as error:
            FakeNova.remote(running.url).clock()
        assert error.value.status == 401


def test_handle_credentials_environment_and_clouds_yaml(tmp_path, monkeypatch):
    import yaml

    with FakeNova.start() as fake:
        env = fake.os_environ("admin")
        assert env["OS_AUTH_URL"] == f"{fake.url}/identity" and env["OS_PASSWORD"] == "admin"
        path = tmp_path / "clouds.yaml"
        document = fake.clouds_yaml(path)
        assert yaml.safe_load(path.read_text()) == document
        assert document["clouds"]["fakenova-admin"]["auth"]["username"] == "admin"
        assert document["clouds"]["fakenova"]["auth"]["project_name"] == "demo"
        import openstack

        monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
        conn = openstack.connect(cloud="fakenova-admin")
        assert conn.current_project.name == "admin"


def test_forced_status_is_what_openstack_server_show_reports(live):
    """A status forced through the control plane is what the real CLI sees, fault included."""
    import requests

    from tests.server_helpers import IMAGE_NAME

    live.backend.settings.durations = {"build": 0}
    server = live.openstack("server", "create", "--image", IMAGE_NAME, "--flavor", "m1.tiny",
                            "--network", "private", "forced-vm", "-f", "json")
    forced = requests.post(f"{live.url}/_fake/servers/{server['id']}/status", timeout=10, json={
        "status": "ERROR", "fault": {"code": 500, "message": "disk on fire"},
        "then": {"after": 30, "status": "ACTIVE"}})
    assert forced.status_code == 200, forced.text
    shown = live.openstack("server", "show", server["id"], "-f", "json")
    assert shown["status"] == "ERROR"
    assert "disk on fire" in str(shown["fault"])
    requests.post(f"{live.url}/_fake/clock", json={"advance": 30}, timeout=10)
    assert live.openstack("server", "show", server["id"], "-f", "json")["status"] == "ACTIVE"


def test_a_state_export_of_70_servers_imports_back_over_http(live):
    # Issue 15: GET /_fake/state with ~70 servers was over the API body limit, so PUT /_fake/state
    # refused it with 413. The limit is for the services' API bodies; the control plane has none.
    live.backend.settings.quotas = {"instances": -1, "cores": -1, "ram": -1}
    live.backend.reset()
    conn = live.sdk("demo")
    image = next(iter(conn.image.images()))
    conn.compute.create_server(name="many", image_id=image.id, flavor_id="1", networks="auto",
                               min_count=70, max_count=70)
    fake = FakeNova.remote(live.url)
    exported = fake.export_state()
    size = len(json.dumps(exported))
    assert size > live.backend.settings.max_body_size, size
    fake.reset()
    assert fake.import_state(exported)["store"] == exported["store"]
    assert len(list(conn.compute.servers())) == 70
    # The services' own API bodies are still held to the limit.
    oversized = requests.post(f"{live.url}/compute/v2.1/os-keypairs", data="x" * size, timeout=30,
                              headers={"X-Auth-Token": conn.auth_token, "Content-Type": "application/json"})
    assert (oversized.status_code, oversized.json()) == (
        413, {"overLimit": {"code": 413, "message": "Request is too large."}})
