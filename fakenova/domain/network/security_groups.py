"""Security groups (the Neutron side): every project starts with Neutron's ``default`` group.

Neutron creates the default group lazily on a project's first request; seeding one per project gives
the same picture with stable ids. Its four rules are Neutron's: all egress, and ingress from members
of the same group, for IPv4 and IPv6.
"""

from __future__ import annotations

from fakenova.domain.network.common import find_visible, not_found
from fakenova.seeds import stable_uuid


def seed(backend) -> None:
    for project_id in backend.store.projects:
        default_group(backend, project_id)


def default_group(backend, project_id: str) -> dict:
    """The project's default group, created on first use as Neutron does."""
    store = backend.store
    with store.lock:
        for group in store.security_groups.values():
            if group["project_id"] == project_id and group["name"] == "default":
                return group
        now = backend.clock.time()
        group_id = stable_uuid("security-group", f"{project_id}:default")
        rules = []
        for direction in ("egress", "ingress"):
            for ethertype in ("IPv4", "IPv6"):
                rules.append({
                    "id": stable_uuid("security-group-rule", f"{group_id}:{direction}:{ethertype}"),
                    "project_id": project_id,
                    "security_group_id": group_id,
                    "direction": direction,
                    "ethertype": ethertype,
                    "protocol": None,
                    "port_range_min": None,
                    "port_range_max": None,
                    "remote_ip_prefix": None,
                    "remote_group_id": group_id if direction == "ingress" else None,
                    "remote_address_group_id": None,
                    "normalized_cidr": None,
                    "description": None,
                    "belongs_to_default_sg": True,
                    "tags": [],
                    "revision_number": 0,
                    "created_at": now,
                    "updated_at": now,
                })
        group = {
            "id": group_id,
            "name": "default",
            "description": "Default security group",
            "project_id": project_id,
            "stateful": True,
            "shared": False,
            "security_group_rules": rules,
            "tags": [],
            "revision_number": 1,
            "created_at": now,
            "updated_at": now,
        }
        store.security_groups[group_id] = group
        return group


def visible(group: dict, context) -> bool:
    return context.is_admin or group["project_id"] == context.project_id


def get(backend, group_id: str, context) -> dict:
    return find_visible(backend, "security_groups", group_id, context, lambda _b, group, ctx: visible(group, ctx),
                        "SecurityGroupNotFound", f"Security group {group_id} does not exist")


def rules_visible_to(backend, context) -> list[dict]:
    return [rule for group in backend.store.security_groups.values() if visible(group, context)
            for rule in group["security_group_rules"]]


def get_rule(backend, rule_id: str, context) -> dict:
    for rule in rules_visible_to(backend, context):
        if rule["id"] == rule_id:
            return rule
    raise not_found("SecurityGroupRuleNotFound", f"Security group rule {rule_id} does not exist")
