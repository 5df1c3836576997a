"""/os-floating-ips and /os-floating-ip-pools (2.1-2.35, 404 from 2.36) and the addFloatingIp /
removeFloatingIp server actions (2.1-2.43): Nova's proxies to the Neutron floating IPs.
nova/api/openstack/compute/floating_ips.py, floating_ip_pools.py."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route
from fakenova.api.compute.server_actions import action
from fakenova.domain.compute import floating_ip_proxy
from fakenova.microversion import between

PROXIES = between(None, "2.35")
ACTIONS = between(None, "2.43")


@route("/os-floating-ip-pools", versions=PROXIES)
def list_floating_ip_pools():
    query("floating_ip_pools", "index")
    return jsonify({"floating_ip_pools": floating_ip_proxy.list_pools(backend(), context())})


@route("/os-floating-ips", versions=PROXIES)
def list_floating_ips():
    query("floating_ips", "index")
    return jsonify({"floating_ips": floating_ip_proxy.list_floating_ips(backend(), context())})


@route("/os-floating-ips/<fip_id>", versions=PROXIES)
def show_floating_ip(fip_id):
    query("floating_ips", "show")
    return jsonify({"floating_ip": floating_ip_proxy.get_floating_ip(backend(), context(), fip_id)})


@route("/os-floating-ips", methods=["POST"], versions=PROXIES)
def create_floating_ip():
    data = body("floating_ips", "create") or {}
    return jsonify({"floating_ip": floating_ip_proxy.allocate(backend(), context(), data.get("pool"))})


@route("/os-floating-ips/<fip_id>", methods=["DELETE"], versions=PROXIES)
def delete_floating_ip(fip_id):
    floating_ip_proxy.release(backend(), context(), fip_id)
    return "", 202


@action("addFloatingIp", versions=ACTIONS)
def add_floating_ip(server_id: str, value: dict):
    floating_ip_proxy.associate(backend(), context(), server_id, value["address"], value.get("fixed_address"))
    return "", 202


@action("removeFloatingIp", versions=ACTIONS)
def remove_floating_ip(server_id: str, value: dict):
    floating_ip_proxy.disassociate(backend(), context(), server_id, value["address"])
    return "", 202
