"""Keystone's admin subset: domains, projects, users, roles, grants and role assignments.

The flow is Tempest's dynamic credentials (tempest/lib/common/dynamic_creds.py, cred_client.py);
codes and texts are Keystone's (keystone/api/*.py, keystone/exception.py, master 2026; the facts in
storage-identity-facts.md D).
"""

from __future__ import annotations

import pytest

from tests.conftest import password_auth

V3 = "/identity/v3"


def keystone_error(response, code: int, message: str) -> None:
    assert response.status_code == code, response.get_data(as_text=True)
    body = response.get_json()["error"]
    assert body["code"] == code
    assert body["message"] == message


def make_project(api, name="tempest-p1", **extra):
    response = api.post(f"{V3}/projects", user="admin", json={"project": {"name": name, **extra}})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["project"]


def make_user(api, name="tempest-u1", password="pw-1", **extra):
    response = api.post(f"{V3}/users", user="admin",
                        json={"user": {"name": name, "password": password, "domain_id": "default", **extra}})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["user"]


def role_named(api, name: str) -> dict:
    roles = api.get(f"{V3}/roles", user="admin").get_json()["roles"]
    return next(role for role in roles if role["name"] == name)


def scoped_token(api, user: str, password: str, project: str):
    return api.client.post(f"{V3}/auth/tokens", json=password_auth(user, password, project))


def test_dynamic_credentials_flow_gives_a_working_project(api):
    """Tempest: find the domain by name, make a project and a user, grant member, log in, use Nova."""
    domains = api.get(f"{V3}/domains?name=Default", user="admin").get_json()["domains"]
    assert [d["id"] for d in domains] == ["default"]
    project = make_project(api, description="tempest-p1-desc", domain_id="default")
    assert project["parent_id"] == "default" and project["is_domain"] is False
    assert project["description"] == "tempest-p1-desc" and project["enabled"] is True
    user = make_user(api, email="u1@example.org")
    assert "password" not in user
    assert user["email"] == "u1@example.org" and user["password_expires_at"] is None
    assert "default_project_id" not in user
    member = role_named(api, "member")
    grant = f"{V3}/projects/{project['id']}/users/{user['id']}/roles/{member['id']}"
    assert api.put(grant, user="admin").status_code == 204
    # A repeated grant is 204 again (Keystone's create_grant is idempotent), never 409.
    assert api.put(grant, user="admin").status_code == 204

    login = scoped_token(api, "tempest-u1", "pw-1", "tempest-p1")
    assert login.status_code == 201
    token = login.headers["X-Subject-Token"]
    # The token lists the implied role too (member implies reader since Keystone's 2023.2 bootstrap).
    assert {r["name"] for r in login.get_json()["token"]["roles"]} == {"member", "reader"}

    servers = api.get("/compute/v2.1/servers", user=None, headers={"X-Auth-Token": token})
    assert servers.status_code == 200 and servers.get_json()["servers"] == []
    quotas = api.get(f"/compute/v2.1/os-quota-sets/{project['id']}", user=None, headers={"X-Auth-Token": token})
    assert quotas.get_json()["quota_set"]["instances"] == 10
    groups = api.get("/networking/v2.0/security-groups", user=None, headers={"X-Auth-Token": token})
    assert [g["name"] for g in groups.get_json()["security_groups"]] == ["default"]


def test_a_new_project_boots_a_server(api):
    project = make_project(api)
    user = make_user(api)
    api.put(f"{V3}/projects/{project['id']}/users/{user['id']}/roles/{role_named(api, 'member')['id']}", user="admin")
    token = scoped_token(api, "tempest-u1", "pw-1", "tempest-p1").headers["X-Subject-Token"]
    image = api.get("/image/v2/images", user="admin").get_json()["images"][0]["id"]
    response = api.post("/compute/v2.1/servers", user=None, headers={"X-Auth-Token": token},
                        json={"server": {"name": "vm", "imageRef": image, "flavorRef": "1"}})
    assert response.status_code == 202, response.get_data(as_text=True)


def test_cleanup_in_tempests_order(api):
    project = make_project(api)
    user = make_user(api)
    api.put(f"{V3}/projects/{project['id']}/users/{user['id']}/roles/{role_named(api, 'member')['id']}", user="admin")
    token = scoped_token(api, "tempest-u1", "pw-1", "tempest-p1").headers["X-Subject-Token"]
    assert api.delete(f"{V3}/users/{user['id']}", user="admin").status_code == 204
    # The deleted user's token is no longer valid anywhere.
    assert api.get("/compute/v2.1/servers", user=None, headers={"X-Auth-Token": token}).status_code == 401
    keystone_error(api.delete(f"{V3}/users/{user['id']}", user="admin"), 404, f"Could not find user: {user['id']}.")
    assert api.delete(f"{V3}/projects/{project['id']}", user="admin").status_code == 204
    keystone_error(api.get(f"{V3}/projects/{project['id']}", user="admin"), 404,
                   f"Could not find project: {project['id']}.")
    assignments = api.get(f"{V3}/role_assignments?scope.project.id={project['id']}", user="admin")
    assert assignments.get_json()["role_assignments"] == []


def test_conflict_texts(api):
    make_project(api)
    keystone_error(api.post(f"{V3}/projects", user="admin", json={"project": {"name": "tempest-p1"}}), 409,
                   "Conflict occurred attempting to store project - it is not permitted to have two projects with "
                   "either the same name or same id in the same domain: name is tempest-p1, project id "
                   f"{api.get(f'{V3}/projects?name=tempest-p1', user='admin').get_json()['projects'][0]['id']}.")
    make_user(api)
    keystone_error(api.post(f"{V3}/users", user="admin", json={"user": {"name": "tempest-u1"}}), 409,
                   "Conflict occurred attempting to store user - Duplicate entry found with name tempest-u1 at "
                   "domain ID default.")
    keystone_error(api.post(f"{V3}/roles", user="admin", json={"role": {"name": "member"}}), 409,
                   "Conflict occurred attempting to store role - Duplicate entry found with name member.")
    keystone_error(api.post(f"{V3}/domains", user="admin", json={"domain": {"name": "Default"}}), 409,
                   "Conflict occurred attempting to store project - it is not permitted to have two projects "
                   "acting as domains with the same name: Default.")


def test_domains_must_be_disabled_before_delete_and_take_their_projects(api):
    created = api.post(f"{V3}/domains", user="admin", json={"domain": {"name": "tempest-d", "description": "d"}})
    assert created.status_code == 201
    domain = created.get_json()["domain"]
    assert domain["enabled"] is True and domain["options"] == {} and domain["tags"] == []
    project = make_project(api, domain_id=domain["id"])
    keystone_error(api.delete(f"{V3}/domains/{domain['id']}", user="admin"), 403,
                   "Cannot delete a domain that is enabled, please disable it first.")
    patched = api.patch(f"{V3}/domains/{domain['id']}", user="admin", json={"domain": {"enabled": False}})
    assert patched.status_code == 200 and patched.get_json()["domain"]["enabled"] is False
    assert api.delete(f"{V3}/domains/{domain['id']}", user="admin").status_code == 204
    assert api.get(f"{V3}/projects/{project['id']}", user="admin").status_code == 404
    keystone_error(api.get(f"{V3}/domains/{domain['id']}", user="admin"), 404,
                   f"Could not find domain: {domain['id']}.")


def test_bootstrap_roles_are_immutable_and_created_roles_are_not(api):
    names = {role["name"] for role in api.get(f"{V3}/roles", user="admin").get_json()["roles"]}
    assert names >= {"reader", "member", "manager", "admin", "service"}
    admin = role_named(api, "admin")
    assert admin["options"] == {"immutable": True} and admin["domain_id"] is None
    keystone_error(api.delete(f"{V3}/roles/{admin['id']}", user="admin"), 403,
                   f"Unable to delete immutable role resource: `{admin['id']}. "
                   'Set resource option "immutable" to false first.')
    created = api.post(f"{V3}/roles", user="admin", json={"role": {"name": "tempest-role"}})
    assert created.status_code == 201
    role = created.get_json()["role"]
    assert role["options"] == {} and role["description"] is None
    renamed = api.patch(f"{V3}/roles/{role['id']}", user="admin", json={"role": {"name": "tempest-role-2"}})
    assert renamed.get_json()["role"]["name"] == "tempest-role-2"
    assert api.delete(f"{V3}/roles/{role['id']}", user="admin").status_code == 204
    keystone_error(api.get(f"{V3}/roles/{role['id']}", user="admin"), 404, f"Could not find role: {role['id']}.")


def test_grant_check_list_and_revoke(api):
    project = make_project(api)
    user = make_user(api)
    reader = role_named(api, "reader")
    grant = f"{V3}/projects/{project['id']}/users/{user['id']}/roles/{reader['id']}"
    keystone_error(api.get(grant, user="admin"), 404,
                   f"Could not find role assignment with role: {reader['id']}, user or group: {user['id']}, "
                   f"project, domain, or system: {project['id']}.")
    api.put(grant, user="admin")
    assert api.get(grant, user="admin").status_code == 204
    listed = api.get(f"{V3}/projects/{project['id']}/users/{user['id']}/roles", user="admin").get_json()
    assert [r["name"] for r in listed["roles"]] == ["reader"]
    assert api.delete(grant, user="admin").status_code == 204
    keystone_error(api.delete(grant, user="admin"), 404,
                   f"Could not find role assignment with role: {reader['id']}, user or group: {user['id']}, "
                   f"project, domain, or system: {project['id']}.")
    keystone_error(api.put(f"{V3}/projects/nope/users/{user['id']}/roles/{reader['id']}", user="admin"), 404,
                   "Could not find project: nope.")


def test_revoking_the_last_role_ends_the_projects_tokens(api):
    project = make_project(api)
    user = make_user(api)
    member = role_named(api, "member")
    grant = f"{V3}/projects/{project['id']}/users/{user['id']}/roles/{member['id']}"
    api.put(grant, user="admin")
    token = scoped_token(api, "tempest-u1", "pw-1", "tempest-p1").headers["X-Subject-Token"]
    api.delete(grant, user="admin")
    assert api.get("/compute/v2.1/servers", user=None, headers={"X-Auth-Token": token}).status_code == 401
    assert scoped_token(api, "tempest-u1", "pw-1", "tempest-p1").status_code == 401


def test_role_assignments_filters_effective_and_names(api):
    project = make_project(api)
    user = make_user(api)
    member = role_named(api, "member")
    api.put(f"{V3}/projects/{project['id']}/users/{user['id']}/roles/{member['id']}", user="admin")
    direct = api.get(f"{V3}/role_assignments?user.id={user['id']}", user="admin").get_json()
    (entry,) = direct["role_assignments"]
    assert entry["role"] == {"id": member["id"]} and entry["user"] == {"id": user["id"]}
    assert entry["scope"] == {"project": {"id": project["id"]}}
    assert entry["links"]["assignment"].endswith(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{member['id']}")
    assert direct["links"]["next"] is None

    effective = api.get(f"{V3}/role_assignments?user.id={user['id']}&effective&include_names", user="admin")
    entries = effective.get_json()["role_assignments"]
    assert [e["role"]["name"] for e in entries] == ["member", "reader"]
    implied = entries[1]
    assert implied["links"]["prior_role"].endswith(f"/v3/roles/{member['id']}")
    assert implied["user"]["name"] == "tempest-u1" and implied["user"]["domain"] == {"id": "default", "name": "Default"}
    assert implied["scope"]["project"]["name"] == "tempest-p1"

    by_role = api.get(f"{V3}/role_assignments?role.id={member['id']}&scope.project.id={project['id']}", user="admin")
    assert len(by_role.get_json()["role_assignments"]) == 1
    keystone_error(api.get(f"{V3}/role_assignments?scope.project.id=a&scope.domain.id=b", user="admin"), 400,
                   "Specify a domain or project, not both")
    keystone_error(api.get(f"{V3}/role_assignments?user.id=a&group.id=b", user="admin"), 400,
                   "Specify a user or group, not both")


@pytest.mark.parametrize("method,path", [
    ("post", "/projects"), ("post", "/users"), ("post", "/roles"), ("post", "/domains"),
    ("get", "/users"), ("get", "/roles"), ("get", "/domains"), ("get", "/role_assignments"),
])
def test_non_admins_are_refused_with_keystones_text(api, method, path):
    response = getattr(api, method)(f"{V3}{path}", user="demo", json={"x": {}} if method == "post" else None)
    rule = {"/projects": "create_project", "/users": "create_user", "/roles": "create_role",
            "/domains": "create_domain"}[path] if method == "post" else {
        "/users": "list_users", "/roles": "list_roles", "/domains": "list_domains",
        "/role_assignments": "list_role_assignments"}[path]
    keystone_error(response, 403, f"You are not authorized to perform the requested action: identity:{rule}.")


def test_users_read_themselves_but_not_others(api):
    me = api.get(f"{V3}/auth/tokens", user="demo", headers={"X-Subject-Token": api.token("demo")})
    my_id = me.get_json()["token"]["user"]["id"]
    assert api.get(f"{V3}/users/{my_id}", user="demo").status_code == 200
    other = make_user(api)
    keystone_error(api.get(f"{V3}/users/{other['id']}", user="demo"), 403,
                   "You are not authorized to perform the requested action: identity:get_user.")


@pytest.mark.parametrize("path,body,message", [
    ("/projects", {"project": {}}, "Invalid input for field/attribute project. Value: {}. 'name' is a required property"),
    ("/projects", {"project": {"name": ""}}, "Invalid input for field/attribute name. Value: . '' should be non-empty"),
    ("/users", {"user": {"name": "x", "enabled": "maybe"}},
     "Invalid input for field/attribute enabled. Value: maybe. 'maybe' is not one of"),
    ("/roles", {}, "'role' is a required property"),
    ("/domains", {"domain": {"name": "x" * 65}}, "Invalid input for field/attribute name. Value: " + "x" * 65),
])
def test_bad_bodies_are_400_with_the_validators_text(api, path, body, message):
    response = api.post(f"{V3}{path}", user="admin", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["title"] == "Bad Request" and error["message"].startswith(message)


def test_update_project_and_user(api):
    project = make_project(api)
    updated = api.patch(f"{V3}/projects/{project['id']}", user="admin",
                        json={"project": {"description": "new", "enabled": False}})
    assert updated.status_code == 200
    assert updated.get_json()["project"]["description"] == "new" and updated.get_json()["project"]["enabled"] is False
    user = make_user(api)
    renamed = api.patch(f"{V3}/users/{user['id']}", user="admin", json={"user": {"name": "tempest-u2"}})
    assert renamed.get_json()["user"]["name"] == "tempest-u2"
    listed = api.get(f"{V3}/users?name=tempest-u2", user="admin").get_json()["users"]
    assert [u["id"] for u in listed] == [user["id"]]


def test_new_identities_survive_state_export_and_reset_drops_them(api):
    project = make_project(api)
    exported = api.client.get("/_fake/state").get_json()
    api.backend.reset()
    api._tokens.clear()  # a reset ends every token
    assert api.get(f"{V3}/projects/{project['id']}", user="admin").status_code == 404
    assert api.client.put("/_fake/state", json=exported).status_code in (200, 204)
    api._tokens.clear()
    assert api.get(f"{V3}/projects/{project['id']}", user="admin").status_code == 200


def test_the_openstack_cli_manages_projects_users_and_roles(live):
    project = live.openstack("project", "create", "cli-project", "-f", "json", user="admin")
    assert project["name"] == "cli-project" and project["domain_id"] == "default"
    user = live.openstack("user", "create", "cli-user", "--password", "pw", "--project", "cli-project",
                          "-f", "json", user="admin")
    assert user["default_project_id"] == project["id"]
    live.openstack("role", "add", "--project", "cli-project", "--user", "cli-user", "member", user="admin")
    assignments = live.openstack("role", "assignment", "list", "--project", "cli-project", "--names",
                                 "-f", "json", user="admin")
    assert [(a["Role"], a["User"]) for a in assignments] == [("member", "cli-user@Default")]
    live.openstack("role", "remove", "--project", "cli-project", "--user", "cli-user", "member", user="admin")
    live.openstack("user", "delete", "cli-user", user="admin")
    live.openstack("project", "delete", "cli-project", user="admin")
    assert live.openstack("project", "list", "-f", "json", user="admin") is not None
