"""/os-hypervisors (nova/api/openstack/compute/hypervisors.py): the compute nodes, for admins.

List and detail page with limit/marker from 2.33 (``hypervisors_links``); from 2.53 ids are uuids
and ``hypervisor_hostname_pattern`` / ``with_servers`` replace the /search and /servers routes
(both gone at 2.53); /statistics and /{id}/uptime are gone at 2.88, where the detail view drops
the resource columns and shows ``uptime``.
"""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route, self_link, version
from fakenova.domain import paging
from fakenova.domain.compute import hypervisors
from fakenova.errors import BadRequest
from fakenova.microversion import between
from fakenova.validation import nova_boolean
from fakenova.views import hypervisors as views
from fakenova.views.links import collection_links

PAGED = between("2.33")
BY_UUID = between("2.53")
BEFORE_UUIDS = between(None, "2.52")
BEFORE_2_88 = between(None, "2.87")


@route("/os-hypervisors")
def list_hypervisors():
    return _list(detail=False)


@route("/os-hypervisors/detail")
def list_hypervisors_detail():
    return _list(detail=True)


def _list(*, detail: bool):
    params = query("hypervisors", "index")
    last = {name: values[-1] for name, values in params.items() if values}
    hypervisors.authorize(context(), "list-detail" if detail else "list")
    paged = version() in PAGED
    by_uuid = version() in BY_UUID
    with_servers = by_uuid and nova_boolean(last.get("with_servers", False))
    pattern = last.get("hypervisor_hostname_pattern") if by_uuid else None
    limit = int(last["limit"]) if paged and "limit" in last else None
    marker = last.get("marker") if paged else None
    links = paged
    if pattern is not None:
        if "limit" in last or marker:
            raise BadRequest("Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not "
                             "supported.")
        links = False
        nodes = hypervisors.matching(backend(), pattern)
    else:
        nodes = hypervisors.page(backend(), limit=limit, marker=marker, by_uuid=by_uuid)
    body = {"hypervisors": [_view(node, detail=detail, with_servers=with_servers) for node in nodes]}
    if links:
        collection = "os-hypervisors/detail" if detail else "os-hypervisors"
        next_links = collection_links(self_link(collection), params, body["hypervisors"], id_key="id",
                                      page_size=paging.capped(limit))
        if next_links:
            body["hypervisors_links"] = next_links
    return jsonify(body)


@route("/os-hypervisors/<hypervisor_id>")
def show_hypervisor(hypervisor_id: str):
    params = query("hypervisors", "show")
    by_uuid = version() in BY_UUID
    with_servers = by_uuid and nova_boolean((params.get("with_servers") or [False])[-1])
    hypervisors.authorize(context(), "show")
    node = hypervisors.get(backend(), hypervisor_id, by_uuid=by_uuid)
    return jsonify({"hypervisor": _view(node, detail=True, with_servers=with_servers)})


@route("/os-hypervisors/<hypervisor_id>/uptime", versions=BEFORE_2_88)
def show_hypervisor_uptime(hypervisor_id: str):
    hypervisors.authorize(context(), "uptime")
    node = hypervisors.get(backend(), hypervisor_id, by_uuid=version() in BY_UUID)
    item = views.hypervisor(node, version())
    item["uptime"] = hypervisors.uptime(backend(), node)
    return jsonify({"hypervisor": item})


@route("/os-hypervisors/statistics", versions=BEFORE_2_88)
def show_hypervisor_statistics():
    hypervisors.authorize(context(), "statistics")
    nodes = hypervisors.all_nodes(backend())
    usages = [hypervisors.usage(backend(), node["host"]) for node in nodes]
    return jsonify({"hypervisor_statistics": views.statistics(len(nodes), usages)})


@route("/os-hypervisors/<pattern>/search", versions=BEFORE_UUIDS)
def search_hypervisors(pattern: str):
    hypervisors.authorize(context(), "search")
    return jsonify({"hypervisors": [views.hypervisor(node, version())
                                    for node in hypervisors.matching(backend(), pattern)]})


@route("/os-hypervisors/<pattern>/servers", versions=BEFORE_UUIDS)
def list_hypervisor_servers(pattern: str):
    hypervisors.authorize(context(), "servers")
    return jsonify({"hypervisors": [
        views.hypervisor(node, version(), servers=hypervisors.servers_on(backend(), node["host"]))
        for node in hypervisors.matching(backend(), pattern)]})


def _view(node: dict, *, detail: bool, with_servers: bool) -> dict:
    host = node["host"]
    extra = {}
    if detail:
        if version() in views.WITHOUT_RESOURCES:
            extra["uptime"] = hypervisors.uptime(backend(), node)
        else:
            extra.update(usage=hypervisors.usage(backend(), host), cpu_info=hypervisors.cpu_info_text())
    servers = hypervisors.servers_on(backend(), host) if with_servers else None
    return views.hypervisor(node, version(), detail=detail, servers=servers, with_servers=with_servers, **extra)
