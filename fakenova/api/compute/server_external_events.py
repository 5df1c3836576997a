"""POST /os-server-external-events (nova/api/openstack/compute/server_external_events.py): for the
service role or admin (nova/policies/server_external_events.py SERVICE_ROLE); event names grow
with the microversion (2.51 volume-extended, 2.76 power-update, 2.82 accelerator-request-bound,
2.93 volume-reimaged)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, route
from fakenova.domain.compute import external_events


@route("/os-server-external-events", methods=["POST"])
def create_server_external_events():
    events = body("server_external_events", "create")["events"]
    code, answered = external_events.create(backend(), context(), events)
    response = jsonify({"events": answered})
    response.status_code = code
    return response
