"""The journal: the last requests fakenova answered, for tests to assert on what their code sent.

Bounded twice, oldest entries falling off first: at most ``MAX_ENTRIES`` entries and at most
``MAX_BYTES`` of them together (their text's size, estimated), so a run of large bodies (user_data,
metadata) cannot grow it either. Recording is on every request's path, reading is rare: an entry is
kept as a tuple of its values (the tuple of its keys shared between entries), with request and
response bodies as the bytes that crossed the wire (``RawRequestBody``, ``RawBody``) and the time as
the clock's float (``FakeTime``), each turned into what a reader sees (parsed, redacted, formatted)
only when the journal is read. Never shows a password: any string under a key that names a
password, a secret or a private key is replaced by ``***``, in request and response bodies alike
(the Keystone auth body keeps its shape).
"""

from __future__ import annotations

import collections
import json
import threading
from dataclasses import dataclass

from fakenova.clock import micro_z
from fakenova.domain.patterns import compile_path

MAX_ENTRIES = 10_000
MAX_BYTES = 16 * 2**20
REDACTED = "***"
# password, adminPass, new_password, original_password, secret..., and a new key pair's private_key
_SECRET_WORDS = ("pass", "secret", "private_key")


def redact(value):
    """A copy of a parsed JSON body with secret strings replaced."""
    if isinstance(value, dict):
        return {key: (REDACTED if isinstance(item, str) and _is_secret(key) else redact(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _is_secret(key) -> bool:
    lowered = str(key).lower()
    return any(word in lowered for word in _SECRET_WORDS)


class Lazy:
    """A recorded value that becomes what a reader sees only when the journal is read."""

    __slots__ = ()

    def readable(self):
        raise NotImplementedError

    def size(self) -> int:
        return 16


@dataclass(frozen=True)
class RawBody(Lazy):
    """A response body as it was sent. Parsing and redacting it costs more than answering a small
    request, so it happens only when the journal is read."""

    data: bytes
    is_json: bool

    def readable(self):
        if self.is_json:
            try:
                return redact(json.loads(self.data))
            except (ValueError, RecursionError):
                pass
        return self.data.decode("utf-8", "replace")

    def size(self) -> int:
        return len(self.data)


# Real request bodies nest a handful of levels; deeper is read as no JSON body at all.
MAX_BODY_DEPTH = 100


@dataclass(frozen=True)
class RawRequestBody(Lazy):
    """A request body as it came (JSON by its content type), read as the parsed body (redacted), or
    None when it does not parse."""

    data: bytes

    def parsed(self):
        try:
            value = json.loads(self.data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        return value if _depth_within(value, MAX_BODY_DEPTH) else None

    def readable(self):
        value = self.parsed()
        return redact(value) if value is not None else None

    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class RequestAction(Lazy):
    """The action a POST .../action names: the one key of its body (None for anything else)."""

    body: RawRequestBody

    def readable(self):
        value = self.body.parsed()
        return next(iter(value)) if isinstance(value, dict) and value else None


class FakeTime(float):
    """A time on the fake clock, read as ISO 8601 with microseconds and a Z."""

    __slots__ = ()

    def readable(self) -> str:
        return micro_z(self)

    def size(self) -> int:
        return 27


def _depth_within(value, limit: int) -> bool:
    pending = [(value, 1)]
    while pending:  # iterative: no recursion on hostile nesting
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def _size(entry: dict) -> int:
    """About the length of the entry's JSON text: what the byte bound counts."""
    total = 24 * len(entry)   # a key, its quotes and punctuation, a short value
    for value in entry.values():
        kind = value.__class__
        if kind is str or kind is bytes:
            total += len(value)
        elif value is None or kind is int or kind is bool or (kind is dict and not value):
            continue
        elif isinstance(value, (Lazy, FakeTime)):
            total += value.size()
        else:
            total += len(json.dumps(value, separators=(",", ":")))
    return total


class Journal:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._lock = threading.Lock()
        self._max_entries, self._max_bytes = max_entries, max_bytes
        # (method, path, status, project_id, keys, values, size), oldest first
        self._entries: collections.deque = collections.deque()
        self._bytes = 0
        self._keys: dict = {}   # one tuple per shape of entry, shared by the entries of that shape

    def record(self, entry: dict) -> None:
        """Keep ``entry`` (JSON-ready values, or ``Lazy`` / ``FakeTime`` ones read later)."""
        size = _size(entry)
        keys = tuple(entry)
        with self._lock:
            keys = self._keys.setdefault(keys, keys)
            self._entries.append((entry["method"], entry["path"], entry["status"], entry["project_id"], keys,
                                  tuple(entry.values()), size))
            self._bytes += size
            while len(self._entries) > self._max_entries or (self._bytes > self._max_bytes and len(self._entries) > 1):
                self._bytes -= self._entries.popleft()[6]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def entries(self, *, method: str | None = None, path: str | None = None, status: int | None = None,
                project_ids: set | None = None, limit: int | None = None) -> list[dict]:
        """Entries oldest first, filtered; ``project_ids`` is the set an entry's project must be in;
        ``limit`` keeps the newest that many of those."""
        path_matches = compile_path(path) if path else None
        with self._lock:
            snapshot = list(self._entries)
        matching = [
            (keys, values) for entry_method, entry_path, entry_status, project_id, keys, values, _size in snapshot
            if (method is None or entry_method == method.upper())
            and (path_matches is None or path_matches(entry_path))
            and (status is None or entry_status == status)
            and (project_ids is None or project_id in project_ids)
        ]
        if limit is not None:
            matching = matching[len(matching) - limit:] if limit < len(matching) else matching
        return [_readable(keys, values) for keys, values in matching]

    def __len__(self) -> int:
        return len(self._entries)


def _readable(keys: tuple, values: tuple) -> dict:
    # A copy of every mutable value, as the JSON text kept before gave: a reader may change its copy.
    return {key: (value.readable() if isinstance(value, (Lazy, FakeTime))
                  else json.loads(json.dumps(value)) if isinstance(value, (dict, list)) else value)
            for key, value in zip(keys, values)}
