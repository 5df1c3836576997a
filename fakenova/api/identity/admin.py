"""Keystone's admin calls: domains, projects, users, roles, grants and GET /v3/role_assignments.

Enough for Tempest's dynamic credentials (tempest/lib/common/dynamic_creds.py, cred_client.py) and
for any test that makes its own project. Status codes and texts from keystone/api/*.py and
keystone/exception.py (master, 2026); every call here is admin-only under Keystone's default policy,
except reading one's own user and project.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import NotFound

from fakenova.api.common import authenticate, backend, base_url
from fakenova.api.identity.blueprint import (bp, collection, keystone_bool, query_bool, require_keys,
                                             validated_body)
from fakenova.api.identity.views import domain_view, project_view, role_view, user_view
from fakenova.domain import seeding
from fakenova.domain.identity import directory, identity, roles
from fakenova.errors import BadRequest


def _admin(rule: str):
    context = authenticate()
    identity.require_admin(context, f"identity:{rule}")
    return context


def _booleans(fields: dict) -> dict:
    if "enabled" in fields:
        fields["enabled"] = keystone_bool(fields["enabled"])
    return fields


def _created(key: str, body: dict):
    response = jsonify({key: body})
    response.status_code = 201
    return response


# --- domains --------------------------------------------------------------------------------------

@bp.get("/v3/domains")
def list_domains():
    _admin("list_domains")
    found = directory.list_domains(backend(), name=request.args.get("name"), enabled=query_bool("enabled"))
    return collection("domains", [domain_view(d) for d in found])


@bp.post("/v3/domains")
def create_domain():
    _admin("create_domain")
    fields = _booleans(dict(require_keys(validated_body("domains", "create"), "domain")))
    return _created("domain", domain_view(directory.create_domain(backend(), fields)))


@bp.get("/v3/domains/<domain_id>")
def show_domain(domain_id: str):
    context = authenticate()
    if context.domain_id != domain_id:
        identity.require_admin(context, "identity:get_domain")
    return jsonify({"domain": domain_view(directory.get_domain(backend(), domain_id))})


@bp.patch("/v3/domains/<domain_id>")
def update_domain(domain_id: str):
    _admin("update_domain")
    fields = _booleans(dict(require_keys(validated_body("domains", "update"), "domain")))
    return jsonify({"domain": domain_view(directory.update_domain(backend(), domain_id, fields))})


@bp.delete("/v3/domains/<domain_id>")
def delete_domain(domain_id: str):
    _admin("delete_domain")
    directory.delete_domain(backend(), domain_id)
    return Response(status=204)


# --- projects -------------------------------------------------------------------------------------

@bp.get("/v3/projects")
def list_projects():
    """Admin only, as Keystone's identity:list_projects; `openstack quota set PROJECT` looks here."""
    _admin("list_projects")
    found = directory.search_projects(backend(), name=request.args.get("name"),
                                      domain_id=request.args.get("domain_id"), enabled=query_bool("enabled"),
                                      parent_id=request.args.get("parent_id"))
    return collection("projects", [project_view(p) for p in found])


@bp.post("/v3/projects")
def create_project():
    context = _admin("create_project")
    fields = _booleans(dict(require_keys(validated_body("projects", "create"), "project")))
    project = directory.create_project(backend(), fields, default_domain=context.domain_id)
    # What every new project starts with in the other services (Neutron's default security group).
    seeding.provision_project(backend(), project["id"])
    return _created("project", project_view(project))


@bp.get("/v3/projects/<project_id>")
def show_project(project_id: str):
    context = authenticate()
    project = directory.get_project(backend(), project_id)
    if project["id"] != context.project_id:
        identity.require_admin(context, "identity:get_project")
    return jsonify({"project": project_view(project)})


@bp.patch("/v3/projects/<project_id>")
def update_project(project_id: str):
    _admin("update_project")
    fields = _booleans(dict(require_keys(validated_body("projects", "update"), "project")))
    return jsonify({"project": project_view(directory.update_project(backend(), project_id, fields))})


@bp.delete("/v3/projects/<project_id>")
def delete_project(project_id: str):
    _admin("delete_project")
    directory.delete_project(backend(), project_id)
    return Response(status=204)


# --- users ----------------------------------------------------------------------------------------

@bp.get("/v3/users")
def list_users():
    _admin("list_users")
    found = directory.list_users(backend(), name=request.args.get("name"),
                                 domain_id=request.args.get("domain_id"), enabled=query_bool("enabled"))
    return collection("users", [user_view(u) for u in found])


@bp.post("/v3/users")
def create_user():
    context = _admin("create_user")
    fields = _booleans(dict(require_keys(validated_body("users", "create"), "user")))
    user = directory.create_user(backend(), fields, default_domain=context.domain_id)
    return _created("user", user_view(user))


@bp.get("/v3/users/<user_id>")
def show_user(user_id: str):
    context = authenticate()
    if user_id != context.user_id:
        identity.require_admin(context, "identity:get_user")
    return jsonify({"user": user_view(directory.get_user(backend(), user_id))})


@bp.patch("/v3/users/<user_id>")
def update_user(user_id: str):
    _admin("update_user")
    fields = _booleans(dict(require_keys(validated_body("users", "update"), "user")))
    return jsonify({"user": user_view(directory.update_user(backend(), user_id, fields))})


@bp.delete("/v3/users/<user_id>")
def delete_user(user_id: str):
    _admin("delete_user")
    directory.delete_user(backend(), user_id)
    return Response(status=204)


# --- roles ----------------------------------------------------------------------------------------

@bp.get("/v3/roles")
def list_roles():
    _admin("list_roles")
    found = roles.list_roles(backend(), name=request.args.get("name"), domain_id=request.args.get("domain_id"))
    return collection("roles", [role_view(r) for r in found])


@bp.post("/v3/roles")
def create_role():
    _admin("create_role")
    fields = dict(require_keys(validated_body("roles", "create"), "role"))
    return _created("role", role_view(roles.create_role(backend(), fields)))


@bp.get("/v3/roles/<role_id>")
def show_role(role_id: str):
    _admin("get_role")
    return jsonify({"role": role_view(roles.get_role(backend(), role_id))})


@bp.patch("/v3/roles/<role_id>")
def update_role(role_id: str):
    _admin("update_role")
    fields = dict(require_keys(validated_body("roles", "update"), "role"))
    return jsonify({"role": role_view(roles.update_role(backend(), role_id, fields))})


@bp.delete("/v3/roles/<role_id>")
def delete_role(role_id: str):
    _admin("delete_role")
    roles.delete_role(backend(), role_id)
    return Response(status=204)


# --- grants: /v3/{projects,domains}/{target}/users/{user}/roles[/{role}] ----------------------------

_KINDS = {"projects": ("project", directory.get_project), "domains": ("domain", directory.get_domain)}


def _grant_parts(kind: str, target_id: str, user_id: str, role_id: str | None = None):
    if kind not in _KINDS:
        raise NotFound()
    target, lookup = _KINDS[kind]
    if role_id is not None:
        roles.get_role(backend(), role_id)
    lookup(backend(), target_id)
    directory.get_user(backend(), user_id)
    return target


@bp.get("/v3/<kind>/<target_id>/users/<user_id>/roles")
def list_grants(kind: str, target_id: str, user_id: str):
    _admin("list_grants")
    target = _grant_parts(kind, target_id, user_id)
    return collection("roles", [role_view(r) for r in roles.direct_roles(backend().store, user_id, target, target_id)])


@bp.route("/v3/<kind>/<target_id>/users/<user_id>/roles/<role_id>", methods=["GET", "HEAD"])
def check_grant(kind: str, target_id: str, user_id: str, role_id: str):
    _admin("check_grant")
    target = _grant_parts(kind, target_id, user_id, role_id)
    roles.check_grant(backend(), target, target_id, user_id, role_id)
    return Response(status=204)


@bp.put("/v3/<kind>/<target_id>/users/<user_id>/roles/<role_id>")
def create_grant(kind: str, target_id: str, user_id: str, role_id: str):
    _admin("create_grant")
    target = _grant_parts(kind, target_id, user_id, role_id)
    with backend().store.lock:
        roles.add_grant(backend().store, target, target_id, user_id, role_id)
    return Response(status=204)


@bp.delete("/v3/<kind>/<target_id>/users/<user_id>/roles/<role_id>")
def revoke_grant(kind: str, target_id: str, user_id: str, role_id: str):
    _admin("revoke_grant")
    target = _grant_parts(kind, target_id, user_id, role_id)
    roles.remove_grant(backend(), target, target_id, user_id, role_id)
    return Response(status=204)


# --- GET /v3/role_assignments ---------------------------------------------------------------------

@bp.get("/v3/role_assignments")
def list_role_assignments():
    """keystone/api/role_assignments.py: filters user.id, role.id, scope.project.id, scope.domain.id,
    effective (present = true), include_names; groups are never stored, so group.id finds nothing."""
    _admin("list_role_assignments")
    args = request.args
    if "user.id" in args and "group.id" in args:
        raise BadRequest("Specify a user or group, not both")
    found = roles.list_assignments(
        backend(), user_id=args.get("user.id"), role_id=args.get("role.id"),
        project_id=args.get("scope.project.id"), domain_id=args.get("scope.domain.id"),
        effective="effective" in args and query_bool("effective") is not False, group="group.id" in args)
    names = "include_names" in args and query_bool("include_names") is not False
    return collection("role_assignments", [_assignment(grant, role, prior, names) for grant, role, prior in found])


def _assignment(grant: dict, role: dict, prior: dict | None, names: bool) -> dict:
    store = backend().store
    root = f"{base_url()}/identity/v3"
    kind = f"{grant['target']}s"
    entry = {
        "role": {"id": role["id"]},
        "user": {"id": grant["user_id"]},
        "scope": {grant["target"]: {"id": grant["target_id"]}},
        "links": {"assignment": f"{root}/{kind}/{grant['target_id']}/users/{grant['user_id']}/roles/"
                                f"{prior['id'] if prior else role['id']}"},
    }
    if prior:
        entry["links"]["prior_role"] = f"{root}/roles/{prior['id']}"
    if names:
        entry["role"]["name"] = role["name"]
        user = store.users.get(grant["user_id"])
        if user:
            entry["user"].update(name=user["name"], domain=_domain_ref(user["domain_id"]))
        scope = entry["scope"][grant["target"]]
        if grant["target"] == "project":
            project = store.projects.get(grant["target_id"])
            if project:
                scope.update(name=project["name"], domain=_domain_ref(project["domain_id"]))
        else:
            domain = store.domains.get(grant["target_id"])
            if domain:
                scope["name"] = domain["name"]
    return entry


def _domain_ref(domain_id: str) -> dict:
    domain = backend().store.domains.get(domain_id)
    return {"id": domain_id, "name": domain["name"] if domain else None}
