"""Forgetting records by fake time, a few at a time: what keeps a fake that runs for weeks bounded.

A collection whose records fall due (tokens that expire, deleted servers past their retention) keeps
an ``ExpiryQueue`` beside it: a heap of (stamp, key), so a sweep looks only at what is due, never at
the whole collection. The queue is an index, not data: it lives on the store under a private name
(so state export and the reset snapshot never see it) and is rebuilt from the records whenever the
collection itself is replaced (a reset, a state import). ``take_due`` pops at most ``budget`` keys,
so the work per request stays bounded; a backlog (the clock moved a month) drains over the next
requests.
"""

from __future__ import annotations

import heapq

# Records forgotten per sweep unless the caller says otherwise: a few hundred dict deletions, about a
# millisecond.
BUDGET = 256


class ExpiryQueue:
    """Keys of ``records`` by their stamp (``stamp(record)``: a fake-clock time, or None when the
    record is not due to go at all), earliest first."""

    def __init__(self, records: dict, stamp):
        self.records = records
        self._stamp = stamp
        self._heap = [(when, key) for key, record in records.items() if (when := stamp(record)) is not None]
        heapq.heapify(self._heap)

    def add(self, key, when: float) -> None:
        heapq.heappush(self._heap, (when, key))

    def due(self, cutoff: float) -> bool:
        """Whether anything may be due by ``cutoff`` (one look at the heap's head)."""
        return bool(self._heap) and self._heap[0][0] <= cutoff

    def take_due(self, cutoff: float, budget: int = BUDGET) -> list:
        """Up to ``budget`` keys whose record is stamped at or before ``cutoff``, earliest first. The
        record decides, not the queue: a key whose record is gone or no longer stamped is dropped, one
        stamped later since is queued again at its new time, one queued twice is taken once."""
        heap, taken = self._heap, {}
        while heap and heap[0][0] <= cutoff and len(taken) < budget:
            _when, key = heapq.heappop(heap)
            record = self.records.get(key)
            current = self._stamp(record) if record is not None else None
            if current is None or key in taken:
                continue
            if current > cutoff:
                heapq.heappush(heap, (current, key))
                continue
            taken[key] = True
        return list(taken)

    def __len__(self) -> int:
        return len(self._heap)


def queue(store, name: str, records: dict, stamp) -> ExpiryQueue:
    """The queue called ``name`` beside ``records``: built from them the first time, and again when
    the store's collection is another dict than the one it was built from. Hold the store's lock."""
    attribute = f"_expiry_{name}"
    current = getattr(store, attribute, None)
    if current is None or current.records is not records:
        current = ExpiryQueue(records, stamp)
        setattr(store, attribute, current)
    return current
