"""/servers/{id}/os-volume_attachments[/{volume_id}] (nova/api/openstack/compute/volume_attachments.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route, version
from fakenova.domain.compute import volume_attachments
from fakenova.microversion import between
from fakenova.views import volume_attachments as views

SHELVED_ATTACH = between("2.20")     # attach to / detach from shelved servers
NO_BODY_ON_ATTACH = between("2.101")  # POST answers 202 without a body
UPDATE_NOT_ONLY_SWAP = between("2.85")  # PUT may change delete_on_termination


@route("/servers/<server_id>/os-volume_attachments")
def list_volume_attachments(server_id):
    params = query("volume_attachments", "index")
    server, bdms = volume_attachments.listed(backend(), context(), server_id,
                                             limit=int(params.get("limit", ["0"])[-1]) or None,
                                             offset=int(params.get("offset", ["0"])[-1]))
    return jsonify({"volumeAttachments": [views.attachment(server["id"], bdm, version()) for bdm in bdms]})


@route("/servers/<server_id>/os-volume_attachments/<volume_id>")
def show_volume_attachment(server_id, volume_id):
    query("volume_attachments", "show")
    server, bdm = volume_attachments.get(backend(), context(), server_id, volume_id)
    return jsonify({"volumeAttachment": views.attachment(server["id"], bdm, version())})


@route("/servers/<server_id>/os-volume_attachments", methods=["POST"])
def attach_volume(server_id):
    data = body("volume_attachments", "create")
    server, bdm = volume_attachments.attach(backend(), context(), server_id, data["volumeAttachment"],
                                            shelved_allowed=version() in SHELVED_ATTACH)
    if version() in NO_BODY_ON_ATTACH:
        return "", 202
    return jsonify({"volumeAttachment": views.created(server["id"], bdm, version())})


@route("/servers/<server_id>/os-volume_attachments/<volume_id>", methods=["PUT"])
def update_volume_attachment(server_id, volume_id):
    data = body("volume_attachments", "update")
    volume_attachments.update(backend(), context(), server_id, volume_id, data["volumeAttachment"],
                              only_swap=version() not in UPDATE_NOT_ONLY_SWAP)
    return "", 202


@route("/servers/<server_id>/os-volume_attachments/<volume_id>", methods=["DELETE"])
def detach_volume(server_id, volume_id):
    volume_attachments.detach(backend(), context(), server_id, volume_id,
                              shelved_allowed=version() in SHELVED_ATTACH)
    return "", 202
