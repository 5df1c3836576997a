"""A fake that runs for weeks stays bounded: expired tokens are forgotten, deleted servers are archived
after ``deleted_retention`` (``nova-manage db archive_deleted_rows``), the journal is bounded in bytes.

What a client sees after the clean-up is what Keystone and Nova answer after theirs: a forgotten
token is 401 (404 as a subject token), as an expired fernet token is; an archived server is 404
"Instance ... could not be found." everywhere and absent from every list, deleted=true and
changes-since included (nova/db/main/api.py archive_deleted_rows moves the instance's rows and its
children out of the main tables). The memory figures are in ``make bench`` (benchmarks/memory.py).
"""

from __future__ import annotations

import openstack.exceptions
import pytest

from fakenova.config import Settings
from fakenova.domain.control import faults
from fakenova.domain.control.journal import Journal
from fakenova.domain.identity import identity
from fakenova.pytest_plugin import instant_durations
from tests.conftest import password_auth
from tests.server_helpers import CLIENT, SERVERS, create, image_id, show
from tests.tempest_schemas import assert_valid

DAY = 86400
AUTH_BODY = {"error": {"code": 401, "title": "Unauthorized",
                       "message": "The request you have made requires authentication."}}


@pytest.fixture
def settings() -> Settings:
    # Tokens that outlive the month these tests move the clock by; the token tests set an hour.
    return Settings(durations=instant_durations(), token_ttl=90 * DAY)


def _login(api, user: str = "demo") -> str:
    response = api.client.post("/identity/v3/auth/tokens", json=password_auth(user))
    assert response.status_code == 201
    return response.headers["X-Subject-Token"]


def _not_found(server_id: str) -> dict:
    return {"itemNotFound": {"code": 404, "message": f"Instance {server_id} could not be found."}}


def _subject(api, token: str):
    return api.client.get("/identity/v3/auth/tokens", headers={"X-Auth-Token": _login(api, "admin"),
                                                                 "X-Subject-Token": token})


# --- tokens --------------------------------------------------------------------------------------

def test_an_expired_token_is_forgotten_and_answers_as_an_expired_token(frozen):
    frozen.backend.settings.token_ttl = 3600
    token = _login(frozen)
    frozen.backend.clock.advance(3601)
    response = frozen.client.get("/compute/v2.1/flavors", headers={"X-Auth-Token": token})
    assert (response.status_code, response.get_json()) == (401, AUTH_BODY)
    assert token not in frozen.backend.store.tokens
    # Keystone: a subject token that is expired (or was never issued) is TokenNotFound.
    shown = _subject(frozen, token)
    assert (shown.status_code, shown.get_json()["error"]["message"]) == (404, f"Could not find token: {token}.")
    # Nor can a new token be made from it.
    rescoped = frozen.client.post("/identity/v3/auth/tokens", json={"auth": {"identity": {
        "methods": ["token"], "token": {"id": token}}}})
    assert (rescoped.status_code, rescoped.get_json()) == (401, AUTH_BODY)


def test_a_revoked_token_is_remembered_until_it_would_have_expired(frozen):
    frozen.backend.settings.token_ttl = 3600
    token = _login(frozen)
    revoked = frozen.client.delete("/identity/v3/auth/tokens", headers={"X-Auth-Token": _login(frozen, "admin"),
                                                                         "X-Subject-Token": token})
    assert revoked.status_code == 204
    before = frozen.client.get("/compute/v2.1/flavors", headers={"X-Auth-Token": token})
    assert token in frozen.backend.store.tokens  # still valid by its time: the revocation must hold
    frozen.backend.clock.advance(3601)
    _login(frozen, "admin")  # a login sweeps too
    assert token not in frozen.backend.store.tokens
    after = frozen.client.get("/compute/v2.1/flavors", headers={"X-Auth-Token": token})
    assert token not in frozen.backend.store.tokens
    assert (before.status_code, before.get_json()) == (after.status_code, after.get_json()) == (401, AUTH_BODY)


def test_live_tokens_stay_and_a_backlog_drains_a_bounded_batch_per_request(frozen):
    backend = frozen.backend
    backend.settings.token_ttl = 3600
    auth = password_auth("demo")["auth"]
    old = [identity.issue_token(backend, auth)["id"] for _ in range(600)]
    backend.clock.advance(1800)
    young = _login(frozen)
    backend.clock.advance(1801)  # the 600 have expired, the young one has half an hour left
    headers = {"X-Auth-Token": young}
    assert frozen.client.get("/compute/v2.1/flavors", headers=headers).status_code == 200
    remaining = sum(1 for token in old if token in backend.store.tokens)
    assert 0 < remaining < 600  # one request forgets a bounded batch, not the whole backlog
    for _ in range(3):
        assert frozen.client.get("/compute/v2.1/flavors", headers=headers).status_code == 200
    assert not any(token in backend.store.tokens for token in old)
    assert young in backend.store.tokens


def test_the_sdk_logs_in_again_once_its_token_is_forgotten(live):
    # Small steps: the session's server keeps its clock for the tests after this one.
    live.backend.settings.token_ttl = 60
    live.backend.clock.freeze()
    conn = live.sdk()
    assert conn.compute.find_flavor("m1.tiny", ignore_missing=False).name == "m1.tiny"
    live.backend.clock.advance(61)  # the token expires and is forgotten
    # keystoneauth sees the expiry and authenticates again; the call succeeds as against Keystone.
    assert conn.compute.find_flavor("m1.tiny", ignore_missing=False).name == "m1.tiny"
    conn.close()


# --- deleted servers -----------------------------------------------------------------------------

def _boot_resize_and_delete(api) -> dict:
    """A server with a story: created, resized (a migration), a console opened, then deleted."""
    server = create(api, version="2.37")
    server_id = server["id"]
    assert api.post(f"{SERVERS}/{server_id}/action", json={"resize": {"flavorRef": "2"}},
                    version="2.37").status_code == 202
    assert api.post(f"{SERVERS}/{server_id}/action", json={"confirmResize": None}, version="2.37").status_code == 204
    console = api.post(f"{SERVERS}/{server_id}/remote-consoles", version="2.6",
                       json={"remote_console": {"protocol": "vnc", "type": "novnc"}})
    assert console.status_code == 200
    internal_name = show(api, server_id, version="2.3", user="admin")["OS-EXT-SRV-ATTR:instance_name"]
    deleted_at = api.backend.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.delete(f"{SERVERS}/{server_id}").status_code == 204
    return {"id": server_id, "instance_name": internal_name, "since": deleted_at}


def _deleted_listed(api, server_id: str, since: str) -> tuple[bool, bool, bool]:
    """(in admin's deleted=true list, in the owner's changes-since list, its actions readable at 2.21)"""
    admin = api.get(f"{SERVERS}/detail?deleted=true&all_tenants=1", user="admin", version="2.1")
    assert_valid(CLIENT, "list_servers_detail", "2.1", 200, admin.headers, admin.get_json())
    changed = api.get(f"{SERVERS}?changes-since={since}", version="2.1")
    assert_valid(CLIENT, "list_servers", "2.1", 200, changed.headers, changed.get_json())
    actions = api.get(f"{SERVERS}/{server_id}/os-instance-actions", version="2.21")
    return (any(s["id"] == server_id for s in admin.get_json()["servers"]),
            any(s["id"] == server_id for s in changed.get_json()["servers"]),
            actions.status_code == 200)


def test_a_deleted_server_stays_visible_for_the_retention_window_then_is_archived(frozen):
    api = frozen
    gone = _boot_resize_and_delete(api)
    server_id = gone["id"]
    assert _deleted_listed(api, server_id, gone["since"]) == (True, True, True)
    migrations = api.get("/compute/v2.1/os-migrations", user="admin", version="2.23").get_json()["migrations"]
    assert [m["instance_uuid"] for m in migrations] == [server_id]

    api.backend.clock.advance(DAY - 1)
    assert _deleted_listed(api, server_id, gone["since"]) == (True, True, True)
    api.backend.clock.advance(1)
    assert _deleted_listed(api, server_id, gone["since"]) == (False, False, False)
    for version in ("2.1", "2.21", "2.100"):
        for path in ("", "/os-instance-actions", "/os-interface", "/metadata"):
            response = api.get(f"{SERVERS}/{server_id}{path}", version=version)
            assert (response.status_code, response.get_json()) == (404, _not_found(server_id)), (version, path)
    # The tags API looks up the instance mapping first, and the archive took that away too.
    response = api.get(f"{SERVERS}/{server_id}/tags", version="2.26")
    assert (response.status_code, response.get_json()) == (404, {"itemNotFound": {
        "code": 404, "message": f"Instance {server_id} has no mapping to a cell."}})
    assert api.get("/compute/v2.1/os-migrations", user="admin", version="2.23").get_json()["migrations"] == []
    # Everything that hung off it went with it.
    store = api.backend.store
    assert server_id not in store.servers and server_id not in store.instance_actions
    assert not store.migrations and not store.console_auth_tokens
    assert not [port for port in store.ports.values() if port["device_id"] == server_id]


def test_an_archived_server_leaves_the_tenant_usage_report(frozen):
    # Nova's usage reads the instances table without a deleted filter (domain/compute/tenant_usage.py):
    # a deleted server counts until the archive moves its row out.
    api = frozen
    server = create(api, version="2.37")
    api.backend.clock.advance(3600)
    assert api.delete(f"{SERVERS}/{server['id']}").status_code == 204
    window = "/compute/v2.1/os-simple-tenant-usage?start=2000-01-01T00:00:00&end=2100-01-01T00:00:00&detailed=1"

    def used() -> list:
        response = api.get(window, user="admin", version="2.1")
        assert_valid("tenant_usages_client.TenantUsagesClient", "list_tenant_usage", "2.1", 200,
                     response.headers, response.get_json())
        return [(item["instance_id"], item["state"]) for usage in response.get_json()["tenant_usages"]
                for item in usage["server_usages"]]

    assert used() == [(server["id"], "terminated")]
    api.backend.clock.advance(DAY)
    assert used() == []


def test_ids_of_archived_rows_are_never_handed_out_again(frozen):
    api = frozen
    gone = _boot_resize_and_delete(api)
    api.backend.clock.advance(DAY)
    assert _deleted_listed(api, gone["id"], gone["since"]) == (False, False, False)
    server = create(api, version="2.37")
    renamed = show(api, server["id"], version="2.3", user="admin")["OS-EXT-SRV-ATTR:instance_name"]
    assert renamed > gone["instance_name"]  # instance-%08x: the autoincrement key went on
    assert api.post(f"{SERVERS}/{server['id']}/action", json={"migrate": None}, user="admin",
                    version="2.37").status_code == 202
    (migration,) = api.get("/compute/v2.1/os-migrations", user="admin", version="2.23").get_json()["migrations"]
    assert migration["id"] == 2


def test_the_retention_window_is_a_setting(frozen):
    frozen.backend.settings.deleted_retention = 0
    server = create(frozen, version="2.37")
    assert frozen.delete(f"{SERVERS}/{server['id']}").status_code == 204
    response = frozen.get(f"{SERVERS}/{server['id']}/os-instance-actions", version="2.21")
    assert (response.status_code, response.get_json()) == (404, _not_found(server["id"]))


def test_a_soft_deleted_server_is_not_archived_before_its_reclaim(frozen):
    api = frozen
    api.backend.settings.reclaim_instance_interval = 3 * DAY
    server = create(api, version="2.37")
    assert api.delete(f"{SERVERS}/{server['id']}").status_code == 204
    api.backend.clock.advance(2 * DAY)
    assert show(api, server["id"], version="2.37")["status"] == "SOFT_DELETED"
    api.backend.clock.advance(DAY)  # reclaimed now: deleted, and visible as such for a day
    listed = api.get(f"{SERVERS}/detail?deleted=true&all_tenants=1", user="admin", version="2.1").get_json()
    assert [s["status"] for s in listed["servers"] if s["id"] == server["id"]] == ["DELETED"]
    api.backend.clock.advance(DAY)
    listed = api.get(f"{SERVERS}/detail?deleted=true&all_tenants=1", user="admin", version="2.1").get_json()
    assert [s for s in listed["servers"] if s["id"] == server["id"]] == []


def test_a_forced_deleted_status_is_archived_too(frozen):
    server = create(frozen, version="2.37")
    assert frozen.client.post(f"/_fake/servers/{server['id']}/status", json={"status": "DELETED"}).status_code == 200
    frozen.backend.clock.advance(DAY)
    response = frozen.get(f"{SERVERS}/{server['id']}/os-instance-actions", version="2.21")
    assert (response.status_code, response.get_json()) == (404, _not_found(server["id"]))


def test_archived_members_leave_their_server_group(frozen):
    api = frozen
    group = api.post("/compute/v2.1/os-server-groups", version="2.64",
                     json={"server_group": {"name": "g", "policy": "anti-affinity"}}).get_json()["server_group"]
    body = {"server": {"name": "member", "imageRef": image_id(api.backend), "flavorRef": "1", "networks": "none"},
            "os:scheduler_hints": {"group": group["id"]}}
    member = api.post(SERVERS, json=body, version="2.37").get_json()["server"]["id"]
    assert api.delete(f"{SERVERS}/{member}").status_code == 204
    api.backend.clock.advance(DAY)
    shown = api.get(f"/compute/v2.1/os-server-groups/{group['id']}", version="2.64").get_json()["server_group"]
    assert shown["members"] == []
    assert api.backend.store.server_groups[group["id"]]["members"] == []


def test_a_backlog_of_deleted_servers_is_archived_a_bounded_batch_per_request(frozen):
    api = frozen
    ids = []
    for index in range(100):
        server = create(api, version="2.37", name=f"vm-{index}", networks="none")
        assert api.delete(f"{SERVERS}/{server['id']}").status_code == 204
        ids.append(server["id"])
    api.backend.clock.advance(30 * DAY)
    assert api.get("/compute/v2.1/flavors").status_code == 200
    left = sum(1 for server_id in ids if server_id in api.backend.store.servers)
    assert 0 < left < 100
    assert api.get("/compute/v2.1/flavors").status_code == 200
    assert not any(server_id in api.backend.store.servers for server_id in ids)


def test_the_sdk_finds_no_archived_server(live):
    live.backend.clock.freeze()
    live.backend.settings.durations = instant_durations()
    live.backend.settings.deleted_retention = 60
    admin = live.sdk("admin")
    conn = live.sdk()
    image = next(conn.image.images(name="cirros-0.6.2-x86_64-disk"))
    server = conn.compute.create_server(name="short-lived", image_id=image.id, flavor_id="1",
                                        networks="none")
    conn.compute.delete_server(server)
    listed = [s.id for s in admin.compute.servers(deleted=True, all_projects=True)]
    assert server.id in listed
    live.backend.clock.advance(60)
    assert server.id not in [s.id for s in admin.compute.servers(deleted=True, all_projects=True)]
    assert conn.compute.find_server(server.id) is None
    with pytest.raises(openstack.exceptions.NotFoundException):
        list(conn.compute.server_actions(server.id))
    admin.close()
    conn.close()


# --- state export / import -----------------------------------------------------------------------

def test_state_export_and_import_after_archiving(frozen):
    api = frozen
    archived = _boot_resize_and_delete(api)
    api.backend.clock.advance(DAY // 2)
    waiting = create(api, version="2.37", name="waiting")
    assert api.delete(f"{SERVERS}/{waiting['id']}").status_code == 204
    api.backend.clock.advance(DAY // 2)
    assert _deleted_listed(api, archived["id"], archived["since"]) == (False, False, False)
    exported = api.client.get("/_fake/state").get_json()
    assert exported["store"]["archived_ids"] == {"instances": 1, "migrations": 1}

    api.client.post("/_fake/reset")
    assert api.client.put("/_fake/state", json=exported).status_code == 200
    api.token("demo")
    # The archived server stays gone; the deleted one is still in its window, then goes on time.
    assert _deleted_listed(api, archived["id"], archived["since"]) == (False, False, False)
    assert _deleted_listed(api, waiting["id"], archived["since"]) == (True, True, True)
    api.backend.clock.advance(DAY // 2)
    assert _deleted_listed(api, waiting["id"], archived["since"]) == (False, False, False)
    # Ids go on above the archived ones after the import too.
    server = create(api, version="2.37", name="after")
    name = show(api, server["id"], version="2.3", user="admin")["OS-EXT-SRV-ATTR:instance_name"]
    assert name == "instance-00000003"


# --- the journal ---------------------------------------------------------------------------------

def test_the_journal_is_bounded_in_bytes_too():
    journal = Journal(max_entries=100, max_bytes=2000)
    for index in range(10):
        journal.record({"method": "POST", "path": f"/{index}", "status": 202, "project_id": None,
                        "body": {"server": {"user_data": "x" * 500}}})
    kept = journal.entries()
    assert [entry["path"] for entry in kept] == ["/7", "/8", "/9"]  # the newest that fit in 2000 bytes
    assert kept[-1]["body"]["server"]["user_data"] == "x" * 500
    journal.record({"method": "POST", "path": "/huge", "status": 413, "project_id": None,
                    "body": {"x": "y" * 5000}})
    assert [entry["path"] for entry in journal.entries()] == ["/huge"]  # the newest always stays


# --- fault rules ---------------------------------------------------------------------------------

def test_used_up_fault_rules_are_forgotten_beyond_the_newest_few(api, monkeypatch):
    monkeypatch.setattr(faults, "MAX_SPENT", 3)
    for _ in range(5):
        created = api.client.post("/_fake/faults", json={"match": {"path": "/compute/v2.1/flavors"},
                                                         "response": {"status": 503}, "times": 1})
        assert created.status_code == 201
    kept = api.client.post("/_fake/faults", json={"match": {"path": "/compute/v2.1/os-keypairs"},
                                                  "response": {"status": 500}, "sequence": ["pass", "fail"]})
    assert [api.get("/compute/v2.1/flavors").status_code for _ in range(6)] == [503] * 5 + [200]
    rules = api.client.get("/_fake/faults").get_json()["faults"]
    # The two oldest used-up rules are gone; the newest three stay readable; the unused one stays.
    assert [(rule["id"], rule["fired"]) for rule in rules] == [
        ("rule-3", 1), ("rule-4", 1), ("rule-5", 1), (kept.get_json()["id"], 0)]
    assert api.client.get("/_fake/faults/rule-1").status_code == 404
    exported = api.client.get("/_fake/state").get_json()
    assert api.client.put("/_fake/state", json=exported).status_code == 200
    assert [api.get("/compute/v2.1/os-keypairs").status_code for _ in range(3)] == [200, 500, 200]
    # The sequence is used up now: one more used-up rule, so rule-3 goes, also after the import.
    ids = [rule["id"] for rule in api.client.get("/_fake/faults").get_json()["faults"]]
    assert ids == ["rule-4", "rule-5", "rule-6"]
