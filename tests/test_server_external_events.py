"""POST /os-server-external-events (nova/api/openstack/compute/server_external_events.py): per-event
codes, 207 when any fails, the service role or admin (SERVICE_ROLE), names per microversion."""

from __future__ import annotations

import pytest

from tests import server_helpers as h
from tests import conftest
from tests.tempest_schemas import assert_valid

URL = "/compute/v2.1/os-server-external-events"
CLIENT = "server_external_events_client.ServerExternalEventsClient"
MISSING = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def settings(settings, monkeypatch):
    settings.users = settings.users + [{"name": "neutron", "password": "neutron", "project": "demo",
                                        "roles": ["service"]}]
    monkeypatch.setitem(conftest.USER_PROJECTS, "neutron", "demo")
    return settings


def test_events_for_a_built_server_complete(api):
    server = h.create(api)
    api.backend.clock.advance(60)
    response = api.post(URL, user="neutron", json={"events": [
        {"name": "network-changed", "server_uuid": server["id"]}]})
    assert response.status_code == 200
    assert_valid(CLIENT, "create", "2.1", 200, response.headers, response.get_json())
    assert response.get_json() == {"events": [{"name": "network-changed", "server_uuid": server["id"],
                                               "status": "completed", "code": 200}]}


def test_each_failure_has_its_code_and_the_answer_is_207(api):
    server = h.create(api)
    api.backend.clock.advance(60)
    response = api.post(URL, user="admin", version="2.76", json={"events": [
        {"name": "network-vif-plugged", "server_uuid": server["id"], "tag": "port"},
        {"name": "network-vif-plugged", "server_uuid": MISSING},
        {"name": "power-update", "server_uuid": server["id"]}]})
    assert response.status_code == 207
    assert [(e["status"], e["code"]) for e in response.get_json()["events"]] == [
        ("completed", 200), ("failed", 404), ("failed", 400)]


def test_names_follow_the_microversion_and_members_are_refused(api):
    server = h.create(api)
    old = api.post(URL, user="admin", version="2.50", json={"events": [
        {"name": "volume-extended", "server_uuid": server["id"], "tag": "v"}]})
    assert old.status_code == 400
    denied = api.post(URL, user="demo", json={"events": [{"name": "network-changed", "server_uuid": server["id"]}]})
    assert denied.get_json() == {"forbidden": {"code": 403, "message": (
        "Policy doesn't allow os_compute_api:os-server-external-events:create to be performed.")}}
