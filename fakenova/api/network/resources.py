"""List and show for networks, subnets, ports and security group rules from one table; create and
delete for ports."""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, context
from fakenova.api.network import views
from fakenova.api.network.blueprint import API_PREFIX, bad_request, bp, is_ip, is_uuid, resource_body
from fakenova.api.network.query import item_response, list_response
from fakenova.domain.network import network_quotas, networks, security_groups


def _visible_in(collection: str, visible):
    """The records of a store collection that ``visible(backend, record, context)`` lets the caller see."""
    def records(backend, context) -> list[dict]:
        return [record for record in getattr(backend.store, collection).values() if visible(backend, record, context)]
    return records


# singular, plural (the body's key), the records the caller may see, lookup (404 with Neutron's
# type and text, for show and for an unknown marker), view.
READ_ONLY_VIEWS = (
    ("network", "networks", _visible_in("networks", networks.visible), networks.get_network, views.network),
    ("subnet", "subnets", _visible_in("subnets", networks.subnet_visible), networks.get_subnet, views.subnet),
    ("port", "ports", _visible_in("ports", networks.port_visible), networks.get_port, views.port),
    # Rules live inside their groups; the group's project decides who sees them.
    ("security_group_rule", "security_group_rules", security_groups.rules_visible_to, security_groups.get_rule,
     views.security_group_rule),
)


def _register_list_and_show(singular, plural, visible_records, get, view) -> None:
    def list_items():
        store, ctx = backend().store, context()
        with store.lock:
            items = [view(record, ctx) for record in visible_records(backend(), ctx)]
        return list_response(singular, plural, items, not_found=lambda marker: get(backend(), marker, ctx))

    def show_item(item_id):
        return item_response(singular, view(get(backend(), item_id, context()), context()))

    # Neutron's URL is the collection with dashes (security_group_rules -> /security-group-rules).
    path = f"{API_PREFIX}/{plural.replace('_', '-')}"
    bp.add_url_rule(path, f"list_{plural}", list_items, methods=["GET"])
    bp.add_url_rule(f"{path}/<item_id>", f"show_{singular}", show_item, methods=["GET"])


for _resource in READ_ONLY_VIEWS:
    _register_list_and_show(*_resource)


PORT_CREATE = {"network_id": "uuid", "name": str, "description": str, "device_id": str, "device_owner": str,
               "admin_state_up": bool, "fixed_ips": list, "project_id": str, "tenant_id": str}


@bp.post(f"{API_PREFIX}/ports")
def create_port():
    request = resource_body("port", allowed=PORT_CREATE, required=("network_id",))
    request = dict(request, fixed_ips=_fixed_ips(request.get("fixed_ips") or []))
    if not context().is_admin:
        # Simplification: a member's port always belongs to its own project (Neutron answers 403).
        request.pop("project_id", None)
        request.pop("tenant_id", None)
    else:
        request["project_id"] = request.get("project_id") or request.get("tenant_id")
    with backend().store.lock:
        # Neutron's quota hook runs before the plugin looks at the request.
        network_quotas.check_room(backend(), request.get("project_id") or context().project_id, "port")
        port = networks.create_requested_port(backend(), context(), request)
    response = item_response("port", views.port(port, context()))
    response.status_code = 201
    return response


def _fixed_ips(entries: list) -> list[dict]:
    checked = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) - {"ip_address", "subnet_id"}:
            raise bad_request(f"Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '{entry}'.")
        if "ip_address" in entry and not is_ip(entry["ip_address"]):
            raise bad_request(f"Invalid input for fixed_ips. Reason: '{entry['ip_address']}' is not a valid IP address.")
        if "subnet_id" in entry and not is_uuid(entry["subnet_id"]):
            raise bad_request(f"Invalid input for fixed_ips. Reason: '{entry['subnet_id']}' is not a valid UUID.")
        checked.append(entry)
    return checked


@bp.delete(f"{API_PREFIX}/ports/<port_id>")
def delete_port(port_id):
    networks.delete_port(backend(), port_id, context())
    return Response(status=204)
