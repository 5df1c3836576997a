"""Neutron writes: security groups and rules, networks, subnets, ports, routers, floating IP
reachability, tags, bulk creates and quotas, with Neutron's statuses and texts
(/work/shared/reference/neutron-api-facts.md §1-§8; neutron/db/*, neutron-lib exceptions)."""

from __future__ import annotations

import pytest

from fakenova.domain.network.ip_allocation import eui64

V2 = "/networking/v2.0"


def neutron_error(kind, message):
    return {"NeutronError": {"type": kind, "message": message, "detail": ""}}


def by_name(backend, collection, name):
    return next(r for r in getattr(backend.store, collection).values() if r["name"] == name)


def ok(response, status=201):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def fault(response):
    return response.status_code, response.get_json()


def create(api, kind, user="demo", **fields):
    plural = {"security_group": "security-groups", "security_group_rule": "security-group-rules",
              "floatingip": "floatingips"}.get(kind, kind + "s")
    return ok(api.post(f"{V2}/{plural}", user=user, json={kind: fields}))[kind]


def group_rule(api, group_id, **fields):
    return api.post(f"{V2}/security-group-rules", json={"security_group_rule": {
        "security_group_id": group_id, "direction": "ingress", **fields}})


# --- security groups -----------------------------------------------------------------------------

def test_security_group_lifecycle(api, backend):
    group = create(api, "security_group", name="web", description="web servers")
    assert (group["name"], group["description"], group["stateful"]) == ("web", "web servers", True)
    # A new group has Neutron's two egress template rules; only the default group also has ingress.
    assert sorted((r["direction"], r["ethertype"]) for r in group["security_group_rules"]) == [
        ("egress", "IPv4"), ("egress", "IPv6")]
    rule = ok(group_rule(api, group["id"], protocol="tcp", port_range_min=22, port_range_max=22,
                         remote_ip_prefix="0.0.0.0/0"))["security_group_rule"]
    assert (rule["protocol"], rule["port_range_min"], rule["port_range_max"], rule["ethertype"]) == (
        "tcp", 22, 22, "IPv4")
    assert rule["normalized_cidr"] == "0.0.0.0/0" and rule["belongs_to_default_sg"] is False
    shown = ok(api.get(f"{V2}/security-groups/{group['id']}"), 200)["security_group"]
    assert rule["id"] in [r["id"] for r in shown["security_group_rules"]]
    assert shown["revision_number"] > group["revision_number"]
    renamed = ok(api.put(f"{V2}/security-groups/{group['id']}", json={"security_group": {"name": "www"}}), 200)
    assert renamed["security_group"]["name"] == "www"
    assert api.delete(f"{V2}/security-group-rules/{rule['id']}").status_code == 204
    assert fault(api.get(f"{V2}/security-group-rules/{rule['id']}")) == (404, neutron_error(
        "SecurityGroupRuleNotFound", f"Security group rule {rule['id']} does not exist"))
    assert api.delete(f"{V2}/security-groups/{group['id']}").status_code == 204
    assert fault(api.get(f"{V2}/security-groups/{group['id']}")) == (404, neutron_error(
        "SecurityGroupNotFound", f"Security group {group['id']} does not exist"))


def test_default_group_rules_and_refusals(api, backend):
    default = next(g for g in ok(api.get(f"{V2}/security-groups"), 200)["security_groups"] if g["name"] == "default")
    assert fault(api.post(f"{V2}/security-groups", json={"security_group": {"name": "Default"}})) == (
        409, neutron_error("SecurityGroupDefaultAlreadyExists", "Default security group already exists."))
    assert fault(api.put(f"{V2}/security-groups/{default['id']}", json={"security_group": {"name": "x"}})) == (
        409, neutron_error("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed."))
    assert fault(api.delete(f"{V2}/security-groups/{default['id']}")) == (409, neutron_error(
        "SecurityGroupCannotRemoveDefault", "Insufficient rights for removing default security group."))
    other = create(api, "security_group", name="other")
    assert fault(api.put(f"{V2}/security-groups/{other['id']}", json={"security_group": {"name": "default"}}))[0] == 409
    port = create(api, "port", network_id=by_name(backend, "networks", "private")["id"],
                  security_groups=[other["id"]])
    assert port["security_groups"] == [other["id"]]
    assert fault(api.delete(f"{V2}/security-groups/{other['id']}")) == (409, neutron_error(
        "SecurityGroupInUse", f"Security Group {other['id']} in use."))


@pytest.mark.parametrize("fields, status, kind, message", [
    ({"protocol": "tcp", "port_range_min": -16, "port_range_max": 80}, 400, "SecurityGroupInvalidPortValue",
     "Invalid value for port -16"),
    ({"protocol": "tcp", "port_range_min": 22, "port_range_max": 65536}, 400, "SecurityGroupInvalidPortValue",
     "Invalid value for port 65536"),
    ({"protocol": "tcp", "port_range_min": 80, "port_range_max": 22}, 400, "SecurityGroupInvalidPortRange",
     "For TCP/UDP protocols, port_range_min must be <= port_range_max"),
    ({"protocol": "tcp", "port_range_max": 6}, 400, "SecurityGroupInvalidPortRange",
     "For TCP/UDP protocols, port_range_min must be <= port_range_max"),
    ({"protocol": "icmp", "port_range_min": 256}, 400, "SecurityGroupInvalidIcmpValue",
     "Invalid value for ICMP type (port_range_min) 256. It must be 0 to 255."),
    ({"protocol": "icmp", "port_range_min": 8, "port_range_max": 300}, 400, "SecurityGroupInvalidIcmpValue",
     "Invalid value for ICMP code (port_range_max) 300. It must be 0 to 255."),
    ({"protocol": "icmp", "port_range_max": 3}, 400, "SecurityGroupMissingIcmpType",
     "ICMP code (port-range-max) 3 is provided but ICMP type (port-range-min) is missing."),
    ({"port_range_min": 22, "port_range_max": 22}, 400, "SecurityGroupProtocolRequiredWithPorts",
     "Must also specify protocol if port range is given."),
    ({"protocol": "gre", "port_range_min": 1, "port_range_max": 2}, 400, "SecurityGroupInvalidProtocolForPort",
     "Ports cannot be specified for protocol 47. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE."),
    ({"ethertype": "IPv5"}, 400, "SecurityGroupRuleInvalidEtherType",
     "Security group rule for ethertype 'IPv5' not supported. Allowed values are ['IPv4', 'IPv6']."),
    ({"ethertype": "IPv6", "remote_ip_prefix": "10.0.0.0/24"}, 400, "SecurityGroupRuleParameterConflict",
     "Conflicting value ethertype IPv6 for CIDR 10.0.0.0/24"),
    ({"remote_ip_prefix": "192.168.1./24"}, 400, "InvalidCIDR", "Invalid CIDR 192.168.1./24 given as IP prefix."),
    ({"protocol": "ipv6-icmp"}, 400, "SecurityGroupEthertypeConflictWithProtocol",
     "Invalid ethertype IPv4 for protocol ipv6-icmp."),
    ({"remote_group_id": "bad_group_id"}, 404, "SecurityGroupNotFound", "Security group bad_group_id does not exist"),
    ({"direction": "sideways"}, 400, "HTTPBadRequest",
     "Invalid input for direction. Reason: 'sideways' is not in ['ingress', 'egress']."),
])
def test_rule_validation(api, fields, status, kind, message):
    group = create(api, "security_group", name="g")
    assert fault(group_rule(api, group["id"], **fields)) == (status, neutron_error(kind, message))


def test_rule_protocols_prefixes_and_duplicates(api):
    group = create(api, "security_group", name="g")
    udp = ok(group_rule(api, group["id"], protocol=17))["security_group_rule"]
    assert udp["protocol"] == "17"  # Neutron stores numbers as strings
    icmp = ok(group_rule(api, group["id"], protocol="icmp", port_range_min=8, port_range_max=0))["security_group_rule"]
    assert (icmp["port_range_min"], icmp["port_range_max"]) == (8, 0)
    v6 = ok(group_rule(api, group["id"], protocol="icmp", ethertype="ipv6"))["security_group_rule"]
    assert (v6["protocol"], v6["ethertype"]) == ("ipv6-icmp", "IPv6")
    host = ok(group_rule(api, group["id"], remote_ip_prefix="10.0.0.5/24", protocol="tcp"))["security_group_rule"]
    assert (host["remote_ip_prefix"], host["normalized_cidr"]) == ("10.0.0.5/24", "10.0.0.0/24")
    whole = ok(group_rule(api, group["id"], protocol="sctp", port_range_min=1, port_range_max=65535))
    assert whole["security_group_rule"]["port_range_min"] is None
    # tcp and 6 are one protocol to Neutron's duplicate check.
    tcp = ok(group_rule(api, group["id"], protocol="tcp", port_range_min=80, port_range_max=80))["security_group_rule"]
    assert fault(group_rule(api, group["id"], protocol="6", port_range_min=80, port_range_max=80)) == (
        409, neutron_error("SecurityGroupRuleExists", f"Security group rule already exists. Rule id is {tcp['id']}."))


def test_bulk_rules_are_all_or_nothing(api):
    group = create(api, "security_group", name="g")
    rule = {"security_group_id": group["id"], "direction": "ingress", "protocol": "tcp", "port_range_min": 443,
            "port_range_max": 443}
    response = api.post(f"{V2}/security-group-rules", json={"security_group_rules": [rule, rule]})
    assert fault(response) == (400, neutron_error("DuplicateSecurityGroupRuleInPost",
                                                  "Duplicate Security Group Rule in POST."))
    made = ok(api.post(f"{V2}/security-group-rules", json={"security_group_rules": [
        rule, dict(rule, port_range_min=80, port_range_max=80)]}))
    assert [r["port_range_min"] for r in made["security_group_rules"]] == [443, 80]


def test_other_projects_group_is_invisible_and_untouchable(api):
    group = create(api, "security_group", name="mine")
    missing = neutron_error("SecurityGroupNotFound", f"Security group {group['id']} does not exist")
    assert fault(api.get(f"{V2}/security-groups/{group['id']}", user="alt_demo")) == (404, missing)
    assert fault(api.delete(f"{V2}/security-groups/{group['id']}", user="alt_demo")) == (404, missing)
    assert fault(group_rule(api, group["id"], protocol="tcp"))[0] == 201
    response = api.post(f"{V2}/security-group-rules", user="alt_demo", json={"security_group_rule": {
        "security_group_id": group["id"], "direction": "ingress"}})
    assert fault(response) == (404, missing)
    # The reader of demo may look but not write (Neutron's ADMIN_OR_PROJECT_MEMBER).
    assert api.get(f"{V2}/security-groups/{group['id']}", user="reader").status_code == 200
    assert fault(api.delete(f"{V2}/security-groups/{group['id']}", user="reader")) == (403, neutron_error(
        "PolicyNotAuthorized", "rule:delete_security_group is disallowed by policy"))


# --- networks ------------------------------------------------------------------------------------

def test_network_create_update_delete(api, backend):
    network = create(api, "network", name="net1", description="d", mtu=1400, port_security_enabled=False)
    assert (network["status"], network["shared"], network["router:external"], network["mtu"]) == (
        "ACTIVE", False, False, 1400)
    assert network["port_security_enabled"] is False and network["subnets"] == []
    assert "provider:network_type" not in network and "is_default" not in network
    updated = ok(api.put(f"{V2}/networks/{network['id']}", json={"network": {"name": "net2", "mtu": 1300}}), 200)
    assert (updated["network"]["name"], updated["network"]["mtu"]) == ("net2", 1300)
    assert updated["network"]["revision_number"] > network["revision_number"]
    admin = ok(api.get(f"{V2}/networks/{network['id']}", user="admin"), 200)["network"]
    assert admin["provider:network_type"] == "geneve" and admin["provider:segmentation_id"] > 0
    assert api.delete(f"{V2}/networks/{network['id']}").status_code == 204
    assert fault(api.get(f"{V2}/networks/{network['id']}"))[0] == 404


@pytest.mark.parametrize("body, rule", [
    ({"shared": True}, "create_network:shared"),
    ({"router:external": True}, "create_network:router:external"),
    ({"provider:network_type": "vlan"}, "create_network:provider:network_type"),
])
def test_admin_only_network_attributes(api, body, rule):
    response = api.post(f"{V2}/networks", json={"network": {"name": "x", **body}})
    assert fault(response) == (403, neutron_error(
        "PolicyNotAuthorized", f"(rule:create_network and rule:{rule}) is disallowed by policy"))
    assert api.post(f"{V2}/networks", user="admin", json={"network": {"name": "x", **body}}).status_code == 201


@pytest.mark.parametrize("body, message", [
    ({"network": {"status": "DOWN"}}, "Attribute 'status' not allowed in POST"),
    ({"network": {"admin_state_up": "maybe"}}, None),
    ({"network": {"name": 5}}, "Invalid input for name. Reason: '5' is not a valid string."),
    ({"network": {"mtu": -1}}, "Invalid input for mtu. Reason: '-1' should be non-negative."),
    ({"networks": []}, "Resources required"),
    ({"network": {"project_id": "someone-else"}},
     "Specifying 'project_id' other than the authenticated project in request is not allowed for the current user."),
])
def test_bad_network_bodies(api, body, message):
    response = api.post(f"{V2}/networks", json=body)
    if message is None:
        assert fault(response) == (400, neutron_error(
            "InvalidInput", "Invalid input for operation: 'maybe' cannot be converted to boolean."))
    else:
        assert fault(response) == (400, neutron_error("HTTPBadRequest", message))


def test_bulk_networks_and_read_only_update(api, backend):
    made = ok(api.post(f"{V2}/networks", json={"networks": [{"name": "a"}, {"network": {"name": "b"}}]}))
    assert [n["name"] for n in made["networks"]] == ["a", "b"]
    response = api.put(f"{V2}/networks/{made['networks'][0]['id']}", json={"network": {"status": "DOWN"}})
    assert fault(response) == (400, neutron_error("HTTPBadRequest", "Cannot update read-only attribute status"))
    # One bad item: nothing of the bulk is created.
    before = len(backend.store.networks)
    response = api.post(f"{V2}/networks", json={"networks": [{"name": "c"}, {"name": "d", "shared": True}]})
    assert response.status_code == 403 and len(backend.store.networks) == before


def test_network_in_use_and_other_projects(api, backend):
    network = create(api, "network", name="busy")
    subnet = create(api, "subnet", network_id=network["id"], ip_version=4, cidr="192.168.7.0/24")
    port = create(api, "port", network_id=network["id"])
    assert fault(api.delete(f"{V2}/networks/{network['id']}")) == (409, neutron_error(
        "NetworkInUse", f"Unable to complete operation on network {network['id']}. There are one or more ports "
                        f"still in use on the network, id for these ports is: {port['id']}."))
    assert fault(api.delete(f"{V2}/subnets/{subnet['id']}")) == (409, neutron_error(
        "SubnetInUse", f"Unable to complete operation on subnet {subnet['id']}: One or more ports have an IP "
                       "allocation from this subnet."))
    assert fault(api.get(f"{V2}/networks/{network['id']}", user="alt_demo"))[0] == 404
    assert fault(api.put(f"{V2}/networks/{network['id']}", user="alt_demo", json={"network": {"name": "x"}}))[0] == 404
    # demo's private network is shared: alt_demo sees it, so a write is a 403, not a 404.
    private = by_name(backend, "networks", "private")["id"]
    assert fault(api.put(f"{V2}/networks/{private}", user="alt_demo", json={"network": {"name": "x"}})) == (
        403, neutron_error("PolicyNotAuthorized", "rule:update_network is disallowed by policy"))
    assert api.delete(f"{V2}/ports/{port['id']}").status_code == 204
    assert api.delete(f"{V2}/networks/{network['id']}").status_code == 204
    assert subnet["id"] not in backend.store.subnets


# --- subnets -------------------------------------------------------------------------------------

@pytest.fixture
def network(api):
    return create(api, "network", name="subnets-here")


def test_subnet_defaults_and_updates(api, backend, network):
    subnet = create(api, "subnet", network_id=network["id"], ip_version=4, cidr="10.20.0.5/24", name="s",
                    dns_nameservers=["8.8.8.8", "1.1.1.1"], host_routes=[{"destination": "10.30.0.0/24",
                                                                         "nexthop": "10.20.0.254"}])
    assert (subnet["cidr"], subnet["gateway_ip"]) == ("10.20.0.0/24", "10.20.0.1")
    assert subnet["allocation_pools"] == [{"start": "10.20.0.2", "end": "10.20.0.254"}]
    assert subnet["dns_nameservers"] == ["8.8.8.8", "1.1.1.1"] and subnet["enable_dhcp"] is True
    assert subnet["router:external"] is False and subnet["ipv6_ra_mode"] is None
    shown = ok(api.get(f"{V2}/networks/{network['id']}"), 200)["network"]
    assert shown["subnets"] == [subnet["id"]] and shown["revision_number"] > network["revision_number"]
    updated = ok(api.put(f"{V2}/subnets/{subnet['id']}", json={"subnet": {
        "name": "t", "dns_nameservers": [], "gateway_ip": None}}), 200)["subnet"]
    assert (updated["name"], updated["dns_nameservers"], updated["gateway_ip"]) == ("t", [], None)
    v6 = create(api, "subnet", network_id=network["id"], ip_version=6, cidr="2001:db8:1::/64",
                ipv6_ra_mode="slaac", ipv6_address_mode="slaac")
    # IPv6: the gateway defaults to the network address itself (ipam_backend_mixin._gateway_ip_str).
    assert v6["gateway_ip"] == "2001:db8:1::" and v6["allocation_pools"] == [
        {"start": "2001:db8:1::1", "end": "2001:db8:1:0:ffff:ffff:ffff:ffff"}]
    port = create(api, "port", network_id=network["id"])
    assert port["fixed_ips"][1] == {"subnet_id": v6["id"], "ip_address": eui64(v6["cidr"], port["mac_address"])}


@pytest.mark.parametrize("fields, status, kind, message", [
    ({"cidr": "bad"}, 400, "InvalidInput", "Invalid input for operation: bad is not in a CIDR format."),
    ({"cidr": "2001:db8::/64"}, 400, "InvalidInput",
     "Invalid input for operation: cidr '2001:db8::/64' does not match the ip_version '4'."),
    ({"cidr": "10.0.0.0/31"}, 400, "InvalidInput", "Invalid input for operation: Subnet has a prefix length that is "
                                                   "incompatible with DHCP service enabled."),
    ({"cidr": "10.9.0.0/24", "gateway_ip": "bad"}, 400, "HTTPBadRequest",
     "Invalid input for gateway_ip. Reason: 'bad' is not a valid IP address."),
    ({"cidr": "10.9.0.0/24", "gateway_ip": "10.9.0.255"}, 400, "InvalidInput",
     "Invalid input for operation: Gateway is not valid on subnet."),
    ({"cidr": "10.9.0.0/24", "allocation_pools": [{"start": "10.9.0.10", "end": "10.9.1.10"}]}, 400,
     "OutOfBoundsAllocationPool", "The allocation pool 10.9.0.10-10.9.1.10 spans beyond the subnet cidr 10.9.0.0/24."),
    ({"cidr": "10.9.0.0/24", "allocation_pools": [{"start": "10.9.0.20", "end": "10.9.0.10"}]}, 400,
     "InvalidAllocationPool", "The allocation pool 10.9.0.20-10.9.0.10 is not valid."),
    ({"cidr": "10.9.0.0/24", "gateway_ip": "10.9.0.5", "allocation_pools": [{"start": "10.9.0.2",
                                                                                "end": "10.9.0.9"}]},
     409, "GatewayConflictWithAllocationPools",
     "Gateway ip 10.9.0.5 conflicts with allocation pool 10.9.0.2-10.9.0.9."),
    ({"cidr": "10.9.0.0/24", "allocation_pools": [{"start": "10.9.0.2", "end": "10.9.0.9"},
                                                  {"start": "10.9.0.5", "end": "10.9.0.12"}]},
     409, "OverlappingAllocationPools",
     "Found overlapping allocation pools: 10.9.0.2-10.9.0.9 10.9.0.5-10.9.0.12 for subnet 10.9.0.0/24."),
    ({"cidr": "10.9.0.0/24", "dns_nameservers": ["1.1.1.1", "1.1.1.1"]}, 400, "HTTPBadRequest",
     "Invalid input for dns_nameservers. Reason: Duplicate nameserver '1.1.1.1'."),
    ({"cidr": "10.9.0.0/24", "ipv6_ra_mode": "slaac"}, 400, "InvalidInput",
     "Invalid input for operation: ipv6_ra_mode is not valid when ip_version is 4."),
    ({}, 400, "BadRequest", "Bad subnets request: a subnetpool must be specified in the absence of a cidr."),
])
def test_subnet_validation(api, network, fields, status, kind, message):
    response = api.post(f"{V2}/subnets", json={"subnet": {"network_id": network["id"], "ip_version": 4, **fields}})
    assert fault(response) == (status, neutron_error(kind, message))


def test_subnet_overlap_and_ipv6_modes(api, network):
    create(api, "subnet", network_id=network["id"], ip_version=4, cidr="10.40.0.0/24")
    response = api.post(f"{V2}/subnets", json={"subnet": {"network_id": network["id"], "ip_version": 4,
                                                          "cidr": "10.40.0.128/25"}})
    assert fault(response) == (400, neutron_error("InvalidInput", (
        f"Invalid input for operation: Requested subnet with cidr: 10.40.0.128/25 for network: {network['id']} "
        "overlaps with another subnet.")))
    # The same CIDR on another network is fine (allow_overlapping_ips).
    other = create(api, "network", name="other")
    create(api, "subnet", network_id=other["id"], ip_version=4, cidr="10.40.0.0/24")
    response = api.post(f"{V2}/subnets", json={"subnet": {"network_id": network["id"], "ip_version": 6,
                                                          "cidr": "2001:db8:2::/64", "ipv6_ra_mode": "slaac",
                                                          "ipv6_address_mode": "dhcpv6-stateful"}})
    assert fault(response) == (400, neutron_error("InvalidInput", (
        "Invalid input for operation: ipv6_ra_mode set to 'slaac' with ipv6_address_mode set to 'dhcpv6-stateful' "
        "is not valid. If both attributes are set, they must be the same value.")))


def test_subnet_on_another_projects_network_is_404(api, network):
    response = api.post(f"{V2}/subnets", user="alt_demo", json={"subnet": {
        "network_id": network["id"], "ip_version": 4, "cidr": "10.50.0.0/24"}})
    assert fault(response) == (404, neutron_error("NetworkNotFound", f"Network {network['id']} could not be found."))


# --- ports ---------------------------------------------------------------------------------------

def test_port_update_fixed_ips_groups_pairs_and_options(api, backend, network):
    first = create(api, "subnet", network_id=network["id"], ip_version=4, cidr="10.60.0.0/24")
    second = create(api, "subnet", network_id=network["id"], ip_version=4, cidr="10.61.0.0/24")
    port = create(api, "port", network_id=network["id"], name="p")
    assert port["fixed_ips"] == [{"subnet_id": first["id"], "ip_address": "10.60.0.3"}]  # .2: metadata port
    group = create(api, "security_group", name="g")
    changed = ok(api.put(f"{V2}/ports/{port['id']}", json={"port": {
        "name": "q", "fixed_ips": [{"subnet_id": second["id"]}], "security_groups": [group["id"]],
        "allowed_address_pairs": [{"ip_address": "10.70.0.0/24"}],
        "extra_dhcp_opts": [{"opt_name": "bootfile-name", "opt_value": "pxelinux.0"}]}}), 200)["port"]
    assert changed["fixed_ips"] == [{"subnet_id": second["id"], "ip_address": "10.61.0.3"}]
    assert changed["security_groups"] == [group["id"]]
    assert changed["allowed_address_pairs"] == [{"ip_address": "10.70.0.0/24", "mac_address": port["mac_address"]}]
    assert changed["extra_dhcp_opts"] == [{"opt_name": "bootfile-name", "opt_value": "pxelinux.0", "ip_version": 4}]
    assert changed["revision_number"] > port["revision_number"]
    response = api.put(f"{V2}/ports/{port['id']}", json={"port": {"port_security_enabled": False}})
    assert fault(response) == (409, neutron_error(
        "PortSecurityPortHasSecurityGroup", "Port has security group associated. Cannot disable port security or IP "
                                            "address until security group is removed."))
    response = api.post(f"{V2}/ports", json={"port": {"network_id": network["id"], "port_security_enabled": False,
                                                      "security_groups": [group["id"]]}})
    assert fault(response) == (400, neutron_error(
        "PortSecurityAndIPRequiredForSecurityGroups", "Port security must be enabled and port must have an IP "
                                                      "address in order to use security groups."))
    taken = api.post(f"{V2}/ports", json={"port": {"network_id": network["id"],
                                                   "mac_address": port["mac_address"]}})
    assert fault(taken) == (409, neutron_error(
        "MacAddressInUse", f"Unable to complete operation for network {network['id']}. The mac address "
                           f"{port['mac_address']} is in use."))
    unknown = "00000000-0000-4000-8000-000000000000"
    response = api.put(f"{V2}/ports/{port['id']}", json={"port": {"security_groups": [unknown]}})
    assert fault(response) == (404, neutron_error("SecurityGroupNotFound", f"Security group {unknown} does not exist"))


def test_port_policy_on_a_shared_network(api, backend):
    private = by_name(backend, "networks", "private")["id"]
    response = api.post(f"{V2}/ports", user="alt_demo", json={"port": {
        "network_id": private, "fixed_ips": [{"ip_address": "10.0.0.50"}]}})
    assert fault(response) == (403, neutron_error(
        "PolicyNotAuthorized", "(rule:create_port and rule:create_port:fixed_ips:ip_address) is disallowed by policy"))
    response = api.post(f"{V2}/ports", json={"port": {"network_id": private, "binding:host_id": "compute1"}})
    assert fault(response)[0] == 403
    admin_port = ok(api.post(f"{V2}/ports", user="admin", json={"port": {
        "network_id": private, "binding:host_id": "compute1"}}))["port"]
    assert admin_port["binding:host_id"] == "compute1" and admin_port["binding:vif_type"] == "ovs"


def test_router_ports_cannot_be_deleted_directly(api, backend):
    interface = next(p for p in backend.store.ports.values() if p["device_owner"] == "network:router_interface")
    assert fault(api.delete(f"{V2}/ports/{interface['id']}")) == (409, neutron_error(
        "ServicePortInUse", f"Port {interface['id']} cannot be deleted directly via the port API: has device owner "
                            "network:router_interface."))


# --- routers -------------------------------------------------------------------------------------

def test_devstack_router1_is_seeded(api, backend):
    router = by_name(backend, "routers", "router1")
    shown = ok(api.get(f"{V2}/routers/{router['id']}"), 200)["router"]
    public = by_name(backend, "networks", "public")["id"]
    gateway = shown["external_gateway_info"]
    assert gateway["network_id"] == public and gateway["enable_snat"] is True
    assert gateway["external_fixed_ips"] == [{"subnet_id": by_name(backend, "subnets", "public-subnet")["id"],
                                              "ip_address": "172.24.4.2"}]
    assert "distributed" not in shown  # admin-only
    interfaces = ok(api.get(f"{V2}/ports?device_id={router['id']}&device_owner=network:router_interface"), 200)
    assert sorted(ip["ip_address"] for p in interfaces["ports"] for ip in p["fixed_ips"]) == [
        "10.0.0.1", "fd6c:5a3e:4b1f::1"]
    # Only an admin sees the gateway port (it has no project).
    query = f"{V2}/ports?device_owner=network:router_gateway&device_id={router['id']}"
    assert ok(api.get(query), 200)["ports"] == []
    assert [p["fixed_ips"][0]["ip_address"] for p in ok(api.get(query, user="admin"), 200)["ports"]] == ["172.24.4.2"]


def test_router_lifecycle(api, backend):
    public = by_name(backend, "networks", "public")["id"]
    network = create(api, "network", name="n")
    subnet = create(api, "subnet", network_id=network["id"], ip_version=4, cidr="10.80.0.0/24")
    router = create(api, "router", name="r")
    assert (router["status"], router["external_gateway_info"], router["routes"]) == ("ACTIVE", None, [])
    with_gateway = ok(api.put(f"{V2}/routers/{router['id']}", json={"router": {
        "external_gateway_info": {"network_id": public}}}), 200)["router"]
    assert with_gateway["external_gateway_info"]["external_fixed_ips"][0]["ip_address"].startswith("172.24.4.")
    info = ok(api.put(f"{V2}/routers/{router['id']}/add_router_interface", json={"subnet_id": subnet["id"]}), 200)
    assert info == {"id": router["id"], "tenant_id": router["project_id"], "project_id": router["project_id"],
                    "port_id": info["port_id"], "network_id": network["id"], "subnet_id": subnet["id"],
                    "subnet_ids": [subnet["id"]]}
    port = ok(api.get(f"{V2}/ports/{info['port_id']}"), 200)["port"]
    assert (port["device_owner"], port["fixed_ips"][0]["ip_address"]) == ("network:router_interface", "10.80.0.1")
    again = api.put(f"{V2}/routers/{router['id']}/add_router_interface", json={"subnet_id": subnet["id"]})
    assert fault(again) == (400, neutron_error(
        "BadRequest", f"Bad router request: Router already has a port on subnet {subnet['id']}."))
    routes = [{"destination": "10.90.0.0/24", "nexthop": "10.80.0.2"}]
    routed = ok(api.put(f"{V2}/routers/{router['id']}", json={"router": {"routes": routes}}), 200)["router"]
    assert routed["routes"] == routes
    far = [{"destination": "10.90.0.0/24", "nexthop": "10.99.0.2"}]
    response = api.put(f"{V2}/routers/{router['id']}", json={"router": {"routes": far}})
    assert fault(response) == (400, neutron_error(
        "InvalidRoutes", f"Invalid format for routes: {far}, the nexthop is not connected with router."))
    assert fault(api.delete(f"{V2}/routers/{router['id']}")) == (409, neutron_error(
        "RouterInUse", f"Router {router['id']} has ports still attached: {info['port_id']}"))
    assert api.put(f"{V2}/routers/{router['id']}", json={"router": {"routes": None}}).status_code == 200
    removed = ok(api.put(f"{V2}/routers/{router['id']}/remove_router_interface",
                         json={"subnet_id": subnet["id"]}), 200)
    assert removed["port_id"] == info["port_id"]
    response = api.put(f"{V2}/routers/{router['id']}/remove_router_interface", json={"subnet_id": subnet["id"]})
    assert fault(response) == (404, neutron_error(
        "RouterInterfaceNotFoundForSubnet", f"Router {router['id']} has no interface on subnet {subnet['id']}"))
    cleared = ok(api.put(f"{V2}/routers/{router['id']}", json={"router": {"external_gateway_info": {}}}), 200)
    assert cleared["router"]["external_gateway_info"] is None
    assert api.delete(f"{V2}/routers/{router['id']}").status_code == 204
    assert fault(api.get(f"{V2}/routers/{router['id']}")) == (404, neutron_error(
        "RouterNotFound", f"Router {router['id']} could not be found"))


@pytest.mark.parametrize("body, message", [
    ({}, "Bad router request: Either subnet_id or port_id must be specified."),
    ({"subnet_id": "a", "port_id": "b"}, "Bad router request: Cannot specify both subnet-id and port-id."),
])
def test_router_interface_body_errors(api, backend, body, message):
    router = by_name(backend, "routers", "router1")["id"]
    response = api.put(f"{V2}/routers/{router}/add_router_interface", json=body)
    assert fault(response) == (400, neutron_error("BadRequest", message))


def test_router_gateway_rules(api, backend):
    private = by_name(backend, "networks", "private")["id"]
    public = by_name(backend, "networks", "public")["id"]
    response = api.post(f"{V2}/routers", json={"router": {"external_gateway_info": {"network_id": private}}})
    assert fault(response) == (400, neutron_error(
        "BadRequest", f"Bad router request: Network {private} is not an external network."))
    response = api.post(f"{V2}/routers", json={"router": {"external_gateway_info": {
        "network_id": public, "enable_snat": False}}})
    assert fault(response) == (403, neutron_error(
        "PolicyNotAuthorized",
        "(rule:create_router and rule:create_router:external_gateway_info:enable_snat) is disallowed by policy"))
    response = api.post(f"{V2}/routers", user="admin", json={"router": {"external_gateway_info": {
        "network_id": public, "external_fixed_ips": [{"ip_address": "172.24.4.2"}]}}})
    assert fault(response)[0] == 409 and response.get_json()["NeutronError"]["type"] == "IpAddressAlreadyAllocated"
    response = api.post(f"{V2}/routers", json={"router": {"distributed": True}})
    assert fault(response)[0] == 403


def test_interface_by_port_and_overlap(api, backend):
    router = create(api, "router", name="r")
    first = create(api, "network", name="one")
    second = create(api, "network", name="two")
    create(api, "subnet", network_id=first["id"], ip_version=4, cidr="10.100.0.0/24")
    overlapping = create(api, "subnet", network_id=second["id"], ip_version=4, cidr="10.100.0.0/24")
    port = create(api, "port", network_id=first["id"])
    info = ok(api.put(f"{V2}/routers/{router['id']}/add_router_interface", json={"port_id": port["id"]}), 200)
    assert info["port_id"] == port["id"]
    assert ok(api.get(f"{V2}/ports?device_id={router['id']}"), 200)["ports"][0]["id"] == port["id"]
    response = api.put(f"{V2}/routers/{router['id']}/add_router_interface", json={"subnet_id": overlapping["id"]})
    assert fault(response) == (400, neutron_error("BadRequest", (
        f"Bad router request: Cidr 10.100.0.0/24 of subnet {overlapping['id']} overlaps with cidr 10.100.0.0/24 of "
        f"subnet {port['fixed_ips'][0]['subnet_id']}.")))
    assert fault(api.put(f"{V2}/routers/{router['id']}/add_router_interface", json={"port_id": port["id"]}))[0] == 409


# --- floating IPs --------------------------------------------------------------------------------

def test_floating_ip_needs_a_router_to_the_external_network(api, backend):
    public = by_name(backend, "networks", "public")["id"]
    network = create(api, "network", name="isolated")
    subnet = create(api, "subnet", network_id=network["id"], ip_version=4, cidr="10.110.0.0/24")
    port = create(api, "port", network_id=network["id"])
    response = api.post(f"{V2}/floatingips", json={"floatingip": {"floating_network_id": public,
                                                                  "port_id": port["id"]}})
    assert fault(response) == (404, neutron_error(
        "ExternalGatewayForFloatingIPNotFound",
        f"External network {public} is not reachable from subnet {subnet['id']}.  Therefore, cannot associate Port "
        f"{port['id']} with a Floating IP."))
    router = create(api, "router", name="r", external_gateway_info={"network_id": public})
    ok(api.put(f"{V2}/routers/{router['id']}/add_router_interface", json={"subnet_id": subnet["id"]}), 200)
    fip = create(api, "floatingip", floating_network_id=public, port_id=port["id"])
    assert (fip["router_id"], fip["fixed_ip_address"], fip["status"]) == (router["id"], "10.110.0.3", "ACTIVE")
    # The router cannot lose its gateway while the floating IP needs it.
    response = api.put(f"{V2}/routers/{router['id']}", json={"router": {"external_gateway_info": {}}})
    assert fault(response)[0] == 409
    released = ok(api.put(f"{V2}/floatingips/{fip['id']}", json={"floatingip": {"port_id": None}}), 200)
    assert (released["floatingip"]["router_id"], released["floatingip"]["port_id"]) == (None, None)


def test_deleting_an_external_network_takes_its_unassociated_floating_ips(api, backend):
    external = ok(api.post(f"{V2}/networks", user="admin", json={"network": {"name": "ext",
                                                                              "router:external": True}}))["network"]
    create(api, "subnet", user="admin", network_id=external["id"], ip_version=4, cidr="192.0.2.0/24",
           enable_dhcp=False)
    fip = create(api, "floatingip", user="admin", floating_network_id=external["id"])
    assert api.delete(f"{V2}/networks/{external['id']}", user="admin").status_code == 204
    assert fip["id"] not in backend.store.floatingips


# --- tags, quotas --------------------------------------------------------------------------------

def test_tags_sub_resource(api, backend):
    network = create(api, "network", name="tagged")
    base = f"{V2}/networks/{network['id']}/tags"
    response = api.put(f"{base}/red", data='"{}"', content_type="application/json")
    assert response.status_code == 201 and response.get_data() == b""
    assert api.get(f"{base}/red").status_code == 204
    assert fault(api.get(f"{base}/blue")) == (404, neutron_error("TagNotFound", "Tag blue could not be found."))
    assert ok(api.put(base, json={"tags": ["a", "b"]}), 200) == {"tags": ["a", "b"]}
    assert ok(api.get(base), 200) == {"tags": ["a", "b"]}
    assert ok(api.get(f"{V2}/networks?tags=a,b&fields=name"), 200) == {"networks": [{"name": "tagged"}]}
    assert ok(api.get(f"{V2}/networks/{network['id']}"), 200)["network"]["tags"] == ["a", "b"]
    assert api.delete(f"{base}/a").status_code == 204
    assert api.delete(base).status_code == 204
    assert ok(api.get(base), 200) == {"tags": []}
    assert fault(api.put(base, json={"tags": ["x"] * 2}))[0] == 400
    assert fault(api.get(f"{V2}/networks/{network['id']}/tags", user="alt_demo"))[0] == 404
    group = next(g for g in backend.store.security_groups.values() if g["project_id"] == network["project_id"])
    assert api.put(f"{V2}/security-groups/{group['id']}/tags/web").status_code == 201


def test_over_quota_is_409(api, backend):
    demo = by_name(backend, "networks", "private")["project_id"]
    limits = {"quota": {"router": 1, "security_group": 1}}
    assert api.put(f"{V2}/quotas/{demo}", user="admin", json=limits).status_code == 200
    response = api.post(f"{V2}/routers", json={"router": {"name": "second"}})
    assert fault(response) == (409, neutron_error("OverQuota", "Quota exceeded for resources: ['router']."))
    response = api.post(f"{V2}/security-groups", json={"security_group": {"name": "second"}})
    assert fault(response) == (409, neutron_error("OverQuota", "Quota exceeded for resources: ['security_group']."))
    details = ok(api.get(f"{V2}/quotas/{demo}/details.json"), 200)["quota"]
    assert details["router"] == {"limit": 1, "used": 1, "reserved": 0}


def test_state_export_and_import_carry_routers(api, backend):
    router = create(api, "router", name="kept")
    from fakenova.domain.control import state

    document = state.export_state(backend)
    assert router["id"] in document["store"]["routers"]
    backend.reset()
    assert router["id"] not in backend.store.routers
    state.import_state(backend, document)
    assert ok(api.get(f"{V2}/routers/{router['id']}"), 200)["router"]["name"] == "kept"


# --- Nova on the new networks --------------------------------------------------------------------

def _boot(api, networks):
    image = next(iter(api.backend.store.images))
    return api.post("/compute/v2.1/servers", headers={"OpenStack-API-Version": "compute 2.37"}, json={"server": {
        "name": "vm", "imageRef": image, "flavorRef": "1", "networks": networks}})


def test_nova_boots_on_a_new_network_and_refuses_one_without_subnet(api, backend):
    """nova/network/neutron.py: a network with no subnet is a 400; a port bound elsewhere a 409."""
    network = create(api, "network", name="empty")
    response = _boot(api, [{"uuid": network["id"]}])
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": (
        f"Network {network['id']} requires a subnet in order to boot instances on.")}})
    create(api, "subnet", network_id=network["id"], ip_version=4, cidr="10.140.0.0/24")
    booted = _boot(api, [{"uuid": network["id"]}])
    assert booted.status_code == 202, booted.get_data(as_text=True)
    server = booted.get_json()["server"]["id"]
    (port,) = ok(api.get(f"{V2}/ports?device_id={server}"), 200)["ports"]
    assert port["fixed_ips"][0]["ip_address"] == "10.140.0.3" and port["device_owner"] == "compute:nova"
    response = _boot(api, [{"port": port["id"]}])
    assert fault(response) == (409, {"conflictingRequest": {"code": 409, "message": (
        f"Port {port['id']} is still in use.")}})


# --- subnet pools --------------------------------------------------------------------------------

def test_devstack_pools_and_allocation_from_a_pool(api, backend):
    pools = ok(api.get(f"{V2}/subnetpools"), 200)["subnetpools"]
    assert sorted(p["name"] for p in pools) == ["shared-default-subnetpool-v4", "shared-default-subnetpool-v6"]
    v4 = next(p for p in pools if p["ip_version"] == 4)
    assert (v4["prefixes"], v4["default_prefixlen"]) == (["10.0.0.0/22"], 26)
    assert v4["shared"] is True and v4["is_default"] is True
    assert by_name(backend, "subnets", "private-subnet")["subnetpool_id"] == v4["id"]
    network = create(api, "network", name="pooled")
    # The private subnet holds 10.0.0.0/26: the next /26 of the pool comes next, gateway its first address.
    subnet = create(api, "subnet", network_id=network["id"], ip_version=4, subnetpool_id=v4["id"])
    assert (subnet["cidr"], subnet["gateway_ip"], subnet["subnetpool_id"]) == ("10.0.0.64/26", "10.0.0.65", v4["id"])
    default = create(api, "subnet", network_id=create(api, "network", name="n2")["id"], ip_version=4,
                     use_default_subnetpool=True, prefixlen=28)
    assert default["cidr"] == "10.0.0.128/28"
    other = create(api, "network", name="n3")["id"]
    response = api.post(f"{V2}/subnets", json={"subnet": {"network_id": other, "ip_version": 4,
                                                          "subnetpool_id": v4["id"], "prefixlen": 4}})
    assert fault(response) == (400, neutron_error("InvalidInput", (
        "Invalid input for operation: Unable to allocate subnet with prefix length 4, minimum allowed prefix is 8.")))
    response = api.post(f"{V2}/subnets", json={"subnet": {"network_id": other, "ip_version": 4,
                                                          "subnetpool_id": v4["id"], "prefixlen": 21}})
    assert fault(response) == (409, neutron_error("SubnetAllocationError", (
        "Failed to allocate subnet: Insufficient prefix space to allocate subnet size /21.")))


def test_subnet_pool_crud(api):
    pool = create(api, "subnetpool", name="mine", prefixes=["192.168.0.0/24", "192.168.1.0/24"], default_prefixlen=26)
    assert (pool["prefixes"], pool["ip_version"], pool["min_prefixlen"]) == (["192.168.0.0/23"], 4, 8)
    renamed = ok(api.put(f"{V2}/subnetpools/{pool['id']}", json={"subnetpool": {"name": "ours"}}), 200)
    assert renamed["subnetpool"]["name"] == "ours"
    assert api.put(f"{V2}/subnetpools/{pool['id']}/tags/x").status_code == 201
    assert fault(api.get(f"{V2}/subnetpools/{pool['id']}", user="alt_demo")) == (404, neutron_error(
        "SubnetPoolNotFound", f"Subnet pool {pool['id']} could not be found."))
    assert api.delete(f"{V2}/subnetpools/{pool['id']}").status_code == 204


# --- agents --------------------------------------------------------------------------------------

def test_agents_are_for_admins(api, backend):
    """ML2/OVN's agents, one controller and one metadata agent per compute host; others list none
    (Tempest test_list_agents_non_admin)."""
    agents = ok(api.get(f"{V2}/agents", user="admin"), 200)["agents"]
    assert sorted((a["host"], a["agent_type"]) for a in agents) == [
        ("compute1", "OVN Controller agent"), ("compute1", "OVN Metadata agent"),
        ("compute2", "OVN Controller agent"), ("compute2", "OVN Metadata agent")]
    assert ok(api.get(f"{V2}/agents"), 200) == {"agents": []}
    agent = agents[0]["id"]
    changed = ok(api.put(f"{V2}/agents/{agent}", user="admin", json={"agent": {"admin_state_up": False}}), 200)
    assert changed["agent"]["admin_state_up"] is False
    assert fault(api.put(f"{V2}/agents/{agent}", user="admin", json={"agent": {"host": "x"}})) == (
        400, neutron_error("HTTPBadRequest", "Cannot update read-only attribute host"))
    assert fault(api.get(f"{V2}/agents/{agent}")) == (404, neutron_error(
        "AgentNotFound", f"Agent {agent} could not be found."))
    assert api.post(f"{V2}/agents", user="admin", json={"agent": {}}).status_code == 405


# --- revisions and timestamps --------------------------------------------------------------------

def test_if_match_revision_and_changed_since(frozen, backend):
    """revision-if-match (412 on a stale revision) and the changed_since filter of
    standard-attr-timestamp (neutron/services/revisions/revision_plugin.py, standard_attr.py)."""
    api = frozen
    old = create(api, "network", name="old")
    frozen.backend.clock.advance(60)
    new = create(api, "network", name="new")
    stale = old["revision_number"]
    renamed = ok(api.put(f"{V2}/networks/{old['id']}", headers={"If-Match": f"revision_number={stale}"},
                         json={"network": {"name": "older"}}), 200)["network"]
    assert renamed["revision_number"] == stale + 1
    response = api.put(f"{V2}/networks/{old['id']}", headers={"If-Match": f"revision_number={stale}"},
                       json={"network": {"name": "oldest"}})
    assert fault(response) == (412, neutron_error(
        "RevisionNumberConstraintFailed", f"Constrained to {stale}, but current revision is {stale + 1}"))
    response = api.delete(f"{V2}/networks/{new['id']}", headers={"If-Match": "etag"})
    assert fault(response) == (400, neutron_error(
        "BadRequest", "Bad if-match request: Revision number etag must be in the format of revision_number=<int>."))
    since = new["created_at"]
    names = [n["name"] for n in ok(api.get(f"{V2}/networks?changed_since={since}"), 200)["networks"]]
    assert sorted(names) == ["new", "older"]  # the rename touched "old" after "new" was made
    response = api.get(f"{V2}/networks?changed_since=yesterday")
    assert fault(response) == (400, neutron_error(
        "InvalidInput", "Invalid input for operation: The input changed_since must be in the following format: "
                        "YYYY-MM-DDTHH:MM:SSZ."))


def test_nova_counts_the_ports_it_needs_against_neutrons_quota(api, backend):
    """nova/network/neutron.py validate_networks: 403 PortLimitExceeded when not even min_count
    servers get their ports; otherwise as many servers as there are ports."""
    demo = by_name(backend, "networks", "private")["project_id"]
    used = ok(api.get(f"{V2}/quotas/{demo}/details"), 200)["quota"]["port"]["used"]
    assert api.put(f"{V2}/quotas/{demo}", user="admin", json={"quota": {"port": used + 2}}).status_code == 200
    private = by_name(backend, "networks", "private")["id"]
    image = next(iter(backend.store.images))

    def boot(**extra):
        return api.post("/compute/v2.1/servers", json={"server": {
            "name": "vm", "imageRef": image, "flavorRef": "1", "networks": [{"uuid": private}], **extra}})
    assert fault(boot(min_count=3)) == (403, {"forbidden": {"code": 403,
                                                            "message": "Maximum number of ports exceeded"}})
    made = boot(min_count=1, max_count=5, return_reservation_id=True)
    assert made.status_code == 202, made.get_data(as_text=True)
    assert sum(1 for s in backend.store.servers.values() if s["project_id"] == demo) == 2
