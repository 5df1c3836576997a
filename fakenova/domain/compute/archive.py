"""Archiving deleted servers: ``nova-manage db archive_deleted_rows``, run lazily on the fake clock.

A deleted server stays where Nova shows deleted rows (``changes-since``, ``deleted=true`` for admins,
its instance actions from 2.21) for ``deleted_retention`` seconds of fake time after it was
destroyed. Then it goes with everything that hangs off it, as archive_deleted_rows moves the
instance's rows and their children out of the main tables: its instance actions and their events,
its migrations, its console tokens, its membership of server groups (instance_group_member), any
step of it still on the lifecycle timeline. Its ports and fixed IPs went back to Neutron when it was
deleted (``servers._release_network``). From then on it answers as a server that never existed:
404 "Instance ... could not be found.", absent from every list. Soft-deleted servers are not deleted
rows: they wait for their reclaim first.

``sweep`` runs at the start of every compute request, after the lifecycle settles, and archives at
most ``BUDGET`` servers per request (about 25 µs each). Autoincrement keys (a server's internal id, a
migration's id) never go back: ``store.archived_ids`` keeps the highest ones archived.
"""

from __future__ import annotations

import heapq

from fakenova.domain import expiry
from fakenova.domain.compute import lifecycle, server_order


BUDGET = 64


def _destroyed_at(server: dict) -> float | None:
    """When the server was destroyed (None while it is not deleted): the delete, the reclaim of a
    soft-deleted server, or a forced DELETED status."""
    if not server.get("deleted"):
        return None
    when = server.get("terminated_at")
    return when if when is not None else server.get("deleted_at")


def _queue(store) -> expiry.ExpiryQueue:
    return expiry.queue(store, "deleted_servers", store.servers, _destroyed_at)


def note_deleted(backend, server: dict) -> None:
    """Queue a server that has just been destroyed. Hold the store lock."""
    when = _destroyed_at(server)
    if when is not None:
        _queue(backend.store).add(server["id"], when)


def _transition_ended(backend, server: dict, _transition_id: int, _fault) -> None:
    note_deleted(backend, server)


lifecycle.END_LISTENERS.append(_transition_ended)


def sweep(backend) -> int:
    """Archive the servers deleted more than ``deleted_retention`` seconds ago (a bounded batch).
    Returns how many went."""
    store = backend.store
    with store.lock:
        queue = _queue(store)
        cutoff = backend.clock.time() - backend.settings.deleted_retention
        if not queue.due(cutoff):
            return 0
        records = [store.servers[server_id] for server_id in queue.take_due(cutoff, BUDGET)]
        if records:
            _archive(store, records)
        return len(records)


def _archive(store, records: list[dict]) -> None:
    gone = {record["id"] for record in records}
    marks = store.archived_ids
    marks["instances"] = max([marks.get("instances", 0)] + [r["internal_id"] for r in records if r.get("internal_id")])
    for server_id in gone:
        store.instance_actions.pop(server_id, None)
    if any(record.get("migration_id") for record in records):
        moved = [m for m in store.migrations.values() if m["instance_uuid"] in gone]
        for migration in moved:
            marks["migrations"] = max(marks.get("migrations", 0), migration["id"])
            del store.migrations[migration["uuid"]]
    for token in [t for t, record in store.console_auth_tokens.items() if record["instance_uuid"] in gone]:
        del store.console_auth_tokens[token]
    for group in store.server_groups.values():
        if any(member in gone for member in group["members"]):
            group["members"] = [member for member in group["members"] if member not in gone]
    if any(entry[2] in gone for entry in store.timeline):
        store.timeline[:] = [entry for entry in store.timeline if entry[2] not in gone]
        heapq.heapify(store.timeline)
    server_order.discard(store, records)
