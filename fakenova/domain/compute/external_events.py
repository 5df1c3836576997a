"""POST /os-server-external-events: what Neutron, Cinder and Cyborg tell Nova about a server
(nova/api/openstack/compute/server_external_events.py). Each event is answered on its own: 404 for
an unknown server, 400 for a tagless event that needs a tag, 422 for a server without a host, 200
otherwise; any failure makes the whole answer 207.

An accepted event changes nothing in fakenova: its compute host has no guest waiting for a VIF,
no disk to grow and no power state to take from outside (Nova's compute manager acts on them).
"""

from __future__ import annotations

import logging

from fakenova.domain import policy

log = logging.getLogger("fakenova")

# Events Nova drops without a tag (server_external_events.py TAG_REQUIRED).
TAG_REQUIRED = ("volume-extended", "power-update", "accelerator-request-bound")


def create(backend, context, events: list[dict]) -> tuple[int, list[dict]]:
    policy.authorize(context, "os_compute_api:os-server-external-events:create")
    code, answered = 200, []
    with backend.store.lock:
        servers = backend.store.servers
        for requested in events:
            event = dict(requested)
            server = servers.get(event["server_uuid"])
            if server is None or server.get("deleted"):
                event.update(status="failed", code=404)
            elif event["name"] in TAG_REQUIRED and "tag" not in event:
                event.update(status="failed", code=400)
            elif server.get("host"):
                event.update(status="completed", code=200)
                log.warning("fakenova accepts external event %s for server %s but models no effect of it",
                            event["name"], event["server_uuid"])
            else:
                event.update(status="failed", code=422)
            if event["code"] != 200:
                code = 207
            answered.append(event)
    return code, answered
