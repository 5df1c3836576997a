"""/volumes/{id}/metadata[/{key}] and /snapshots/{id}/metadata[/{key}] (Cinder's metadata
controllers): one set of handlers for both kinds."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context, json_body
from fakenova.api.volume.blueprint import bp, check_project
from fakenova.domain.volume import metadata
from fakenova.errors import BadRequest

COLLECTIONS = {"volumes": "volume", "snapshots": "snapshot"}


def _kind(collection: str) -> str:
    return COLLECTIONS[collection]


def _body(key: str):
    data = json_body()
    if not isinstance(data, dict) or key not in data:
        raise BadRequest("Malformed request body")
    return data[key]


def _register(collection: str) -> None:
    base = f"/v3/<project_id>/{collection}/<record_id>/metadata"
    kind = _kind(collection)

    def listed(project_id, record_id):
        check_project(project_id)
        return jsonify({"metadata": metadata.listed(backend(), context(), kind, record_id)})

    def merged(project_id, record_id):
        check_project(project_id)
        return jsonify({"metadata": metadata.update(backend(), context(), kind, record_id, _body("metadata"),
                                                    replace=False)})

    def replaced(project_id, record_id):
        check_project(project_id)
        return jsonify({"metadata": metadata.update(backend(), context(), kind, record_id, _body("metadata"),
                                                    replace=True)})

    def shown(project_id, record_id, key):
        check_project(project_id)
        return jsonify({"meta": {key: metadata.item(backend(), context(), kind, record_id, key)}})

    def item_set(project_id, record_id, key):
        check_project(project_id)
        return jsonify({"meta": metadata.set_item(backend(), context(), kind, record_id, key, _body("meta"))})

    def item_deleted(project_id, record_id, key):
        check_project(project_id)
        metadata.delete_item(backend(), context(), kind, record_id, key)
        return "", 200

    for rule, view, method in ((base, listed, "GET"), (base, merged, "POST"), (base, replaced, "PUT"),
                               (base + "/<key>", shown, "GET"), (base + "/<key>", item_set, "PUT"),
                               (base + "/<key>", item_deleted, "DELETE")):
        bp.add_url_rule(rule, endpoint=f"{kind}_metadata_{view.__name__}", view_func=view, methods=[method])


for _collection in COLLECTIONS:
    _register(_collection)
