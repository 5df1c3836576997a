"""Keystone v3 at /identity: discovery, tokens, the service catalog and a user's own projects."""

from __future__ import annotations

from flask import Response, jsonify, request

from fakenova.api.common import authenticate, backend, base_url, json_body
from fakenova.api.identity.blueprint import bp, collection
from fakenova.api.identity.views import project_view
from fakenova.clock import micro_z
from fakenova.domain.identity import directory, identity, roles
from fakenova.errors import BadRequest
from fakenova.seeds import stable_hex

V3_UPDATED = "2024-04-03T00:00:00Z"
V3_ID = "v3.14"

# service type -> (name, path under the host) for the catalog; the control plane is never listed.
# "{project_id}" is the token's project, as Keystone fills in "$(project_id)s". Cinder is listed
# twice, as devstack registers it: openstacksdk looks for block-storage, older clients for volumev3.
CATALOG_SERVICES = [
    ("compute", "nova", "/compute/v2.1"),
    ("image", "glance", "/image"),
    ("network", "neutron", "/networking"),
    ("block-storage", "cinder", "/volume/v3/{project_id}"),
    ("volumev3", "cinderv3", "/volume/v3/{project_id}"),
    ("identity", "keystone", "/identity"),
]
INTERFACES = ("public", "internal", "admin")


def _v3_version() -> dict:
    return {
        "id": V3_ID,
        "status": "stable",
        "updated": V3_UPDATED,
        "links": [{"rel": "self", "href": f"{base_url()}/identity/v3/"}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
    }


@bp.get("")
@bp.get("/")
def versions():
    return jsonify({"versions": {"values": [_v3_version()]}}), 300


@bp.get("/v3")
@bp.get("/v3/")
def v3():
    return jsonify({"version": _v3_version()})


def catalog(project_id: str) -> list[dict]:
    region = backend().settings.region
    entries = []
    for service_type, name, path in CATALOG_SERVICES:
        url = base_url() + path.replace("{project_id}", project_id)
        entries.append({
            "id": stable_hex("service", service_type),
            "type": service_type,
            "name": name,
            "endpoints": [
                {
                    "id": stable_hex("endpoint", f"{service_type}:{interface}"),
                    "interface": interface,
                    "region": region,
                    "region_id": region,
                    "url": url,
                }
                for interface in INTERFACES
            ],
        })
    return entries


def _domain_ref(domain_id: str) -> dict:
    domain = backend().store.domains[domain_id]
    return {"id": domain["id"], "name": domain["name"]}


def token_body(token: dict, *, with_catalog: bool = True) -> dict:
    store = backend().store
    user = store.users[token["user_id"]]
    body = {
        "methods": token["methods"],
        "user": {
            "id": user["id"],
            "name": user["name"],
            "domain": _domain_ref(user["domain_id"]),
            "password_expires_at": None,
        },
        "audit_ids": token["audit_ids"],
        # Keystone writes microseconds and a Z; keystoneauth needs the Z.
        "expires_at": micro_z(token["expires_at"]),
        "issued_at": micro_z(token["issued_at"]),
    }
    if token["project_id"]:
        project = store.projects[token["project_id"]]
        body["project"] = {"id": project["id"], "name": project["name"], "domain": _domain_ref(project["domain_id"])}
        body["is_domain"] = False
        body["roles"] = [{"id": roles.role_id(name), "name": name} for name in identity.token_roles(store, token)]
        if with_catalog:
            body["catalog"] = catalog(project["id"])
    return {"token": body}


@bp.post("/v3/auth/tokens")
def issue_token():
    body = json_body(malformed="The request body is not valid JSON.")
    if not isinstance(body, dict):
        raise BadRequest("Expecting to find auth in request body.")
    token = identity.issue_token(backend(), body.get("auth"))
    nocatalog = "nocatalog" in request.args
    response = jsonify(token_body(token, with_catalog=not nocatalog))
    response.status_code = 201
    response.headers["X-Subject-Token"] = token["id"]
    return response


@bp.route("/v3/auth/tokens", methods=["GET", "HEAD"])
def validate_token():
    authenticate()
    subject = request.headers.get("X-Subject-Token")
    token = identity.check_subject_token(backend(), subject)
    response = jsonify(token_body(token, with_catalog="nocatalog" not in request.args))
    response.headers["X-Subject-Token"] = token["id"]
    if request.method == "HEAD":
        return Response(status=200, headers={"X-Subject-Token": token["id"]})
    return response


@bp.delete("/v3/auth/tokens")
def revoke_token():
    authenticate()
    identity.revoke_token(backend(), request.headers.get("X-Subject-Token"))
    return Response(status=204)


@bp.get("/v3/auth/projects")
def auth_projects():
    context = authenticate()
    return collection("projects", [project_view(p) for p in identity.projects_for_user(backend(), context.user_id)])


@bp.get("/v3/users/<user_id>/projects")
def user_projects(user_id: str):
    context = authenticate()
    if user_id != context.user_id:
        identity.require_admin(context, "identity:list_user_projects")
    directory.get_user(backend(), user_id)
    return collection("projects", [project_view(p) for p in identity.projects_for_user(backend(), user_id)])


@bp.get("/v3/auth/catalog")
def auth_catalog():
    context = authenticate()
    return jsonify({"catalog": catalog(context.project_id or ""), "links": {"self": f"{base_url()}/identity/v3/auth/catalog",
                                                    "previous": None, "next": None}})
