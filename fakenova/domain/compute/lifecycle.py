"""The server state machine: Nova's states, the status mapping, one transition table, and the clock.

A server record holds ``vm_state``, ``task_state``, ``power_state`` and ``progress``; the API status is
derived from (vm_state, task_state) by ``status()`` and never stored. Every action is one row of
``TRANSITIONS``: the states it is allowed from, what it sets at once, the steps applied later on the
fake clock, and the name of its duration setting.

Later steps wait on ``store.timeline``, a heap of ``[due_at, seq, server_id, transition_id, step]``
lists (JSON-ready). ``settle(backend)`` pops every step that is due, in due order; it runs at the start
of every compute request, so a frozen clock freezes every server and ``clock.advance(n)`` moves them
exactly n seconds. A step whose transition was superseded (say, a delete during a build) is skipped.

Checked against nova/api/openstack/common.py (_STATE_MAP), nova/compute/api.py (check_instance_state,
check_instance_lock) and nova/compute/{vm,task}_states.py, Nova 2025.x.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from fakenova.domain.volume import timing
from fakenova.errors import Conflict

# --- states (nova/objects/fields.py) -------------------------------------------------------------

ACTIVE, BUILDING, PAUSED, SUSPENDED, STOPPED = "active", "building", "paused", "suspended", "stopped"
RESCUED, RESIZED, SOFT_DELETED, DELETED, ERROR = "rescued", "resized", "soft-delete", "deleted", "error"
SHELVED, SHELVED_OFFLOADED = "shelved", "shelved_offloaded"

NOSTATE, RUNNING, POWER_PAUSED, SHUTDOWN, CRASHED, POWER_SUSPENDED = 0, 1, 3, 4, 6, 7

_REBOOT = ("rebooting", "reboot_pending", "reboot_started")
_REBOOT_HARD = ("rebooting_hard", "reboot_pending_hard", "reboot_started_hard")
_REBUILD = ("rebuilding", "rebuild_block_device_mapping", "rebuild_spawning")
_RESIZE = ("resize_prep", "resize_migrating", "resize_migrated", "resize_finish")

# vm_state -> {task_state or "default": status}; Nova's _STATE_MAP.
STATUS_MAP: dict[str, dict[str, str]] = {
    ACTIVE: {"default": "ACTIVE", **dict.fromkeys(_REBOOT, "REBOOT"),
             **dict.fromkeys(_REBOOT_HARD, "HARD_REBOOT"), "updating_password": "PASSWORD",
             **dict.fromkeys(_REBUILD, "REBUILD"), "migrating": "MIGRATING", **dict.fromkeys(_RESIZE, "RESIZE")},
    BUILDING: {"default": "BUILD"},
    STOPPED: {"default": "SHUTOFF", **dict.fromkeys(_RESIZE, "RESIZE"), **dict.fromkeys(_REBUILD, "REBUILD")},
    RESIZED: {"default": "VERIFY_RESIZE", "resize_reverting": "REVERT_RESIZE"},
    PAUSED: {"default": "PAUSED", "migrating": "MIGRATING"},
    SUSPENDED: {"default": "SUSPENDED"},
    RESCUED: {"default": "RESCUE"},
    ERROR: {"default": "ERROR", **dict.fromkeys(_REBUILD, "REBUILD")},
    DELETED: {"default": "DELETED"},
    SOFT_DELETED: {"default": "SOFT_DELETED"},
    SHELVED: {"default": "SHELVED"},
    SHELVED_OFFLOADED: {"default": "SHELVED_OFFLOADED"},
}

STATUSES = tuple(sorted({s for task_map in STATUS_MAP.values() for s in task_map.values()} | {"UNKNOWN"}))


def status_from_state(vm_state: str | None, task_state: str | None) -> str:
    task_map = STATUS_MAP.get(vm_state, {"default": "UNKNOWN"})
    return task_map.get(task_state, task_map["default"])


def status(server: dict) -> str:
    """The API status of a server record (a destroyed record is always DELETED)."""
    if server.get("deleted"):
        return "DELETED"
    return status_from_state(server.get("vm_state"), server.get("task_state"))


def states_for_statuses(statuses) -> tuple[set[str], set[str]]:
    """Nova's status filter: (vm_states, task_states) whose mapping gives one of ``statuses``.

    A task_state of "default" among the results means "any task_state" (Nova then filters on
    vm_state only, so status=ACTIVE also finds servers that are rebooting)."""
    wanted = {s.lower() for s in statuses}
    vm_states, task_states = set(), set()
    for vm_state, task_map in STATUS_MAP.items():
        for task_state, mapped in task_map.items():
            if mapped.lower() in wanted:
                vm_states.add(vm_state)
                task_states.add(task_state)
    return vm_states, task_states


# --- the transition table ----------------------------------------------------------------------

# Markers a change may use instead of a literal value; resolved when the change is applied.
NOW = "<now>"                    # the time the change takes effect (epoch seconds)
PREVIOUS = "<previous vm_state>"  # the vm_state the server had when the action started
OLD_VM_STATE = "<old_vm_state>"  # the vm_state saved by an earlier action (resize -> confirm/revert)
POWER_FOR_STATE = "<power for vm_state>"
REBUILT_STATE = "<stopped if it was stopped, else active>"  # how a rebuild or evacuation ends

ANY = None          # allowed vm_states / task_states: no restriction
IDLE = (None,)      # allowed task_states: task_state must be None

# Power state a settled vm_state implies (libvirt's view, as devstack shows it).
POWER_OF_VM_STATE = {ACTIVE: RUNNING, STOPPED: SHUTDOWN, PAUSED: POWER_PAUSED, SUSPENDED: SHUTDOWN,
                     RESCUED: RUNNING, RESIZED: RUNNING, SHELVED: SHUTDOWN, SHELVED_OFFLOADED: NOSTATE,
                     SOFT_DELETED: SHUTDOWN, DELETED: NOSTATE}


@dataclass(frozen=True)
class Transition:
    """One row: ``action`` is the name Nova puts in its 409 text ("Cannot '{action}' instance ...")."""

    action: str
    vm_states: tuple | None              # allowed vm_states (ANY = no check)
    task_states: tuple | None            # allowed task_states (IDLE = must be None, ANY = no check)
    start: dict                          # applied at once, in the request
    steps: tuple = ()                    # ((fraction of the duration, changes[, effects]), ...), the last
                                         # is the end; a step's effects run when it applies (not when doomed)
    duration: str = ""                   # settings.durations key (defaults in DEFAULT_DURATIONS)
    must_have_launched: bool = True      # 409 "... while it is in launched_at None" before first boot
    check_lock: bool = True              # 409 "Instance {uuid} is locked" for non-admins
    needs_host: bool = False             # 409 "Instance {uuid} is not ready" without a host
    host_checked_first: bool = False     # that 409 comes before the state checks (check_instance_host outer)
    progress: bool = False               # progress rises 0 -> 100 over the duration
    then: str | None = None              # the action started automatically when this one ends
    effects: tuple = field(default=())   # named side effects run when the end step applies
    on_failure: tuple = ()               # named side effects run when it ends with a fault instead


def _end(vm_state, **more) -> tuple:
    return ((1.0, {"vm_state": vm_state, "task_state": None, "power_state": POWER_FOR_STATE, **more}),)


# resize_prep -> resize_migrating (source) -> resize_migrated -> resize_finish (destination): the
# server takes its new flavor as finish_resize starts (so VERIFY_RESIZE shows it, and quota counts it).
# The migration record follows: migrating on the source, post-migrating once the disk moved (the
# server's host is the destination from then on), finished at the end.
_RESIZE_STEPS = ((0.25, {"task_state": "resize_migrating"}, ("resize_migrating",)),
                 (0.5, {"task_state": "resize_migrated"}, ("resize_moved",)),
                 (0.75, {"task_state": "resize_finish"}, ("new_flavor_applied",))) + _end(RESIZED, progress=100)
_REBUILD_STEPS = ((0.3, {"task_state": "rebuild_block_device_mapping"}), (0.5, {"task_state": "rebuild_spawning"}))
# Evacuation: the destination's rebuild claims the server (migration pre-migrating), then spawns it.
_EVACUATE_STEPS = ((0.3, {"task_state": "rebuild_block_device_mapping"}, ("evacuation_claimed",)),
                   (0.5, {"task_state": "rebuild_spawning"}))
# Live migration: the task_state stays "migrating"; only the migration record moves (queued on the
# destination, preparing, running while memory is copied), then the server is on the destination.
_LIVE_MIGRATION_STEPS = ((0.1, {}, ("live_migration_queued",)), (0.2, {}, ("live_migration_preparing",)),
                         (0.3, {}, ("live_migration_running",))) + _end(PREVIOUS)
# The driver's snapshot: Glance's image goes from queued to saving as the upload starts.
_UPLOAD_STEPS = ((0.4, {"task_state": "image_pending_upload"}),
                 (0.6, {"task_state": "image_uploading"}, ("image_upload_started",)), (1.0, {"task_state": None}))

_T = Transition
TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    _T("build", ANY, ANY, {"vm_state": BUILDING, "task_state": "scheduling", "power_state": NOSTATE,
                           "progress": 0},
       steps=((0.2, {"task_state": "networking", "host": "<host>", "node": "<host>",
                     "availability_zone": "<az>"}),
              (0.3, {"task_state": "block_device_mapping"}),
              (0.4, {"task_state": "spawning"}),
              (1.0, {"vm_state": ACTIVE, "task_state": None, "power_state": RUNNING, "launched_at": NOW,
                     "progress": 100})),
       duration="build", must_have_launched=False, check_lock=False, progress=True),
    _T("delete", ANY, ANY, {"task_state": "deleting"},
       steps=_end(DELETED, deleted=True, terminated_at=NOW, deleted_at=NOW, progress=0),
       duration="delete", must_have_launched=False, effects=("release_network", "release_volumes")),
    _T("soft_delete", ANY, ANY, {"task_state": "soft-deleting"},
       steps=_end(SOFT_DELETED, deleted_at=NOW), duration="soft_delete", then="reclaim"),
    _T("reclaim", (SOFT_DELETED,), ANY, {},
       steps=_end(DELETED, deleted=True, terminated_at=NOW), duration="reclaim",
       must_have_launched=False, check_lock=False, effects=("release_network", "release_volumes")),
    _T("forceDelete", ANY, IDLE, {"task_state": "deleting"},
       steps=_end(DELETED, deleted=True, terminated_at=NOW), duration="delete",
       must_have_launched=False, effects=("release_network", "release_volumes")),
    _T("restore", (SOFT_DELETED,), IDLE, {"task_state": "restoring"},
       steps=_end(ACTIVE, deleted_at=None), duration="restore"),
    _T("reboot", (ACTIVE,), IDLE, {"task_state": "rebooting"},
       steps=((0.1, {"task_state": "reboot_pending"}), (0.2, {"task_state": "reboot_started"})) + _end(ACTIVE),
       duration="reboot"),
    _T("reboot_hard", (ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR),
       (None, "rebooting", "reboot_pending", "reboot_started", "resuming", "rebooting_hard", "unpausing",
        "pausing", "suspending"),
       {"task_state": "rebooting_hard"},
       steps=((0.1, {"task_state": "reboot_pending_hard"}), (0.2, {"task_state": "reboot_started_hard"}))
       + _end(ACTIVE), duration="reboot_hard"),
    _T("stop", (ACTIVE, ERROR), IDLE, {"task_state": "powering-off", "progress": 0}, steps=_end(STOPPED),
       duration="stop", needs_host=True, host_checked_first=True),
    _T("start", (STOPPED,), IDLE, {"task_state": "powering-on"}, steps=_end(ACTIVE),
       duration="start", needs_host=True, host_checked_first=True),
    _T("pause", (ACTIVE,), IDLE, {"task_state": "pausing"}, steps=_end(PAUSED), duration="pause"),
    _T("unpause", (PAUSED,), IDLE, {"task_state": "unpausing"}, steps=_end(ACTIVE), duration="unpause"),
    _T("suspend", (ACTIVE,), IDLE, {"task_state": "suspending"}, steps=_end(SUSPENDED), duration="suspend"),
    _T("resume", (SUSPENDED,), IDLE, {"task_state": "resuming"}, steps=_end(ACTIVE), duration="resume"),
    _T("rescue", (ACTIVE, STOPPED, ERROR), IDLE, {"task_state": "rescuing"}, steps=_end(RESCUED),
       duration="rescue"),
    _T("unrescue", (RESCUED,), IDLE, {"task_state": "unrescuing"}, steps=_end(ACTIVE), duration="unrescue"),
    _T("resize", (ACTIVE, STOPPED), IDLE, {"task_state": "resize_prep", "old_vm_state": PREVIOUS, "progress": 0},
       steps=_RESIZE_STEPS, duration="resize", needs_host=True, progress=True, effects=("resized",),
       on_failure=("migration_failed",)),
    _T("migrate", (ACTIVE, STOPPED), IDLE, {"task_state": "resize_prep", "old_vm_state": PREVIOUS, "progress": 0},
       steps=_RESIZE_STEPS, duration="migrate", needs_host=True, progress=True, effects=("resized",),
       on_failure=("migration_failed",)),
    # Confirm sets no task_state: the server shows VERIFY_RESIZE until the source host has cleaned up.
    _T("confirmResize", (RESIZED,), IDLE, {}, steps=_end(OLD_VM_STATE), duration="confirm_resize",
       effects=("resize_confirmed",)),
    _T("revertResize", (RESIZED,), IDLE, {"task_state": "resize_reverting"}, steps=_end(OLD_VM_STATE),
       duration="revert_resize", effects=("resize_reverted",)),
    _T("rebuild", (ACTIVE, STOPPED, ERROR), IDLE, {"task_state": "rebuilding", "progress": 0},
       steps=_REBUILD_STEPS + _end(REBUILT_STATE, progress=100, launched_at=NOW), duration="rebuild",
       progress=True),
    # Evacuate checks no lock and no task_state; up to 2.94 a stopped server stays stopped, from 2.95
    # every evacuated server ends stopped (evacuate_to_stopped).
    _T("evacuate", (ACTIVE, STOPPED, ERROR), ANY, {"task_state": "rebuilding"},
       steps=_EVACUATE_STEPS + _end(REBUILT_STATE, launched_at=NOW), duration="evacuate", check_lock=False,
       effects=("migration_completed",), on_failure=("migration_failed",)),
    _T("evacuate_to_stopped", (ACTIVE, STOPPED, ERROR), ANY, {"task_state": "rebuilding"},
       steps=_EVACUATE_STEPS + _end(STOPPED, launched_at=NOW), duration="evacuate", check_lock=False,
       effects=("migration_completed",), on_failure=("migration_failed",)),
    _T("createImage", (ACTIVE, STOPPED, PAUSED, SUSPENDED), IDLE, {"task_state": "image_snapshot_pending"},
       steps=((0.2, {"task_state": "image_snapshot"}),) + _UPLOAD_STEPS, duration="create_image",
       check_lock=False, effects=("image_uploaded",)),
    _T("createBackup", (ACTIVE, STOPPED, PAUSED, SUSPENDED), IDLE, {"task_state": "image_backup"},
       steps=_UPLOAD_STEPS, duration="create_backup", check_lock=False, effects=("image_uploaded",)),
    _T("changePassword", (ACTIVE,), IDLE, {"task_state": "updating_password"}, steps=_end(ACTIVE),
       duration="change_password"),
    # An image-backed server is snapshotted into Glance ("<name>-shelved") as it shelves.
    _T("shelve", (ACTIVE, STOPPED, PAUSED, SUSPENDED), IDLE, {"task_state": "shelving"},
       steps=((0.0, {}, ("shelved_image_created",)),
              (0.5, {"task_state": "shelving_image_uploading"}, ("image_upload_started",))) + _end(SHELVED),
       duration="shelve", then="shelved_offload_wait", effects=("image_uploaded",)),
    # Not an API action: the wait before a shelved server is offloaded on its own.
    _T("shelved_offload_wait", (SHELVED,), IDLE, {}, steps=((1.0, {}),), duration="shelved_offload_time",
       must_have_launched=False, check_lock=False, then="shelveOffload"),
    _T("shelveOffload", (SHELVED,), IDLE, {"task_state": "shelving_offloading"},
       steps=_end(SHELVED_OFFLOADED, host=None, node=None), duration="shelve_offload", effects=("volumes_parked",)),
    _T("unshelve", (SHELVED, SHELVED_OFFLOADED), IDLE, {"task_state": "unshelving"},
       steps=((0.3, {"task_state": "spawning", "host": "<host>", "node": "<host>"}),) + _end(ACTIVE),
       duration="unshelve", effects=("volumes_reconnected", "shelved_image_removed")),
    _T("os-migrateLive", (ACTIVE, PAUSED), IDLE, {"task_state": "migrating"}, steps=_LIVE_MIGRATION_STEPS,
       duration="live_migrate", effects=("migration_completed",), on_failure=("migration_failed",)),
    # Checks only (nova/compute/api.py live_migrate_force_complete / live_migrate_abort): what they do
    # happens to the running os-migrateLive (complete_now / cancel).
    _T("live_migration_force_complete", (ACTIVE,), ("migrating",), {}),
    _T("live_migration_abort", ANY, ("migrating",), {}),
    _T("trigger_crash_dump", (ACTIVE, PAUSED, RESCUED, RESIZED, ERROR), IDLE, {}, duration="trigger_crash_dump",
       needs_host=True, host_checked_first=True),
    _T("resetState", ANY, ANY, {}, must_have_launched=False, check_lock=False),
    _T("injectNetworkInfo", ANY, ANY, {}, must_have_launched=False),
)}

# Seconds each transition takes unless settings.durations says otherwise (0 = within the request).
# change_password is 0: Nova sets the password with an RPC call, so it is done before the 202.
DEFAULT_DURATIONS = {
    "build": 5, "delete": 1, "soft_delete": 1, "restore": 1, "reboot": 2, "reboot_hard": 3, "stop": 2,
    "start": 2, "pause": 1, "unpause": 1, "suspend": 2, "resume": 2, "rescue": 3, "unrescue": 2, "resize": 5,
    "migrate": 5, "confirm_resize": 1, "revert_resize": 3, "rebuild": 5, "evacuate": 5, "create_image": 2,
    "create_backup": 2, "change_password": 0, "shelve": 3, "shelve_offload": 0, "unshelve": 4,
    "live_migrate": 5, "trigger_crash_dump": 0,
    # Cinder's work (volumes from images, snapshots, ...) reads the same setting.
    **timing.DEFAULT_DURATIONS,
}

# Where scheduled servers land: builds go to the first compute host; a move without a named
# destination goes to another one. Both hosts are in the one availability zone.
COMPUTE_HOST = "compute1"
COMPUTE_HOSTS = (COMPUTE_HOST, "compute2")
DEFAULT_AZ = "nova"

# Named side effects (end of a transition) -> callables(backend, server); registered by other modules
# so this module stays free of Neutron knowledge.
EFFECTS: dict = {}

# Called as listener(backend, server, transition_id, fault) whenever a running transition ends: fault
# is None on success, else the {code, message, details} it failed with (a superseded transition ends
# with a fault too). Instance actions finish their events here.
END_LISTENERS: list = []

SUPERSEDED_FAULT = {"code": 500, "message": "Instance was interrupted by another operation", "details": ""}


def duration(backend, transition: Transition) -> float | None:
    """Seconds ``transition`` takes; None for a wait that never ends (shelved_offload_time -1)."""
    if transition.duration == "reclaim":
        return float(backend.settings.reclaim_instance_interval)
    if transition.duration == "shelved_offload_time":
        offload_after = backend.settings.shelved_offload_time
        return None if offload_after < 0 else float(offload_after)
    configured = (backend.settings.durations or {}).get(transition.duration)
    if configured is None:
        configured = DEFAULT_DURATIONS.get(transition.duration, 0)
    return max(0.0, float(configured))


# --- checks --------------------------------------------------------------------------------------

def check_lock(server: dict, context) -> None:
    """409 for a locked server unless the caller is an admin (check_instance_lock)."""
    if server.get("locked_by") and not context.is_admin:
        raise Conflict(f"Instance {server['id']} is locked")


def check(server: dict, action: str, *, context=None, api_action: str | None = None) -> None:
    """Raise Nova's 409 when ``action`` is not allowed now. ``api_action`` is the name for the
    message when it differs from the table's (os-start -> 'start'); ``context`` enables the lock check."""
    transition = TRANSITIONS[action]
    name = api_action or action
    if context is not None and transition.check_lock:
        check_lock(server, context)
    if transition.needs_host and transition.host_checked_first and not server.get("host"):
        raise Conflict(f"Instance {server['id']} is not ready")
    if transition.vm_states is not ANY and server["vm_state"] not in transition.vm_states:
        raise Conflict(_invalid_state(name, server["id"], "vm_state", server["vm_state"]))
    if transition.task_states is not ANY and server["task_state"] not in transition.task_states:
        raise Conflict(_invalid_state(name, server["id"], "task_state", server["task_state"]))
    if transition.must_have_launched and not server.get("launched_at"):
        raise Conflict(_invalid_state(name, server["id"], "launched_at", None))
    if transition.needs_host and not server.get("host"):
        raise Conflict(f"Instance {server['id']} is not ready")


def _invalid_state(action: str, server_id: str, attr: str, state) -> str:
    return f"Cannot '{action}' instance {server_id} while it is in {attr} {state}"


# --- running transitions -------------------------------------------------------------------------

def start(backend, server: dict, action: str, *, at: float | None = None, fault: dict | None = None) -> None:
    """Apply ``action``'s immediate changes and schedule its steps. Call ``check`` first.
    Hold ``backend.store.lock``. A duration of 0 completes before this returns. With ``fault``
    ({code, message[, details]}) the action ends in ERROR with that fault instead of its end state;
    with ``"rollback": True`` in the fault it ends back in the vm_state it started from."""
    store = backend.store
    transition = TRANSITIONS[action]
    now = backend.clock.time() if at is None else at
    context = {"previous": server["vm_state"]}
    superseded = server.get("transition")
    if superseded:
        server["transition"] = None
        _ended(backend, server, superseded["id"], SUPERSEDED_FAULT)
    _apply(server, transition.start, now, context)
    server["updated_at"] = now
    total = duration(backend, transition) if transition.steps else None
    if total is None:
        server["transition"] = None
        return
    store.timeline_seq += 1
    transition_id = store.timeline_seq
    server["transition"] = {"id": transition_id, "action": action, "started_at": now, "due_at": now + total,
                            "previous_vm_state": context["previous"], "fault": fault}
    for index, (fraction, *_changes) in enumerate(transition.steps):
        store.timeline_seq += 1
        heapq.heappush(store.timeline, [now + total * fraction, store.timeline_seq, server["id"], transition_id,
                                        index])
    # A follow-up started by settle() is picked up by its loop; an instant action completes now.
    if total == 0 and at is None:
        settle(backend)


def settle(backend) -> int:
    """Apply every scheduled step that is due by the clock, in due order. Returns how many applied."""
    store = backend.store
    applied = 0
    with store.lock:
        now = backend.clock.time()
        while store.timeline and store.timeline[0][0] <= now:
            due_at, _seq, server_id, transition_id, index = heapq.heappop(store.timeline)
            server = store.servers.get(server_id)
            pending = server.get("transition") if server else None
            if not pending or pending["id"] != transition_id:
                continue  # superseded: the server was deleted, failed or moved on
            _apply_step(backend, server, pending, index, due_at)
            applied += 1
    return applied


def _apply_step(backend, server: dict, pending: dict, index: int, at: float) -> None:
    transition = TRANSITIONS[pending["action"]]
    last = index == len(transition.steps) - 1
    if last and pending.get("fault"):
        fault = pending["fault"]
        if fault.get("rollback"):
            _roll_back_at(server, at, pending["previous_vm_state"], fault)
        else:
            _fail_at(server, at, fault["message"], fault.get("code", 500), fault.get("details", ""))
        for effect in transition.on_failure:
            EFFECTS[effect](backend, server)
        _ended(backend, server, pending["id"], fault)
        return
    _fraction, changes, *step_effects = transition.steps[index]
    _apply(server, changes, at, {"previous": pending["previous_vm_state"]})
    if changes:  # a step that only moves a migration record leaves the server untouched
        server["updated_at"] = at
    if step_effects and not pending.get("fault"):
        for effect in step_effects[0]:
            EFFECTS[effect](backend, server)
    if last:
        server["transition"] = None
        for effect in transition.effects:
            EFFECTS[effect](backend, server)
        _ended(backend, server, pending["id"], None)
        if transition.then:
            start(backend, server, transition.then, at=at)


def complete_now(backend, server: dict) -> None:
    """Apply the rest of the server's running transition at once (a forced live-migration
    completion). Its steps still on the timeline are then stale and skipped. Hold the store lock."""
    settle(backend)
    pending = server.get("transition")
    if not pending:
        return
    now = backend.clock.time()
    total = pending["due_at"] - pending["started_at"]
    for index, (fraction, *_changes) in enumerate(TRANSITIONS[pending["action"]].steps):
        if server.get("transition") is not pending:
            break  # ended (or a follow-up started)
        if pending["started_at"] + total * fraction > now:  # not applied yet
            _apply_step(backend, server, pending, index, now)


def cancel(backend, server: dict) -> None:
    """Stop the server's running transition where it is: the task_state clears and the vm_state
    stays (an aborted live migration rolls back on the source). Its steps are skipped from now on;
    the transition ends without a fault. Hold the store lock."""
    pending = server.get("transition")
    server.update(transition=None, task_state=None, updated_at=backend.clock.time())
    if pending:
        _ended(backend, server, pending["id"], None)


def _ended(backend, server: dict, transition_id: int, fault: dict | None) -> None:
    for listener in END_LISTENERS:
        listener(backend, server, transition_id, fault)


def _apply(server: dict, changes: dict, at: float, context: dict) -> None:
    for key, value in changes.items():
        if value == NOW:
            value = at
        elif value == PREVIOUS:
            value = context["previous"]
        elif value == REBUILT_STATE:
            value = STOPPED if context["previous"] == STOPPED else ACTIVE
        elif value == OLD_VM_STATE:
            value = server.get("old_vm_state") or ACTIVE
        elif value == "<host>":
            value = server.get("requested_host") or COMPUTE_HOST
        elif value == "<az>":
            value = server.get("availability_zone") or DEFAULT_AZ
        if value == POWER_FOR_STATE:
            continue  # resolved below, once vm_state is known
        server[key] = value
    if changes.get("power_state") == POWER_FOR_STATE:
        server["power_state"] = POWER_OF_VM_STATE.get(server["vm_state"], server.get("power_state", NOSTATE))


def progress(server: dict, now: float) -> int:
    """The progress a client sees: rising over a running transition that reports progress."""
    pending = server.get("transition")
    if pending and TRANSITIONS[pending["action"]].progress:
        total = pending["due_at"] - pending["started_at"]
        if total <= 0:
            return 100
        return max(0, min(100, int(100 * (now - pending["started_at"]) / total)))
    return int(server.get("progress") or 0)


def fail(backend, server: dict, message: str, code: int = 500, details: str = "") -> None:
    """End whatever the server was doing in ERROR with a fault (what a failed build looks like)."""
    with backend.store.lock:
        pending = server.get("transition")
        _fail_at(server, backend.clock.time(), message, code, details)
        if pending:
            _ended(backend, server, pending["id"], {"code": int(code), "message": message, "details": details})


def _roll_back_at(server: dict, at: float, previous_vm_state: str, fault: dict) -> None:
    """A failure the compute host recovers from (InstanceFaultRollback): the server is back where it
    started, and Nova records the fault (shown only if the server is ever in ERROR)."""
    server.update(vm_state=previous_vm_state, task_state=None, transition=None, updated_at=at)
    server["power_state"] = POWER_OF_VM_STATE.get(previous_vm_state, server.get("power_state", NOSTATE))
    server["fault"] = {"code": int(fault.get("code", 500)), "message": fault["message"],
                       "details": fault.get("details", ""), "created": at}


def _fail_at(server: dict, at: float, message: str, code: int, details: str) -> None:
    server.update(vm_state=ERROR, task_state=None, transition=None, updated_at=at)
    server["fault"] = {"code": int(code), "message": message, "details": details or "", "created": at}
