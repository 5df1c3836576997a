"""GET /servers/{id}/os-security-groups: a server's Neutron security groups as Nova shows them.

Checked against nova/api/openstack/compute/security_groups.py (ServerSecurityGroupController and the
_format_* helpers) and nova/network/security_group_api.py (get_instance_security_groups and the
Neutron-to-Nova conversions). Nova asks Neutron, as the caller, for the server's ports and then for
their groups: a group appears once per port that carries it (two ports in ``default`` list it twice),
groups the caller cannot see are left out, and the list is sorted by (tenant_id, name). Only ingress
rules are shown; a rule that names a remote group shows that group's name and project instead of a
CIDR, and a rule without a prefix shows 0.0.0.0/0.
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import servers
from fakenova.domain.network import ports, security_groups


def list_for_server(backend, context, server_id: str) -> list[dict]:
    store = backend.store
    with store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-security-groups:list", server["project_id"])
        visible = {group_id: group for group_id, group in store.security_groups.items()
                   if security_groups.visible(group, context)}
        groups = [visible[group_id] for port in ports.ports_of(backend, server_id)
                  for group_id in port.get("security_groups", ()) if group_id in visible]
        shown = [nova_group(group, visible) for group in groups]
    return sorted(shown, key=lambda g: (g["tenant_id"], g["name"]))


def nova_group(group: dict, visible: dict[str, dict]) -> dict:
    """A Neutron group as Nova shows it (security_group_api._convert_to_nova_security_group_format,
    then _format_security_group): its ingress rules, a remote group's name and project when the caller
    can see that group, the rule dropped when not."""
    rules = []
    for rule in group["security_group_rules"]:
        if rule["direction"] != "ingress":
            continue
        remote = rule.get("remote_group_id")
        if remote and remote not in visible:
            continue  # Nova drops a rule whose remote group it cannot look up
        rules.append(nova_rule(rule, visible.get(remote) if remote else None))
    return {"id": group["id"], "name": group["name"], "description": group["description"],
            "tenant_id": group["project_id"], "rules": rules}


def nova_rule_values(rule: dict) -> dict:
    """_convert_to_nova_security_group_rule_format: Neutron's "any port" is the whole range for
    TCP/UDP and -1 for anything else; no prefix is 0.0.0.0/0."""
    protocol = rule.get("protocol")
    from_port, to_port = rule.get("port_range_min"), rule.get("port_range_max")
    if protocol and from_port is None and to_port is None:
        from_port, to_port = (1, 65535) if protocol.upper() in ("TCP", "UDP") else (-1, -1)
    return {"id": rule["id"], "parent_group_id": rule["security_group_id"], "protocol": protocol,
            "from_port": from_port, "to_port": to_port, "group_id": rule.get("remote_group_id"),
            "cidr": rule.get("remote_ip_prefix") or "0.0.0.0/0"}


def nova_rule(rule: dict, remote_group: dict | None) -> dict:
    """_format_security_group_rule: a remote group's name and project, or the CIDR."""
    values = nova_rule_values(rule)
    shown = {"id": values["id"], "parent_group_id": values["parent_group_id"], "ip_protocol": values["protocol"],
             "from_port": values["from_port"], "to_port": values["to_port"], "group": {}, "ip_range": {}}
    if remote_group is not None:
        shown["group"] = {"name": remote_group["name"], "tenant_id": remote_group["project_id"]}
    else:
        shown["ip_range"] = {"cidr": values["cidr"]}
    return shown
