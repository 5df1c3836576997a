"""Neutron's quota API at /networking/v2.0/quotas, through HTTP and with the real clients.

Oracles: neutron/conf/quota.py (defaults), neutron/extensions/quotasv2.py and quotasv2_detail.py
(who may read what, the usage check on PUT), neutron/db/quota/driver.py (404 on DELETE without
limits of its own), neutron/conf/policies/quotas.py (get_quota: admin or project manager;
update/delete: admin), neutron-lib's exception texts, oslo.policy's "is disallowed by policy".
"""

from __future__ import annotations

import pytest

from tests.server_helpers import network_id

Q = "/networking/v2.0/quotas"
DEFAULTS = {"network": 100, "subnet": 100, "subnetpool": -1, "port": 500, "router": 10, "floatingip": 50,
            "security_group": 10, "security_group_rule": 100, "rbac_policy": 10}


def project_id(backend, name: str) -> str:
    return next(p["id"] for p in backend.store.projects.values() if p["name"] == name)


def neutron_fault(response) -> tuple[int, str, str]:
    error = response.get_json()["NeutronError"]
    assert error["detail"] == ""
    return response.status_code, error["type"], error["message"]


def denied(rule: str) -> tuple[int, str, str]:
    return 403, "PolicyNotAuthorized", f"rule:{rule} is disallowed by policy"


def test_a_project_reads_its_own_quotas_and_defaults(api, backend):
    demo = project_id(backend, "demo")
    for user in ("demo", "reader"):
        assert api.get(f"{Q}/{demo}", user=user).get_json() == {"quota": DEFAULTS}
        assert api.get(f"{Q}/{demo}/default", user=user).get_json() == {"quota": DEFAULTS}


def test_details_count_what_the_project_holds(api, backend):
    demo = project_id(backend, "demo")
    before = api.get(f"{Q}/{demo}/details").get_json()["quota"]
    assert set(before) == set(DEFAULTS)
    assert all(entry["limit"] == DEFAULTS[name] and entry["reserved"] == 0 for name, entry in before.items())
    made = api.post("/networking/v2.0/ports", json={"port": {"network_id": network_id(backend)}})
    assert made.status_code == 201, made.get_data(as_text=True)
    after = api.get(f"{Q}/{demo}/details").get_json()["quota"]
    assert after["port"]["used"] == before["port"]["used"] + 1
    assert after["network"]["used"] == sum(1 for n in backend.store.networks.values() if n["project_id"] == demo)
    rules = sum(len(g["security_group_rules"]) for g in backend.store.security_groups.values()
                if g["project_id"] == demo)
    assert after["security_group_rule"]["used"] == rules > 0
    # devstack's router1 belongs to demo.
    assert after["router"]["used"] == 1


def test_other_projects_quotas_need_admin_or_manager(api, backend):
    alt = project_id(backend, "alt_demo")
    for user in ("demo", "reader"):
        assert neutron_fault(api.get(f"{Q}/{alt}", user=user)) == denied("get_quota")
        assert neutron_fault(api.get(f"{Q}/{alt}/default", user=user)) == denied("get_quota")
        assert neutron_fault(api.get(Q, user=user)) == denied("get_quota")
    # Neutron checks get_quota against the caller's own project: a manager passes for any project.
    for user in ("admin", "manager"):
        assert api.get(f"{Q}/{alt}", user=user).get_json() == {"quota": DEFAULTS}
        assert api.get(Q, user=user).get_json() == {"quotas": []}


def test_other_projects_details_are_admin_only(api, backend):
    alt = project_id(backend, "alt_demo")
    for user in ("demo", "manager"):
        assert neutron_fault(api.get(f"{Q}/{alt}/details", user=user)) == (
            403, "AdminRequired",
            "User does not have admin privileges: Only admin is authorized to access quotas for another project.")
    assert api.get(f"{Q}/{alt}/details", user="admin").status_code == 200


def test_update_list_and_delete(api, backend):
    demo = project_id(backend, "demo")
    updated = api.put(f"{Q}/{demo}", user="admin", json={"quota": {"port": 7, "network": "3", "check_limit": True}})
    assert updated.status_code == 200, updated.get_data(as_text=True)
    assert updated.get_json() == {"quota": dict(DEFAULTS, port=7, network=3)}
    assert api.get(f"{Q}/{demo}").get_json() == {"quota": dict(DEFAULTS, port=7, network=3)}
    assert api.get(Q, user="admin").get_json() == {"quotas": [
        dict(DEFAULTS, port=7, network=3, project_id=demo, tenant_id=demo)]}
    deleted = api.delete(f"{Q}/{demo}", user="admin")
    assert deleted.status_code == 204 and deleted.get_data() == b""
    assert api.get(f"{Q}/{demo}").get_json() == {"quota": DEFAULTS}
    assert neutron_fault(api.delete(f"{Q}/{demo}", user="admin")) == (
        404, "TenantQuotaNotFound", f"Quota for project {demo} could not be found.")


@pytest.mark.parametrize("user", ["demo", "manager", "alt_demo"])
def test_writes_are_admin_only(api, backend, user):
    demo = project_id(backend, "demo")
    assert neutron_fault(api.put(f"{Q}/{demo}", user=user, json={"quota": {"port": 1}})) == denied("update_quota")
    assert neutron_fault(api.delete(f"{Q}/{demo}", user=user)) == denied("delete_quota")


@pytest.mark.parametrize("quota, kind, message", [
    ({"port": "many"}, "InvalidInput", "Invalid input for operation: 'many' is not an integer."),
    ({"port": -2}, "HTTPBadRequest", "Invalid input for port. Reason: '-2' is too small - must be at least '-1'."),
    ({"port": 2 ** 31}, "HTTPBadRequest",
     "Invalid input for port. Reason: '2147483648' is too large - must be no larger than '2147483647'."),
    ({"widgets": 1}, "HTTPBadRequest", "Unrecognized attribute(s) 'widgets'"),
    ({"security_group_rule": 1}, "HTTPBadRequest",
     "Quota limit 1 for security_group_rule must be greater than or equal to already used 4"),
])
def test_bad_updates_are_400(api, backend, quota, kind, message):
    demo = project_id(backend, "demo")
    assert neutron_fault(api.put(f"{Q}/{demo}", user="admin", json={"quota": quota})) == (400, kind, message)


def test_force_skips_the_usage_check_and_minus_one_is_unlimited(api, backend):
    demo = project_id(backend, "demo")
    forced = api.put(f"{Q}/{demo}", user="admin", json={"quota": {"security_group_rule": 1, "force": True}})
    assert forced.get_json()["quota"]["security_group_rule"] == 1
    assert api.put(f"{Q}/{demo}", user="admin", json={"quota": {"port": -1}}).get_json()["quota"]["port"] == -1


def test_ports_and_floating_ips_stop_at_the_limit(api, backend):
    demo = project_id(backend, "demo")
    used = api.get(f"{Q}/{demo}/details").get_json()["quota"]["port"]["used"]
    api.put(f"{Q}/{demo}", user="admin", json={"quota": {"port": used + 1, "floatingip": 0}})
    body = {"port": {"network_id": network_id(backend)}}
    assert api.post("/networking/v2.0/ports", json=body).status_code == 201
    assert neutron_fault(api.post("/networking/v2.0/ports", json=body)) == (
        409, "OverQuota", "Quota exceeded for resources: ['port'].")
    public = network_id(backend, "public")
    assert neutron_fault(api.post("/networking/v2.0/floatingips", json={
        "floatingip": {"floating_network_id": public}})) == (
        409, "OverQuota", "Quota exceeded for resources: ['floatingip'].")


def test_extensions_advertise_quotas(api):
    aliases = [e["alias"] for e in api.get("/networking/v2.0/extensions").get_json()["extensions"]]
    assert {"quotas", "quota_details"} <= set(aliases)


# --- real clients ---------------------------------------------------------------------------------

def _rows(listed) -> dict:
    return {row["Resource"]: row["Limit"] for row in listed}


def test_openstack_quota_show_covers_compute_network_and_volume(live):
    mine = _rows(live.openstack("quota", "show", "-f", "json"))
    assert (mine["instances"], mine["ports"], mine["networks"], mine["subnet_pools"], mine["volumes"]) == (
        10, 500, 100, -1, 10)
    defaults = _rows(live.openstack("quota", "show", "--default", "-f", "json", user="admin"))
    assert defaults["floating_ips"] == 50 and defaults["security_group_rules"] == 100


def test_openstack_quota_set_ports_then_show_and_list(live):
    live.openstack("quota", "set", "--ports", "7", "demo", user="admin")
    assert _rows(live.openstack("quota", "show", "demo", "-f", "json", user="admin"))["ports"] == 7
    assert _rows(live.openstack("quota", "show", "-f", "json"))["ports"] == 7
    listed = live.openstack("quota", "list", "--network", "-f", "json", user="admin")
    assert [(row["Project ID"], row["Ports"], row["Networks"]) for row in listed] == [
        (project_id(live.backend, "demo"), 7, 100)]


def test_openstack_quota_show_usage(live):
    usage = {row["Resource"]: row["In Use"] for row in live.openstack("quota", "show", "--usage", "-f", "json")}
    # demo holds devstack's private network, router1, router1's interface ports (IPv4, IPv6) and the
    # private network's OVN metadata port, which Neutron counts like any port of the project.
    assert usage["networks"] == 1 and usage["security_groups"] == 1 and usage["ports"] == 3
    assert usage["routers"] == 1


def test_openstacksdk_network_quotas(live):
    admin = live.sdk("admin")
    demo = project_id(live.backend, "demo")
    admin.network.update_quota(demo, networks=5)
    assert admin.network.get_quota(demo).networks == 5
    assert admin.network.get_quota_default(demo).networks == 100
    assert admin.network.get_quota(demo, details=True).networks == {"limit": 5, "used": 1, "reserved": 0}
    assert [q.project_id for q in admin.network.quotas()] == [demo]
    admin.network.delete_quota(demo)
    assert live.sdk("demo").network.get_quota(demo).networks == 100
