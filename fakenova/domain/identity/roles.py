"""Keystone roles and grants: what `keystone-manage bootstrap` creates, role CRUD, project and domain
grants for users, GET /v3/role_assignments, and the implied roles a token carries.

Checked against keystone (master, 2026) keystone/api/roles.py, keystone/api/role_assignments.py,
keystone/assignment/core.py and keystone/cmd/bootstrap.py. Groups, system grants, domain-specific
roles and inherited grants are not modelled.
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.errors import BadRequest, Conflict, Forbidden, NotFound
from fakenova.seeds import stable_hex

# keystone-manage bootstrap: these five, immutable unless --no-immutable-roles.
BOOTSTRAP_ROLES = ("reader", "member", "manager", "admin", "service")
# The implied-role rules bootstrap leaves, one step each (admin -> manager -> member -> reader; service
# implies nothing): the first of each chain in the policy module's table.
IMPLIES = {name: implied[0] for name, implied in policy.IMPLIED_ROLES.items()}
TARGETS = ("project", "domain")


def role_id(name: str) -> str:
    return stable_hex("role", name)


def seed(backend, extra_names=()) -> None:
    store = backend.store
    for name in BOOTSTRAP_ROLES:
        _add_role(store, role_id(name), name, immutable=True)
    for name in extra_names:
        if find_by_name(store, name) is None:
            _add_role(store, role_id(name), name, immutable=False)


def _add_role(store, rid: str, name: str, *, immutable: bool, description=None, extra=None) -> dict:
    role = {"id": rid, "name": name, "domain_id": None, "description": description,
            "options": {"immutable": True} if immutable else {}, "extra": dict(extra or {})}
    store.roles[rid] = role
    return role


def find_by_name(store, name: str) -> dict | None:
    return next((role for role in store.roles.values() if role["name"] == name), None)


def get_role(backend, rid: str) -> dict:
    role = backend.store.roles.get(rid)
    if role is None:
        raise NotFound(f"Could not find role: {rid}.")
    return role


def list_roles(backend, *, name: str | None = None, domain_id: str | None = None) -> list[dict]:
    # Global roles only: a domain_id filter matches none of them.
    return [role for role in backend.store.roles.values()
            if (name is None or role["name"] == name) and domain_id is None]


def create_role(backend, fields: dict) -> dict:
    store = backend.store
    with store.lock:
        if fields.get("domain_id"):
            raise BadRequest("Domain-specific roles are not modelled by fakenova.")
        if find_by_name(store, fields["name"]) is not None:
            raise Conflict("Conflict occurred attempting to store role - Duplicate entry found with name "
                           f"{fields['name']}.")
        extra = {k: v for k, v in fields.items() if k not in ("name", "description", "domain_id", "options")}
        role = _add_role(store, store.ids.hex(), fields["name"], immutable=False,
                         description=fields.get("description"), extra=extra)
        role["options"] = dict(fields.get("options") or {})
        return role


def update_role(backend, rid: str, fields: dict) -> dict:
    store = backend.store
    with store.lock:
        role = get_role(backend, rid)
        options = dict(role["options"], **(fields.get("options") or {}))
        if role["options"].get("immutable") and options.get("immutable") is not False:
            raise Forbidden(f"Unable to update immutable role resource: `{rid}. "
                            'Set resource option "immutable" to false first.')
        if "name" in fields and fields["name"] != role["name"] and find_by_name(store, fields["name"]):
            raise Conflict("Conflict occurred attempting to store role - Duplicate entry found with name "
                           f"{fields['name']}.")
        for key, value in fields.items():
            if key == "options":
                role["options"] = {k: v for k, v in options.items() if v is not None}
            elif key in ("name", "description"):
                role[key] = value
            elif key != "domain_id":
                role["extra"][key] = value
        return role


def delete_role(backend, rid: str) -> None:
    store = backend.store
    with store.lock:
        role = get_role(backend, rid)
        if role["options"].get("immutable"):
            raise Forbidden(f"Unable to delete immutable role resource: `{rid}. "
                            'Set resource option "immutable" to false first.')
        del store.roles[rid]
        _forget(store, lambda grant: grant["role_id"] == rid)


# --- grants -------------------------------------------------------------------------------------

def _key(target: str, target_id: str, user_id: str, rid: str) -> str:
    return f"{target}:{target_id}:{user_id}:{rid}"


def add_grant(store, target: str, target_id: str, user_id: str, rid: str) -> None:
    """Idempotent, as Keystone's create_grant: a repeated PUT is 204 again, never 409."""
    store.grants[_key(target, target_id, user_id, rid)] = {
        "target": target, "target_id": target_id, "user_id": user_id, "role_id": rid}


def check_grant(backend, target: str, target_id: str, user_id: str, rid: str) -> None:
    if _key(target, target_id, user_id, rid) not in backend.store.grants:
        raise NotFound(f"Could not find role assignment with role: {rid}, user or group: {user_id}, "
                       f"project, domain, or system: {target_id}.")


def remove_grant(backend, target: str, target_id: str, user_id: str, rid: str) -> None:
    with backend.store.lock:
        check_grant(backend, target, target_id, user_id, rid)
        del backend.store.grants[_key(target, target_id, user_id, rid)]


def forget_user(store, user_id: str) -> None:
    _forget(store, lambda grant: grant["user_id"] == user_id)


def forget_target(store, target: str, target_id: str) -> None:
    _forget(store, lambda grant: grant["target"] == target and grant["target_id"] == target_id)


def _forget(store, doomed) -> None:
    for key in [key for key, grant in store.grants.items() if doomed(grant)]:
        del store.grants[key]


def direct_roles(store, user_id: str, target: str, target_id: str) -> list[dict]:
    return [store.roles[grant["role_id"]] for grant in store.grants.values()
            if grant["user_id"] == user_id and grant["target"] == target and grant["target_id"] == target_id
            and grant["role_id"] in store.roles]


def effective_role_names(store, user_id: str, project_id: str) -> list[str]:
    """The roles a project-scoped token lists: the direct grants plus every role they imply."""
    names: list[str] = []
    for role in direct_roles(store, user_id, "project", project_id):
        name = role["name"]
        while name and name not in names:
            names.append(name)
            name = IMPLIES.get(name)
    return names


def projects_with_grants(store, user_id: str) -> list[str]:
    seen: list[str] = []
    for grant in store.grants.values():
        if grant["user_id"] == user_id and grant["target"] == "project" and grant["target_id"] not in seen:
            seen.append(grant["target_id"])
    return seen


def list_assignments(backend, *, user_id=None, role_id=None, project_id=None, domain_id=None,
                     effective=False, group=False) -> list[dict]:
    """GET /v3/role_assignments over the stored grants; ``effective`` adds the implied roles, each
    naming the grant's role as its ``prior_role`` (keystone/assignment/core.py)."""
    if project_id and domain_id:
        raise BadRequest("Specify a domain or project, not both")
    if effective and group:
        raise BadRequest("Combining effective and group filter will always result in an empty list.")
    store = backend.store
    found = []
    for grant in store.grants.values():
        if group or (user_id and grant["user_id"] != user_id):
            continue
        if project_id and (grant["target"], grant["target_id"]) != ("project", project_id):
            continue
        if domain_id and (grant["target"], grant["target_id"]) != ("domain", domain_id):
            continue
        role = store.roles.get(grant["role_id"])
        if role is None:
            continue
        found.append((grant, role, None))
        if effective:
            prior, name = role, IMPLIES.get(role["name"])
            while name:
                implied = find_by_name(store, name)
                if implied is None:
                    break
                found.append((grant, implied, prior))
                prior, name = implied, IMPLIES.get(name)
    if role_id:
        found = [entry for entry in found if entry[1]["id"] == role_id]
    return found
