"""POST /servers/{id}/action: one body key names the action; handlers register with ``@action``.

The dispatcher owns what every action shares (nova/api/openstack/wsgi.py): exactly one key (400
"Malformed request body" otherwise), an unknown key is 400 "There is no such action: X", one outside
its microversion range is 404 (Nova's VersionNotFoundForAPIMethod, checked before the body), and the
whole body is validated against ``schemas/compute/server_actions/<action>/<first-version>.json``
before the handler runs. Once a handler succeeded, the dispatcher records the instance action.
Handler modules (``server_actions_*.py``) are imported at the bottom of this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import g

from fakenova import microversion
from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import action_body, route, version
from fakenova.domain.compute import instance_actions
from fakenova.microversion import VersionRange


@dataclass(frozen=True)
class ActionSpec:
    name: str
    handler: Callable  # handler(server_id: str, value) -> Flask response (value = body[name])
    versions: VersionRange | None


ACTIONS: dict[str, ActionSpec] = {}


def action(name: str, *, versions: VersionRange | None = None):
    """Register ``handler(server_id, value)`` for the body ``{name: value}``."""

    def decorator(handler):
        if name in ACTIONS:
            raise ValueError(f"server action {name!r} registered twice")
        ACTIONS[name] = ActionSpec(name, handler, versions)
        return handler

    return decorator


@route("/servers/<server_id>/action", methods=["POST"])
def server_action(server_id: str):
    name, data = action_body(ACTIONS)
    spec, value = ACTIONS[name], data[name]
    if spec.versions is not None:
        microversion.require(spec.versions, version())
    backend().schemas.validate_body(data, "compute", "server_actions", name, version())
    response = spec.handler(server_id, value)
    _record(server_id, name)
    return response


def not_recorded() -> None:
    """Called by a handler whose action changed nothing, so Nova records no instance action."""
    g.instance_action_not_recorded = True


def _record(server_id: str, name: str) -> None:
    action_name = instance_actions.ACTION_NAMES.get(name)
    if action_name is None or g.get("instance_action_not_recorded"):
        return
    store = backend().store
    with store.lock:
        server = store.servers.get(server_id)
        if server is not None:
            instance_actions.begin(backend(), server, action_name, context())
from fakenova.api.compute import server_actions_basic  # noqa: E402,F401
from fakenova.api.compute import server_actions_console  # noqa: E402,F401
from fakenova.api.compute import server_actions_move  # noqa: E402,F401
