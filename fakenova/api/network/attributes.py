"""Neutron's resource attribute maps (neutron-lib api/definitions) for request bodies: which
attributes a POST or PUT may carry, which are required, and each one's converter and validator.

``parse_create`` / ``parse_update`` turn a request body into checked, converted dicts the way
neutron/api/v2/base.py ``prepare_request_body`` and neutron_lib/api/attributes.py do: unknown
attributes, POST-only or read-only ones and missing required ones are 400 HTTPBadRequest; a
converter's refusal is InvalidInput ("Invalid input for operation: ..."), a validator's is
HTTPBadRequest ("Invalid input for <attr>. Reason: ...").
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass
from typing import Callable

from flask import request

from fakenova.api.common import parse_json
from fakenova.domain.network.common import invalid_input, neutron_error
from fakenova.errors import BadRequest

NAME_MAX = 255
DESCRIPTION_MAX = 255


class Reason(Exception):
    """A validator's refusal; rendered as "Invalid input for <attr>. Reason: <text>."."""


def bad_request(message: str) -> BadRequest:
    return neutron_error(BadRequest, "HTTPBadRequest", message)


# --- converters and validators (neutron_lib/api/converters.py, validators/__init__.py) -------------

def string(max_len: int | None = NAME_MAX, *, nullable: bool = False) -> Callable:
    def check(value):
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise Reason(f"'{value}' is not a valid string")
        if max_len is not None and len(value) > max_len:
            raise Reason(f"'{value}' exceeds maximum length of {max_len}")
        return value
    return check


def boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
        return value.lower() in ("true", "1")
    raise invalid_input(f"'{value}' cannot be converted to boolean")


def integer(value):
    if isinstance(value, bool):
        raise invalid_input(f"'{value}' is not an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid_input(f"'{value}' is not an integer") from None


def non_negative(value):
    number = integer(value)
    if number < 0:
        raise Reason(f"'{number}' should be non-negative")
    return number


def is_uuid(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def uuid_value(*, nullable: bool = False) -> Callable:
    def check(value):
        if value is None and nullable:
            return None
        if not is_uuid(value):
            raise Reason(f"'{value}' is not a valid UUID")
        return value
    return check


def is_ip(value) -> bool:
    return ip_problem(value) is None


def ip_problem(value) -> str | None:
    """neutron-lib validate_ip_address, including its refusal of IPv4 with leading zeros."""
    if not isinstance(value, str):
        return f"'{value}' is not a valid IP address"
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        if re.fullmatch(r"[0-9]+(\.[0-9]+){3}", value):
            try:
                canonical = ".".join(str(int(part)) for part in value.split("."))
                ipaddress.ip_address(canonical)
                return f"'{value}' is not an accepted IP address, '{canonical}' is recommended"
            except ValueError:
                pass
        return f"'{value}' is not a valid IP address"
    if address.version == 4 and str(address) != value:
        return f"'{value}' is not an accepted IP address, '{address}' is recommended"
    return None


def ip_value(*, nullable: bool = False) -> Callable:
    def check(value):
        if value is None and nullable:
            return None
        problem = ip_problem(value)
        if problem:
            raise Reason(problem)
        return value
    return check


def values(*allowed, nullable: bool = False) -> Callable:
    def check(value):
        if value is None and nullable:
            return None
        if value not in allowed:
            raise Reason(f"'{value}' is not in {list(allowed)}")
        return value
    return check


def cidr_value(value):
    """convert_cidr_to_canonical_format, then validate_subnet: host bits are kept for the domain to
    mask (Neutron stores the network address)."""
    if not isinstance(value, str):
        raise invalid_input(f"{value} is not in a CIDR format")
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise invalid_input(f"{value} is not in a CIDR format") from None
    if "/" not in value:
        raise Reason(f"'{value}' isn't a recognized IP subnet cidr, '{network}' is recommended")
    return value


def list_of(item_check: Callable | None = None, *, nullable_empty: bool = True) -> Callable:
    def check(value):
        if value is None and nullable_empty:
            return []
        if not isinstance(value, list):
            raise Reason(f"'{value}' is not a list")
        return [item_check(item) for item in value] if item_check else list(value)
    return check


def unique_uuids(value):
    if value is None:
        return []
    if not isinstance(value, list):
        raise Reason(f"'{value}' is not a list")
    for item in value:
        if not is_uuid(item):
            raise Reason(f"'{item}' is not a valid UUID")
    if len(set(value)) != len(value):
        raise Reason(f"Duplicate items in the list: '{', '.join(sorted({v for v in value if value.count(v) > 1}))}'")
    return list(value)


def dictionary(*, nullable: bool = False) -> Callable:
    def check(value):
        if value is None and nullable:
            return None
        if not isinstance(value, dict):
            raise Reason(f"'{value}' is not a dictionary")
        return value
    return check


def anything(value):
    return value


MAC = re.compile(r"^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$")


def mac_value(value):
    if not isinstance(value, str) or not MAC.match(value) or value.replace("-", ":").lower() in (
            "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"):
        raise Reason(f"'{value}' is not a valid MAC address")
    return value.replace("-", ":").lower()


# --- attribute maps -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attr:
    post: bool = True
    put: bool = True
    required: bool = False
    check: Callable = anything


def _rw(check=anything, **kwargs) -> Attr:
    return Attr(check=check, **kwargs)


def _post_only(check=anything, **kwargs) -> Attr:
    return Attr(put=False, check=check, **kwargs)


def _read_only() -> Attr:
    return Attr(post=False, put=False)


_OWNER = {"project_id": _post_only(string()), "tenant_id": _post_only(string())}
_STANDARD = {"id": _read_only(), "name": _rw(string()), "description": _rw(string(DESCRIPTION_MAX)),
             "created_at": _read_only(), "updated_at": _read_only(), "revision_number": _read_only(),
             "tags": _read_only(), **_OWNER}

ATTRIBUTES = {
    "network": {
        **_STANDARD, "status": _read_only(), "subnets": _read_only(),
        "admin_state_up": _rw(boolean), "shared": _rw(boolean), "router:external": _rw(boolean),
        "is_default": _rw(boolean), "mtu": _rw(non_negative), "port_security_enabled": _rw(boolean),
        "provider:network_type": _rw(string()), "provider:physical_network": _rw(string(nullable=True)),
        "provider:segmentation_id": _rw(lambda v: None if v is None else non_negative(v)),
        "availability_zone_hints": _post_only(list_of(string())), "availability_zones": _read_only(),
        "dns_domain": _rw(string()), "qos_policy_id": _rw(uuid_value(nullable=True)),
        "ipv4_address_scope": _read_only(), "ipv6_address_scope": _read_only(), "l2_adjacency": _read_only(),
        "segments": _rw(list_of()),
    },
    "subnet": {
        **_STANDARD, "network_id": _post_only(uuid_value(), required=True),
        "ip_version": _post_only(lambda v: values(4, 6)(integer(v)), required=True),
        "cidr": _post_only(cidr_value), "prefixlen": _post_only(integer),
        "subnetpool_id": _post_only(uuid_value(nullable=True)), "use_default_subnetpool": _post_only(boolean),
        "gateway_ip": _rw(ip_value(nullable=True)), "allocation_pools": _rw(list_of()),
        "dns_nameservers": _rw(list_of()), "host_routes": _rw(list_of()), "enable_dhcp": _rw(boolean),
        "ipv6_ra_mode": _post_only(values("slaac", "dhcpv6-stateful", "dhcpv6-stateless", nullable=True)),
        "ipv6_address_mode": _post_only(values("slaac", "dhcpv6-stateful", "dhcpv6-stateless", nullable=True)),
        "service_types": _rw(list_of(string())), "segment_id": _rw(uuid_value(nullable=True)),
        "dns_publish_fixed_ip": _rw(boolean), "router:external": _read_only(), "shared": _read_only(),
    },
    "port": {
        **_STANDARD, "tags": _post_only(list_of(string())), "status": _read_only(),
        "network_id": _post_only(uuid_value(), required=True), "admin_state_up": _rw(boolean),
        "mac_address": _rw(mac_value), "fixed_ips": _rw(list_of()), "device_id": _rw(string()),
        "device_owner": _rw(string()), "security_groups": _rw(unique_uuids),
        "port_security_enabled": _rw(boolean), "allowed_address_pairs": _rw(list_of()),
        "extra_dhcp_opts": _rw(list_of()), "binding:host_id": _rw(string()),
        "binding:profile": _rw(dictionary(nullable=True)),
        "binding:vnic_type": _rw(values("normal", "direct", "macvtap", "baremetal", "direct-physical",
                                        "virtio-forwarder", "smart-nic", "vdpa", "accelerator-direct",
                                        "accelerator-direct-physical", "remote-managed")),
        "binding:vif_type": _read_only(), "binding:vif_details": _read_only(),
        "dns_name": _rw(string()), "qos_policy_id": _rw(uuid_value(nullable=True)),
        "propagate_uplink_status": _rw(boolean), "ip_allocation": _read_only(),
        "qos_network_policy_id": _read_only(), "resource_request": _read_only(),
    },
    "router": {
        **_STANDARD, "status": _read_only(), "admin_state_up": _rw(boolean),
        "external_gateway_info": _rw(dictionary(nullable=True)), "routes": Attr(post=False, check=list_of()),
        "distributed": _rw(boolean), "ha": _rw(boolean), "availability_zone_hints": _post_only(list_of(string())),
        "availability_zones": _read_only(), "flavor_id": _post_only(uuid_value(nullable=True)),
        "enable_ndp_proxy": _rw(boolean),
    },
    "floatingip": {
        "id": _read_only(), "description": _rw(string(DESCRIPTION_MAX)), **_OWNER, "status": _read_only(),
        "floating_network_id": _post_only(uuid_value(), required=True),
        "floating_ip_address": _post_only(ip_value(nullable=True)), "subnet_id": _post_only(uuid_value(nullable=True)),
        "port_id": _rw(uuid_value(nullable=True)), "fixed_ip_address": _rw(ip_value(nullable=True)),
        "router_id": _read_only(), "qos_policy_id": _rw(uuid_value(nullable=True)), "dns_domain": _post_only(string()),
        "dns_name": _post_only(string()), "created_at": _read_only(), "updated_at": _read_only(),
        "revision_number": _read_only(), "tags": _read_only(), "port_details": _read_only(),
    },
    "subnetpool": {
        **_STANDARD, "prefixes": _rw(list_of(string(nullable=False))), "ip_version": _read_only(),
        "default_prefixlen": _rw(non_negative), "min_prefixlen": _rw(non_negative), "max_prefixlen": _rw(non_negative),
        "default_quota": _rw(lambda v: None if v is None else non_negative(v)),
        "address_scope_id": _rw(uuid_value(nullable=True)), "shared": _post_only(boolean), "is_default": _rw(boolean),
    },
    "agent": {
        **{name: _read_only() for name in ("id", "agent_type", "binary", "host", "topic", "availability_zone",
                                           "alive", "configurations", "resources_synced", "created_at",
                                           "started_at", "heartbeat_timestamp")},
        "admin_state_up": Attr(post=False, check=boolean),
        "description": Attr(post=False, check=string(DESCRIPTION_MAX)),
    },
    "security_group": {
        **_STANDARD, "stateful": _rw(boolean), "security_group_rules": _read_only(), "shared": _read_only(),
    },
    "security_group_rule": {
        "id": _read_only(), "description": _rw(string(DESCRIPTION_MAX)), **_OWNER,
        "security_group_id": _post_only(string(), required=True),
        "direction": _post_only(values("ingress", "egress"), required=True),
        "ethertype": _post_only(anything), "protocol": _post_only(anything),
        "port_range_min": _post_only(anything), "port_range_max": _post_only(anything),
        "remote_ip_prefix": _post_only(anything), "remote_group_id": _post_only(anything),
        "remote_address_group_id": _post_only(anything), "normalized_cidr": _read_only(),
        "belongs_to_default_sg": _read_only(), "created_at": _read_only(), "updated_at": _read_only(),
        "revision_number": _read_only(),
    },
}

# Every limit may be PUT; force and check_limit are flags Neutron pops before the attributes. The
# domain converts and bounds the values (neutron/extensions/quotasv2.py).
ATTRIBUTES["quota"] = {name: Attr() for name in ("network", "subnet", "subnetpool", "port", "router", "floatingip",
                                                 "security_group", "security_group_rule", "rbac_policy",
                                                 "force", "check_limit")}

# Resources whose POST takes the plural key for a bulk create (neutron/api/v2/base.py allow_bulk).
BULK = {"network": "networks", "subnet": "subnets", "port": "ports", "security_group": "security_groups",
        "security_group_rule": "security_group_rules", "router": "routers", "floatingip": "floatingips",
        "subnetpool": "subnetpools"}


def document():
    """The request's JSON body, or Neutron's 400s for none or a non-object."""
    raw = request.get_data(cache=True)
    if not raw:
        raise bad_request("Resource body required")
    try:
        data = parse_json(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Body contains invalid data") from None
    if not isinstance(data, dict):
        raise bad_request("Body contains invalid data")
    return data


def parse_create(resource: str) -> tuple[list[dict], bool]:
    """The items of a POST (one, or several for a bulk body) and whether it was bulk."""
    data = document()
    plural = BULK.get(resource)
    if plural and plural in data and resource not in data:
        items = data[plural]
        if not isinstance(items, list):
            raise bad_request("Body contains invalid data")
        if not items:
            raise bad_request("Resources required")
        unwrapped = [item[resource] if isinstance(item, dict) and set(item) == {resource} else item
                     for item in items]
        return [_checked(resource, item, creating=True) for item in unwrapped], True
    return [_checked(resource, _member(data, resource), creating=True)], False


def parse_update(resource: str) -> dict:
    return _checked(resource, _member(document(), resource), creating=False)


def _member(data: dict, resource: str) -> dict:
    if resource not in data:
        raise bad_request(f"Unable to find '{resource}' in request body")
    item = data[resource]
    if not isinstance(item, dict):
        raise bad_request(f"Object '{resource}' contains invalid data")
    return item


def _checked(resource: str, item, *, creating: bool) -> dict:
    if not isinstance(item, dict):
        raise bad_request(f"Object '{resource}' contains invalid data")
    spec = ATTRIBUTES[resource]
    unknown = sorted(set(item) - set(spec))
    if unknown:
        raise bad_request(f"Unrecognized attribute(s) '{', '.join(unknown)}'")
    for name in item:
        if creating and not spec[name].post:
            raise bad_request(f"Attribute '{name}' not allowed in POST")
        if not creating and not spec[name].put:
            raise bad_request(f"Cannot update read-only attribute {name}")
    if creating:
        for name, attr in spec.items():
            if attr.required and name not in item:
                raise bad_request(f"Failed to parse request. Required attribute '{name}' not specified")
    checked = {}
    for name, value in item.items():
        try:
            checked[name] = spec[name].check(value)
        except Reason as reason:
            raise bad_request(f"Invalid input for {name}. Reason: {reason}.") from None
    if "tenant_id" in checked:
        tenant = checked.pop("tenant_id")
        if "project_id" in checked and checked["project_id"] != tenant:
            raise bad_request("'project_id' and 'tenant_id' do not match")
        checked["project_id"] = tenant
    return checked
