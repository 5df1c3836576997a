"""Server actions that move or copy a server (POST /servers/{id}/action): resize, confirmResize,
revertResize, migrate, os-migrateLive, evacuate, rebuild, createImage, createBackup.

The handlers read the microversion-dependent parts of the body and the answer's shape; the rules
live in ``fakenova.domain.compute.server_moves``.
"""

from __future__ import annotations

from flask import jsonify, make_response

from fakenova.api.common import backend, base_url, context
from fakenova.api.compute.blueprint import self_link, version
from fakenova.api.compute.server_actions import action
from fakenova.domain.compute import server_moves
from fakenova.microversion import between
from fakenova.views import servers as views

MIGRATE_TO_HOST = between("2.56")                  # migrate {"host"}; before, the body is not read
LIVE_MIGRATE_FORCE = between("2.30")               # force read (2.30-2.67), False when absent
LIVE_MIGRATE_ASYNC = between("2.34")               # a refused destination fails after the 202
EVACUATE_SHARED_STORAGE = between(None, "2.13")    # onSharedStorage; the 200 carries {"adminPass"}
EVACUATE_FORCE = between("2.29")                   # force read (2.29-2.67), False when absent
EVACUATE_ENDS_STOPPED = between("2.95")
IMAGE_ID_IN_BODY = between("2.45")                 # createImage/createBackup: {"image_id"}, no Location
IMAGE_METADATA_QUOTA = between(None, "2.38")       # maxImageMeta still applies
REIMAGE_VOLUME = between("2.93")                   # rebuild a volume-backed server with another image

_TRUE = ("1", "true", "on", "yes")


def _flag(value) -> bool:
    """A schema-validated boolean (a JSON bool or one of Nova's strings) as a bool."""
    return value if isinstance(value, bool) else str(value).lower() in _TRUE


def _env() -> views.Env:
    b = backend()
    return views.Env(backend=b, context=context(), version=version(), base=f"{base_url()}/compute",
                     now=b.clock.time())


@action("resize")
def resize(server_id: str, value: dict):
    server_moves.resize(backend(), context(), server_id, value["flavorRef"],
                        disk_config=value.get("OS-DCF:diskConfig"))
    return "", 202


@action("confirmResize")
def confirm_resize(server_id: str, value):
    server_moves.confirm_resize(backend(), context(), server_id)
    return "", 204


@action("revertResize")
def revert_resize(server_id: str, value):
    server_moves.revert_resize(backend(), context(), server_id)
    return "", 202


@action("migrate")
def migrate(server_id: str, value):
    host = value.get("host") if version() in MIGRATE_TO_HOST and isinstance(value, dict) else None
    server_moves.migrate(backend(), context(), server_id, host)
    return "", 202


@action("os-migrateLive")
def live_migrate(server_id: str, value: dict):
    force = _flag(value.get("force", False)) if version() in LIVE_MIGRATE_FORCE else None
    server_moves.live_migrate(backend(), context(), server_id, host=value["host"], force=force,
                              synchronous=version() not in LIVE_MIGRATE_ASYNC)
    return "", 202


@action("evacuate")
def evacuate(server_id: str, value: dict):
    legacy = version() in EVACUATE_SHARED_STORAGE
    password = server_moves.evacuate(
        backend(), context(), server_id, host=value.get("host"), admin_pass=value.get("adminPass"),
        force=_flag(value.get("force", False)) if version() in EVACUATE_FORCE else None,
        on_shared_storage=_flag(value["onSharedStorage"]) if legacy else None,
        end_stopped=version() in EVACUATE_ENDS_STOPPED)
    # Nova answers 200 (not 202) here, with a body only before 2.14.
    if legacy:
        return jsonify({"adminPass": password})
    return "", 200


@action("rebuild")
def rebuild(server_id: str, value: dict):
    server, admin_pass = server_moves.rebuild(backend(), context(), server_id, value,
                                              reimage_allowed=version() in REIMAGE_VOLUME)
    response = jsonify(views.rebuilt(_env(), server, admin_pass))
    response.status_code = 202
    response.headers["Location"] = self_link("servers", server_id)
    return response


@action("createImage")
def create_image(server_id: str, value: dict):
    image = server_moves.create_image(backend(), context(), server_id, value["name"], value.get("metadata") or {},
                                      check_metadata_quota=version() in IMAGE_METADATA_QUOTA)
    # Nova's Glance URL: the image endpoint without its version, then images/<id>.
    return _image_answer(image["id"], f"{base_url()}/image/images/{image['id']}")


@action("createBackup")
def create_backup(server_id: str, value: dict):
    rotation = int(value["rotation"])
    image = server_moves.create_backup(backend(), context(), server_id, value["name"], value["backup_type"],
                                       rotation, value.get("metadata") or {},
                                       check_metadata_quota=version() in IMAGE_METADATA_QUOTA)
    # Before 2.45 the Location (a compute URL here) is only sent when backups are kept.
    return _image_answer(image["id"], self_link("images", image["id"]) if rotation > 0 else None)


def _image_answer(image_id: str, location: str | None):
    if version() in IMAGE_ID_IN_BODY:
        return jsonify({"image_id": image_id}), 202
    response = make_response("", 202)
    if location:
        response.headers["Location"] = location
    return response
