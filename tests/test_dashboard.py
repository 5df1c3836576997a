"""The dashboard without a browser: /_fake/overview (what the page draws), /_fake/ui and /_fake/report
(one self-contained page each), the control token for a browser, response bodies in the journal, and
``FakeNova.report()``. tests/test_dashboard_browser.py drives the page itself in Chromium."""

from __future__ import annotations

import json
import logging
import re

import pytest

from fakenova import create_app
from fakenova.api.dashboard import COOKIE
from fakenova.config import Settings
from fakenova.domain.control.forced_status import STATUSES
from fakenova.domain.control.journal import Journal, RawBody
from fakenova.testing import FakeNova
from tests.conftest import password_auth
from tests.test_control import create_server

pytest_plugins = ["pytester"]


def overview(api) -> dict:
    response = api.client.get("/_fake/overview")
    assert response.status_code == 200
    return response.json


def embedded_snapshot(page: str):
    """The JSON the page carries in <script id="snapshot">: null live, the picture in a report."""
    match = re.search(r'<script id="snapshot" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the page has no snapshot element"
    return json.loads(match.group(1))


# --- the overview ---------------------------------------------------------------------------------

def test_overview_shows_servers_by_project_with_state_host_and_addresses(frozen):
    api = frozen
    server_id = create_server(api, "web-1").json["server"]["id"]
    picture = overview(api)
    [server] = picture["servers"]
    assert (server["id"], server["name"], server["status"], server["task_state"]) == (
        server_id, "web-1", "BUILD", "scheduling")
    assert picture["projects"][server["project_id"]] == "demo"
    assert server["transition"]["action"] == "build"
    assert [(step["server_name"], step["action"], step["step"]) for step in picture["timeline"]] == [
        ("web-1", "build", 1), ("web-1", "build", 2), ("web-1", "build", 3), ("web-1", "build", 4)]
    assert picture["statuses"] == list(STATUSES) and "ERROR" in picture["statuses"]

    api.client.post("/_fake/clock", json={"advance": 60})
    # The overview itself applies what fell due, as any compute request would: no other call needed.
    [server] = overview(api)["servers"]
    assert (server["status"], server["task_state"], server["host"]) == ("ACTIVE", None, "compute1")
    assert overview(api)["timeline"] == []
    [(network, addresses)] = server["addresses"].items()
    assert network == "private" and {a["type"] for a in addresses} == {"fixed"}
    shown = api.get(f"/compute/v2.1/servers/{server_id}", version="2.37").json["server"]["addresses"]["private"]
    assert [a["addr"] for a in addresses] == [a["addr"] for a in shown]


def test_overview_carries_the_clock_rules_and_journal_size(api):
    api.client.post("/_fake/clock", json={"freeze": True, "speed": 2})
    api.client.post("/_fake/faults", json={"match": {"path": "*/flavors"}, "response": {"status": 503}})
    api.get("/compute/v2.1/flavors", version="2.1")
    picture = overview(api)
    assert picture["clock"]["frozen"] is True and picture["clock"]["speed"] == 2
    [rule] = picture["faults"]
    assert (rule["id"], rule["matched"], rule["fired"]) == ("rule-1", 1, 1)
    assert picture["journal_size"] == len(api.client.get("/_fake/requests").json["requests"]) >= 2


def test_network_and_storage_collections_come_from_the_store(api):
    create_server(api, "web-1")
    demo = next(pid for pid, project in api.backend.store.projects.items() if project["name"] == "demo")
    assert api.post(f"/volume/v3/{demo}/volumes", json={"volume": {"size": 1, "name": "data"}}).status_code == 202
    sections = overview(api)["sections"]
    assert {"networks", "subnets", "ports", "floatingips"} <= set(sections["network"])
    assert {"volumes", "images"} <= set(sections["storage"])
    ports = sections["network"]["ports"]
    assert ports["total"] == len(api.backend.store.ports) and ports["total"] >= 1
    volumes = {record["name"] for _key, record in sections["storage"]["volumes"]["records"]}
    assert "data" in volumes


def test_a_collection_added_later_shows_up_without_changes(api):
    # What another module adding a store collection (Neutron routers, Cinder snapshots...) looks like.
    api.backend.store.routers = {"r1": {"id": "r1", "name": "edge", "status": "ACTIVE"}}
    api.backend.store.gizmos = {"g1": {"id": "g1", "name": "new kind"}}
    sections = overview(api)["sections"]
    assert sections["network"]["routers"] == {
        "total": 1, "records": [["r1", {"id": "r1", "name": "edge", "status": "ACTIVE"}]]}
    assert sections["other"]["gizmos"]["total"] == 1


def test_overview_leaves_out_identity_and_redacts_and_trims(api):
    server_id = create_server(api, "web-1").json["server"]["id"]
    api.backend.store.images[next(iter(api.backend.store.images))]["blob"] = "x" * 5000
    picture = overview(api)
    every_section = {name for section in picture["sections"].values() for name in section}
    assert not every_section & {"users", "tokens", "domains", "projects", "servers", "console_auth_tokens"}
    [server] = picture["servers"]
    assert server["id"] == server_id and server["admin_pass"] == "***"
    text = json.dumps(picture)
    assert "x" * 300 not in text and "(5000 characters)" in text
    for token in api.backend.store.tokens:
        assert token not in text


# --- the pages ------------------------------------------------------------------------------------

def test_the_page_is_one_self_contained_document(client):
    response = client.get("/_fake/ui")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert embedded_snapshot(page) is None  # live: it polls
    assert "/*STYLE*/" not in page and "/*SCRIPT*/" not in page
    # Nothing from the network: no external script, style, font or image.
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)
    assert "@import" not in page and "url(http" not in page
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; script-src 'sha256-") and "connect-src 'self'" in policy
    assert response.headers["Cache-Control"] == "no-store"


def test_the_report_embeds_the_picture_and_the_journal(api):
    create_server(api, "web-1")
    api.get("/compute/v2.1/flavors", version="2.1")
    response = api.client.get("/_fake/report")
    assert response.status_code == 200 and response.mimetype == "text/html"
    snapshot = embedded_snapshot(response.get_data(as_text=True))
    assert [s["name"] for s in snapshot["overview"]["servers"]] == ["web-1"]
    paths = [entry["path"] for entry in snapshot["requests"]]
    assert "/compute/v2.1/servers" in paths and "/compute/v2.1/flavors" in paths
    assert snapshot["requests_total"] == len(snapshot["requests"])


def test_data_cannot_close_the_script_element_it_rides_in(api):
    create_server(api, "</script><script>alert(1)</script>")
    page = api.client.get("/_fake/report").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    names = [s["name"] for s in embedded_snapshot(page)["overview"]["servers"]]
    assert names == ["</script><script>alert(1)</script>"]


# --- the control token, for a browser -------------------------------------------------------------

@pytest.fixture
def guarded():
    return create_app(Settings(control_token="s3cret")).test_client()


@pytest.mark.parametrize("path", ["/_fake/ui", "/_fake/report", "/_fake/overview"])
def test_the_pages_need_the_control_token(guarded, path):
    for query in ("", "?token=wrong"):
        response = guarded.get(path + query)
        assert response.status_code == 401
        assert response.json["error"]["message"].startswith("The control plane needs a valid X-Fake-Token header.")
    assert guarded.get(path, headers={"X-Fake-Token": "s3cret"}).status_code == 200


def test_the_token_in_the_page_address_becomes_a_cookie(guarded, caplog):
    with caplog.at_level(logging.INFO, logger="fakenova.requests"):
        response = guarded.get("/_fake/ui?token=s3cret")
    assert response.status_code == 303 and response.headers["Location"] == "/_fake/ui"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=s3cret;")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/_fake"):
        assert attribute in cookie
    # The test client keeps the cookie: the page and its calls work without the header.
    assert guarded.get("/_fake/ui").status_code == 200
    assert guarded.post("/_fake/clock", json={"freeze": True}).json["frozen"] is True
    # Only the page takes ?token=: elsewhere it is no credential.
    fresh = create_app(Settings(control_token="s3cret")).test_client()
    assert fresh.get("/_fake/overview?token=s3cret").status_code == 401
    lines = [record.getMessage() for record in caplog.records if record.name == "fakenova.requests"]
    assert lines and "s3cret" not in " ".join(lines) and "token=***" in lines[0]


def test_a_non_ascii_token_is_a_401_not_a_500(guarded):
    response = guarded.get("/_fake/clock", headers={"X-Fake-Token": "s3cr\u00e9t"})
    assert response.status_code == 401


# --- the journal keeps response bodies ------------------------------------------------------------

def test_the_journal_keeps_response_bodies_redacted(api):
    api.post("/compute/v2.1/os-keypairs", json={"keypair": {"name": "k1"}}, version="2.1")
    server = create_server(api, "web-1").json["server"]
    api.get("/compute/v2.1/servers/missing", version="2.1")
    entries = api.client.get("/_fake/requests").json["requests"]
    keypair, created, missing = entries[-3:]
    assert keypair["response_body"]["keypair"]["name"] == "k1"
    assert keypair["response_body"]["keypair"]["private_key"] == "***"
    assert created["response_body"]["server"]["id"] == server["id"]
    assert created["response_body"]["server"]["adminPass"] == "***"
    assert missing["response_body"] == {
        "itemNotFound": {"code": 404, "message": "Instance missing could not be found."}}
    everything = json.dumps(entries)
    assert server["adminPass"] not in everything and "PRIVATE KEY" not in everything


def test_the_journal_names_a_big_response_by_its_size(api):
    for index in range(60):
        api.post("/compute/v2.1/os-keypairs", json={"keypair": {"name": f"key-{index}"}}, version="2.1")
    listed = api.get("/compute/v2.1/os-keypairs", version="2.1")
    [entry] = api.client.get("/_fake/requests?method=GET&path=*/os-keypairs").json["requests"]
    assert entry["response_body"] == f"({len(listed.get_data())} bytes, not kept)"


def test_the_journal_limit_keeps_the_newest(api):
    for index in range(5):
        api.get(f"/compute/v2.1/servers/missing-{index}", version="2.1")
    newest = api.client.get("/_fake/requests?status=404&limit=2").json["requests"]
    assert [e["path"] for e in newest] == ["/compute/v2.1/servers/missing-3", "/compute/v2.1/servers/missing-4"]
    assert api.client.get("/_fake/requests?limit=0").json["requests"] == []
    bad = api.client.get("/_fake/requests?limit=-1")
    assert (bad.status_code, bad.json["error"]["message"]) == (
        400, "limit must be a number of entries (the newest are kept).")


# --- FakeNova.report ------------------------------------------------------------------------------

def test_fakenova_report_writes_the_file(tmp_path):
    fake = FakeNova()
    conn = fake.connection()
    conn.compute.create_keypair(name="ci-key")
    written = fake.report(tmp_path / "reports" / "run.html")
    assert written == tmp_path / "reports" / "run.html"
    snapshot = embedded_snapshot(written.read_text(encoding="utf-8"))
    keypairs = snapshot["overview"]["sections"]["compute"]["keypairs"]["records"]
    assert [record["name"] for _key, record in keypairs] == ["ci-key"]


def test_fakenova_report_of_a_remote_fake_with_a_token(tmp_path):
    with FakeNova.start(Settings(control_token="s3cret")) as fake:
        remote = FakeNova.remote(fake.url, control_token="s3cret")
        remote.set_speed(3)
        page = remote.report(tmp_path / "remote.html").read_text(encoding="utf-8")
    assert embedded_snapshot(page)["overview"]["clock"]["speed"] == 3


def test_password_auth_bodies_stay_redacted_in_the_report(api):
    api.client.post("/identity/v3/auth/tokens", json=password_auth("demo"))
    page = api.client.get("/_fake/report").get_data(as_text=True)
    [login, *_] = embedded_snapshot(page)["requests"]
    assert login["body"]["auth"]["identity"]["password"]["user"]["password"] == "***"


# --- the pytest option ------------------------------------------------------------------------------

def test_a_failed_test_leaves_a_report_for_ci(pytester, tmp_path):
    pytester.makepyfile(test_downstream="""
        def test_fails_with_a_keypair(fakenova):
            fakenova.connection().compute.create_keypair(name="left-behind")
            assert False, "boom"

        def test_passes(fakenova):
            fakenova.connection().compute.create_keypair(name="fine")
    """)
    reports = tmp_path / "reports"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--fakenova-report={reports}")
    result.assert_outcomes(passed=1, failed=1)
    [written] = reports.iterdir()  # the passing test leaves none
    assert written.name == "test_downstream.py_test_fails_with_a_keypair.html"
    keypairs = embedded_snapshot(written.read_text(encoding="utf-8"))["overview"]["sections"]["compute"]["keypairs"]
    assert [record["name"] for _key, record in keypairs["records"]] == ["left-behind"]


def test_response_bodies_count_in_the_journals_byte_bound():
    journal = Journal(max_entries=100, max_bytes=3000)
    for index in range(5):
        journal.record({"method": "GET", "path": f"/{index}", "status": 200, "project_id": None,
                        "response_body": RawBody(json.dumps({"x": "y" * 1000}).encode(), True)})
    kept = journal.entries()
    assert [entry["path"] for entry in kept] == ["/3", "/4"]  # about 1.1 KB each with its response body
    assert kept[-1]["response_body"] == {"x": "y" * 1000}
