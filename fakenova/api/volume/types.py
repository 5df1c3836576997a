"""Cinder volume types: list and show (the default type only), cinder/api/v3/views/types.py."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.volume.blueprint import bp, check_project
from fakenova.domain.volume import volume_types


def type_view(volume_type: dict) -> dict:
    body = {"id": volume_type["id"], "name": volume_type["name"], "is_public": volume_type["is_public"],
            "description": volume_type["description"], "extra_specs": dict(volume_type["extra_specs"])}
    if context().is_admin:
        body["qos_specs_id"] = volume_type["qos_specs_id"]
    body["os-volume-type-access:is_public"] = volume_type["is_public"]
    return body


@bp.get("/v3/<project_id>/types")
def list_types(project_id: str):
    check_project(project_id)
    return jsonify({"volume_types": [type_view(t) for t in volume_types.listed(backend(), context())]})


@bp.get("/v3/<project_id>/types/<type_id>")
def show_type(project_id: str, type_id: str):
    check_project(project_id)
    return jsonify({"volume_type": type_view(volume_types.get(backend(), context(), type_id))})
