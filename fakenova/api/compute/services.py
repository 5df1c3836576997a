"""/os-services (nova/api/openstack/compute/services.py): the services list for admins, and
disabling, enabling and forcing down a nova-compute service.

Below 2.53 the path names an action (enable, disable, disable-log-reason; force-down from 2.11)
and the body names the service by host and binary; from 2.53 the path is the service's uuid and
the body says what changes. DELETE /os-services/{id} is not built.
"""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route, version
from fakenova.domain.compute import compute_services
from fakenova.errors import BadRequest, NotFound
from fakenova.microversion import between
from fakenova.validation import nova_boolean
from fakenova.views import services as views

BY_UUID = between("2.53")
FORCE_DOWN = between("2.11")


@route("/os-services")
def list_services():
    params = query("services", "index")
    # Nova reads each filter as req.GET[name]: the last value given; an empty one filters nothing.
    host, binary = ((params.get(name) or [""])[-1] for name in ("host", "binary"))
    found = compute_services.list_all(backend(), context(), host, binary)
    return jsonify({"services": [views.detail(service, version()) for service in found]})


@route("/os-services/<service_id>", methods=["PUT"])
def update_service(service_id: str):
    request = body("services", "update")
    if version() in BY_UUID:
        if "forced_down" in request:
            request["forced_down"] = nova_boolean(request["forced_down"])
        service = compute_services.update_by_uuid(backend(), context(), service_id, request)
        return jsonify({"service": views.detail(service, version())})
    return jsonify({"service": _legacy_action(service_id, request)})


def _legacy_action(action: str, request: dict) -> dict:
    """The 2.1-2.52 actions; the answer echoes what changed, not the whole record."""
    ctx = context()
    compute_services.authorize_update(ctx)
    host, binary = request["host"], request["binary"]
    if action == "enable":
        changes, shown = {"disabled": False, "disabled_reason": None}, {"status": "enabled"}
    elif action == "disable":
        changes, shown = {"disabled": True, "disabled_reason": None}, {"status": "disabled"}
    elif action == "disable-log-reason":
        if "disabled_reason" not in request:
            raise BadRequest("Missing disabled reason field")
        reason = request["disabled_reason"]
        changes, shown = {"disabled": True, "disabled_reason": reason}, {"status": "disabled",
                                                                         "disabled_reason": reason}
    elif action == "force-down" and version() in FORCE_DOWN:
        if "forced_down" not in request:
            raise BadRequest("Missing forced_down field")
        forced_down = nova_boolean(request["forced_down"])
        changes, shown = {"forced_down": forced_down}, {"forced_down": forced_down}
    else:
        raise NotFound("Unknown action")
    compute_services.update_by_host(backend(), ctx, host, binary, changes)
    return {"host": host, "binary": binary, **shown}
