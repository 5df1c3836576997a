"""Networks, subnets and ports: list and show for all three, create and delete for ports."""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, context
from fakenova.api.network import views
from fakenova.api.network.blueprint import API_PREFIX, bad_request, bp, is_ip, is_uuid, resource_body
from fakenova.api.network.query import item_response, list_response
from fakenova.domain import networks


@bp.get(f"{API_PREFIX}/networks")
def list_networks():
    store, ctx = backend().store, context()
    with store.lock:
        items = [views.network(n, ctx) for n in store.networks.values() if networks.visible(backend(), n, ctx)]
    return list_response("network", "networks", items,
                         not_found=lambda marker: networks.get_network(backend(), marker, ctx))


@bp.get(f"{API_PREFIX}/networks/<network_id>")
def show_network(network_id):
    return item_response("network", views.network(networks.get_network(backend(), network_id, context()), context()))


@bp.get(f"{API_PREFIX}/subnets")
def list_subnets():
    store, ctx = backend().store, context()
    with store.lock:
        items = [views.subnet(s, ctx) for s in store.subnets.values() if networks.subnet_visible(backend(), s, ctx)]
    return list_response("subnet", "subnets", items,
                         not_found=lambda marker: networks.get_subnet(backend(), marker, ctx))


@bp.get(f"{API_PREFIX}/subnets/<subnet_id>")
def show_subnet(subnet_id):
    return item_response("subnet", views.subnet(networks.get_subnet(backend(), subnet_id, context()), context()))


@bp.get(f"{API_PREFIX}/ports")
def list_ports():
    store, ctx = backend().store, context()
    with store.lock:
        items = [views.port(p, ctx) for p in store.ports.values() if networks.port_visible(backend(), p, ctx)]
    return list_response("port", "ports", items, not_found=lambda marker: networks.get_port(backend(), marker, ctx))


@bp.get(f"{API_PREFIX}/ports/<port_id>")
def show_port(port_id):
    return item_response("port", views.port(networks.get_port(backend(), port_id, context()), context()))


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
