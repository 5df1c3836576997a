"""Cinder's admin-only rules (base.RULE_ADMIN_API): one check, Cinder's 403 text naming the rule."""

from __future__ import annotations

from fakenova.errors import Forbidden


def require_admin(context, rule: str) -> None:
    if not context.is_admin:
        raise Forbidden(f"Policy doesn't allow {rule} to be performed.")
