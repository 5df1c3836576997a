"""Ports: create (for a project, for Nova, for routers and floating IPs), update, delete, and the
rules that tie them to addresses, security groups and port security (neutron/db/db_base_plugin_v2.py,
neutron/plugins/ml2/plugin.py, neutron-lib's port, port_security, allowedaddresspairs and
extra_dhcp_opt definitions). Nova's side calls ``create_port``, ``ports_of``, ``port_visible``,
``remove_port`` and ``unbind_port``.
"""

from __future__ import annotations

import ipaddress

from fakenova.domain.network import ip_allocation, network_quotas, networks, security_groups
from fakenova.domain.network.common import (FLOATING_IP_OWNER, ROUTER_OWNERS, apply_update, associate_floating_ip,
                                            authorize_write, conflict, find_visible, is_member_of,
                                            neutron_error, not_found, owner_of, policy_denied,
                                            standard_attributes, touch)
from fakenova.errors import BadRequest

MAX_ALLOWED_ADDRESS_PAIRS = 10
UPDATABLE = ("name", "description", "admin_state_up", "device_id", "device_owner", "binding:host_id",
             "binding:profile", "binding:vnic_type", "dns_name", "qos_policy_id", "propagate_uplink_status",
             "mac_address")
# Neutron's own ports: a router's, a floating IP's. They cannot be deleted through the port API.
SERVICE_OWNERS = (*ROUTER_OWNERS, FLOATING_IP_OWNER)


def ports_of(backend, server_id: str) -> list[dict]:
    """The Neutron ports bound to a server (device_id), in creation order."""
    return [port for port in backend.store.ports.values() if port.get("device_id") == server_id]


def port_visible(backend, port: dict, context) -> bool:
    """Admins, the port's project, and the owner of the port's network (Neutron's get_port)."""
    if context.is_admin or (port["project_id"] and port["project_id"] == context.project_id):
        return True
    network = backend.store.networks.get(port["network_id"])
    return network is not None and network["project_id"] == context.project_id


def get_port(backend, port_id: str, context) -> dict:
    return find_visible(backend, "ports", port_id, context, port_visible, "PortNotFound",
                        f"Port {port_id} could not be found.")


def _mac_address(backend) -> str:
    # fa:16:3e is the OUI Neutron uses for the ports it creates (base_mac).
    while True:
        tail = backend.store.ids.randbits(24)
        mac = "fa:16:3e:%02x:%02x:%02x" % ((tail >> 16) & 0xFF, (tail >> 8) & 0xFF, tail & 0xFF)
        if not any(p["mac_address"] == mac for p in backend.store.ports.values()):
            return mac


def create_port(backend, network_id: str, *, project_id: str, device_id: str = "", device_owner: str = "",
                fixed_ips: list[dict] | None = None, name: str = "", security_group_ids: list[str] | None = None,
                context=None, request: dict | None = None) -> dict:
    """A port on the network; ``fixed_ips`` as Neutron's request takes them (None: automatic).

    Raises Neutron's errors (IpAddressGenerationFailure, IpAddressAlreadyAllocated, InvalidIpFor*...);
    Nova's callers translate them into Nova's own answers."""
    store = backend.store
    request = request or {}
    network = store.networks[network_id]
    mac = request.get("mac_address") or _mac_address(backend)
    if any(p["mac_address"] == mac and p["network_id"] == network_id for p in store.ports.values()):
        raise conflict("MacAddressInUse", f"Unable to complete operation for network {network_id}. "
                                          f"The mac address {mac} is in use.")
    if fixed_ips is None:
        addresses = ip_allocation.automatic(backend, network, mac=mac, device_owner=device_owner)
    else:
        addresses = ip_allocation.requested(backend, context, network, fixed_ips, mac=mac, device_owner=device_owner)
    port_security = request.get("port_security_enabled", network.get("port_security_enabled", True))
    if security_group_ids is None:
        groups = [] if not port_security else _default_security_groups(backend, project_id, device_owner)
    else:
        groups = list(security_group_ids)
    if groups and (not port_security or not addresses) and security_group_ids is not None:
        raise neutron_error(BadRequest, "PortSecurityAndIPRequiredForSecurityGroups",
                            "Port security must be enabled and port must have an IP address in order to use "
                            "security groups.")
    pairs = _address_pairs(request.get("allowed_address_pairs") or [], mac)
    if pairs and not port_security:
        raise conflict("AddressPairAndPortSecurityRequired",
                       "Port Security must be enabled in order to have allowed address pairs on a port.")
    bound = bool(request.get("binding:host_id")) or bool(device_id and device_owner.startswith("compute:"))
    port = {
        "id": store.ids.uuid(),
        "name": name,
        "network_id": network_id,
        "project_id": project_id,
        "mac_address": mac,
        "fixed_ips": addresses,
        "device_id": device_id,
        "device_owner": device_owner,
        "status": "ACTIVE" if device_id else "DOWN",
        "admin_state_up": request.get("admin_state_up", True),
        "security_groups": groups,
        "port_security_enabled": port_security,
        "allowed_address_pairs": pairs,
        "extra_dhcp_opts": _dhcp_options(request.get("extra_dhcp_opts") or []),
        "binding:vnic_type": request.get("binding:vnic_type", "normal"),
        "binding:host_id": request.get("binding:host_id", ""),
        "binding:profile": request.get("binding:profile") or {},
        "binding:vif_details": {"port_filter": True, "connectivity": "l2"} if bound else {},
        "binding:vif_type": "ovs" if bound else "unbound",
        "ip_allocation": "immediate",
        "propagate_uplink_status": request.get("propagate_uplink_status", False),
        "dns_name": request.get("dns_name", ""),
        "qos_policy_id": request.get("qos_policy_id"),
        "qos_network_policy_id": network.get("qos_policy_id"),
        "resource_request": None,
        **standard_attributes(backend, request, revision=1),
    }
    store.ports[port["id"]] = port
    return port


def _default_security_groups(backend, project_id: str, device_owner: str) -> list[str]:
    # Neutron puts a project's ports in its default group; its own ports (router, DHCP, FIP) get none.
    if not project_id or device_owner.startswith("network:"):
        return []
    return [security_groups.default_group(backend, project_id)["id"]]


def _groups(backend, context, ids: list[str], project_id: str) -> list[str]:
    """The requested security groups, each visible to the caller; Neutron names the missing ones."""
    missing = [group_id for group_id in ids if group_id not in backend.store.security_groups
               or not security_groups.visible(backend.store.security_groups[group_id], context)]
    if missing:
        raise not_found("SecurityGroupNotFound", f"Security group {', '.join(missing)} does not exist")
    return ids


def _address_pairs(pairs: list, mac: str) -> list[dict]:
    def bad(reason):
        return neutron_error(BadRequest, "HTTPBadRequest",
                             f"Invalid input for allowed_address_pairs. Reason: {reason}.")
    if len(pairs) > MAX_ALLOWED_ADDRESS_PAIRS:
        raise neutron_error(BadRequest, "AllowedAddressPairExhausted",
                            f"The number of allowed address pair exceeds the maximum {MAX_ALLOWED_ADDRESS_PAIRS}.")
    checked = []
    for pair in pairs:
        if not isinstance(pair, dict):
            raise bad(f"'{pair}' is not a dictionary")
        unknown = sorted(set(pair) - {"ip_address", "mac_address"})
        if unknown:
            raise neutron_error(BadRequest, "HTTPBadRequest", f"Unrecognized attribute(s) '{', '.join(unknown)}'")
        if "ip_address" not in pair:
            raise neutron_error(BadRequest, "AllowedAddressPairsMissingIP",
                                "AllowedAddressPair must contain ip_address")
        try:
            network = ipaddress.ip_network(pair["ip_address"], strict=False)
        except (ValueError, TypeError):
            raise bad(f"'{pair['ip_address']}' is not a valid IP address") from None
        if network.is_multicast:
            raise bad(f"'{pair['ip_address']}' is not a valid IP address")
        entry = {"ip_address": pair["ip_address"], "mac_address": (pair.get("mac_address") or mac).lower()}
        if entry in checked:
            raise neutron_error(BadRequest, "DuplicateAddressPairInRequest",
                                f"Request contains duplicate address pair: mac_address {entry['mac_address']} "
                                f"ip_address {entry['ip_address']}.")
        checked.append(entry)
    return checked


def _dhcp_options(options: list) -> list[dict]:
    checked = []
    for option in options:
        if not isinstance(option, dict) or "opt_name" not in option or "opt_value" not in option \
                or set(option) - {"opt_name", "opt_value", "ip_version"}:
            raise neutron_error(BadRequest, "HTTPBadRequest",
                                f"Invalid input for extra_dhcp_opts. Reason: Invalid data format for extra-dhcp-opt: "
                                f"{option}.")
        name, value = option["opt_name"], option["opt_value"]
        if not isinstance(name, str) or not name.strip() or len(name) > 64 or "\n" in name:
            raise neutron_error(BadRequest, "HTTPBadRequest",
                                f"Invalid input for extra_dhcp_opts. Reason: '{name}' is not a valid opt_name.")
        if value is not None and (not isinstance(value, str) or len(value) > 255):
            raise neutron_error(BadRequest, "HTTPBadRequest",
                                f"Invalid input for extra_dhcp_opts. Reason: '{value}' is not a valid opt_value.")
        checked.append({"opt_name": name, "opt_value": value, "ip_version": int(option.get("ip_version") or 4)})
    return checked


def create(backend, context, request: dict) -> dict:
    """POST /v2.0/ports."""
    store = backend.store
    with store.lock:
        network = networks.get_network(backend, request["network_id"], context)
        project_id = owner_of(context, request)
        network_owner = is_member_of(context, network["project_id"])
        if not context.is_admin and not network["shared"] and network["project_id"] != context.project_id:
            raise not_found("HTTPNotFound", "The resource could not be found.")
        if not is_member_of(context, project_id):
            raise policy_denied("create_port")
        _authorize_port_attributes(context, request, network_owner, "create_port")
        network_quotas.check_room(backend, project_id, "port")
        groups = request.get("security_groups")
        if groups is not None:
            groups = _groups(backend, context, groups, project_id)
        fixed = request.get("fixed_ips")
        return create_port(backend, network["id"], project_id=project_id, device_id=request.get("device_id", ""),
                           device_owner=request.get("device_owner", ""), name=request.get("name", ""),
                           fixed_ips=fixed if "fixed_ips" in request else None, security_group_ids=groups,
                           context=context, request=request)


def _authorize_port_attributes(context, request: dict, network_owner: bool, action: str) -> None:
    """Attributes with rules of their own (neutron/conf/policies/port.py)."""
    if context.is_admin:
        if "binding:profile" in request and request["binding:profile"]:
            # binding:profile is for the service role only; even an admin is refused.
            raise policy_denied(action, f"{action}:binding:profile")
        return
    for attribute in ("binding:host_id", "binding:profile"):
        if attribute in request:
            raise policy_denied(action, f"{action}:{attribute}")
    if not network_owner:
        if "mac_address" in request:
            raise policy_denied(action, f"{action}:mac_address")
        if any(isinstance(ip, dict) and ip.get("ip_address") for ip in request.get("fixed_ips") or []):
            raise policy_denied(action, f"{action}:fixed_ips:ip_address")
        if str(request.get("device_owner", "")).startswith("network:"):
            raise policy_denied(action, f"{action}:device_owner")


def update(backend, context, port_id: str, request: dict) -> dict:
    store = backend.store
    with store.lock:
        port = get_port(backend, port_id, context)
        network = store.networks[port["network_id"]]
        network_owner = is_member_of(context, network["project_id"])
        if not is_member_of(context, port["project_id"]) and not network_owner:
            authorize_write(context, port, "update_port")
        _authorize_port_attributes(context, request, network_owner, "update_port")
        changes = dict(request)
        if "mac_address" in changes and changes["mac_address"] != port["mac_address"]:
            if port["binding:host_id"] or port["device_owner"].startswith("compute:"):
                raise conflict("PortBound", f"Unable to complete operation on port {port_id}, port is already bound, "
                                            f"port type: {port['binding:vif_type']}, old_mac {port['mac_address']}, "
                                            f"new_mac {changes['mac_address']}.")
            if any(p["mac_address"] == changes["mac_address"] and p["network_id"] == network["id"]
                   for p in store.ports.values()):
                raise conflict("MacAddressInUse", f"Unable to complete operation for network {network['id']}. "
                                                  f"The mac address {changes['mac_address']} is in use.")
        port_security = changes.get("port_security_enabled", port["port_security_enabled"])
        groups = port["security_groups"]
        if "security_groups" in changes:
            groups = _groups(backend, context, changes["security_groups"] or [], port["project_id"])
        if not port_security:
            if "security_groups" in changes and groups:
                raise neutron_error(BadRequest, "PortSecurityAndIPRequiredForSecurityGroups",
                                    "Port security must be enabled and port must have an IP address in order to "
                                    "use security groups.")
            if groups:
                raise conflict("PortSecurityPortHasSecurityGroup",
                               "Port has security group associated. Cannot disable port security or IP address "
                               "until security group is removed.")
        pairs = port["allowed_address_pairs"]
        if "allowed_address_pairs" in changes:
            pairs = _address_pairs(changes["allowed_address_pairs"] or [], changes.get("mac_address") or
                                   port["mac_address"])
        if pairs and not port_security:
            raise conflict("AddressPairAndPortSecurityRequired",
                           "Port Security must be enabled in order to have allowed address pairs on a port.")
        if "fixed_ips" in changes:
            port["fixed_ips"] = ip_allocation.requested(
                backend, context, network, changes["fixed_ips"] or [], mac=port["mac_address"],
                device_owner=changes.get("device_owner", port["device_owner"]), current=port["fixed_ips"],
                except_port=port_id)
        if "extra_dhcp_opts" in changes:
            port["extra_dhcp_opts"] = _merge_dhcp_options(port["extra_dhcp_opts"],
                                                          _dhcp_options(changes["extra_dhcp_opts"] or []))
        port["security_groups"], port["port_security_enabled"] = list(groups), port_security
        port["allowed_address_pairs"] = pairs
        if changes.get("binding:profile", 0) is None:
            changes["binding:profile"] = {}
        apply_update(backend, port, changes, UPDATABLE)
        if "binding:host_id" in changes or "device_id" in changes:
            bound = bool(port["binding:host_id"]) or port["device_owner"].startswith("compute:") and port["device_id"]
            port["binding:vif_type"] = "ovs" if bound else "unbound"
            port["binding:vif_details"] = {"port_filter": True, "connectivity": "l2"} if bound else {}
            port["status"] = "ACTIVE" if port["device_id"] else "DOWN"
        return port


def _merge_dhcp_options(current: list[dict], changes: list[dict]) -> list[dict]:
    """An update names options to set; a null value removes that option (extra_dhcp_opt_db)."""
    merged = {(o["opt_name"], o["ip_version"]): o for o in current}
    for option in changes:
        key = (option["opt_name"], option["ip_version"])
        if option["opt_value"] is None:
            merged.pop(key, None)
        else:
            merged[key] = option
    return list(merged.values())


def delete(backend, context, port_id: str) -> None:
    store = backend.store
    with store.lock:
        port = get_port(backend, port_id, context)
        network = store.networks.get(port["network_id"]) or {}
        if not is_member_of(context, port["project_id"]) and not is_member_of(context, network.get("project_id")):
            authorize_write(context, port, "delete_port")
        if port["device_owner"] in SERVICE_OWNERS:
            raise conflict("ServicePortInUse", f"Port {port_id} cannot be deleted directly via the port API: has "
                                               f"device owner {port['device_owner']}.")
        remove_port(backend, port_id)


def remove_port(backend, port_id: str) -> None:
    """Delete a port; Neutron disassociates the floating IPs of a port that goes away."""
    del backend.store.ports[port_id]
    _release_floating_ips(backend, port_id)


def unbind_port(backend, port_id: str) -> None:
    """A user's port whose server went away stays, unbound; its floating IPs are released as for a
    deleted port."""
    port = backend.store.ports[port_id]
    port.update(device_id="", device_owner="", status="DOWN",
                **{"binding:host_id": "", "binding:vif_type": "unbound", "binding:vif_details": {}})
    touch(backend, port)
    _release_floating_ips(backend, port_id)


def bind_port(backend, port_id: str, server_id: str, host: str = "") -> dict:
    """Nova binds a port to a server: device_id/owner, the host, and it goes ACTIVE."""
    port = backend.store.ports[port_id]
    port.update(device_id=server_id, device_owner="compute:nova", status="ACTIVE",
                **{"binding:host_id": host, "binding:vif_type": "ovs",
                   "binding:vif_details": {"port_filter": True, "connectivity": "l2"}})
    touch(backend, port)
    return port


def set_security_groups(backend, port: dict, group_ids: list[str]) -> None:
    port["security_groups"] = list(group_ids)
    touch(backend, port)


def _release_floating_ips(backend, port_id: str) -> None:
    """Neutron releases the floating IPs of a deleted port (they stay allocated to the project)."""
    for fip in backend.store.floatingips.values():
        if fip["port_id"] == port_id:
            associate_floating_ip(fip, None, None)
            touch(backend, fip)


def first_ipv4(port: dict) -> list[str]:
    return [ip["ip_address"] for ip in port["fixed_ips"] if ipaddress.ip_address(ip["ip_address"]).version == 4]

