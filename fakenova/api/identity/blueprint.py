"""The /identity blueprint and what its handlers share: Keystone's list wrapper and body checks."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fakenova.api.common import backend, base_url, json_body
from fakenova.errors import BadRequest
from fakenova.validation import bool_from_string

bp = Blueprint("identity", __name__, url_prefix="/identity")

# Keystone's request schemas have no versions; the files are named for API v3.0.
SCHEMA_VERSION = "3.0"


def collection(name: str, items: list[dict]):
    """Keystone's list wrapper: the items and links (self, previous, next; no paging here)."""
    self_link = f"{base_url()}{request.path}"
    if request.query_string:
        self_link += f"?{request.query_string.decode()}"
    return jsonify({name: items, "links": {"self": self_link, "previous": None, "next": None}})


def validated_body(resource: str, operation: str) -> dict:
    """The JSON body checked against schemas/identity/<resource>/<operation>/, Keystone's texts."""
    body = json_body(malformed="The request body is not valid JSON.")
    backend().schemas.validate_body(body, "identity", resource, operation, SCHEMA_VERSION)
    return body


def keystone_bool(value):
    """Keystone's boolean type takes JSON booleans and oslo's strings; the schema already checked them."""
    if isinstance(value, str):
        return bool_from_string(value)
    return value


def query_bool(name: str):
    """A boolean query filter (?enabled=false); absent -> None. Keystone reads any other value as true."""
    raw = request.args.get(name)
    if raw is None:
        return None
    return raw.strip().lower() not in ("0", "false", "no", "off")


def require_keys(body: dict, key: str) -> dict:
    if not isinstance(body.get(key), dict):
        raise BadRequest(f"'{key}' is a required property")
    return body[key]
