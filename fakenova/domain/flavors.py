"""Flavors: global records, seeded like devstack's."""

from __future__ import annotations

from fakenova.config import ConfigError
from fakenova.errors import NotFound

# Defaults for fields a seed entry may omit.
_DEFAULTS = {"ephemeral": 0, "swap": 0, "rxtx_factor": 1.0, "is_public": True, "disabled": False,
             "description": None, "extra_specs": {}}


def seed(backend) -> None:
    created = backend.clock.time()
    for index, entry in enumerate(backend.settings.flavors):
        if not isinstance(entry, dict) or not {"id", "name", "ram", "vcpus", "disk"} <= set(entry):
            raise ConfigError(f"flavors: each entry needs id, name, ram, vcpus, disk: {entry!r}")
        record = dict(_DEFAULTS, **entry)
        record["id"] = str(record["id"])
        record["extra_specs"] = dict(record["extra_specs"] or {})
        # Insertion order stands in for Nova's autoincrement primary key.
        record["internal_id"] = index + 1
        record["created_at"] = created
        backend.store.flavors[record["id"]] = record


def get(backend, flavor_id: str) -> dict:
    """The flavor, or 404 "Flavor {id} could not be found." (callers turn it into 400 where Nova does)."""
    flavor = backend.store.flavors.get(str(flavor_id))
    if flavor is None:
        raise NotFound(f"Flavor {flavor_id} could not be found.")
    return flavor
