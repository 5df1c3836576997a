"""Floating IPs: list, show, create (optionally associated), update port_id to (dis)associate, delete."""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, context
from fakenova.api.network import views
from fakenova.api.network.blueprint import API_PREFIX, bp, resource_body
from fakenova.api.network.query import item_response, list_response
from fakenova.domain.network import floating_ips, network_quotas

CREATE = {"floating_network_id": "uuid", "floating_ip_address": "ip", "port_id": "uuid", "fixed_ip_address": "ip",
          "subnet_id": "uuid", "description": str, "project_id": str, "tenant_id": str, "qos_policy_id": "uuid",
          "dns_domain": str, "dns_name": str}
UPDATE = {"port_id": "uuid", "fixed_ip_address": "ip", "description": str, "qos_policy_id": "uuid"}


def _view(fip: dict) -> dict:
    return views.floatingip(fip, context(), backend())


@bp.get(f"{API_PREFIX}/floatingips")
def list_floatingips():
    store, ctx = backend().store, context()
    with store.lock:
        items = [_view(fip) for fip in store.floatingips.values() if floating_ips.visible(fip, ctx)]
    return list_response("floatingip", "floatingips", items,
                         not_found=lambda marker: floating_ips.get(backend(), marker, ctx))


@bp.get(f"{API_PREFIX}/floatingips/<fip_id>")
def show_floatingip(fip_id):
    return item_response("floatingip", _view(floating_ips.get(backend(), fip_id, context())))


@bp.post(f"{API_PREFIX}/floatingips")
def create_floatingip():
    request = resource_body("floatingip", allowed=CREATE, required=("floating_network_id",))
    if request.get("tenant_id") and not request.get("project_id"):
        request = dict(request, project_id=request["tenant_id"])
    owner = (request.get("project_id") if context().is_admin else None) or context().project_id
    with backend().store.lock:
        network_quotas.check_room(backend(), owner, "floatingip")
        fip = floating_ips.create(backend(), context(), request)
    response = item_response("floatingip", _view(fip))
    response.status_code = 201
    return response


@bp.put(f"{API_PREFIX}/floatingips/<fip_id>")
def update_floatingip(fip_id):
    request = resource_body("floatingip", allowed=UPDATE)
    return item_response("floatingip", _view(floating_ips.update(backend(), context(), fip_id, request)))


@bp.delete(f"{API_PREFIX}/floatingips/<fip_id>")
def delete_floatingip(fip_id):
    floating_ips.delete(backend(), context(), fip_id)
    return Response(status=204)
