"""/os-hosts (nova/api/openstack/compute/hosts.py), deprecated: served from 2.1 to 2.42, 404 after.
Admin-only; the host actions (enable/disable, maintenance, startup/shutdown/reboot) answer as a
libvirt compute does: 501 once the host is known."""

from __future__ import annotations

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route
from fakenova.domain.compute import hosts
from fakenova.microversion import between

HOSTS_API = between(None, "2.42")


@route("/os-hosts", versions=HOSTS_API)
def list_hosts():
    args = query("hosts", "index")
    hosts.authorize(context(), "list")
    zone = (args.get("zone") or [None])[-1]
    return {"hosts": hosts.list_hosts(backend(), zone)}


@route("/os-hosts/<host>", versions=HOSTS_API)
def show_host(host: str):
    query("hosts", "show")
    hosts.authorize(context(), "show")
    return {"host": hosts.show(backend(), host)}


@route("/os-hosts/<host>", methods=["PUT"], versions=HOSTS_API)
def update_host(host: str):
    body("hosts", "update")
    hosts.authorize(context(), "update")
    hosts.not_supported(backend(), host)


def _power_action(policy_action: str):
    def handler(host: str):
        hosts.authorize(context(), policy_action)
        hosts.not_supported(backend(), host)
    return handler


for _action, _policy in (("startup", "start"), ("shutdown", "shutdown"), ("reboot", "reboot")):
    route(f"/os-hosts/<host>/{_action}", versions=HOSTS_API, endpoint=f"host_{_action}")(_power_action(_policy))
