"""Neutron's list query string, applied to rendered items: filters, ``fields``, sorting, pagination.

Per neutron/api/api_common.py (with filter-validation and empty-string-filtering on, as in devstack):
any filterable attribute by exact match, a repeated parameter means OR, an unknown one is a 400;
``fixed_ips=ip_address=X`` / ``subnet_id=`` / ``ip_address_substr=`` on ports; ``tags``,
``tags-any``, ``not-tags``, ``not-tags-any`` take comma-separated tags.
"""

from __future__ import annotations

import re
import urllib.parse

from flask import jsonify, request

from fakenova.api.network.attributes import bad_request
from fakenova.api.network.views import FILTERS
from fakenova.domain.network.common import neutron_error
from fakenova.errors import BadRequest

CONTROL = ("fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse", "changed_since")
NEUTRON_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
TAG_FILTERS = ("tags", "tags-any", "not-tags", "not-tags-any")
_TRUE = ("true", "1")
_FALSE = ("false", "0")


def list_response(kind: str, collection: str, items: list[dict], *, not_found) -> object:
    """The ``{collection: [...]}`` answer for ``items`` (already visible to the caller and rendered).

    ``not_found(marker)`` is the error for a marker that names nothing, as Neutron looks it up.
    """
    params = request.args.to_dict(flat=False)
    items = [item for item in items if _matches(item, kind, params)]
    since = _last(params, "changed_since")
    if since is not None:
        # standard-attr-timestamp: what changed at or after that second (neutron/db/standard_attr.py).
        if not NEUTRON_TIME.match(since):
            raise neutron_error(BadRequest, "InvalidInput", "Invalid input for operation: The input changed_since "
                                                            "must be in the following format: YYYY-MM-DDTHH:MM:SSZ.")
        items = [item for item in items if item.get("updated_at", "") >= since]
    items = _sort(items, kind, params)
    limit = _limit(params)
    marker = _last(params, "marker")
    if marker is not None and limit:
        ids = [item["id"] for item in items]
        if marker not in ids:
            raise not_found(marker)
        items = items[ids.index(marker) + 1:]
    page = items[:limit] if limit else items
    fields = [field for field in params.get("fields", []) if field]
    body = {collection: [_only(item, fields) for item in page]}
    if limit:
        body[f"{collection}_links"] = _links(page, limit, params)
    return jsonify(body)


def item_response(kind: str, item: dict):
    fields = [field for field in request.args.getlist("fields") if field]
    return jsonify({kind: _only(item, fields)})


def _only(item: dict, fields: list[str]) -> dict:
    return {key: value for key, value in item.items() if key in fields} if fields else item


def _last(params: dict, name: str):
    values = params.get(name)
    return values[-1] if values else None


def _matches(item: dict, kind: str, params: dict) -> bool:
    filterable = FILTERS[kind]
    invalid = [key for key in params if key not in CONTROL and key not in TAG_FILTERS and key not in filterable
               and not (kind == "port" and key == "fixed_ips")]
    if invalid:
        raise bad_request(f"{invalid} is invalid attribute for filtering")
    for key, values in params.items():
        if key in CONTROL:
            continue
        if key in TAG_FILTERS:
            if not _tags_match(item.get("tags", []), key, values):
                return False
        elif key == "fixed_ips":
            if not _fixed_ips_match(item.get("fixed_ips", []), values):
                return False
        elif not _value_matches(item.get(key, _MISSING), filterable[key], values):
            return False
    return True


_MISSING = object()


def _value_matches(actual, kind: type, values: list[str]) -> bool:
    if actual is _MISSING:
        return False
    wanted = [_convert(value, kind) for value in values]
    if isinstance(actual, list):
        return any(value in actual for value in wanted)
    return actual in wanted


def _convert(value: str, kind: type):
    if kind is bool:
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise neutron_error(BadRequest, "InvalidInput",
                            f"Invalid input for operation: '{value}' cannot be converted to boolean.")
    if kind is int:
        try:
            return int(value)
        except ValueError:
            raise neutron_error(BadRequest, "InvalidInput",
                                f"Invalid input for operation: '{value}' is not an integer.") from None
    return value


def _tags_match(tags: list[str], key: str, values: list[str]) -> bool:
    wanted = {tag for value in values for tag in value.split(",") if tag}
    if key == "tags":
        return wanted <= set(tags)
    if key == "tags-any":
        return bool(wanted & set(tags))
    if key == "not-tags":
        return not wanted <= set(tags)
    return not wanted & set(tags)


def _fixed_ips_match(fixed_ips: list[dict], values: list[str]) -> bool:
    """``fixed_ips=ip_address=10.0.0.3&fixed_ips=subnet_id=X``: each named key must match an entry."""
    wanted: dict[str, list[str]] = {}
    for value in values:
        key, sep, expected = value.partition("=")
        if not sep or key not in ("ip_address", "subnet_id", "ip_address_substr"):
            raise neutron_error(BadRequest, "InvalidInput",
                                f"Invalid input for operation: '{value}' is not of the form <key>=[value].")
        wanted.setdefault(key, []).append(expected)
    for key, expected in wanted.items():
        if key == "ip_address_substr":
            if not any(part in ip["ip_address"] for ip in fixed_ips for part in expected):
                return False
        elif not any(ip[key] in expected for ip in fixed_ips):
            return False
    return True


def _sort(items: list[dict], kind: str, params: dict) -> list[dict]:
    keys = [key for key in params.get("sort_key", []) if key]
    dirs = [direction for direction in params.get("sort_dir", []) if direction]
    if len(keys) != len(dirs):
        raise bad_request("The number of sort_keys and sort_dirs must be same")
    absent = [key for key in keys if key not in FILTERS[kind]]
    if absent:
        raise bad_request(f"{absent} is invalid attribute for sort_keys")
    invalid = [direction for direction in dirs if direction not in ("asc", "desc")]
    if invalid:
        raise bad_request(f"{invalid} is invalid value for sort_dirs, valid value is 'asc' and 'desc'")
    if not keys:
        return items
    # Neutron appends the id so pages are stable.
    if "id" not in keys:
        keys, dirs = keys + ["id"], dirs + [dirs[0]]
    for key, direction in reversed(list(zip(keys, dirs))):
        items = sorted(items, key=lambda item: _sort_value(item.get(key)), reverse=direction == "desc")
    return items


def _sort_value(value):
    # None sorts first ascending, as NULL does in MySQL; the flag keeps None from meeting other types.
    return (value is not None, value if value is not None else 0)


def _limit(params: dict) -> int:
    raw = _last(params, "limit")
    if raw is None:
        return 0
    try:
        limit = int(raw)
    except ValueError:
        limit = -1
    if limit < 0:
        raise neutron_error(BadRequest, "BadRequest",
                            f"Bad limit request: Limit must be an integer 0 or greater and not '{raw}'.")
    return limit


def _links(page: list[dict], limit: int, params: dict) -> list[dict]:
    base = request.base_url
    query = [(key, value) for key, values in params.items() if key not in ("marker", "page_reverse")
             for value in values]
    links = []
    if len(page) >= limit:
        marker = [("marker", page[-1]["id"])] if page else []
        links.append({"rel": "next", "href": f"{base}?{urllib.parse.urlencode(query + marker)}"})
    marker = [("marker", page[0]["id"])] if page else []
    links.append({"rel": "previous",
                  "href": f"{base}?{urllib.parse.urlencode(query + marker + [('page_reverse', 'True')])}"})
    return links
