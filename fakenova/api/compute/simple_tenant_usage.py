"""/os-simple-tenant-usage (nova/api/openstack/compute/simple_tenant_usage.py): every project's usage
(admin) and one project's (its readers). Query ``start``/``end`` and, for the list, ``detailed=1``;
from 2.40 ``limit``/``marker`` page through the servers, with ``tenant_usages_links`` /
``tenant_usage_links``; from 2.75 unknown parameters are a 400."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route, self_link, version
from fakenova.domain import paging
from fakenova.domain.compute import tenant_usage
from fakenova.microversion import between
from fakenova.views.links import collection_links

PAGED = between("2.40")


@route("/os-simple-tenant-usage")
def list_tenant_usages():
    params = query("simple_tenant_usage", "index")
    tenant_usage.authorize_list(context())
    start, stop = _period(params)
    # Nova reads the flag from the raw query string: the first non-empty value, and only "1" counts.
    detailed = _first(params, "detailed") == "1"
    limit, marker = _paging(params)
    usages, page = tenant_usage.usages(backend(), start, stop, detailed=detailed, limit=limit, marker=marker)
    body = {"tenant_usages": usages}
    if version() in PAGED:
        next_links = collection_links(self_link("os-simple-tenant-usage"), params, page, id_key="instance_id",
                                      page_size=limit)
        if next_links:
            body["tenant_usages_links"] = next_links
    return jsonify(body)


@route("/os-simple-tenant-usage/<project_id>")
def show_tenant_usage(project_id):
    params = query("simple_tenant_usage", "show")
    tenant_usage.authorize_show(context(), project_id)
    start, stop = _period(params)
    limit, marker = _paging(params)
    usages, page = tenant_usage.usages(backend(), start, stop, project_id=project_id, limit=limit, marker=marker)
    # A project without usage in the window is an empty object, not zeros.
    body = {"tenant_usage": usages[0] if usages else {}}
    if version() in PAGED:
        next_links = collection_links(self_link("os-simple-tenant-usage", project_id), params, page,
                                      id_key="instance_id", page_size=limit)
        if next_links:
            body["tenant_usage_links"] = next_links
    return jsonify(body)


def _first(params: dict[str, list[str]], name: str) -> str | None:
    """What urllib's parse_qs gives Nova: blank values are dropped, the first one left wins."""
    return next((value for value in params.get(name, ()) if value), None)


def _period(params):
    return tenant_usage.period(backend(), _first(params, "start"), _first(params, "end"))


def _paging(params) -> tuple[int, str | None]:
    """Below 2.40 every page is max_limit long; from 2.40 the request's (last) limit and marker."""
    if version() not in PAGED:
        return paging.MAX_LIMIT, None
    limit = paging.capped(int(params["limit"][-1]) if params.get("limit") else None)
    marker = params["marker"][-1] if params.get("marker") else None
    return limit, marker
