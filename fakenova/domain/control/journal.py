"""The journal: the last requests fakenova answered, for tests to assert on what their code sent.

Bounded twice, oldest entries falling off first: at most ``MAX_ENTRIES`` entries and at most
``MAX_BYTES`` of them together, so a run of large bodies (user_data, metadata) cannot grow it either.
Each entry is kept as its compact JSON text (a parsed login body costs five times its text in
objects) beside the four fields the filters read. Never holds a password: any string under a key
that names a password or secret is replaced by ``***`` (the Keystone auth body keeps its shape).
"""

from __future__ import annotations

import collections
import json
import threading

from fakenova.domain.patterns import compile_path

MAX_ENTRIES = 10_000
MAX_BYTES = 16 * 2**20
REDACTED = "***"
_SECRET_WORDS = ("pass", "secret")  # password, adminPass, new_password, original_password, secret...


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


class Journal:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._lock = threading.Lock()
        self._max_entries, self._max_bytes = max_entries, max_bytes
        # (method, path, status, project_id, entry as JSON text), oldest first
        self._entries: collections.deque = collections.deque()
        self._bytes = 0

    def record(self, entry: dict) -> None:
        text = json.dumps(entry, separators=(",", ":"))
        with self._lock:
            self._entries.append((entry["method"], entry["path"], entry["status"], entry["project_id"], text))
            self._bytes += len(text)
            while len(self._entries) > self._max_entries or (self._bytes > self._max_bytes and len(self._entries) > 1):
                self._bytes -= len(self._entries.popleft()[4])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def entries(self, *, method: str | None = None, path: str | None = None, status: int | None = None,
                project_ids: set | None = None) -> list[dict]:
        """Entries oldest first, filtered; ``project_ids`` is the set an entry's project must be in."""
        path_matches = compile_path(path) if path else None
        with self._lock:
            snapshot = list(self._entries)
        return [
            json.loads(text) for entry_method, entry_path, entry_status, project_id, text in snapshot
            if (method is None or entry_method == method.upper())
            and (path_matches is None or path_matches(entry_path))
            and (status is None or entry_status == status)
            and (project_ids is None or project_id in project_ids)
        ]

    def __len__(self) -> int:
        return len(self._entries)
