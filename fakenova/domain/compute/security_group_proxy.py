"""/os-security-groups and /os-security-group-rules: Nova's deprecated proxies (2.1-2.35) over the
Neutron security groups. Nova asks Neutron as the caller and words Neutron's refusals its own way.

Checked against nova/api/openstack/compute/security_groups.py (SecurityGroupController,
SecurityGroupRulesController), nova/network/security_group_api.py (validate_id, parse_cidr,
_new_ingress_rule, _rule_exists, the Neutron-to-Nova conversions and how each call translates
Neutron's status codes) and nova/policies/security_groups.py, Nova master 2026:

- Neutron's 404 is Nova's 404 with Neutron's own message; its 400 is Nova's 400 (Invalid) with it.
- Neutron's 409 on create (the name ``default``, over quota) and on a rule (a duplicate, over
  quota) is SecurityGroupLimitExceeded: 403 with Neutron's message. On delete (``default``, in use)
  it is Invalid: 400. On update Nova lets the neutronclient error escape into a 500; the fake
  answers 400 with Neutron's message instead (bad input never gets a 5xx here).
- Nova only speaks ingress rules: a rule it creates is ingress, IPv4 unless its CIDR is IPv6, and
  -1 ports (ICMP "any") are left out of the Neutron request.
"""

from __future__ import annotations

import ipaddress
import uuid

from fakenova.domain import paging, policy
from fakenova.domain.compute import server_security_groups
from fakenova.domain.network import security_group_rules, security_groups
from fakenova.errors import APIError, BadRequest, Conflict, Forbidden, NotFound

_RULE = "os_compute_api:os-security-groups:"


def _authorize(context, rule: str) -> None:
    # Nova's target is the caller's own project: the rule checks the caller's role, Neutron the rest.
    policy.authorize(context, _RULE + rule, context.project_id)


def _validate_id(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        raise BadRequest("Security group id should be uuid") from None
    return value


def _neutron(function, *args, on_conflict=BadRequest):
    """Call the Neutron model and answer in Nova's words: 404 and 400 keep Neutron's message, a 409
    becomes ``on_conflict`` with it."""
    try:
        return function(*args)
    except NotFound as exc:
        raise NotFound(exc.message) from None
    except Conflict as exc:
        raise on_conflict(exc.message) from None
    except APIError as exc:
        if exc.code == 400:
            raise BadRequest(exc.message) from None
        raise


def _visible(backend, context) -> dict[str, dict]:
    return {group_id: group for group_id, group in backend.store.security_groups.items()
            if security_groups.visible(group, context)}


def _shown(backend, context, group: dict) -> dict:
    return server_security_groups.nova_group(group, _visible(backend, context))


def list_groups(backend, context, *, all_tenants: bool, limit: int | None, offset: int) -> list[dict]:
    """Nova asks Neutron for the caller's project's groups (everyone's for an admin with
    ``all_tenants``), cuts the page, then sorts by (tenant_id, name)."""
    _authorize(context, "get")
    with backend.store.lock:
        groups = security_groups.listed(backend, context)
        if not (context.is_admin and all_tenants):
            groups = [g for g in groups if g["project_id"] == context.project_id]
        page = groups[offset:offset + paging.capped(limit or None)]
        visible = _visible(backend, context)
        shown = [server_security_groups.nova_group(group, visible) for group in page]
    return sorted(shown, key=lambda g: (g["tenant_id"], g["name"]))


def get_group(backend, context, group_id: str) -> dict:
    _authorize(context, "show")
    _validate_id(group_id)
    with backend.store.lock:
        return _shown(backend, context, _neutron(security_groups.get, backend, group_id, context))


def create_group(backend, context, name: str, description: str) -> dict:
    _authorize(context, "create")
    with backend.store.lock:
        group = _neutron(security_groups.create, backend, context, {"name": name, "description": description},
                         on_conflict=Forbidden)
        return _shown(backend, context, group)


def update_group(backend, context, group_id: str, name: str, description: str) -> dict:
    _authorize(context, "update")
    _validate_id(group_id)
    with backend.store.lock:
        _neutron(security_groups.get, backend, group_id, context)
        group = _neutron(security_groups.update, backend, context, group_id,
                         {"name": name, "description": description})
        return _shown(backend, context, group)


def delete_group(backend, context, group_id: str) -> None:
    _authorize(context, "delete")
    _validate_id(group_id)
    with backend.store.lock:
        _neutron(security_groups.get, backend, group_id, context)
        _neutron(security_groups.delete, backend, context, group_id)


# --- rules -----------------------------------------------------------------------------------------

def _cidr(value) -> str:
    """security_group_api.parse_cidr: none is everything; otherwise a valid CIDR (host bits allowed)."""
    if not value:
        return "0.0.0.0/0"
    try:
        if not isinstance(value, str) or "/" not in value:
            raise ValueError
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise BadRequest(f"{value} is not a valid IP network.") from None
    return value


def _ingress_rule(protocol, from_port, to_port, *, group_id: str | None, cidr: str | None) -> dict | None:
    """security_group_api._new_ingress_rule: Nova's checks of protocol and ports, in its order."""
    values: dict = {"group_id": group_id} if group_id else {"cidr": cidr}
    if group_id:
        upper = protocol.upper() if isinstance(protocol, str) else ""
        if upper == "ICMP" and from_port is None and to_port is None:
            from_port = to_port = -1
        elif upper in ("TCP", "UDP") and from_port is None and to_port is None:
            from_port, to_port = 1, 65535
    if protocol and from_port is not None and to_port is not None:
        protocol = str(protocol)
        upper = protocol.upper()
        try:
            from_port, to_port = int(from_port), int(to_port)
        except (TypeError, ValueError):
            reason = ("Type and Code must be integers for ICMP protocol type" if upper == "ICMP"
                      else "To and From ports must be integers")
            raise BadRequest(f"Invalid input received: {reason}") from None
        if upper not in ("TCP", "UDP", "ICMP"):
            raise BadRequest(f"Invalid IP protocol {protocol}.")
        if upper in ("TCP", "UDP") and from_port > to_port:
            raise BadRequest(f"Invalid port range {from_port}:{to_port}. Former value cannot be greater than the later")
        if upper in ("TCP", "UDP") and (from_port < 1 or to_port > 65535):
            raise BadRequest(f"Invalid port range {from_port}:{to_port}. Valid {upper} ports should be between 1-65535")
        if upper == "ICMP" and not (-1 <= from_port <= 255 and -1 <= to_port <= 255):
            raise BadRequest(f"Invalid port range {from_port}:{to_port}. For ICMP, the type:code must be valid")
        values.update(protocol=protocol, from_port=from_port, to_port=to_port)
    elif not group_id:
        return None  # a CIDR rule needs protocol and ports
    return values


def _exists(group: dict, new_rule: dict) -> bool:
    """security_group_api._rule_exists over the group's rules as Nova converts them."""
    for rule in group["security_group_rules"]:
        if rule["direction"] != "ingress":
            continue
        converted = server_security_groups.nova_rule_values(rule)
        if all(converted.get(key) == new_rule.get(key) for key in ("group_id", "cidr", "from_port", "to_port",
                                                                  "protocol")):
            return True
    return False


def create_rule(backend, context, request: dict) -> dict:
    _authorize(context, "rule:create")
    parent_id, group_id = request["parent_group_id"], request.get("group_id")
    with backend.store.lock:
        parent = _neutron(security_groups.get, backend, parent_id, context)
        remote = _neutron(security_groups.get, backend, group_id, context) if group_id is not None else None
        new_rule = _ingress_rule(request.get("ip_protocol"), request.get("from_port"), request.get("to_port"),
                                 group_id=group_id, cidr=None if group_id is not None else _cidr(request.get("cidr")))
        if new_rule is None:
            raise BadRequest("Not enough parameters to build a valid rule.")
        if "cidr" in new_rule:
            network, _, prefixlen = new_rule["cidr"].partition("/")
            if network not in ("0.0.0.0", "::") and prefixlen == "0":
                raise BadRequest(f"Bad prefix for network in cidr {new_rule['cidr']}")
        if _exists(parent, new_rule):
            raise BadRequest(f"This rule already exists in group {parent['id']}")
        created = _neutron(security_group_rules.create, backend, context, _neutron_rule(parent["id"], new_rule),
                           on_conflict=Forbidden)
        return server_security_groups.nova_rule(created, remote)


def _neutron_rule(parent_id: str, rule: dict) -> dict:
    """security_group_api._make_neutron_security_group_rules_list for one rule."""
    cidr = rule.get("cidr")
    version = ipaddress.ip_network(cidr, strict=False).version if cidr else 4
    neutron = {"security_group_id": parent_id, "direction": "ingress", "protocol": rule.get("protocol"),
               "ethertype": "IPv6" if version == 6 else "IPv4", "remote_ip_prefix": cidr,
               "remote_group_id": rule.get("group_id")}
    if rule.get("from_port", -1) != -1:
        neutron["port_range_min"] = rule["from_port"]
    if rule.get("to_port", -1) != -1:
        neutron["port_range_max"] = rule["to_port"]
    return neutron


def delete_rule(backend, context, rule_id: str) -> None:
    _authorize(context, "rule:delete")
    _validate_id(rule_id)
    with backend.store.lock:
        rule = _neutron(security_group_rules.get_rule, backend, rule_id, context)
        _neutron(security_groups.get, backend, rule["security_group_id"], context)
        _neutron(security_group_rules.delete, backend, context, rule_id)
