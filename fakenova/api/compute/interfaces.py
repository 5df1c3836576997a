"""/servers/{id}/os-interface[/{port_id}] (nova/api/openstack/compute/attach_interfaces.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route, version
from fakenova.domain.compute import server_interfaces
from fakenova.views import interfaces as views


@route("/servers/<server_id>/os-interface")
def list_interfaces(server_id):
    query("interfaces", "index")
    found = server_interfaces.listed(backend(), context(), server_id)
    return jsonify({"interfaceAttachments": [views.attachment(port, tag, version()) for port, tag in found]})


@route("/servers/<server_id>/os-interface", methods=["POST"])
def attach_interface(server_id):
    data = body("interfaces", "create")
    port, tag = server_interfaces.attach(backend(), context(), server_id, data.get("interfaceAttachment") or {})
    return jsonify({"interfaceAttachment": views.attachment(port, tag, version())})


@route("/servers/<server_id>/os-interface/<port_id>")
def show_interface(server_id, port_id):
    query("interfaces", "show")
    port, tag = server_interfaces.get(backend(), context(), server_id, port_id)
    return jsonify({"interfaceAttachment": views.attachment(port, tag, version())})


@route("/servers/<server_id>/os-interface/<port_id>", methods=["DELETE"])
def detach_interface(server_id, port_id):
    server_interfaces.detach(backend(), context(), server_id, port_id)
    return "", 202
