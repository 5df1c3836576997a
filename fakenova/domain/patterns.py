"""Path patterns shared by fault rules and journal filters.

A pattern that starts with ``^`` is a regular expression (searched); anything else is a glob matched
against the whole path, where ``*`` also crosses ``/`` (``/compute/*/servers`` finds
``/compute/v2.1/servers``). A trailing slash on the request path never matters.
"""

from __future__ import annotations

import fnmatch
import re


class BadPattern(ValueError):
    pass


def compile_path(pattern: str):
    """A predicate ``path -> bool`` for ``pattern``; ``BadPattern`` for a broken regular expression."""
    if pattern.startswith("^"):
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise BadPattern(f"invalid regular expression {pattern!r}: {exc}") from None
        return lambda path: regex.search(_normal(path)) is not None
    glob = re.compile(fnmatch.translate(_normal(pattern)))
    return lambda path: glob.fullmatch(_normal(path)) is not None


def _normal(path: str) -> str:
    return path.rstrip("/") or "/"
