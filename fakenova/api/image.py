"""Glance v2 subset at /image: version discovery, list/show/create/update/delete images, data upload.

Shapes follow glance/api/v2/images.py (ResponseSerializer): custom properties at the top level,
times as ``YYYY-MM-DDTHH:MM:SSZ``, and ``self``/``file``/``schema``/``first``/``next`` as paths
without the endpoint prefix, as Glance writes them (openstacksdk strips their ``/v2`` itself).
Errors are Glance's plain-text pages (rendered by ``fakenova.app``).
"""

from __future__ import annotations

import urllib.parse

from flask import Blueprint, Response, jsonify, request

from fakenova.api.common import NO_LIMIT, authenticate, backend, base_url, context, body_limit, parse_json
from fakenova.clock import isotime
from fakenova.domain.compute import lifecycle
from fakenova.domain.image import image_data, images, members
from fakenova.errors import BadRequest, UnsupportedMediaType

bp = Blueprint("image", __name__, url_prefix="/image")

VERSION_PATHS = ("/image", "/image/versions")
# What Glance with an image cache and multiple stores (devstack's setup) advertises, newest first.
_VERSIONS = [("2.18", "CURRENT")] + [(f"2.{minor}", "SUPPORTED") for minor in range(17, -1, -1)]
DEFAULT_LIMIT = 25  # glance's limit_param_default
MAX_LIMIT = 1000  # glance's api_limit_max
MEMBER_STATUSES = ("pending", "accepted", "rejected", "all")
PATCH_TYPES = (images.PATCH_2_0, images.PATCH_2_1)


def prepare_request() -> None:
    """Glance serves its version list to anyone; everything else needs a token."""
    if request.path.rstrip("/") not in VERSION_PATHS:
        authenticate()
        # Snapshot uploads run on the compute clock; a client polling only Glance must see them land.
        lifecycle.settle(backend())


def _versions_body() -> dict:
    href = f"{base_url()}/image/v2/"
    return {"versions": [{"id": f"v{number}", "status": status, "links": [{"rel": "self", "href": href}]}
                         for number, status in _VERSIONS]}


@bp.get("")
@bp.get("/")
def versions():
    return jsonify(_versions_body()), 300


@bp.get("/versions")
def versions_explicit():
    return jsonify(_versions_body())


def image_view(image: dict) -> dict:
    """An image as Glance renders it: custom properties first, then the core attributes."""
    view = dict(image["properties"])
    for key in ("name", "disk_format", "container_format", "visibility", "size", "virtual_size", "status",
                "checksum", "protected", "min_ram", "min_disk", "owner", "os_hidden", "os_hash_algo",
                "os_hash_value", "id"):
        view[key] = image[key]
    view["created_at"] = isotime(image["created_at"])
    view["updated_at"] = isotime(image["updated_at"])
    view["tags"] = list(image["tags"])
    view["self"] = f"/v2/images/{image['id']}"
    view["file"] = f"/v2/images/{image['id']}/file"
    view["schema"] = "/v2/schemas/image"
    return view


@bp.get("/v2/images")
def list_images():
    params = request.args.to_dict(flat=False)
    single = {key: values[-1] for key, values in params.items()}
    limit = _limit(single.pop("limit", None))
    marker = single.pop("marker", None)
    member_status = single.pop("member_status", "accepted")
    if member_status not in MEMBER_STATUSES:
        raise BadRequest(f"Invalid status: {member_status}")
    tags = [tag.strip() for tag in params.pop("tag", [])]
    single.pop("tag", None)
    sort = _sort(params, single)
    filters = _filters(single)
    page, full = images.search(backend(), context(), filters=filters, tags=tags, sort=sort,
                               marker=marker, limit=limit, member_status=member_status)

    # Glance echoes the query (minus marker) in "first" and adds the last id as marker in "next".
    echoed = [(key, value) for key, values in params.items() if key != "marker" for value in values]
    body = {"images": [image_view(image) for image in page], "first": "/v2/images", "schema": "/v2/schemas/images"}
    if echoed:
        body["first"] = "/v2/images?" + urllib.parse.urlencode(echoed)
    if full:
        body["next"] = "/v2/images?" + urllib.parse.urlencode(echoed + [("marker", page[-1]["id"])])
    return jsonify(body)


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise BadRequest("limit param must be an integer") from None
    if limit < 0:
        raise BadRequest("limit param must be positive")
    return min(limit, MAX_LIMIT)


def _sort(params: dict, single: dict) -> list[tuple[str, str]]:
    """Both of Glance's syntaxes: ``sort=name:asc,size`` or ``sort_key=name&sort_dir=asc``."""
    keys = [key.strip() for key in params.get("sort_key", [])]
    dirs = [direction.strip() for direction in params.get("sort_dir", [])]
    for name in ("sort", "sort_key", "sort_dir"):
        single.pop(name, None)
    if "sort" in params:
        if keys or dirs:
            raise BadRequest("Old and new sorting syntax cannot be combined")
        pairs = []
        for item in params["sort"][-1].strip().split(","):
            key, _, direction = item.partition(":")
            pairs.append((_sort_key(key.strip()), _sort_dir(direction.strip() or "desc")))
        return pairs
    keys = [_sort_key(key) for key in keys]
    dirs = [_sort_dir(direction) for direction in dirs]
    if len(dirs) > 1 and len(dirs) != len(keys):
        raise BadRequest("Number of sort dirs does not match the number of sort keys")
    keys = keys or ["created_at"]
    if len(dirs) <= 1:
        dirs = (dirs or ["desc"]) * len(keys)
    return list(zip(keys, dirs))


def _sort_key(key: str) -> str:
    if key not in images.SORT_KEYS:
        raise BadRequest(f"Invalid sort key: {key}. It must be one of the following: {', '.join(images.SORT_KEYS)}.")
    return key


def _sort_dir(direction: str) -> str:
    if direction not in ("asc", "desc"):
        raise BadRequest(f"Invalid sort direction: {direction}")
    return direction


def _filters(single: dict) -> dict:
    filters = dict(single)
    visibility = filters.get("visibility")
    if visibility is not None and visibility not in images.VISIBILITIES + ("all",):
        raise BadRequest(f"Invalid visibility value: {visibility}")
    if "changes-since" in filters:
        raise BadRequest('The "changes-since" filter is no longer available on v2.')
    hidden = filters.pop("os_hidden", "false").lower()
    if hidden not in ("true", "false"):
        raise BadRequest(f"Invalid value '{hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.")
    filters["os_hidden"] = hidden == "true"
    if "protected" in filters:
        if filters["protected"] not in ("true", "false"):
            raise BadRequest(f"Invalid value '{filters['protected']}' for 'protected' filter. "
                             "Valid values are 'true' or 'false'.")
        filters["protected"] = filters["protected"] == "true"
    return filters


@bp.get("/v2/images/<image_id>")
def show_image(image_id):
    return jsonify(image_view(images.get(backend(), image_id, context())))


@bp.delete("/v2/images/<image_id>")
def delete_image(image_id):
    images.delete(backend(), image_id, context())
    return Response(status=204)


@bp.post("/v2/images")
def create_image():
    image = images.create(backend(), context(), _json_request())
    response = jsonify(image_view(image))
    response.status_code = 201
    response.headers["Location"] = f"{base_url()}/image/v2/images/{image['id']}"
    response.headers["OpenStack-image-import-methods"] = ",".join(image_data.IMPORT_METHODS)
    return response


@bp.patch("/v2/images/<image_id>")
def update_image(image_id):
    if request.mimetype not in PATCH_TYPES:
        raise UnsupportedMediaType(f"Image PATCH expects Content-Type one of: {', '.join(PATCH_TYPES)}",
                                   headers={"Accept-Patch": ", ".join(PATCH_TYPES)})
    image = images.update(backend(), context(), image_id, _json_request(), media_type=request.mimetype)
    return jsonify(image_view(image))


@bp.put("/v2/images/<image_id>/file")
@body_limit(NO_LIMIT)  # image data streams; Glance's image_size_cap bounds it
def upload_image_data(image_id):
    """The data streams in chunks past the API body limit; Glance's image_size_cap bounds it."""
    _require_octet_stream()
    image_data.upload(backend(), context(), image_id, request.stream, size_hint=_size_hint())
    return Response(status=204)


def _require_octet_stream() -> None:
    """Image data is application/octet-stream; anything else is WebOb's 415 (image_data.py)."""
    if request.mimetype != "application/octet-stream":
        raise UnsupportedMediaType(f"The request media type {request.mimetype or 'None'} is not supported by "
                                   "this server.")


def _size_hint() -> int | None:
    """Glance's hint of what is coming: x-openstack-image-size, else Content-Length."""
    raw = request.headers.get("x-openstack-image-size")
    try:
        return int(raw) if raw is not None else request.content_length
    except ValueError:
        return request.content_length


@bp.get("/v2/images/<image_id>/file")
def download_image_data(image_id):
    """200 with the data (Content-MD5 is the hex checksum, as Glance sends it), 206 for a Range,
    204 when the image has no data."""
    found = image_data.download(backend(), context(), image_id)
    if found is None:
        return Response(status=204)
    data, length = found
    image = images.get(backend(), image_id, context())
    response = Response(data, mimetype="application/octet-stream")
    response.headers["Content-Length"] = str(length)
    if image["checksum"]:
        response.headers["Content-MD5"] = image["checksum"]
    if isinstance(data, bytes):
        return response.make_conditional(request, accept_ranges=True, complete_length=length)
    return response  # generated zeros stream whole


def _json_request():
    try:
        return parse_json(request.get_data() or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("Malformed JSON in request body.") from None


# --- members, tags, deactivation, schemas ---------------------------------------------------------

def member_view(member: dict) -> dict:
    return {"status": member["status"], "created_at": isotime(member["created_at"]),
            "updated_at": isotime(member["updated_at"]), "image_id": member["image_id"],
            "member_id": member["member_id"], "schema": "/v2/schemas/member"}


@bp.post("/v2/images/<image_id>/members")
def add_member(image_id):
    body = _json_request()
    member = members.add(backend(), context(), image_id, body.get("member") if isinstance(body, dict) else None)
    return jsonify(member_view(member))


@bp.get("/v2/images/<image_id>/members")
def list_members(image_id):
    found = members.listed(backend(), context(), image_id)
    return jsonify({"members": [member_view(m) for m in found], "schema": "/v2/schemas/members"})


@bp.get("/v2/images/<image_id>/members/<member_id>")
def show_member(image_id, member_id):
    return jsonify(member_view(members.get(backend(), context(), image_id, member_id)))


@bp.put("/v2/images/<image_id>/members/<member_id>")
def update_member(image_id, member_id):
    body = _json_request()
    status = body.get("status") if isinstance(body, dict) else None
    return jsonify(member_view(members.update(backend(), context(), image_id, member_id, status)))


@bp.delete("/v2/images/<image_id>/members/<member_id>")
def remove_member(image_id, member_id):
    members.remove(backend(), context(), image_id, member_id)
    return Response(status=204)


@bp.put("/v2/images/<image_id>/tags/<tag>")
def add_tag(image_id, tag):
    members.add_tag(backend(), context(), image_id, tag)
    return Response(status=204)


@bp.delete("/v2/images/<image_id>/tags/<tag>")
def remove_tag(image_id, tag):
    members.remove_tag(backend(), context(), image_id, tag)
    return Response(status=204)


@bp.post("/v2/images/<image_id>/actions/deactivate")
def deactivate_image(image_id):
    members.set_active(backend(), context(), image_id, False)
    return Response(status=204)


@bp.post("/v2/images/<image_id>/actions/reactivate")
def reactivate_image(image_id):
    members.set_active(backend(), context(), image_id, True)
    return Response(status=204)


# Glance's JSON schemas, reduced to what clients read from them (name, properties, links).
_SCHEMAS = {
    "image": {"name": "image", "properties": images.WRITABLE_SCHEMA["properties"],
              "additionalProperties": {"type": "string"}},
    "member": {"name": "member", "properties": {
        "created_at": {"type": "string"}, "image_id": {"type": "string"}, "member_id": {"type": "string"},
        "schema": {"type": "string", "readOnly": True},
        "status": {"type": "string", "enum": list(members.STATUSES)}, "updated_at": {"type": "string"}}},
}
_SCHEMAS["images"] = {"name": "images", "properties": {"images": {"type": "array", "items": _SCHEMAS["image"]},
                                                        "schema": {"type": "string"}, "first": {"type": "string"},
                                                        "next": {"type": "string"}},
                      "links": [{"rel": "first", "href": "{first}"}, {"rel": "next", "href": "{next}"},
                                {"rel": "describedby", "href": "{schema}"}]}
_SCHEMAS["members"] = {"name": "members", "properties": {"members": {"type": "array", "items": _SCHEMAS["member"]},
                                                          "schema": {"type": "string"}},
                       "links": [{"rel": "describedby", "href": "{schema}"}]}


@bp.get("/v2/schemas/<name>")
def show_schema(name):
    from fakenova.errors import NotFound

    if name not in _SCHEMAS:
        raise NotFound("The resource could not be found.")
    return jsonify(_SCHEMAS[name])


# --- interoperable import ---------------------------------------------------------------------------

@bp.put("/v2/images/<image_id>/stage")
@body_limit(NO_LIMIT)  # image data streams; Glance's image_size_cap bounds it
def stage_image_data(image_id):
    _require_octet_stream()
    image_data.stage(backend(), context(), image_id, request.stream, size_hint=_size_hint())
    return Response(status=204)


@bp.post("/v2/images/<image_id>/import")
def import_image(image_id):
    image_data.import_image(backend(), context(), image_id, _json_request())
    return Response(status=202)


@bp.get("/v2/info/import")
def import_info():
    return jsonify({"import-methods": {"description": "Import methods available.", "type": "array",
                                       "value": list(image_data.IMPORT_METHODS)}})


@bp.get("/v2/info/stores")
def stores_info():
    from fakenova.errors import NotFound

    raise NotFound("Multi backend is not supported at this site.")
