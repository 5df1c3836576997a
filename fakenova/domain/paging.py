"""Nova's page size (nova/api/openstack/common.py): ``[api]max_limit`` caps every compute page."""

from __future__ import annotations

MAX_LIMIT = 1000  # [api]max_limit


def capped(limit: int | None) -> int:
    """The requested limit, capped at max_limit; max_limit when none was asked for."""
    return MAX_LIMIT if limit is None else min(limit, MAX_LIMIT)
