"""/servers/{id}/diagnostics (nova/api/openstack/compute/server_diagnostics.py): libvirt's free-form
dict below 2.48, the standardized body from 2.48."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route, version
from fakenova.domain.compute import server_diagnostics


@route("/servers/<server_id>/diagnostics")
def show_server_diagnostics(server_id):
    query("server_diagnostics", "index")
    if version() >= "2.48":
        return jsonify(server_diagnostics.standardized(backend(), context(), server_id))
    return jsonify(server_diagnostics.legacy(backend(), context(), server_id))
