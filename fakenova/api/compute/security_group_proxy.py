"""/os-security-groups and /os-security-group-rules: Nova's proxies to the Neutron security groups,
2.1-2.35 only (404 from 2.36, where Nova removed them). nova/api/openstack/compute/security_groups.py."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route
from fakenova.api.compute.limited import limit_and_offset
from fakenova.domain.compute import security_group_proxy
from fakenova.microversion import between

PROXIES = between(None, "2.35")


@route("/os-security-groups", versions=PROXIES)
def list_security_groups():
    args = query("security_groups", "index")
    limit, offset = limit_and_offset()
    found = security_group_proxy.list_groups(backend(), context(), all_tenants="all_tenants" in args,
                                             limit=limit, offset=offset)
    return jsonify({"security_groups": found})


@route("/os-security-groups/<group_id>", versions=PROXIES)
def show_security_group(group_id):
    query("security_groups", "show")
    return jsonify({"security_group": security_group_proxy.get_group(backend(), context(), group_id)})


@route("/os-security-groups", methods=["POST"], versions=PROXIES)
def create_security_group():
    data = body("security_groups", "create")["security_group"]
    group = security_group_proxy.create_group(backend(), context(), data["name"], data["description"])
    return jsonify({"security_group": group})


@route("/os-security-groups/<group_id>", methods=["PUT"], versions=PROXIES)
def update_security_group(group_id):
    data = body("security_groups", "update")["security_group"]
    group = security_group_proxy.update_group(backend(), context(), group_id, data["name"], data["description"])
    return jsonify({"security_group": group})


@route("/os-security-groups/<group_id>", methods=["DELETE"], versions=PROXIES)
def delete_security_group(group_id):
    security_group_proxy.delete_group(backend(), context(), group_id)
    return "", 202


@route("/os-security-group-rules", methods=["POST"], versions=PROXIES)
def create_security_group_rule():
    data = body("security_group_rules", "create")["security_group_rule"]
    return jsonify({"security_group_rule": security_group_proxy.create_rule(backend(), context(), data)})


@route("/os-security-group-rules/<rule_id>", methods=["DELETE"], versions=PROXIES)
def delete_security_group_rule(rule_id):
    security_group_proxy.delete_rule(backend(), context(), rule_id)
    return "", 202
