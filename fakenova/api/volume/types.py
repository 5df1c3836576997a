"""Cinder volume types: list, show, create, update, delete (cinder/api/v3/types.py,
cinder/api/contrib/types_manage.py), extra specs (types_extra_specs.py) and access to private types
(volume_type_access.py); the view is cinder/api/v3/views/types.py's. Rules live in
``domain/volume/volume_types.py``."""

from __future__ import annotations

from flask import jsonify, request

from fakenova.api.common import backend, context, json_body
from fakenova.api.volume.blueprint import bp, check_project, version
from fakenova.domain.volume import volume_types
from fakenova.errors import BadRequest

TYPE = "/v3/<project_id>/types/<type_id>"


def type_view(volume_type: dict) -> dict:
    body = {"id": volume_type["id"], "name": volume_type["name"], "is_public": volume_type["is_public"],
            "description": volume_type["description"],
            "extra_specs": volume_types.visible_specs(context(), volume_type)}
    if context().is_admin:
        body["qos_specs_id"] = volume_type["qos_specs_id"]
    body["os-volume-type-access:is_public"] = volume_type["is_public"]
    return body


def manage_view(volume_type: dict, *, access: bool) -> dict:
    """Create and update answer with types_manage.py's view (cinder/api/views/types.py: all extra
    specs, no qos_specs_id); the type-access extension adds its key to create only."""
    body = {"id": volume_type["id"], "name": volume_type["name"], "is_public": volume_type["is_public"],
            "extra_specs": dict(volume_type["extra_specs"]), "description": volume_type["description"]}
    if access:
        body["os-volume-type-access:is_public"] = volume_type["is_public"]
    return body


def _body(operation: str) -> dict:
    data = json_body()
    backend().schemas.validate_body(data, "volume", "types", operation, version())
    return data


@bp.get("/v3/<project_id>/types")
def list_types(project_id: str):
    check_project(project_id)
    found = volume_types.listed(backend(), context(), request.args.get("is_public"))
    return jsonify({"volume_types": [type_view(t) for t in found]})


@bp.get(TYPE)
def show_type(project_id: str, type_id: str):
    check_project(project_id)
    return jsonify({"volume_type": type_view(volume_types.shown(backend(), context(), type_id))})


@bp.post("/v3/<project_id>/types")
def create_type(project_id: str):
    check_project(project_id)
    created = volume_types.create(backend(), context(), _body("create")["volume_type"])
    return jsonify({"volume_type": manage_view(created, access=True)})


@bp.put(TYPE)
def update_type(project_id: str, type_id: str):
    check_project(project_id)
    updated = volume_types.update(backend(), context(), type_id, _body("update")["volume_type"])
    return jsonify({"volume_type": manage_view(updated, access=False)})


@bp.delete(TYPE)
def delete_type(project_id: str, type_id: str):
    check_project(project_id)
    volume_types.delete(backend(), context(), type_id)
    return "", 202


# --- extra specs ---------------------------------------------------------------------------------

@bp.get(TYPE + "/extra_specs")
def list_extra_specs(project_id: str, type_id: str):
    check_project(project_id)
    return jsonify({"extra_specs": volume_types.visible_specs(context(), volume_types.get(backend(), context(),
                                                                                          type_id))})


@bp.post(TYPE + "/extra_specs")
def set_extra_specs(project_id: str, type_id: str):
    """Cinder answers with the request body."""
    check_project(project_id)
    data = _body("set_extra_specs")
    volume_types.set_specs(backend(), context(), type_id, data["extra_specs"])
    return jsonify(data)


@bp.get(TYPE + "/extra_specs/<key>")
def show_extra_spec(project_id: str, type_id: str, key: str):
    check_project(project_id)
    return jsonify({key: volume_types.spec(backend(), context(), type_id, key)})


@bp.put(TYPE + "/extra_specs/<key>")
def update_extra_spec(project_id: str, type_id: str, key: str):
    check_project(project_id)
    data = _body("update_extra_spec")
    volume_types.update_spec(backend(), context(), type_id, key, data)
    return jsonify(data)


@bp.delete(TYPE + "/extra_specs/<key>")
def delete_extra_spec(project_id: str, type_id: str, key: str):
    check_project(project_id)
    volume_types.delete_spec(backend(), context(), type_id, key)
    return "", 202


# --- access to private types ---------------------------------------------------------------------

@bp.get(TYPE + "/os-volume-type-access")
def list_type_access(project_id: str, type_id: str):
    check_project(project_id)
    projects = volume_types.access_list(backend(), context(), type_id)
    return jsonify({"volume_type_access": [{"volume_type_id": volume_types.get(backend(), context(), type_id)["id"],
                                            "project_id": project} for project in projects]})


@bp.post(TYPE + "/action")
def type_action(project_id: str, type_id: str):
    """addProjectAccess / removeProjectAccess; an unknown action is Cinder's "There is no such action"."""
    check_project(project_id)
    data = json_body()
    name = next(iter(data), None) if isinstance(data, dict) and len(data) == 1 else None
    if name == "addProjectAccess":
        backend().schemas.validate_body(data, "volume", "types", "add_project_access", version())
        volume_types.add_access(backend(), context(), type_id, data[name]["project"])
    elif name == "removeProjectAccess":
        backend().schemas.validate_body(data, "volume", "types", "remove_project_access", version())
        volume_types.remove_access(backend(), context(), type_id, data[name]["project"])
    else:
        raise BadRequest(f"There is no such action: {name}" if name else "Invalid request body")
    return "", 202
