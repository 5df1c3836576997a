"""Patterns: path patterns shared by fault rules and journal filters, and bounded user regexes.

A pattern that starts with ``^`` is a regular expression (searched); anything else is a glob matched
against the whole path, where ``*`` also crosses ``/`` (``/compute/*/servers`` finds
``/compute/v2.1/servers``). A trailing slash on the request path never matters.
"""

from __future__ import annotations

import fnmatch
import re
import time

from fakenova.errors import BadRequest


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


# --- user-supplied regular expressions (GET /servers?name=..., ip=..., and other regex filters) -----
#
# Nova hands these to the database's REGEXP; here they run in-process, so a hostile pattern such as
# ``(a|aa)+$`` must not stall a worker. Two bounds: a length cap, and a time budget per pattern per
# request enforced by the ``regex`` module's ``timeout`` (the stdlib ``re`` cannot be interrupted).

MAX_USER_PATTERN_LENGTH = 1024
USER_PATTERN_BUDGET = 0.5  # seconds of matching one pattern may use in one request


class UserRegex:
    """A compiled user pattern whose searches, together, stop after ``USER_PATTERN_BUDGET``.

    Raises ``BadRequest`` in Nova's query-parameter wording when the pattern is too long, does not
    compile, or runs out of time, so a bad filter is always a 400, never a hang or a 500.
    """

    def __init__(self, parameter: str, pattern: str):
        self.parameter, self.pattern = parameter, pattern
        if len(pattern) > MAX_USER_PATTERN_LENGTH:
            raise self._bad(f"The pattern is longer than {MAX_USER_PATTERN_LENGTH} characters.")
        # Imported here: ``regex`` costs ~10 ms at start-up and only regex filters need it.
        import regex

        try:
            self._compiled = regex.compile(pattern)
        except (regex.error, ValueError, OverflowError) as exc:
            raise self._bad(f"Invalid regular expression: {exc}") from None
        self._spent = 0.0

    def search(self, text: str) -> bool:
        return self._run(self._compiled.search, text)

    def match(self, text: str) -> bool:
        return self._run(self._compiled.match, text)

    def _run(self, method, text: str) -> bool:
        remaining = USER_PATTERN_BUDGET - self._spent
        if remaining <= 0:
            raise self._too_expensive()
        # Real elapsed CPU time, not the fake clock: this guards the process, not the simulated world.
        started = time.perf_counter()
        try:
            return method(text, timeout=remaining) is not None
        except TimeoutError:
            raise self._too_expensive() from None
        finally:
            self._spent += time.perf_counter() - started

    def _too_expensive(self) -> BadRequest:
        return self._bad("The regular expression is too expensive to evaluate.")

    def _bad(self, reason: str) -> BadRequest:
        return BadRequest(f"Invalid input for query parameters {self.parameter}. Value: {self.pattern}. {reason}")
