"""Reset restores a captured copy of the seeded state: it must equal seeding from scratch."""

from __future__ import annotations

import json

from fakenova.backend import Backend
from fakenova.clock import Clock
from fakenova.config import Settings
from fakenova.domain import seeding
from fakenova.store import Store


class _Plain:
    """A backend that seeds the old way, for comparison."""

    def __init__(self, settings, clock):
        self.settings, self.clock, self.store = settings, clock, Store(seed=settings.seed)
        seeding.seed_all(self)


def _data(store) -> str:
    return json.dumps({k: v for k, v in vars(store).items() if k not in ("lock", "seed", "ids")
                       and not k.startswith("_")}, sort_keys=True, default=str)


def test_reset_gives_what_seeding_from_scratch_gives_at_the_current_time():
    clock = Clock(frozen=True, start=1_800_000_000.0)
    backend = Backend(Settings(), clock=clock)
    backend.store.flavors.clear()
    backend.store.servers["x"] = {"id": "x"}
    clock.advance(3600)

    backend.reset()
    # The snapshot is taken at the first reset (a new backend is seeded directly).
    assert backend._snapshot is not None, "the default seeds can be snapshotted"

    plain = _Plain(backend.settings, clock)
    assert _data(backend.store) == _data(plain.store)
    assert next(iter(backend.store.flavors.values()))["created_at"] == 1_800_003_600.0
    # The id generator goes on exactly where a fresh seed leaves it.
    assert backend.store.ids.uuid() == plain.store.ids.uuid()


def test_each_reset_hands_out_fresh_records():
    backend = Backend(Settings())
    flavor_id = next(iter(backend.store.flavors))
    backend.store.flavors[flavor_id]["name"] = "changed"
    backend.reset()
    assert backend.store.flavors[flavor_id]["name"] != "changed"


def test_changed_settings_are_seeded_on_the_next_reset():
    backend = Backend(Settings())
    backend.settings.flavors = [{"id": "99", "name": "only", "ram": 1, "vcpus": 1, "disk": 1}]
    backend.reset()
    assert list(backend.store.flavors) == ["99"]
