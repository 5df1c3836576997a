"""Around every request: fault rules, the journal and the request log line.

``app._start_request`` calls ``begin()`` first and ``apply_faults()`` once the service has
authenticated the caller and negotiated the microversion; ``app._finish_response`` calls ``finish()``.
The rules and the journal themselves live in ``fakenova.domain.control.faults`` / ``fakenova.domain.control.journal``;
this module only adapts Flask's request and response to them. The control plane (/_fake) is never
faulted nor journaled, only logged.
"""

from __future__ import annotations

import logging
import re
import time

from http import HTTPStatus

from flask import Response, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from fakenova.api.common import JSON_TYPES, backend, parse_json
from fakenova.domain.control.faults import RequestFacts
from fakenova.domain.control.journal import FakeTime, RawBody, RawRequestBody, RequestAction
from fakenova.errors import APIError

log = logging.getLogger("fakenova.requests")

CONTROL_PREFIX = "/_fake"
JOURNAL_HEADERS = ("OpenStack-API-Version", "X-OpenStack-Nova-API-Version", "Content-Type", "User-Agent")
# Where a WSGI environ keeps them (PEP 3333: HTTP_ and the name upper-cased, CONTENT_TYPE as is).
_JOURNAL_ENVIRON = tuple((name, "CONTENT_TYPE" if name == "Content-Type" else "HTTP_" + name.upper().replace("-", "_"))
                         for name in JOURNAL_HEADERS)
# Response bodies up to this size are journaled (server lists of a big sandbox are not kept).
MAX_JOURNALED_RESPONSE = 16 * 1024
_SERVER_IN_PATH = re.compile(r"/servers/([^/]+)")


def _is_control(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def begin(state) -> None:
    """``state`` is this request's ``flask.g``."""
    # Real elapsed time for the log line only; fake time comes from the backend's clock.
    state.started = time.perf_counter()
    state.fault_rule = None
    state.respond_with_fault = None


def apply_faults(req, state) -> None:
    """Fire the first matching fault rule: wait, answer its error now, or remember it for after."""
    if _is_control(req.path):
        return
    fake = backend()
    if not fake.faults.any_rules():
        return
    rule = fake.faults.for_request(_facts())
    if rule is None:
        return
    g.fault_rule = rule.id
    response = rule.document["response"]
    if response.get("latency"):
        if response["latency_clock"] == "fake":
            fake.clock.advance(response["latency"])
        else:
            time.sleep(response["latency"])
    error = rule.error()
    if error is None:
        return
    if rule.document["after"] == "respond":
        g.respond_with_fault = error
        return
    status, message, headers = error
    fault = APIError(message, code=status, headers=headers)
    fault.title = _reason(status)  # Keystone and Neutron show it
    raise fault


def finish(response: Response, req, state) -> Response:
    """Swap in an "after: respond" error, journal the exchange, log one line. ``req`` and ``state``:
    this request's ``flask.request`` and ``flask.g``."""
    if getattr(state, "respond_with_fault", None):
        from fakenova.app import render_error

        status, message, headers = state.respond_with_fault
        response = render_error(status, message, title=_reason(status), extra_headers=headers)
    if not _is_control(req.path):
        backend().journal.record(_journal_entry(response, req, state))
    if log.isEnabledFor(logging.INFO):
        _log(response)
    return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _body():
    """The request's JSON body (parsed once per request), or None for no body or not JSON."""
    if "parsed_body" not in g:
        g.parsed_body = None
        mimetype = request.mimetype
        # Never a streamed body (image data) past the API body limit: the journal is not its copy.
        small = (request.content_length or 0) <= backend().settings.max_body_size
        if small and (mimetype in JSON_TYPES or (not mimetype and request.content_length)):
            try:
                g.parsed_body = parse_json(request.get_data(cache=True))
            except (ValueError, UnicodeDecodeError, RequestEntityTooLarge):
                pass  # the handler answers these (400, 413); the journal keeps no body
    return g.parsed_body


def _action() -> str | None:
    body = _body()
    if request.method == "POST" and request.path.rstrip("/").endswith("/action") and isinstance(body, dict) and body:
        return next(iter(body))
    return None


def _context():
    return g.get("context")


def _facts() -> RequestFacts:
    context = _context()
    return RequestFacts(
        method=request.method, path=request.path, action=_action(),
        project_id=context.project_id if context else None,
        project_name=context.project_name if context else None,
        servers=_servers_named(),
    )


def _servers_named() -> frozenset:
    """Ids and names of the server a request is about: in the path, or being created."""
    names = set()
    match = _SERVER_IN_PATH.search(request.path)
    if match and match.group(1) != "detail":
        server_id = match.group(1)
        names.add(server_id)
        server = backend().store.servers.get(server_id)
        if server and server.get("name"):
            names.add(server["name"])
    body = _body()
    if request.method == "POST" and isinstance(body, dict) and isinstance(body.get("server"), dict):
        name = body["server"].get("name")
        if isinstance(name, str):
            names.add(name)
    return frozenset(names)


def _journal_entry(response: Response, req, state) -> dict:
    """The exchange as the journal keeps it: bodies and time as they are, read (parsed, redacted,
    formatted) only when someone reads the journal."""
    context = getattr(state, "context", None)
    version = getattr(state, "microversion", None)
    environ = req.environ
    body = _raw_body(req)
    path = req.path
    action = None
    if body is not None and req.method == "POST" and path.rstrip("/").endswith("/action"):
        action = RequestAction(body)
    return {
        "method": req.method,
        "path": path,
        "query": {key: req.args.getlist(key) for key in req.args.keys()} if environ.get("QUERY_STRING") else {},
        "status": response.status_code,
        "microversion": str(version) if version is not None else None,
        "project_id": context.project_id if context else None,
        "user": context.user_name if context else None,
        "action": action,
        "body": body,
        "response_body": _response_body(response),
        "headers": {name: environ[key] for name, key in _JOURNAL_ENVIRON if key in environ},
        "request_id": getattr(state, "request_id", None),
        "time": FakeTime(backend().clock.time()),
        "fault_rule": getattr(state, "fault_rule", None),
    }


def _raw_body(req) -> RawRequestBody | None:
    """The request body if it is JSON by its type (or has no type), as it came; None otherwise."""
    environ = req.environ
    if not environ.get("CONTENT_TYPE") and not environ.get("CONTENT_LENGTH"):
        return None  # a GET, a DELETE: no body to keep
    mimetype = req.mimetype
    if not (mimetype in JSON_TYPES or (not mimetype and req.content_length)):
        return None
    try:
        data = req.get_data(cache=True)
    except RequestEntityTooLarge:
        return None  # the handler answered 413; the journal keeps no body
    return RawRequestBody(data) if data else None


def _response_body(response: Response):
    """The answer's body, read as JSON (secrets redacted) or text when the journal is read; None for no
    body, a stream (image data) or binary. A body over ``MAX_JOURNALED_RESPONSE`` is named by its size."""
    if response.is_streamed or response.direct_passthrough:
        return None
    mimetype = response.mimetype or ""
    textual = mimetype in JSON_TYPES or mimetype.startswith("text/")
    length = response.calculate_content_length()
    if not textual or not length:
        return None
    if length > MAX_JOURNALED_RESPONSE:
        return f"({length} bytes, not kept)"
    return RawBody(response.get_data(), mimetype in JSON_TYPES)


def _logged_path() -> str:
    """The path and query, with the dashboard's ?token= hidden."""
    if "token" in request.args and _is_control(request.path):
        query = "&".join(f"{key}=***" if key == "token" else f"{key}={value}"
                         for key, value in request.args.items(multi=True))
        return f"{request.path}?{query}"
    return request.full_path.rstrip("?")


def _log(response: Response) -> None:
    context = _context()
    elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    version = g.get("microversion")
    hints = "".join(f"; {hint}" for hint in g.get("log_hints", ()))
    log.info("%s %s %s microversion=%s project=%s %.1fms%s%s", request.method, _logged_path(),
             response.status_code, version or "-", (context.project_name if context else None) or "-",
             elapsed_ms, f" fault_rule={g.fault_rule}" if g.get("fault_rule") else "", hints)
