"""The metadata of a volume or a snapshot: list, merge, replace, one item (cinder/api/v3/
volume_metadata.py, snapshot_metadata.py). Values are strings; Cinder's texts. No Flask here."""

from __future__ import annotations

from fakenova.domain.volume import snapshots, volumes
from fakenova.errors import BadRequest, NotFound

KINDS = {"volume": (volumes.get, "Volume"), "snapshot": (snapshots.get, "Snapshot")}


def _record(backend, context, kind: str, record_id: str, *, write: bool) -> dict:
    lookup, _name = KINDS[kind]
    record = lookup(backend, context, record_id)
    if write:
        volumes.require_member(context, f"volume:update_{kind}_metadata" if kind == "snapshot"
                               else "volume:update_volume_metadata")
    return record


def _checked(metadata) -> dict[str, str]:
    if not isinstance(metadata, dict):
        raise BadRequest("Malformed request body")
    for key, value in metadata.items():
        if not key or len(key) > 255:
            raise BadRequest("Invalid input received: Metadata property key blank." if not key
                             else f"Invalid input received: Metadata property key {key} greater than 255 characters.")
        if value is not None and len(str(value)) > 255:
            raise BadRequest(f"Invalid input received: Metadata property key {key} value greater than 255 characters.")
    return {str(key): str(value) for key, value in metadata.items()}


def listed(backend, context, kind: str, record_id: str) -> dict:
    return dict(_record(backend, context, kind, record_id, write=False)["metadata"])


def update(backend, context, kind: str, record_id: str, metadata, *, replace: bool) -> dict:
    """POST merges into the metadata, PUT replaces it; both answer the whole metadata."""
    with backend.store.lock:
        record = _record(backend, context, kind, record_id, write=True)
        checked = _checked(metadata)
        record["metadata"] = checked if replace else {**record["metadata"], **checked}
        record["updated_at"] = backend.clock.time()
        return dict(record["metadata"])


def item(backend, context, kind: str, record_id: str, key: str) -> str:
    record = _record(backend, context, kind, record_id, write=False)
    if key not in record["metadata"]:
        raise _missing(kind, record_id, key)
    return record["metadata"][key]


def set_item(backend, context, kind: str, record_id: str, key: str, meta) -> dict:
    if not isinstance(meta, dict):
        raise BadRequest("Malformed request body")
    if key not in meta:
        raise BadRequest("Request body and URI mismatch")
    if len(meta) > 1:
        raise BadRequest("Request body contains too many items")
    with backend.store.lock:
        record = _record(backend, context, kind, record_id, write=True)
        record["metadata"].update(_checked(meta))
        record["updated_at"] = backend.clock.time()
        return {key: record["metadata"][key]}


def delete_item(backend, context, kind: str, record_id: str, key: str) -> None:
    with backend.store.lock:
        record = _record(backend, context, kind, record_id, write=True)
        if key not in record["metadata"]:
            raise _missing(kind, record_id, key)
        del record["metadata"][key]
        record["updated_at"] = backend.clock.time()


def _missing(kind: str, record_id: str, key: str) -> NotFound:
    return NotFound(f"{KINDS[kind][1]} {record_id} has no metadata with key {key}.")
