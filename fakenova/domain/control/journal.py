"""The journal: the last requests fakenova answered, for tests to assert on what their code sent.

Bounded twice, oldest entries falling off first: at most ``MAX_ENTRIES`` entries and at most
``MAX_BYTES`` of them together (their text and their bodies), so a run of large bodies (user_data,
metadata) cannot grow it either. Recording is on every request's path, reading is rare: an entry is
kept as its compact JSON text (a parsed login body costs five times its text in objects), except
request and response bodies, kept as the bytes that crossed the wire (``RawRequestBody``,
``RawBody``), and the time, kept as the clock's float (``FakeTime``): those are turned into what a
reader sees (parsed, redacted, formatted) only when the journal is read. Never shows a password:
any string under a key that names a password, a secret or a private key is replaced by ``***``, in
request and response bodies alike (the Keystone auth body keeps its shape).
"""

from __future__ import annotations

import collections
import json
import threading

from fakenova.clock import micro_z
from fakenova.domain.patterns import compile_path
from fakenova.validation import nested_within

MAX_ENTRIES = 10_000
MAX_BYTES = 8 * 2**20
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
    """A recorded value that becomes what a reader sees only when the journal is read. (Plain
    classes with slots, not dataclasses: smaller per entry, and quicker to import.)"""

    __slots__ = ()

    def readable(self):
        raise NotImplementedError

    def size(self) -> int:
        return 16


class RawBody(Lazy):
    """A response body as it was sent. Parsing and redacting it costs more than answering a small
    request, so it happens only when the journal is read."""

    __slots__ = ("data", "is_json")

    def __init__(self, data: bytes, is_json: bool):
        self.data, self.is_json = data, is_json

    def readable(self):
        if self.is_json:
            try:
                return redact(json.loads(self.data))
            except (ValueError, RecursionError):
                pass
        return self.data.decode("utf-8", "replace")

    def size(self) -> int:
        return len(self.data)


# Real request bodies nest a handful of levels; deeper is read as no JSON body at all (as the API
# refused it: api.common.MAX_JSON_DEPTH).
MAX_BODY_DEPTH = 100


class RawRequestBody(Lazy):
    """A request body as it came (JSON by its content type), read as the parsed body (redacted), or
    None when it does not parse."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def parsed(self):
        try:
            value = json.loads(self.data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        return value if nested_within(value, MAX_BODY_DEPTH) else None

    def readable(self):
        value = self.parsed()
        return redact(value) if value is not None else None

    def size(self) -> int:
        return len(self.data)


class RequestAction(Lazy):
    """The action a POST .../action names: the one key of its body (None for anything else)."""

    __slots__ = ("body",)

    def __init__(self, body: RawRequestBody):
        self.body = body

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


class Journal:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._lock = threading.Lock()
        self._max_entries, self._max_bytes = max_entries, max_bytes
        # (method, path, status, project_id, JSON text, lazy values, size), oldest first
        self._entries: collections.deque = collections.deque()
        self._bytes = 0

    def record(self, entry: dict) -> None:
        """Keep ``entry``: JSON-ready values, kept as compact JSON text (a dict of objects costs a few
        times its text), and ``Lazy`` / ``FakeTime`` ones, kept as they are and read later."""
        # (key, value, key, value...): one flat tuple, the smallest container per entry
        lazy = tuple(item for pair in entry.items() if isinstance(pair[1], (Lazy, FakeTime)) for item in pair)
        if lazy:
            entry = {**entry, **dict.fromkeys(lazy[::2])}  # their places, in order
        text = json.dumps(entry, separators=(",", ":"))
        size = len(text) + sum(value.size() for value in lazy[1::2])
        with self._lock:
            self._entries.append((entry["method"], entry["path"], entry["status"], entry["project_id"], text,
                                  lazy or None, size))
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
            (text, lazy) for entry_method, entry_path, entry_status, project_id, text, lazy, _size in snapshot
            if (method is None or entry_method == method.upper())
            and (path_matches is None or path_matches(entry_path))
            and (status is None or entry_status == status)
            and (project_ids is None or project_id in project_ids)
        ]
        if limit is not None:
            matching = matching[len(matching) - limit:] if limit < len(matching) else matching
        return [_readable(text, lazy) for text, lazy in matching]

    def __len__(self) -> int:
        return len(self._entries)


def _readable(text: str, lazy: tuple | None) -> dict:
    entry = json.loads(text)
    if lazy:
        for key, value in zip(lazy[::2], lazy[1::2]):
            entry[key] = value.readable()
    return entry
