"""/os-networks and /os-tenant-networks: list and show over the Neutron networks (2.1-2.35, 404 from
2.36); create, add, delete and the association actions were nova-network's and answer 410 Gone at
every microversion, as Nova does. nova/api/openstack/compute/networks.py, networks_associate.py,
tenant_networks.py."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import action_body, query, route
from fakenova.domain.compute import network_proxy
from fakenova.errors import APIError
from fakenova.microversion import between

PROXIES = between(None, "2.35")
# The actions Nova still routes on /os-networks/{id}/action, all removed (410).
REMOVED_ACTIONS = ("disassociate", "disassociate_host", "disassociate_project", "associate_host")


def _gone():
    raise APIError(network_proxy.GONE, code=410)


@route("/os-networks", versions=PROXIES)
def list_networks():
    query("networks", "index")
    return jsonify({"networks": network_proxy.list_networks(backend(), context(), tenant=False)})


@route("/os-networks/<network_id>", versions=PROXIES)
def show_network(network_id):
    query("networks", "show")
    return jsonify({"network": network_proxy.get_network(backend(), context(), network_id, tenant=False)})


@route("/os-networks", methods=["POST"])
def create_network():
    _gone()


@route("/os-networks/add", methods=["POST"])
def add_network():
    _gone()


@route("/os-networks/<network_id>", methods=["DELETE"])
def delete_network(network_id):
    _gone()


@route("/os-networks/<network_id>/action", methods=["POST"])
def network_action(network_id):
    action_body(REMOVED_ACTIONS)
    _gone()


@route("/os-tenant-networks", versions=PROXIES)
def list_tenant_networks():
    query("tenant_networks", "index")
    return jsonify({"networks": network_proxy.list_networks(backend(), context(), tenant=True)})


@route("/os-tenant-networks/<network_id>", versions=PROXIES)
def show_tenant_network(network_id):
    query("tenant_networks", "show")
    return jsonify({"network": network_proxy.get_network(backend(), context(), network_id, tenant=True)})


@route("/os-tenant-networks", methods=["POST"])
def create_tenant_network():
    _gone()


@route("/os-tenant-networks/<network_id>", methods=["DELETE"])
def delete_tenant_network(network_id):
    _gone()
