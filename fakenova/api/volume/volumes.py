"""Cinder volumes: create (blank, from an image, a snapshot or another volume), list, show, update,
delete. Views follow cinder/api/v3/views/volumes.py and the controller extensions that add the
``os-vol-*`` attributes and ``volume_image_metadata`` on show and detail only, never on create."""

from __future__ import annotations

from flask import jsonify, request

from fakenova import microversion
from fakenova.api.common import backend, context, json_body
from fakenova.api.volume.blueprint import (bp, check_project, is_true, links, list_params, next_link,
                                           version)
from fakenova.clock import db_time
from fakenova.domain.image import images
from fakenova.domain.volume import backends, volume_types, volumes
from fakenova.errors import NotFound
from fakenova.microversion import between

GROUP_ID = between("3.13")
PROVIDER_ID = between("3.21")          # admin only
SUMMARY = between("3.12")
SUMMARY_METADATA = between("3.36")
COUNT = between("3.45")
SHARED_TARGETS = between("3.48")       # shared_targets + service_uuid
CLUSTER_NAME = between("3.61")         # admin only
VOLUME_TYPE_ID = between("3.63")
CONSUMES_QUOTA = between("3.65")


def volume_summary(volume: dict) -> dict:
    return {"id": volume["id"], "name": volume["name"], "links": links(volume["project_id"], "volumes", volume["id"])}


def volume_detail(volume: dict, *, created: bool = False) -> dict:
    """The detail view; ``created``: the create/update answer, without the extensions' attributes."""
    admin = context().is_admin
    body = {
        "id": volume["id"],
        "status": volume["status"],
        "size": volume["size"],
        "availability_zone": volume["availability_zone"],
        "created_at": db_time(volume["created_at"]),
        "updated_at": db_time(volume["updated_at"]),
        "name": volume["name"],
        "description": volume["description"],
        "volume_type": volume.get("volume_type") or volume_types.DEFAULT_TYPE,
        "snapshot_id": volume.get("snapshot_id"),
        "source_volid": volume.get("source_volid"),
        "metadata": dict(volume["metadata"]),
        "links": links(volume["project_id"], "volumes", volume["id"]),
        "user_id": volume["user_id"],
        "bootable": "true" if volume["bootable"] else "false",
        "encrypted": False,
        "replication_status": "disabled",
        "consistencygroup_id": None,
        "multiattach": False,
        # Only completed attachments show (Cinder lists attach_status "attached" ones).
        "attachments": [_attachment(volume, a, admin) for a in volumes.attached(volume)],
    }
    if admin:
        body["migration_status"] = None
    if not created:
        # cinder/api/contrib/volume_tenant_attribute.py, volume_host_attribute.py,
        # volume_mig_status_attribute.py, volume_image_metadata.py: show and detail only.
        body["os-vol-tenant-attr:tenant_id"] = volume["project_id"]
        if admin:
            body["os-vol-host-attr:host"] = backends.POOL
            body["os-vol-mig-status-attr:migstat"] = None
            body["os-vol-mig-status-attr:name_id"] = None
        if volume.get("image_metadata"):
            body["volume_image_metadata"] = dict(volume["image_metadata"])
    current = version()
    if current in GROUP_ID:
        body["group_id"] = None
    if admin and current in PROVIDER_ID:
        body["provider_id"] = None
    if current in SHARED_TARGETS:
        body["shared_targets"] = False
        body["service_uuid"] = None
    if admin and current in CLUSTER_NAME:
        body["cluster_name"] = None
    if current in VOLUME_TYPE_ID:
        body["volume_type_id"] = volume_types.named(backend(), body["volume_type"])["id"]
    if current in CONSUMES_QUOTA:
        body["consumes_quota"] = True
    return body


def _attachment(volume: dict, attachment: dict, admin: bool) -> dict:
    return {"id": volume["id"], "attachment_id": attachment["attachment_id"], "volume_id": volume["id"],
            "server_id": attachment["server_id"], "host_name": backends.HOST_NAME if admin else None,
            "device": attachment["device"], "attached_at": db_time(attachment["attached_at"])}


@bp.post("/v3/<project_id>/volumes")
def create_volume(project_id: str):
    check_project(project_id)
    data = json_body()
    backend().schemas.validate_body(data, "volume", "volumes", "create", version())
    fields = data["volume"]
    image = _image(fields.get("imageRef") or fields.get("image_id"))
    volume = volumes.create(backend(), context(), fields, image=image)
    return jsonify({"volume": volume_detail(volume, created=True)}), 202


def _image(ref: str | None) -> dict | None:
    """Cinder asks Glance for ``imageRef``: by id, else by a unique name (volume/api.py _image_uuid_from_ref)."""
    if not ref:
        return None
    try:
        return images.get(backend(), ref, context())
    except NotFound:
        named = [image for image in backend().store.images.values()
                 if image["name"] == ref and image["status"] not in images.HIDDEN_STATUSES
                 and images.is_visible(image, context())]
        if len(named) == 1:
            return named[0]
        raise NotFound(f"Image {ref} could not be found.") from None


@bp.get("/v3/<project_id>/volumes")
def list_volumes(project_id: str):
    return _list(project_id, volume_summary, "volumes")


@bp.get("/v3/<project_id>/volumes/detail")
def list_volumes_detail(project_id: str):
    return _list(project_id, volume_detail, "volumes/detail")


def _list(project_id: str, render, path: str):
    check_project(project_id)
    filters, limit, offset, marker, sort, all_projects = list_params(volumes.FILTERS, volumes.SORT_KEYS)
    found = volumes.search(backend(), context(), filters, marker=marker, limit=limit, offset=offset, sort=sort,
                           all_projects=all_projects)
    body = {"volumes": [render(volume) for volume in found]}
    more = next_link(project_id, path, found, limit)
    if more:
        body["volumes_links"] = more
    with_count = request.args.get("with_count")
    if with_count is not None and version() in COUNT and is_true(with_count):
        body["count"] = len(volumes.search(backend(), context(), filters, marker=None, limit=None,
                                           all_projects=all_projects))
    return jsonify(body)


@bp.get("/v3/<project_id>/volumes/summary")
def volumes_summary(project_id: str):
    """3.12+: the project's volume count and total size (3.36+: their metadata values by key)."""
    check_project(project_id)
    microversion.require(SUMMARY, version())
    all_projects = context().is_admin and is_true(request.args.get("all_tenants", "false"))  # get_volume_summary
    found = volumes.search(backend(), context(), {}, marker=None, limit=None, all_projects=all_projects)
    summary = {"total_size": sum(v["size"] for v in found), "total_count": len(found)}
    if version() in SUMMARY_METADATA:
        metadata: dict[str, list] = {}
        for volume in found:
            for key, value in volume["metadata"].items():
                if value not in metadata.setdefault(key, []):
                    metadata[key].append(value)
        summary["metadata"] = metadata
    return jsonify({"volume-summary": summary})


@bp.get("/v3/<project_id>/volumes/<volume_id>")
def show_volume(project_id: str, volume_id: str):
    check_project(project_id)
    return jsonify({"volume": volume_detail(volumes.get(backend(), context(), volume_id))})


@bp.put("/v3/<project_id>/volumes/<volume_id>")
def update_volume(project_id: str, volume_id: str):
    check_project(project_id)
    data = json_body()
    backend().schemas.validate_body(data, "volume", "volumes", "update", version())
    volume = volumes.update(backend(), context(), volume_id, data["volume"])
    return jsonify({"volume": volume_detail(volume, created=True)})


@bp.delete("/v3/<project_id>/volumes/<volume_id>")
def delete_volume(project_id: str, volume_id: str):
    check_project(project_id)
    volumes.delete(backend(), context(), volume_id, cascade=is_true(request.args.get("cascade", "false")),
                   force=is_true(request.args.get("force", "false")))
    return "", 202
