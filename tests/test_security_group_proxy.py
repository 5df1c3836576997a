"""Nova's deprecated Neutron security group proxies, /os-security-groups and /os-security-group-rules:
served below 2.36 over the Neutron groups, 404 from 2.36; bodies checked with Tempest's compute
security group schemas. Sources: nova/api/openstack/compute/security_groups.py,
nova/network/security_group_api.py (Neutron's errors in Nova's words), nova/policies/security_groups.py.
"""

from __future__ import annotations

import pytest

from tests import tempest_clients
from tests.server_helpers import create, fault
from tests.tempest_schemas import assert_valid

V21 = "/compute/v2.1"
GROUPS = "security_groups_client.SecurityGroupsClient"
RULES = GROUPS  # the rules client checks against the security_groups schema module


def _group(api, name="web", description="web servers", user="demo") -> dict:
    made = api.post(f"{V21}/os-security-groups", user=user,
                    json={"security_group": {"name": name, "description": description}})
    assert made.status_code == 200, made.get_data(as_text=True)
    assert_valid(GROUPS, "get_security_group", "2.1", 200, made.headers, made.get_json())
    return made.get_json()["security_group"]


def _rule(api, **rule):
    return api.post(f"{V21}/os-security-group-rules", json={"security_group_rule": rule})


def test_create_show_list_update_delete_through_neutron(api):
    group = _group(api, name=" spaced name ")
    assert (group["name"], group["description"], group["rules"]) == (" spaced name ", "web servers", [])
    # Neutron's own API holds the same group, with Neutron's two egress rules Nova does not show.
    neutron = api.get(f"/networking/v2.0/security-groups/{group['id']}").get_json()["security_group"]
    assert [r["direction"] for r in neutron["security_group_rules"]] == ["egress", "egress"]
    shown = api.get(f"{V21}/os-security-groups/{group['id']}", user="reader")
    assert_valid(GROUPS, "get_security_group", "2.1", 200, shown.headers, shown.get_json())
    assert shown.get_json()["security_group"] == group
    listed = api.get(f"{V21}/os-security-groups", user="reader")
    assert_valid(GROUPS, "list_security_groups", "2.1", 200, listed.headers, listed.get_json())
    names = [g["name"] for g in listed.get_json()["security_groups"]]
    assert names == sorted(names) and set(names) == {" spaced name ", "default"}
    default = next(g for g in listed.get_json()["security_groups"] if g["name"] == "default")
    # Neutron's default group: ingress from its own members, IPv4 and IPv6, shown by group name.
    assert [(r["ip_protocol"], r["group"]["name"], r["ip_range"]) for r in default["rules"]] == [
        (None, "default", {}), (None, "default", {})]
    updated = api.put(f"{V21}/os-security-groups/{group['id']}",
                      json={"security_group": {"name": "web2", "description": "new"}})
    assert updated.status_code == 200, updated.get_data(as_text=True)
    assert_valid(GROUPS, "get_security_group", "2.1", 200, updated.headers, updated.get_json())
    assert (updated.get_json()["security_group"]["name"], updated.get_json()["security_group"]["description"]) == (
        "web2", "new")
    assert api.delete(f"{V21}/os-security-groups/{group['id']}").status_code == 202
    assert fault(api.get(f"{V21}/os-security-groups/{group['id']}")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Security group {group['id']} does not exist"}})


def test_gone_from_2_36(api):
    group = _group(api)
    for method, path in (("GET", "/os-security-groups"), ("GET", f"/os-security-groups/{group['id']}"),
                         ("DELETE", f"/os-security-groups/{group['id']}"),
                         ("POST", "/os-security-group-rules")):
        answer = api.request(method, V21 + path, version="2.36", json={})
        assert answer.status_code == 404, (method, path)
    assert api.get(f"{V21}/os-security-groups", version="2.35").status_code == 200


def test_nova_words_neutrons_refusals(api):
    """A bad id is Nova's own 400; Neutron's 409s are 400 on delete, 403 on create (Nova's
    SecurityGroupLimitExceeded), each with Neutron's message."""
    assert fault(api.get(f"{V21}/os-security-groups/not-a-uuid")) == (400, {"badRequest": {
        "code": 400, "message": "Security group id should be uuid"}})
    default = next(g for g in api.get(f"{V21}/os-security-groups").get_json()["security_groups"]
                   if g["name"] == "default")
    assert fault(api.delete(f"{V21}/os-security-groups/{default['id']}")) == (400, {"badRequest": {
        "code": 400, "message": "Insufficient rights for removing default security group."}})
    assert fault(api.post(f"{V21}/os-security-groups", json={"security_group": {
        "name": "default", "description": ""}})) == (403, {"forbidden": {
            "code": 403, "message": "Default security group already exists."}})
    missing = api.post(f"{V21}/os-security-groups", json={"security_group": {"name": "x"}})
    assert missing.status_code == 400
    assert "'description' is a required property" in missing.get_json()["badRequest"]["message"]


def test_a_group_in_use_cannot_be_deleted_until_the_server_is_gone(api):
    api.backend.settings.durations = {"build": 0, "delete": 0}
    group = _group(api)
    server = create(api)["id"]
    added = api.post(f"{V21}/servers/{server}/action", version="2.35", json={"addSecurityGroup": {"name": "web"}})
    assert added.status_code == 202, added.get_data(as_text=True)
    by_server = api.get(f"{V21}/servers/{server}/os-security-groups").get_json()["security_groups"]
    assert group["id"] in [g["id"] for g in by_server]
    assert fault(api.delete(f"{V21}/os-security-groups/{group['id']}")) == (400, {"badRequest": {
        "code": 400, "message": f"Security Group {group['id']} in use."}})
    assert api.delete(f"{V21}/servers/{server}").status_code == 204
    assert api.delete(f"{V21}/os-security-groups/{group['id']}").status_code == 202


def test_admin_lists_every_project_with_all_tenants(api):
    mine = _group(api, name="demo-group")
    theirs = _group(api, name="admin-group", user="admin")
    every = api.get(f"{V21}/os-security-groups?all_tenants=1", user="admin").get_json()["security_groups"]
    assert {mine["id"], theirs["id"]} <= {g["id"] for g in every}
    own = api.get(f"{V21}/os-security-groups", user="admin").get_json()["security_groups"]
    assert mine["id"] not in {g["id"] for g in own} and theirs["id"] in {g["id"] for g in own}
    # A member's all_tenants is ignored: its own project only.
    seen = api.get(f"{V21}/os-security-groups?all_tenants=1").get_json()["security_groups"]
    assert {g["tenant_id"] for g in seen} == {mine["tenant_id"]}
    # common.limited: limit and offset after Neutron's order, before the sort by name.
    assert len(api.get(f"{V21}/os-security-groups?limit=1").get_json()["security_groups"]) == 1
    assert fault(api.get(f"{V21}/os-security-groups?limit=-1"))[0] == 400


def test_rules_create_and_delete(api):
    group = _group(api)
    peer = _group(api, name="peer")
    made = _rule(api, parent_group_id=group["id"], ip_protocol="tcp", from_port=22, to_port=22, cidr="10.0.0.0/8")
    assert made.status_code == 200, made.get_data(as_text=True)
    assert_valid(RULES, "create_security_group_rule", "2.1", 200, made.headers, made.get_json())
    rule = made.get_json()["security_group_rule"]
    assert {k: rule[k] for k in ("parent_group_id", "ip_protocol", "from_port", "to_port", "ip_range", "group")} == {
        "parent_group_id": group["id"], "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
        "ip_range": {"cidr": "10.0.0.0/8"}, "group": {}}
    # A group rule without ports opens every TCP port; Neutron stores "any port".
    by_group = _rule(api, parent_group_id=group["id"], ip_protocol="tcp", group_id=peer["id"])
    assert by_group.status_code == 200, by_group.get_data(as_text=True)
    assert_valid(RULES, "create_security_group_rule", "2.1", 200, by_group.headers, by_group.get_json())
    shown_rule = by_group.get_json()["security_group_rule"]
    assert (shown_rule["from_port"], shown_rule["to_port"], shown_rule["group"], shown_rule["ip_range"]) == (
        1, 65535, {"name": "peer", "tenant_id": peer["tenant_id"]}, {})
    neutron = api.get(f"/networking/v2.0/security-group-rules/{shown_rule['id']}").get_json()["security_group_rule"]
    assert (neutron["direction"], neutron["ethertype"], neutron["port_range_min"], neutron["remote_group_id"]) == (
        "ingress", "IPv4", None, peer["id"])
    # ICMP "any": -1 in Nova, nothing in Neutron; an IPv6 CIDR makes an IPv6 rule.
    icmp = _rule(api, parent_group_id=group["id"], ip_protocol="icmp", from_port=-1, to_port=-1, cidr="::/0")
    assert icmp.status_code == 200, icmp.get_data(as_text=True)
    assert (icmp.get_json()["security_group_rule"]["from_port"], icmp.get_json()["security_group_rule"]["to_port"]) == (
        -1, -1)
    shown = api.get(f"{V21}/os-security-groups/{group['id']}").get_json()["security_group"]
    assert len(shown["rules"]) == 3
    # Deleting the peer group takes the rule that named it (Neutron's remote_group_id cascades).
    assert api.delete(f"{V21}/os-security-groups/{peer['id']}").status_code == 202
    assert len(api.get(f"{V21}/os-security-groups/{group['id']}").get_json()["security_group"]["rules"]) == 2
    assert fault(api.get(f"/networking/v2.0/security-group-rules/{shown_rule['id']}"))[0] == 404
    assert api.delete(f"{V21}/os-security-group-rules/{rule['id']}").status_code == 202
    assert fault(api.delete(f"{V21}/os-security-group-rules/{rule['id']}")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Security group rule {rule['id']} does not exist"}})
    assert fault(api.delete(f"{V21}/os-security-group-rules/nope")) == (400, {"badRequest": {
        "code": 400, "message": "Security group id should be uuid"}})


@pytest.mark.parametrize("rule, message", [
    ({"ip_protocol": "tcp", "from_port": 22, "to_port": 21},
     "Invalid port range 22:21. Former value cannot be greater than the later"),
    ({"ip_protocol": "tcp", "from_port": 70000, "to_port": 22},
     "Invalid port range 70000:22. Former value cannot be greater than the later"),
    ({"ip_protocol": "tcp", "from_port": 22, "to_port": 70000},
     "Invalid port range 22:70000. Valid TCP ports should be between 1-65535"),
    ({"ip_protocol": "icmp", "from_port": 22, "to_port": 256},
     "Invalid port range 22:256. For ICMP, the type:code must be valid"),
    ({"ip_protocol": "tcp", "from_port": "ssh", "to_port": 22},
     "Invalid input received: To and From ports must be integers"),
    ({"ip_protocol": "icmp", "from_port": "x", "to_port": 0},
     "Invalid input received: Type and Code must be integers for ICMP protocol type"),
    ({"ip_protocol": "tcp999", "from_port": 22, "to_port": 22}, "Invalid IP protocol tcp999."),
    ({"ip_protocol": "tcp"}, "Not enough parameters to build a valid rule."),
    ({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.0"}, "10.0.0.0 is not a valid IP network."),
    ({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.0/0"},
     "Bad prefix for network in cidr 10.0.0.0/0"),
])
def test_rule_refusals_in_novas_words(api, rule, message):
    group = _group(api)
    assert fault(_rule(api, parent_group_id=group["id"], **rule)) == (400, {"badRequest": {
        "code": 400, "message": message}})


def test_rule_duplicates_and_missing_groups(api):
    group = _group(api)
    spec = {"parent_group_id": group["id"], "ip_protocol": "tcp", "from_port": 22, "to_port": 22}
    assert _rule(api, **spec).status_code == 200
    assert fault(_rule(api, **spec)) == (400, {"badRequest": {
        "code": 400, "message": f"This rule already exists in group {group['id']}"}})
    missing = "9b5ee6c8-7f3f-4c0a-8d66-6a1f4cbbf0a1"
    assert fault(_rule(api, **{**spec, "parent_group_id": missing})) == (404, {"itemNotFound": {
        "code": 404, "message": f"Security group {missing} does not exist"}})
    not_uuid = _rule(api, **{**spec, "parent_group_id": "abc"})
    assert not_uuid.status_code == 400
    assert "parent_group_id" in not_uuid.get_json()["badRequest"]["message"]


def test_policy_readers_read_members_write(api):
    assert api.get(f"{V21}/os-security-groups", user="reader").status_code == 200
    assert fault(api.post(f"{V21}/os-security-groups", user="reader", json={"security_group": {
        "name": "x", "description": ""}})) == (403, {"forbidden": {
            "code": 403, "message": "Policy doesn't allow os_compute_api:os-security-groups:create to be performed."}})
    # Another project's group is Neutron's 404, as Nova relays it.
    group = _group(api)
    assert fault(api.get(f"{V21}/os-security-groups/{group['id']}", user="alt_demo"))[0] == 404


def test_tempest_security_group_clients(live):
    """Tempest's own compute clients (novaclient dropped its bindings with the proxies in 8.0); each
    checks its answers against its schema."""
    from tempest.lib import exceptions

    groups = tempest_clients.client(live, "compute", "security_groups_client.SecurityGroupsClient")
    rules = tempest_clients.client(live, "compute", "security_group_rules_client.SecurityGroupRulesClient")
    group = groups.create_security_group(name="via-tempest", description="d")["security_group"]
    rule = rules.create_security_group_rule(parent_group_id=group["id"], ip_protocol="tcp", from_port=22,
                                            to_port=22)["security_group_rule"]
    shown = groups.show_security_group(group["id"])["security_group"]
    assert [r["id"] for r in shown["rules"]] == [rule["id"]]
    assert group["id"] in [g["id"] for g in groups.list_security_groups()["security_groups"]]
    groups.update_security_group(group["id"], name="renamed", description="d2")
    assert groups.show_security_group(group["id"])["security_group"]["name"] == "renamed"
    rules.delete_security_group_rule(rule["id"])
    groups.delete_security_group(group["id"])
    groups.wait_for_resource_deletion(group["id"])
    with pytest.raises(exceptions.NotFound):
        groups.show_security_group(group["id"])
