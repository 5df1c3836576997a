"""Every Neutron collection from one table: list, show, create (single and bulk), update, delete,
and the tags sub-resource, each handler parsing with attributes.py, calling one domain function
and rendering one view (neutron/pecan_wsgi/controllers/resource.py status codes: 201, 200, 204).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

from flask import Response, jsonify, request

from fakenova.api.common import backend, context
from fakenova.api.network import views
from fakenova.api.network.attributes import bad_request, document, is_ip, is_uuid, parse_create, parse_update
from fakenova.api.network.blueprint import API_PREFIX, bp
from fakenova.api.network.query import item_response, list_response
from fakenova.domain.network import (agents, floating_ips, metadata_ports, networks, ports, routers,
                                     security_group_rules, security_groups, subnet_pools, subnets, tags)
from fakenova.domain.network.common import check_revision, invalid_input


@dataclass(frozen=True)
class Resource:
    singular: str
    plural: str
    records: Callable          # (backend, context) -> the records the caller may see
    get: Callable              # (backend, id, context) -> record, or the resource's 404
    view: Callable             # (record, context, backend) -> JSON
    create: Callable | None = None   # (backend, context, request) -> record
    update: Callable | None = None   # (backend, context, id, request) -> record
    delete: Callable | None = None   # (backend, context, id) -> None
    prepare: Callable | None = None  # request -> request, API-level checks of a create body

    @property
    def path(self) -> str:
        # Neutron's URL is the collection with dashes (security_group_rules -> /security-group-rules).
        return f"{API_PREFIX}/{self.plural.replace('_', '-')}"


def _visible_in(collection: str, visible):
    def records(backend, context) -> list[dict]:
        return [record for record in getattr(backend.store, collection).values() if visible(backend, record, context)]
    return records


def _security_groups(backend, context) -> list[dict]:
    return security_groups.listed(backend, context, request.args.getlist("project_id")
                                  + request.args.getlist("tenant_id"))


def _fixed_ips(entries):
    """neutron-lib validate_fixed_ips: the shape and each address and subnet id."""
    if entries is None:
        return []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) - {"ip_address", "subnet_id"}:
            raise bad_request(f"Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '{entry}'.")
        if "ip_address" in entry and not is_ip(entry["ip_address"]):
            raise bad_request(f"Invalid input for fixed_ips. Reason: '{entry['ip_address']}' is not a valid IP "
                              "address.")
        if "subnet_id" in entry and not is_uuid(entry["subnet_id"]):
            raise bad_request(f"Invalid input for fixed_ips. Reason: '{entry['subnet_id']}' is not a valid UUID.")
    return entries


def _port_body(item: dict) -> dict:
    if "fixed_ips" in item:
        item["fixed_ips"] = _fixed_ips(item["fixed_ips"])
    return item


RESOURCES = (
    Resource("network", "networks", _visible_in("networks", networks.visible), networks.get_network, views.network,
             metadata_ports.create_network, networks.update, networks.delete),
    Resource("subnet", "subnets", _visible_in("subnets", subnets.visible), subnets.get_subnet, views.subnet,
             subnets.create, subnets.update, subnets.delete),
    Resource("subnetpool", "subnetpools", _visible_in("subnetpools", subnet_pools.visible), subnet_pools.get_pool,
             views.subnetpool, subnet_pools.create, subnet_pools.update, subnet_pools.delete),
    Resource("port", "ports", _visible_in("ports", ports.port_visible), ports.get_port, views.port,
             ports.create, ports.update, ports.delete, prepare=_port_body),
    Resource("router", "routers", _visible_in("routers", routers.visible), routers.get_router, views.router,
             routers.create, routers.update, routers.delete),
    Resource("floatingip", "floatingips",
             _visible_in("floatingips", lambda _backend, fip, ctx: floating_ips.visible(fip, ctx)), floating_ips.get,
             views.floatingip, floating_ips.create, floating_ips.update, floating_ips.delete),
    Resource("security_group", "security_groups", _security_groups, security_groups.get, views.security_group,
             security_groups.create, security_groups.update, security_groups.delete),
    Resource("agent", "agents", _visible_in("agents", agents.visible), agents.get_agent, views.agent, None,
             agents.update, agents.delete),
    Resource("security_group_rule", "security_group_rules", security_group_rules.rules_visible_to,
             security_group_rules.get_rule, views.security_group_rule, security_group_rules.create, None,
             security_group_rules.delete),
)

# What a failed bulk create puts back (Neutron's bulk is one transaction).
_NEUTRON_COLLECTIONS = ("networks", "subnets", "ports", "routers", "floatingips", "security_groups", "subnetpools")


def _checked_owner(item: dict) -> dict:
    ctx = context()
    if not ctx.is_admin and item.get("project_id") not in (None, ctx.project_id):
        raise bad_request("Specifying 'project_id' other than the authenticated project in request is not allowed "
                          "for the current user.")
    return item


def _register(resource: Resource) -> None:
    def list_items():
        store, ctx = backend().store, context()
        with store.lock:
            items = [resource.view(record, ctx, backend()) for record in resource.records(backend(), ctx)]
        return list_response(resource.singular, resource.plural, items,
                             not_found=lambda marker: resource.get(backend(), marker, ctx))

    def show_item(item_id):
        ctx = context()
        with backend().store.lock:
            return item_response(resource.singular, resource.view(resource.get(backend(), item_id, ctx), ctx,
                                                                  backend()))

    def create_items():
        items, bulk = parse_create(resource.singular)
        items = [_checked_owner(resource.prepare(item) if resource.prepare else item) for item in items]
        store, ctx = backend().store, context()
        with store.lock:
            if bulk and resource.singular == "security_group_rule":
                created = security_group_rules.create_many(backend(), ctx, items)
            elif bulk:
                saved = {name: copy.deepcopy(getattr(store, name)) for name in _NEUTRON_COLLECTIONS}
                try:
                    created = [resource.create(backend(), ctx, item) for item in items]
                except Exception:
                    for name, value in saved.items():
                        setattr(store, name, value)
                    raise
            else:
                created = [resource.create(backend(), ctx, items[0])]
            rendered = [resource.view(record, ctx, backend()) for record in created]
        if bulk:
            response = jsonify({resource.plural: rendered})
        else:
            response = item_response(resource.singular, rendered[0])
        response.status_code = 201
        return response

    def update_item(item_id):
        changes = parse_update(resource.singular)
        if resource.prepare:
            changes = resource.prepare(changes)
        ctx = context()
        with backend().store.lock:
            check_revision(resource.get(backend(), item_id, ctx), request.headers.get("If-Match"))
            record = resource.update(backend(), ctx, item_id, changes)
            return item_response(resource.singular, resource.view(record, ctx, backend()))

    def delete_item(item_id):
        with backend().store.lock:
            check_revision(resource.get(backend(), item_id, context()), request.headers.get("If-Match"))
            resource.delete(backend(), context(), item_id)
        return Response(status=204)

    bp.add_url_rule(resource.path, f"list_{resource.plural}", list_items, methods=["GET"])
    bp.add_url_rule(f"{resource.path}/<item_id>", f"show_{resource.singular}", show_item, methods=["GET"])
    if resource.create:
        bp.add_url_rule(resource.path, f"create_{resource.singular}", create_items, methods=["POST"])
    if resource.update:
        bp.add_url_rule(f"{resource.path}/<item_id>", f"update_{resource.singular}", update_item, methods=["PUT"])
    bp.add_url_rule(f"{resource.path}/<item_id>", f"delete_{resource.singular}", delete_item, methods=["DELETE"])


for _resource in RESOURCES:
    _register(_resource)


# --- router member actions (l3.py add/remove_router_interface; extraroute-atomic) ---------------------

def _action_body() -> dict:
    return document()


@bp.put(f"{API_PREFIX}/routers/<router_id>/add_router_interface")
def add_router_interface(router_id):
    return jsonify(routers.add_interface(backend(), context(), router_id, _action_body()))


@bp.put(f"{API_PREFIX}/routers/<router_id>/remove_router_interface")
def remove_router_interface(router_id):
    return jsonify(routers.remove_interface(backend(), context(), router_id, _action_body()))


def _routes_body() -> list:
    body = _action_body()
    router = body.get("router")
    if not isinstance(router, dict) or "routes" not in router:
        raise bad_request("Unable to find 'router' in request body" if not isinstance(router, dict)
                          else "Failed to parse request. Required attribute 'routes' not specified")
    return router["routes"]


@bp.put(f"{API_PREFIX}/routers/<router_id>/add_extraroutes")
def add_extraroutes(router_id):
    ctx = context()
    router = routers.change_routes(backend(), ctx, router_id, _routes_body(), add=True)
    return jsonify({"router": views.router(router, ctx, backend())})


@bp.put(f"{API_PREFIX}/routers/<router_id>/remove_extraroutes")
def remove_extraroutes(router_id):
    ctx = context()
    router = routers.change_routes(backend(), ctx, router_id, _routes_body(), add=False)
    return jsonify({"router": views.router(router, ctx, backend())})


# --- tags (standard-attr-tag) ---------------------------------------------------------------------

_TAGGED = "<any(networks, subnets, ports, routers, floatingips, 'security-groups', subnetpools):collection>"


def _tags_body() -> list:
    body = _action_body()
    if not isinstance(body, dict) or "tags" not in body:
        raise invalid_input("Invalid tags body")
    return body["tags"]


@bp.get(f"{API_PREFIX}/{_TAGGED}/<resource_id>/tags")
def list_tags(collection, resource_id):
    return jsonify({"tags": tags.get_tags(backend(), context(), collection, resource_id)})


@bp.put(f"{API_PREFIX}/{_TAGGED}/<resource_id>/tags")
def replace_tags(collection, resource_id):
    return jsonify({"tags": tags.replace_tags(backend(), context(), collection, resource_id, _tags_body())})


@bp.post(f"{API_PREFIX}/{_TAGGED}/<resource_id>/tags")
def add_tags(collection, resource_id):
    response = jsonify({"tags": tags.add_tags(backend(), context(), collection, resource_id, _tags_body())})
    response.status_code = 201
    return response


@bp.delete(f"{API_PREFIX}/{_TAGGED}/<resource_id>/tags")
def remove_all_tags(collection, resource_id):
    tags.remove_all(backend(), context(), collection, resource_id)
    return Response(status=204)


@bp.get(f"{API_PREFIX}/{_TAGGED}/<resource_id>/tags/<tag>")
def check_tag(collection, resource_id, tag):
    tags.has_tag(backend(), context(), collection, resource_id, tag)
    return Response(status=204)


@bp.put(f"{API_PREFIX}/{_TAGGED}/<resource_id>/tags/<tag>")
def add_tag(collection, resource_id, tag):
    # Tempest sends the JSON string "{}" as the body; Neutron ignores it.
    tags.add_tag(backend(), context(), collection, resource_id, tag)
    return Response(status=201)


@bp.delete(f"{API_PREFIX}/{_TAGGED}/<resource_id>/tags/<tag>")
def remove_tag(collection, resource_id, tag):
    tags.remove_tag(backend(), context(), collection, resource_id, tag)
    return Response(status=204)
