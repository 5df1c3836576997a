"""Who may use a private flavor: GET /flavors/{id}/os-flavor-access and the flavor actions
addTenantAccess / removeTenantAccess (nova/api/openstack/compute/flavor_access.py).

The order is Nova's: body schema, policy, the project check against Keystone (add only), the flavor
lookup, then the access change. The flavor action dispatch follows Nova's wsgi rules, as the server
action dispatcher does: exactly one body key, an unknown one is 400 "There is no such action: X".
"""

from __future__ import annotations

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import action_body, query, route, version
from fakenova.domain import policy
from fakenova.domain.compute import flavors
from fakenova.domain.identity import identity
from fakenova.errors import NotFound
from fakenova.microversion import between

_RULE = "os_compute_api:os-flavor-access"
# From 2.7 adding access to a public flavor is a 409; before, Nova stored the entry anyway.
REFUSE_PUBLIC = between("2.7")


def _access_body(flavor_id: str, projects: list[str]) -> dict:
    return {"flavor_access": [{"flavor_id": flavor_id, "tenant_id": project_id} for project_id in projects]}


@route("/flavors/<flavor_id>/os-flavor-access", methods=["GET"])
def list_flavor_access(flavor_id: str):
    query("flavor_access", "index")
    policy.authorize(context(), _RULE)
    flavor, projects = flavors.access_list(backend(), context(), flavor_id)
    if flavor["is_public"]:
        raise NotFound("Access list not available for public flavors.")
    return _access_body(flavor["id"], projects)


@route("/flavors/<flavor_id>/action", methods=["POST"])
def flavor_action(flavor_id: str):
    name, data = action_body(_ACTIONS)
    backend().schemas.validate_body(data, "compute", "flavor_actions", name, version())
    return _ACTIONS[name](flavor_id, data[name]["tenant"])


def _add_tenant_access(flavor_id: str, project_id: str) -> dict:
    policy.authorize(context(), _RULE + ":add_tenant_access")
    identity.verify_project_id(backend(), context(), project_id)
    projects = flavors.add_access(backend(), context(), flavor_id, project_id,
                                  refuse_public=version() in REFUSE_PUBLIC)
    return _access_body(flavor_id, projects)


def _remove_tenant_access(flavor_id: str, project_id: str) -> dict:
    # Nova asks Keystone here too but lets an unknown project through: removing it is harmless.
    policy.authorize(context(), _RULE + ":remove_tenant_access")
    return _access_body(flavor_id, flavors.remove_access(backend(), context(), flavor_id, project_id))


_ACTIONS = {"addTenantAccess": _add_tenant_access, "removeTenantAccess": _remove_tenant_access}
