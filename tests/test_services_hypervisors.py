"""os-services, os-hypervisors, and what disabling or forcing down a compute service changes.

Expected texts come from nova/api/openstack/compute/services.py and hypervisors.py, nova/exception.py
(ServiceNotFound, HostMappingNotFound) and nova/compute/api.py; response shapes are checked with
Tempest's own schemas (services_client, hypervisor_client).
"""

from __future__ import annotations

import pytest

from tests.server_helpers import create, network_id, show
from tests.tempest_schemas import assert_valid

V21 = "/compute/v2.1"
SERVICES = "services_client.ServicesClient"
HYPERVISORS = "hypervisor_client.HypervisorClient"
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


def fault(response) -> tuple[int, str]:
    ((_name, detail),) = response.get_json().items()
    return response.status_code, detail["message"]


def services(api, version: str = "2.53", query: str = "") -> list[dict]:
    response = api.get(f"{V21}/os-services{query}", user="admin", version=version)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(SERVICES, "list_services", version, 200, response.headers, response.get_json())
    return response.get_json()["services"]


def compute_id(api, host: str) -> str:
    return next(s["id"] for s in services(api) if s["host"] == host and s["binary"] == "nova-compute")


def update(api, host: str, body: dict):
    return api.put(f"{V21}/os-services/{compute_id(api, host)}", user="admin", version="2.53", json=body)


def built(api, **server) -> dict:
    created = create(api, **server)
    api.backend.clock.advance(10)
    return show(api, created["id"], version="2.47", user="demo") | {"_admin": show(api, created["id"], user="admin")}


# --- GET /os-services ------------------------------------------------------------------------------

def test_services_list_per_microversion(frozen):
    plain = services(frozen, "2.1")
    assert [(s["id"], s["binary"], s["host"], s["zone"]) for s in plain] == [
        (1, "nova-conductor", "compute1", "internal"), (2, "nova-scheduler", "compute1", "internal"),
        (3, "nova-compute", "compute1", "nova"), (4, "nova-compute", "compute2", "nova")]
    assert all((s["status"], s["state"], s["disabled_reason"]) == ("enabled", "up", None) for s in plain)
    assert "forced_down" not in plain[0]
    assert services(frozen, "2.11")[2]["forced_down"] is False
    with_uuids = services(frozen, "2.53")
    assert len({s["id"] for s in with_uuids}) == 4 and all(len(s["id"]) == 36 for s in with_uuids)
    # The heartbeat is the fake clock's "now".
    frozen.backend.clock.advance(30)
    later = services(frozen, "2.1")[0]["updated_at"]
    assert later > plain[0]["updated_at"]


def test_services_filters_and_query_rules(frozen):
    assert [s["host"] for s in services(frozen, query="?binary=nova-compute")] == ["compute1", "compute2"]
    assert [s["binary"] for s in services(frozen, query="?host=compute2")] == ["nova-compute"]
    # Nova reads the last value of a repeated filter; an empty one filters nothing.
    assert len(services(frozen, query="?host=nowhere&host=compute1")) == 3
    assert len(services(frozen, query="?host=")) == 4
    assert services(frozen, "2.74", "?bogus=1")
    response = frozen.get(f"{V21}/os-services?bogus=1", user="admin", version="2.75")
    assert fault(response) == (400, "Additional properties are not allowed ('bogus' was unexpected)")
    denied = frozen.get(f"{V21}/os-services", user="demo")
    assert fault(denied) == (403, "Policy doesn't allow os_compute_api:os-services:list to be performed.")


# --- PUT /os-services/{uuid} (2.53) ---------------------------------------------------------------

def test_update_by_uuid_disables_enables_and_forces_down(frozen):
    response = update(frozen, "compute2", {"status": "disabled", "disabled_reason": "maintenance"})
    assert response.status_code == 200
    assert_valid(SERVICES, "update_service", "2.53", 200, response.headers, response.get_json())
    shown = response.get_json()["service"]
    assert (shown["host"], shown["status"], shown["disabled_reason"], shown["state"], shown["forced_down"]) == (
        "compute2", "disabled", "maintenance", "up", False)
    response = update(frozen, "compute2", {"status": "enabled", "forced_down": "yes"})
    shown = response.get_json()["service"]
    assert (shown["status"], shown["disabled_reason"], shown["state"], shown["forced_down"]) == (
        "enabled", None, "down", True)
    assert [(s["host"], s["state"]) for s in services(frozen, query="?binary=nova-compute")] == [
        ("compute1", "up"), ("compute2", "down")]


def test_update_by_uuid_errors(frozen):
    api = frozen

    def put(service_id, body, user="admin"):
        return fault(api.put(f"{V21}/os-services/{service_id}", user=user, version="2.53", json=body))

    missing = "00000000-0000-4000-8000-000000000000"
    scheduler = next(s["id"] for s in services(api) if s["binary"] == "nova-scheduler")
    compute = compute_id(api, "compute1")
    assert put("disable", {"status": "disabled"}) == (400, "Invalid uuid disable")
    assert put(missing, {"status": "disabled"}) == (404, f"Service {missing} could not be found.")
    assert put(compute, {"status": "disabled"}, user="demo") == (
        403, "Policy doesn't allow os_compute_api:os-services:update to be performed.")
    assert put(scheduler, {"status": "disabled"}) == (
        400, "Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.")
    assert put(compute, {"status": "enabled", "disabled_reason": "x"}) == (
        400, "Specifying 'disabled_reason' with status 'enabled' is invalid.")
    assert put(compute, {}) == (
        400, "No updates were requested. Fields 'status' or 'forced_down' should be specified.")
    code, text = put(compute, {"status": "off"})
    assert code == 400 and text.startswith("Invalid input for field/attribute status.")
    code, text = put(compute, {"host": "compute1"})
    assert code == 400 and "Additional properties are not allowed ('host' was unexpected)" in text


# --- the 2.1-2.52 actions ---------------------------------------------------------------------------

def test_legacy_actions(frozen):
    api = frozen

    def put(action, body, version="2.11"):
        return api.put(f"{V21}/os-services/{action}", user="admin", version=version, json=body)

    target = {"host": "compute1", "binary": "nova-compute"}
    response = put("disable-log-reason", dict(target, disabled_reason="broken disk"), "2.1")
    assert response.get_json() == {"service": dict(target, status="disabled", disabled_reason="broken disk")}
    assert_valid(SERVICES, "disable_log_reason", "2.1", 200, response.headers, response.get_json())
    assert services(api, "2.1")[2]["disabled_reason"] == "broken disk"
    response = put("enable", target, "2.1")
    assert response.get_json() == {"service": dict(target, status="enabled")}
    assert_valid(SERVICES, "enable_disable_service", "2.1", 200, response.headers, response.get_json())
    response = put("disable", dict(target, disabled_reason="ignored"), "2.1")
    assert response.get_json() == {"service": dict(target, status="disabled")}
    assert services(api, "2.1")[2]["disabled_reason"] is None
    response = put("force-down", dict(target, forced_down=True))
    assert response.get_json() == {"service": dict(target, forced_down=True)}
    assert_valid(SERVICES, "update_forced_down", "2.11", 200, response.headers, response.get_json())
    assert services(api, "2.11")[2]["state"] == "down"

    # Below 2.11 there is no force-down; the body schema (no forced_down either) answers first.
    assert fault(put("force-down", target, "2.10")) == (404, "Unknown action")
    code, text = fault(put("force-down", dict(target, forced_down=True), "2.10"))
    assert code == 400 and text.endswith("Additional properties are not allowed ('forced_down' was unexpected)")
    assert fault(put("reboot", target)) == (404, "Unknown action")
    assert fault(put("disable-log-reason", target)) == (400, "Missing disabled reason field")
    assert fault(put("force-down", target)) == (400, "Missing forced_down field")
    assert fault(put("disable", {"host": "compute1", "binary": "nova-conductor"})) == (
        400, "Updating a nova-conductor service is not supported. Only nova-compute services can be updated.")
    assert fault(put("disable", {"host": "nowhere", "binary": "nova-compute"})) == (
        404, "Host 'nowhere' is not mapped to any cell")
    code, text = fault(put("disable", {"host": "compute1"}))
    assert code == 400 and text.endswith("'binary' is a required property")
    assert fault(api.put(f"{V21}/os-services/disable", user="demo", json=target)) == (
        403, "Policy doesn't allow os_compute_api:os-services:update to be performed.")


# --- the scheduler ----------------------------------------------------------------------------------

def test_builds_skip_disabled_and_forced_down_hosts(frozen):
    api = frozen
    assert built(api)["_admin"]["OS-EXT-SRV-ATTR:host"] == "compute1"
    update(api, "compute1", {"status": "disabled"})
    assert built(api)["_admin"]["OS-EXT-SRV-ATTR:host"] == "compute2"
    update(api, "compute1", {"status": "enabled", "forced_down": True})
    assert built(api)["_admin"]["OS-EXT-SRV-ATTR:host"] == "compute2"
    update(api, "compute2", {"status": "disabled"})
    failed = built(api)
    assert failed["status"] == "ERROR" and failed["fault"]["message"] == NO_VALID_HOST
    assert failed["_admin"]["OS-EXT-SRV-ATTR:host"] is None
    # A forced host (zone:host, admin) skips the scheduler's filters.
    forced = create(api, user="admin", availability_zone="nova:compute2", networks=[{"uuid": network_id(api.backend)}])
    api.backend.clock.advance(10)
    shown = show(api, forced["id"], user="admin")
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "compute2")


def test_a_requested_host_that_is_disabled_fails_the_build(frozen):
    api = frozen
    update(api, "compute2", {"status": "disabled"})
    created = create(api, version="2.74", user="admin", host="compute2", networks=[{"uuid": network_id(api.backend)}])
    api.backend.clock.advance(10)
    shown = show(api, created["id"], user="admin", version="2.74")
    assert (shown["status"], shown["fault"]["message"]) == ("ERROR", NO_VALID_HOST)


def test_a_move_to_a_disabled_host_fails_and_the_server_stays(frozen):
    api = frozen
    server = built(api)
    update(api, "compute2", {"status": "disabled"})
    response = api.post(f"{V21}/servers/{server['id']}/action", user="admin", json={"migrate": None})
    assert response.status_code == 202
    api.backend.clock.advance(10)
    shown = show(api, server["id"], user="admin")
    assert (shown["status"], shown["OS-EXT-STS:task_state"], shown["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", None, "compute1")
    migration = api.get(f"{V21}/os-migrations", user="admin").get_json()["migrations"][0]
    assert migration["status"] == "error"
    # Below 2.34 a live migration asks the scheduler synchronously: NoValidHost is a 400 at once.
    response = api.post(f"{V21}/servers/{server['id']}/action", user="admin", version="2.25",
                        json={"os-migrateLive": {"host": None, "block_migration": "auto"}})
    assert fault(response) == (400, NO_VALID_HOST)


def test_evacuate_to_a_disabled_host_fails_and_the_server_stays(frozen):
    api = frozen
    server = built(api)
    update(api, "compute1", {"forced_down": True})
    update(api, "compute2", {"status": "disabled"})
    response = api.post(f"{V21}/servers/{server['id']}/action", user="admin", version="2.14", json={"evacuate": {}})
    assert response.status_code == 200
    api.backend.clock.advance(10)
    shown = show(api, server["id"], user="admin")
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "compute1")
    assert api.get(f"{V21}/os-migrations", user="admin").get_json()["migrations"][0]["status"] == "error"
    # force=true (2.29-2.67) names a host the scheduler does not check.
    response = api.post(f"{V21}/servers/{server['id']}/action", user="admin", version="2.29",
                        json={"evacuate": {"host": "compute2", "force": True}})
    assert response.status_code == 200
    api.backend.clock.advance(10)
    assert show(api, server["id"], user="admin")["OS-EXT-SRV-ATTR:host"] == "compute2"


def test_availability_zone_detail_shows_the_service_flags(frozen):
    update(frozen, "compute2", {"status": "disabled", "forced_down": True})
    zones = frozen.get(f"{V21}/os-availability-zone/detail", user="admin").get_json()["availabilityZoneInfo"]
    nova = next(z for z in zones if z["zoneName"] == "nova")
    flags = nova["hosts"]["compute2"]["nova-compute"]
    assert (flags["available"], flags["active"]) == (False, False)
    assert nova["hosts"]["compute1"]["nova-compute"]["available"] is True


# --- os-hypervisors -----------------------------------------------------------------------------------

def hypervisors(api, path: str = "", version: str = "2.53", schema: str = "list_search_hypervisors"):
    response = api.get(f"{V21}/os-hypervisors{path}", user="admin", version=version)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(HYPERVISORS, schema, version, 200, response.headers, response.get_json())
    return response.get_json()


@pytest.mark.parametrize("version", ["2.1", "2.28", "2.33", "2.53", "2.75"])
def test_hypervisor_detail_counts_the_servers_on_each_node(frozen, version):
    api = frozen
    built(api, flavorRef="2")  # m1.small: 1 vcpu, 2048 MB, 20 GB
    detail = hypervisors(api, "/detail", version, "list_hypervisors_detail")["hypervisors"]
    one, two = detail
    assert (one["hypervisor_hostname"], one["state"], one["status"], one["hypervisor_type"]) == (
        "compute1", "up", "enabled", "QEMU")
    assert (one["vcpus_used"], one["memory_mb_used"], one["local_gb_used"], one["running_vms"]) == (1, 2560, 20, 1)
    assert (two["vcpus_used"], two["memory_mb_used"], two["running_vms"]) == (0, 512, 0)
    assert one["free_ram_mb"] == one["memory_mb"] - 2560
    assert isinstance(one["cpu_info"], str if version == "2.1" else dict)
    if version >= "2.53":
        assert len(one["id"]) == 36 and len(one["service"]["id"]) == 36
    else:
        assert (one["id"], one["service"]) == (1, {"id": 3, "host": "compute1", "disabled_reason": None})


def test_hypervisor_detail_from_2_88_shows_uptime_instead_of_resources(frozen):
    response = frozen.get(f"{V21}/os-hypervisors/detail", user="admin", version="2.88")
    node = response.get_json()["hypervisors"][0]
    assert "vcpus" not in node and "cpu_info" not in node and "running_vms" not in node
    assert " up " in node["uptime"] and node["uptime"].endswith("load average: 0.00, 0.00, 0.00")
    for path in ("/statistics", "/1/uptime"):
        assert frozen.get(f"{V21}/os-hypervisors{path}", user="admin", version="2.88").status_code == 404


def test_hypervisor_list_state_status_and_with_servers(frozen):
    api = frozen
    server = built(api)
    update(api, "compute2", {"status": "disabled", "disabled_reason": "dead fan", "forced_down": True})
    listed = hypervisors(api, "?with_servers=true")["hypervisors"]
    assert [(h["hypervisor_hostname"], h["state"], h["status"]) for h in listed] == [
        ("compute1", "up", "enabled"), ("compute2", "down", "disabled")]
    internal = api.backend.store.servers[server["id"]]["internal_id"]
    assert listed[0]["servers"] == [{"name": "instance-%08x" % internal, "uuid": server["id"]}]
    assert "servers" not in listed[1]  # an empty list only from 2.75
    assert hypervisors(api, "?with_servers=true", "2.75")["hypervisors"][1]["servers"] == []
    assert "servers" not in hypervisors(api)["hypervisors"][0]
    shown = api.get(f"{V21}/os-hypervisors/{listed[1]['id']}", user="admin", version="2.53").get_json()
    assert shown["hypervisor"]["service"]["disabled_reason"] == "dead fan"


def test_hypervisor_pattern_and_paging(frozen):
    api = frozen
    assert [h["hypervisor_hostname"] for h in hypervisors(api, "?hypervisor_hostname_pattern=UTE2")["hypervisors"]] \
        == ["compute2"]
    assert len(hypervisors(api, "?hypervisor_hostname_pattern=comp_te")["hypervisors"]) == 2
    response = api.get(f"{V21}/os-hypervisors?hypervisor_hostname_pattern=nope", user="admin", version="2.53")
    assert fault(response) == (404, "No hypervisor matching 'nope' could be found.")
    response = api.get(f"{V21}/os-hypervisors?hypervisor_hostname_pattern=c&limit=1", user="admin", version="2.53")
    assert fault(response) == (400, "Paging over hypervisors with the hypervisor_hostname_pattern query parameter "
                                    "is not supported.")
    first = hypervisors(api, "?limit=1", "2.33")
    assert [h["id"] for h in first["hypervisors"]] == [1]
    assert first["hypervisors_links"] == [
        {"rel": "next", "href": "http://localhost/compute/v2.1/os-hypervisors?limit=1&marker=1"}]
    rest = hypervisors(api, "/detail?limit=1&marker=1", "2.33", "list_hypervisors_detail")
    assert [h["id"] for h in rest["hypervisors"]] == [2]
    assert "hypervisors_links" in rest  # a full page: Nova links on, as for every collection
    assert hypervisors(api, "?limit=5&marker=2", "2.33") == {"hypervisors": []}
    response = api.get(f"{V21}/os-hypervisors?marker=9", user="admin", version="2.33")
    assert fault(response) == (400, "marker [9] not found")
    uuid_first = hypervisors(api, "?limit=1")["hypervisors"][0]["id"]
    assert [h["hypervisor_hostname"] for h in hypervisors(api, f"?marker={uuid_first}")["hypervisors"]] == [
        "compute2"]
    # Below 2.33 limit and marker are not read.
    assert len(hypervisors(api, "?limit=1", "2.1")["hypervisors"]) == 2
    response = api.get(f"{V21}/os-hypervisors?with_servers=maybe", user="admin", version="2.53")
    assert response.status_code == 400


def test_hypervisor_show_ids_per_microversion(frozen):
    api = frozen
    shown = hypervisors(api, "/1", "2.1", "get_hypervisor")["hypervisor"]
    assert (shown["id"], shown["hypervisor_hostname"], shown["host_ip"]) == (1, "compute1", "192.168.56.11")
    for bad in ("x", "9"):
        response = api.get(f"{V21}/os-hypervisors/{bad}", user="admin", version="2.52")
        assert fault(response) == (404, f"Hypervisor with ID '{bad}' could not be found.")
    response = api.get(f"{V21}/os-hypervisors/1", user="admin", version="2.53")
    assert fault(response) == (400, "Invalid uuid 1")
    missing = "00000000-0000-4000-8000-000000000000"
    response = api.get(f"{V21}/os-hypervisors/{missing}", user="admin", version="2.53")
    assert fault(response) == (404, f"Hypervisor with ID '{missing}' could not be found.")
    uuid = hypervisors(api)["hypervisors"][1]["id"]
    assert hypervisors(api, f"/{uuid}", "2.53", "get_hypervisor")["hypervisor"]["hypervisor_hostname"] == "compute2"
    response = api.get(f"{V21}/os-hypervisors/{uuid}", user="demo", version="2.53")
    assert fault(response) == (403, "Policy doesn't allow os_compute_api:os-hypervisors:show to be performed.")


def test_hypervisor_routes_gone_at_2_53_and_statistics(frozen):
    api = frozen
    server = built(api)
    found = hypervisors(api, "/compute1/servers", "2.52", "get_hypervisors_servers")["hypervisors"]
    assert [(h["hypervisor_hostname"], [s["uuid"] for s in h["servers"]]) for h in found] == [
        ("compute1", [server["id"]])]
    assert [h["id"] for h in hypervisors(api, "/compute/search", "2.52")["hypervisors"]] == [1, 2]
    response = api.get(f"{V21}/os-hypervisors/zzz/search", user="admin", version="2.52")
    assert fault(response) == (404, "No hypervisor matching 'zzz' could be found.")
    for path in ("/compute/search", "/compute1/servers"):
        assert api.get(f"{V21}/os-hypervisors{path}", user="admin", version="2.53").status_code == 404
    stats = hypervisors(api, "/statistics", "2.87", "get_hypervisor_statistics")["hypervisor_statistics"]
    assert (stats["count"], stats["vcpus_used"], stats["running_vms"], stats["memory_mb_used"]) == (2, 1, 1, 1536)
    uptime = hypervisors(api, "/1/uptime", "2.1", "get_hypervisor_uptime")["hypervisor"]
    assert (uptime["id"], uptime["hypervisor_hostname"]) == (1, "compute1") and " up " in uptime["uptime"]


# --- real clients -----------------------------------------------------------------------------------

def test_cli_service_list_set_down_and_hypervisors(live):
    listed = live.openstack("compute", "service", "list", "-f", "json", user="admin")
    assert [(s["Binary"], s["Host"], s["Zone"], s["Status"], s["State"]) for s in listed] == [
        ("nova-conductor", "compute1", "internal", "enabled", "up"),
        ("nova-scheduler", "compute1", "internal", "enabled", "up"),
        ("nova-compute", "compute1", "nova", "enabled", "up"),
        ("nova-compute", "compute2", "nova", "enabled", "up")]
    live.openstack("--os-compute-api-version", "2.11", "compute", "service", "set", "--down", "--disable",
                   "--disable-reason", "maintenance", "compute1", "nova-compute", user="admin")
    listed = live.openstack("--os-compute-api-version", "2.53", "compute", "service", "list", "--long", "-f",
                            "json", user="admin")
    compute1 = next(s for s in listed if s["Host"] == "compute1" and s["Binary"] == "nova-compute")
    assert (compute1["Status"], compute1["State"], compute1["Disabled Reason"], compute1["Forced Down"]) == (
        "disabled", "down", "maintenance", True)
    nodes = live.openstack("hypervisor", "list", "-f", "json", user="admin")
    assert [(h["Hypervisor Hostname"], h["State"]) for h in nodes] == [("compute1", "down"), ("compute2", "up")]
    shown = live.openstack("hypervisor", "show", "compute2", "-f", "json", user="admin")
    assert (shown["hypervisor_hostname"], shown["hypervisor_type"], shown["status"]) == ("compute2", "QEMU",
                                                                                        "enabled")
    denied = live.openstack("compute", "service", "list", user="demo", check=False)
    assert denied.returncode != 0 and "os_compute_api:os-services:list" in denied.stderr


def test_sdk_and_novaclient_services_and_hypervisors(live):
    conn = live.sdk("admin")
    computes = [s for s in conn.compute.services() if s.binary == "nova-compute"]
    assert [s.host for s in computes] == ["compute1", "compute2"]
    conn.compute.disable_service(computes[1], computes[1].host, computes[1].binary, disabled_reason="fan")
    nodes = {h.name: h for h in conn.compute.hypervisors(details=True)}
    assert nodes["compute2"].status == "disabled" and nodes["compute1"].status == "enabled"
    nova = live.novaclient("admin", "2.60")
    assert [h.hypervisor_hostname for h in nova.hypervisors.list()] == ["compute1", "compute2"]
    found = nova.services.list(binary="nova-compute", host="compute2")
    assert [(s.status, s.disabled_reason) for s in found] == [("disabled", "fan")]
    nova.services.force_down(found[0].id, True)
    assert nova.services.list(host="compute2")[0].state == "down"
