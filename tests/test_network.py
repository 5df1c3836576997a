"""Neutron v2.0 at /networking: discovery, networks/subnets/ports with Neutron's filters and errors,
visibility per project, port create/delete, security groups, floating IPs, and the real clients."""

from __future__ import annotations

import re

import pytest

from fakenova.config import Settings
from fakenova.domain.network.ip_allocation import eui64
from fakenova.seeds import NETWORKS

V2 = "/networking/v2.0"
NEUTRON_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ALT_NET = {"name": "alt-net", "project": "alt_demo", "shared": False, "external": False,
           "subnets": [{"name": "alt-subnet", "cidr": "192.168.50.0/24"}]}


@pytest.fixture
def settings() -> Settings:
    """Devstack's networks plus one private network of alt_demo."""
    return Settings(networks=[*NETWORKS, ALT_NET])


def neutron_error(kind, message):
    return {"NeutronError": {"type": kind, "message": message, "detail": ""}}


def by_name(backend, collection, name):
    return next(r for r in getattr(backend.store, collection).values() if r["name"] == name)


def project_id(backend, name):
    return next(p["id"] for p in backend.store.projects.values() if p["name"] == name)


def listed(response, collection, key="name"):
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(item[key] for item in response.get_json()[collection])


def create_port(api, network_id, user="demo", **fields):
    response = api.post(f"{V2}/ports", user=user, json={"port": {"network_id": network_id, **fields}})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["port"]


# --- discovery ---

def test_version_list_is_public_and_keeps_the_prefix(client):
    response = client.get("/networking/", base_url="http://cloud.example:9696")
    assert response.status_code == 200
    assert response.get_json() == {"versions": [{"id": "v2.0", "status": "CURRENT", "links": [
        {"rel": "self", "href": "http://cloud.example:9696/networking/v2.0/"}]}]}


def test_api_needs_a_token(client):
    assert client.get(f"{V2}/networks").status_code == 401


def test_resource_index_and_extensions(api):
    index = api.get(f"{V2}/").get_json()["resources"]
    assert {r["collection"] for r in index} == {"networks", "subnets", "subnetpools", "ports"}
    aliases = listed(api.get(f"{V2}/extensions"), "extensions", "alias")
    assert {"external-net", "security-group", "router", "fip-port-details", "filter-validation"} <= set(aliases)
    assert api.get(f"{V2}/extensions/external-net").get_json()["extension"]["name"] == "Neutron external network"
    response = api.get(f"{V2}/extensions/nope")
    assert response.status_code == 404
    assert response.get_json() == neutron_error("ExtensionNotFound", "Extension with alias nope does not exist")


# --- networks ---

def test_network_json_has_neutron_fields(api, backend):
    private = by_name(backend, "networks", "private")
    response = api.get(f"{V2}/networks/{private['id']}")
    assert response.status_code == 200
    network = response.get_json()["network"]
    assert network["tenant_id"] == network["project_id"] == project_id(backend, "demo")
    assert network["shared"] is True and network["router:external"] is False
    assert network["status"] == "ACTIVE" and network["admin_state_up"] is True
    assert len(network["subnets"]) == 2 and network["revision_number"] == 3
    assert network["ipv4_address_scope"] is None and network["port_security_enabled"] is True
    assert network["tags"] == [] and network["availability_zones"] == ["nova"]
    assert NEUTRON_TIME.match(network["created_at"]) and NEUTRON_TIME.match(network["updated_at"])
    # provider:* is admin-only in Neutron's policy.
    assert not any(key.startswith("provider:") for key in network)
    admin_view = api.get(f"{V2}/networks/{private['id']}", user="admin").get_json()["network"]
    assert admin_view["provider:network_type"] == "geneve"


def test_show_by_name_is_network_not_found(api):
    response = api.get(f"{V2}/networks/private")
    assert response.status_code == 404
    assert response.get_json() == neutron_error("NetworkNotFound", "Network private could not be found.")


def test_network_visibility_per_project(api, backend):
    # private is shared, public is external: everyone sees them; alt-net only its project and admins.
    assert listed(api.get(f"{V2}/networks", user="demo"), "networks") == ["private", "public"]
    assert listed(api.get(f"{V2}/networks", user="alt_demo"), "networks") == ["alt-net", "private", "public"]
    assert listed(api.get(f"{V2}/networks", user="admin"), "networks") == ["alt-net", "private", "public"]
    alt = by_name(backend, "networks", "alt-net")
    response = api.get(f"{V2}/networks/{alt['id']}", user="demo")
    assert response.status_code == 404
    assert response.get_json() == neutron_error("NetworkNotFound", f"Network {alt['id']} could not be found.")


@pytest.mark.parametrize("query, expected", [
    ("name=private", ["private"]),
    ("name=private&name=public", ["private", "public"]),
    ("router:external=True", ["public"]),
    ("router:external=false", ["alt-net", "private"]),
    ("shared=1", ["private"]),
    ("mtu=1500", ["public"]),
    ("name=", []),
    ("status=ACTIVE&admin_state_up=true", ["alt-net", "private", "public"]),
])
def test_network_filters(api, query, expected):
    assert listed(api.get(f"{V2}/networks?{query}", user="admin"), "networks") == expected


def test_id_filter_and_fields(api, backend):
    private, public = by_name(backend, "networks", "private"), by_name(backend, "networks", "public")
    response = api.get(f"{V2}/networks?id={private['id']}&id={public['id']}&fields=id&fields=name")
    assert sorted(response.get_json()["networks"], key=lambda n: n["name"]) == [
        {"id": private["id"], "name": "private"}, {"id": public["id"], "name": "public"}]
    shown = api.get(f"{V2}/networks/{private['id']}?fields=name").get_json()
    assert shown == {"network": {"name": "private"}}


@pytest.mark.parametrize("query, kind, message", [
    ("foo=1", "HTTPBadRequest", "['foo'] is invalid attribute for filtering"),
    ("router:external=maybe", "InvalidInput", "Invalid input for operation: 'maybe' cannot be converted to boolean."),
    ("mtu=big", "InvalidInput", "Invalid input for operation: 'big' is not an integer."),
    ("limit=-2", "BadRequest", "Bad limit request: Limit must be an integer 0 or greater and not '-2'."),
    ("sort_key=name", "HTTPBadRequest", "The number of sort_keys and sort_dirs must be same"),
    ("sort_key=subnets&sort_dir=asc", "HTTPBadRequest", "['subnets'] is invalid attribute for sort_keys"),
    ("sort_key=name&sort_dir=up", "HTTPBadRequest",
     "['up'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'"),
])
def test_bad_list_queries(api, query, kind, message):
    response = api.get(f"{V2}/networks?{query}")
    assert response.status_code == 400
    assert response.get_json() == neutron_error(kind, message)


def test_sorting_and_pagination_links(api):
    first = api.get(f"{V2}/networks?limit=1&sort_key=name&sort_dir=desc", base_url="http://h:9696").get_json()
    assert [n["name"] for n in first["networks"]] == ["public"]
    links = {link["rel"]: link["href"] for link in first["networks_links"]}
    assert links["next"] == (f"http://h:9696{V2}/networks?limit=1&sort_key=name&sort_dir=desc"
                             f"&marker={first['networks'][0]['id']}")
    second = api.get(links["next"].replace("http://h:9696", "")).get_json()
    assert [n["name"] for n in second["networks"]] == ["private"]
    response = api.get(f"{V2}/networks?limit=1&marker=00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.get_json()["NeutronError"]["type"] == "NetworkNotFound"


# --- subnets ---

def test_subnets_follow_their_network_visibility_and_filters(api, backend):
    assert listed(api.get(f"{V2}/subnets", user="demo"), "subnets") == [
        "ipv6-private-subnet", "private-subnet", "public-subnet"]
    assert "alt-subnet" in listed(api.get(f"{V2}/subnets", user="alt_demo"), "subnets")
    private = by_name(backend, "networks", "private")
    assert listed(api.get(f"{V2}/subnets?network_id={private['id']}&ip_version=4"), "subnets") == ["private-subnet"]
    subnet = api.get(f"{V2}/subnets/{by_name(backend, 'subnets', 'private-subnet')['id']}").get_json()["subnet"]
    assert subnet["cidr"] == "10.0.0.0/26" and subnet["gateway_ip"] == "10.0.0.1"
    assert subnet["allocation_pools"] == [{"start": "10.0.0.2", "end": "10.0.0.62"}]
    assert subnet["tenant_id"] == subnet["project_id"] and subnet["revision_number"] == 0
    assert "segment_id" not in subnet  # admin-only
    alt_subnet = by_name(backend, "subnets", "alt-subnet")["id"]
    response = api.get(f"{V2}/subnets/{alt_subnet}", user="demo")
    assert response.status_code == 404
    assert response.get_json() == neutron_error("SubnetNotFound", f"Subnet {alt_subnet} could not be found.")


# --- ports ---

def test_create_port_allocates_addresses_and_default_security_group(api, backend):
    private = by_name(backend, "networks", "private")
    port = create_port(api, private["id"], name="p1", device_id="dev-1", device_owner="compute:nova")
    assert port["name"] == "p1" and port["status"] == "ACTIVE" and port["network_id"] == private["id"]
    # IPv4 from the pool; on the SLAAC subnet the EUI-64 address of the port's MAC (neutron/ipam).
    # 10.0.0.2 is the network's OVN metadata port's (see test_network_metadata_port.py).
    assert [ip["ip_address"] for ip in port["fixed_ips"]] == [
        "10.0.0.3", eui64("fd6c:5a3e:4b1f::/64", port["mac_address"])]
    assert port["mac_address"].startswith("fa:16:3e:")
    assert port["tenant_id"] == port["project_id"] == project_id(backend, "demo")
    default_group = api.get(f"{V2}/security-groups").get_json()["security_groups"][0]
    assert port["security_groups"] == [default_group["id"]]
    assert port["binding:vnic_type"] == "normal" and "binding:host_id" not in port
    second = create_port(api, private["id"])
    assert second["fixed_ips"][0]["ip_address"] == "10.0.0.4" and second["status"] == "DOWN"


def test_port_filters_device_id_and_fixed_ips(api, backend):
    private = by_name(backend, "networks", "private")
    first = create_port(api, private["id"], device_id="server-a")
    create_port(api, private["id"], device_id="server-b")
    assert listed(api.get(f"{V2}/ports?device_id=server-a"), "ports", "id") == [first["id"]]
    assert listed(api.get(f"{V2}/ports?fixed_ips=ip_address=10.0.0.3"), "ports", "id") == [first["id"]]
    subnet = by_name(backend, "subnets", "private-subnet")["id"]
    both = api.get(f"{V2}/ports?fixed_ips=subnet_id={subnet}&fixed_ips=ip_address_substr=10.0.0.")
    # ... and router1's interface on the private subnet (10.0.0.1) and the metadata port (10.0.0.2).
    assert len(both.get_json()["ports"]) == 4
    response = api.get(f"{V2}/ports?fixed_ips=bogus")
    assert response.status_code == 400
    assert response.get_json()["NeutronError"]["type"] == "InvalidInput"


def test_port_with_requested_address_and_its_conflicts(api, backend):
    private = by_name(backend, "networks", "private")
    port = create_port(api, private["id"], fixed_ips=[{"ip_address": "10.0.0.40"}])
    # The SLAAC subnet adds its EUI-64 address to any non-router port.
    assert port["fixed_ips"] == [{"subnet_id": by_name(backend, "subnets", "private-subnet")["id"],
                                  "ip_address": "10.0.0.40"},
                                 {"subnet_id": by_name(backend, "subnets", "ipv6-private-subnet")["id"],
                                  "ip_address": eui64("fd6c:5a3e:4b1f::/64", port["mac_address"])}]
    taken = api.post(f"{V2}/ports", json={"port": {"network_id": private["id"], "fixed_ips": [{"ip_address": "10.0.0.40"}]}})
    assert taken.status_code == 409
    subnet = by_name(backend, "subnets", "private-subnet")["id"]
    assert taken.get_json() == neutron_error(
        "IpAddressAlreadyAllocated", f"IP address 10.0.0.40 already allocated in subnet {subnet}")
    elsewhere = api.post(f"{V2}/ports", json={"port": {"network_id": private["id"], "fixed_ips": [{"ip_address": "8.8.8.8"}]}})
    assert elsewhere.status_code == 400
    assert elsewhere.get_json() == neutron_error(
        "InvalidIpForNetwork", "IP address 8.8.8.8 is not a valid IP for any of the subnets on the specified network.")


@pytest.mark.parametrize("body, message", [
    ({"port": {}}, "Failed to parse request. Required attribute 'network_id' not specified"),
    ({"port": {"network_id": "x", "colour": "red"}}, "Unrecognized attribute(s) 'colour'"),
    ({"port": {"network_id": "not-a-uuid"}}, "Invalid input for network_id. Reason: 'not-a-uuid' is not a valid UUID."),
    ({"network": {}}, "Unable to find 'port' in request body"),
    ([], "Body contains invalid data"),
])
def test_bad_port_bodies(api, body, message):
    response = api.post(f"{V2}/ports", json=body)
    assert response.status_code == 400
    assert response.get_json() == neutron_error("HTTPBadRequest", message)


def test_port_on_unknown_or_invisible_network_is_404(api, backend):
    alt = by_name(backend, "networks", "alt-net")["id"]
    response = api.post(f"{V2}/ports", json={"port": {"network_id": alt}})
    assert response.status_code == 404
    assert response.get_json() == neutron_error("NetworkNotFound", f"Network {alt} could not be found.")


def test_port_visibility_owner_network_owner_and_admin(api, backend):
    private = by_name(backend, "networks", "private")
    alts = create_port(api, private["id"], user="alt_demo")
    demos = create_port(api, private["id"], user="demo")
    # demo owns the private network, so it sees alt_demo's port on it, as Neutron's get_port allows.
    assert listed(api.get(f"{V2}/ports?device_owner=", user="demo"), "ports", "id") == sorted([alts["id"], demos["id"]])
    assert listed(api.get(f"{V2}/ports?device_owner=", user="alt_demo"), "ports", "id") == [alts["id"]]
    response = api.get(f"{V2}/ports/{demos['id']}", user="alt_demo")
    assert response.status_code == 404
    assert response.get_json() == neutron_error("PortNotFound", f"Port {demos['id']} could not be found.")
    admin_view = api.get(f"{V2}/ports/{demos['id']}", user="admin").get_json()["port"]
    assert admin_view["binding:vif_type"] == "unbound"


def test_delete_port(api, backend):
    port = create_port(api, by_name(backend, "networks", "private")["id"])
    response = api.delete(f"{V2}/ports/{port['id']}")
    assert response.status_code == 204 and response.get_data() == b""
    response = api.get(f"{V2}/ports/{port['id']}")
    assert response.get_json() == neutron_error("PortNotFound", f"Port {port['id']} could not be found.")
    assert api.delete(f"{V2}/ports/{port['id']}").status_code == 404


# --- security groups ---

def test_each_project_has_its_default_group_with_neutron_rules(api, backend):
    groups = api.get(f"{V2}/security-groups").get_json()["security_groups"]
    assert [(g["name"], g["project_id"]) for g in groups] == [("default", project_id(backend, "demo"))]
    rules = groups[0]["security_group_rules"]
    assert sorted((r["direction"], r["ethertype"], r["remote_group_id"]) for r in rules) == [
        ("egress", "IPv4", None), ("egress", "IPv6", None),
        ("ingress", "IPv4", groups[0]["id"]), ("ingress", "IPv6", groups[0]["id"])]
    assert len(api.get(f"{V2}/security-groups", user="admin").get_json()["security_groups"]) == 3
    assert listed(api.get(f"{V2}/security-group-rules?direction=ingress"), "security_group_rules", "ethertype") == [
        "IPv4", "IPv6"]
    alt_group = api.get(f"{V2}/security-groups", user="alt_demo").get_json()["security_groups"][0]["id"]
    response = api.get(f"{V2}/security-groups/{alt_group}")
    assert response.status_code == 404
    assert response.get_json() == neutron_error("SecurityGroupNotFound", f"Security group {alt_group} does not exist")


def test_security_group_rules_list_and_show_as_neutron_does(api, backend):
    group = api.get(f"{V2}/security-groups").get_json()["security_groups"][0]
    rules = group["security_group_rules"]
    assert listed(api.get(f"{V2}/security-group-rules"), "security_group_rules", "id") == sorted(r["id"] for r in rules)
    assert len(api.get(f"{V2}/security-group-rules", user="admin").get_json()["security_group_rules"]) == 12
    rule = next(r for r in rules if (r["direction"], r["ethertype"]) == ("ingress", "IPv6"))
    shown = api.get(f"{V2}/security-group-rules/{rule['id']}")
    assert (shown.status_code, shown.get_json()) == (200, {"security_group_rule": rule})
    only = api.get(f"{V2}/security-group-rules/{rule['id']}?fields=direction&fields=ethertype").get_json()
    assert only == {"security_group_rule": {"direction": "ingress", "ethertype": "IPv6"}}
    assert api.get(f"{V2}/security-group-rules?fields=id&direction=egress").get_json() == {"security_group_rules": [
        {"id": r["id"]} for r in rules if r["direction"] == "egress"]}
    response = api.get(f"{V2}/security-group-rules?foo=1")
    assert (response.status_code, response.get_json()) == (
        400, neutron_error("HTTPBadRequest", "['foo'] is invalid attribute for filtering"))


def test_security_group_rules_page_by_marker(api):
    ids = sorted(listed(api.get(f"{V2}/security-group-rules"), "security_group_rules", "id"))
    first = f"{V2}/security-group-rules?limit=2&sort_key=id&sort_dir=asc"
    page = api.get(first).get_json()
    assert [r["id"] for r in page["security_group_rules"]] == ids[:2]
    assert page["security_group_rules_links"] == [
        {"rel": "next", "href": f"http://localhost{first}&marker={ids[1]}"},
        {"rel": "previous", "href": f"http://localhost{first}&marker={ids[0]}&page_reverse=True"}]
    rest = api.get(f"{first}&marker={ids[1]}").get_json()
    assert [r["id"] for r in rest["security_group_rules"]] == ids[2:]


def test_another_projects_rule_is_not_found(api):
    alt_rule = api.get(f"{V2}/security-group-rules", user="alt_demo").get_json()["security_group_rules"][0]["id"]
    missing = neutron_error("SecurityGroupRuleNotFound", f"Security group rule {alt_rule} does not exist")
    for path in (f"{V2}/security-group-rules/{alt_rule}", f"{V2}/security-group-rules?limit=1&marker={alt_rule}"):
        response = api.get(path)
        assert (response.status_code, response.get_json()) == (404, missing)
    assert api.get(f"{V2}/security-group-rules/{alt_rule}", user="admin").status_code == 200


# --- floating IPs ---

def create_fip(api, backend, user="demo", **fields):
    public = by_name(backend, "networks", "public")["id"]
    response = api.post(f"{V2}/floatingips", user=user,
                        json={"floatingip": {"floating_network_id": public, **fields}})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["floatingip"]


def test_floating_ip_lifecycle(api, backend):
    port = create_port(api, by_name(backend, "networks", "private")["id"], device_id="server-1",
                       device_owner="compute:nova")
    fip = create_fip(api, backend)
    # router1's gateway port holds 172.24.4.2.
    assert fip["floating_ip_address"] == "172.24.4.3" and fip["status"] == "DOWN"
    assert fip["port_id"] is None and fip["fixed_ip_address"] is None and fip["port_details"] is None
    assert fip["project_id"] == fip["tenant_id"] == project_id(backend, "demo")
    # Neutron's own port for the address is hidden from the project.
    assert listed(api.get(f"{V2}/ports?device_owner=compute:nova"), "ports", "id") == [port["id"]]
    assert not any(p["device_owner"] == "network:floatingip" for p in api.get(f"{V2}/ports").get_json()["ports"])

    associated = api.put(f"{V2}/floatingips/{fip['id']}", json={"floatingip": {"port_id": port["id"]}})
    assert associated.status_code == 200
    body = associated.get_json()["floatingip"]
    assert (body["port_id"], body["fixed_ip_address"], body["status"]) == (port["id"], "10.0.0.3", "ACTIVE")
    assert body["port_details"]["device_id"] == "server-1"
    assert body["router_id"] == by_name(backend, "routers", "router1")["id"]
    assert body["revision_number"] == 1
    record = backend.store.floatingips[fip["id"]]
    assert {k: record[k] for k in ("floating_ip_address", "port_id", "fixed_ip_address", "status")} == {
        "floating_ip_address": "172.24.4.3", "port_id": port["id"], "fixed_ip_address": "10.0.0.3", "status": "ACTIVE"}
    assert listed(api.get(f"{V2}/floatingips?port_id={port['id']}"), "floatingips", "id") == [fip["id"]]

    second = create_fip(api, backend)
    conflict = api.put(f"{V2}/floatingips/{second['id']}", json={"floatingip": {"port_id": port["id"]}})
    assert conflict.status_code == 409
    assert conflict.get_json()["NeutronError"]["type"] == "FloatingIPPortAlreadyAssociated"

    released = api.put(f"{V2}/floatingips/{fip['id']}", json={"floatingip": {"port_id": None}}).get_json()
    assert (released["floatingip"]["port_id"], released["floatingip"]["status"]) == (None, "DOWN")

    assert api.delete(f"{V2}/floatingips/{fip['id']}").status_code == 204
    response = api.get(f"{V2}/floatingips/{fip['id']}")
    assert response.status_code == 404
    assert response.get_json() == neutron_error("FloatingIPNotFound", f"Floating IP {fip['id']} could not be found")
    # Its address is free again.
    assert create_fip(api, backend)["floating_ip_address"] == "172.24.4.3"


def test_create_associated_and_released_when_the_server_ports_go(api, backend):
    port = create_port(api, by_name(backend, "networks", "private")["id"], device_id="server-9",
                       device_owner="compute:nova")
    fip = create_fip(api, backend, port_id=port["id"])
    assert fip["status"] == "ACTIVE" and fip["fixed_ip_address"] == "10.0.0.3"
    assert api.delete(f"{V2}/ports/{port['id']}").status_code == 204
    shown = api.get(f"{V2}/floatingips/{fip['id']}").get_json()["floatingip"]
    assert (shown["port_id"], shown["fixed_ip_address"], shown["status"]) == (None, None, "DOWN")


def test_floating_ip_refusals(api, backend):
    private = by_name(backend, "networks", "private")["id"]
    response = api.post(f"{V2}/floatingips", json={"floatingip": {"floating_network_id": private}})
    assert response.status_code == 400
    assert response.get_json() == neutron_error(
        "BadRequest", f"Bad floatingip request: Network {private} is not a valid external network.")
    fip = create_fip(api, backend)
    response = api.put(f"{V2}/floatingips/{fip['id']}", json={"floatingip": {"fixed_ip_address": "10.0.0.2"}})
    assert response.get_json() == neutron_error(
        "BadRequest", "Bad floatingip request: fixed_ip_address cannot be specified without a port_id.")
    port = create_port(api, private)
    response = api.put(f"{V2}/floatingips/{fip['id']}",
                       json={"floatingip": {"port_id": port["id"], "fixed_ip_address": "10.0.0.9"}})
    assert response.get_json() == neutron_error(
        "BadRequest", f"Bad floatingip request: Port {port['id']} does not have fixed ip 10.0.0.9.")
    # alt_demo can neither see demo's floating IP nor use demo's port.
    assert api.get(f"{V2}/floatingips/{fip['id']}", user="alt_demo").status_code == 404
    assert listed(api.get(f"{V2}/floatingips", user="alt_demo"), "floatingips", "id") == []
    alt_fip = create_fip(api, backend, user="alt_demo")
    response = api.put(f"{V2}/floatingips/{alt_fip['id']}", user="alt_demo",
                       json={"floatingip": {"port_id": port["id"]}})
    assert response.get_json() == neutron_error("PortNotFound", f"Port {port['id']} could not be found.")
    # Choosing the address is for admins and project managers (create_floatingip:floating_ip_address).
    wanted = create_fip(api, backend, user="manager", floating_ip_address="172.24.4.200")
    assert wanted["floating_ip_address"] == "172.24.4.200"
    response = api.post(f"{V2}/floatingips", json={"floatingip": {
        "floating_network_id": by_name(backend, "networks", "public")["id"], "floating_ip_address": "172.24.4.201"}})
    assert (response.status_code, response.get_json()) == (403, neutron_error(
        "PolicyNotAuthorized",
        "(rule:create_floatingip and rule:create_floatingip:floating_ip_address) is disallowed by policy"))


# --- real clients ---

def test_cli_lists_and_shows(live):
    networks_listed = live.openstack("network", "list", "-f", "json")
    assert sorted(row["Name"] for row in networks_listed) == ["private", "public"]
    shown = live.openstack("network", "show", "private", "-f", "json")
    assert shown["name"] == "private" and shown["shared"] is True and len(shown["subnets"]) == 2
    subnets = live.openstack("subnet", "list", "-f", "json")
    assert sorted(row["Subnet"] for row in subnets) == ["10.0.0.0/26", "172.24.4.0/24", "fd6c:5a3e:4b1f::/64"]
    # demo sees router1's interfaces on its private network, nothing else.
    assert {row["Name"] for row in live.openstack("port", "list", "-f", "json")} == {""}
    assert live.openstack("port", "list", "--device-owner", "compute:nova", "-f", "json") == []
    groups = live.openstack("security", "group", "list", "-f", "json")
    assert [row["Name"] for row in groups] == ["default"]
    missing = live.openstack("network", "show", "nope", check=False)
    assert missing.returncode == 1 and "nope" in missing.stderr


def test_cli_lists_and_shows_security_group_rules(live):
    rows = live.openstack("security", "group", "rule", "list", "default", "-f", "json")
    assert sorted((row["Direction"], row["Ethertype"]) for row in rows) == [
        ("egress", "IPv4"), ("egress", "IPv6"), ("ingress", "IPv4"), ("ingress", "IPv6")]
    shown = live.openstack("security", "group", "rule", "show", rows[0]["ID"], "-f", "json")
    assert shown["id"] == rows[0]["ID"] and shown["belongs_to_default_sg"] is True
    missing = live.openstack("security", "group", "rule", "show", "nope", check=False)
    assert missing.returncode == 1 and "nope" in missing.stderr


def test_cli_port_create_list_delete(live):
    created = live.openstack("port", "create", "--network", "private", "cli-port", "-f", "json")
    assert created["name"] == "cli-port"
    rows = [row for row in live.openstack("port", "list", "-f", "json") if row["Name"]]
    assert [row["Name"] for row in rows] == ["cli-port"]
    assert "10.0.0.3" in str(rows[0]["Fixed IP Addresses"])
    live.openstack("port", "delete", "cli-port")
    assert [row for row in live.openstack("port", "list", "-f", "json") if row["Name"]] == []


def test_sdk_networks_and_floating_ip_attach(live):
    conn = live.sdk("demo")
    assert sorted(n.name for n in conn.network.networks()) == ["private", "public"]
    private = conn.network.find_network("private")
    assert private.is_shared and not private.is_router_external
    assert sorted(n["name"] for n in conn.list_networks()) == ["private", "public"]
    assert [n["name"] for n in conn.get_external_ipv4_floating_networks()] == ["public"]
    public = conn.network.find_network("public")

    port = conn.network.create_port(network_id=private.id, name="sdk-port")
    fip = conn.network.create_ip(floating_network_id=public.id)
    assert fip.status == "DOWN" and fip.floating_ip_address.startswith("172.24.4.")
    fip = conn.network.update_ip(fip, port_id=port.id)
    assert (fip.port_id, fip.fixed_ip_address, fip.status) == (port.id, "10.0.0.3", "ACTIVE")
    assert [ip.id for ip in conn.network.ips(port_id=port.id)] == [fip.id]
    conn.network.delete_ip(fip)
    assert list(conn.network.ips()) == []
    conn.network.delete_port(port)
    assert list(conn.network.ports(device_owner="")) == []
