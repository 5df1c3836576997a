"""Server tags (2.26+): /servers/{id}/tags[/{tag}] (nova/api/openstack/compute/server_tags.py).

Nova resolves the instance mapping first (unknown id: "has no mapping to a cell"), checks policy against
the mapped project (so another project's server is 403 here, not 404), then reads the instance. Tags come
back in the database's order, the (resource_id, tag) primary key: sorted.
"""

from __future__ import annotations

import re

from fakenova.domain import policy
from fakenova.domain.compute import servers
from fakenova.domain.compute.server_guards import WRITABLE, require_state
from fakenova.errors import BadRequest, NotFound

MAX_TAGS = 50  # nova.objects.instance.MAX_TAG_COUNT
_RULE = "os_compute_api:os-server-tags:"
_TAG = re.compile(r"^[^,/]*$")


def _mapped(backend, context, server_id: str, rule: str) -> dict:
    server = backend.store.servers.get(server_id)
    if server is None:
        raise NotFound(f"Instance {server_id} has no mapping to a cell.")
    policy.authorize(context, _RULE + rule, server["project_id"])
    if server.get("deleted"):
        raise servers.not_found(server_id)
    return server


def _writable(backend, context, server_id: str, rule: str, action: str) -> dict:
    server = _mapped(backend, context, server_id, rule)
    require_state(server, action, WRITABLE, task_idle=False, must_have_launched=False)
    return server


def listed(backend, context, server_id: str) -> list[str]:
    return sorted(_mapped(backend, context, server_id, "index")["tags"])


def exists(backend, context, server_id: str, tag: str) -> None:
    if tag not in _mapped(backend, context, server_id, "show")["tags"]:
        raise NotFound(f"Server {server_id} has no tag '{tag}'")


def replace(backend, context, server_id: str, tags: list[str]) -> list[str]:
    with backend.store.lock:
        server = _writable(backend, context, server_id, "update_all", "update tags")
        server["tags"] = sorted(set(tags))
        return list(server["tags"])


def add(backend, context, server_id: str, tag: str) -> bool:
    """True when the tag is new (201), False when the server already had it (204)."""
    with backend.store.lock:
        server = _writable(backend, context, server_id, "update", "update tag")
        problem = _tag_problem(tag)
        if problem:
            raise BadRequest(f"Tag '{tag}' is invalid. It must be a non empty string without characters '/' "
                             f"and ','. Validation error message: {problem}")
        # Nova counts before it looks: at the limit even an existing tag is refused.
        if len(server["tags"]) >= MAX_TAGS:
            raise BadRequest(f"The number of tags exceeded the per-server limit {MAX_TAGS}")
        if tag in server["tags"]:
            return False
        server["tags"] = sorted(set(server["tags"]) | {tag})
        return True


def _tag_problem(tag: str) -> str | None:
    """jsonschema's message for Nova's tag type (string, 1..60 chars, no ',' or '/')."""
    if not tag:
        return "'' should be non-empty"
    if len(tag) > 60:
        return f"'{tag}' is too long"
    if not _TAG.match(tag):
        return f"'{tag}' does not match '^[^,/]*$'"
    return None


def remove(backend, context, server_id: str, tag: str) -> None:
    with backend.store.lock:
        server = _writable(backend, context, server_id, "delete", "delete tag")
        if tag not in server["tags"]:
            raise NotFound(f"Instance {server_id} has no tag '{tag}'")
        server["tags"] = [t for t in server["tags"] if t != tag]


def clear(backend, context, server_id: str) -> None:
    with backend.store.lock:
        server = _writable(backend, context, server_id, "delete_all", "delete tags")
        server["tags"] = []
