"""Keystone v3 subset: users, projects, roles, tokens that expire on the fake clock and can be revoked."""

from __future__ import annotations

import base64
import collections
import secrets

from fakenova.clock import isotime
from fakenova.config import ConfigError
from fakenova.domain import expiry, policy
from fakenova.domain.context import RequestContext
from fakenova.domain.identity import roles
from fakenova.errors import BadRequest, Forbidden, NotFound, Unauthorized
from fakenova.seeds import stable_hex

AUTH_REQUIRED = "The request you have made requires authentication."


def seed(backend) -> None:
    store, settings = backend.store, backend.settings
    for domain in settings.domains:
        _require(domain, ("id", "name"), "domains")
        store.domains[domain["id"]] = {"id": domain["id"], "name": domain["name"],
                                       "description": domain.get("description", ""), "enabled": True,
                                       "tags": [], "options": {}}
    for project in settings.projects:
        _require(project, ("name",), "projects")
        domain_id = _domain_id(store, project.get("domain", "default"), "projects")
        project_id = project.get("id") or stable_hex("project", project["name"])
        store.projects[project_id] = {
            "id": project_id,
            "name": project["name"],
            "domain_id": domain_id,
            "description": project.get("description", ""),
            "enabled": True,
            "tags": [],
            "options": {},
            "extra": {},
        }
    granted = {}
    for user in settings.users:
        _require(user, ("name", "password"), "users")
        if user.get("project"):
            granted.setdefault(user["name"], {})[user["project"]] = list(user.get("roles", ["member", "reader"]))
        for project_name, names in (user.get("projects") or {}).items():
            granted.setdefault(user["name"], {})[project_name] = list(names)
    roles.seed(backend, sorted({name for by_project in granted.values() for names in by_project.values()
                                for name in names}))
    for user in settings.users:
        domain_id = _domain_id(store, user.get("domain", "default"), "users")
        user_id = user.get("id") or stable_hex("user", user["name"])
        project_ids = []
        for project_name, names in granted.get(user["name"], {}).items():
            project_id = _project_id(store, project_name)
            project_ids.append(project_id)
            for name in names:
                roles.add_grant(store, "project", project_id, user_id, roles.find_by_name(store, name)["id"])
        store.users[user_id] = {
            "id": user_id,
            "name": user["name"],
            "password": str(user["password"]),
            "domain_id": domain_id,
            "default_project_id": project_ids[0] if project_ids else None,
            "enabled": True,
            "options": {},
            "extra": {},
        }


def _require(record, keys, where) -> None:
    if not isinstance(record, dict) or any(key not in record for key in keys):
        raise ConfigError(f"{where}: each entry needs {', '.join(keys)}: {record!r}")


def _domain_id(store, ref: str, where: str) -> str:
    for domain in store.domains.values():
        if ref in (domain["id"], domain["name"]):
            return domain["id"]
    raise ConfigError(f"{where}: unknown domain '{ref}'")


def _project_id(store, ref: str) -> str:
    for project in store.projects.values():
        if ref in (project["id"], project["name"]):
            return project["id"]
    raise ConfigError(f"users: unknown project '{ref}'")


def verify_project_id(backend, context, project_id: str) -> None:
    """Nova's verify_project_id (nova/api/openstack/identity.py): Nova asks Keystone for the project
    with the caller's token, 400 when Keystone says 404.

    Keystone answers a non-admin 403 for other projects, which Nova takes as "fine".
    """
    if not (context.is_admin or project_id == context.project_id):
        return
    if project_id not in backend.store.projects:
        raise BadRequest(f"Project ID {project_id} is not a valid project.")


def _find_domain(store, ref: dict | None) -> dict | None:
    if not isinstance(ref, dict):
        return None
    for domain in store.domains.values():
        if ("id" in ref and ref["id"] == domain["id"]) or ("name" in ref and ref["name"] == domain["name"]):
            return domain
    return None


def _find_user(store, ref: dict) -> dict | None:
    if "id" in ref:
        return store.users.get(ref["id"])
    domain = _find_domain(store, ref.get("domain"))
    if domain is None:
        return None
    for user in store.users.values():
        if user["name"] == ref.get("name") and user["domain_id"] == domain["id"]:
            return user
    return None


def _find_project(store, ref: dict) -> dict | None:
    if "id" in ref:
        return store.projects.get(ref["id"])
    domain = _find_domain(store, ref.get("domain"))
    if domain is None:
        return None
    for project in store.projects.values():
        if project["name"] == ref.get("name") and project["domain_id"] == domain["id"]:
            return project
    return None


def issue_token(backend, auth: dict) -> dict:
    """POST /v3/auth/tokens: password or token method, project-scoped or unscoped."""
    store, clock = backend.store, backend.clock
    if not isinstance(auth, dict) or not isinstance(auth.get("identity"), dict):
        raise BadRequest("Expecting to find identity in auth.")
    identity = auth["identity"]
    methods = identity.get("methods")
    if not isinstance(methods, list) or not methods:
        raise BadRequest("Expecting to find methods in identity.")
    with store.lock:
        now = clock.time()
        forget_expired_tokens(backend)
        expiring = _expiring_tokens(store)
        if "password" in methods:
            user_ref = (identity.get("password") or {}).get("user")
            if not isinstance(user_ref, dict):
                raise BadRequest("Expecting to find user in password.")
            user = _find_user(store, user_ref)
            if (user is None or not user["enabled"] or user["password"] is None
                    or user_ref.get("password") != user["password"] or not _domain_enabled(store, user)):
                raise Unauthorized(AUTH_REQUIRED, hint=_login_refused(store, user, user_ref))
            expires_at = now + backend.settings.token_ttl
            audit_chain = []
        elif "token" in methods:
            token_ref = identity.get("token") or {}
            parent = validate_token(backend, token_ref.get("id"))
            user = store.users[parent["user_id"]]
            # A token made from a token never outlives it (Keystone keeps the expiry).
            expires_at = parent["expires_at"]
            audit_chain = parent["audit_ids"][:1]
        else:
            raise Unauthorized(AUTH_REQUIRED, hint=f"no password or token among the auth methods {methods!r}")

        project = None
        scope = auth.get("scope")
        if isinstance(scope, dict) and "project" in scope:
            project = _find_project(store, scope["project"] or {})
            if (project is None or not project["enabled"]
                    or not roles.effective_role_names(store, user["id"], project["id"])):
                raise Unauthorized(AUTH_REQUIRED, hint=(
                    f"no project {_ref(scope['project'])} to scope to" if project is None
                    else f"project {project['name']!r} is disabled" if not project["enabled"]
                    else f"user {user['name']!r} has no role on project {project['name']!r}"))
        elif isinstance(scope, dict) and scope:
            # Domain and system scope are not part of this fake.
            raise Unauthorized(AUTH_REQUIRED, hint=f"fakenova does not model {'/'.join(scope)} scope")

        token = {
            "id": store.ids.token(),
            "user_id": user["id"],
            "project_id": project["id"] if project else None,
            "methods": list(methods),
            "issued_at": now,
            "expires_at": expires_at,
            "audit_ids": [_audit_id(store)] + audit_chain,
            "revoked": False,
        }
        store.tokens[token["id"]] = token
        expiring.add(token["id"], expires_at)
        return token


def _audit_id(store) -> str:
    raw = secrets.token_bytes(16)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _expiring_tokens(store) -> expiry.ExpiryQueue:
    return expiry.queue(store, "tokens", store.tokens, _token_expiry)


def _token_expiry(token: dict) -> float:
    return token["expires_at"]


def forget_expired_tokens(backend) -> None:
    """Tokens expired on the fake clock are forgotten, revoked ones too once they would have expired
    (a few hundred per call at most). A forgotten token answers exactly as an expired one (401, or
    404 as a subject token): Keystone's fernet tokens leave nothing behind to find either."""
    store = backend.store
    with store.lock:
        expiring = _expiring_tokens(store)
        now = backend.clock.time()
        if expiring.due(now):
            forgotten = _recently_forgotten(store)
            for token_id in expiring.take_due(now):
                forgotten[token_id] = store.tokens.pop(token_id)["expires_at"]
                if len(forgotten) > RECENTLY_FORGOTTEN:
                    forgotten.popitem(last=False)


# How many forgotten tokens' expiry times are kept (the latest), so that the request log can still tell
# an expired token from one never issued here; bounded, like everything a long-running fake keeps.
RECENTLY_FORGOTTEN = 1024


def _recently_forgotten(store) -> collections.OrderedDict:
    """token id -> expires_at of the last tokens forgotten (a private attribute of the store, never
    exported, like the expiry queues)."""
    forgotten = getattr(store, "_forgotten_tokens", None)
    if forgotten is None:
        forgotten = collections.OrderedDict()
        store._forgotten_tokens = forgotten
    return forgotten


def validate_token(backend, token_id) -> dict:
    """The token record, or 401 if missing, unknown, revoked or expired on the fake clock."""
    if not token_id:
        raise Unauthorized(AUTH_REQUIRED, hint="no token")
    forget_expired_tokens(backend)
    token = backend.store.tokens.get(token_id)
    now = backend.clock.time()
    if token is None or token["revoked"] or token["expires_at"] <= now:
        raise Unauthorized(AUTH_REQUIRED, hint=_token_refused(backend, token_id, token, now))
    # Keystone works a token's roles out when it validates it: a revoked grant shows at once, and a
    # project-scoped token with no role left on its project is no longer valid.
    if token["project_id"] and not token_roles(backend.store, token):
        raise Unauthorized(AUTH_REQUIRED, hint="no role left on the token's project")
    return token


def token_roles(store, token) -> list[str]:
    """The role names a token carries now: its project grants plus the roles they imply."""
    if not token["project_id"]:
        return []
    return roles.effective_role_names(store, token["user_id"], token["project_id"])


def _domain_enabled(store, user) -> bool:
    domain = store.domains.get(user["domain_id"])
    return bool(domain and domain["enabled"])


# Keystone answers every refused login and token alike; these say which it was, for the request log.

def _ref(ref) -> str:
    ref = ref if isinstance(ref, dict) else {}
    return repr(ref.get("name") or ref.get("id"))


def _login_refused(store, user, user_ref: dict) -> str:
    if user is None:
        return f"no user {_ref(user_ref)} in that domain"
    if not user["enabled"]:
        return f"user {user['name']!r} is disabled"
    if not _domain_enabled(store, user):
        return f"the domain of user {user['name']!r} is disabled"
    return f"wrong password for user {user['name']!r}"


def _token_refused(backend, token_id: str, token, now: float) -> str:
    if token is None:
        expired_at = _recently_forgotten(backend.store).get(token_id)
        if expired_at is not None:
            return f"token expired at {isotime(expired_at)} (fake clock: {isotime(now)})"
        return "unknown token (not issued by this fake since its last start, reset or state import)"
    if token["revoked"]:
        return "token revoked"
    return f"token expired at {isotime(token['expires_at'])} (fake clock: {isotime(now)})"


def check_subject_token(backend, token_id) -> dict:
    """GET/HEAD/DELETE /auth/tokens look up X-Subject-Token: 404 when it is not valid."""
    if not token_id:
        raise Unauthorized(AUTH_REQUIRED)
    try:
        return validate_token(backend, token_id)
    except Unauthorized:
        raise NotFound(f"Could not find token: {token_id}.") from None


def revoke_token(backend, token_id) -> None:
    with backend.store.lock:
        token = check_subject_token(backend, token_id)
        token["revoked"] = True


def context_for(backend, token_id) -> RequestContext:
    token = validate_token(backend, token_id)
    user = backend.store.users[token["user_id"]]
    project = backend.store.projects.get(token["project_id"]) if token["project_id"] else None
    return RequestContext(
        user_id=user["id"],
        user_name=user["name"],
        project_id=project["id"] if project else None,
        project_name=project["name"] if project else None,
        roles=tuple(token_roles(backend.store, token)),
        token_id=token["id"],
        domain_id=user["domain_id"],
        policy=policy.compile_overrides(backend.settings.policy),
    )


def projects_for_user(backend, user_id: str) -> list[dict]:
    store = backend.store
    return [store.projects[pid] for pid in roles.projects_with_grants(store, user_id) if pid in store.projects]


def require_admin(context: RequestContext, rule: str) -> None:
    if not context.is_admin:
        raise Forbidden(f"You are not authorized to perform the requested action: {rule}.")
