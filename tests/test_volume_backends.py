"""The Cinder deployment as admins and users ask about it: os-services (list, enable, disable,
disable-log-reason, freeze, thaw), os-hosts, scheduler-stats/get_pools, capabilities,
os-availability-zone and extensions. Through HTTP, Tempest's volume response schemas, the real CLI
(`openstack volume service list`, `openstack availability zone list --volume`) and openstacksdk.

Sources: cinder/api/v3/services.py, cinder/api/schemas/services.py, cinder/api/contrib/hosts.py,
scheduler_stats.py, capabilities.py, availability_zones.py and their views, cinder/db/api.py
(_filter_host, service_get), cinder/exception.py (ServiceNotFound), cinder/policies/services.py,
hosts.py, scheduler_stats.py, capabilities.py (admin only); Tempest's
tempest/lib/api_schema/response/volume/{services,hosts,scheduler_stats,capabilities,extensions}.py.
"""

from __future__ import annotations

import pytest
from tempest.lib.api_schema.response.volume import capabilities, extensions, hosts, scheduler_stats, services
from tempest.lib.common.rest_client import RestClient

from tests.tempest_schemas import _Resp
from tests.test_volume_sources import _create, _fault, _project, _snapshot

V3 = "/volume/v3"
VOLUME_HOST, POOL = "compute1@lvmdriver-1", "compute1@lvmdriver-1#lvmdriver-1"


def _url(api, path: str, user: str = "admin") -> str:
    return f"{V3}/{_project(api, user)}/{path}"


def _valid(schema: dict, response) -> dict:
    body = response.get_json()
    RestClient.validate_response(schema, _Resp(response.status_code, response.headers), body)
    return body


def _forbidden(rule: str) -> tuple[int, dict]:
    return 403, {"forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}}


def _services(api, query: str = "", version: str = "3.0") -> list[dict]:
    response = api.get(_url(api, f"os-services{query}"), user="admin",
                       headers={"OpenStack-API-Version": f"volume {version}"})
    if version == "3.0":  # Tempest's closed schema is the base version's: no cluster (3.7) in it
        return _valid(services.list_services, response)["services"]
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["services"]


def test_an_admin_lists_the_scheduler_and_the_volume_service(api):
    listed = _services(api)
    assert [(s["binary"], s["host"], s["zone"], s["status"], s["state"]) for s in listed] == [
        ("cinder-scheduler", "compute1", "nova", "enabled", "up"),
        ("cinder-volume", VOLUME_HOST, "nova", "enabled", "up")]
    volume = listed[1]
    assert (volume["disabled_reason"], volume["frozen"], volume["replication_status"]) == (None, False, "disabled")
    assert "cluster" not in volume and "backend_state" not in volume
    latest = _services(api, version="3.49")
    assert (latest[1]["cluster"], latest[1]["backend_state"]) == (None, "up")
    assert "backend_state" not in latest[0]


@pytest.mark.parametrize("query, expected", [
    ("?host=compute1", ["cinder-scheduler", "cinder-volume"]),  # a plain host matches its backends
    ("?host=compute1@lvmdriver-1", ["cinder-volume"]),
    ("?host=compute1@lvmdriver-1%23lvmdriver-1", []),  # a pool matches only itself
    ("?binary=cinder-scheduler", ["cinder-scheduler"]),
    ("?host=compute2", []),
])
def test_services_filter_by_host_as_cinders_database_matches_and_by_binary(api, query, expected):
    assert [s["binary"] for s in _services(api, query)] == expected


def test_services_hosts_pools_and_capabilities_are_admin_only(api):
    for path, rule in (("os-services", "volume_extension:services:index"),
                       ("os-hosts", "volume_extension:hosts"),
                       ("os-hosts/compute1", "volume_extension:hosts"),
                       ("scheduler-stats/get_pools", "scheduler_extension:scheduler_stats:get_pools"),
                       (f"capabilities/{VOLUME_HOST}", "volume_extension:capabilities")):
        assert _fault(api.get(_url(api, path, "demo"))) == _forbidden(rule), path
    refused = api.put(_url(api, "os-services/disable", "demo"), json={"binary": "cinder-volume"})
    assert _fault(refused) == _forbidden("volume_extension:services:update")


def test_disable_with_a_reason_then_enable(api):
    body = {"host": VOLUME_HOST, "binary": "cinder-volume", "disabled_reason": "maintenance"}
    disabled = api.put(_url(api, "os-services/disable-log-reason"), user="admin", json=body)
    assert _valid(services.disable_log_reason, disabled) == {
        "host": VOLUME_HOST, "service": "", "binary": "cinder-volume", "status": "disabled", "disabled": True,
        "disabled_reason": "maintenance"}
    volume = _services(api, "?binary=cinder-volume")[0]
    assert (volume["status"], volume["disabled_reason"]) == ("disabled", "maintenance")
    assert [h["service"] for h in api.get(_url(api, "os-hosts"), user="admin").get_json()["hosts"]] == [
        "cinder-scheduler"]  # os-hosts lists the services that are not disabled

    # The deprecated "service" key names the binary too; enabling clears the reason.
    enabled = api.put(_url(api, "os-services/enable"), user="admin",
                      json={"host": VOLUME_HOST, "service": "cinder-volume"})
    assert _valid(services.enable_service, enabled) == {
        "host": VOLUME_HOST, "service": "cinder-volume", "binary": "", "status": "enabled", "disabled": False,
        "disabled_reason": None}
    volume = _services(api, "?binary=cinder-volume")[0]
    assert (volume["status"], volume["disabled_reason"]) == ("enabled", None)

    plain = api.put(_url(api, "os-services/disable"), user="admin",
                    json={"host": "compute1", "binary": "cinder-scheduler"})
    assert _valid(services.disable_service, plain)["status"] == "disabled"
    assert _services(api, "?binary=cinder-scheduler")[0]["status"] == "disabled"


@pytest.mark.parametrize("path, body, expected", [
    ("os-services/enable", {"host": "compute1"},
     (400, {"badRequest": {"code": 400, "message": "{'host': 'compute1'} is not valid under any of the given "
                                                   "schemas"}})),
    ("os-services/disable", {"binary": "cinder-volume", "colour": "red"},
     (400, {"badRequest": {"code": 400, "message": "Additional properties are not allowed ('colour' was "
                                                   "unexpected)"}})),
    ("os-services/disable-log-reason", {"binary": "cinder-volume", "disabled_reason": "   "},
     (400, {"badRequest": {"code": 400, "message": "Invalid input for field/attribute disabled_reason. Value:    . "
                                                   "'   ' is not a 'disabled_reason'"}})),
    ("os-services/enable", {"host": "compute2", "binary": "cinder-volume"},
     (404, {"itemNotFound": {"code": 404, "message": "Service cinder-volume could not be found on host compute2."}})),
    ("os-services/disable", {"binary": "cinder-backup"},
     (404, {"itemNotFound": {"code": 404, "message": "Service cinder-backup could not be found."}})),
    ("os-services/freeze", {"host": "compute2"},
     (400, {"badRequest": {"code": 400, "message": "Invalid input received: No service found with host=compute2"}})),
])
def test_service_updates_are_checked_with_cinders_texts(api, path, body, expected):
    assert _fault(api.put(_url(api, path), user="admin", json=body)) == expected


def test_freeze_and_thaw_the_volume_backend(api):
    frozen = api.put(_url(api, "os-services/freeze"), user="admin", json={"host": VOLUME_HOST})
    RestClient.validate_response(services.freeze_host, _Resp(frozen.status_code, frozen.headers), None)
    assert frozen.get_data() == b""
    assert _services(api, "?binary=cinder-volume")[0]["frozen"] is True
    thawed = api.put(_url(api, "os-services/thaw"), user="admin", json={"host": "compute1"})
    assert thawed.status_code == 200
    assert _services(api, "?binary=cinder-volume")[0]["frozen"] is False


def test_service_actions_fakenova_does_not_model_say_so(api):
    response = api.put(_url(api, "os-services/failover_host"), user="admin", json={"host": VOLUME_HOST})
    assert response.status_code == 404
    assert "fakenova does not model PUT" in response.get_json()["itemNotFound"]["message"]


def test_hosts_show_the_volumes_and_snapshots_per_project(api):
    volume = _create(api, size=2)
    _snapshot(api, volume["id"])
    _create(api, user="alt_demo", size=3)
    listed = _valid(hosts.list_hosts, api.get(_url(api, "os-hosts"), user="admin"))["hosts"]
    assert [(h["host_name"], h["service"], h["zone"], h["service-status"], h["service-state"]) for h in listed] == [
        ("compute1", "cinder-scheduler", "nova", "available", "enabled"),
        (VOLUME_HOST, "cinder-volume", "nova", "available", "enabled")]
    assert api.get(_url(api, "os-hosts?zone=elsewhere"), user="admin").get_json() == {"hosts": []}

    shown = _valid(hosts.show_host, api.get(_url(api, f"os-hosts/{VOLUME_HOST}"), user="admin"))["host"]
    rows = {row["resource"]["project"]: row["resource"] for row in shown}
    demo, alt = _project(api), _project(api, "alt_demo")
    assert rows["(total)"] == {"host": VOLUME_HOST, "project": "(total)", "volume_count": "2",
                               "total_volume_gb": "5", "snapshot_count": "1", "total_snapshot_gb": "2"}
    assert (rows[demo]["volume_count"], rows[demo]["total_volume_gb"], rows[demo]["snapshot_count"]) == ("1", "2", "1")
    assert (rows[alt]["volume_count"], rows[alt]["snapshot_count"]) == ("1", "0")
    assert _fault(api.get(_url(api, "os-hosts/compute2"), user="admin")) == (404, {"itemNotFound": {
        "code": 404, "message": "Service cinder-volume could not be found on host compute2."}})


def test_pools_and_capabilities_of_the_lvm_backend(api):
    _create(api, size=4)
    names = _valid(scheduler_stats.get_pools_no_detail, api.get(_url(api, "scheduler-stats/get_pools"), user="admin"))
    assert names == {"pools": [{"name": POOL}]}
    detail = _valid(scheduler_stats.get_pools_with_detail,
                    api.get(_url(api, "scheduler-stats/get_pools?detail=true"), user="admin"))["pools"][0]
    caps = detail["capabilities"]
    assert (caps["volume_backend_name"], caps["storage_protocol"], caps["allocated_capacity_gb"]) == (
        "lvmdriver-1", "iSCSI", 4)
    assert caps["free_capacity_gb"] == caps["total_capacity_gb"] - 4
    # The name filter counts from 3.28 (mv.POOL_FILTER); before, filters are dropped.
    other = _url(api, "scheduler-stats/get_pools?name=other")
    assert api.get(other, user="admin", headers={"OpenStack-API-Version": "volume 3.28"}).get_json() == {"pools": []}
    assert len(api.get(other, user="admin").get_json()["pools"]) == 1

    shown = _valid(capabilities.show_backend_capabilities, api.get(_url(api, "capabilities/compute1"), user="admin"))
    assert (shown["namespace"], shown["volume_backend_name"], shown["pool_name"]) == (
        f"OS::Storage::Capabilities::{VOLUME_HOST}", "lvmdriver-1", None)
    assert _fault(api.get(_url(api, "capabilities/compute1@lvmdriver-1%23lvmdriver-1"), user="admin")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Can't find service: {POOL}"}})


def test_every_user_sees_the_zone_and_the_extensions(api):
    zones = api.get(_url(api, "os-availability-zone", "demo"))
    assert zones.get_json() == {"availabilityZoneInfo": [{"zoneName": "nova", "zoneState": {"available": True}}]}
    listed = _valid(extensions.list_extensions, api.get(_url(api, "extensions", "demo")))["extensions"]
    assert {"os-services", "os-hosts", "scheduler-stats", "os-availability-zone"} <= {e["alias"] for e in listed}
    shown = api.get(_url(api, "extensions/os-hosts", "demo")).get_json()["extension"]
    assert (shown["name"], shown["description"]) == ("Hosts", "Admin-only host administration.")
    assert api.get(_url(api, "extensions/os-nothing", "demo")).status_code == 404


def test_service_changes_survive_export_and_go_with_a_reset(api):
    api.put(_url(api, "os-services/disable-log-reason"), user="admin",
            json={"binary": "cinder-volume", "disabled_reason": "kept"})
    exported = api.client.get("/_fake/state").get_json()
    assert exported["store"]["volume_services"] == {
        f"cinder-volume@{VOLUME_HOST}": {"disabled": True, "disabled_reason": "kept"}}
    api.client.post("/_fake/reset")
    api._tokens.clear()  # a reset forgets the tokens
    assert _services(api, "?binary=cinder-volume")[0]["status"] == "enabled"
    assert api.client.put("/_fake/state", json=exported).status_code == 200
    api._tokens.clear()
    assert _services(api, "?binary=cinder-volume")[0]["disabled_reason"] == "kept"


def test_the_cli_lists_volume_services_and_zones(live):
    listed = live.openstack("volume", "service", "list", "-f", "json", user="admin")
    assert [(s["Binary"], s["Host"], s["Zone"], s["Status"], s["State"]) for s in listed] == [
        ("cinder-scheduler", "compute1", "nova", "enabled", "up"),
        ("cinder-volume", VOLUME_HOST, "nova", "enabled", "up")]
    live.openstack("volume", "service", "set", "--disable", "--disable-reason", "cli", VOLUME_HOST, "cinder-volume",
                   user="admin")
    listed = live.openstack("volume", "service", "list", "--long", "-f", "json", user="admin")
    assert [(s["Status"], s["Disabled Reason"]) for s in listed if s["Binary"] == "cinder-volume"] == [
        ("disabled", "cli")]
    zones = live.openstack("availability", "zone", "list", "--volume", "-f", "json", user="demo")
    assert zones == [{"Zone Name": "nova", "Zone Status": "available"}]
    sdk = live.sdk("admin")
    assert [p.name for p in sdk.block_storage.backend_pools()] == [POOL]
    assert [z.name for z in live.sdk().block_storage.availability_zones()] == ["nova"]
