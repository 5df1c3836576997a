"""Records -> Neutron's JSON: ``tenant_id`` next to ``project_id``, times as ``YYYY-MM-DDTHH:MM:SSZ``,
admin-only attributes (provider:*, binding:host_id/profile/vif_*, segment_id) dropped for others.

``FILTERS`` lists, per resource, the attributes Neutron accepts as list filters and how a query
value is converted before comparing (neutron-lib's ``is_filter`` and ``convert_to``).
"""

from __future__ import annotations

from fakenova.clock import isotime


ADMIN_ONLY = {
    "network": ("provider:network_type", "provider:physical_network", "provider:segmentation_id"),
    "subnet": ("segment_id",),
    "port": ("binding:host_id", "binding:profile", "binding:vif_details", "binding:vif_type"),
    "router": ("distributed", "ha"),
}

_COMMON = {"id": str, "name": str, "project_id": str, "tenant_id": str, "description": str,
           "revision_number": int, "created_at": str, "updated_at": str}
FILTERS = {
    "network": dict(_COMMON, admin_state_up=bool, status=str, shared=bool, mtu=int, is_default=bool,
                    **{"router:external": bool, "port_security_enabled": bool, "qos_policy_id": str,
                       "provider:network_type": str, "provider:physical_network": str,
                       "provider:segmentation_id": int, "availability_zone_hints": str}),
    "subnet": dict(_COMMON, network_id=str, ip_version=int, cidr=str, gateway_ip=str, enable_dhcp=bool,
                   ipv6_address_mode=str, ipv6_ra_mode=str, subnetpool_id=str, segment_id=str,
                   dns_nameservers=str, service_types=str),
    "port": dict(_COMMON, network_id=str, mac_address=str, device_id=str, device_owner=str, status=str,
                 admin_state_up=bool, port_security_enabled=bool, security_groups=str, ip_allocation=str,
                 qos_policy_id=str, **{"binding:host_id": str, "binding:vnic_type": str}),
    "floatingip": dict(_COMMON, floating_ip_address=str, floating_network_id=str, router_id=str, port_id=str,
                       fixed_ip_address=str, status=str, qos_policy_id=str),
    "router": dict(_COMMON, admin_state_up=bool, status=str, distributed=bool, ha=bool, flavor_id=str,
                   enable_ndp_proxy=bool),
    "subnetpool": dict(_COMMON, ip_version=int, default_prefixlen=int, min_prefixlen=int, max_prefixlen=int,
                       shared=bool, is_default=bool, address_scope_id=str, default_quota=int),
    "agent": dict(id=str, agent_type=str, binary=str, host=str, topic=str, availability_zone=str,
                  admin_state_up=bool, alive=bool, description=str),
    "security_group": dict(_COMMON, stateful=bool, shared=bool),
    "security_group_rule": dict(_COMMON, security_group_id=str, direction=str, ethertype=str, protocol=str,
                                port_range_min=int, port_range_max=int, remote_ip_prefix=str,
                                remote_group_id=str, remote_address_group_id=str, normalized_cidr=str,
                                belongs_to_default_sg=bool),
}


def _render(record: dict, kind: str, context, *, skip=()) -> dict:
    hidden = set(skip) | (set() if context.is_admin else set(ADMIN_ONLY.get(kind, ())))
    view = {}
    for key, value in record.items():
        if key in hidden:
            continue
        if key in ("created_at", "updated_at", "started_at", "heartbeat_timestamp"):
            value = isotime(value)
        elif isinstance(value, (list, dict)):
            value = _copy(value)
        view[key] = value
        if key == "project_id":
            # Neutron still answers both names for the owner.
            view["tenant_id"] = value
    return view


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def network(record: dict, context, backend=None) -> dict:
    return _render(record, "network", context)


def subnet(record: dict, context, backend=None) -> dict:
    view = _render(record, "subnet", context)
    if backend is not None:
        # subnet-external-network: the subnet mirrors its network's external flag.
        network = backend.store.networks.get(record["network_id"]) or {}
        view["router:external"] = bool(network.get("router:external"))
    return view


def port(record: dict, context, backend=None) -> dict:
    return _render(record, "port", context)


def subnetpool(record: dict, context, backend=None) -> dict:
    return _render(record, "subnetpool", context)


def agent(record: dict, context, backend=None) -> dict:
    return _render(record, "agent", context)


def router(record: dict, context, backend=None) -> dict:
    return _render(record, "router", context)


def floatingip(record: dict, context, backend) -> dict:
    view = _render(record, "floatingip", context)
    # The fip-port-details extension: a summary of the associated port.
    attached = backend.store.ports.get(record["port_id"]) if record["port_id"] else None
    view["port_details"] = None if attached is None else {
        key: attached[key] for key in ("name", "network_id", "mac_address", "admin_state_up", "status",
                                       "device_id", "device_owner")}
    view["port_forwardings"] = []
    return view


def security_group(record: dict, context, backend=None) -> dict:
    view = _render(record, "security_group", context, skip=("security_group_rules",))
    view["security_group_rules"] = [security_group_rule(rule, context) for rule in record["security_group_rules"]]
    return view


def security_group_rule(record: dict, context, backend=None) -> dict:
    return _render(record, "security_group_rule", context)
