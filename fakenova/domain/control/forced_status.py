"""Force a server into any of the 20 API statuses, with coherent vm/task/power states, and optionally
schedule a later forced status on the lifecycle's timeline.

The (vm_state, task_state) pair for a status comes from the lifecycle's own status table, so the
status the API then shows is the one asked for. A pending "then" is a transition like any other: an
action started before it is due supersedes it.
"""

from __future__ import annotations

import heapq

from fakenova.domain.compute import archive, lifecycle
from fakenova.errors import BadRequest, NotFound

FORCED = "forced_status"  # the transition (and effect) name a pending "then" runs under

# Statuses whose default task_state Nova never shows: pick the one a real cloud would.
_PREFERRED_TASK = {"BUILD": "spawning"}


def _states_by_status() -> dict[str, tuple[str, str | None]]:
    table: dict[str, tuple[str, str | None]] = {"UNKNOWN": ("unknown", None)}
    for vm_state, task_map in lifecycle.STATUS_MAP.items():
        for task_state, status in task_map.items():
            table.setdefault(status, (vm_state, None if task_state == "default" else task_state))
    for status, task_state in _PREFERRED_TASK.items():
        table[status] = (table[status][0], task_state)
    return table


STATES = _states_by_status()
STATUSES = tuple(sorted(STATES))


def _register_transition() -> None:
    """A timeline row whose only step runs the "forced_status" effect (its delay is the caller's)."""
    if FORCED not in lifecycle.TRANSITIONS:
        lifecycle.TRANSITIONS[FORCED] = lifecycle.Transition(
            FORCED, lifecycle.ANY, lifecycle.ANY, {}, steps=((1.0, {}),), must_have_launched=False,
            check_lock=False, effects=(FORCED,))
    lifecycle.EFFECTS[FORCED] = _apply_pending



def checked_request(document) -> dict:
    """Validate ``{"status", "fault"?, "then"?: {"after", "status", "fault"?}}``; 400 otherwise."""
    if not isinstance(document, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = set(document) - {"status", "fault", "then"}
    if unknown:
        raise BadRequest(f"unknown keys: {', '.join(sorted(unknown))}")
    checked = {"status": _checked_status(document.get("status"), "status"),
               "fault": _checked_fault(document.get("fault"), "fault")}
    then = document.get("then")
    if then is not None:
        if not isinstance(then, dict) or set(then) - {"after", "status", "fault"}:
            raise BadRequest("then: expected {\"after\": seconds, \"status\": ..., \"fault\"?: {...}}")
        after = then.get("after")
        if not isinstance(after, (int, float)) or isinstance(after, bool) or after < 0:
            raise BadRequest("then.after: must be a number of seconds, zero or more")
        then = {"after": after, "status": _checked_status(then.get("status"), "then.status"),
                "fault": _checked_fault(then.get("fault"), "then.fault")}
    checked["then"] = then
    return checked


def _checked_status(status, where: str) -> str:
    if not isinstance(status, str) or status.upper() not in STATES:
        raise BadRequest(f"{where}: must be one of {', '.join(STATUSES)}")
    return status.upper()


def _checked_fault(fault, where: str) -> dict | None:
    if fault is None:
        return None
    if not isinstance(fault, dict) or not isinstance(fault.get("message"), str) or set(fault) - {"code", "message", "details"}:
        raise BadRequest(f"{where}: expected {{\"code\": N, \"message\": \"...\", \"details\"?: \"...\"}}")
    code = fault.get("code", 500)
    if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
        raise BadRequest(f"{where}.code: must be an HTTP status code")
    details = fault.get("details", "")
    if not isinstance(details, str):
        raise BadRequest(f"{where}.details: must be a string")
    return {"code": code, "message": fault["message"], "details": details}


def force(backend, server_id: str, request: dict) -> dict:
    """Apply a checked request (``checked_request``) to the server; returns the server record."""
    store = backend.store
    with store.lock:
        lifecycle.settle(backend)
        server = store.servers.get(server_id)
        if server is None:
            raise NotFound(f"Server {server_id} not found")
        now = backend.clock.time()
        _set_status(server, request["status"], request["fault"], now)
        archive.note_deleted(backend, server)
        then = request["then"]
        if then is not None:
            _schedule(backend, server, then, now)
        if then is not None and then["after"] == 0:
            lifecycle.settle(backend)
        return server


def _set_status(server: dict, status: str, fault: dict | None, now: float) -> None:
    vm_state, task_state = STATES[status]
    server.pop("forced_pending", None)
    server.update(vm_state=vm_state, task_state=task_state, transition=None, updated_at=now,
                  power_state=_power_state(server, vm_state))
    if status == "DELETED":
        server.update(deleted=True, deleted_at=now, terminated_at=now)
    else:
        server["deleted"] = False
        if status == "SOFT_DELETED":
            server["deleted_at"] = now
    if status in ("ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED", "RESCUE", "VERIFY_RESIZE") and not server.get("launched_at"):
        server["launched_at"] = now  # a server that ran needs launched_at for later actions to be allowed
    if fault is not None:
        server["fault"] = {**fault, "created": now}


def _power_state(server: dict, vm_state: str) -> int:
    if vm_state in lifecycle.POWER_OF_VM_STATE:
        return lifecycle.POWER_OF_VM_STATE[vm_state]
    if vm_state == lifecycle.BUILDING or vm_state == "unknown":
        return lifecycle.NOSTATE
    return server.get("power_state", lifecycle.NOSTATE)  # error: whatever it was when it failed


def _schedule(backend, server: dict, then: dict, now: float) -> None:
    # Same timeline entry shape as lifecycle.start(): [due_at, seq, server_id, transition_id, step].
    store = backend.store
    store.timeline_seq += 1
    transition_id = store.timeline_seq
    due_at = now + then["after"]
    server["transition"] = {"id": transition_id, "action": FORCED, "started_at": now, "due_at": due_at,
                            "previous_vm_state": server["vm_state"]}
    # The lifecycle clears "transition" before it runs the end effect, so the change waits here.
    server["forced_pending"] = {"status": then["status"], "fault": then["fault"]}
    store.timeline_seq += 1
    heapq.heappush(store.timeline, [due_at, store.timeline_seq, server["id"], transition_id, 0])


def _apply_pending(backend, server: dict) -> None:
    """The end effect of a FORCED transition (``updated_at`` is its due time by then)."""
    pending = server.pop("forced_pending", None)
    if pending:
        _set_status(server, pending["status"], pending["fault"], server.get("updated_at") or backend.clock.time())


_register_transition()
