"""/limits, /os-quota-sets and /os-availability-zone, through HTTP and with the real clients.

Oracles that do not come from fakenova: Tempest's response schemas, Nova's api-ref samples
(doc/api_samples/limits, os-quota-sets, os-availability-zone) and Nova's controller texts.
"""

from __future__ import annotations

import pytest

from fakenova.microversion import APIVersion
from tests.tempest_schemas import assert_valid

COMPUTE = "/compute/v2.1"
LIMITS_CLIENT = "limits_client.LimitsClient"
QUOTAS_CLIENT = "quotas_client.QuotasClient"
AZ_CLIENT = "availability_zone_client.AvailabilityZoneClient"

# nova/doc/api_samples/limits/limit-get-resp.json (the defaults, nothing used).
LIMITS_21 = {
    "maxImageMeta": 128, "maxPersonality": 5, "maxPersonalitySize": 10240, "maxSecurityGroupRules": -1,
    "maxSecurityGroups": -1, "maxServerMeta": 128, "maxTotalCores": 20, "maxTotalFloatingIps": -1,
    "maxTotalInstances": 10, "maxTotalKeypairs": 100, "maxTotalRAMSize": 51200, "maxServerGroups": 10,
    "maxServerGroupMembers": 10, "totalCoresUsed": 0, "totalInstancesUsed": 0, "totalRAMUsed": 0,
    "totalSecurityGroupsUsed": 0, "totalFloatingIpsUsed": 0, "totalServerGroupsUsed": 0,
}
# nova/doc/api_samples/os-quota-sets/quotas-show-defaults-get-resp.json, without "id".
QUOTAS_21 = {
    "cores": 20, "fixed_ips": -1, "floating_ips": -1, "injected_file_content_bytes": 10240,
    "injected_file_path_bytes": 255, "injected_files": 5, "instances": 10, "key_pairs": 100,
    "metadata_items": 128, "ram": 51200, "security_group_rules": -1, "security_groups": -1,
    "server_group_members": 10, "server_groups": 10,
}
NETWORK_ERA = {"fixed_ips", "floating_ips", "security_group_rules", "security_groups"}
PERSONALITY = {"injected_file_content_bytes", "injected_file_path_bytes", "injected_files"}


def project_id(backend, name: str) -> str:
    return next(p["id"] for p in backend.store.projects.values() if p["name"] == name)


def add_server(backend, project: str, *, vcpus: int, ram: int, vm_state: str = "active") -> None:
    """A bare server record with just what quota usage counts (servers have their own API tests)."""
    server_id = f"srv-{len(backend.store.servers)}"
    backend.store.servers[server_id] = {"id": server_id, "project_id": project, "vm_state": vm_state,
                                        "flavor": {"vcpus": vcpus, "ram": ram}}


def error(message: str, code: int = 400) -> dict:
    name = {400: "badRequest", 403: "forbidden", 404: "itemNotFound"}[code]
    return {name: {"code": code, "message": message}}


def check(response, client: str, schema: str, version: str, status: int = 200):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json(silent=True)
    assert_valid(client, schema, version, status, response.headers, body)
    return body


# --- /limits ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("version, dropped", [
    ("2.1", set()),
    ("2.35", set()),
    ("2.36", {"maxSecurityGroupRules", "maxSecurityGroups", "maxTotalFloatingIps", "totalSecurityGroupsUsed",
              "totalFloatingIpsUsed"}),
    ("2.39", {"maxSecurityGroupRules", "maxSecurityGroups", "maxTotalFloatingIps", "totalSecurityGroupsUsed",
              "totalFloatingIpsUsed", "maxImageMeta"}),
    ("2.57", {"maxSecurityGroupRules", "maxSecurityGroups", "maxTotalFloatingIps", "totalSecurityGroupsUsed",
              "totalFloatingIpsUsed", "maxImageMeta", "maxPersonality", "maxPersonalitySize"}),
    ("2.104", {"maxSecurityGroupRules", "maxSecurityGroups", "maxTotalFloatingIps", "totalSecurityGroupsUsed",
               "totalFloatingIpsUsed", "maxImageMeta", "maxPersonality", "maxPersonalitySize"}),
])
def test_limits_fields_per_microversion(api, version, dropped):
    body = check(api.get(f"{COMPUTE}/limits", version=version), LIMITS_CLIENT, "get_limit", version)
    assert body["limits"]["rate"] == []
    assert body["limits"]["absolute"] == {k: v for k, v in LIMITS_21.items() if k not in dropped}


def test_limits_count_the_callers_servers_and_follow_overrides(api, backend):
    demo = project_id(backend, "demo")
    add_server(backend, demo, vcpus=2, ram=2048)
    add_server(backend, demo, vcpus=1, ram=512, vm_state="soft-delete")  # still counts, as in Nova
    add_server(backend, demo, vcpus=8, ram=8192, vm_state="deleted")
    add_server(backend, project_id(backend, "alt_demo"), vcpus=4, ram=4096)
    backend.store.quotas[demo] = {"cores": 3}
    absolute = check(api.get(f"{COMPUTE}/limits", version="2.57"), LIMITS_CLIENT, "get_limit", "2.57")[
        "limits"]["absolute"]
    assert (absolute["totalInstancesUsed"], absolute["totalCoresUsed"], absolute["totalRAMUsed"]) == (2, 3, 2560)
    assert absolute["maxTotalCores"] == 3 and absolute["maxTotalInstances"] == 10


def test_server_quota_counts_follow_reset_and_state_import(api, backend):
    # Usage comes from an index beside the store (not a scan), so a replaced store must be counted afresh.
    backend.settings.quotas = {**backend.settings.quotas, "instances": 1}
    image = next(i["id"] for i in backend.store.images.values() if i["name"] == "cirros-0.6.2-x86_64-disk")
    body = {"server": {"name": "vm", "imageRef": image, "flavorRef": "1", "networks": "none"}}
    full = error("Quota exceeded for instances: Requested 1, but already used 1 of 1 instances", 403)
    assert api.post(f"{COMPUTE}/servers", json=body, version="2.37").status_code == 202
    refused = api.post(f"{COMPUTE}/servers", json=body, version="2.37")
    assert (refused.status_code, refused.get_json()) == (403, full)
    exported = api.client.get("/_fake/state").get_json()
    api.client.post("/_fake/reset")
    api._tokens.clear()  # the reset forgot every token
    backend.settings.quotas = {**backend.settings.quotas, "instances": 1}
    absolute = check(api.get(f"{COMPUTE}/limits", version="2.57"), LIMITS_CLIENT, "get_limit", "2.57")[
        "limits"]["absolute"]
    assert absolute["totalInstancesUsed"] == 0
    assert api.client.put("/_fake/state", json=exported).status_code == 200
    api._tokens.clear()  # back to the exported tokens
    refused = api.post(f"{COMPUTE}/servers", json=body, version="2.37")
    assert (refused.status_code, refused.get_json()) == (403, full)


def test_admin_reads_another_projects_limits_with_tenant_id(api, backend):
    alt = project_id(backend, "alt_demo")
    add_server(backend, alt, vcpus=4, ram=4096)
    body = check(api.get(f"{COMPUTE}/limits?tenant_id={alt}", user="admin"), LIMITS_CLIENT, "get_limit", "2.1")
    assert body["limits"]["absolute"]["totalCoresUsed"] == 4
    own = api.get(f"{COMPUTE}/limits", user="admin").get_json()
    assert own["limits"]["absolute"]["totalCoresUsed"] == 0


def test_tenant_id_needs_admin_even_for_the_own_project(api, backend):
    response = api.get(f"{COMPUTE}/limits?tenant_id={project_id(backend, 'demo')}", user="demo")
    assert response.status_code == 403
    assert response.get_json() == error("Policy doesn't allow os_compute_api:limits:other_project to be performed.",
                                        403)


@pytest.mark.parametrize("version, status", [("2.74", 200), ("2.75", 400)])
def test_limits_refuse_unknown_parameters_from_2_75(api, version, status):
    response = api.get(f"{COMPUTE}/limits?reserved=1", version=version)
    assert response.status_code == status
    if status == 400:
        assert response.get_json() == error("Additional properties are not allowed ('reserved' was unexpected)")


# --- /os-quota-sets ----------------------------------------------------------------------------

def expected_quota_set(version: str) -> dict:
    dropped = set()
    if APIVersion.parse(version) >= "2.36":
        dropped |= NETWORK_ERA
    if APIVersion.parse(version) >= "2.57":
        dropped |= PERSONALITY
    return {k: v for k, v in QUOTAS_21.items() if k not in dropped}


@pytest.mark.parametrize("version", ["2.1", "2.35", "2.36", "2.56", "2.57", "2.102"])
def test_show_and_defaults_per_microversion(api, backend, version):
    demo = project_id(backend, "demo")
    for path in (demo, f"{demo}/defaults"):
        body = check(api.get(f"{COMPUTE}/os-quota-sets/{path}", version=version), QUOTAS_CLIENT, "get_quota_set",
                     version)
        assert body == {"quota_set": {"id": demo, **expected_quota_set(version)}}


@pytest.mark.parametrize("version", ["2.1", "2.36", "2.57"])
def test_detail_reports_limit_usage_and_reserved(api, backend, version):
    demo = project_id(backend, "demo")
    add_server(backend, demo, vcpus=2, ram=1024)
    backend.store.keypairs["k"] = {"name": "k", "project_id": demo, "user_id": "u"}
    body = check(api.get(f"{COMPUTE}/os-quota-sets/{demo}/detail", version=version), QUOTAS_CLIENT,
                 "get_quota_set_details", version)
    quota_set = body["quota_set"]
    assert quota_set.pop("id") == demo
    assert set(quota_set) == set(expected_quota_set(version))
    assert quota_set["cores"] == {"in_use": 2, "limit": 20, "reserved": 0}
    assert quota_set["instances"] == {"in_use": 1, "limit": 10, "reserved": 0}
    assert quota_set["ram"] == {"in_use": 1024, "limit": 51200, "reserved": 0}
    # Key pairs are per user: Nova reports their project usage as 0.
    assert quota_set["key_pairs"] == {"in_use": 0, "limit": 100, "reserved": 0}


def test_admin_update_then_delete_back_to_defaults(api, backend):
    demo = project_id(backend, "demo")
    updated = api.put(f"{COMPUTE}/os-quota-sets/{demo}", user="admin", version="2.57",
                      json={"quota_set": {"cores": 45, "instances": "-1", "ram": "1024"}})
    body = check(updated, QUOTAS_CLIENT, "update_quota_set", "2.57")
    assert body == {"quota_set": dict(expected_quota_set("2.57"), cores=45, instances=-1, ram=1024)}
    assert backend.store.quotas[demo] == {"cores": 45, "instances": -1, "ram": 1024}
    limits = api.get(f"{COMPUTE}/limits").get_json()["limits"]["absolute"]
    assert (limits["maxTotalCores"], limits["maxTotalInstances"], limits["maxTotalRAMSize"]) == (45, -1, 1024)
    shown = api.get(f"{COMPUTE}/os-quota-sets/{demo}").get_json()["quota_set"]
    assert shown["cores"] == 45 and shown["injected_file_path_bytes"] == 255
    # Defaults are untouched by a project's overrides.
    assert api.get(f"{COMPUTE}/os-quota-sets/{demo}/defaults").get_json()["quota_set"]["cores"] == 20

    deleted = api.delete(f"{COMPUTE}/os-quota-sets/{demo}", user="admin")
    check(deleted, QUOTAS_CLIENT, "delete_quota", "2.1", status=202)
    assert deleted.get_data() == b"" and "Content-Type" not in deleted.headers
    assert api.get(f"{COMPUTE}/os-quota-sets/{demo}").get_json()["quota_set"]["cores"] == 20


def test_update_of_network_era_quotas_before_2_36(api, backend):
    alt = project_id(backend, "alt_demo")
    body = check(api.put(f"{COMPUTE}/os-quota-sets/{alt}", user="admin", json={"quota_set": {
        "floating_ips": 10, "injected_file_path_bytes": 100}}), QUOTAS_CLIENT, "update_quota_set", "2.1")
    assert body["quota_set"]["floating_ips"] == 10 and body["quota_set"]["injected_file_path_bytes"] == 100
    limits = api.get(f"{COMPUTE}/limits", user="alt_demo").get_json()["limits"]["absolute"]
    assert limits["maxTotalFloatingIps"] == 10


def test_update_below_usage_is_400_unless_forced(api, backend):
    demo = project_id(backend, "demo")
    for _ in range(3):
        add_server(backend, demo, vcpus=2, ram=512)
    response = api.put(f"{COMPUTE}/os-quota-sets/{demo}", user="admin",
                       json={"quota_set": {"ram": 4096, "cores": 5}})
    assert response.status_code == 400
    assert response.get_json() == error(
        "Quota limit 5 for cores must be greater than or equal to already used and reserved 6.")
    assert backend.store.quotas.get(demo) is None  # nothing stored when one value is refused
    forced = api.put(f"{COMPUTE}/os-quota-sets/{demo}", user="admin",
                     json={"quota_set": {"cores": 5, "force": "True"}})
    assert check(forced, QUOTAS_CLIENT, "update_quota_set", "2.1")["quota_set"]["cores"] == 5


@pytest.mark.parametrize("version, quota_set, message", [
    ("2.1", {"cores": -2}, "Invalid input for field/attribute cores. Value: -2. -2 is less than the minimum of -1"),
    ("2.1", {"cores": "-5"}, "Invalid input for field/attribute cores. Value: -5. -5 is less than the minimum of -1"),
    ("2.1", {"cores": "lots"}, "Invalid input for field/attribute cores. Value: lots. 'lots' does not match "
                               "'^-?[0-9]+$'"),
    ("2.1", {"cores": 2147483648}, "Invalid input for field/attribute cores. Value: 2147483648. 2147483648 is "
                                   "greater than the maximum of 2147483647"),
    ("2.1", {"force": "maybe"}, "Invalid input for field/attribute force. Value: maybe. 'maybe' is not one of "
                                "[True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', False, "
                                "'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']"),
    ("2.36", {"floating_ips": 10}, "Invalid input for field/attribute quota_set. Value: {'floating_ips': 10}. "
                                   "Additional properties are not allowed ('floating_ips' was unexpected)"),
    ("2.57", {"injected_files": 1}, "Invalid input for field/attribute quota_set. Value: {'injected_files': 1}. "
                                    "Additional properties are not allowed ('injected_files' was unexpected)"),
])
def test_bad_quota_updates(api, backend, version, quota_set, message):
    response = api.put(f"{COMPUTE}/os-quota-sets/{project_id(backend, 'demo')}", user="admin", version=version,
                       json={"quota_set": quota_set})
    assert response.status_code == 400
    assert response.get_json() == error(message)


def test_update_body_without_quota_set(api, backend):
    response = api.put(f"{COMPUTE}/os-quota-sets/{project_id(backend, 'demo')}", user="admin", json={"cores": 1})
    assert response.get_json() == error("'quota_set' is a required property")


def test_unknown_project_is_400(api):
    for method, path in (("GET", "nope"), ("GET", "nope/detail"), ("GET", "nope/defaults"), ("PUT", "nope")):
        response = api.request(method, f"{COMPUTE}/os-quota-sets/{path}", user="admin",
                               json={"quota_set": {"cores": 1}} if method == "PUT" else None)
        assert response.status_code == 400
        assert response.get_json() == error("Project ID nope is not a valid project.")


@pytest.mark.parametrize("method, path, rule", [
    ("GET", "{alt}", "os_compute_api:os-quota-sets:show"),
    ("GET", "{alt}/detail", "os_compute_api:os-quota-sets:detail"),
    ("PUT", "{demo}", "os_compute_api:os-quota-sets:update"),
    ("DELETE", "{demo}", "os_compute_api:os-quota-sets:delete"),
])
def test_quota_policy(api, backend, method, path, rule):
    path = path.format(alt=project_id(backend, "alt_demo"), demo=project_id(backend, "demo"))
    response = api.request(method, f"{COMPUTE}/os-quota-sets/{path}", user="demo",
                           json={"quota_set": {"cores": 1}} if method == "PUT" else None)
    assert response.status_code == 403
    assert response.get_json() == error(f"Policy doesn't allow {rule} to be performed.", 403)


def test_anyone_reads_any_projects_defaults(api, backend):
    response = api.get(f"{COMPUTE}/os-quota-sets/{project_id(backend, 'alt_demo')}/defaults", user="demo")
    assert response.status_code == 200


@pytest.mark.parametrize("version, status", [("2.74", 200), ("2.75", 400)])
def test_quota_sets_refuse_unknown_parameters_from_2_75(api, backend, version, status):
    demo = project_id(backend, "demo")
    response = api.get(f"{COMPUTE}/os-quota-sets/{demo}?foo=1", version=version)
    assert response.status_code == status
    if status == 400:
        assert response.get_json() == error("Additional properties are not allowed ('foo' was unexpected)")
    # user_id is a known parameter at every version.
    assert api.get(f"{COMPUTE}/os-quota-sets/{demo}?user_id=x", version=version).status_code == 200


# --- /os-availability-zone -----------------------------------------------------------------------

def test_availability_zone_list(api):
    body = check(api.get(f"{COMPUTE}/os-availability-zone"), AZ_CLIENT, "list_availability_zone_list", "2.1")
    assert body == {"availabilityZoneInfo": [{"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}]}


def test_availability_zone_detail_is_admin_only(api):
    body = check(api.get(f"{COMPUTE}/os-availability-zone/detail", user="admin"), AZ_CLIENT,
                 "list_availability_zone_list_detail", "2.1")
    zones = {zone["zoneName"]: zone for zone in body["availabilityZoneInfo"]}
    assert list(zones) == ["internal", "nova"]
    assert set(zones["internal"]["hosts"]["compute1"]) == {"nova-conductor", "nova-scheduler"}
    service = zones["nova"]["hosts"]["compute1"]["nova-compute"]
    assert service["available"] is True and service["active"] is True
    response = api.get(f"{COMPUTE}/os-availability-zone/detail", user="demo")
    assert response.status_code == 403
    assert response.get_json() == error(
        "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.", 403)


@pytest.mark.parametrize("version, status", [("2.101", 200), ("2.102", 400)])
def test_availability_zones_refuse_unknown_parameters_from_2_102(api, version, status):
    response = api.get(f"{COMPUTE}/os-availability-zone?foo=1", version=version)
    assert response.status_code == status


# --- real clients against the live server ------------------------------------------------------

def test_openstack_cli_limits_show_absolute(live):
    rows = {row["Name"]: row["Value"] for row in live.openstack("limits", "show", "--absolute", "-f", "json")}
    # The CLI shows openstacksdk's attribute names.
    assert rows["max_total_instances"] == 10 and rows["max_total_cores"] == 20 and rows["total_ram_used"] == 0


def test_openstack_cli_availability_zone_list(live):
    rows = live.openstack("availability", "zone", "list", "--compute", "-f", "json")
    assert rows == [{"Zone Name": "nova", "Zone Status": "available"}]


def test_openstack_cli_quota_show_after_an_admin_update(live):
    # The admin sets through novaclient: `openstack quota set <project>` first looks the project up in
    # Keystone (GET /identity/v3/projects), which is outside this API.
    live.novaclient("admin").quotas.update(project_id(live.backend, "demo"), cores=33, instances=7)
    rows = live.openstack("quota", "show", "--compute", "-f", "json")
    values = {row["Resource"]: row["Limit"] for row in rows}
    assert values["cores"] == 33 and values["instances"] == 7 and values["ram"] == 51200


def test_openstacksdk_compute_limits(live):
    conn = live.sdk("demo")
    limits = conn.get_compute_limits()
    assert limits.max_total_instances == 10 and limits.max_total_cores == 20 and limits.total_ram_used == 0
    assert [zone.name for zone in conn.compute.availability_zones()] == ["nova"]


def test_novaclient_limits(live):
    nova = live.novaclient("demo")
    absolute = {limit.name: limit.value for limit in nova.limits.get().absolute}
    assert absolute["maxTotalInstances"] == 10 and absolute["maxTotalRAMSize"] == 51200
    demo = project_id(live.backend, "demo")
    assert nova.quotas.get(demo).cores == 20
    assert nova.quotas.defaults(demo).instances == 10
