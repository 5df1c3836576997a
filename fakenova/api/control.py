"""The control plane at /_fake: reset, the clock, forced statuses, fault rules, the request journal and
state export/import. JSON in and out; errors are ``{"error": {"code": N, "message": "..."}}``.

Never in the Keystone catalog. When ``settings.control_token`` is set, every call needs the header
``X-Fake-Token: <token>`` (401 otherwise).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from fakenova import __version__
from fakenova.api import dashboard
from fakenova.api.common import NO_LIMIT, backend, parse_json
from fakenova.domain.compute import lifecycle
from fakenova.domain.control import forced_status, state
from fakenova.domain.control.faults import InvalidRule
from fakenova.errors import BadRequest, NotFound, Unauthorized, UnsupportedMediaType

bp = Blueprint("control", __name__, url_prefix="/_fake")
bp.register_blueprint(dashboard.bp)  # /_fake/ui, /_fake/report, /_fake/overview

# No body limit here: the API's max_body_size must not stop a state export from being imported back.
BODY_LIMIT = NO_LIMIT

TOKEN_HEADER = "X-Fake-Token"


def prepare_request() -> None:
    expected = backend().settings.control_token
    presented = request.headers.get(TOKEN_HEADER) or dashboard.presented_token()
    # Compared as bytes: compare_digest refuses non-ASCII str, and a header can hold any byte.
    if expected and not hmac.compare_digest(presented.encode(), expected.encode()):
        hint = " Open the dashboard as /_fake/ui?token=..." if request.path.startswith(dashboard.PAGE) else ""
        raise Unauthorized(f"The control plane needs a valid {TOKEN_HEADER} header.{hint}")


def _body(*, required: bool = True):
    if not request.get_data(cache=True):
        if required:
            raise BadRequest("A JSON body is required.")
        return {}
    if request.mimetype and request.mimetype != "application/json":
        raise UnsupportedMediaType("Send JSON (Content-Type: application/json).")
    try:
        data = parse_json(request.get_data(cache=True))
    except (ValueError, UnicodeDecodeError):
        data = None
    if data is None:
        raise BadRequest("The body is not valid JSON.")
    return data


@bp.get("")
def index():
    return jsonify({"fakenova": __version__, "endpoints": sorted(
        {str(rule) for rule in _app_rules() if str(rule).startswith("/_fake/")})})


def _app_rules():
    from flask import current_app

    return current_app.url_map.iter_rules()


@bp.post("/reset")
def reset():
    backend().reset()
    return jsonify({"reset": True, "clock": backend().clock.state()})


# --- clock ---------------------------------------------------------------------------------------

@bp.get("/clock")
def get_clock():
    return jsonify(backend().clock.state())


@bp.post("/clock")
def set_clock():
    changes = _body()
    if not isinstance(changes, dict):
        raise BadRequest("Expected an object with any of freeze, advance, speed.")
    unknown = set(changes) - {"freeze", "advance", "speed"}
    if unknown:
        raise BadRequest(f"Unknown clock setting(s): {', '.join(sorted(unknown))}. Use freeze, advance, speed.")
    freeze, advance, speed = changes.get("freeze"), changes.get("advance"), changes.get("speed")
    # Check everything before changing anything: a bad request leaves the clock alone.
    if freeze is not None and not isinstance(freeze, bool):
        raise BadRequest("freeze must be true or false.")
    if advance is not None and (not _is_number(advance) or advance < 0):
        raise BadRequest("advance must be a number of seconds, zero or more (the clock only moves forward).")
    if speed is not None and (not _is_number(speed) or speed < 0):
        raise BadRequest("speed must be a number, zero or more.")
    clock = backend().clock
    if speed is not None:
        clock.set_speed(speed)
    if freeze is True:
        clock.freeze()
    if advance:
        clock.advance(advance)
    if freeze is False:
        clock.unfreeze()
    return jsonify(clock.state())


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- forced server status ------------------------------------------------------------------------

@bp.post("/servers/<server_id>/status")
def set_server_status(server_id):
    checked = forced_status.checked_request(_body())
    server = forced_status.force(backend(), server_id, checked)
    return jsonify(_server_state(server))


def _server_state(server: dict) -> dict:
    pending = server.get("transition")
    return {"server": {
        "id": server["id"], "status": lifecycle.status(server), "vm_state": server.get("vm_state"),
        "task_state": server.get("task_state"), "power_state": server.get("power_state"),
        "fault": server.get("fault"),
        "pending": {"action": pending["action"], "due_at": pending["due_at"], **(
            server.get("forced_pending") or {})} if pending else None,
    }}


# --- fault rules ---------------------------------------------------------------------------------

@bp.get("/faults")
def list_faults():
    return jsonify({"faults": backend().faults.list()})


@bp.post("/faults")
def add_fault():
    try:
        rule = backend().faults.add(_body())
    except InvalidRule as exc:
        raise BadRequest(f"Invalid fault rule: {exc}") from None
    return jsonify(rule), 201


@bp.delete("/faults")
def clear_faults():
    backend().faults.clear()
    return "", 204


@bp.get("/faults/<rule_id>")
def get_fault(rule_id):
    rule = backend().faults.get(rule_id)
    if rule is None:
        raise NotFound(f"Fault rule {rule_id} not found")
    return jsonify(rule)


@bp.delete("/faults/<rule_id>")
def delete_fault(rule_id):
    if not backend().faults.delete(rule_id):
        raise NotFound(f"Fault rule {rule_id} not found")
    return "", 204


# --- the journal ---------------------------------------------------------------------------------

@bp.get("/requests")
def list_requests():
    args = request.args
    status, limit = args.get("status"), args.get("limit")
    if status is not None and not status.isdigit():
        raise BadRequest("status must be an HTTP status code.")
    if limit is not None and not limit.isdigit():
        raise BadRequest("limit must be a number of entries (the newest are kept).")
    try:
        entries = backend().journal.entries(
            method=args.get("method") or None, path=args.get("path") or None,
            status=int(status) if status is not None else None, project_ids=_project_ids(args.get("project")),
            limit=int(limit) if limit is not None else None)
    except ValueError as exc:  # a broken ^regex for path
        raise BadRequest(f"path: {exc}") from None
    return jsonify({"requests": entries})


def _project_ids(project: str | None) -> set | None:
    """A project filter names a project by id or by name."""
    if not project:
        return None
    ids = {project}
    ids.update(p["id"] for p in backend().store.projects.values() if p["name"] == project)
    return ids


@bp.delete("/requests")
def clear_requests():
    backend().journal.clear()
    return "", 204


# --- state export / import -----------------------------------------------------------------------

@bp.get("/state")
def export_state():
    return jsonify(state.export_state(backend()))


@bp.put("/state")
def import_state():
    try:
        state.import_state(backend(), _body())
    except state.InvalidState as exc:
        raise BadRequest(f"Invalid state document: {exc}") from None
    return jsonify(state.export_state(backend()))
