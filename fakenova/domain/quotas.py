"""Quota limits per project: defaults from settings, per-project overrides; -1 means unlimited."""

from __future__ import annotations

from fakenova.config import ConfigError
from fakenova import seeds


def seed(backend) -> None:
    unknown = set(backend.settings.quotas) - set(seeds.QUOTAS)
    if unknown:
        raise ConfigError(f"quotas: unknown quota '{sorted(unknown)[0]}'")
    backend.store.quotas.clear()


def defaults(backend) -> dict:
    return dict(seeds.QUOTAS, **backend.settings.quotas)


def limits_for(backend, project_id: str) -> dict:
    """Effective limits for a project: defaults overlaid with its overrides."""
    return dict(defaults(backend), **backend.store.quotas.get(project_id, {}))
