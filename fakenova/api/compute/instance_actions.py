"""/servers/{id}/os-instance-actions[/{request_id}] (nova/api/openstack/compute/instance_actions.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route, self_link, version
from fakenova.domain import paging
from fakenova.domain.compute import instance_actions
from fakenova.microversion import between
from fakenova.validation import parse_iso8601
from fakenova.views import instance_actions as views
from fakenova.views.links import collection_links

DELETED_READABLE = between("2.21")   # actions of a deleted server can be read
PAGED = between("2.58")              # limit, marker, changes-since (+ changes-before from 2.66), links


@route("/servers/<server_id>/os-instance-actions")
def list_instance_actions(server_id: str):
    params = query("instance_actions", "index")
    paged = version() in PAGED
    options = {}
    if paged:
        options = {"limit": _int(params, "limit"), "marker": _one(params, "marker"),
                   "changes_since": _time(params, "changes-since"), "changes_before": _time(params, "changes-before")}
    records = instance_actions.list_actions(backend(), context(), server_id,
                                            include_deleted=version() in DELETED_READABLE, **options)
    body = {"instanceActions": [views.action(record, version()) for record in records]}
    if paged:
        next_links = collection_links(self_link("servers", server_id, "os-instance-actions"), params, records,
                                      id_key="request_id", page_size=paging.capped(options["limit"]))
        if next_links:
            body["links"] = next_links
    return jsonify(body)


@route("/servers/<server_id>/os-instance-actions/<request_id>")
def show_instance_action(server_id: str, request_id: str):
    query("instance_actions", "show")
    ctx = context()
    server, record = instance_actions.get_action(backend(), ctx, server_id, request_id,
                                                 include_deleted=version() in DELETED_READABLE)
    return jsonify({"instanceAction": views.action_with_events(record, server, version(), ctx)})


def _one(params: dict, name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def _int(params: dict, name: str) -> int | None:
    value = _one(params, name)
    return None if value is None else int(value)


def _time(params: dict, name: str) -> float | None:
    value = _one(params, name)
    return None if value is None else parse_iso8601(value).timestamp()

