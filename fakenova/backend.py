"""One running fake: settings, clock, store and schemas, and the reset that re-seeds them."""

from __future__ import annotations

from fakenova.clock import Clock
from fakenova.config import Settings
from fakenova.store import Store
from fakenova.validation import SchemaRegistry, default_registry


class Backend:
    def __init__(self, settings: Settings | None = None, *, clock: Clock | None = None,
                 schemas: SchemaRegistry | None = None):
        self.settings = settings or Settings()
        self.clock = clock or Clock()
        self.schemas = schemas or default_registry()
        self.store = Store(seed=self.settings.seed)
        self.reset()

    def reset(self) -> None:
        """Back to the seeded state. The clock keeps its time: tokens and timestamps stay monotonic."""
        from fakenova.domain import seeding

        with self.store.lock:
            self.store.clear()
            seeding.seed_all(self)
