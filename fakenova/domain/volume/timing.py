"""Cinder's work on the fake clock: a volume or snapshot passes through its statuses (creating,
downloading, extending, ...) as time moves, never by a background thread.

A record that is busy holds ``pending``: [[due_at, {field: value}], ...] in due order. ``settle``
applies what is due whenever the record is read (every lookup and list goes through it), so the
same requests at the same fake times give the same answers. How long each piece of work takes comes
from ``settings.durations`` (keys below, seconds; 0 = done by the next read).
"""

from __future__ import annotations

DEFAULT_DURATIONS = {
    "volume_create": 0,     # a blank volume, or one from a snapshot / another volume
    "volume_download": 3,   # a volume from an image: creating, then downloading, then available
    "volume_extend": 0,
    "volume_retype": 0,
    "volume_upload_image": 1,
    "snapshot_create": 1,
}


def duration(backend, name: str) -> float:
    configured = (backend.settings.durations or {}).get(name)
    return max(0.0, float(DEFAULT_DURATIONS.get(name, 0) if configured is None else configured))


def schedule(backend, record: dict, name: str, steps: list[tuple[float, dict]]) -> None:
    """Replace the record's pending work: each (fraction of the duration, changes) step, counted
    from the record's last update (the moment the work began)."""
    start, seconds = record["updated_at"], duration(backend, name)
    record["pending"] = [[start + fraction * seconds, dict(changes)] for fraction, changes in steps]


def settle(backend, record: dict) -> dict:
    """Apply the record's due steps (in order); returns the record."""
    pending = record.get("pending")
    if pending:
        now = backend.clock.time()
        while pending and pending[0][0] <= now:
            due_at, changes = pending.pop(0)
            record.update(changes)
            record["updated_at"] = due_at
        if not pending:
            record.pop("pending", None)
    return record


def busy(record: dict) -> bool:
    return bool(record.get("pending"))


def finish_now(record: dict) -> None:
    """All pending work is done at once (the caller has waited for it, as Nova polls Cinder)."""
    for _due_at, changes in record.pop("pending", None) or ():
        record.update(changes)
