"""The networking blueprint, its authentication, and request-body parsing with Neutron's messages."""

from __future__ import annotations

import uuid

from flask import Blueprint, request

from fakenova.api.common import authenticate, parse_json
from fakenova.domain.network.common import neutron_error
from fakenova.errors import BadRequest

bp = Blueprint("networking", __name__, url_prefix="/networking")

API_PREFIX = "/v2.0"


def prepare_request() -> None:
    """Neutron's version list is public; everything under /v2.0 goes through Keystone first."""
    if request.path.rstrip("/") != "/networking":
        authenticate()


def bad_request(message: str):
    return neutron_error(BadRequest, "HTTPBadRequest", message)


def resource_body(resource: str, *, allowed: dict[str, type | tuple], required: tuple[str, ...] = ()) -> dict:
    """The ``{"<resource>": {...}}`` body of a POST/PUT, checked the way Neutron's API layer does:
    unknown attributes, missing required ones and wrongly typed values are 400s."""
    raw = request.get_data(cache=True)
    if not raw:
        raise bad_request("Resource body required")
    try:
        data = parse_json(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Body contains invalid data") from None
    if not isinstance(data, dict):
        raise bad_request("Body contains invalid data")
    if resource not in data:
        raise bad_request(f"Unable to find '{resource}' in request body")
    item = data[resource]
    if not isinstance(item, dict):
        raise bad_request(f"Object '{resource}' contains invalid data")
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise bad_request(f"Unrecognized attribute(s) '{', '.join(unknown)}'")
    for name in required:
        if name not in item:
            raise bad_request(f"Failed to parse request. Required attribute '{name}' not specified")
    for name, value in item.items():
        expected = allowed[name]
        if expected is object:
            reason = None  # the caller converts and checks the value itself
        elif expected == "uuid":
            reason = None if value is None or is_uuid(value) else f"'{value}' is not a valid UUID"
        elif expected == "ip":
            reason = None if value is None or is_ip(value) else f"'{value}' is not a valid IP address"
        elif not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            reason = f"'{value}' is not a valid value"
        else:
            reason = None
        if reason:
            # neutron-lib's convert_values message, raised as a plain HTTPBadRequest.
            raise bad_request(f"Invalid input for {name}. Reason: {reason}.")
    return item


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def is_ip(value) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return isinstance(value, str)
