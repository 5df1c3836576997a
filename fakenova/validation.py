"""Request validation against the JSON Schema files in ``schemas/``.

A schema lives at ``schemas/<service>/<resource>/<operation>/<first-version>.json`` and applies from
that microversion up to the next file's. Shared types live in ``schemas/types.json`` and are reached
with ``{"$ref": "types.json#/definitions/name"}``. Each file is compiled once, at first use.
Failures become Nova's 400 texts ("Invalid input for field/attribute ...").

jsonschema is imported at the first validation, not with this module: it is a good part of the
app's start-up time, and many fakes (a test that only lists flavors) never validate a body.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import ipaddress
import json
import re
import threading
import uuid
from importlib import resources
from pathlib import Path

from fakenova.errors import BadRequest
from fakenova.microversion import APIVersion


class InvalidName(Exception):
    """Raised by the 'name' format so the message is Nova's, not jsonschema's."""


_NAME_MESSAGE = (
    "An invalid 'name' value was provided. The name must be: printable characters. "
    "Can not start or end with whitespace."
)

def _check_name(value) -> bool:
    if not isinstance(value, str):
        return True
    if value != value.strip() or not value.isprintable():
        raise InvalidName(_NAME_MESSAGE)
    return True


_AZ_NAME_MESSAGE = (
    "An invalid 'name' value was provided. The name must be: printable characters except :."
    "Can not start or end with whitespace."
)


def _check_az_name(value) -> bool:
    """nova/api/validation/parameter_types.py valid_az_name_regex: a name without ':'."""
    if not isinstance(value, str):
        return True
    if value != value.strip() or not value.isprintable() or ":" in value:
        raise InvalidName(_AZ_NAME_MESSAGE)
    return True


def is_uuid_like(value) -> bool:
    """oslo uuidutils.is_uuid_like, which Nova and Cinder use to tell an id from a name: a UUID in any
    form ``uuid.UUID`` reads that prints back the same, dashes aside."""
    try:
        return str(uuid.UUID(value)).replace("-", "") == value.lower().replace("-", "")
    except (TypeError, ValueError, AttributeError):
        return False


def _check_uuid(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    # Nova accepts the canonical and the bare-hex forms only.
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", value))


def _check_ipv4(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def _check_ipv6(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def _check_datetime(value) -> bool:
    if not isinstance(value, str):
        return True
    return parse_iso8601(value) is not None


def _check_regex(value) -> bool:
    # Nova's regex filters (?name=...): the empty string is rejected too, it would match everything.
    if not isinstance(value, str):
        return True
    if not value:
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _check_base64(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _number_from_str(instance):
    """Nova reads "10" as 10 for minimum/maximum (nova/api/validation/validators.py)."""
    try:
        return int(instance)
    except (ValueError, TypeError):
        try:
            return float(instance)
        except (ValueError, TypeError):
            return None


def _numeric_strings_too(check):
    def validate(validator, limit, instance, schema):
        number = _number_from_str(instance)
        if number is not None:
            yield from check(validator, limit, number, schema)

    return validate


@functools.lru_cache(maxsize=1)
def _jsonschema_kit():
    """(validator class, format checker), built at the first validation."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("name", raises=InvalidName)(_check_name)
    checker.checks("az_name", raises=InvalidName)(_check_az_name)
    for name, check in (("uuid", _check_uuid), ("ipv4", _check_ipv4), ("ipv6", _check_ipv6),
                        ("date-time", _check_datetime), ("regex", _check_regex), ("base64", _check_base64)):
        checker.checks(name)(check)
    # Draft 4, except that minimum/maximum also apply to strings of digits, as in Nova.
    validator_class = jsonschema.validators.extend(jsonschema.Draft4Validator, {
        "minimum": _numeric_strings_too(jsonschema.Draft4Validator.VALIDATORS["minimum"]),
        "maximum": _numeric_strings_too(jsonschema.Draft4Validator.VALIDATORS["maximum"]),
    })
    return validator_class, checker


# oslo_utils.strutils.bool_from_string's spellings, which Nova uses for boolean query parameters.
TRUE_STRINGS = ("1", "t", "true", "on", "y", "yes")
FALSE_STRINGS = ("0", "f", "false", "off", "n", "no")


def bool_from_string(value: str) -> bool | None:
    """True or False for oslo's spellings (any case, surrounding space ignored); None for others."""
    text = value.strip().lower()
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    return None


def nova_boolean(value) -> bool:
    """A value that passed the schema's ``types.json#/definitions/boolean`` (a JSON bool or one of
    Nova's spellings such as "True", "on", "0") as a bool; anything else (None) is False."""
    if isinstance(value, bool):
        return value
    return bool_from_string(str(value)) is True


def nested_within(value, limit: int) -> bool:
    """Whether parsed JSON nests at most ``limit`` levels (a fuzzer's thousand-deep [[[...]]] would
    exhaust the stack in a recursive walker). Iterative: the check must not recurse either."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def parse_iso8601(text: str) -> dt.datetime | None:
    """Parse the ISO 8601 forms Nova accepts; naive times are UTC. None if unparseable."""
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def schemas_root() -> Path:
    return Path(str(resources.files("fakenova") / "schemas"))


class SchemaRegistry:
    """Finds the schema for (service, resource, operation, microversion) and compiles it once."""

    def __init__(self, root: Path | None = None):
        self.root = root or schemas_root()
        self._lock = threading.Lock()
        self._validators: dict[Path, object] = {}
        self._registry = None  # the $ref targets (types.json), loaded with the first validator
        self._empty_query: dict[tuple, bool] = {}  # (service, resource, operation, version) -> validate_query({})

    @functools.cached_property
    def _index(self) -> dict[tuple[str, str, str], list[tuple[APIVersion, Path]]]:
        """(service, resource, operation) -> [(first microversion, file)], oldest first. Built on first
        use, not at start-up: listing the schema tree costs milliseconds the first request may not need."""
        index: dict[tuple[str, str, str], list[tuple[APIVersion, Path]]] = {}
        for path in sorted(self.root.glob("*/*/*/*.json")):
            service, resource, operation = path.relative_to(self.root).parts[:3]
            try:
                version = APIVersion.parse(path.stem)
            except ValueError:
                raise ValueError(f"schema file name is not a microversion: {path}") from None
            index.setdefault((service, resource, operation), []).append((version, path))
        for entries in index.values():
            entries.sort(key=lambda item: (item[0].major, item[0].minor))
        return index

    def _build_ref_registry(self):
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        registry = Registry()
        for path in sorted(self.root.glob("*.json")):
            contents = json.loads(path.read_text())
            registry = registry.with_resource(
                path.name, Resource.from_contents(contents, default_specification=DRAFT4)
            )
        return registry

    @functools.cached_property
    def _shared_documents(self) -> dict[str, dict]:
        """The shared files (types.json) by name, for ``_inline_refs``."""
        return {path.name: json.loads(path.read_text()) for path in sorted(self.root.glob("*.json"))}

    def keys(self):
        return self._index.keys()

    def paths(self) -> list[Path]:
        """Every schema file the registry knows, in a stable order."""
        return [path for key in sorted(self._index) for _, path in self._index[key]]

    def path_for(self, service: str, resource: str, operation: str, version: APIVersion | str) -> Path | None:
        version = APIVersion.coerce(version)
        chosen = None
        for first, path in self._index.get((service, resource, operation), ()):
            if first <= version:
                chosen = path
        return chosen

    def validator(self, path: Path):
        with self._lock:
            found = self._validators.get(path)
            if found is None:
                validator_class, checker = _jsonschema_kit()
                if self._registry is None:
                    self._registry = self._build_ref_registry()
                schema = json.loads(path.read_text())
                import jsonschema

                jsonschema.Draft4Validator.check_schema(schema)
                schema = _inline_refs(schema, self._shared_documents)
                found = validator_class(schema, registry=self._registry, format_checker=checker)
                self._validators[path] = found
            return found

    def validate_body(self, body, service: str, resource: str, operation: str, version) -> None:
        path = self.path_for(service, resource, operation, version)
        if path is not None:
            _raise_first_error(self.validator(path), body, is_body=True)

    def validate_query(self, args: dict[str, list[str]], service: str, resource: str, operation: str, version) -> bool:
        """Validate a query string given as {name: [values]}. Returns False if no schema applies."""
        if not args:  # no query string, the common case: the answer per schema file is kept
            key = (service, resource, operation, version)
            known = self._empty_query.get(key)
            if known is None:
                known = self._empty_query[key] = self._validate_query(args, service, resource, operation, version)
            return known
        return self._validate_query(args, service, resource, operation, version)

    def _validate_query(self, args, service: str, resource: str, operation: str, version) -> bool:
        path = self.path_for(service, resource, operation, version)
        if path is None:
            return False
        _raise_first_error(self.validator(path), args, is_body=False)
        return True

    def query_patterns(self, service: str, resource: str, operation: str, version) -> list[str]:
        """The schema's patternProperties: Nova keeps matching parameters when it strips the rest."""
        path = self.path_for(service, resource, operation, version)
        if path is None:
            return []
        return list(self.validator(path).schema.get("patternProperties", {}))

    def query_properties(self, service: str, resource: str, operation: str, version) -> set[str] | None:
        path = self.path_for(service, resource, operation, version)
        if path is None:
            return None
        return set(self.validator(path).schema.get("properties", {}))


def _inline_refs(schema, documents: dict[str, dict], depth: int = 0):
    """``schema`` with each {"$ref": "types.json#/definitions/x"} replaced by what it points at.

    Draft 4 ignores whatever sits beside a $ref, so the result validates alike and reports the same
    errors; it only spares the validator a reference lookup per $ref on every request (most of a
    server create's validation time). A $ref this cannot follow stays for the registry to resolve."""
    if isinstance(schema, list):
        return [_inline_refs(item, documents, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and depth < 20:
        target = _follow(ref, documents)
        if target is not None:
            return _inline_refs(target, documents, depth + 1)
    return {key: (_inline_refs(value, documents, depth) if key not in ("enum", "const", "default") else value)
            for key, value in schema.items()}


def _follow(ref: str, documents: dict[str, dict]):
    name, _, pointer = ref.partition("#")
    target = documents.get(name)
    if target is None or (pointer and not pointer.startswith("/")):
        return None
    for part in filter(None, pointer.split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            return None
        target = target[part]
    return target


def _raise_first_error(validator, instance, *, is_body: bool) -> None:
    # Nova raises the first error jsonschema reports, not the "best match".
    try:
        error = next(iter(validator.iter_errors(instance)), None)
    except TypeError as exc:
        raise BadRequest(str(exc)) from None
    if error is None:
        return
    raise BadRequest(nova_message(error, is_body=is_body))


def nova_message(error, *, is_body: bool) -> str:
    """The text Nova's validator gives (nova/api/validation/validators.py)."""
    if isinstance(error.cause, InvalidName):
        return str(error.cause)
    path = list(error.path)
    if not path:
        return error.message
    if is_body:
        return f"Invalid input for field/attribute {path[-1]}. Value: {_py_str(error.instance)}. {error.message}"
    return f"Invalid input for query parameters {path[0]}. Value: {_py_str(error.instance)}. {error.message}"


def _py_str(value) -> str:
    # Nova formats the value with Python's %s, so JSON true shows as True and objects as dicts.
    return str(value)


@functools.lru_cache(maxsize=1)
def default_registry() -> SchemaRegistry:
    return SchemaRegistry()
