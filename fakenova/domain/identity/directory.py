"""Keystone's domains, projects and users: create, show, list, update, delete, with Keystone's
conflict and not-found texts (keystone/exception.py, keystone/resource/core.py,
keystone/identity/core.py; keystone master, 2026).

Deleting a user, project or domain takes its grants (and a domain its projects and users) with it
and ends the tokens that depended on them, as Keystone's revocation events do.
"""

from __future__ import annotations

from fakenova.domain.identity import roles
from fakenova.errors import BadRequest, Conflict, Forbidden, NotFound

PROJECT_FIELDS = ("name", "description", "enabled", "tags", "options", "domain_id", "parent_id", "is_domain")
DOMAIN_FIELDS = ("name", "description", "enabled", "tags", "options", "explicit_domain_id")
USER_FIELDS = ("name", "domain_id", "enabled", "password", "default_project_id", "options", "federated")


def _extra(fields: dict, known) -> dict:
    return {key: value for key, value in fields.items() if key not in known}


# --- domains --------------------------------------------------------------------------------------

def get_domain(backend, domain_id: str) -> dict:
    domain = backend.store.domains.get(domain_id)
    if domain is None:
        raise NotFound(f"Could not find domain: {domain_id}.")
    return domain


def list_domains(backend, *, name=None, enabled=None) -> list[dict]:
    return [d for d in backend.store.domains.values()
            if (name is None or d["name"] == name) and (enabled is None or d["enabled"] == enabled)]


def _domain_name_taken(store, name: str, except_id=None) -> bool:
    return any(d["name"] == name and d["id"] != except_id for d in store.domains.values())


def create_domain(backend, fields: dict) -> dict:
    store = backend.store
    with store.lock:
        if _domain_name_taken(store, fields["name"]):
            raise Conflict("Conflict occurred attempting to store project - it is not permitted to have two "
                           f"projects acting as domains with the same name: {fields['name']}.")
        domain_id = fields.get("explicit_domain_id") or store.ids.hex()
        if domain_id in store.domains or domain_id in store.projects:
            raise Conflict(f"Conflict occurred attempting to store project - Duplicate ID, {domain_id}.")
        domain = {"id": domain_id, "name": fields["name"], "description": fields.get("description") or "",
                  "enabled": fields.get("enabled", True), "tags": list(fields.get("tags") or []),
                  "options": dict(fields.get("options") or {})}
        store.domains[domain_id] = domain
        return domain


def update_domain(backend, domain_id: str, fields: dict) -> dict:
    store = backend.store
    with store.lock:
        domain = get_domain(backend, domain_id)
        if "name" in fields and _domain_name_taken(store, fields["name"], except_id=domain_id):
            raise Conflict("Conflict occurred attempting to store project - it is not permitted to have two "
                           f"projects acting as domains with the same name: {fields['name']}.")
        for key in ("name", "description", "enabled", "tags", "options"):
            if key in fields:
                domain[key] = fields[key]
        if fields.get("enabled") is False:
            _end_tokens(store, lambda token: _user_domain(store, token) == domain_id)
        return domain


def delete_domain(backend, domain_id: str) -> None:
    store = backend.store
    with store.lock:
        domain = get_domain(backend, domain_id)
        if domain["enabled"]:
            raise Forbidden("Cannot delete a domain that is enabled, please disable it first.")
        for project_id in [p["id"] for p in store.projects.values() if p["domain_id"] == domain_id]:
            _drop(store, "project", project_id)
        for user_id in [u["id"] for u in store.users.values() if u["domain_id"] == domain_id]:
            _drop(store, "user", user_id)
        roles.forget_target(store, "domain", domain_id)
        del store.domains[domain_id]


# --- projects -------------------------------------------------------------------------------------

def get_project(backend, project_id: str) -> dict:
    project = backend.store.projects.get(project_id)
    if project is None:
        raise NotFound(f"Could not find project: {project_id}.")
    return project


def search_projects(backend, *, name=None, domain_id=None, enabled=None, parent_id=None) -> list[dict]:
    return [p for p in backend.store.projects.values()
            if (name is None or p["name"] == name) and (domain_id is None or p["domain_id"] == domain_id)
            and (enabled is None or p["enabled"] == enabled)
            and (parent_id is None or p["domain_id"] == parent_id)]


def _project_conflict(store, name: str, domain_id: str, except_id=None) -> None:
    for project in store.projects.values():
        if project["name"] == name and project["domain_id"] == domain_id and project["id"] != except_id:
            raise Conflict("Conflict occurred attempting to store project - it is not permitted to have two "
                           "projects with either the same name or same id in the same domain: "
                           f"name is {name}, project id {project['id']}.")


def create_project(backend, fields: dict, *, default_domain: str) -> dict:
    store = backend.store
    with store.lock:
        if fields.get("is_domain"):
            raise BadRequest("Projects acting as domains are not modelled by fakenova; use POST /v3/domains.")
        domain_id = _domain_of(store, fields, default_domain)
        parent_id = fields.get("parent_id")
        if parent_id not in (None, domain_id):
            raise BadRequest("Project hierarchies (parent_id other than the domain) are not modelled by fakenova.")
        _project_conflict(store, fields["name"], domain_id)
        project_id = store.ids.hex()
        project = {"id": project_id, "name": fields["name"], "domain_id": domain_id,
                   "description": fields.get("description") or "", "enabled": fields.get("enabled", True),
                   "tags": list(fields.get("tags") or []), "options": dict(fields.get("options") or {}),
                   "extra": _extra(fields, PROJECT_FIELDS)}
        store.projects[project_id] = project
        return project


def update_project(backend, project_id: str, fields: dict) -> dict:
    store = backend.store
    with store.lock:
        project = get_project(backend, project_id)
        if "name" in fields:
            _project_conflict(store, fields["name"], project["domain_id"], except_id=project_id)
        for key in ("name", "description", "enabled", "tags", "options"):
            if key in fields:
                project[key] = fields[key]
        if fields.get("enabled") is False:
            _end_tokens(store, lambda token: token["project_id"] == project_id)
        return project


def delete_project(backend, project_id: str) -> None:
    with backend.store.lock:
        get_project(backend, project_id)
        _drop(backend.store, "project", project_id)


# --- users ----------------------------------------------------------------------------------------

def get_user(backend, user_id: str) -> dict:
    user = backend.store.users.get(user_id)
    if user is None:
        raise NotFound(f"Could not find user: {user_id}.")
    return user


def list_users(backend, *, name=None, domain_id=None, enabled=None) -> list[dict]:
    return [u for u in backend.store.users.values()
            if (name is None or u["name"] == name) and (domain_id is None or u["domain_id"] == domain_id)
            and (enabled is None or u["enabled"] == enabled)]


def _user_conflict(store, name: str, domain_id: str, except_id=None) -> None:
    if any(u["name"] == name and u["domain_id"] == domain_id and u["id"] != except_id for u in store.users.values()):
        raise Conflict("Conflict occurred attempting to store user - Duplicate entry found with name "
                       f"{name} at domain ID {domain_id}.")


def create_user(backend, fields: dict, *, default_domain: str) -> dict:
    store = backend.store
    with store.lock:
        domain_id = _domain_of(store, fields, default_domain)
        _user_conflict(store, fields["name"], domain_id)
        user_id = store.ids.hex()
        user = {"id": user_id, "name": fields["name"], "password": fields.get("password"),
                "domain_id": domain_id, "default_project_id": fields.get("default_project_id"),
                "enabled": fields.get("enabled", True), "options": dict(fields.get("options") or {}),
                "extra": _extra(fields, USER_FIELDS)}
        store.users[user_id] = user
        return user


def update_user(backend, user_id: str, fields: dict) -> dict:
    store = backend.store
    with store.lock:
        user = get_user(backend, user_id)
        if "name" in fields:
            _user_conflict(store, fields["name"], user["domain_id"], except_id=user_id)
        for key, value in fields.items():
            if key in ("name", "enabled", "password", "default_project_id", "options"):
                user[key] = value
            elif key != "domain_id":
                user["extra"][key] = value
        if fields.get("enabled") is False or "password" in fields:
            _end_tokens(store, lambda token: token["user_id"] == user_id)
        return user


def delete_user(backend, user_id: str) -> None:
    with backend.store.lock:
        get_user(backend, user_id)
        _drop(backend.store, "user", user_id)


# --- shared ---------------------------------------------------------------------------------------

def _domain_of(store, fields: dict, default_domain: str) -> str:
    """The domain a new project or user goes to: the one named, else the caller's (400 if unknown)."""
    domain_id = fields.get("domain_id") or default_domain
    if domain_id not in store.domains:
        raise BadRequest(f"Could not find domain: {domain_id}.")
    return domain_id


def _drop(store, kind: str, record_id: str) -> None:
    """Delete a user or project with what depended on it: its grants and its tokens."""
    if kind == "user":
        roles.forget_user(store, record_id)
    else:
        roles.forget_target(store, kind, record_id)
    _end_tokens(store, lambda token: token[f"{kind}_id"] == record_id)
    del getattr(store, f"{kind}s")[record_id]


def _user_domain(store, token) -> str | None:
    user = store.users.get(token["user_id"])
    return user["domain_id"] if user else None


def _end_tokens(store, doomed) -> None:
    for token in store.tokens.values():
        if doomed(token):
            token["revoked"] = True
