"""/servers/{id}/metadata[/{key}] (nova/api/openstack/compute/server_metadata.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route
from fakenova.domain.compute import server_metadata


@route("/servers/<server_id>/metadata")
def list_server_metadata(server_id):
    query("server_metadata", "index")
    return jsonify({"metadata": server_metadata.all_items(backend(), context(), server_id)})


@route("/servers/<server_id>/metadata", methods=["POST"])
def merge_server_metadata(server_id):
    # 200, not 201: Nova kept the old code for compatibility.
    data = body("server_metadata", "create")
    result = server_metadata.update(backend(), context(), server_id, data["metadata"], replace=False,
                                    rule="create")
    return jsonify({"metadata": result})


@route("/servers/<server_id>/metadata", methods=["PUT"])
def replace_server_metadata(server_id):
    data = body("server_metadata", "update_all")
    result = server_metadata.update(backend(), context(), server_id, data["metadata"], replace=True,
                                    rule="update_all")
    return jsonify({"metadata": result})


@route("/servers/<server_id>/metadata/<key>")
def show_server_metadata_item(server_id, key):
    query("server_metadata", "show")
    return jsonify({"meta": server_metadata.item(backend(), context(), server_id, key)})


@route("/servers/<server_id>/metadata/<key>", methods=["PUT"])
def set_server_metadata_item(server_id, key):
    data = body("server_metadata", "update")
    return jsonify({"meta": server_metadata.update_item(backend(), context(), server_id, key, data["meta"])})


@route("/servers/<server_id>/metadata/<key>", methods=["DELETE"])
def delete_server_metadata_item(server_id, key):
    server_metadata.delete_item(backend(), context(), server_id, key)
    return "", 204
