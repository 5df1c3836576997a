"""Key pair records -> Nova's JSON bodies (nova/api/openstack/compute/views/keypairs.py)."""

from __future__ import annotations

from fakenova.clock import db_time
from fakenova.microversion import APIVersion, between
from fakenova.views.links import collection_links

# Microversions where a field or a part of the body exists.
TYPE_FIELD = between("2.2")
COLLECTION_LINKS = between("2.35")

_INDEX_FIELDS = ("name", "public_key", "fingerprint")
_CREATE_FIELDS = _INDEX_FIELDS + ("user_id",)
_SHOW_FIELDS = _CREATE_FIELDS + ("created_at", "deleted", "deleted_at", "id", "updated_at")


def _pick(record: dict, fields, version: APIVersion) -> dict:
    body = {}
    for field in fields:
        value = record[field]
        body[field] = db_time(value) if field in ("created_at", "updated_at", "deleted_at") else value
    if version in TYPE_FIELD:
        body["type"] = record["type"]
    return body


def create(record: dict, version: APIVersion, private_key: str | None = None) -> dict:
    body = _pick(record, _CREATE_FIELDS, version)
    if private_key is not None:
        body["private_key"] = private_key
    return {"keypair": body}


def show(record: dict, version: APIVersion) -> dict:
    return {"keypair": _pick(record, _SHOW_FIELDS, version)}


def index(records: list[dict], version: APIVersion, *, page_size: int | None, collection_url: str,
          params: dict[str, list[str]]) -> dict:
    """``page_size`` is the effective limit (None below 2.35); a full page gets a "next" link
    whose marker is the last name on the page."""
    body = {"keypairs": [{"keypair": _pick(record, _INDEX_FIELDS, version)} for record in records]}
    if version in COLLECTION_LINKS and page_size is not None:
        next_links = collection_links(collection_url, params, records, id_key="name", page_size=page_size)
        if next_links:
            body["keypairs_links"] = next_links
    return body
