"""Request plumbing shared by every service blueprint."""

from __future__ import annotations

import json
import sys

from flask import current_app, g, request

from fakenova.backend import Backend
from fakenova.domain.context import RequestContext
from fakenova.domain.identity import identity
from fakenova.errors import BadRequest, UnsupportedMediaType
from fakenova.validation import nested_within

JSON_TYPES = ("application/json", "application/vnd.openstack.compute+json")
# Real request bodies nest a handful of levels; a fuzzer's thousand-deep [[[...]]] would otherwise
# exhaust the stack in the parser, the validator or the journal (a 500). Deeper is "malformed".
MAX_JSON_DEPTH = 100


# Request body limits. Every service's API takes at most settings.max_body_size (oslo.middleware's
# limit: 413 above it). A service module may set BODY_LIMIT and a view @body_limit(n) for their own;
# NO_LIMIT means none (the control plane, so that whatever GET /_fake/state exports, PUT takes back).
# app._start_request applies them, in that one place.
NO_LIMIT = sys.maxsize


def body_limit(limit: int):
    """Decorate a view whose request body may be up to ``limit`` bytes (instead of max_body_size)."""

    def decorator(view):
        view.body_limit = limit
        return view

    return decorator


def parse_json(raw: bytes | str):
    """``json.loads`` that raises ValueError also for JSON nested deeper than ``MAX_JSON_DEPTH``."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not nested_within(value, MAX_JSON_DEPTH):
        raise ValueError("JSON nested too deeply")
    return value


def log_hint(text: str) -> None:
    """Add a note to this request's log line (``fakenova.requests``): why an answer is what it is,
    where the answer itself may not say."""
    g.setdefault("log_hints", []).append(text)


def backend() -> Backend:
    return current_app.extensions["fakenova"]


def base_url() -> str:
    """Scheme and host of this request, so links work behind any address ("http://host:port")."""
    state = g._get_current_object()
    url = getattr(state, "base_url", None)
    if url is None:
        url = state.base_url = _host_url(request._get_current_object())
    return url


# What a Host header may hold for the short way below: a name or address and a port, nothing to
# decode or check (werkzeug's host_url goes through IRI decoding, punycode included, and the
# trusted-hosts check, at a cost every link of every answer paid).
_PLAIN_HOST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")


def _host_url(req) -> str:
    environ = req.environ
    host = environ.get("HTTP_HOST")
    if (host and req.trusted_hosts is None and environ.get("wsgi.url_scheme") in ("http", "https")
            and _PLAIN_HOST.issuperset(host) and "xn--" not in host.lower()):
        scheme = environ["wsgi.url_scheme"]
        # werkzeug leaves out the scheme's default port
        if (scheme == "http" and host.endswith(":80")) or (scheme == "https" and host.endswith(":443")):
            host = host.rsplit(":", 1)[0]
        return f"{scheme}://{host.lower()}"
    return req.host_url.rstrip("/")


def authenticate() -> RequestContext:
    """Validate X-Auth-Token (401 otherwise) and remember who is asking for this request."""
    state = g._get_current_object()
    context = identity.context_for(backend(), request.headers.get("X-Auth-Token"))
    # context_for builds a new context each call: it can take this request's id in place (a
    # dataclasses.replace would copy it, on every request).
    object.__setattr__(context, "request_id", getattr(state, "request_id", ""))
    state.context = context
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
        return parse_json(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(malformed) from None


def query_lists() -> dict[str, list[str]]:
    """The query string as {name: [values]}, the shape Nova validates."""
    req = request._get_current_object()
    if not req.environ.get("QUERY_STRING"):
        return {}
    args = req.args
    return {key: args.getlist(key) for key in args.keys()}
