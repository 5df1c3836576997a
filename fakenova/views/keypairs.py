"""Key pair records -> Nova's JSON bodies (nova/api/openstack/compute/views/keypairs.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from fakenova.clock import db_time
from fakenova.microversion import APIVersion, between

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
          query_pairs: list[tuple[str, str]]) -> dict:
    """``page_size`` is the effective limit (None below 2.35); a full page gets a "next" link."""
    body = {"keypairs": [{"keypair": _pick(record, _INDEX_FIELDS, version)} for record in records]}
    if version in COLLECTION_LINKS and page_size and len(records) == page_size:
        body["keypairs_links"] = [{"rel": "next", "href": next_link(collection_url, query_pairs,
                                                                    records[-1]["name"])}]
    return body


def next_link(collection_url: str, query_pairs: list[tuple[str, str]], marker: str) -> str:
    # Nova sorts the request's parameters (a repeated one keeps its last value in that order)
    # and replaces the marker with the last name on the page.
    params = dict(sorted(query_pairs))
    params["marker"] = marker
    return f"{collection_url}?{urlencode(params)}"
