"""Tenancy matrix for Neutron: the five personas against every /networking route, checked against
Neutron's default policy (neutron/conf/policies/*.py; facts §10).

Personas (fakenova/seeds.py): admin, demo (member of demo), reader (reader of demo), manager
(manager of demo) and alt_demo (member of another project). Targets are things demo owns and keeps
private (a network with two subnets and a port, a router, a floating IP, security groups). Someone
who may not see a target hears the resource's own 404 before any policy; a reader who may see it
but not write it hears 403 PolicyNotAuthorized (neutron/pecan_wsgi/hooks/policy_enforcement.py).

``test_every_networking_route_has_a_row`` fails for a /networking route without a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from fakenova import create_app

V2 = "/networking/v2.0"
USERS = ("admin", "demo", "reader", "manager", "alt_demo")

# Who succeeds, by kind of check; everyone else gets the status in FAILS.
READ = {"admin", "demo", "reader", "manager"}            # owner reader or admin; others 404
WRITE = {"admin", "demo", "manager"}                     # owner member or admin; reader 403, others 404
CREATE = {"admin", "demo", "manager", "alt_demo"}        # member of the caller's own project; reader 403
ANYONE = set(USERS)
ADMIN = {"admin"}
QUOTA_OTHERS = {"admin", "manager"}                      # get_quota on any project / list
DEMO_QUOTA = {"admin", "demo", "reader", "manager"}      # a project's own quotas


@dataclass(frozen=True)
class Row:
    method: str
    rule: str            # the Flask rule under /networking/v2.0
    path: str            # formatted with the world's ids
    passes: frozenset
    ok: int
    body: object = None
    # What a persona outside ``passes`` gets: 403 for readers of demo, 404 for other projects,
    # unless the route answers 403 for everyone (policy before lookup).
    denied_everywhere: bool = False
    # ... or 404 for everyone (admin-only resources non-admins cannot see at all, like agents).
    hidden: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return self.method, _normal(self.rule)


def _normal(rule: str) -> str:
    return re.sub(r"<[^>]*>", "<>", rule)


TAGS = ("/<any(networks, subnets, ports, routers, floatingips, 'security-groups', subnetpools):collection>"
        "/<resource_id>/tags")


def _crud(plural: str, key: str, create_body, update_body, *, create_passes=CREATE, delete_key=None) -> list[Row]:
    path = f"/{plural}"
    return [
        Row("GET", path, path, frozenset(ANYONE), 200),
        Row("POST", path, path, frozenset(create_passes), 201, create_body),
        Row("GET", f"{path}/<item_id>", f"{path}/{{{key}}}", frozenset(READ), 200),
        *([Row("PUT", f"{path}/<item_id>", f"{path}/{{{key}}}", frozenset(WRITE), 200, update_body)]
          if update_body is not None else []),
        Row("DELETE", f"{path}/<item_id>", f"{path}/{{{delete_key or key}}}", frozenset(WRITE), 204),
    ]


ROWS = [
    Row("GET", "/", "/", frozenset(ANYONE), 200),
    Row("GET", "/extensions", "/extensions", frozenset(ANYONE), 200),
    Row("GET", "/extensions/<alias>", "/extensions/router", frozenset(ANYONE), 200),
    *_crud("networks", "network", {"network": {"name": "mine"}}, {"network": {"name": "renamed"}},
           delete_key="spare_network"),
    # Subnets and ports go on demo's network: another project's non-shared network is a 404.
    *_crud("subnets", "subnet", lambda w: {"subnet": {"network_id": w["network"], "ip_version": 4,
                                                      "cidr": "10.125.0.0/24"}},
           {"subnet": {"name": "renamed"}}, create_passes=WRITE, delete_key="spare_subnet"),
    *_crud("ports", "port", lambda w: {"port": {"network_id": w["network"]}}, {"port": {"name": "renamed"}},
           create_passes=WRITE),
    *_crud("subnetpools", "pool", {"subnetpool": {"name": "mine", "prefixes": ["10.150.0.0/16"]}},
           {"subnetpool": {"name": "renamed"}}),
    *_crud("routers", "router", {"router": {"name": "mine"}}, {"router": {"name": "renamed"}},
           delete_key="spare_router"),
    *_crud("floatingips", "fip", lambda w: {"floatingip": {"floating_network_id": w["public"]}},
           {"floatingip": {"description": "d"}}),
    *_crud("security-groups", "group", {"security_group": {"name": "mine"}},
           {"security_group": {"name": "renamed"}}, delete_key="spare_group"),
    # Rules are made in demo's group: the group's project decides.
    *_crud("security-group-rules", "rule", lambda w: {"security_group_rule": {
        "security_group_id": w["group"], "direction": "ingress", "protocol": "udp"}}, None, create_passes=WRITE),
    # Agents (policy get_agent/update_agent/delete_agent: admin): others list none, see none.
    Row("GET", "/agents", "/agents", frozenset(ANYONE), 200),
    Row("GET", "/agents/<item_id>", "/agents/{agent}", frozenset(ADMIN), 200, hidden=True),
    Row("PUT", "/agents/<item_id>", "/agents/{agent}", frozenset(ADMIN), 200, {"agent": {"description": "d"}},
        hidden=True),
    Row("DELETE", "/agents/<item_id>", "/agents/{agent}", frozenset(ADMIN), 204, hidden=True),
    Row("PUT", "/routers/<router_id>/add_router_interface", "/routers/{router}/add_router_interface",
        frozenset(WRITE), 200, lambda w: {"subnet_id": w["spare_subnet"]}),
    Row("PUT", "/routers/<router_id>/remove_router_interface", "/routers/{router}/remove_router_interface",
        frozenset(WRITE), 200, lambda w: {"subnet_id": w["subnet"]}),
    Row("PUT", "/routers/<router_id>/add_extraroutes", "/routers/{router}/add_extraroutes", frozenset(WRITE), 200,
        {"router": {"routes": [{"destination": "10.200.0.0/24", "nexthop": "10.123.0.9"}]}}),
    Row("PUT", "/routers/<router_id>/remove_extraroutes", "/routers/{router}/remove_extraroutes", frozenset(WRITE),
        200, {"router": {"routes": [{"destination": "10.200.0.0/24", "nexthop": "10.123.0.9"}]}}),
    Row("GET", TAGS, "/networks/{network}/tags", frozenset(READ), 200),
    Row("PUT", TAGS, "/routers/{router}/tags", frozenset(WRITE), 200, {"tags": ["a"]}),
    Row("POST", TAGS, "/ports/{port}/tags", frozenset(WRITE), 201, {"tags": ["a"]}),
    Row("DELETE", TAGS, "/security-groups/{group}/tags", frozenset(WRITE), 204),
    Row("GET", TAGS + "/<tag>", "/networks/{network}/tags/t", frozenset(READ), 204),
    Row("GET", TAGS, "/subnetpools/{pool}/tags", frozenset(READ), 200),
    Row("PUT", TAGS + "/<tag>", "/subnets/{subnet}/tags/new", frozenset(WRITE), 201),
    Row("DELETE", TAGS + "/<tag>", "/floatingips/{fip}/tags/t", frozenset(WRITE), 204),
    # Quotas (neutron/conf/policies/quotas.py): own project for anyone, others for admin/manager.
    Row("GET", "/quotas", "/quotas", frozenset(QUOTA_OTHERS), 200, denied_everywhere=True),
    Row("GET", "/quotas/project", "/quotas/project", frozenset(ANYONE), 200),
    Row("GET", "/quotas/<project_id>", "/quotas/{demo_project}", frozenset(DEMO_QUOTA | QUOTA_OTHERS), 200,
        denied_everywhere=True),
    Row("GET", "/quotas/<project_id>/default", "/quotas/{demo_project}/default",
        frozenset(DEMO_QUOTA | QUOTA_OTHERS), 200, denied_everywhere=True),
    Row("GET", "/quotas/<project_id>/details", "/quotas/{demo_project}/details", frozenset(DEMO_QUOTA), 200,
        denied_everywhere=True),
    Row("GET", "/quotas/<project_id>/details.json", "/quotas/{demo_project}/details.json", frozenset(DEMO_QUOTA),
        200, denied_everywhere=True),
    Row("PUT", "/quotas/<project_id>", "/quotas/{demo_project}", frozenset(ADMIN), 200, {"quota": {"network": 50}},
        denied_everywhere=True),
    Row("DELETE", "/quotas/<project_id>", "/quotas/{alt_project}", frozenset(ADMIN), 204, denied_everywhere=True),
]


def _networking_routes() -> set[tuple[str, str]]:
    found = set()
    for rule in create_app().url_map.iter_rules():
        if not rule.rule.startswith(V2 + "/"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, _normal(rule.rule[len(V2):])))
    return found


def test_every_networking_route_has_a_row():
    assert sorted(_networking_routes() - {row.key for row in ROWS}) == []


@pytest.fixture
def world(api) -> dict:
    """What demo owns: a private network with two subnets (one behind a router) and a port, a router
    with its gateway on public, a spare router, a floating IP, two security groups (one with a rule)."""
    store = api.backend.store

    def made(kind, body, user="demo", collection=None):
        response = api.post(f"{V2}/{collection or kind + 's'}", user=user, json={kind: body})
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()[kind]["id"]

    ids = {"public": next(n["id"] for n in store.networks.values() if n["name"] == "public"),
           "demo_project": next(p["id"] for p in store.projects.values() if p["name"] == "demo"),
           "alt_project": next(p["id"] for p in store.projects.values() if p["name"] == "alt_demo")}
    ids["network"] = made("network", {"name": "demo-net"})
    ids["spare_network"] = made("network", {"name": "spare"})
    ids["subnet"] = made("subnet", {"network_id": ids["network"], "ip_version": 4, "cidr": "10.123.0.0/24"})
    ids["spare_subnet"] = made("subnet", {"network_id": ids["network"], "ip_version": 4, "cidr": "10.124.0.0/24"})
    ids["port"] = made("port", {"network_id": ids["network"]})
    ids["router"] = made("router", {"name": "r", "external_gateway_info": {"network_id": ids["public"]}})
    ids["spare_router"] = made("router", {"name": "spare"})
    attached = api.put(f"{V2}/routers/{ids['router']}/add_router_interface", json={"subnet_id": ids["subnet"]})
    assert attached.status_code == 200, attached.get_data(as_text=True)
    ids["fip"] = made("floatingip", {"floating_network_id": ids["public"]})
    ids["agent"] = next(iter(store.agents))
    ids["pool"] = made("subnetpool", {"name": "p", "prefixes": ["10.160.0.0/16"]})
    ids["group"] = made("security_group", {"name": "g"}, collection="security-groups")
    ids["spare_group"] = made("security_group", {"name": "spare"}, collection="security-groups")
    ids["rule"] = made("security_group_rule", {"security_group_id": ids["group"], "direction": "ingress",
                                               "protocol": "tcp"}, collection="security-group-rules")
    for path in (f"networks/{ids['network']}", f"floatingips/{ids['fip']}", f"security-groups/{ids['group']}"):
        assert api.put(f"{V2}/{path}/tags/t").status_code == 201
    assert api.put(f"{V2}/quotas/{ids['alt_project']}", user="admin",
                   json={"quota": {"network": 20}}).status_code == 200
    return ids


def _cells():
    for row in ROWS:
        for user in USERS:
            yield pytest.param(row, user, id=f"{row.method} {row.path} as {user}")


@pytest.mark.parametrize("row, user", list(_cells()))
def test_route_matrix(api, world, row: Row, user: str):
    body = row.body(world) if callable(row.body) else row.body
    response = api.request(row.method, V2 + row.path.format(**world), user=user,
                           **({"json": body} if body is not None else {}))
    text = response.get_data(as_text=True)
    if user in row.passes:
        assert response.status_code == row.ok, text
        return
    expected = 403 if (row.denied_everywhere or user == "reader") and not row.hidden else 404
    assert response.status_code == expected, text
    error = response.get_json()["NeutronError"]
    assert error["type"] in ("PolicyNotAuthorized", "AdminRequired") if expected == 403 else \
        error["type"].endswith("NotFound"), text
