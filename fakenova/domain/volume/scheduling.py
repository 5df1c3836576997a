"""Cinder's CapabilitiesFilter: does the one LVM pool satisfy a volume type's extra specs?

A type whose unscoped (or ``capabilities:``) extra specs the pool does not report or does not match
leaves no backend, and the volume goes from ``creating`` to ``error`` (Cinder's "No valid backend").
Checked against cinder/scheduler/filters/capabilities_filter.py and extra_specs_ops.py (master, 2026).
"""

from __future__ import annotations

import operator

_TRUE = ("1", "t", "true", "on", "y", "yes")


def _as_bool(value) -> bool:
    """oslo strutils.bool_from_string (not strict)."""
    return value is True or str(value).strip().lower() in _TRUE


_OPERATORS = {
    "=": lambda x, y: float(x) >= float(y),
    "<in>": lambda x, y: y in x,
    "<is>": lambda x, y: _as_bool(x) is _as_bool(y),
    "==": lambda x, y: float(x) == float(y),
    "!=": lambda x, y: float(x) != float(y),
    ">=": lambda x, y: float(x) >= float(y),
    "<=": lambda x, y: float(x) <= float(y),
    "s==": operator.eq, "s!=": operator.ne, "s<": operator.lt, "s<=": operator.le, "s>": operator.gt,
    "s>=": operator.ge,
}


def matches(value, requirement: str | None) -> bool:
    """extra_specs_ops.match: ``<op> operand``, ``<or> a <or> b``, or plain equality."""
    if requirement is None:
        return value is None
    words = requirement.split()
    op = words.pop(0) if words else None
    method = _OPERATORS.get(op)
    if op != "<or>" and method is None:
        return value == requirement
    if value is None:
        return False
    if op == "<or>":
        return value in words[::2]
    try:
        return bool(words) and bool(method(value, words[0]))
    except (ValueError, TypeError):
        return False


def fits(capabilities: dict, extra_specs: dict) -> bool:
    for key, requirement in extra_specs.items():
        scope = key.split(":")
        if len(scope) > 1 and scope[0] != "capabilities":
            continue  # vendor-scoped specs are the driver's business
        if scope[0] == "capabilities":
            scope = scope[1:]
        found = capabilities
        for part in scope:
            if not isinstance(found, dict) or part not in found:
                return False
            found = found[part]
        if not any(matches(value, requirement) for value in (found if isinstance(found, list) else [found])):
            return False
    return True
