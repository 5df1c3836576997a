"""The in-memory store: plain dicts of JSON-ready records behind one lock.

Global data (domains, flavors, images, networks) and per-project data (servers, keypairs, quotas)
live side by side; records carry their ``project_id`` / ``user_id`` and the domain layer scopes reads.
Everything here is JSON-serialisable so the whole state can be exported and imported.
"""

from __future__ import annotations

import random
import secrets
import threading
import uuid

COLLECTIONS = (
    "domains",
    "projects",
    "users",
    "roles",
    "grants",
    "tokens",
    "flavors",
    "images",
    "image_data",
    "image_tasks",
    "networks",
    "subnets",
    "ports",
    "floatingips",
    "routers",
    "subnetpools",
    "agents",
    "security_groups",
    "keypairs",
    "servers",
    "server_groups",
    "instance_actions",
    "migrations",
    "quotas",
    "quota_classes",
    "network_quotas",
    "volumes",
    "volume_snapshots",
    "volume_types",
    "volume_quotas",
    "volume_quota_classes",
    "volume_services",
    "console_auth_tokens",
    "services",
    "aggregates",
)


class IdGenerator:
    """Random-looking ids from a seeded generator: the same requests give the same ids."""

    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def hex(self) -> str:
        return uuid.UUID(int=self._random.getrandbits(128), version=4).hex

    @staticmethod
    def token() -> str:
        # Never from the seeded sequence: after a reset the same token must not name another user.
        return "gAAAAA" + secrets.token_urlsafe(48)

    def choice(self, options: str, length: int) -> str:
        return "".join(self._random.choice(options) for _ in range(length))

    def randbits(self, bits: int) -> int:
        return self._random.getrandbits(bits)

    def export(self) -> list:
        """The generator's position as JSON, so an imported state goes on with the same ids."""
        version, internal, gauss = self._random.getstate()
        return [version, list(internal), gauss]

    def restore(self, exported) -> None:
        version, internal, gauss = exported
        self._random.setstate((version, tuple(internal), gauss))


class Store:
    def __init__(self, seed: int = 0):
        self.lock = threading.RLock()
        self.seed = seed
        self.clear()

    def clear(self) -> None:
        with self.lock:
            self.ids = IdGenerator(self.seed)
            for name in COLLECTIONS:
                setattr(self, name, {})
            # The server state machine's pending steps: a heapq list of
            # [due_at, seq, server_id, transition_id, step] (see domain/compute/lifecycle.py).
            self.timeline = []
            self.timeline_seq = 0
            # Table -> the highest id the archive took away ("instances", "migrations"), so that
            # autoincrement keys never go back, as in Nova's database (domain/compute/archive.py).
            self.archived_ids = {}
