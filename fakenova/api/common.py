"""Request plumbing shared by every service blueprint."""

from __future__ import annotations

import json

from flask import current_app, g, request

from fakenova.backend import Backend
from fakenova.domain import identity
from fakenova.domain.context import RequestContext
from fakenova.errors import BadRequest, UnsupportedMediaType

JSON_TYPES = ("application/json", "application/vnd.openstack.compute+json")


def backend() -> Backend:
    return current_app.extensions["fakenova"]


def base_url() -> str:
    """Scheme and host of this request, so links work behind any address ("http://host:port")."""
    return request.host_url.rstrip("/")


def authenticate() -> RequestContext:
    """Validate X-Auth-Token (401 otherwise) and remember who is asking for this request."""
    context = identity.context_for(backend(), request.headers.get("X-Auth-Token"))
    g.context = context
    return context


def context() -> RequestContext:
    return g.context


def json_body(*, required: bool = True, malformed: str = "Malformed request body"):
    """The request's JSON body; 415 for a non-JSON content type, 400 for bad JSON."""
    raw = request.get_data(cache=True)
    if not raw:
        if required:
            raise BadRequest(malformed)
        return None
    mimetype = request.mimetype
    # Nova reads text/plain (curl's habit) as if no type were given, and that means JSON.
    if mimetype and mimetype not in JSON_TYPES and mimetype != "text/plain":
        raise UnsupportedMediaType("Unsupported Content-Type")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(malformed) from None


def query_lists() -> dict[str, list[str]]:
    """The query string as {name: [values]}, the shape Nova validates."""
    return {key: request.args.getlist(key) for key in request.args.keys()}
