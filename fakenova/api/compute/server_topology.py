"""/servers/{id}/topology, 2.78+ (nova/api/openstack/compute/server_topology.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route
from fakenova.domain.compute import server_topology
from fakenova.microversion import between


@route("/servers/<server_id>/topology", versions=between("2.78"))
def show_server_topology(server_id):
    query("server_topology", "index")
    return jsonify(server_topology.show(backend(), context(), server_id))
