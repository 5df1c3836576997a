"""Neutron's quotas: per-project limits over [QUOTAS] defaults, usage counts, and the port and
floating IP checks (neutron/extensions/quotasv2.py, quotasv2_detail.py, neutron/db/quota/driver.py).

Limits a project never set come from ``DEFAULTS`` (neutron/conf/quota.py); a project's own values
live in ``store.network_quotas`` (project id -> {resource: limit}), apart from Nova's quota sets.
"""

from __future__ import annotations

from fakenova.domain.network.common import is_manager, neutron_error
from fakenova.errors import BadRequest, Conflict, Forbidden, NotFound

UNLIMITED = -1
DB_INTEGER_MAX_VALUE = 2 ** 31 - 1

# The resources devstack's Neutron registers (core resources, L3, security groups, RBAC) and their
# neutron/conf/quota.py defaults; subnetpool has no option of its own and takes default_quota (-1).
DEFAULTS = {
    "network": 100,
    "subnet": 100,
    "subnetpool": UNLIMITED,
    "port": 500,
    "router": 10,
    "floatingip": 50,
    "security_group": 10,
    "security_group_rule": 100,
    "rbac_policy": 10,
}


def _policy_denied(rule: str) -> Forbidden:
    # oslo.policy's PolicyNotAuthorized text for Neutron's RuleCheck("rule", action).
    return neutron_error(Forbidden, "PolicyNotAuthorized", f"rule:{rule} is disallowed by policy")


def _admin_or_manager(context) -> bool:
    # neutron-lib ADMIN_OR_PROJECT_MANAGER; Neutron's quota target is the caller's own project, so a
    # manager passes for any project id.
    return context.is_admin or is_manager(context)


def authorize_read(context, project_id: str) -> None:
    """show and default: a project's own quotas are free to read; another's need rule get_quota."""
    if project_id != context.project_id and not _admin_or_manager(context):
        raise _policy_denied("get_quota")


def authorize_list(context) -> None:
    if not _admin_or_manager(context):
        raise _policy_denied("get_quota")


def authorize_details(context, project_id: str) -> None:
    if project_id != context.project_id and not context.is_admin:
        raise neutron_error(Forbidden, "AdminRequired", "User does not have admin privileges: Only admin is "
                                                        "authorized to access quotas for another project.")


def authorize_write(context, rule: str) -> None:
    """update_quota and delete_quota: admin only."""
    if not context.is_admin:
        raise _policy_denied(rule)


def limits(backend, project_id: str) -> dict:
    return {**DEFAULTS, **backend.store.network_quotas.get(project_id, {})}


def all_overridden(backend) -> list[dict]:
    """GET /quotas: one entry per project with limits of its own, defaults filled in."""
    with backend.store.lock:
        return [{**limits(backend, project_id), "project_id": project_id, "tenant_id": project_id}
                for project_id in backend.store.network_quotas]


def usage(backend, project_id: str) -> dict:
    """How many of each resource the project holds now (RBAC policies are not modelled: always 0)."""
    store = backend.store
    with store.lock:
        groups = [g for g in store.security_groups.values() if g["project_id"] == project_id]
        return {
            "network": _count(store.networks, project_id),
            "subnet": _count(store.subnets, project_id),
            "subnetpool": _count(store.subnetpools, project_id),
            "port": _count(store.ports, project_id),
            "router": _count(store.routers, project_id),
            "floatingip": _count(store.floatingips, project_id),
            "security_group": len(groups),
            "security_group_rule": sum(len(g["security_group_rules"]) for g in groups),
            "rbac_policy": 0,
        }


def _count(collection: dict, project_id: str) -> int:
    return sum(1 for record in collection.values() if record.get("project_id") == project_id)


def details(backend, project_id: str) -> dict:
    used = usage(backend, project_id)
    return {name: {"limit": limit, "used": used[name], "reserved": 0}
            for name, limit in limits(backend, project_id).items()}


def update(backend, project_id: str, request: dict, *, force: bool) -> dict:
    """PUT /quotas/{id}: each value becomes an integer in [-1, 2**31-1]; unless ``force``, a limit
    below what the project already uses is a 400."""
    values = {}
    for name, value in request.items():
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise neutron_error(BadRequest, "InvalidInput",
                                f"Invalid input for operation: '{value}' is not an integer.") from None
        if number < UNLIMITED:
            reason = f"'{number}' is too small - must be at least '{UNLIMITED}'"
        elif number > DB_INTEGER_MAX_VALUE:
            reason = f"'{number}' is too large - must be no larger than '{DB_INTEGER_MAX_VALUE}'"
        else:
            reason = None
        if reason:
            raise neutron_error(BadRequest, "HTTPBadRequest", f"Invalid input for {name}. Reason: {reason}.")
        values[name] = number
    with backend.store.lock:
        if not force:
            used = usage(backend, project_id)
            for name, limit in values.items():
                if limit != UNLIMITED and used[name] > limit:
                    raise neutron_error(BadRequest, "HTTPBadRequest",
                                        f"Quota limit {limit} for {name} must be greater than or equal to "
                                        f"already used {used[name]}")
        backend.store.network_quotas.setdefault(project_id, {}).update(values)
        return limits(backend, project_id)


def delete(backend, project_id: str) -> None:
    with backend.store.lock:
        if backend.store.network_quotas.pop(project_id, None) is None:
            raise neutron_error(NotFound, "TenantQuotaNotFound", f"Quota for project {project_id} could not be found.")


def room(backend, project_id: str, resource: str) -> int | None:
    """How many more ``resource`` the project may create; None when unlimited."""
    limit = limits(backend, project_id)[resource]
    return None if limit == UNLIMITED else max(0, limit - usage(backend, project_id)[resource])


def check_room(backend, project_id: str, resource: str, count: int = 1) -> None:
    """409 OverQuota when ``count`` more ``resource`` would pass the project's limit (call under store.lock)."""
    limit = limits(backend, project_id)[resource]
    if limit != UNLIMITED and usage(backend, project_id)[resource] + count > limit:
        raise neutron_error(Conflict, "OverQuota", f"Quota exceeded for resources: ['{resource}'].")
