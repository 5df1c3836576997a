"""/os-server-groups[/{id}] (nova/api/openstack/compute/server_groups.py)."""

from __future__ import annotations

from flask import jsonify, request

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route, version
from fakenova.domain.compute import server_groups
from fakenova.microversion import between
from fakenova.views import server_groups as views

POLICY_AND_RULES = between("2.64")   # one "policy" (+ "rules") instead of a "policies" list


@route("/os-server-groups")
def list_server_groups():
    params = query("server_groups", "index")
    groups = server_groups.listed(backend(), context(), all_projects="all_projects" in request.args,
                                  offset=int(params.get("offset", ["0"])[-1]),
                                  limit=int(params.get("limit", ["0"])[-1]) or None)
    return jsonify({"server_groups": [views.group(backend(), g, version()) for g in groups]})


@route("/os-server-groups", methods=["POST"])
def create_server_group():
    wanted = body("server_groups", "create")["server_group"]
    if version() in POLICY_AND_RULES:
        policy_name, rules = wanted["policy"], wanted.get("rules")
    else:
        policy_name, rules = wanted["policies"][0], None
    group = server_groups.create(backend(), context(), name=wanted["name"], policy_name=policy_name, rules=rules)
    return jsonify({"server_group": views.group(backend(), group, version())})


@route("/os-server-groups/<group_id>")
def show_server_group(group_id):
    query("server_groups", "show")
    group = server_groups.get(backend(), context(), group_id)
    return jsonify({"server_group": views.group(backend(), group, version())})


@route("/os-server-groups/<group_id>", methods=["DELETE"])
def delete_server_group(group_id):
    server_groups.delete(backend(), context(), group_id)
    return "", 204
