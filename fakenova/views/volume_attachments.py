"""A server's volume mapping -> Nova's volumeAttachment (volume_attachments.py
``_translate_attachment_detail_view``): ``id`` (the volume id) up to 2.88, ``tag`` from 2.70,
``delete_on_termination`` from 2.79, ``attachment_id`` and ``bdm_uuid`` instead of ``id`` from 2.89."""

from __future__ import annotations

from fakenova.microversion import between

TAG_SHOWN = between("2.70")
DELETE_ON_TERMINATION_SHOWN = between("2.79")
ATTACHMENT_IDS_SHOWN = between("2.89")


def attachment(server_id: str, bdm: dict, version) -> dict:
    body = {}
    if version not in ATTACHMENT_IDS_SHOWN:
        body["id"] = bdm["id"]
    body["volumeId"] = bdm["id"]
    body["serverId"] = server_id
    if bdm.get("device"):
        body["device"] = bdm["device"]
    if version in TAG_SHOWN:
        body["tag"] = bdm.get("tag")
    if version in DELETE_ON_TERMINATION_SHOWN:
        body["delete_on_termination"] = bool(bdm.get("delete_on_termination"))
    if version in ATTACHMENT_IDS_SHOWN:
        body["attachment_id"] = bdm.get("attachment_id")
        body["bdm_uuid"] = bdm.get("bdm_uuid")
    return body


def created(server_id: str, bdm: dict, version) -> dict:
    """The POST answer (2.1-2.100): ``device`` always present (null for a shelved-offloaded server),
    and never the 2.89 fields: Nova forgot them there and stopped answering with a body at 2.101."""
    body = {"id": bdm["id"], "serverId": server_id, "volumeId": bdm["id"], "device": bdm.get("device")}
    if version in TAG_SHOWN:
        body["tag"] = bdm.get("tag")
    if version in DELETE_ON_TERMINATION_SHOWN:
        body["delete_on_termination"] = bool(bdm.get("delete_on_termination"))
    return body
