"""/servers/{id}/os-security-groups (nova/api/openstack/compute/security_groups.py,
ServerSecurityGroupController.index): the server's Neutron groups with their ingress rules. Unlike the
os-security-groups proxy (gone at 2.36), this listing exists at every microversion; from 2.102 unknown
query parameters are a 400."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route
from fakenova.domain.compute import server_security_groups


@route("/servers/<server_id>/os-security-groups")
def list_server_security_groups(server_id):
    query("server_security_groups", "index")
    return jsonify({"security_groups": server_security_groups.list_for_server(backend(), context(), server_id)})
