"""os-hosts, deprecated, 2.1-2.42 (nova/api/openstack/compute/hosts.py): list with the zone filter,
a host's resources, and the host actions libvirt does not implement (501, nova/virt/driver.py)."""

from __future__ import annotations

import pytest

from tests import server_helpers as h
from tests.tempest_schemas import assert_valid

HOSTS = "/compute/v2.1/os-hosts"
CLIENT = "hosts_client.HostsClient"


def test_list_and_zone_filter(api):
    response = api.get(HOSTS, user="admin")
    assert_valid(CLIENT, "list_hosts", "2.1", 200, response.headers, response.get_json())
    hosts = response.get_json()["hosts"]
    assert {"host_name": "compute2", "service": "compute", "zone": "nova"} in hosts
    assert {"host_name": "compute1", "service": "scheduler", "zone": "internal"} in hosts
    only_nova = api.get(f"{HOSTS}?zone=nova", user="admin").get_json()["hosts"]
    assert sorted(x["host_name"] for x in only_nova) == ["compute1", "compute2"]
    assert api.get(f"{HOSTS}?zone=nowhere", user="admin").get_json()["hosts"] == []
    assert api.get(f"{HOSTS}?zone=", user="admin").get_json()["hosts"] == hosts


def test_disabled_services_are_left_out(api):
    api.put("/compute/v2.1/os-services/disable", user="admin", json={"host": "compute2", "binary": "nova-compute"})
    names = [x["host_name"] for x in api.get(HOSTS, user="admin").get_json()["hosts"] if x["service"] == "compute"]
    assert names == ["compute1"]


def test_show_sums_the_servers_on_the_host(api):
    h.create(api)
    api.backend.clock.advance(60)
    response = api.get(f"{HOSTS}/compute1", user="admin")
    assert_valid(CLIENT, "get_host_detail", "2.1", 200, response.headers, response.get_json())
    rows = {r["resource"]["project"]: r["resource"] for r in response.get_json()["host"]}
    demo = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "demo")
    assert rows["(total)"]["cpu"] == 8
    assert rows["(used_max)"] == {"host": "compute1", "project": "(used_max)", "cpu": 1, "memory_mb": 512, "disk_gb": 1}
    assert rows[demo]["cpu"] == 1


@pytest.mark.parametrize("method,suffix,body", [("PUT", "", {"status": "disable"}), ("GET", "/startup", None),
                                                ("GET", "/shutdown", None), ("GET", "/reboot", None)])
def test_host_actions_are_not_implemented_by_libvirt(api, method, suffix, body):
    response = api.request(method, f"{HOSTS}/compute1{suffix}", user="admin", json=body)
    assert (response.status_code, response.get_json()) == (501, {"notImplemented": {
        "code": 501, "message": "The requested functionality is not supported."}})
    missing = api.request(method, f"{HOSTS}/nohost{suffix}", user="admin", json=body)
    assert (missing.status_code, missing.get_json()) == (404, {"itemNotFound": {
        "code": 404, "message": "Compute host nohost could not be found."}})


def test_errors_and_the_end_at_243(api):
    assert api.get(f"{HOSTS}/nohost", user="admin").get_json() == {"itemNotFound": {
        "code": 404, "message": "Host 'nohost' is not mapped to any cell"}}
    bad = api.put(f"{HOSTS}/compute1", user="admin", json={"status": "maybe"})
    assert bad.status_code == 400
    assert api.put(f"{HOSTS}/compute1", user="admin", json={}).status_code == 400
    assert api.get(HOSTS, user="demo").get_json() == {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-hosts:list to be performed."}}
    assert api.get(HOSTS, user="admin", version="2.43").status_code == 404


def test_the_openstack_cli_lists_and_shows_hosts(live):
    listed = live.openstack("host", "list", "--zone", "nova", "-f", "json", user="admin")
    assert sorted(row["Host Name"] for row in listed) == ["compute1", "compute2"]
    shown = live.openstack("host", "show", "compute1", "-f", "json", user="admin")
    assert [row["Project"] for row in shown][:3] == ["(total)", "(used_now)", "(used_max)"]
