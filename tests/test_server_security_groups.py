"""GET /servers/{id}/os-security-groups (nova/api/openstack/compute/security_groups.py,
ServerSecurityGroupController): the server's Neutron groups in Nova's shape, at every microversion."""

from __future__ import annotations

from tempest.lib.api_schema.response.compute.v2_1 import security_groups as tempest_security_groups
from tempest.lib.common.rest_client import RestClient

from fakenova.config import Settings
from fakenova.pytest_plugin import instant_durations
from tests.server_helpers import create, fault, network_id
from tests.tempest_schemas import _Resp

import pytest

V21 = "/compute/v2.1"


@pytest.fixture
def settings() -> Settings:
    return Settings(durations=instant_durations())


def _groups(api, server_id, *, user="demo", version="2.1"):
    response = api.get(f"{V21}/servers/{server_id}/os-security-groups", user=user, version=version)
    assert response.status_code == 200, response.get_data(as_text=True)
    # servers_client.list_security_groups_by_server checks with this schema at every microversion.
    RestClient.validate_response(tempest_security_groups.list_security_groups,
                                 _Resp(200, response.headers), response.get_json())
    return response.get_json()["security_groups"]


def _default(api, project="demo"):
    project_id = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == project)
    return next(g for g in api.backend.store.security_groups.values()
                if g["project_id"] == project_id and g["name"] == "default")


def test_default_group_in_novas_shape(api):
    server = create(api)["id"]
    group = _default(api)
    ingress = [r for r in group["security_group_rules"] if r["direction"] == "ingress"]
    expected = [{"id": group["id"], "name": "default", "description": "Default security group",
                 "tenant_id": group["project_id"],
                 "rules": [{"id": r["id"], "parent_group_id": group["id"], "ip_protocol": None, "from_port": None,
                            "to_port": None, "ip_range": {}, "group": {"name": "default",
                                                                       "tenant_id": group["project_id"]}}
                           for r in ingress]}]
    for version in ("2.1", "2.36", "2.104"):
        assert _groups(api, server, version=version) == expected
    assert _groups(api, server, user="reader") == expected
    assert _groups(api, server, user="admin") == expected


def test_rule_conversions_and_sorting(api):
    server = create(api)["id"]
    store = api.backend.store
    group = _default(api)
    web = {"id": "2a4b7b8e-0000-4000-8000-000000000001", "name": "web", "description": "",
           "project_id": group["project_id"], "security_group_rules": [
               {"id": "2a4b7b8e-0000-4000-8000-000000000002", "security_group_id": "2a4b7b8e-0000-4000-8000-000000000001",
                "direction": "ingress", "protocol": "tcp", "port_range_min": None, "port_range_max": None,
                "remote_ip_prefix": "10.0.0.0/8", "remote_group_id": None},
               {"id": "2a4b7b8e-0000-4000-8000-000000000003", "security_group_id": "2a4b7b8e-0000-4000-8000-000000000001",
                "direction": "ingress", "protocol": "icmp", "port_range_min": None, "port_range_max": None,
                "remote_ip_prefix": None, "remote_group_id": None},
               {"id": "2a4b7b8e-0000-4000-8000-000000000004", "security_group_id": "2a4b7b8e-0000-4000-8000-000000000001",
                "direction": "ingress", "protocol": "udp", "port_range_min": 53, "port_range_max": 53,
                "remote_ip_prefix": None, "remote_group_id": "not-visible"},
               {"id": "2a4b7b8e-0000-4000-8000-000000000005", "security_group_id": "2a4b7b8e-0000-4000-8000-000000000001",
                "direction": "egress", "protocol": None, "port_range_min": None, "port_range_max": None,
                "remote_ip_prefix": None, "remote_group_id": None}]}
    store.security_groups[web["id"]] = web
    for port in store.ports.values():
        if port["device_id"] == server:
            port["security_groups"] = [web["id"], group["id"]]
    groups = _groups(api, server)
    assert [g["name"] for g in groups] == ["default", "web"]
    assert groups[1]["rules"] == [
        {"id": "2a4b7b8e-0000-4000-8000-000000000002", "parent_group_id": web["id"], "ip_protocol": "tcp",
         "from_port": 1, "to_port": 65535, "group": {}, "ip_range": {"cidr": "10.0.0.0/8"}},
        {"id": "2a4b7b8e-0000-4000-8000-000000000003", "parent_group_id": web["id"], "ip_protocol": "icmp",
         "from_port": -1, "to_port": -1, "group": {}, "ip_range": {"cidr": "0.0.0.0/0"}},
    ]


def test_one_entry_per_port(api):
    server = create(api)["id"]
    attached = api.post(f"{V21}/servers/{server}/os-interface",
                        json={"interfaceAttachment": {"net_id": network_id(api.backend)}})
    assert attached.status_code == 200, attached.get_data(as_text=True)
    assert [g["name"] for g in _groups(api, server)] == ["default", "default"]


def test_other_projects_and_query(api):
    server = create(api)["id"]
    response = api.get(f"{V21}/servers/{server}/os-security-groups", user="alt_demo")
    assert fault(response) == (404, {"itemNotFound": {"code": 404, "message": f"Instance {server} could not be found."}})
    response = api.get(f"{V21}/servers/{server}/os-security-groups?bogus=1", version="2.101")
    assert response.status_code == 200
    response = api.get(f"{V21}/servers/{server}/os-security-groups?bogus=1", version="2.102")
    assert fault(response) == (400, {"badRequest": {
        "code": 400, "message": "Additional properties are not allowed ('bogus' was unexpected)"}})


def test_novaclient(live):
    conn = live.sdk("demo")
    image = next(conn.image.images(name="cirros-0.6.2-x86_64-disk"))
    created = conn.compute.create_server(name="vm", image_id=image.id, flavor_id="1", networks="auto")
    server = conn.compute.wait_for_server(created, wait=60, interval=0.1)
    nova = live.novaclient("demo", "2.latest")
    groups = nova.servers.list_security_group(server.id)
    assert [(g.name, g.description, len(g.rules)) for g in groups] == [("default", "Default security group", 2)]


def _neutron_group(api, name):
    response = api.post("/networking/v2.0/security-groups", json={"security_group": {"name": name}})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["security_group"]


def test_groups_on_create_land_on_the_servers_ports(api):
    """Nova puts the new ports in the requested groups (by name or id) instead of default."""
    web = _neutron_group(api, "web")
    server = create(api, security_groups=[{"name": "web"}])["id"]
    (port,) = [p for p in api.backend.store.ports.values() if p["device_id"] == server]
    assert port["security_groups"] == [web["id"]]
    by_id = create(api, security_groups=[{"name": web["id"]}])["id"]
    shown = api.get(f"{V21}/servers/{by_id}").get_json()["server"]
    assert shown["security_groups"] == [{"name": "web"}]
    assert [g["name"] for g in _groups(api, by_id)] == ["web"]
    # An unknown group is Nova's 400 before anything is built.
    assert fault(api.post(f"{V21}/servers", json={"server": {
        "name": "x", "imageRef": next(iter(api.backend.store.images)), "flavorRef": "1",
        "networks": [{"uuid": network_id(api.backend)}], "security_groups": [{"name": "nope"}]}})) == (
        400, {"badRequest": {"code": 400, "message": "Security group nope not found."}})


def test_add_and_remove_act_on_neutron_ports(api):
    """addSecurityGroup / removeSecurityGroup change the ports; with no group left, Nova's server
    body has no security_groups key (nova/api/openstack/compute/servers.py _add_security_grps)."""
    web = _neutron_group(api, "web")
    server = create(api)["id"]
    added = api.post(f"{V21}/servers/{server}/action", json={"addSecurityGroup": {"name": "web"}})
    assert added.status_code == 202, added.get_data(as_text=True)
    (port,) = [p for p in api.backend.store.ports.values() if p["device_id"] == server]
    assert port["security_groups"] == [_default(api)["id"], web["id"]]
    for name in ("default", "web"):
        removed = api.post(f"{V21}/servers/{server}/action", json={"removeSecurityGroup": {"name": name}})
        assert removed.status_code == 202, removed.get_data(as_text=True)
    assert port["security_groups"] == []
    assert "security_groups" not in api.get(f"{V21}/servers/{server}").get_json()["server"]
