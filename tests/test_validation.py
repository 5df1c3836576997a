"""Schema files are chosen by microversion and failures read like Nova's."""

from __future__ import annotations

import json

import pytest

from fakenova.errors import BadRequest
from fakenova.validation import SchemaRegistry


@pytest.fixture
def registry(tmp_path):
    (tmp_path / "types.json").write_text(json.dumps({"definitions": {
        "name": {"type": "string", "minLength": 1, "maxLength": 255, "format": "name"}}}))
    folder = tmp_path / "compute" / "things" / "create"
    folder.mkdir(parents=True)
    (folder / "2.1.json").write_text(json.dumps({
        "type": "object", "required": ["thing"], "additionalProperties": False,
        "properties": {"thing": {"type": "object", "additionalProperties": False,
                                 "properties": {"name": {"$ref": "types.json#/definitions/name"}}}}}))
    (folder / "2.19.json").write_text(json.dumps({
        "type": "object", "required": ["thing"],
        "properties": {"thing": {"type": "object", "properties": {
            "name": {"$ref": "types.json#/definitions/name"},
            "description": {"type": ["string", "null"], "maxLength": 255}}, "additionalProperties": False}}}))
    query = tmp_path / "compute" / "things" / "index"
    query.mkdir(parents=True)
    (query / "2.1.json").write_text(json.dumps({
        "type": "object", "properties": {"limit": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]+$"}}}}))
    return SchemaRegistry(tmp_path)


def _message(registry, body, version, operation="create"):
    with pytest.raises(BadRequest) as raised:
        registry.validate_body(body, "compute", "things", operation, version)
    return raised.value.message


def test_file_applies_from_its_version_to_the_next(registry):
    assert registry.path_for("compute", "things", "create", "2.18").name == "2.1.json"
    assert registry.path_for("compute", "things", "create", "2.19").name == "2.19.json"
    assert registry.path_for("compute", "things", "create", "2.104").name == "2.19.json"
    assert registry.path_for("compute", "things", "delete", "2.104") is None


def test_field_added_at_a_microversion(registry):
    body = {"thing": {"name": "a", "description": "d"}}
    registry.validate_body(body, "compute", "things", "create", "2.19")
    assert _message(registry, body, "2.18") == (
        "Invalid input for field/attribute thing. Value: {'name': 'a', 'description': 'd'}. "
        "Additional properties are not allowed ('description' was unexpected)")


def test_root_errors_are_bare_jsonschema_messages(registry):
    assert _message(registry, {}, "2.1") == "'thing' is a required property"


def test_name_format_uses_novas_message(registry):
    assert _message(registry, {"thing": {"name": " padded"}}, "2.1") == (
        "An invalid 'name' value was provided. The name must be: printable characters. "
        "Can not start or end with whitespace.")


def test_value_is_shown_as_python_renders_it(registry):
    assert _message(registry, {"thing": {"name": True}}, "2.1") == (
        "Invalid input for field/attribute name. Value: True. True is not of type 'string'")


def test_query_errors_name_the_parameter(registry):
    with pytest.raises(BadRequest) as raised:
        registry.validate_query({"limit": ["x"]}, "compute", "things", "index", "2.1")
    assert raised.value.message == "Invalid input for query parameters limit. Value: x. 'x' does not match '^[0-9]+$'"


def test_each_schema_is_compiled_once(registry):
    path = registry.path_for("compute", "things", "create", "2.1")
    assert registry.validator(path) is registry.validator(path)


def test_shipped_schemas_are_valid_draft4():
    from fakenova.validation import default_registry

    registry = default_registry()
    for path in registry.paths():
        registry.validator(path)
