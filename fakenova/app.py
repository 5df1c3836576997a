"""``create_app``: the WSGI app with every service mounted on one port, devstack style."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from fakenova import __version__, errors, microversion
from fakenova.api import compute, control, identity, image, interceptors, network, volume
from fakenova.api.common import log_hint
from fakenova.backend import Backend
from fakenova.config import Settings
from fakenova.json_provider import FastJSONProvider
from fakenova.routing import LazyBuilderRule

log = logging.getLogger("fakenova")

_WERKZEUG_MESSAGES = {
    404: "The resource could not be found.",
    405: "The method specified is not allowed for this resource.",
    413: "Request is too large.",
}


class FakenovaFlask(Flask):
    """Flask, with one change on the request path: whether a handler is a coroutine function is
    worked out once per handler (Flask asks ``inspect`` again for every hook and view it calls)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synced: dict = {}

    def ensure_sync(self, func):
        synced = self._synced.get(func)
        if synced is None:
            synced = self._synced[func] = super().ensure_sync(func)
        return synced


def create_app(settings: Settings | None = None, *, backend: Backend | None = None) -> Flask:
    """The fakenova WSGI app with seeded defaults; the CLI, the fixture and the image build on it."""
    backend = backend or Backend(settings)
    app = FakenovaFlask("fakenova")
    app.url_rule_class = LazyBuilderRule  # before any route is added
    app.extensions["fakenova"] = backend
    app.config["MAX_CONTENT_LENGTH"] = backend.settings.max_body_size  # per route: _limit_body
    app.json = FastJSONProvider(app)
    app.json.sort_keys = False
    app.json.compact = True
    app.url_map.strict_slashes = False

    # url prefix -> the service module; each has `bp` and may have `prepare_request()`, which runs
    # before every request under its prefix, routed or not (auth, microversion negotiation).
    services = {"identity": identity, "compute": compute, "image": image, "networking": network,
                "volume": volume, "_fake": control}
    for module in services.values():
        app.register_blueprint(module.bp)
    app.extensions["fakenova.services"] = services
    app.add_url_rule("/", "index", _index)
    app.add_url_rule("/readme", "readme", _readme)

    app.before_request(_start_request)
    app.after_request(_finish_response)
    app.register_error_handler(errors.APIError, _render_api_error)
    app.register_error_handler(HTTPException, _render_http_exception)
    app.register_error_handler(Exception, _render_unexpected)
    return app


def _index() -> Response:
    """GET /: what this port serves, for whoever points a browser or curl at it first."""
    base = request.host_url.rstrip("/")
    services = current_app.extensions["fakenova.services"]
    return jsonify({
        "fakenova": __version__,
        "description": "A deterministic, in-memory fake of OpenStack Compute (Nova) with the Keystone, "
                       "Glance, Neutron and Cinder calls around it.",
        "auth_url": f"{base}/identity",
        "services": {prefix: f"{base}/{prefix}" for prefix in services if prefix != "_fake"},
        "control": f"{base}/_fake",
        "dashboard": f"{base}/_fake/ui",
        "readme": f"{base}/readme",
    })


def _readme() -> Response:
    """The README that shipped with this fakenova (the package's long description)."""
    import importlib.metadata  # here, not at the top: tens of milliseconds of start-up for one page

    text = importlib.metadata.metadata("fakenova").get_payload() or "# fakenova\n\nNo README was installed.\n"
    return Response(text, mimetype="text/markdown")


def _start_request() -> None:
    # On every request: the proxies (request, g) are looked up once here, not per attribute.
    req, state = request._get_current_object(), g._get_current_object()
    prefix = state.service_prefix = req.path.lstrip("/").split("/", 1)[0]
    state.request_id = f"req-{uuid.uuid4()}"
    interceptors.begin(state)
    module = current_app.extensions["fakenova.services"].get(prefix)
    _limit_body(req, module)
    prepare = getattr(module, "prepare_request", None)
    if prepare is not None:
        prepare()
    interceptors.apply_faults(req, state)


def _limit_body(req, module) -> None:
    """The body limit of this request: the view's own, else its service's, else max_body_size
    (app.config["MAX_CONTENT_LENGTH"]); see api.common.NO_LIMIT."""
    endpoint = req.endpoint
    view = current_app.view_functions.get(endpoint) if endpoint else None
    limit = getattr(view, "body_limit", None) or getattr(module, "BODY_LIMIT", None)
    if limit is not None:
        req.max_content_length = limit


SERVICES = ("identity", "compute", "image", "networking", "volume", "_fake")


def _service() -> str:
    """The service this request is for (answers outside every prefix are Nova's)."""
    first = g.get("service_prefix")
    if first is None:  # an error before _start_request ran
        first = request.path.lstrip("/").split("/", 1)[0]
    return first if first in SERVICES else "compute"


def _finish_response(response: Response) -> Response:
    state = g._get_current_object()
    response = interceptors.finish(response, request._get_current_object(), state)
    service = _service()
    headers = response.headers
    if service == "compute":
        request_id = getattr(state, "request_id", None) or f"req-{uuid.uuid4()}"
        headers["X-OpenStack-Request-ID"] = request_id
        headers["X-Compute-Request-ID"] = request_id
        version = getattr(state, "microversion", None)
        if version is not None:
            for name, value in microversion.response_headers(version):
                headers.add(name, value)
    elif service == "networking":
        headers["X-OpenStack-Request-ID"] = getattr(state, "request_id", "")
    # No-body answers are empty, not "{}" or "null": clients choke on both.
    # ("", 202) from a handler is typed text/html by Flask: strip whatever type an empty answer got.
    if response.status_code in (202, 204) and not response.get_data():
        headers.pop("Content-Type", None)
    return response


def render_error(code: int, message: str, *, title: str | None = None, extra_headers=None) -> Response:
    service = _service()
    title = title or _title(code)
    if service == "_fake":
        body = {"error": {"code": code, "message": message}}
    elif code == 401 or service == "identity":
        body = errors.keystone_error(code, title, message)
    elif service == "networking":
        body = errors.neutron_error(title.replace(" ", ""), message)
    elif service == "image":
        # Glance answers with WebOb's page: plain text, HTML or JSON, as Accept asks.
        text, mimetype = errors.glance_error(code, title, message, request.accept_mimetypes)
        response = Response(text, status=code, mimetype=mimetype)
        _add_headers(response, code, extra_headers)
        return response
    else:
        body = errors.nova_fault(code, message)
    response = jsonify(body)
    response.status_code = code
    _add_headers(response, code, extra_headers)
    return response


def _add_headers(response: Response, code: int, extra_headers) -> None:
    for name, value in (extra_headers or {}).items():
        response.headers[name] = value
    if code == 401 and _service() != "_fake":
        response.headers["WWW-Authenticate"] = f'Keystone uri="{request.host_url.rstrip("/")}/identity"'


def _title(code: int) -> str:
    for cls in errors.APIError.__subclasses__():
        if cls.code == code:
            return cls.title
    return "Error"


def _render_api_error(exc: errors.APIError) -> Response:
    if exc.hint:
        log_hint(exc.hint)
    return render_error(exc.code, exc.message, title=exc.title, extra_headers=exc.headers)


def _render_http_exception(exc: HTTPException) -> Response:
    code = exc.code or 500
    message = _WERKZEUG_MESSAGES.get(code, exc.description or exc.name)
    headers = {}
    allowed = sorted(getattr(exc, "valid_methods", None) or ()) if code == 405 else []
    if allowed:
        headers["Allow"] = ", ".join(allowed)
    if exc is request.routing_exception and code in (404, 405) and not _slash_after_a_served_path():
        message = _not_modelled(message, [m for m in allowed if m not in ("HEAD", "OPTIONS")])
    return render_error(code, message, title=exc.name, extra_headers=headers)


def _slash_after_a_served_path() -> bool:
    """A trailing slash after a path the fake serves (for any method): the services' routers match
    paths exactly and refuse it too (tests/test_trailing_slashes.py), so this 404 is the cloud's own
    answer, not a gap of the fake, and gets no "does not model" note."""
    path = request.path
    if len(path) < 2 or not path.endswith("/"):
        return False
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(path.rstrip("/"), method=request.method)
    except MethodNotAllowed:
        return True
    except HTTPException:
        return False
    return True


def _not_modelled(message: str, served: list[str]) -> str:
    """No route of the fake matched: a gap of the fake, not (necessarily) the cloud's refusal. The
    service's own status and shape stay; the message and one WARNING line say which it is."""
    where = f"{request.method} {request.path}"
    there = f" (it serves {', '.join(served)} there)" if served else ""
    log.warning("not modelled: %s%s", where, there)
    return f"{message} fakenova does not model {where}{there}."


def _render_unexpected(exc: Exception) -> Response:
    log.exception("unexpected error serving %s %s", request.method, request.path)
    message = f"Unexpected API Error. Please contact the administrator\n{type(exc)}"
    return render_error(500, message, title="Internal Server Error")
