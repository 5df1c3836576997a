"""One running fake: settings, clock, store and schemas, and the reset that re-seeds them."""

from __future__ import annotations

from fakenova.clock import Clock
from fakenova.config import ConfigError, Settings
from fakenova.domain.control.faults import FaultRules
from fakenova.domain.control.journal import Journal
from fakenova.store import Store
from fakenova.validation import SchemaRegistry, default_registry


class Backend:
    def __init__(self, settings: Settings | None = None, *, clock: Clock | None = None,
                 schemas: SchemaRegistry | None = None):
        self.settings = settings or Settings()
        self.settings.validate()
        self.clock = clock or Clock()
        self.schemas = schemas or default_registry()
        self.store = Store(seed=self.settings.seed)
        self.faults = FaultRules()
        self.journal = Journal()
        self._snapshot_key = None   # the settings the snapshot was seeded from
        self._snapshot = None
        try:
            # The first state is seeded directly; the snapshot that makes later resets fast is
            # captured at the first reset (capturing seeds twice: start-up time many fakes never use).
            self._reseed()
        except ConfigError as exc:  # a seed-time check: name the file or variable the setting came from
            raise self.settings.locate(exc) from None

    def reset(self) -> None:
        """Back to the seeded state, with no fault rules and an empty journal. The clock keeps its
        time: tokens and timestamps stay monotonic."""
        with self.store.lock:
            snapshot = self._seeded_snapshot()
            if snapshot is not None:
                snapshot.restore(self.store, self.clock.time())
                self.faults.clear()
                self.journal.clear()
            else:
                self._reseed()

    def _reseed(self) -> None:
        from fakenova.domain import seeding

        with self.store.lock:
            self.store.clear()
            seeding.seed_all(self)
            self.faults.clear()
            self.journal.clear()

    def _seeded_snapshot(self):
        """The seeded state for the current settings (captured again when they change), or None."""
        from fakenova import seed_snapshot

        key = repr(self.settings)
        if key != self._snapshot_key:
            self._snapshot = seed_snapshot.capture(self)
            self._snapshot_key = key
        return self._snapshot
