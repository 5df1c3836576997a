"""Nova's default policy (nova/policies/*.py, secure RBAC defaults) as one table, and the
``policy`` setting that overrides rules of it.

Each rule maps to a check: ``admin`` (role:admin), ``project_reader`` / ``project_member`` /
``project_manager`` (that role on the target project, or admin), ``owner`` (admin, or the user the
target belongs to: key pairs), ``service`` (Nova's service_or_admin: role service or admin, for the
APIs other services call), ``anyone`` or ``nobody``. A denial is Nova's
403 "Policy doesn't allow {rule} to be performed."

Overrides (``Settings.policy``, rule name -> value) take one of the level names of ``LEVELS`` or a
list of role names: the caller needs one of those roles on the target project (as
``role:x and project_id:%(project_id)s`` would say); ``"admin"`` in the list admits admins anywhere.
Roles are expanded as Keystone's default implied roles expand them in a token: admin implies
manager, manager implies member, member implies reader.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from fakenova.config import ConfigError
from fakenova.errors import Forbidden

ADMIN, READER, MEMBER, MANAGER, ANYONE = "admin", "project_reader", "project_member", "project_manager", "anyone"
OWNER, NOBODY = "owner", "nobody"
# nova/policies/base.py SERVICE_ROLE = 'rule:service_or_admin' (role:service or role:admin), since Nova
# 32.0.0 (2025.2) the default of the service-to-service APIs.
SERVICE = "service_or_admin"

# What the ``policy`` setting may say instead of a list of roles.
LEVELS = {"admin": ADMIN, "reader": READER, "member": MEMBER, "manager": MANAGER, "anyone": ANYONE,
          "nobody": NOBODY, "owner": OWNER, "service": SERVICE}

# keystone-manage bootstrap's role implications.
IMPLIED_ROLES = {"admin": ("manager", "member", "reader"), "manager": ("member", "reader"), "member": ("reader",)}

_PROJECT_ROLE = {READER: "reader", MEMBER: "member", MANAGER: "manager"}

_SERVERS = "os_compute_api:servers:"

RULES: dict[str, str] = {
    # servers (nova/policies/servers.py)
    _SERVERS + "index": READER,
    _SERVERS + "detail": READER,
    _SERVERS + "show": READER,
    _SERVERS + "show:flavor-extra-specs": READER,
    _SERVERS + "index:get_all_tenants": ADMIN,
    _SERVERS + "detail:get_all_tenants": ADMIN,
    _SERVERS + "allow_all_filters": ADMIN,
    _SERVERS + "show:host_status": ADMIN,
    _SERVERS + "show:host_status:unknown-only": ADMIN,
    _SERVERS + "create": MEMBER,
    _SERVERS + "create:forced_host": ADMIN,
    "compute:servers:create:requested_destination": ADMIN,
    _SERVERS + "create:attach_volume": MEMBER,
    _SERVERS + "create:attach_network": MEMBER,
    _SERVERS + "create:trusted_certs": MEMBER,
    "os_compute_api:servers:create:zero_disk_flavor": ADMIN,
    "network:attach_external_network": ADMIN,
    _SERVERS + "update": MEMBER,
    _SERVERS + "delete": MEMBER,
    _SERVERS + "confirm_resize": MEMBER,
    _SERVERS + "revert_resize": MEMBER,
    _SERVERS + "reboot": MEMBER,
    _SERVERS + "resize": MEMBER,
    _SERVERS + "rebuild": MEMBER,
    _SERVERS + "rebuild:trusted_certs": MEMBER,
    _SERVERS + "create_image": MEMBER,
    _SERVERS + "create_image:allow_volume_backed": MEMBER,
    _SERVERS + "start": MEMBER,
    _SERVERS + "stop": MEMBER,
    _SERVERS + "trigger_crash_dump": MEMBER,
    # server attributes shown to admins only
    "os_compute_api:os-extended-server-attributes": ADMIN,
    # server actions handled elsewhere (nova/policies/*.py)
    "os_compute_api:os-admin-actions:reset_state": ADMIN,
    "os_compute_api:os-admin-actions:inject_network_info": ADMIN,
    "os_compute_api:os-evacuate": ADMIN,
    "os_compute_api:os-migrate-server:migrate": MANAGER,
    "os_compute_api:os-migrate-server:migrate:host": ADMIN,
    "os_compute_api:os-migrate-server:migrate_live": MANAGER,
    "os_compute_api:os-migrate-server:migrate_live:host": ADMIN,
    # services and compute nodes (nova/policies/services.py, hypervisors.py)
    "os_compute_api:os-services:list": ADMIN,
    "os_compute_api:os-services:update": ADMIN,
    "os_compute_api:os-services:delete": ADMIN,
    "os_compute_api:os-hypervisors:list": ADMIN,
    "os_compute_api:os-hypervisors:list-detail": ADMIN,
    "os_compute_api:os-hypervisors:show": ADMIN,
    "os_compute_api:os-hypervisors:statistics": ADMIN,
    "os_compute_api:os-hypervisors:uptime": ADMIN,
    "os_compute_api:os-hypervisors:search": ADMIN,
    "os_compute_api:os-hypervisors:servers": ADMIN,
    "os_compute_api:os-server-external-events:create": SERVICE,
    "os_compute_api:extensions": ANYONE,
    "os_compute_api:os-instance-usage-audit-log:list": ADMIN,
    "os_compute_api:os-instance-usage-audit-log:show": ADMIN,
    "os_compute_api:os-quota-class-sets:show": ADMIN,
    "os_compute_api:os-quota-class-sets:update": ADMIN,
    "os_compute_api:os-hosts:list": ADMIN,
    "os_compute_api:os-hosts:show": ADMIN,
    "os_compute_api:os-hosts:update": ADMIN,
    "os_compute_api:os-hosts:reboot": ADMIN,
    "os_compute_api:os-hosts:shutdown": ADMIN,
    "os_compute_api:os-hosts:start": ADMIN,
    "os_compute_api:os-aggregates:index": ADMIN,
    "os_compute_api:os-aggregates:create": ADMIN,
    "os_compute_api:os-aggregates:show": ADMIN,
    "os_compute_api:os-aggregates:update": ADMIN,
    "os_compute_api:os-aggregates:delete": ADMIN,
    "os_compute_api:os-aggregates:add_host": ADMIN,
    "os_compute_api:os-aggregates:remove_host": ADMIN,
    "os_compute_api:os-aggregates:set_metadata": ADMIN,
    # migration records (nova/policies/migrations.py, servers_migrations.py)
    "os_compute_api:os-migrations:index": MANAGER,
    "os_compute_api:os-migrations:index:all_projects": ADMIN,
    "os_compute_api:os-migrations:index:host": ADMIN,
    "os_compute_api:servers:migrations:index": MANAGER,
    "os_compute_api:servers:migrations:index:host": ADMIN,
    "os_compute_api:servers:migrations:show": ADMIN,
    "os_compute_api:servers:migrations:force_complete": MANAGER,
    "os_compute_api:servers:migrations:delete": MANAGER,
    "os_compute_api:os-shelve:shelve": MEMBER,
    "os_compute_api:os-shelve:shelve_offload": ADMIN,
    "os_compute_api:os-shelve:unshelve": MEMBER,
    "os_compute_api:os-shelve:unshelve_to_host": ADMIN,
    "os_compute_api:os-lock-server:lock": MEMBER,
    "os_compute_api:os-lock-server:unlock": MEMBER,
    "os_compute_api:os-lock-server:unlock:unlock_override": ADMIN,
    "os_compute_api:os-pause-server:pause": MEMBER,
    "os_compute_api:os-pause-server:unpause": MEMBER,
    "os_compute_api:os-suspend-server:suspend": MEMBER,
    "os_compute_api:os-suspend-server:resume": MEMBER,
    "os_compute_api:os-rescue": MEMBER,
    "os_compute_api:os-unrescue": MEMBER,
    "os_compute_api:os-deferred-delete:restore": MEMBER,
    "os_compute_api:os-deferred-delete:force": MEMBER,
    "os_compute_api:os-server-password:show": READER,
    "os_compute_api:os-server-password:clear": MEMBER,
    "os_compute_api:os-server-diagnostics": ADMIN,
    "os_compute_api:os-admin-password": MEMBER,
    "os_compute_api:os-console-output": MEMBER,
    "os_compute_api:os-security-groups:list": READER,
    "os_compute_api:os-security-groups:add": MEMBER,
    "os_compute_api:os-security-groups:remove": MEMBER,
    # the deprecated Neutron proxies, 2.1-2.35 (nova/policies/security_groups.py, floating_ips.py,
    # floating_ip_pools.py, networks.py, tenant_networks.py)
    **dict.fromkeys(("os_compute_api:os-security-groups:get", "os_compute_api:os-security-groups:show"), READER),
    **dict.fromkeys(("os_compute_api:os-security-groups:create", "os_compute_api:os-security-groups:update",
                     "os_compute_api:os-security-groups:delete", "os_compute_api:os-security-groups:rule:create",
                     "os_compute_api:os-security-groups:rule:delete"), MEMBER),
    **dict.fromkeys(("os_compute_api:os-floating-ips:list", "os_compute_api:os-floating-ips:show"), READER),
    **dict.fromkeys(("os_compute_api:os-floating-ips:create", "os_compute_api:os-floating-ips:delete",
                     "os_compute_api:os-floating-ips:add", "os_compute_api:os-floating-ips:remove"), MEMBER),
    "os_compute_api:os-floating-ip-pools": ANYONE,
    **dict.fromkeys(("os_compute_api:os-networks:list", "os_compute_api:os-networks:show",
                     "os_compute_api:os-tenant-networks:list", "os_compute_api:os-tenant-networks:show"), READER),
    "os_compute_api:os-instance-actions:list": READER,
    "os_compute_api:os-instance-actions:show": READER,
    "os_compute_api:os-instance-actions:events": ADMIN,
    "os_compute_api:os-instance-actions:events:details": ADMIN,
    # server sub-resources and server groups
    **dict.fromkeys(("os_compute_api:server-metadata:index", "os_compute_api:server-metadata:show",
                     "os_compute_api:os-server-tags:index", "os_compute_api:os-server-tags:show",
                     "os_compute_api:ips:index", "os_compute_api:ips:show",
                     "os_compute_api:os-attach-interfaces:list", "os_compute_api:os-attach-interfaces:show",
                     "os_compute_api:os-server-groups:index", "os_compute_api:os-server-groups:show"), READER),
    **dict.fromkeys(("os_compute_api:server-metadata:create", "os_compute_api:server-metadata:update",
                     "os_compute_api:server-metadata:update_all", "os_compute_api:server-metadata:delete",
                     "os_compute_api:os-server-tags:update", "os_compute_api:os-server-tags:update_all",
                     "os_compute_api:os-server-tags:delete", "os_compute_api:os-server-tags:delete_all",
                     "os_compute_api:os-attach-interfaces:create", "os_compute_api:os-attach-interfaces:delete",
                     "os_compute_api:os-server-groups:create", "os_compute_api:os-server-groups:delete"), MEMBER),
    "os_compute_api:os-server-groups:index:all_projects": ADMIN,
    "os_compute_api:os-create-backup": MEMBER,
    "os_compute_api:os-remote-consoles": MEMBER,
    "os_compute_api:os-console-auth-tokens": ADMIN,
    "os_compute_api:os-volumes-attachments:index": READER,
    "os_compute_api:os-volumes-attachments:show": READER,
    "os_compute_api:os-volumes-attachments:create": MEMBER,
    "os_compute_api:os-volumes-attachments:update": MEMBER,
    "os_compute_api:os-volumes-attachments:delete": MEMBER,
    # the deprecated Cinder proxies (nova/policies/volumes.py), 2.1-2.35
    **dict.fromkeys(("os_compute_api:os-volumes:list", "os_compute_api:os-volumes:detail",
                     "os_compute_api:os-volumes:show", "os_compute_api:os-volumes:snapshots:list",
                     "os_compute_api:os-volumes:snapshots:detail", "os_compute_api:os-volumes:snapshots:show"),
                    READER),
    **dict.fromkeys(("os_compute_api:os-volumes:create", "os_compute_api:os-volumes:delete",
                     "os_compute_api:os-volumes:snapshots:create", "os_compute_api:os-volumes:snapshots:delete"),
                    MEMBER),
    # Cinder calls it during a volume migration (nova/policies/volumes_attachments.py: SERVICE_ROLE)
    "os_compute_api:os-volumes-attachments:swap": SERVICE,
    # Cinder's remote-filesystem drivers call it (nova/policies/assisted_volume_snapshots.py: SERVICE_ROLE)
    "os_compute_api:os-assisted-volume-snapshots:create": SERVICE,
    "os_compute_api:os-assisted-volume-snapshots:delete": SERVICE,
    "compute:server:topology:index": READER,
    "compute:server:topology:host:index": ADMIN,
    # key pairs belong to a user: admin, or the user the request names (nova/policies/keypairs.py)
    "os_compute_api:os-keypairs:index": OWNER,
    "os_compute_api:os-keypairs:create": OWNER,
    "os_compute_api:os-keypairs:show": OWNER,
    "os_compute_api:os-keypairs:delete": OWNER,
    # flavors, availability zones, limits, quota sets
    "os_compute_api:os-flavor-manage:create": ADMIN,
    "os_compute_api:os-flavor-manage:update": ADMIN,
    "os_compute_api:os-flavor-manage:delete": ADMIN,
    "os_compute_api:os-flavor-access": ADMIN,
    "os_compute_api:os-flavor-access:add_tenant_access": ADMIN,
    "os_compute_api:os-flavor-access:remove_tenant_access": ADMIN,
    "os_compute_api:os-flavor-extra-specs:index": READER,
    "os_compute_api:os-flavor-extra-specs:show": READER,
    "os_compute_api:os-flavor-extra-specs:create": ADMIN,
    "os_compute_api:os-flavor-extra-specs:update": ADMIN,
    "os_compute_api:os-flavor-extra-specs:delete": ADMIN,
    "os_compute_api:os-availability-zone:list": ANYONE,
    "os_compute_api:os-availability-zone:detail": ADMIN,
    "os_compute_api:limits": ANYONE,
    "os_compute_api:limits:other_project": ADMIN,
    "os_compute_api:os-quota-sets:show": READER,
    "os_compute_api:os-quota-sets:detail": READER,
    "os_compute_api:os-quota-sets:defaults": ANYONE,
    "os_compute_api:os-quota-sets:update": ADMIN,
    "os_compute_api:os-quota-sets:delete": ADMIN,
    # usage (nova/policies/simple_tenant_usage.py)
    "os_compute_api:os-simple-tenant-usage:list": ADMIN,
    "os_compute_api:os-simple-tenant-usage:show": READER,
}


def seed(backend) -> None:
    """Check the ``policy`` setting when the fake starts (and on reset): a typo fails loudly."""
    compile_overrides(backend.settings.policy)


def compile_overrides(raw) -> dict:
    """``Settings.policy`` as {rule: level or frozenset of roles}; ``ConfigError`` for a bad entry."""
    if not raw:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError("policy: must be a mapping of rule name to roles")
    compiled = {}
    # Unknown rule names are refused when the settings are validated (config.KNOWN_KEYS).
    for rule, value in raw.items():
        if isinstance(value, str) and value in LEVELS:
            compiled[rule] = LEVELS[value]
        elif isinstance(value, list) and value and all(isinstance(role, str) and role for role in value):
            compiled[rule] = frozenset(value)
        else:
            raise ConfigError(f"policy: '{rule}' must be one of {', '.join(LEVELS)} or a list of role "
                              f"names, not {value!r}")
    return compiled


def effective_roles(roles) -> frozenset:
    if isinstance(roles, tuple):  # a context's roles: a few distinct tuples, asked on every request
        return _effective_roles(roles)
    return _expand(roles)


@functools.lru_cache(maxsize=256)
def _effective_roles(roles: tuple) -> frozenset:
    return _expand(roles)


def _expand(roles) -> frozenset:
    expanded = set(roles)
    for role in roles:
        expanded.update(IMPLIED_ROLES.get(role, ()))
    return frozenset(expanded)


def allowed(context, rule: str, target_project_id: str | None = None, *,
            target_user_id: str | None = None) -> bool:
    """Does ``rule`` let ``context`` act on a target of that project (default: the caller's own) or,
    for ``owner`` rules, of that user (default: the caller)?"""
    check = context.policy.get(rule) or RULES[rule]
    roles = effective_roles(context.roles)
    own_project = (context.project_id if target_project_id is None else target_project_id) == context.project_id
    if isinstance(check, frozenset):
        return ("admin" in check and "admin" in roles) or (bool(check & roles) and own_project)
    if check == ANYONE:
        return True
    if check == NOBODY:
        return False
    if "admin" in roles:
        return True
    if check == SERVICE:
        return "service" in roles
    if check == ADMIN:
        return False
    if check == OWNER:
        return target_user_id is None or target_user_id == context.user_id
    return _PROJECT_ROLE[check] in roles and own_project


def authorize(context, rule: str, target_project_id: str | None = None, *,
              target_user_id: str | None = None) -> None:
    if not allowed(context, rule, target_project_id, target_user_id=target_user_id):
        raise Forbidden(f"Policy doesn't allow {rule} to be performed.")
