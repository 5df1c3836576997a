"""/servers/{id}/ips[/{network}] (nova/api/openstack/compute/ips.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route
from fakenova.domain.compute import server_addresses


@route("/servers/<server_id>/ips")
def list_server_ips(server_id):
    query("ips", "index")
    return jsonify({"addresses": server_addresses.listed(backend(), context(), server_id)})


@route("/servers/<server_id>/ips/<network>")
def show_server_ips_on_network(server_id, network):
    query("ips", "show")
    return jsonify({network: server_addresses.on_network(backend(), context(), server_id, network)})
