"""Export and import of a whole fake: every store collection, the id generator, the clock, the rules.

The document is plain JSON. Importing validates everything first and then swaps it in under the store
lock, so a bad document changes nothing; GET after PUT gives back the same document (with a frozen
clock; a running one has moved on by then). The journal is an observation, not state: not included.
"""

from __future__ import annotations

import json

from fakenova.domain.control.faults import FaultRules, InvalidRule

FORMAT = "fakenova-state/1"
# Store attributes that are machinery, not data.
_NOT_DATA = ("lock", "seed", "ids")


class InvalidState(ValueError):
    pass


def data_attributes(store) -> dict:
    """The store's data attributes, whatever collections other modules have added (dicts, lists,
    counters); found by looking, so a new collection is exported without touching this module."""
    return {name: value for name, value in vars(store).items()
            if not name.startswith("_") and name not in _NOT_DATA}


def export_state(backend) -> dict:
    store, clock = backend.store, backend.clock
    with store.lock:
        document = {
            "format": FORMAT,
            "clock": {**clock.state(), "time": clock.time()},
            "ids": store.ids.export(),
            "store": data_attributes(store),
            "faults": backend.faults.export(),
        }
        # Through JSON: a deep copy, and exactly what a client would see (tuples become lists).
        return json.loads(json.dumps(document))


def import_state(backend, document) -> None:
    """Replace the fake's state with ``document``; ``InvalidState`` (nothing changed) if it is bad."""
    if not isinstance(document, dict):
        raise InvalidState("the state must be a JSON object")
    if document.get("format") != FORMAT:
        raise InvalidState(f"format: expected '{FORMAT}', got {document.get('format')!r}")
    missing = [key for key in ("clock", "ids", "store", "faults") if key not in document]
    if missing:
        raise InvalidState(f"missing keys: {', '.join(missing)}")
    clock = _checked_clock(document["clock"])
    try:
        rules = FaultRules.restored(document["faults"])
    except InvalidRule as exc:
        raise InvalidState(str(exc)) from None
    store = backend.store
    with store.lock:
        data = _checked_store(store, document["store"])
        ids_state = document["ids"]
        previous_ids = store.ids.export()
        try:
            store.ids.restore(ids_state)
        except (TypeError, ValueError) as exc:
            store.ids.restore(previous_ids)
            raise InvalidState(f"ids: not a generator state ({exc})") from None
        for name, value in data.items():
            setattr(store, name, value)
        backend.clock.restore(clock["time"], frozen=clock["frozen"], speed=clock["speed"])
        backend.faults = rules


def _checked_clock(clock) -> dict:
    if not isinstance(clock, dict):
        raise InvalidState("clock: must be an object")
    when, frozen, speed = clock.get("time"), clock.get("frozen"), clock.get("speed")
    if not _is_number(when):
        raise InvalidState("clock.time: must be a number (seconds since the epoch)")
    if not isinstance(frozen, bool):
        raise InvalidState("clock.frozen: must be true or false")
    if not _is_number(speed) or speed < 0:
        raise InvalidState("clock.speed: must be a number, zero or more")
    return {"time": float(when), "frozen": frozen, "speed": float(speed)}


def _checked_store(store, data) -> dict:
    """Each known collection with the same JSON type it has now; absent ones come back empty."""
    if not isinstance(data, dict):
        raise InvalidState("store: must be an object of collections")
    current = data_attributes(store)
    unknown = sorted(set(data) - set(current))
    if unknown:
        raise InvalidState(f"store: unknown collections: {', '.join(unknown)}")
    checked = {}
    for name, now in current.items():
        value = data.get(name, type(now)())
        expected = (int, float) if _is_number(now) else type(now)
        if isinstance(value, bool) or not isinstance(value, expected):
            raise InvalidState(f"store.{name}: must be a {_json_type(now)}")
        checked[name] = json.loads(json.dumps(value))
    return checked


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _json_type(value) -> str:
    return {dict: "JSON object", list: "JSON array"}.get(type(value), "number" if _is_number(value) else "value")


# --- the state file of `fakenova serve --state-file` ---------------------------------------------

def load_file(backend, path) -> bool:
    """Import the state saved at ``path``; False when there is no such file yet."""
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return False
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InvalidState(f"{path}: cannot read: {exc}") from None
    try:
        import_state(backend, document)
    except InvalidState as exc:
        raise InvalidState(f"{path}: {exc}") from None
    return True


def save_file(backend, path) -> None:
    """Write the whole state to ``path`` atomically: a temporary file beside it, then a rename, so a
    crash mid-write leaves the previous file intact."""
    import os
    import tempfile
    from pathlib import Path

    path = Path(path)
    document = export_state(backend)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(document, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
