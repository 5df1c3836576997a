"""Nova's migration records: one per resize, cold migration, live migration and evacuation, and the
APIs on them (GET /os-migrations; /servers/{id}/migrations: list, show, force_complete, abort).

A record lives in ``store.migrations`` (keyed by uuid) with Nova's columns. Its status follows the
server on the lifecycle timeline: the moves' rows in ``lifecycle.TRANSITIONS`` name step effects
registered at the bottom of this module (resize: pre-migrating -> migrating -> post-migrating ->
finished -> confirming/reverting -> confirmed/reverted; live: accepted -> queued -> preparing ->
running -> completed, or cancelled / error; evacuation: accepted -> pre-migrating -> done). No Flask.

Checked against nova/api/openstack/compute/{migrations,server_migrations}.py, nova/compute/api.py
(live_migrate_force_complete, live_migrate_abort), nova/db/main/api.py (migration_get_all_by_filters,
migration_get_in_progress_by_instance), nova/compute/resource_tracker.py and
nova/policies/{migrations,servers_migrations}.py (master, API 2.104).
"""

from __future__ import annotations

import datetime as dt

from fakenova.domain import paging, policy
from fakenova.domain.compute import instance_actions, lifecycle, servers
from fakenova.errors import BadRequest, NotFound

LIVE = "live-migration"
KINDS = ("migration", "resize", LIVE, "evacuation")
# What Nova counts as an in-progress live migration (the server migrations API and its links).
IN_PROGRESS = ("queued", "preparing", "running", "post-migrating")
# The address each fake compute host reports (driver.get_host_ip_addr, the record's dest_host).
HOST_IPS = {"compute1": "192.168.122.11", "compute2": "192.168.122.12"}

_INDEX = "os_compute_api:os-migrations:"
_SERVER = "os_compute_api:servers:migrations:"
_TRUE = ("1", "t", "true", "on", "y", "yes")


# --- records -------------------------------------------------------------------------------------

def new(backend, context, server: dict, kind: str, *, status: str, dest: str, old_flavor: dict | None = None,
        new_flavor: dict | None = None, claimed: bool = False) -> dict:
    """A new row for a move of ``server`` that ``context`` asked for (Migration.create takes the
    requester's user and project). ``claimed``: the destination has claimed it (dest_host known)."""
    store = backend.store
    with_flavors = kind != "evacuation"  # the API's evacuation record names no flavors
    migration = {
        "id": _next_id(store),
        "uuid": store.ids.uuid(),
        "instance_uuid": server["id"],
        "user_id": context.user_id,
        "project_id": context.project_id,
        "migration_type": kind,
        "status": status,
        "source_compute": server["host"], "source_node": server["node"],
        "dest_compute": dest, "dest_node": dest,
        "dest_host": HOST_IPS.get(dest) if claimed else None,
        "old_instance_type_id": _internal_id(store, old_flavor or server["flavor"]) if with_flavors else None,
        "new_instance_type_id": _internal_id(store, new_flavor or server["flavor"]) if with_flavors else None,
        "hidden": False,
        "created_at": backend.clock.time(),
        "updated_at": None,  # set by the first save after the create, as in Nova's table
    }
    store.migrations[migration["uuid"]] = migration
    server["migration_id"] = migration["uuid"]
    return migration


def _next_id(store) -> int:
    # The table's autoincrement key: never one an archived migration had.
    return 1 + max(max((m["id"] for m in store.migrations.values()), default=0),
                   store.archived_ids.get("migrations", 0))


def _internal_id(store, flavor: dict) -> int | None:
    """instance_types.id: the flavor's database id, not its flavorid."""
    record = store.flavors.get(flavor["id"])
    return record["internal_id"] if record else flavor.get("internal_id")


def set_status(backend, migration: dict | None, status: str) -> None:
    if migration is not None:
        migration.update(status=status, updated_at=backend.clock.time())


def current(backend, server: dict) -> dict | None:
    """The server's latest migration."""
    return backend.store.migrations.get(server.get("migration_id") or "")


def other_host(host: str | None) -> str:
    """Where the scheduler sends a move with no named destination: the first other compute host."""
    return next(h for h in lifecycle.COMPUTE_HOSTS if h != host)


# --- GET /os-migrations --------------------------------------------------------------------------

def list_all(backend, context, params: dict, *, paged: bool, changes_before: bool) -> list[dict]:
    """The records ``params`` (last value of each query parameter) select, oldest first before 2.59
    and (created_at, id) newest first, limited and after the marker from 2.59 (``paged``)."""
    project_id = params.get("project_id")
    policy.authorize(context, _INDEX + "index", context.project_id)
    if not project_id or project_id != context.project_id:
        policy.authorize(context, _INDEX + "index:all_projects", context.project_id)
    since = params.get("changes-since") if paged else None
    before = params.get("changes-before") if changes_before else None
    if since is not None and before is not None and before < since:
        raise BadRequest("The value of changes-since must be less than or equal to changes-before.")
    with backend.store.lock:
        records = [dict(m) for m in backend.store.migrations.values() if _matches(m, params, since, before)]
        if not paged:
            return sorted(records, key=lambda m: m["id"])
        records.sort(key=lambda m: (m["created_at"], m["id"]), reverse=True)
        marker = params.get("marker")
        if marker is not None:
            anchor = backend.store.migrations.get(marker)
            if anchor is None:
                raise BadRequest(f"Marker {marker} could not be found.")
            # The page starts after the marker's place in the order, even if the filters leave it out.
            records = [m for m in records if (m["created_at"], m["id"]) < (anchor["created_at"], anchor["id"])]
        return records[:page_size(params)]


def page_size(params: dict) -> int:
    limit = params.get("limit")
    return paging.capped(int(limit) if limit is not None else None)


def shows_hosts(context) -> bool:
    return policy.allowed(context, _INDEX + "index:host", context.project_id)


def _matches(m: dict, params: dict, since: dt.datetime | None, before: dt.datetime | None) -> bool:
    if "uuid" in params and m["uuid"] != params["uuid"]:
        return False
    if since is not None or before is not None:
        # Compared as the database holds them: datetimes with microseconds (what the client saw).
        updated = None if m["updated_at"] is None else dt.datetime.fromtimestamp(m["updated_at"], dt.timezone.utc)
        if updated is None or (since is not None and updated < since) or (before is not None and updated > before):
            return False
    if "status" in params and m["status"] != params["status"]:
        return False
    if "host" in params:
        if params["host"] not in (m["source_compute"], m["dest_compute"]):
            return False
    elif "source_compute" in params and m["source_compute"] != params["source_compute"]:
        return False
    if "node" in params and params["node"] not in (m["source_node"], m["dest_node"]):
        return False
    if "migration_type" in params and m["migration_type"] != params["migration_type"]:
        return False
    if "hidden" in params and m.get("hidden", False) != (str(params["hidden"]).lower() in _TRUE):
        return False
    for key in ("instance_uuid", "user_id", "project_id"):
        if key in params and m[key] != params[key]:
            return False
    return True


# --- /servers/{id}/migrations --------------------------------------------------------------------

def in_progress_live(backend, context, server_id: str) -> tuple[list[dict], bool]:
    """(the server's in-progress live migrations, whether the caller sees their hosts)."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, _SERVER + "index", server["project_id"])
        with_hosts = policy.allowed(context, _SERVER + "index:host", server["project_id"])
        found = [dict(m, **live_progress(backend, m)) for m in _of_server(backend, server_id)
                 if m["migration_type"] == LIVE and m["status"] in IN_PROGRESS]
        return found, with_hosts


def show_in_progress_live(backend, context, server_id: str, migration_id: str) -> dict:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, _SERVER + "show", server["project_id"])
        migration = _find(backend, server_id, migration_id)
        if migration is None:
            raise NotFound(f"In-progress live migration {migration_id} is not found for server {server_id}.")
        if migration["migration_type"] != LIVE:
            raise NotFound(f"Migration {migration_id} for server {server_id} is not live-migration.")
        if migration["status"] not in IN_PROGRESS:
            raise NotFound(f"Live migration {migration_id} for server {server_id} is not in progress.")
        return dict(migration, **live_progress(backend, migration))


def force_complete(backend, context, server_id: str, migration_id: str) -> None:
    """The running live migration finishes now (Nova switches it to post-copy or pauses the guest)."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, _SERVER + "force_complete", server["project_id"])
        lifecycle.check(server, "live_migration_force_complete", context=context, api_action="force_complete")
        migration = _find(backend, server_id, migration_id)
        if migration is None:
            raise BadRequest(f"Migration {migration_id} not found for instance {server_id}")
        if migration["status"] != "running":
            raise BadRequest(_invalid_state(migration_id, server_id, migration["status"], "force complete"))
        instance_actions.begin(backend, server, "live_migration_force_complete", context)
        lifecycle.complete_now(backend, server)


def abort(backend, context, server_id: str, migration_id: str, *, queued_too: bool) -> None:
    """Abort a live migration: running ones always, queued or preparing ones from 2.65. The server
    stays on its source as it was; the record ends "cancelled"."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, _SERVER + "delete", server["project_id"])
        lifecycle.check(server, "live_migration_abort", context=context, api_action="abort live migration")
        migration = _find(backend, server_id, migration_id)
        if migration is None:
            raise NotFound(f"Migration {migration_id} not found for instance {server_id}")
        allowed = ("running", "queued", "preparing") if queued_too else ("running",)
        if migration["status"] not in allowed:
            raise BadRequest(_invalid_state(migration_id, server_id, migration["status"], "abort live migration"))
        instance_actions.begin(backend, server, "live_migration_cancel", context)
        if current(backend, server) is migration:
            lifecycle.cancel(backend, server)
        set_status(backend, migration, "cancelled")


def _invalid_state(migration_id: str, server_id: str, status: str, method: str) -> str:
    return (f"Migration {migration_id} state of instance {server_id} is {status}. Cannot {method} while the "
            "migration is in this state.")


def _of_server(backend, server_id: str) -> list[dict]:
    return sorted((m for m in backend.store.migrations.values() if m["instance_uuid"] == server_id),
                  key=lambda m: m["id"])


def _find(backend, server_id: str, migration_id: str) -> dict | None:
    """Nova compares the path's id with an integer column: anything but digits matches nothing."""
    if not (migration_id.isascii() and migration_id.isdigit()):
        return None
    wanted = int(migration_id)
    return next((m for m in _of_server(backend, server_id) if m["id"] == wanted), None)


def live_progress(backend, migration: dict) -> dict:
    """The memory and disk counters the libvirt driver records while a live migration runs: memory
    copied in proportion to the running phase's time; disks are shared (no counters)."""
    progress = dict.fromkeys(("memory_total", "memory_processed", "memory_remaining", "disk_total",
                              "disk_processed", "disk_remaining"))
    server = backend.store.servers.get(migration["instance_uuid"])
    pending = (server or {}).get("transition")
    if migration["status"] != "running" or not pending or server.get("migration_id") != migration["uuid"]:
        return progress
    total_seconds = pending["due_at"] - pending["started_at"]
    running_from = pending["started_at"] + total_seconds * _RUNNING_AT
    running_for = pending["due_at"] - running_from
    done = 1.0 if running_for <= 0 else (backend.clock.time() - running_from) / running_for
    total = int(server["flavor"]["ram"]) * 1024 * 1024
    processed = max(1, min(total - 1, int(total * max(0.0, min(1.0, done)))))
    progress.update(memory_total=total, memory_processed=processed, memory_remaining=total - processed)
    return progress


# The fraction of the os-migrateLive row at which the record turns "running".
_RUNNING_AT = next(fraction for fraction, _changes, *effects in lifecycle.TRANSITIONS["os-migrateLive"].steps
                   if effects and "live_migration_running" in effects[0])


# --- effects: the record follows the server's steps ----------------------------------------------

def _status_effect(status: str, *, claim: bool = False):
    def effect(backend, server: dict) -> None:
        migration = current(backend, server)
        if migration is not None and claim:
            migration["dest_host"] = HOST_IPS.get(migration["dest_compute"])
        set_status(backend, migration, status)
    return effect


def _resize_moved(backend, server: dict) -> None:
    """The disk is on the destination: the server's host is the destination from here on."""
    migration = current(backend, server)
    set_status(backend, migration, "post-migrating")
    if migration is not None:
        server.update(host=migration["dest_compute"], node=migration["dest_node"])


lifecycle.EFFECTS.update({
    "resize_migrating": _status_effect("migrating"),
    "resize_moved": _resize_moved,
    "live_migration_queued": _status_effect("queued", claim=True),
    "live_migration_preparing": _status_effect("preparing"),
    "live_migration_running": _status_effect("running"),
    "evacuation_claimed": _status_effect("pre-migrating", claim=True),
})
