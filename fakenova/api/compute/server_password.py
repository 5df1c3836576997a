"""/servers/{id}/os-server-password (nova/api/openstack/compute/server_password.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import route
from fakenova.domain.compute import server_password


@route("/servers/<server_id>/os-server-password")
def show_server_password(server_id):
    return jsonify({"password": server_password.show(backend(), context(), server_id)})


@route("/servers/<server_id>/os-server-password", methods=["DELETE"])
def clear_server_password(server_id):
    server_password.clear(backend(), context(), server_id)
    return "", 204
