"""The journal: the last requests fakenova answered, for tests to assert on what their code sent.

Bounded (oldest entries fall off), never holds a password: any string under a key that names a
password, a secret or a private key is replaced by ``***``, in request and response bodies alike (the
Keystone auth body keeps its shape).
"""

from __future__ import annotations

import collections
import copy
import json
import threading
from dataclasses import dataclass

from fakenova.domain.patterns import compile_path

MAX_ENTRIES = 10_000
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
    request, so it happens when the journal is read, once per entry."""

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
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._lock = threading.Lock()
        self._entries: collections.deque = collections.deque(maxlen=max_entries)

    def record(self, entry: dict) -> None:
        with self._lock:
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def entries(self, *, method: str | None = None, path: str | None = None, status: int | None = None,
                project_ids: set | None = None, limit: int | None = None) -> list[dict]:
        """Entries oldest first, filtered; ``project_ids`` is the set an entry's project must be in;
        ``limit`` keeps the newest that many of those."""
        path_matches = compile_path(path) if path else None
        with self._lock:
            snapshot = list(self._entries)
        matching = [
            entry for entry in snapshot
            if (method is None or entry["method"] == method.upper())
            and (path_matches is None or path_matches(entry["path"]))
            and (status is None or entry["status"] == status)
            and (project_ids is None or entry["project_id"] in project_ids)
        ]
        if limit is not None:
            matching = matching[len(matching) - limit:] if limit < len(matching) else matching
        with self._lock:
            for entry in matching:
                if isinstance(entry.get("response_body"), RawBody):
                    entry["response_body"] = entry["response_body"].readable()  # kept for later reads
            return [copy.deepcopy(entry) for entry in matching]

    def __len__(self) -> int:
        return len(self._entries)
