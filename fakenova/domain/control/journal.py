"""The journal: the last requests fakenova answered, for tests to assert on what their code sent.

Bounded twice, oldest entries falling off first: at most ``MAX_ENTRIES`` entries and at most
``MAX_BYTES`` of them together, so a run of large bodies (user_data, metadata) cannot grow it either.
Each entry is kept as its compact JSON text (a parsed login body costs five times its text in
objects) beside the four fields the filters read, and its response body as the bytes sent (a
``RawBody``, parsed when the journal is read). Never holds a password: any string under a key that
names a password, a secret or a private key is replaced by ``***``, in request and response bodies
alike (the Keystone auth body keeps its shape).
"""

from __future__ import annotations

import collections
import json
import threading
from dataclasses import dataclass

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


@dataclass(frozen=True)
class RawBody:
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


class Journal:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._lock = threading.Lock()
        self._max_entries, self._max_bytes = max_entries, max_bytes
        # (method, path, status, project_id, entry as JSON text), oldest first
        self._entries: collections.deque = collections.deque()
        self._bytes = 0

    def record(self, entry: dict) -> None:
        raw = entry.get("response_body")
        if isinstance(raw, RawBody):
            entry = {**entry, "response_body": None}
        else:
            raw = None
        text = json.dumps(entry, separators=(",", ":"))
        size = len(text) + (len(raw.data) if raw else 0)
        with self._lock:
            self._entries.append((entry["method"], entry["path"], entry["status"], entry["project_id"], text, raw,
                                  size))
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
            (text, raw) for entry_method, entry_path, entry_status, project_id, text, raw, _size in snapshot
            if (method is None or entry_method == method.upper())
            and (path_matches is None or path_matches(entry_path))
            and (status is None or entry_status == status)
            and (project_ids is None or project_id in project_ids)
        ]
        if limit is not None:
            matching = matching[len(matching) - limit:] if limit < len(matching) else matching
        return [_readable(text, raw) for text, raw in matching]

    def __len__(self) -> int:
        return len(self._entries)


def _readable(text: str, raw: RawBody | None) -> dict:
    entry = json.loads(text)
    if raw is not None:
        entry["response_body"] = raw.readable()
    return entry
