"""The compute blueprint and the plumbing every compute handler shares.

``route`` declares a handler with the microversion range it exists in; ``body`` and ``query``
validate against the schema file for the current microversion.
"""

from __future__ import annotations

import functools
import re

from flask import Blueprint, g, request

from fakenova import microversion
from fakenova.api.common import authenticate, backend, base_url, json_body, log_hint, query_lists
from fakenova.domain.compute import archive, lifecycle
from fakenova.errors import BadRequest
from fakenova.microversion import APIVersion, VersionRange

bp = Blueprint("compute", __name__, url_prefix="/compute")

API_PREFIX = "/v2.1"


def prepare_request() -> None:
    """Runs before every request under /compute, routed or not (so an unknown path is still 401
    without a token, and a 404 still carries the version headers)."""
    req, state = request._get_current_object(), g._get_current_object()
    path = req.path.rstrip("/") or "/"
    if path in ("/compute", "/compute/v2", "/compute/v2.1"):
        if path == "/compute/v2.1":
            state.microversion = microversion.negotiate(req.headers)
        return
    # Keystone's middleware runs first in Nova: a bad token is 401 whatever the version header.
    authenticate()
    if path.startswith(f"/compute{API_PREFIX}/"):
        state.microversion = microversion.negotiate(req.headers)
        ignored = microversion.ignored_header(req.headers)
        if ignored:
            log_hint(ignored)
        # Server state changes that fell due on the fake clock land before any handler reads, and
        # servers deleted longer ago than the retention window are archived (a bounded batch).
        fake = backend()
        lifecycle.settle(fake)
        archive.sweep(fake)


def version() -> APIVersion:
    return g.microversion


def route(rule: str, methods=("GET",), versions: VersionRange | None = None, **options):
    """Register a handler under /compute/v2.1 that exists only in ``versions`` (404 outside)."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if versions is not None:
                microversion.require(versions, version())
            return func(*args, **kwargs)

        # Nova's router (routes.Mapper, nova/api/openstack/__init__.py ProjectMapper) matches a path
        # exactly: "/servers/" or "/os-simple-tenant-usage/" is no route, so 404, never the list.
        options.setdefault("strict_slashes", True)
        bp.add_url_rule(API_PREFIX + rule, view_func=wrapper, methods=list(methods), **options)
        return wrapper

    return decorator


def body(resource: str, operation: str):
    """Parse the JSON body and validate it with schemas/compute/<resource>/<operation>/.

    An empty body is validated as None, as Nova does for POST and PUT, so the client hears the
    schema's own complaint ("None is not of type 'object'").
    """
    data = json_body(required=False)
    backend().schemas.validate_body(data, "compute", resource, operation, version())
    return data


def action_body(known) -> tuple[str, dict]:
    """Nova's action dispatch (wsgi.Resource): the body is one key naming the action; anything else
    is 400 "Malformed request body", an unknown name 400 "There is no such action: X".
    Returns (name, body); the caller validates the body against the action's own schema."""
    data = json_body(required=False)
    if not isinstance(data, dict) or len(data) != 1:
        raise BadRequest("Malformed request body")
    name = next(iter(data))
    if name not in known:
        raise BadRequest(f"There is no such action: {name}")
    return name, data


def query(resource: str, operation: str) -> dict[str, list[str]]:
    """Validate the query string; parameters the schema does not name are dropped, as Nova does
    below 2.75 (where the schema forbids them, validation has already answered 400)."""
    args = query_lists()
    schemas = backend().schemas
    if not args:  # most requests: nothing to drop, and the schema's verdict on {} is cached
        schemas.validate_query(args, "compute", resource, operation, version())
        return args
    if schemas.validate_query(args, "compute", resource, operation, version()):
        known = schemas.query_properties("compute", resource, operation, version())
        patterns = [re.compile(p) for p in schemas.query_patterns("compute", resource, operation, version())]
        args = {key: values for key, values in args.items()
                if key in known or any(p.match(key) for p in patterns)}
    return args


def self_link(*parts: str) -> str:
    return "/".join([f"{base_url()}/compute{API_PREFIX}", *parts])


def bookmark_link(*parts: str) -> str:
    return "/".join([f"{base_url()}/compute", *parts])


def links(*parts: str) -> list[dict]:
    return [{"rel": "self", "href": self_link(*parts)}, {"rel": "bookmark", "href": bookmark_link(*parts)}]
