"""Cinder's list paging for volumes and snapshots: sort keys (``sort=key:dir,...`` or
``sort_key``/``sort_dir``), marker, offset and limit (cinder/api/common.py get_sort_params,
cinder/db/sqlalchemy/api.py _generate_paginate_query). No Flask here."""

from __future__ import annotations

from fakenova.errors import BadRequest, NotFound

MAX_LIMIT = 1000  # [DEFAULT]osapi_max_limit


def sort_keys(sort: str | None, sort_key: str | None, sort_dir: str | None, allowed: tuple) -> list[tuple[str, str]]:
    """[(key, direction)]: Cinder's default is created_at then id, both descending."""
    if sort and (sort_key or sort_dir):
        raise BadRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the "
                         "'sort' parameter.")
    pairs = []
    if sort:
        for item in sort.split(","):
            key, _, direction = item.strip().partition(":")
            pairs.append((key.strip(), (direction.strip() or "desc").lower()))
    elif sort_key or sort_dir:
        pairs.append(((sort_key or "created_at").strip(), (sort_dir or "desc").strip().lower()))
    for key, direction in pairs:
        if key not in allowed:
            raise BadRequest(f"Invalid input received: Invalid sort key: {key}")
        if direction not in ("asc", "desc"):
            raise BadRequest(f"Invalid input received: Unknown sort direction, must be 'desc' or 'asc': "
                             f"{direction}")
    keys = [key for key, _ in pairs]
    for extra in ("created_at", "id"):
        if extra not in keys:
            pairs.append((extra, pairs[0][1] if pairs else "desc"))
    return pairs


def page(records: list[dict], sort: list[tuple[str, str]], *, marker: str | None, limit: int | None,
         offset: int = 0) -> list[dict]:
    """``records`` in creation order, sorted (stable, so creation order breaks ties), then paged."""
    ordered = list(enumerate(records))
    for key, direction in reversed(sort):
        ordered.sort(key=lambda item: _value(item[1].get(key), item[0] if key == "created_at" else 0),
                     reverse=direction == "desc")
    found = [record for _, record in ordered]
    if marker is not None:
        ids = [record["id"] for record in found]
        if marker not in ids:
            raise NotFound(f"Marker {marker} could not be found.")
        found = found[ids.index(marker) + 1:]
    found = found[offset:]
    return found[:min(MAX_LIMIT, limit if limit is not None else MAX_LIMIT)]


def _value(value, position: int):
    # None sorts first ascending (as NULL in MySQL); creation position breaks equal created_at times.
    return (value is not None, value if value is not None else 0, position)
