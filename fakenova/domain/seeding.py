"""Fill a cleared store from the settings, in dependency order."""

from __future__ import annotations

import importlib

# Each module has seed(backend); later ones may refer to what earlier ones created.
SEEDERS = ("policy", "identity", "flavors", "images", "networks", "quotas")


def seed_all(backend) -> None:
    for name in SEEDERS:
        try:
            module = importlib.import_module(f"fakenova.domain.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"fakenova.domain.{name}":
                raise
            continue
        module.seed(backend)
