"""Cinder block storage v3 subset at /volume. Importing the handler modules registers their routes."""

from fakenova.api.volume import actions, limits, metadata, snapshots, types, volumes  # noqa: F401
from fakenova.api.volume.blueprint import bp, prepare_request

__all__ = ["bp", "prepare_request"]
