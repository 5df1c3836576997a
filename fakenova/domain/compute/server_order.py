"""Servers newest first, per project, without sorting the store on every list request.

GET /servers sorts by (created_at desc, id desc) unless asked otherwise, where Nova's ``id`` is the
autoincrement key (``internal_id`` here). Sorting every record for every page costs O(N log N) at
100,000 servers; this keeps the sort keys in sorted lists (one per project, one for all) next to the
store, so a page reads from the end and stops once it is full. It also knows the highest internal_id,
so a create does not scan every record for its autoincrement key.

The order is a cache, never state: it hangs on the store as a private attribute (not exported) and
notices for itself when ``store.servers`` moved on. Records are added at the end of that dict, so
new ones are the last entries; the archive takes records out through ``discard``; anything else (a
new dict after reset or import, a creation time rewritten) rebuilds it.
"""

from __future__ import annotations

import bisect
import itertools


class Stale(Exception):
    """A record's sort key changed under the cache: rebuild and read again."""


def _nullable(value):
    # The list's own sort: NULLs first ascending (as MySQL orders them), so last when newest first.
    return (value is not None, value if value is not None else 0)


def sort_key(server: dict, position: int) -> tuple:
    """(created_at, internal_id, -position): ties after both keep insertion order, as a stable sort."""
    return (_nullable(server.get("created_at")), _nullable(server.get("internal_id")), -position)


class _Order:
    def __init__(self, servers: dict):
        self.source = servers
        self.count = 0
        self.last_id = None
        self.everyone: list[tuple] = []
        self.by_project: dict[str, list[tuple]] = {}
        self.max_internal_id = 0
        for position, (server_id, server) in enumerate(servers.items()):
            entry = (sort_key(server, position), server_id)
            self.everyone.append(entry)
            self.by_project.setdefault(server.get("project_id"), []).append(entry)
            self.last_id = server_id
            self._see_internal_id(server)
        self.count = len(servers)
        self.everyone.sort()
        for entries in self.by_project.values():
            entries.sort()

    def _add(self, items) -> None:
        """New records, oldest first; usually newer than all, so each lands at the end."""
        everyone, by_project = self.everyone, self.by_project
        for server_id, server in items:
            entry = (sort_key(server, self.count), server_id)
            self.count += 1
            self.last_id = server_id
            bisect.insort(everyone, entry)
            bisect.insort(by_project.setdefault(server.get("project_id"), []), entry)
            self._see_internal_id(server)

    def _see_internal_id(self, server: dict) -> None:
        internal_id = server.get("internal_id")
        if internal_id is not None and internal_id > self.max_internal_id:
            self.max_internal_id = internal_id

    def catch_up(self, servers: dict) -> bool:
        """Take in records added since; False when the dict changed some other way."""
        if servers is not self.source or len(servers) < self.count:
            return False
        added = len(servers) - self.count
        if added == 0:
            return self.count == 0 or next(reversed(servers)) == self.last_id
        tail = list(itertools.islice(reversed(servers.items()), added + 1))
        previous = tail[added][0] if self.count else None
        if previous != self.last_id:
            return False
        self._add(reversed(tail[:added]))
        return True


def _order(store) -> _Order:
    order = getattr(store, "_server_order", None)
    if order is None or not order.catch_up(store.servers):
        order = _Order(store.servers)
        store._server_order = order
    return order


def max_internal_id(store) -> int:
    """The highest ``internal_id`` in the store (0 when empty): the next server gets one more."""
    return _order(store).max_internal_id


def newest_first(store, project_id=None, *, after: dict | None = None):
    """Server records in (created_at desc, internal_id desc) order, of one project or of all,
    starting after the record ``after`` if given. Hold the store lock while iterating.

    Raises ``Stale`` if a record's sort key no longer matches the cache; call ``forget`` and retry."""
    order = _order(store)
    entries = order.everyone if project_id is None else order.by_project.get(project_id, [])
    end = len(entries)
    if after is not None:
        end = bisect.bisect_left(entries, _key_of(order, after))
    servers = store.servers
    for index in range(end - 1, -1, -1):
        key, server_id = entries[index]
        server = servers[server_id]
        if key[:2] != (_nullable(server.get("created_at")), _nullable(server.get("internal_id"))):
            raise Stale(server_id)
        yield server


def _key_of(order: _Order, server: dict) -> tuple:
    """The cached key of a record (its position is not on the record: look it up by the two keys)."""
    prefix = (_nullable(server.get("created_at")), _nullable(server.get("internal_id")))
    entries = order.everyone
    index = bisect.bisect_left(entries, (prefix,))
    while index < len(entries) and entries[index][0][:2] == prefix:
        if entries[index][1] == server["id"]:
            return entries[index]
        index += 1
    raise Stale(server["id"])


def of_project(store, project_id) -> list[dict]:
    """Every server record of one project (deleted ones too), in no promised order: O(project).

    A record's project never changes, so the per-project list is the whole truth once it has caught
    up; if a listed record is gone or names another project, the cache is rebuilt and asked again."""
    for _attempt in range(2):
        entries = _order(store).by_project.get(project_id, ())
        servers = store.servers
        records = [servers.get(server_id) for _key, server_id in entries]
        if all(record is not None and record.get("project_id") == project_id for record in records):
            return records
        forget(store)
    raise Stale(project_id)


def discard(store, records: list[dict]) -> None:
    """Take ``records`` out of ``store.servers`` and out of the order (the archive's way), keeping the
    highest internal_id seen: Nova's autoincrement key never goes back. Hold the store lock."""
    order = _order(store)
    for record in records:
        try:
            entry = _key_of(order, record)
        except Stale:
            order = None  # a key rewritten under the cache: let the next reader rebuild it
        if order is not None:
            order.everyone.pop(bisect.bisect_left(order.everyone, entry))
            entries = order.by_project.get(record.get("project_id"), [])
            entries.pop(bisect.bisect_left(entries, entry))
            if not entries:
                order.by_project.pop(record.get("project_id"), None)
        del store.servers[record["id"]]
    if order is None:
        forget(store)
        return
    order.count = len(store.servers)
    order.last_id = next(reversed(store.servers)) if store.servers else None


def forget(store) -> None:
    store._server_order = None
