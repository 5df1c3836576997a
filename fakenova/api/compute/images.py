"""Nova's image proxy: /images (list, detail, show, delete) and /images/{id}/metadata, 2.1-2.35
and 404 from 2.36 as every proxy API (nova/api/openstack/compute/images.py, image_metadata.py,
views/images.py). No policy of Nova's own: Glance decides who sees, changes or deletes an image.
"""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, base_url, context
from fakenova.api.compute.blueprint import body, links, query, route, self_link
from fakenova.clock import isotime
from fakenova.domain import paging
from fakenova.domain.compute import image_proxy
from fakenova.errors import BadRequest, NotFound
from fakenova.microversion import between
from fakenova.validation import bool_from_string
from fakenova.views.links import collection_links

PROXY = between(None, "2.35")
# views/images.py _get_status / _get_progress
_STATUS = {"active": "ACTIVE", "queued": "SAVING", "saving": "SAVING", "deleted": "DELETED",
           "pending_delete": "DELETED", "killed": "ERROR"}
_PROGRESS = {"queued": 25, "saving": 50, "active": 100}


def _links(image_id: str) -> list[dict]:
    return links("images", image_id) + [{"rel": "alternate", "type": "application/vnd.openstack.image",
                                         "href": f"{base_url()}/image/images/{image_id}"}]


def _brief(image: dict) -> dict:
    return {"id": image["id"], "name": image["name"], "links": _links(image["id"])}


def _detail(image: dict) -> dict:
    shown = {"id": image["id"], "name": image["name"], "minRam": int(image.get("min_ram") or 0),
             "minDisk": int(image.get("min_disk") or 0), "metadata": dict(image["properties"]),
             "created": isotime(image["created_at"]), "updated": isotime(image["updated_at"]),
             "status": _STATUS.get(image["status"], "UNKNOWN"), "progress": _PROGRESS.get(image["status"], 0),
             "OS-EXT-IMG-SIZE:size": image.get("size"), "links": _links(image["id"])}
    server_id = image["properties"].get("instance_uuid")
    if server_id is not None:
        shown["server"] = {"id": server_id, "links": links("servers", server_id)}
    disk_config = image["properties"].get("auto_disk_config")
    if disk_config is not None:
        shown["OS-DCF:diskConfig"] = "AUTO" if bool_from_string(str(disk_config)) else "MANUAL"
    return shown


def _page(collection: str, render) -> dict:
    args = query("images", "index")
    last = {key: values[-1] for key, values in args.items() if values}
    limit = paging.capped(int(last["limit"]) if "limit" in last else None)
    page, _ = image_proxy.listed(backend(), context(), last, marker=last.get("marker"), limit=limit)
    answer = {"images": [render(image) for image in page]}
    next_links = collection_links(self_link(collection), args, page, id_key="id", page_size=limit)
    if next_links:
        answer["images_links"] = next_links
    return answer


@route("/images", versions=PROXY)
def list_images():
    return _page("images", _brief)


@route("/images/detail", versions=PROXY)
def list_images_detail():
    return _page("images/detail", _detail)


@route("/images/<image_id>", versions=PROXY)
def show_image(image_id: str):
    query("images", "show")
    return {"image": _detail(image_proxy.get(backend(), context(), image_id))}


@route("/images/<image_id>", methods=["DELETE"], versions=PROXY)
def delete_image(image_id: str):
    image_proxy.delete(backend(), context(), image_id)
    return Response(status=204)


# --- /images/{id}/metadata (image_metadata.py) ------------------------------------------------------

@route("/images/<image_id>/metadata", versions=PROXY)
def list_image_metadata(image_id: str):
    return {"metadata": dict(image_proxy.get(backend(), context(), image_id)["properties"])}


@route("/images/<image_id>/metadata/<key>", versions=PROXY)
def show_image_metadata_item(image_id: str, key: str):
    properties = image_proxy.get(backend(), context(), image_id)["properties"]
    if key not in properties:
        raise NotFound("The resource could not be found.")
    return {"meta": {key: properties[key]}}


@route("/images/<image_id>/metadata", methods=["POST"], versions=PROXY)
def update_image_metadata(image_id: str):
    """Merge: the body's keys over the image's properties."""
    metadata = body("image_metadata", "create")["metadata"]
    current = image_proxy.get(backend(), context(), image_id)["properties"]
    image = image_proxy.set_properties(backend(), context(), image_id, {**current, **metadata})
    return {"metadata": dict(image["properties"])}


@route("/images/<image_id>/metadata", methods=["PUT"], versions=PROXY)
def replace_image_metadata(image_id: str):
    metadata = body("image_metadata", "update_all")["metadata"]
    image_proxy.get(backend(), context(), image_id)
    image_proxy.set_properties(backend(), context(), image_id, dict(metadata))
    return {"metadata": metadata}


@route("/images/<image_id>/metadata/<key>", methods=["PUT"], versions=PROXY)
def set_image_metadata_item(image_id: str, key: str):
    meta = body("image_metadata", "update")["meta"]
    if key not in meta:
        raise BadRequest("Request body and URI mismatch")
    current = image_proxy.get(backend(), context(), image_id)["properties"]
    image_proxy.set_properties(backend(), context(), image_id, {**current, **meta})
    return {"meta": meta}


@route("/images/<image_id>/metadata/<key>", methods=["DELETE"], versions=PROXY)
def delete_image_metadata_item(image_id: str, key: str):
    current = dict(image_proxy.get(backend(), context(), image_id)["properties"])
    if key not in current:
        raise NotFound("Invalid metadata key")
    del current[key]
    image_proxy.set_properties(backend(), context(), image_id, current)
    return Response(status=204)
