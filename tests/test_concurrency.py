"""Concurrent clients against the real threaded server (granian, fakenova.server): nothing lost, nothing doubled.

8 threads (4 in project demo, 4 in alt_demo) each run a bounded loop: create a server, reboot, stop
and start it, create and delete key pairs, delete the server (but leave the last one alive). All
transitions are instant. Afterwards every invariant is checked through the API: each 202'd create
exists or was deleted, ids are unique, /limits usage equals the servers counted, Neutron ports equal
the servers' addresses, every survivor is settled (no half-applied action), key pairs match.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import requests

from fakenova.api.compute import server_actions
from fakenova.pytest_plugin import instant_durations
from tests.conftest import password_auth
from tests.server_helpers import image_id

THREADS_PER_PROJECT = 4
ITERATIONS = 6
FLAVOR = {"id": "1", "vcpus": 1, "ram": 512}
ACTIONS = [("reboot", {"type": "SOFT"}, "ACTIVE"), ("os-stop", None, "SHUTOFF"), ("os-start", None, "ACTIVE")]


class Client:
    def __init__(self, live, user: str):
        self.base = live.url
        self.session = requests.Session()
        answer = self.session.post(f"{self.base}/identity/v3/auth/tokens", json=password_auth(user), timeout=30)
        answer.raise_for_status()
        self.session.headers.update({"X-Auth-Token": answer.headers["X-Subject-Token"],
                                     "OpenStack-API-Version": "compute 2.37"})

    def call(self, method: str, path: str, body=None):
        response = self.session.request(method, f"{self.base}{path}", json=body, timeout=30)
        return response.status_code, (response.json() if response.content else None)


def _worker(live, user: str, tag: str, image: str, results: dict, problems: list):
    client = Client(live, user)
    actions = [a for a in ACTIONS if a[0] in server_actions.ACTIONS]
    created, deleted, keypairs = [], [], []
    for i in range(ITERATIONS):
        status, body = client.call("POST", "/compute/v2.1/servers", {"server": {
            "name": f"{tag}-{i}", "imageRef": image, "flavorRef": FLAVOR["id"], "networks": "auto"}})
        if status != 202:
            problems.append((user, "create", status, body))
            continue
        server_id = body["server"]["id"]
        created.append(server_id)
        for name, value, _ in actions:
            status, body = client.call("POST", f"/compute/v2.1/servers/{server_id}/action", {name: value})
            if status != 202:
                problems.append((user, name, status, body))
        status, body = client.call("POST", "/compute/v2.1/os-keypairs", {"keypair": {"name": f"{tag}-key-{i}"}})
        if status != 201:
            problems.append((user, "keypair", status, body))
        else:
            keypairs.append(f"{tag}-key-{i}")
        if i % 2:
            status, body = client.call("DELETE", f"/compute/v2.1/os-keypairs/{keypairs[-1]}")
            if status != 204:
                problems.append((user, "keypair delete", status, body))
            else:
                keypairs.pop()
        if i < ITERATIONS - 1:  # the last server stays, so the final state has something to check
            status, body = client.call("DELETE", f"/compute/v2.1/servers/{server_id}")
            if status != 204:
                problems.append((user, "delete", status, body))
            else:
                deleted.append(server_id)
    results[tag] = {"user": user, "created": created, "deleted": deleted, "keypairs": keypairs}


@pytest.fixture
def instant_live(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", instant_durations())
    return live


def test_concurrent_clients_lose_nothing(instant_live):
    live = instant_live
    image = image_id(live.backend)
    results, problems = {}, []
    threads = [threading.Thread(target=_worker, args=(live, user, f"{user}-{n}", image, results, problems))
               for user in ("demo", "alt_demo") for n in range(THREADS_PER_PROJECT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert problems == []
    assert len(results) == 2 * THREADS_PER_PROJECT

    created = [server for run in results.values() for server in run["created"]]
    assert len(created) == 2 * THREADS_PER_PROJECT * ITERATIONS
    assert len(set(created)) == len(created), "a server id was handed out twice"
    existing = [action for action in ACTIONS if action[0] in server_actions.ACTIONS]
    final_status = existing[-1][2] if existing else "ACTIVE"

    alive = {}
    for user in ("demo", "alt_demo"):
        client = Client(live, user)
        runs = [run for run in results.values() if run["user"] == user]
        expected = {s for run in runs for s in run["created"]} - {s for run in runs for s in run["deleted"]}
        status, body = client.call("GET", "/compute/v2.1/servers/detail")
        assert status == 200
        listed = {server["id"]: server for server in body["servers"]}
        assert set(listed) == expected
        for server in listed.values():
            assert (server["status"], server["OS-EXT-STS:task_state"]) == (final_status, None)
        for server_id in {s for run in runs for s in run["deleted"]}:
            assert client.call("GET", f"/compute/v2.1/servers/{server_id}")[0] == 404

        status, body = client.call("GET", "/compute/v2.1/limits")
        absolute = body["limits"]["absolute"]
        assert (absolute["totalInstancesUsed"], absolute["totalCoresUsed"], absolute["totalRAMUsed"]) == (
            len(expected), len(expected) * FLAVOR["vcpus"], len(expected) * FLAVOR["ram"])

        alive.update(listed)

        status, body = client.call("GET", "/compute/v2.1/os-keypairs")
        assert sorted(k["keypair"]["name"] for k in body["keypairs"]) == sorted(
            name for run in runs for name in run["keypairs"])

    # Ports (seen by admin, across both projects): one set per surviving server, none for the deleted.
    status, body = Client(live, "admin").call("GET", "/networking/v2.0/ports")
    compute_ports = [port for port in body["ports"] if port["device_owner"].startswith("compute:")]
    assert {port["device_id"] for port in compute_ports} == set(alive), "ports left behind or missing"
    fixed_ips = Counter()
    for port in compute_ports:
        fixed_ips[port["device_id"]] += len(port["fixed_ips"])
    assert fixed_ips == Counter({server_id: sum(len(items) for items in server["addresses"].values())
                                 for server_id, server in alive.items()})


def test_a_request_held_by_real_latency_does_not_hold_the_others():
    """The live server answers from several threads (fakenova.server.APP_THREADS): a fault rule's
    real latency keeps its own request waiting, not every client of the fake."""
    from fakenova.testing import FakeNova

    fake = FakeNova.start()
    try:
        created = requests.post(f"{fake.url}/_fake/faults", timeout=30, json={
            "match": {"path": "/compute/v2.1/flavors"}, "response": {"latency": 3, "latency_clock": "real"}})
        assert created.status_code == 201, created.text
        session = requests.Session()
        login = session.post(f"{fake.url}/identity/v3/auth/tokens", json=password_auth("demo"), timeout=30)
        headers = {"X-Auth-Token": login.headers["X-Subject-Token"]}
        slow_answers = []
        slow = threading.Thread(target=lambda: slow_answers.append(
            requests.get(f"{fake.url}/compute/v2.1/flavors", headers=headers, timeout=60).status_code))
        slow.start()
        try:
            # The rule fires when the request arrives, before its wait.
            for _ in range(600):
                if requests.get(f"{fake.url}/_fake/faults", timeout=30).json()["faults"][0]["fired"]:
                    break
                slow.join(timeout=0.005)
            else:
                raise AssertionError("the slow request never reached the fake")
            # Answered while the flavors request still waits out its latency.
            assert session.get(f"{fake.url}/compute/v2.1/os-keypairs", headers=headers, timeout=60).status_code == 200
            assert slow.is_alive() and slow_answers == []
        finally:
            slow.join(timeout=60)
        assert slow_answers == [200]
    finally:
        fake.stop()
