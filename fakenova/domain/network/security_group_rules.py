"""Security group rules: created and deleted (never updated), checked in Neutron's order with its
messages (neutron/extensions/securitygroup.py converters, then neutron/db/securitygroups_db.py
``_validate_base_security_group_rule_attributes`` and ``_rule_to_key``). Rules live inside their
group's record; the group's project decides who sees them.
"""

from __future__ import annotations

import ipaddress

from fakenova.domain.network import network_quotas, security_groups
from fakenova.domain.network.common import (authorize_write, conflict, neutron_error, not_found, policy_denied,
                                            is_member_of, standard_attributes, touch)
from fakenova.errors import BadRequest

# neutron_lib.constants IP_PROTOCOL_MAP (names Neutron stores as given) and their numbers.
PROTOCOLS = {"ah": 51, "dccp": 33, "egp": 8, "esp": 50, "gre": 47, "hopopt": 0, "icmp": 1, "igmp": 2, "ip": 0,
             "ipip": 4, "ipv6-encap": 41, "ipv6-frag": 44, "ipv6-icmp": 58, "icmpv6": 58, "ipv6-nonxt": 59,
             "ipv6-opts": 60, "ipv6-route": 43, "ospf": 89, "pgm": 113, "rsvp": 46, "sctp": 132, "tcp": 6,
             "udp": 17, "udplite": 136, "vrrp": 112}
PORT_PROTOCOLS = ("dccp", "sctp", "tcp", "udp", "udplite")
ICMP = ("icmp", "ipv6-icmp", "icmpv6")
IPV6_ONLY = ("ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts", "ipv6-route")
ETHERTYPES = ("IPv4", "IPv6")


def _bad(kind: str, message: str):
    return neutron_error(BadRequest, kind, message)


def rules_visible_to(backend, context) -> list[dict]:
    return [rule for group in backend.store.security_groups.values() if security_groups.visible(group, context)
            for rule in group["security_group_rules"]]


def get_rule(backend, rule_id: str, context) -> dict:
    for rule in rules_visible_to(backend, context):
        if rule["id"] == rule_id:
            return rule
    raise not_found("SecurityGroupRuleNotFound", f"Security group rule {rule_id} does not exist")


def _protocol(value) -> str | None:
    if value is None or (isinstance(value, str) and value.lower() == "any"):
        return None
    if isinstance(value, str) and value.lower() in PROTOCOLS:
        return value.lower()
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isdigit():
        number = int(value)
    if number is not None and 0 <= number <= 255:
        return str(number)
    raise _bad("SecurityGroupRuleInvalidProtocol",
               f"Security group rule protocol {value} not supported. Only protocol values {[None, *PROTOCOLS]} and "
               "integer representations [0 to 255] are supported.")


def _port(value):
    if value is None:
        return None
    try:
        number = int(value)
        if isinstance(value, bool) or (isinstance(value, str) and not value.strip().isdigit()):
            raise ValueError
    except (TypeError, ValueError):
        raise _bad("SecurityGroupInvalidPortValue", f"Invalid value for port {value}") from None
    if not 0 <= number <= 65535:
        raise _bad("SecurityGroupInvalidPortValue", f"Invalid value for port {value}")
    return number


def _ethertype(value) -> str:
    if value is None:
        return "IPv4"
    for name in ETHERTYPES:
        if isinstance(value, str) and value.lower() == name.lower():
            return name
    raise _bad("SecurityGroupRuleInvalidEtherType",
               f"Security group rule for ethertype '{value}' not supported. Allowed values are ['IPv4', 'IPv6'].")


def _prefix(value) -> tuple[str | None, str | None]:
    """(remote_ip_prefix as stored, normalized_cidr): a bare address gets /32 or /128, host bits stay."""
    if value is None:
        return None, None
    try:
        network = ipaddress.ip_network(value, strict=False)
        if not isinstance(value, str):
            raise ValueError
    except ValueError:
        raise _bad("InvalidCIDR", f"Invalid CIDR {value} given as IP prefix.") from None
    stored = value if "/" in value else f"{value}/{network.max_prefixlen}"
    return stored, str(network)


def create(backend, context, request: dict) -> dict:
    """One rule; ``create_many`` for a bulk body."""
    return create_many(backend, context, [request])[0]


def create_many(backend, context, requests: list[dict]) -> list[dict]:
    store = backend.store
    with store.lock:
        built = []
        for request in requests:
            group = security_groups.get(backend, request["security_group_id"], context)
            if not is_member_of(context, group["project_id"]):
                raise policy_denied("create_security_group_rule")
            built.append((group, _validated(backend, context, group, request)))
        if len({group["id"] for group, _ in built}) > 1:
            raise _bad("BadRequest", "Bad security_group_rule request: Only allowed to update rules for one security "
                                     "profile at a time.")
        keys = [_key(rule) for _, rule in built]
        if len(set(keys)) != len(keys):
            raise _bad("DuplicateSecurityGroupRuleInPost", "Duplicate Security Group Rule in POST.")
        for group, rule in built:
            for existing in group["security_group_rules"]:
                if _key(existing) == _key(rule):
                    raise conflict("SecurityGroupRuleExists",
                                   f"Security group rule already exists. Rule id is {existing['id']}.")
        group = built[0][0]
        network_quotas.check_room(backend, group["project_id"], "security_group_rule", len(built))
        for group, rule in built:
            rule["id"] = store.ids.uuid()
            group["security_group_rules"].append(rule)
            touch(backend, group)
        return [rule for _, rule in built]


def _validated(backend, context, group: dict, request: dict) -> dict:
    ethertype = _ethertype(request.get("ethertype"))
    protocol = _protocol(request.get("protocol"))
    low, high = _port(request.get("port_range_min")), _port(request.get("port_range_max"))
    if ethertype == "IPv6" and protocol in ("icmp", "icmpv6"):
        protocol = "ipv6-icmp"
    elif ethertype == "IPv6" and protocol == "1":
        protocol = "58"
    if ethertype == "IPv4" and protocol in (*IPV6_ONLY, "58", "41", "43", "44", "59", "60"):
        raise _bad("SecurityGroupEthertypeConflictWithProtocol", f"Invalid ethertype {ethertype} for protocol "
                                                                  f"{protocol}.")
    remote_prefix, normalized = _prefix(request.get("remote_ip_prefix"))
    remote_group = request.get("remote_group_id")
    remote_address_group = request.get("remote_address_group_id")
    if sum(value is not None for value in (remote_prefix, remote_group, remote_address_group)) > 1:
        raise _bad("SecurityGroupMultipleRemoteEntites", "Only one of remote_ip_prefix or remote_group_id or "
                                                         "remote_address_group_id may be provided.")
    if remote_group is not None:
        security_groups.get(backend, remote_group, context)
    if remote_address_group is not None:
        raise not_found("AddressGroupNotFound", f"Address group {remote_address_group} could not be found.")
    if (low is not None or high is not None) and protocol is None:
        raise _bad("SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port range is given.")
    number = PROTOCOLS.get(protocol, int(protocol) if protocol and protocol.isdigit() else None)
    name = next((n for n, v in PROTOCOLS.items() if v == number and n != "ip"), None) if protocol else None
    if name in PORT_PROTOCOLS or protocol in PORT_PROTOCOLS:
        if low == 1 and high == 65535:
            low = high = None
        elif low is not None or high is not None:
            for value in (low, high):
                if value == 0:
                    raise _bad("SecurityGroupInvalidPortValue", "Invalid value for port 0")
            if low is None or high is None or low > high:
                raise _bad("SecurityGroupInvalidPortRange",
                           "For TCP/UDP protocols, port_range_min must be <= port_range_max")
    elif name in ICMP or protocol in ICMP:
        for attribute, field, value in (("type", "port_range_min", low), ("code", "port_range_max", high)):
            if value is not None and not 0 <= value <= 255:
                raise _bad("SecurityGroupInvalidIcmpValue",
                           f"Invalid value for ICMP {attribute} ({field}) {value}. It must be 0 to 255.")
        if low is None and high is not None:
            raise _bad("SecurityGroupMissingIcmpType",
                       f"ICMP code (port-range-max) {high} is provided but ICMP type (port-range-min) is missing.")
    elif low is not None or high is not None:
        raise _bad("SecurityGroupInvalidProtocolForPort",
                   f"Ports cannot be specified for protocol {number if number is not None else protocol}. Ports are "
                   "only supported for DCCP, SCTP, TCP, UDP, UDPLITE.")
    if remote_prefix is not None:
        version = ipaddress.ip_network(normalized).version
        if ETHERTYPES[version == 6] != ethertype:
            raise _bad("SecurityGroupRuleParameterConflict",
                       f"Conflicting value ethertype {ethertype} for CIDR {remote_prefix}")
    return {
        "id": None,
        "project_id": group["project_id"],
        "security_group_id": group["id"],
        "direction": request["direction"],
        "ethertype": ethertype,
        "protocol": protocol,
        "port_range_min": low,
        "port_range_max": high,
        "remote_ip_prefix": remote_prefix,
        "remote_group_id": remote_group,
        "remote_address_group_id": remote_address_group,
        "normalized_cidr": normalized,
        "belongs_to_default_sg": group["name"] == security_groups.DEFAULT_NAME,
        **standard_attributes(backend, request),
    }


def _key(rule: dict) -> tuple:
    """Neutron's duplicate test: tcp and 6 are one protocol; 0.0.0.0/0, ::/0 and none are one prefix."""
    protocol = rule["protocol"]
    number = PROTOCOLS.get(protocol, protocol) if protocol else None
    prefix = rule["normalized_cidr"] if rule["normalized_cidr"] not in ("0.0.0.0/0", "::/0") else None
    return (rule["security_group_id"], rule["direction"], rule["ethertype"],
            str(number) if number is not None else None,
            rule["port_range_min"], rule["port_range_max"], prefix, rule["remote_group_id"],
            rule["remote_address_group_id"])


def delete(backend, context, rule_id: str) -> None:
    with backend.store.lock:
        rule = get_rule(backend, rule_id, context)
        group = backend.store.security_groups[rule["security_group_id"]]
        authorize_write(context, group, "delete_security_group_rule")
        group["security_group_rules"] = [r for r in group["security_group_rules"] if r["id"] != rule_id]
        touch(backend, group)
