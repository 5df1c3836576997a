"""/os-aggregates (nova/api/openstack/compute/aggregates.py): list, create, show, update, delete and
the actions add_host, remove_host and set_metadata, admin-only; ``uuid`` from 2.41. The zone in an
aggregate's metadata is its hosts' availability zone (domain/compute/aggregates.py).

Nova's order: body schema, policy, the id check (400 "... id must be an integer"), then the lookup.
Not built: POST /os-aggregates/{id}/images (2.81, image pre-caching).
"""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import action_body, body, query, route, version
from fakenova.clock import db_time
from fakenova.domain.compute import aggregates
from fakenova.microversion import between

WITH_UUID = between("2.41")


def _view(aggregate: dict, *, created: bool = False) -> dict:
    shown = {"availability_zone": aggregates.zone(aggregate), "created_at": db_time(aggregate["created_at"]),
             "deleted": False, "deleted_at": None, "id": aggregate["id"], "name": aggregate["name"],
             "updated_at": db_time(aggregate["updated_at"])}
    if not created:
        shown["hosts"] = list(aggregate["hosts"])
        shown["metadata"] = dict(aggregate["metadata"])
    if version() in WITH_UUID:
        shown["uuid"] = aggregate["uuid"]
    return {"aggregate": shown}


@route("/os-aggregates")
def list_aggregates():
    query("aggregates", "index")
    aggregates.authorize(context(), "index")
    return {"aggregates": [_view(a)["aggregate"] for a in aggregates.list_all(backend())]}


@route("/os-aggregates", methods=["POST"])
def create_aggregate():
    request = body("aggregates", "create")["aggregate"]
    aggregates.authorize(context(), "create")
    zone = request.get("availability_zone")
    created = aggregates.create(backend(), request["name"].strip(), zone.strip() if zone else zone)
    return _view(created, created=True)


@route("/os-aggregates/<aggregate_id>")
def show_aggregate(aggregate_id: str):
    query("aggregates", "show")
    aggregates.authorize(context(), "show")
    return _view(aggregates.get(backend(), aggregate_id))


@route("/os-aggregates/<aggregate_id>", methods=["PUT"])
def update_aggregate(aggregate_id: str):
    changes = dict(body("aggregates", "update")["aggregate"])
    aggregates.authorize(context(), "update")
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    return _view(aggregates.update(backend(), aggregate_id, changes))


@route("/os-aggregates/<aggregate_id>", methods=["DELETE"])
def delete_aggregate(aggregate_id: str):
    aggregates.authorize(context(), "delete")
    aggregates.delete(backend(), aggregate_id)
    return Response(status=200)


@route("/os-aggregates/<aggregate_id>/action", methods=["POST"])
def aggregate_action(aggregate_id: str):
    name, data = action_body(_ACTIONS)
    backend().schemas.validate_body(data, "compute", "aggregates", name, version())
    aggregates.authorize(context(), name)
    return _ACTIONS[name](aggregate_id, data[name])


def _add_host(aggregate_id: str, request: dict) -> dict:
    return _view(aggregates.add_host(backend(), aggregate_id, request["host"]))


def _remove_host(aggregate_id: str, request: dict) -> dict:
    return _view(aggregates.remove_host(backend(), aggregate_id, request["host"]))


def _set_metadata(aggregate_id: str, request: dict) -> dict:
    return _view(aggregates.set_metadata(backend(), aggregate_id, request["metadata"]))


_ACTIONS = {"add_host": _add_host, "remove_host": _remove_host, "set_metadata": _set_metadata}
