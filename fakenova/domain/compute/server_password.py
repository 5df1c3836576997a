"""/servers/{id}/os-server-password (nova/api/openstack/compute/server_password.py).

The password here is the one a guest posts, encrypted, to the metadata service (not adminPass); no
guest runs in fakenova, so it stays "" unless state imported or a test sets ``encrypted_password``."""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import servers

_RULE = "os_compute_api:os-server-password:"


def show(backend, context, server_id: str) -> str:
    server = servers.get(backend, context, server_id)
    policy.authorize(context, _RULE + "show", server["project_id"])
    return server.get("encrypted_password") or ""


def clear(backend, context, server_id: str) -> None:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, _RULE + "clear", server["project_id"])
        server["encrypted_password"] = ""
