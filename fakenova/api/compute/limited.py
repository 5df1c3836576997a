"""Nova's ``common.limited`` paging of the proxy APIs (os-volumes, os-snapshots, os-security-groups):
``limit`` and ``offset``, non-negative integers, read from the query string."""

from __future__ import annotations

from flask import request

from fakenova.errors import BadRequest


def limit_and_offset() -> tuple[int | None, int]:
    """(limit or None, offset); the caller caps the limit (paging.capped: 0 or none is max_limit)."""
    values = {}
    for name in ("limit", "offset"):
        raw = request.args.getlist(name)[-1:] or [None]
        try:
            values[name] = int(raw[0]) if raw[0] is not None else None
        except ValueError:
            raise BadRequest(f"{name} param must be an integer") from None
        if values[name] is not None and values[name] < 0:
            raise BadRequest(f"{name} param must be positive")
    return values["limit"], values["offset"] or 0
