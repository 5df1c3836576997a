"""Fault rules: make chosen requests fail, slow down, or make a server's build end in ERROR.

A rule has match criteria (method, path, action, project, server) and one effect:
- ``response.status``: answer that error instead of handling the request, or, with
  ``"after": "respond"``, handle it normally (the server IS created) and answer the error anyway;
- ``response.latency``: delay the request (``latency_clock`` "real" sleeps, "fake" moves the fake
  clock forward instead, so nothing waits);
- ``"build": "error"``: no effect on requests; ``FaultRules.build_failure`` tells the servers code that the
  build of a matching server must end in ERROR with the rule's message.

``times`` caps how often a rule fires, ``sequence`` ("fail"/"pass") is consumed one step per match,
``probability`` is drawn from the rule's own ``random.Random(seed)``, so runs are reproducible.
Rules are tried in creation order and the first that fires wins (later rules are not consulted, so
their sequences and draws do not move). A rule whose ``times`` or ``sequence`` is used up can never
fire again; it stays listed (with its counters) until ``MAX_SPENT`` later rules have been used up too,
so a long-lived fake that gets a rule per test run stays bounded.
"""

from __future__ import annotations

import copy
import functools
import random
import threading
from dataclasses import dataclass, field
from http import HTTPStatus

from fakenova.domain.patterns import BadPattern, compile_path

DEFAULT_BUILD_FAULT = {"code": 500, "message": "No valid host was found. There are not enough hosts available."}

RULE_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "properties": {
        "match": {
            "type": "object",
            "properties": {
                "method": {"oneOf": [{"type": "string", "minLength": 1},
                                     {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]},
                "path": {"type": "string", "minLength": 1},
                "action": {"type": "string", "minLength": 1},
                "project": {"type": "string", "minLength": 1},
                "server": {"type": "string", "minLength": 1},
            },
            "additionalProperties": False,
        },
        "response": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "message": {"type": "string"},
                "latency": {"type": "number", "minimum": 0, "maximum": 3600},
                "latency_clock": {"enum": ["real", "fake"]},
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "additionalProperties": False,
        },
        "times": {"type": ["integer", "null"], "minimum": 1},
        "probability": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "seed": {"type": "integer"},
        "sequence": {"type": ["array", "null"], "items": {"enum": ["fail", "pass"]}, "minItems": 1},
        "after": {"enum": ["request", "respond"]},
        "build": {"enum": ["error", None]},
    },
    "additionalProperties": False,
}


@functools.lru_cache(maxsize=1)
def _rule_validator():
    # Imported at the first rule, not at start-up: jsonschema is slow to import.
    import jsonschema

    return jsonschema.Draft4Validator(RULE_SCHEMA)


# Counters a rule accumulates; exported with the state so a restored rule goes on where it stopped.
COUNTERS = ("matched", "fired", "draws")
# Used-up rules kept for reading back; older ones are forgotten.
MAX_SPENT = 100


class InvalidRule(ValueError):
    pass


@dataclass
class RequestFacts:
    """What a rule can match on, gathered from one request by the HTTP layer."""

    method: str
    path: str
    action: str | None = None
    project_id: str | None = None
    project_name: str | None = None
    servers: frozenset = frozenset()  # ids and names of the server(s) the request is about


@dataclass
class Rule:
    id: str
    document: dict  # as created (normalised), without counters
    matched: int = 0
    fired: int = 0
    draws: int = 0
    _random: random.Random = field(default=None, repr=False)
    _path: object = field(default=None, repr=False)

    def __post_init__(self):
        self._random = random.Random(self.document["seed"])
        for _ in range(self.draws):  # a restored rule continues its sequence of draws
            self._random.random()
        pattern = self.document["match"].get("path")
        self._path = compile_path(pattern) if pattern else None

    @property
    def is_build_rule(self) -> bool:
        return self.document["build"] == "error"

    def public(self) -> dict:
        return {"id": self.id, **copy.deepcopy(self.document), "matched": self.matched, "fired": self.fired}

    def matches(self, facts: RequestFacts) -> bool:
        match = self.document["match"]
        methods = match.get("method")
        if methods is not None:
            methods = [methods] if isinstance(methods, str) else methods
            if facts.method.upper() not in {m.upper() for m in methods}:
                return False
        if self._path is not None and not self._path(facts.path):
            return False
        if "action" in match and match["action"] != facts.action:
            return False
        if "project" in match and match["project"] not in (facts.project_id, facts.project_name):
            return False
        if "server" in match and match["server"] not in facts.servers:
            return False
        return True

    @property
    def spent(self) -> bool:
        """Used up: its ``times`` fired, or every step of its ``sequence`` matched."""
        doc = self.document
        return ((doc["times"] is not None and self.fired >= doc["times"])
                or (doc["sequence"] is not None and self.matched >= len(doc["sequence"])))

    def fires(self) -> bool:
        """One match: consume a sequence step and a draw as needed; True when the effect applies."""
        doc = self.document
        if doc["times"] is not None and self.fired >= doc["times"]:
            return False
        self.matched += 1
        sequence = doc["sequence"]
        if sequence is not None and (self.matched > len(sequence) or sequence[self.matched - 1] == "pass"):
            return False
        if doc["probability"] is not None:
            self.draws += 1
            if self._random.random() >= doc["probability"]:
                return False
        self.fired += 1
        return True

    def error(self) -> tuple[int, str, dict] | None:
        """(status, message, headers) of the error this rule answers, or None for latency only."""
        response = self.document["response"]
        status = response.get("status")
        if status is None:
            return None
        message = response.get("message") or _reason(status)
        return status, message, dict(response.get("headers") or {})


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def normalise(document) -> dict:
    """Validate a rule document and fill its defaults; ``InvalidRule`` with a one-line reason."""
    if not isinstance(document, dict):
        raise InvalidRule("a fault rule must be a JSON object")
    error = next(iter(sorted(_rule_validator().iter_errors(document), key=lambda e: list(e.path))), None)
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path)
        raise InvalidRule(f"{where}: {error.message}" if where else error.message)
    rule = {
        "match": copy.deepcopy(document.get("match") or {}),
        "response": copy.deepcopy(document.get("response") or {}),
        "times": document.get("times"),
        "probability": document.get("probability"),
        "seed": document.get("seed", 0),
        "sequence": copy.deepcopy(document.get("sequence")),
        "after": document.get("after", "request"),
        "build": document.get("build"),
    }
    response = rule["response"]
    if "latency" in response:
        response.setdefault("latency_clock", "real")
    if rule["build"] == "error":
        if set(rule["match"]) - {"project", "server"}:
            raise InvalidRule("a build rule matches on project and server only")
        if rule["after"] != "request" or "latency" in response:
            raise InvalidRule("a build rule takes no 'after' and no latency")
    elif "status" not in response and "latency" not in response:
        raise InvalidRule("a rule needs response.status, response.latency or \"build\": \"error\"")
    elif rule["after"] == "respond" and "status" not in response:
        raise InvalidRule("\"after\": \"respond\" needs response.status")
    try:
        if "path" in rule["match"]:
            compile_path(rule["match"]["path"])
    except BadPattern as exc:
        raise InvalidRule(f"match.path: {exc}") from None
    return rule


class FaultRules:
    """The rules of one backend, in creation order, behind their own lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._rules: dict[str, Rule] = {}
            self._spent: dict[str, None] = {}  # ids of used-up rules, oldest first
            self._next_id = 1

    def add(self, document) -> dict:
        normalised = normalise(document)
        with self._lock:
            rule = Rule(id=f"rule-{self._next_id}", document=normalised)
            self._next_id += 1
            self._rules[rule.id] = rule
            return rule.public()

    def get(self, rule_id: str) -> dict | None:
        with self._lock:
            rule = self._rules.get(rule_id)
            return rule.public() if rule else None

    def list(self) -> list[dict]:
        with self._lock:
            return [rule.public() for rule in self._rules.values()]

    def delete(self, rule_id: str) -> bool:
        with self._lock:
            self._spent.pop(rule_id, None)
            return self._rules.pop(rule_id, None) is not None

    def any_rules(self) -> bool:
        """Cheap, unlocked: lets every request skip describing itself when there is nothing to match."""
        return bool(self._rules)

    def for_request(self, facts: RequestFacts) -> Rule | None:
        """The first request rule that matches and fires, counters updated; None if none does."""
        return self._first(facts, build=False)

    def for_build(self, facts: RequestFacts) -> Rule | None:
        return self._first(facts, build=True)

    def _first(self, facts: RequestFacts, *, build: bool) -> Rule | None:
        with self._lock:
            for rule in self._rules.values():
                if rule.is_build_rule is build and rule.matches(facts):
                    fired = rule.fires()
                    if rule.spent:
                        self._note_spent(rule.id)
                    if fired:
                        return rule
        return None

    def _note_spent(self, rule_id: str) -> None:
        """Hold the lock. Forget the oldest used-up rules beyond MAX_SPENT."""
        self._spent[rule_id] = None
        while len(self._spent) > MAX_SPENT:
            oldest = next(iter(self._spent))
            del self._spent[oldest]
            self._rules.pop(oldest, None)

    def build_failure(self, projects: dict, server: dict) -> dict | None:
        """Whether the build of ``server`` (a store record) must end in ERROR, per the build rules.

        Returns the fault ``{"code": ..., "message": ..., "rule": ...}`` to fail it with, or None. Each
        call counts as one match of the rule (times/sequence/probability), so call it once per server
        build. The compute model asks through ``backend.faults``, so it never imports this package."""
        project = projects.get(server.get("project_id"), {})
        facts = RequestFacts(method="POST", path="/compute/v2.1/servers", project_id=server.get("project_id"),
                             project_name=project.get("name"),
                             servers=frozenset(v for v in (server.get("id"), server.get("name")) if v))
        rule = self.for_build(facts)
        if rule is None:
            return None
        response = rule.document["response"]
        return {"code": response.get("status", DEFAULT_BUILD_FAULT["code"]),
                "message": response.get("message") or DEFAULT_BUILD_FAULT["message"], "rule": rule.id}

    # --- export / import (fakenova.domain.control.state) ---

    def export(self) -> dict:
        with self._lock:
            return {
                "next_id": self._next_id,
                "rules": [{**rule.public(), "draws": rule.draws} for rule in self._rules.values()],
            }

    @staticmethod
    def restored(document) -> "FaultRules":
        """A new FaultRules from ``export()``'s document; ``InvalidRule`` if it is not one."""
        if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
            raise InvalidRule("faults: expected {\"next_id\": N, \"rules\": [...]}")
        next_id = document.get("next_id")
        if not isinstance(next_id, int) or isinstance(next_id, bool) or next_id < 1:
            raise InvalidRule("faults.next_id: must be a positive integer")
        restored = FaultRules()
        for entry in document["rules"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise InvalidRule("faults.rules: each rule needs its string id")
            body = {k: v for k, v in entry.items() if k not in ("id", *COUNTERS)}
            counters = {name: entry.get(name, 0) for name in COUNTERS}
            if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in counters.values()):
                raise InvalidRule(f"faults.rules[{entry['id']}]: counters must be non-negative integers")
            try:
                normalised = normalise(body)
            except InvalidRule as exc:
                raise InvalidRule(f"faults.rules[{entry['id']}]: {exc}") from None
            rule = Rule(id=entry["id"], document=normalised, **counters)
            restored._rules[rule.id] = rule
            if rule.spent:
                restored._spent[rule.id] = None
        restored._next_id = next_id
        return restored


def build_failure_for(backend, server: dict) -> dict | None:
    """``FaultRules.build_failure`` for a running fake."""
    return backend.faults.build_failure(backend.store.projects, server)
