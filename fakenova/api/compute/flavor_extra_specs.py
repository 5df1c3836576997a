"""/flavors/{id}/os-extra_specs[/{key}] (nova/api/openstack/compute/flavors_extraspecs.py).

Writes answer with the request body, as Nova does. The per-namespace value checks Nova applies
from 2.86 (hw:cpu_policy and friends) are not modelled.
"""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route
from fakenova.domain import policy
from fakenova.domain.compute import flavors
from fakenova.errors import BadRequest

_RULE = "os_compute_api:os-flavor-extra-specs:"


@route("/flavors/<flavor_id>/os-extra_specs", methods=["GET"])
def list_extra_specs(flavor_id: str):
    query("flavor_extra_specs", "query")
    policy.authorize(context(), _RULE + "index")
    return {"extra_specs": dict(flavors.get_visible(backend(), context(), flavor_id)["extra_specs"])}


@route("/flavors/<flavor_id>/os-extra_specs", methods=["POST"])
def create_extra_specs(flavor_id: str):
    request_body = body("flavor_extra_specs", "create")
    policy.authorize(context(), _RULE + "create")
    flavors.set_extra_specs(backend(), context(), flavor_id, request_body["extra_specs"])
    return request_body


@route("/flavors/<flavor_id>/os-extra_specs/<key>", methods=["GET"])
def show_extra_spec(flavor_id: str, key: str):
    query("flavor_extra_specs", "query")
    policy.authorize(context(), _RULE + "show")
    return {key: flavors.extra_spec(backend(), context(), flavor_id, key)}


@route("/flavors/<flavor_id>/os-extra_specs/<key>", methods=["PUT"])
def update_extra_spec(flavor_id: str, key: str):
    request_body = body("flavor_extra_specs", "update")
    policy.authorize(context(), _RULE + "update")
    if key not in request_body:
        raise BadRequest("Request body and URI mismatch")
    flavors.set_extra_specs(backend(), context(), flavor_id, request_body)
    return request_body


@route("/flavors/<flavor_id>/os-extra_specs/<key>", methods=["DELETE"])
def delete_extra_spec(flavor_id: str, key: str):
    policy.authorize(context(), _RULE + "delete")
    flavors.delete_extra_spec(backend(), context(), flavor_id, key)
    response = Response(status=200)
    del response.headers["Content-Type"]  # no body, so no type
    return response
