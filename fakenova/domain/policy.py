"""Nova's default policy (nova/policies/*.py, secure RBAC defaults) as one table.

Each rule maps to a check: ``admin`` (role:admin), ``project_reader`` / ``project_member`` /
``project_manager`` (that role on the target project, or admin), or ``anyone``. A denial is Nova's
403 "Policy doesn't allow {rule} to be performed."
"""

from __future__ import annotations

from fakenova.errors import Forbidden

ADMIN, READER, MEMBER, MANAGER, ANYONE = "admin", "project_reader", "project_member", "project_manager", "anyone"

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
    # flavors, availability zones, limits, quota sets
    "os_compute_api:os-flavor-manage:create": ADMIN,
    "os_compute_api:os-flavor-manage:update": ADMIN,
    "os_compute_api:os-flavor-manage:delete": ADMIN,
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
}


def allowed(context, rule: str, target_project_id: str | None = None) -> bool:
    kind = RULES[rule]
    if kind == ANYONE or context.is_admin:
        return True
    if kind == ADMIN:
        return False
    role = {READER: "reader", MEMBER: "member", MANAGER: "manager"}[kind]
    project = context.project_id if target_project_id is None else target_project_id
    # Keystone's implied roles: manager implies member implies reader.
    implied = {"reader": ("reader", "member", "manager"), "member": ("member", "manager"),
               "manager": ("manager",)}[role]
    return context.has_role(*implied) and project == context.project_id


def authorize(context, rule: str, target_project_id: str | None = None) -> None:
    if not allowed(context, rule, target_project_id):
        raise Forbidden(f"Policy doesn't allow {rule} to be performed.")
