"""/servers/{id}/tags[/{tag}], 2.26+ (nova/api/openstack/compute/server_tags.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route, self_link
from fakenova.domain.compute import server_tags
from fakenova.microversion import between

TAGS = between("2.26")


@route("/servers/<server_id>/tags", versions=TAGS)
def list_server_tags(server_id):
    query("server_tags", "index")
    return jsonify({"tags": server_tags.listed(backend(), context(), server_id)})


@route("/servers/<server_id>/tags", methods=["PUT"], versions=TAGS)
def replace_server_tags(server_id):
    data = body("server_tags", "update_all")
    return jsonify({"tags": server_tags.replace(backend(), context(), server_id, data["tags"])})


@route("/servers/<server_id>/tags", methods=["DELETE"], versions=TAGS)
def delete_server_tags(server_id):
    server_tags.clear(backend(), context(), server_id)
    return "", 204


@route("/servers/<server_id>/tags/<tag>", versions=TAGS)
def check_server_tag(server_id, tag):
    query("server_tags", "show")
    server_tags.exists(backend(), context(), server_id, tag)
    return "", 204


@route("/servers/<server_id>/tags/<tag>", methods=["PUT"], versions=TAGS)
def add_server_tag(server_id, tag):
    body("server_tags", "update")
    if not server_tags.add(backend(), context(), server_id, tag):
        return "", 204
    return "", 201, {"Location": self_link("servers", server_id, "tags", tag)}


@route("/servers/<server_id>/tags/<tag>", methods=["DELETE"], versions=TAGS)
def delete_server_tag(server_id, tag):
    server_tags.remove(backend(), context(), server_id, tag)
    return "", 204
