"""Cinder volume types: the default ``__DEFAULT__`` that every Cinder creates on install (the only
one here), found by name or id. cinder/volume/volume_types.py, cinder/api/v3/types.py."""

from __future__ import annotations

from fakenova.errors import NotFound
from fakenova.seeds import stable_uuid

DEFAULT_TYPE = "__DEFAULT__"
DEFAULT_TYPE_ID = stable_uuid("volume_type", DEFAULT_TYPE)
TYPES = {DEFAULT_TYPE_ID: {"id": DEFAULT_TYPE_ID, "name": DEFAULT_TYPE, "description": "Default Volume Type",
                           "is_public": True, "extra_specs": {}, "qos_specs_id": None}}


def listed(backend, context) -> list[dict]:
    return list(TYPES.values())


def get(backend, context, type_id: str) -> dict:
    """GET /types/{id}: by id, or by name (Cinder looks a name up when the id is not found)."""
    if type_id == "default":
        return TYPES[DEFAULT_TYPE_ID]
    found = TYPES.get(type_id) or next((t for t in TYPES.values() if t["name"] == type_id), None)
    if found is None:
        raise NotFound(f"Volume type {type_id} could not be found.")
    return found


def find(backend, context, requested, *, default: str | None = None) -> dict:
    """The type a new volume gets: the requested one (name or id), the origin's, or the default."""
    wanted = requested or default
    if not wanted:
        return TYPES[DEFAULT_TYPE_ID]
    found = TYPES.get(wanted) or next((t for t in TYPES.values() if t["name"] == wanted), None)
    if found is None:
        raise NotFound(f"Volume type with name {wanted} could not be found.")
    return found
