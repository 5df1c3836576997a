"""POST /volumes/{id}/action: one body key names the action (cinder/api/contrib/volume_actions.py,
admin_actions.py). The domain rules live in ``domain/volume/volume_actions.py``; uploading a volume to
an image also asks Glance for the image, as Cinder does."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context, json_body
from fakenova.api.volume.blueprint import bp, check_project, is_true, version
from fakenova.clock import db_time
from fakenova.domain.image import images
from fakenova.domain.volume import volume_actions, volume_types, volumes
from fakenova.errors import BadRequest
from fakenova.microversion import between

EXTEND_IN_USE = between("3.42")
UPLOAD_VISIBILITY = between("3.1")
GiB = 1024 ** 3


def _bool(value, name: str) -> bool:
    text = str(value).lower()
    if text in ("true", "1", "yes", "on", "t", "y"):
        return True
    if text in ("false", "0", "no", "off", "f", "n"):
        return False
    raise BadRequest(f"Invalid input received: {name} must be a boolean value: {value}")


def _extend(volume_id: str, args):
    if not isinstance(args, dict) or "new_size" not in args:
        raise BadRequest("Invalid input received: Missing required element 'os-extend' in request body.")
    try:
        new_size = int(args["new_size"])
    except (TypeError, ValueError):
        raise BadRequest(f"Invalid input for field/attribute new_size. Value: {args['new_size']}.") from None
    volume_actions.extend(backend(), context(), volume_id, new_size, in_use_allowed=version() in EXTEND_IN_USE)
    return "", 202


def _set_bootable(volume_id: str, args):
    if not isinstance(args, dict) or "bootable" not in args:
        raise BadRequest("Invalid input received: Must specify bootable in request.")
    volume_actions.set_bootable(backend(), context(), volume_id, _bool(args["bootable"], "Bootable"))
    return "", 200


def _readonly(volume_id: str, args):
    if not isinstance(args, dict) or "readonly" not in args:
        raise BadRequest("Invalid input received: Must specify readonly in request.")
    volume_actions.update_readonly_flag(backend(), context(), volume_id, _bool(args["readonly"], "Read only"))
    return "", 202


def _reset_status(volume_id: str, args):
    if not isinstance(args, dict) or not args:
        raise BadRequest("Invalid input received: Must specify 'status', 'attach_status' or 'migration_status' for "
                         "update.")
    volume_actions.reset_status(backend(), context(), volume_id, args)
    return "", 202


def _upload_image(volume_id: str, args):
    """os-volume_upload_image: Cinder creates the Glance image and copies the volume into it."""
    if not isinstance(args, dict) or not args.get("image_name"):
        raise BadRequest("Invalid input received: No image_name was specified in request.")
    force = _bool(args.get("force", False), "force")
    disk_format = args.get("disk_format", "raw")
    container_format = args.get("container_format", "bare")
    if disk_format not in images.DISK_FORMATS:
        raise BadRequest(f"Invalid input received: Invalid disk-format '{disk_format}' is specified. Allowed "
                         f"disk-formats are {', '.join(images.DISK_FORMATS)}.")
    visibility = args.get("visibility", "private") if version() in UPLOAD_VISIBILITY else "private"
    protected = _bool(args.get("protected", False), "protected") if version() in UPLOAD_VISIBILITY else False
    volume = volume_actions.begin_upload_to_image(backend(), context(), volume_id, force=force)
    image = images.add_from_volume(backend(), context(), name=args["image_name"], disk_format=disk_format,
                                   container_format=container_format, visibility=visibility, protected=protected,
                                   size=volume["size"] * GiB, properties=volume.get("image_metadata") or {})
    volume_type = volume_types.named(backend(), volume.get("volume_type"))
    body = {"id": volume["id"], "updated_at": db_time(volume["updated_at"]), "status": "uploading",
            "display_description": volume["description"], "size": volume["size"],
            "volume_type": {**{key: volume_type[key] for key in ("id", "name", "description", "is_public",
                                                                  "extra_specs", "qos_specs_id")},
                            "created_at": None, "updated_at": None, "deleted": False, "deleted_at": None},
            "image_id": image["id"], "container_format": container_format, "disk_format": disk_format,
            "image_name": image["name"]}
    if version() in UPLOAD_VISIBILITY:
        body.update(protected=protected, visibility=visibility)
    return jsonify({"os-volume_upload_image": body}), 202


def _set_image_metadata(volume_id: str, args):
    if not isinstance(args, dict) or not isinstance(args.get("metadata"), dict):
        raise BadRequest("Malformed request body")
    metadata = volume_actions.set_image_metadata(backend(), context(), volume_id, args["metadata"])
    return jsonify({"metadata": metadata}), 200


def _unset_image_metadata(volume_id: str, args):
    if not isinstance(args, dict) or not isinstance(args.get("key"), str):
        raise BadRequest("Malformed request body")
    volume_actions.unset_image_metadata(backend(), context(), volume_id, args["key"])
    return "", 200


def _show_image_metadata(volume_id: str, _args):
    volume = volumes.get(backend(), context(), volume_id)
    return jsonify({"metadata": dict(volume.get("image_metadata") or {})}), 200


def _attach(volume_id: str, args):
    if not isinstance(args, dict) or not (args.get("instance_uuid") or args.get("host_name")):
        raise BadRequest("Invalid request to attach volume to an invalid target")
    volume_actions.legacy_attach(backend(), context(), volume_id, server_id=args.get("instance_uuid") or "",
                                 mountpoint=args.get("mountpoint"))
    return "", 202


def _detach(volume_id: str, args):
    attachment_id = args.get("attachment_id") if isinstance(args, dict) else None
    volume_actions.legacy_detach(backend(), context(), volume_id, attachment_id)
    return "", 202


def _force_detach(volume_id: str, args):
    backend().schemas.validate_body({"os-force_detach": args}, "volume", "volumes", "force_detach", version())
    volume_actions.force_detach(backend(), context(), volume_id, args.get("attachment_id"))
    return "", 202


def _simple(function):
    def run(volume_id: str, _args):
        function(backend(), context(), volume_id)
        return "", 202
    return run


def _retype(volume_id: str, args):
    backend().schemas.validate_body({"os-retype": args}, "volume", "volumes", "retype", version())
    volume_actions.retype(backend(), context(), volume_id, args["new_type"])
    return "", 202


ACTIONS = {
    "os-retype": _retype,
    "os-extend": _extend,
    "os-set_bootable": _set_bootable,
    "os-update_readonly_flag": _readonly,
    "os-reset_status": _reset_status,
    "os-volume_upload_image": _upload_image,
    "os-force_delete": _simple(volume_actions.force_delete),
    "os-set_image_metadata": _set_image_metadata,
    "os-unset_image_metadata": _unset_image_metadata,
    "os-show_image_metadata": _show_image_metadata,
    "os-attach": _attach,
    "os-detach": _detach,
    "os-force_detach": _force_detach,
    "os-reserve": _simple(volume_actions.reserve),
    "os-unreserve": _simple(volume_actions.unreserve),
    "os-begin_detaching": _simple(volume_actions.begin_detaching),
    "os-roll_detaching": _simple(volume_actions.roll_detaching),
}


@bp.post("/v3/<project_id>/volumes/<volume_id>/action")
def volume_action(project_id: str, volume_id: str):
    check_project(project_id)
    data = json_body()
    if not isinstance(data, dict) or len(data) != 1:
        raise BadRequest("Invalid request body")
    name, args = next(iter(data.items()))
    handler = ACTIONS.get(name)
    if handler is None:
        raise BadRequest(f"There is no such action: {name}")
    return handler(volume_id, args)
