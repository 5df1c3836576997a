"""Security groups (the Neutron side): every project has Neutron's ``default`` group; projects create,
rename and delete their own (neutron/db/securitygroups_db.py, neutron/extensions/securitygroup.py).

Neutron creates the default group lazily on a project's first request; seeding one per project gives
the same picture with stable ids. Its four rules are Neutron's: all egress, and ingress from members
of the same group, for IPv4 and IPv6. A new group gets the two egress rules only.
"""

from __future__ import annotations

from fakenova.domain.network import network_quotas
from fakenova.domain.network.common import (apply_update, authorize_create, authorize_write, conflict,
                                            find_visible, owner_of, standard_attributes, touch)
from fakenova.seeds import stable_uuid

DEFAULT_NAME = "default"


def seed(backend) -> None:
    for project_id in backend.store.projects:
        default_group(backend, project_id)


def _rule(backend, group: dict, direction: str, ethertype: str, rule_id: str, remote_group_id=None) -> dict:
    return {
        "id": rule_id,
        "project_id": group["project_id"],
        "security_group_id": group["id"],
        "direction": direction,
        "ethertype": ethertype,
        "protocol": None,
        "port_range_min": None,
        "port_range_max": None,
        "remote_ip_prefix": None,
        "remote_group_id": remote_group_id,
        "remote_address_group_id": None,
        "normalized_cidr": None,
        "belongs_to_default_sg": group["name"] == DEFAULT_NAME,
        **standard_attributes(backend, {}),
    }


def default_group(backend, project_id: str) -> dict:
    """The project's default group, created on first use as Neutron does."""
    store = backend.store
    with store.lock:
        for group in store.security_groups.values():
            if group["project_id"] == project_id and group["name"] == DEFAULT_NAME:
                return group
        group_id = stable_uuid("security-group", f"{project_id}:default")
        group = _group(backend, group_id, project_id, DEFAULT_NAME, "Default security group", True)
        for direction in ("egress", "ingress"):
            for ethertype in ("IPv4", "IPv6"):
                rule_id = stable_uuid("security-group-rule", f"{group_id}:{direction}:{ethertype}")
                group["security_group_rules"].append(_rule(backend, group, direction, ethertype, rule_id,
                                                           group_id if direction == "ingress" else None))
        store.security_groups[group_id] = group
        return group


def _group(backend, group_id: str, project_id: str, name: str, description: str, stateful: bool) -> dict:
    return {"id": group_id, "name": name, "project_id": project_id, "stateful": stateful, "shared": False,
            "security_group_rules": [],
            **standard_attributes(backend, {"description": description}, revision=1)}


def visible(group: dict, context) -> bool:
    return context.is_admin or group["project_id"] == context.project_id


def get(backend, group_id: str, context) -> dict:
    return find_visible(backend, "security_groups", group_id, context, lambda _b, group, ctx: visible(group, ctx),
                        "SecurityGroupNotFound", f"Security group {group_id} does not exist")


def listed(backend, context, project_filter: list[str] | None = None) -> list[dict]:
    """GET /security-groups creates the caller's default group first (and an admin's filter
    project's), as Neutron's list does."""
    with backend.store.lock:
        for project_id in {context.project_id, *([p for p in project_filter or [] if context.is_admin])}:
            if project_id and project_id in backend.store.projects:
                default_group(backend, project_id)
        return [g for g in backend.store.security_groups.values() if visible(g, context)]


def _check_name(name: str) -> None:
    if name.lower() == DEFAULT_NAME:
        raise conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists.")


def create(backend, context, request: dict) -> dict:
    store = backend.store
    project_id = owner_of(context, request)
    with store.lock:
        authorize_create(context, project_id, "create_security_group")
        default_group(backend, project_id)
        name = request.get("name", "")
        _check_name(name)
        network_quotas.check_room(backend, project_id, "security_group")
        # The new group's egress template rules count against security_group_rule too.
        network_quotas.check_room(backend, project_id, "security_group_rule", 2)
        group = _group(backend, store.ids.uuid(), project_id, name, request.get("description", ""),
                       request.get("stateful", True))
        for ethertype in ("IPv4", "IPv6"):
            group["security_group_rules"].append(_rule(backend, group, "egress", ethertype, store.ids.uuid()))
        store.security_groups[group["id"]] = group
        return group


def update(backend, context, group_id: str, request: dict) -> dict:
    with backend.store.lock:
        group = get(backend, group_id, context)
        authorize_write(context, group, "update_security_group")
        if "name" in request and request["name"] != group["name"]:
            if group["name"] == DEFAULT_NAME:
                raise conflict("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.")
            _check_name(request["name"])
        if "stateful" in request and request["stateful"] != group["stateful"] and _in_use(backend, group_id):
            raise conflict("SecurityGroupInUse", f"Security Group {group_id} in use.")
        apply_update(backend, group, request, ("name", "description", "stateful"))
        return group


def _in_use(backend, group_id: str) -> bool:
    return any(group_id in port.get("security_groups", ()) for port in backend.store.ports.values())


def delete(backend, context, group_id: str) -> None:
    store = backend.store
    with store.lock:
        group = get(backend, group_id, context)
        authorize_write(context, group, "delete_security_group")
        if group["name"] == DEFAULT_NAME and not context.is_admin:
            raise conflict("SecurityGroupCannotRemoveDefault",
                           "Insufficient rights for removing default security group.")
        if _in_use(backend, group_id):
            raise conflict("SecurityGroupInUse", f"Security Group {group_id} in use.")
        del store.security_groups[group_id]
        # Rules naming it as their remote group go with it (the remote_group_id foreign key cascades).
        for other in store.security_groups.values():
            kept = [r for r in other["security_group_rules"] if r.get("remote_group_id") != group_id]
            if len(kept) != len(other["security_group_rules"]):
                other["security_group_rules"] = kept
                touch(backend, other)

