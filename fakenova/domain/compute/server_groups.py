"""Server groups (/os-server-groups) and what they mean for a server create: membership, the
server_group_members quota, and the (anti-)affinity check of Nova's scheduler on fakenova's one
compute host. Checked against nova/api/openstack/compute/server_groups.py, nova/compute/api.py
``_provision_instances`` and nova/scheduler (Nova master, 2026).
"""

from __future__ import annotations

from fakenova.domain import paging, policy
from fakenova.domain.compute import quotas
from fakenova.errors import BadRequest, Forbidden, NotFound

_RULE = "os_compute_api:os-server-groups:"
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


def not_found(group_id: str) -> NotFound:
    return NotFound(f"Instance group {group_id} could not be found.")


def create(backend, context, *, name: str, policy_name: str, rules: dict | None) -> dict:
    policy.authorize(context, _RULE + "create", context.project_id)
    store = backend.store
    with store.lock:
        allowed = quotas.limits_for(backend, context.project_id)["server_groups"]
        used = sum(1 for g in store.server_groups.values() if g["project_id"] == context.project_id)
        if 0 <= allowed <= used:
            raise Forbidden("Quota exceeded, too many server groups.")
        if rules and policy_name != "anti-affinity":
            raise BadRequest("Only anti-affinity policy supports rules.")
        group = {
            "id": store.ids.uuid(),
            "name": name,
            "policy": policy_name,
            # Nova keeps rules as strings and hands max_server_per_host back as an int.
            "rules": {key: int(value) for key, value in (rules or {}).items()},
            "project_id": context.project_id,
            "user_id": context.user_id,
            "members": [],
            "created_at": backend.clock.time(),
        }
        store.server_groups[group["id"]] = group
        return group


def get(backend, context, group_id: str, rule: str = "show") -> dict:
    """Any project's group is found (the API database is not project-scoped); policy then decides."""
    group = backend.store.server_groups.get(group_id)
    if group is None:
        raise not_found(group_id)
    policy.authorize(context, _RULE + rule, group["project_id"])
    return group


def listed(backend, context, *, all_projects: bool, offset: int, limit: int | None) -> list[dict]:
    policy.authorize(context, _RULE + "index", context.project_id)
    groups = sorted(backend.store.server_groups.values(), key=lambda g: (g["created_at"], g["id"]))
    # Nova honours all_projects only for admins, and silently lists the caller's own otherwise.
    if all_projects and context.is_admin:
        policy.authorize(context, _RULE + "index:all_projects", context.project_id)
    else:
        groups = [g for g in groups if g["project_id"] == context.project_id]
    limit = paging.capped(limit or None)  # 0 is no limit, as common.limited
    return groups[offset:offset + limit]


def delete(backend, context, group_id: str) -> None:
    with backend.store.lock:
        get(backend, context, group_id, "delete")
        del backend.store.server_groups[group_id]


def live_members(backend, group: dict) -> list[str]:
    """Members that are not deleted (what Nova shows)."""
    servers = backend.store.servers
    return [m for m in group["members"] if m in servers and not servers[m].get("deleted")]


def of_server(backend, server_id: str) -> list[str]:
    """The ids of the groups a server belongs to (at most one in Nova)."""
    return [g["id"] for g in backend.store.server_groups.values() if server_id in g["members"]]


# --- server create -------------------------------------------------------------------------------

def requested(backend, hints: dict) -> dict | None:
    """The group named by the ``group`` scheduler hint; an unknown one is 400 on create."""
    wanted = hints.get("group")
    if isinstance(wanted, list):
        wanted = wanted[0] if wanted else None
    if not wanted:
        return None
    group = backend.store.server_groups.get(wanted)
    if group is None:
        raise BadRequest(f"Instance group {wanted} could not be found.")
    return group


def check_member_quota(backend, context, group: dict, count: int) -> None:
    """server_group_members counts the caller's own live members of the group."""
    allowed = quotas.limits_for(backend, context.project_id)["server_group_members"]
    servers = backend.store.servers
    used = sum(1 for m in live_members(backend, group) if servers[m]["user_id"] == context.user_id)
    if 0 <= allowed < used + count:
        raise Forbidden("Quota exceeded, too many servers in group")


def add_members(group: dict, server_ids: list[str]) -> None:
    group["members"].extend(server_ids)
