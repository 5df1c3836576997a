"""GET /os-simple-tenant-usage[/{project}] (nova/api/openstack/compute/simple_tenant_usage.py): hours
over a window on the fake clock, deleted servers included, Nova's 400 texts, 2.40 paging; and the real
clients (openstack usage list/show, novaclient)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.server_helpers import create, fault
from tests.tempest_schemas import assert_valid

USAGE = "/compute/v2.1/os-simple-tenant-usage"
CLIENT = "tenant_usages_client.TenantUsagesClient"
WINDOW = "start=2000-01-01T00:00:00&end=2100-01-01T00:00:00"


def _active(api, name: str, user: str = "demo", flavor: str = "1") -> str:
    server_id = create(api, user=user, name=name, flavorRef=flavor)["id"]
    api.backend.clock.advance(10)
    assert api.get(f"/compute/v2.1/servers/{server_id}", user=user).get_json()["server"]["status"] == "ACTIVE"
    return server_id


def _get(api, path, *, user="admin", version="2.1", schema="list_tenant_usage"):
    response = api.get(path, user=user, version=version)
    assert response.status_code == 200, response.get_data(as_text=True)
    if schema:
        assert_valid(CLIENT, schema, version, 200, response.headers, response.get_json())
    return response.get_json()


def _project(api, name):
    return next(p["id"] for p in api.backend.store.projects.values() if p["name"] == name)


def test_hours_and_totals_follow_the_fake_clock(frozen):
    server = _active(frozen, "vm", flavor="2")  # m1.small: 1 vCPU, 2048 MB, 20 GB
    launched = frozen.backend.store.servers[server]["launched_at"]
    frozen.backend.clock.advance(1800 - (frozen.backend.clock.time() - launched))
    body = _get(frozen, f"{USAGE}?{WINDOW}&detailed=1")
    [usage] = body["tenant_usages"]
    assert usage["tenant_id"] == _project(frozen, "demo")
    assert usage["total_hours"] == 0.5
    assert (usage["total_vcpus_usage"], usage["total_memory_mb_usage"], usage["total_local_gb_usage"]) == (0.5, 1024.0, 10.0)
    assert usage["start"] == "2000-01-01T00:00:00.000000"
    # The end is held to the present.
    now = dt.datetime.fromtimestamp(frozen.backend.clock.time(), tz=dt.timezone.utc)
    assert usage["stop"] == now.strftime("%Y-%m-%dT%H:%M:%S.%f")
    [item] = usage["server_usages"]
    started = dt.datetime.fromtimestamp(launched, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    assert item == {"hours": 0.5, "flavor": "m1.small", "instance_id": server, "name": "vm",
                    "tenant_id": usage["tenant_id"], "memory_mb": 2048, "local_gb": 20, "vcpus": 1,
                    "started_at": started, "ended_at": None, "state": "active", "uptime": 1800}
    # Without detailed=1 (detailed=True is not "1"), no server_usages.
    plain = _get(frozen, f"{USAGE}?{WINDOW}&detailed=True")
    assert "server_usages" not in plain["tenant_usages"][0]
    assert plain["tenant_usages"][0]["total_hours"] == 0.5


def test_deleted_servers_count_until_they_ended_and_the_window_cuts(frozen):
    gone = _active(frozen, "gone")
    launched = frozen.backend.store.servers[gone]["launched_at"]
    frozen.backend.clock.advance(600)
    assert frozen.delete(f"/compute/v2.1/servers/{gone}").status_code == 204
    frozen.backend.clock.advance(60)
    kept = _active(frozen, "kept", user="alt_demo")
    frozen.backend.clock.advance(60)
    body = _get(frozen, f"{USAGE}?{WINDOW}&detailed=1")
    by_name = {s["name"]: s for u in body["tenant_usages"] for s in u["server_usages"]}
    ended = frozen.backend.store.servers[gone]["terminated_at"]
    assert by_name["gone"]["state"] == "terminated"
    assert by_name["gone"]["uptime"] == int(ended - launched)
    assert by_name["gone"]["hours"] == pytest.approx((ended - launched) / 3600, abs=1e-6)
    assert by_name["kept"]["state"] == "active"
    # Projects come in id order, as Nova pages them.
    assert [u["tenant_id"] for u in body["tenant_usages"]] == sorted(u["tenant_id"] for u in body["tenant_usages"])
    # A window that starts after the deletion leaves the deleted server out.
    after = dt.datetime.fromtimestamp(ended + 1, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    later = _get(frozen, f"{USAGE}?start={after}&detailed=1")
    assert [s["instance_id"] for u in later["tenant_usages"] for s in u["server_usages"]] == [kept]


def test_show_is_for_the_projects_readers(frozen):
    _active(frozen, "vm")
    demo = _project(frozen, "demo")
    for user in ("demo", "reader", "admin"):
        body = _get(frozen, f"{USAGE}/{demo}?{WINDOW}", user=user, schema="get_tenant_usage")
        assert [s["name"] for s in body["tenant_usage"]["server_usages"]] == ["vm"]
    response = frozen.get(f"{USAGE}/{demo}?{WINDOW}", user="alt_demo")
    assert fault(response) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-simple-tenant-usage:show to be performed."}})
    # A project without usage is an empty object (Nova's own schema allows it; Tempest's does not).
    alt = _project(frozen, "alt_demo")
    assert _get(frozen, f"{USAGE}/{alt}?{WINDOW}", user="alt_demo", schema=None) == {"tenant_usage": {}}
    response = frozen.get(f"{USAGE}?{WINDOW}", user="demo")
    assert fault(response) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-simple-tenant-usage:list to be performed."}})


@pytest.mark.parametrize("query, message", [
    ("start=2020-01-02T00:00:00&end=2020-01-01T00:00:00",
     "Invalid start time. The start time cannot occur after the end time."),
    ("start=2020-01-01T00:00:00&end=2020-01-01T00:00:00",
     "Invalid start time. The start time cannot occur after the end time."),
    ("start=2020-01-01", "Invalid datetime string: Datetime is in invalid format"),
    ("start=2020-01-01T00:00:00Z", "Invalid datetime string: Datetime is in invalid format"),
    ("end=yesterday", "Invalid datetime string: Datetime is in invalid format"),
])
def test_bad_windows_are_nova_400s(api, query, message):
    response = api.get(f"{USAGE}?{query}", user="admin")
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": message}})


def test_other_accepted_formats_and_defaults(api):
    assert _get(api, f"{USAGE}?start=2020-01-01 00:00:00.5&end=2020-01-02T00:00:00.25") == {"tenant_usages": []}
    # No window at all is Nova's "now to now": empty, not a 400.
    assert _get(api, USAGE) == {"tenant_usages": []}


def test_paging_from_2_40(frozen):
    servers = sorted(_active(frozen, f"vm{i}") for i in range(3))
    first = _get(frozen, f"{USAGE}?{WINDOW}&detailed=1&limit=2", version="2.40")
    assert [s["instance_id"] for s in first["tenant_usages"][0]["server_usages"]] == servers[:2]
    [link] = first["tenant_usages_links"]
    assert link["rel"] == "next"
    assert link["href"] == (f"http://localhost/compute/v2.1/os-simple-tenant-usage?detailed=1"
                            f"&end=2100-01-01T00%3A00%3A00&limit=2&start=2000-01-01T00%3A00%3A00&marker={servers[1]}")
    rest = _get(frozen, link["href"].replace("http://localhost", ""), version="2.40")
    assert [s["instance_id"] for s in rest["tenant_usages"][0]["server_usages"]] == servers[2:]
    assert "tenant_usages_links" not in rest
    demo = _project(frozen, "demo")
    shown = _get(frozen, f"{USAGE}/{demo}?{WINDOW}&limit=1", user="demo", version="2.40", schema="get_tenant_usage")
    assert shown["tenant_usage_links"][0]["href"].startswith(f"http://localhost/compute/v2.1/os-simple-tenant-usage/{demo}?")
    # Below 2.40 limit is not a parameter at all.
    old = _get(frozen, f"{USAGE}?{WINDOW}&detailed=1&limit=1", version="2.39")
    assert len(old["tenant_usages"][0]["server_usages"]) == 3 and "tenant_usages_links" not in old
    response = frozen.get(f"{USAGE}?{WINDOW}&marker=nope", user="admin", version="2.40")
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": "Marker nope could not be found."}})


def test_unknown_parameters_are_400_from_2_75(api):
    assert _get(api, f"{USAGE}?{WINDOW}&bogus=1", version="2.74") == {"tenant_usages": []}
    response = api.get(f"{USAGE}?{WINDOW}&bogus=1", user="admin", version="2.75")
    assert fault(response) == (400, {"badRequest": {
        "code": 400, "message": "Additional properties are not allowed ('bogus' was unexpected)"}})


def test_real_clients(live):
    server = create_live(live)
    live.backend.clock.advance(120)
    listed = live.openstack("usage", "list", "-f", "json", user="admin")
    demo = next(p["id"] for p in live.backend.store.projects.values() if p["name"] == "demo")
    # The CLI asks with detailed=True, which Nova does not read as "1": no per-server rows, so no count.
    [row] = listed
    assert row["Project"] == demo and row["Servers"] is None
    assert row["CPU Hours"] > 0 and row["RAM MB-Hours"] == pytest.approx(512 * row["CPU Hours"])
    shown = live.openstack("usage", "show", "--project", "demo", "-f", "json", user="admin")
    assert [s["instance_id"] for s in shown["Servers"]] == [server] and shown["CPU Hours"] > 0
    nova = live.novaclient("demo", "2.40")
    start, end = dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)
    usage = nova.usage.get(demo, start, end)
    assert [s["instance_id"] for s in usage.server_usages] == [server]
    admin = live.novaclient("admin", "2.1")
    assert [u.tenant_id for u in admin.usage.list(start, end, detailed=True)] == [demo]


def create_live(live) -> str:
    conn = live.sdk("demo")
    image = next(conn.image.images(name="cirros-0.6.2-x86_64-disk"))
    server = conn.compute.create_server(name="vm", image_id=image.id, flavor_id="1", networks="auto")
    return conn.compute.wait_for_server(server, wait=60, interval=0.1).id
