"""Server metadata: /servers/{id}/metadata[/{key}] (nova/api/openstack/compute/server_metadata.py and
compute API ``update_instance_metadata`` / ``delete_instance_metadata``)."""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import lifecycle, quotas, servers
from fakenova.domain.compute.server_guards import WRITABLE, require_state
from fakenova.errors import BadRequest, Forbidden, NotFound

_RULE = "os_compute_api:server-metadata:"


def _server(backend, context, server_id: str, rule: str) -> dict:
    server = servers.get(backend, context, server_id)
    policy.authorize(context, _RULE + rule, server["project_id"])
    return server


def all_items(backend, context, server_id: str) -> dict:
    return dict(_server(backend, context, server_id, "index")["metadata"])


def item(backend, context, server_id: str, key: str) -> dict:
    metadata = _server(backend, context, server_id, "show")["metadata"]
    if key not in metadata:
        raise NotFound("Metadata item was not found")
    return {key: metadata[key]}


def update(backend, context, server_id: str, metadata: dict, *, replace: bool, rule: str) -> dict:
    """POST merges, PUT replaces; either way the result is checked against the metadata quota."""
    with backend.store.lock:
        server = _server(backend, context, server_id, rule)
        _check_writable(server, context, "update metadata")
        result = dict(metadata) if replace else {**server["metadata"], **metadata}
        allowed = quotas.limits_for(backend, server["project_id"])["metadata_items"]
        if 0 <= allowed < len(result):
            raise Forbidden(f"Maximum number of metadata items exceeds {allowed}")
        server["metadata"] = result
        return dict(result)


def update_item(backend, context, server_id: str, key: str, meta: dict) -> dict:
    if key not in meta:
        # Nova looks the server up and checks policy before comparing body and URI.
        _server(backend, context, server_id, "update")
        raise BadRequest("Request body and URI mismatch")
    update(backend, context, server_id, meta, replace=False, rule="update")
    return meta


def delete_item(backend, context, server_id: str, key: str) -> None:
    with backend.store.lock:
        server = _server(backend, context, server_id, "delete")
        if key not in server["metadata"]:
            raise NotFound("Metadata item was not found")
        _check_writable(server, context, "delete metadata")
        del server["metadata"][key]


def _check_writable(server: dict, context, action: str) -> None:
    lifecycle.check_lock(server, context)
    require_state(server, action, WRITABLE)
