"""The seeded state, captured once and restored on every reset.

Seeding walks the settings, derives uuid5 ids and enumerates subnet ranges; a reset runs before every
test, so it restores a marshalled copy of what seeding produced instead (a C-speed deep copy). The
only part of a seeded store that changes from one reset to the next is the time it was seeded at;
``capture`` seeds twice, at two sentinel times, and keeps the places where the sentinel shows up, to
stamp the reset's time there. Anything else differing between the two runs (a random value, a time
turned into text) makes ``capture`` return None, and the backend then seeds from scratch every time.
"""

from __future__ import annotations

import datetime as dt
import marshal

from fakenova.store import IdGenerator, Store

_SENTINELS = (1234567890.123456, 1987654321.654321)
_MACHINERY = ("lock", "seed", "ids")


class _FixedClock:
    def __init__(self, when: float):
        self._when = when

    def time(self) -> float:
        return self._when

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._when, tz=dt.timezone.utc)


class _SeedingBackend:
    """The backend as the seeders see it, with a scratch store and a stopped clock."""

    def __init__(self, backend, store: Store, clock: _FixedClock):
        self.store = store
        self.clock = clock
        self._backend = backend

    def __getattr__(self, name):
        return getattr(self._backend, name)


class Snapshot:
    def __init__(self, blob: bytes, time_paths: list[tuple], ids_state):
        self._blob = blob
        self._time_paths = time_paths
        self._ids_state = ids_state

    def restore(self, store: Store, now: float) -> None:
        """Put the seeded state into ``store`` (hold its lock), stamped with ``now``."""
        data = marshal.loads(self._blob)
        for path in self._time_paths:
            container = data
            for key in path[:-1]:
                container = container[key]
            container[path[-1]] = now
        ids = IdGenerator(store.seed)
        ids._random.setstate(self._ids_state)
        store.ids = ids
        for name, value in data.items():
            setattr(store, name, value)


def _seed_into_scratch(backend, when: float):
    from fakenova.domain import seeding

    scratch = Store(seed=backend.store.seed)
    view = _SeedingBackend(backend, scratch, _FixedClock(when))
    seeding.seed_all(view)
    if set(vars(view)) != {"store", "clock", "_backend"}:
        return None  # a seeder kept something on the backend itself: only a real reseed redoes that
    data = {name: value for name, value in vars(scratch).items()
            if name not in _MACHINERY and not name.startswith("_")}
    return data, scratch.ids._random.getstate()


def _time_paths(first, second, path=()) -> list[tuple] | None:
    """Where ``first`` holds the first sentinel and ``second`` the second; None on any other difference."""
    if isinstance(first, dict):
        if not isinstance(second, dict) or list(first) != list(second):
            return None
        found = []
        for key in first:
            inner = _time_paths(first[key], second[key], path + (key,))
            if inner is None:
                return None
            found.extend(inner)
        return found
    if isinstance(first, list):
        if not isinstance(second, list) or len(first) != len(second):
            return None
        found = []
        for index, (a, b) in enumerate(zip(first, second)):
            inner = _time_paths(a, b, path + (index,))
            if inner is None:
                return None
            found.extend(inner)
        return found
    if first == _SENTINELS[0] and second == _SENTINELS[1] and type(first) is float:
        return [path]
    if type(first) is not type(second) or first != second:
        return None
    return []


def capture(backend) -> Snapshot | None:
    """Seed ``backend``'s settings twice into scratch stores; a Snapshot if the runs agree."""
    runs = [_seed_into_scratch(backend, when) for when in _SENTINELS]
    if None in runs:
        return None
    (first, ids_state), (second, _ids) = runs
    paths = _time_paths(first, second)
    if paths is None or any(len(path) < 2 for path in paths):
        return None
    try:
        blob = marshal.dumps(first)
    except ValueError:  # something marshal cannot copy: seed every time instead
        return None
    return Snapshot(blob, paths, ids_state)
