"""Instance actions: what was done to a server, by whom, in which request, and how it went.

Every accepted action (and server create/delete) starts one record with the request's id; its events
(``compute_stop_instance``...) finish when the lifecycle transition the action started ends, with
result Success, or Error (action message "Error", the fault as the event's traceback and details).
Records live in ``store.instance_actions`` as {server_id: [action, ...]} in start order and outlive
the server (readable after delete from 2.21).

Checked against nova/compute/instance_actions.py, nova/db/main/api.py (actions_get, action_start,
action_event_finish) and nova/compute/api.py (_record_action_start), Nova 2025.x.
"""

from __future__ import annotations

from fakenova.domain import paging, policy
from fakenova.domain.compute import lifecycle
from fakenova.errors import BadRequest, NotFound

# Body key of POST /servers/{id}/action -> Nova's instance-action name. Keys not here (console
# output, security groups, injectNetworkInfo) are not recorded, as in Nova.
ACTION_NAMES = {
    "reboot": "reboot", "os-stop": "stop", "os-start": "start", "pause": "pause", "unpause": "unpause",
    "suspend": "suspend", "resume": "resume", "rescue": "rescue", "unrescue": "unrescue",
    "changePassword": "changePassword", "shelve": "shelve", "shelveOffload": "shelveOffload",
    "unshelve": "unshelve", "lock": "lock", "unlock": "unlock", "os-resetState": "resetState",
    "restore": "restore", "forceDelete": "delete", "trigger_crash_dump": "trigger_crash_dump",
    "createImage": "createImage", "createBackup": "createBackup", "resize": "resize", "migrate": "migrate",
    "confirmResize": "confirmResize", "revertResize": "revertResize", "rebuild": "rebuild",
    "evacuate": "evacuate", "os-migrateLive": "live-migration",
}

# Instance-action name -> the events the services record for it (nova's wrap_instance_event names).
# Conductor events finish at once; the others finish when the server's transition ends.
EVENTS = {
    "create": ("conductor_schedule_and_build_instances", "compute__do_build_and_run_instance"),
    "delete": ("compute_terminate_instance",),
    "restore": ("compute_restore_instance",),
    "stop": ("compute_stop_instance",),
    "start": ("compute_start_instance",),
    "reboot": ("compute_reboot_instance",),
    "pause": ("compute_pause_instance",),
    "unpause": ("compute_unpause_instance",),
    "suspend": ("compute_suspend_instance",),
    "resume": ("compute_resume_instance",),
    "rescue": ("compute_rescue_instance",),
    "unrescue": ("compute_unrescue_instance",),
    "changePassword": ("compute_set_admin_password",),
    "shelve": ("compute_shelve_instance",),
    "shelveOffload": ("compute_shelve_offload_instance",),
    "unshelve": ("conductor_unshelve_instance", "compute_unshelve_instance"),
    "trigger_crash_dump": ("compute_trigger_crash_dump",),
    "lock": ("api_lock",),
    "unlock": ("api_unlock",),
    "resetState": (),
    "attach_volume": ("compute_attach_volume",),
    "detach_volume": ("compute_detach_volume",),
    "createImage": ("compute_snapshot_instance",),
    "createBackup": ("compute_backup_instance",),
    "resize": ("conductor_migrate_server", "compute_prep_resize", "compute_resize_instance",
               "compute_finish_resize"),
    "migrate": ("conductor_migrate_server", "compute_prep_resize", "compute_resize_instance",
                "compute_finish_resize"),
    "confirmResize": ("compute_confirm_resize",),
    "revertResize": ("compute_revert_resize", "compute_finish_revert_resize"),
    "rebuild": ("compute_rebuild_instance",),
    "evacuate": ("conductor_rebuild_server", "compute_rebuild_instance"),
    "live-migration": ("conductor_live_migrate_instance", "compute_check_can_live_migrate_destination",
                       "compute_live_migration"),
    # /servers/{id}/migrations/{id}: force_complete and DELETE (compute_api._record_action_start)
    "live_migration_force_complete": ("compute_live_migration_force_complete",),
    "live_migration_cancel": ("compute_live_migration_abort",),
}

# Instance-action name -> the lifecycle rows whose end finishes it (when not the same name).
TRANSITIONS_OF = {
    "create": ("build",), "delete": ("delete", "soft_delete", "forceDelete"), "reboot": ("reboot", "reboot_hard"),
    "live-migration": ("os-migrateLive",),
}



def _traceback(fault: dict) -> str:
    return ("Traceback (most recent call last):\n"
            '  File "/opt/stack/nova/nova/compute/manager.py", line 10000, in decorated_function\n'
            "    return function(self, context, *args, **kwargs)\n"
            f"nova.exception.NovaException: {fault['message']}\n")


# --- recording -----------------------------------------------------------------------------------

def begin(backend, server: dict, name: str, context, request_id: str | None = None) -> dict:
    """Record that ``name`` started on ``server`` in this request. Hold ``backend.store.lock``.

    Call after the lifecycle transition started: the events then finish when it ends, or at once
    when the action has no transition (lock) or it has already completed (a duration of 0)."""
    store = backend.store
    now = backend.clock.time()
    recorded = store.instance_actions.setdefault(server["id"], [])
    action = {
        "seq": len(recorded),  # orders actions started within the same instant
        "action": name,
        "instance_uuid": server["id"],
        "request_id": request_id or context.request_id,
        "user_id": context.user_id,
        "project_id": context.project_id,
        "start_time": now,
        "updated_at": now,
        "message": None,
        "transition_id": None,
        "events": [{"event": event, "start_time": now, "finish_time": None, "result": None, "traceback": None,
                    "host": server.get("host") or lifecycle.COMPUTE_HOST, "details": None}
                   for event in EVENTS.get(name, ())],
    }
    recorded.append(action)
    for event in action["events"]:
        if event["event"].startswith("conductor_"):
            _finish_event(action, event, now, None)
    pending = server.get("transition")
    if pending and pending["action"] in TRANSITIONS_OF.get(name, (name,)):
        action["transition_id"] = pending["id"]
    else:
        _finish(action, now, _fault_raised_now(server, now))
    return action


def _fault_raised_now(server: dict, now: float) -> dict | None:
    """An instant transition that already ended in ERROR in this very request."""
    fault = server.get("fault")
    if server.get("vm_state") == lifecycle.ERROR and fault and fault.get("created") == now:
        return fault
    return None


def _finish(action: dict, at: float, fault: dict | None) -> None:
    for event in action["events"]:
        if event["finish_time"] is None:
            _finish_event(action, event, at, fault)
    action["transition_id"] = None
    action["updated_at"] = at


def _finish_event(action: dict, event: dict, at: float, fault: dict | None) -> None:
    event["finish_time"] = at
    action["updated_at"] = at
    if fault is None:
        event["result"] = "Success"
        return
    event.update(result="Error", traceback=_traceback(fault), details=fault.get("message"))
    action["message"] = "Error"


def _transition_ended(backend, server: dict, transition_id: int, fault: dict | None) -> None:
    for action in reversed(backend.store.instance_actions.get(server["id"], ())):
        if action["transition_id"] == transition_id:
            _finish(action, backend.clock.time() if fault is lifecycle.SUPERSEDED_FAULT else _end_time(server),
                    fault)


def _end_time(server: dict) -> float:
    # The step that ended the transition stamped the server with its own due time.
    return server["updated_at"]


lifecycle.END_LISTENERS.append(_transition_ended)


# --- reading -------------------------------------------------------------------------------------

def server_for_actions(backend, context, server_id: str, *, include_deleted: bool) -> dict:
    """The server whose actions are asked for: 404 as for a show (deleted ones readable from 2.21)."""
    server = backend.store.servers.get(server_id)
    visible = server is not None and (context.is_admin or server["project_id"] == context.project_id)
    if not visible or (server.get("deleted") and not include_deleted):
        raise NotFound(f"Instance {server_id} could not be found.")
    return server


def newest_first(backend, server_id: str) -> list[dict]:
    # Nova sorts by created_at desc, id desc; seq breaks ties within one instant.
    return sorted(backend.store.instance_actions.get(server_id, ()), key=lambda a: (a["start_time"], a["seq"]),
                  reverse=True)


def list_actions(backend, context, server_id: str, *, include_deleted: bool, limit: int | None = None,
                 marker: str | None = None, changes_since: float | None = None,
                 changes_before: float | None = None) -> list[dict]:
    """GET /servers/{id}/os-instance-actions (filters and paging only from 2.58: pass None below)."""
    server = server_for_actions(backend, context, server_id, include_deleted=include_deleted)
    policy.authorize(context, "os_compute_api:os-instance-actions:list", server["project_id"])
    if changes_since is not None and changes_before is not None and changes_before < changes_since:
        raise BadRequest("The value of changes-since must be less than or equal to changes-before.")
    with backend.store.lock:
        actions = newest_first(backend, server_id)
    if limit == 0:
        return []
    if changes_since is not None:
        actions = [a for a in actions if a["updated_at"] >= changes_since]
    if changes_before is not None:
        actions = [a for a in actions if a["updated_at"] <= changes_before]
    if marker is not None:
        positions = [i for i, a in enumerate(newest_first(backend, server_id)) if a["request_id"] == marker]
        if not positions:
            # Nova reports the looked-up marker, which is None by then (nova/db/main/api.py).
            raise BadRequest("Marker None could not be found.")
        anchor = newest_first(backend, server_id)[positions[0]]
        key = (anchor["start_time"], anchor["seq"])
        actions = [a for a in actions if (a["start_time"], a["seq"]) < key]
    if limit is not None:
        actions = actions[:paging.capped(limit)]
    return actions


def get_action(backend, context, server_id: str, request_id: str, *, include_deleted: bool) -> tuple[dict, dict]:
    """(server, action) for GET .../os-instance-actions/{request_id}; the newest if several match."""
    server = server_for_actions(backend, context, server_id, include_deleted=include_deleted)
    policy.authorize(context, "os_compute_api:os-instance-actions:show", server["project_id"])
    for action in newest_first(backend, server_id):
        if action["request_id"] == request_id:
            return server, action
    raise NotFound(f"Action {request_id} not found")
