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
from fakenova.clock import isoformat
from fakenova.domain.control.faults import RequestFacts
from fakenova.domain.control.journal import RawBody, redact
from fakenova.errors import APIError

log = logging.getLogger("fakenova.requests")

CONTROL_PREFIX = "/_fake"
JOURNAL_HEADERS = ("OpenStack-API-Version", "X-OpenStack-Nova-API-Version", "Content-Type", "User-Agent")
# Response bodies up to this size are journaled (server lists of a big sandbox are not kept).
MAX_JOURNALED_RESPONSE = 16 * 1024
_SERVER_IN_PATH = re.compile(r"/servers/([^/]+)")


def _is_control() -> bool:
    return request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/")


def begin() -> None:
    # Real elapsed time for the log line only; fake time comes from the backend's clock.
    g.started = time.perf_counter()
    g.fault_rule = None
    g.respond_with_fault = None


def apply_faults() -> None:
    """Fire the first matching fault rule: wait, answer its error now, or remember it for after."""
    if _is_control():
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


def finish(response: Response) -> Response:
    """Swap in an "after: respond" error, journal the exchange, log one line."""
    if g.get("respond_with_fault"):
        from fakenova.app import render_error

        status, message, headers = g.respond_with_fault
        response = render_error(status, message, title=_reason(status), extra_headers=headers)
    if not _is_control():
        backend().journal.record(_journal_entry(response))
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
        if mimetype in JSON_TYPES or (not mimetype and request.content_length):
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


def _journal_entry(response: Response) -> dict:
    context = _context()
    version = g.get("microversion")
    body = _body()
    return {
        "method": request.method,
        "path": request.path,
        "query": {key: request.args.getlist(key) for key in request.args.keys()},
        "status": response.status_code,
        "microversion": str(version) if version is not None else None,
        "project_id": context.project_id if context else None,
        "user": context.user_name if context else None,
        "action": _action(),
        "body": redact(body) if body is not None else None,
        "response_body": _response_body(response),
        "headers": {name: request.headers[name] for name in JOURNAL_HEADERS if name in request.headers},
        "request_id": g.get("request_id"),
        "time": isoformat(backend().clock.now()),
        "fault_rule": g.get("fault_rule"),
    }


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
    if "token" in request.args and _is_control():
        query = "&".join(f"{key}=***" if key == "token" else f"{key}={value}"
                         for key, value in request.args.items(multi=True))
        return f"{request.path}?{query}"
    return request.full_path.rstrip("?")


def _log(response: Response) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    context = _context()
    elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    version = g.get("microversion")
    hints = "".join(f"; {hint}" for hint in g.get("log_hints", ()))
    log.info("%s %s %s microversion=%s project=%s %.1fms%s%s", request.method, _logged_path(),
             response.status_code, version or "-", (context.project_name if context else None) or "-",
             elapsed_ms, f" fault_rule={g.fault_rule}" if g.get("fault_rule") else "", hints)
