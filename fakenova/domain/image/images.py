"""Images (the Glance side): seeded public images; servers boot from them, snapshots add to them.

A record in ``store.images`` holds Glance's core attributes (id, name, status, visibility, protected,
os_hidden, container_format, disk_format, size, virtual_size, min_disk, min_ram, checksum,
os_hash_algo, os_hash_value, owner, tags, created_at, updated_at as epoch seconds) and the custom
properties in ``properties``. ``new_record`` builds one, for seeds and for Nova's createImage alike.

Visibility and listing follow glance/db/sqlalchemy/api.py (checked against Glance 2025.x): a project
sees public and community images and its own; a ``shared`` image also shows to its members
(``members.py``), in lists once they have accepted it. Admins see everything.
"""

from __future__ import annotations

import hashlib

from fakenova.config import ConfigError
from fakenova.errors import BadRequest, Conflict, Forbidden, NotFound
from fakenova.seeds import stable_uuid

VISIBILITIES = ("public", "community", "private", "shared")
SORT_KEYS = ("name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at")
# Attributes that accept Glance's "in:" operator as well as plain equality.
LIST_FILTERS = ("name", "id", "status", "container_format", "disk_format")
# Statuses Glance never lists (deleted images and failed uploads).
HIDDEN_STATUSES = ("deleted", "killed", "pending_delete")


def seed(backend) -> None:
    store = backend.store
    admin_project = next((p["id"] for p in store.projects.values() if p["name"] == "admin"), None)
    for entry in backend.settings.images:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError(f"images: each entry needs a name: {entry!r}")
        fields = {key: entry[key] for key in ("visibility", "container_format", "disk_format", "size",
                                              "virtual_size", "min_disk", "min_ram", "tags") if key in entry}
        record = new_record(
            backend,
            image_id=entry.get("id") or stable_uuid("image", entry["name"]),
            name=entry["name"],
            owner=entry.get("owner", admin_project),
            properties=entry.get("properties", {"hw_rng_model": "virtio"}),
            **fields,
        )
        store.images[record["id"]] = record


def new_record(backend, *, image_id: str, name: str, owner: str | None, status: str = "active",
               visibility: str = "public", container_format: str = "bare", disk_format: str = "qcow2",
               size: int | None = 21430272, virtual_size: int | None = 117440512, min_disk: int = 0,
               min_ram: int = 0, tags=(), properties: dict | None = None, protected: bool = False,
               os_hidden: bool = False, zero_data: bool = True) -> dict:
    """A complete image record (not stored). An active one's data reads as ``size`` zero bytes
    (``zero_data``: seeds and Nova's snapshots), and its hashes are those of the zeros, so a download
    verifies; with ``zero_data`` False the hashes come from the name and there is no data to read."""
    if visibility not in VISIBILITIES:
        raise ConfigError(f"images: visibility must be one of {', '.join(VISIBILITIES)}: {visibility!r}")
    now = backend.clock.time()
    has_data = status == "active"
    zero_data = zero_data and has_data and size is not None
    md5 = sha512 = None
    if zero_data:
        md5, sha512 = zero_digests(int(size))
    elif has_data:
        label = (name or image_id).encode()
        md5, sha512 = hashlib.md5(label).hexdigest(), hashlib.sha512(label).hexdigest()
    return {
        "id": image_id,
        "name": name,
        "status": status,
        "visibility": visibility,
        "protected": bool(protected),
        "os_hidden": bool(os_hidden),
        "container_format": container_format,
        "disk_format": disk_format,
        "size": int(size) if size is not None and has_data else None,
        "virtual_size": int(virtual_size) if virtual_size is not None and has_data else None,
        "min_disk": int(min_disk),
        "min_ram": int(min_ram),
        "checksum": md5 if has_data else None,
        "os_hash_algo": "sha512" if has_data else None,
        "os_hash_value": sha512 if has_data else None,
        "zero_data": zero_data,
        "owner": owner,
        "tags": list(tags),
        "properties": dict(properties or {}),
        "created_at": now,
        "updated_at": now,
    }


# md5 and sha512 of N zero bytes for the seeded images' size, so start-up hashes nothing.
_ZERO_DIGESTS = {21430272: ("7973f73037542b3c0683cf53eba75a0a",
                            "0f4be2a84bbdab0c1c4ef5b24e2711f5814db1868c7718fe82ca67a94b077892c45cc0a78dff9d5c5ca23a81f5277ff1e"
                            "6dd034711684d7f070fdefc040de133")}
ZERO_CHUNK = bytes(1 << 20)


def zero_digests(size: int) -> tuple[str, str]:
    """(md5, sha512) of ``size`` zero bytes, computed once per size."""
    if size not in _ZERO_DIGESTS:
        md5, sha512 = hashlib.md5(), hashlib.sha512()
        for chunk in zero_chunks(size):
            md5.update(chunk)
            sha512.update(chunk)
        _ZERO_DIGESTS[size] = (md5.hexdigest(), sha512.hexdigest())
    return _ZERO_DIGESTS[size]


def zero_chunks(size: int):
    """``size`` zero bytes, 1 MiB at a time."""
    left = size
    while left > 0:
        chunk = ZERO_CHUNK if left >= len(ZERO_CHUNK) else bytes(left)
        left -= len(chunk)
        yield chunk


def is_visible(image: dict, context) -> bool:
    if context.is_admin or image["visibility"] in ("public", "community"):
        return True
    if image["visibility"] == "shared" and context.project_id in (image.get("members") or {}):
        return True  # a member sees a shared image by id whatever its membership status
    return image["owner"] is not None and image["owner"] == context.project_id


def _listed_for(image: dict, context, member_status: str) -> bool:
    """Lists show another project's shared image only with the requested membership status."""
    if image["visibility"] != "shared" or image["owner"] == context.project_id:
        return True
    membership = (image.get("members") or {}).get(context.project_id)
    if membership is None:
        return context.is_admin
    return member_status == "all" or membership["status"] == member_status


def get(backend, image_id: str, context=None) -> dict:
    """The image, or 404 "No image found with ID x" (also for an image the caller may not see)."""
    image = backend.store.images.get(image_id)
    if image is None or image["status"] in HIDDEN_STATUSES or (context is not None and not is_visible(image, context)):
        raise NotFound(f"No image found with ID {image_id}")
    return image


def delete(backend, image_id: str, context) -> None:
    """Owner or admin only; protected images stay (403), as Glance's policy and domain rules say."""
    with backend.store.lock:
        try:
            image = get(backend, image_id, context)
        except NotFound:
            raise NotFound(f"Failed to find image {image_id} to delete") from None
        if not context.is_admin and image["owner"] != context.project_id:
            raise Forbidden("You are not authorized to complete delete_image action.")
        if image["protected"]:
            raise Forbidden(f"Image {image_id} is protected and cannot be deleted.")
        discard(backend, image_id)


def discard(backend, image_id: str) -> None:
    """The image and its data are gone (no checks: Glance's delete, Nova's backup rotation)."""
    backend.store.images.pop(image_id, None)
    backend.store.image_data.pop(image_id, None)


def search(backend, context, *, filters: dict, tags: list[str], sort: list[tuple[str, str]],
           marker: str | None, limit: int, member_status: str = "accepted") -> tuple[list[dict], bool]:
    """Glance's image list: (page, whether the page is full so a next link is due).

    ``filters`` maps attribute -> raw query value (Glance takes one value per key); keys that are
    not attributes match custom properties exactly, as in Glance.
    """
    filters = dict(filters)
    visibility = filters.pop("visibility", None)
    os_hidden = filters.pop("os_hidden", False)
    with backend.store.lock:
        images = [image for image in backend.store.images.values()
                  if image["status"] not in HIDDEN_STATUSES and is_visible(image, context)
                  and _listed_for(image, context, member_status)]
        try:
            marker_image = get(backend, marker, context) if marker is not None else None
        except NotFound as exc:
            # Glance's list answers an unknown marker with 400, keeping the lookup's text.
            raise BadRequest(exc.message) from None
    if visibility not in (None, "all"):
        images = [image for image in images if image["visibility"] == visibility]
    elif visibility is None:
        # Without a visibility filter, community images show only to their owner.
        images = [image for image in images
                  if image["visibility"] != "community" or image["owner"] == context.project_id]
    images = [image for image in images if image["os_hidden"] == os_hidden]
    for key, raw in filters.items():
        images = [image for image in images if _matches(image, key, raw)]
    for tag in tags:
        images = [image for image in images if tag in image["tags"]]

    if marker_image is not None:
        # The page starts after the marker's place in the sort order, even if filters exclude it.
        images = [image for image in images if image["id"] != marker] + [marker_image]
    images = _sorted(images, sort)
    if marker_image is not None:
        images = images[[image["id"] for image in images].index(marker) + 1:]
    page = images[:limit]
    return page, bool(page) and len(page) == limit


def _matches(image: dict, key: str, raw) -> bool:
    if key in LIST_FILTERS:
        operator, value = _split_operator(raw)
        if operator == "in":
            return image[key] in _split_list(value)
        if operator == "eq":
            return image[key] == value
        raise BadRequest(f"Unable to filter by unknown operator '{operator}'.")
    if key.endswith("_min") or key.endswith("_max"):
        try:
            bound = int(raw)
        except ValueError:
            raise BadRequest("Unable to filter on a range with a non-numeric value.") from None
        actual = image.get(key[:-4])
        if actual is None:
            return False
        return actual >= bound if key.endswith("_min") else actual <= bound
    if key in ("protected", "os_hidden"):
        return image[key] == raw
    if key in ("owner", "checksum", "os_hash_value", "os_hash_algo", "min_disk", "min_ram"):
        return str(image[key]) == raw
    return image["properties"].get(key) == raw


def _split_operator(expression: str) -> tuple[str, str]:
    operator, sep, value = expression.partition(":")
    return (operator, value) if sep else ("eq", expression)


def _split_list(value: str) -> list[str]:
    """The values of an "in:" filter: comma separated, double quotes protect commas."""
    values, current, quoted, index = [], "", False, 0
    while index < len(value):
        char = value[index]
        if char == "\\" and quoted and index + 1 < len(value):
            current += value[index + 1]
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            values.append(current)
            current = ""
        else:
            current += char
        index += 1
    if quoted:
        raise BadRequest(f"Invalid filter value {value}. The quote is not closed.")
    values.append(current)
    return values


def _sorted(images: list[dict], sort: list[tuple[str, str]]) -> list[dict]:
    # Glance appends created_at and id (in the first direction) so the order is total.
    keys = list(sort)
    for extra in ("created_at", "id"):
        if extra not in [key for key, _ in keys]:
            keys.append((extra, keys[0][1] if keys else "desc"))
    for key, direction in reversed(keys):
        images = sorted(images, key=lambda image: _sort_value(image[key]), reverse=direction == "desc")
    return images


def _sort_value(value):
    # None sorts first ascending, as NULL does in MySQL; the flag keeps None from meeting other types.
    return (value is not None, value if value is not None else 0)


# --- writes: create, update (JSON patch), upload (glance/api/v2/images.py, image_data.py) -----------

CONTAINER_FORMATS = ("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed")
DISK_FORMATS = ("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop")
READ_ONLY = ("checksum", "created_at", "updated_at", "size", "virtual_size", "status", "direct_url", "self",
             "file", "schema", "os_hash_algo", "os_hash_value")
RESERVED = ("location", "locations", "deleted", "deleted_at")
# Glance's "image" schema for what a client may write: core attributes typed, custom ones strings.
WRITABLE_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": r"^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}"
                                            r"-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"},
        "name": {"type": ["null", "string"], "maxLength": 255},
        "visibility": {"type": "string", "enum": list(VISIBILITIES)},
        "protected": {"type": "boolean"},
        "os_hidden": {"type": "boolean"},
        "owner": {"type": ["null", "string"], "maxLength": 255},
        "container_format": {"type": ["null", "string"], "enum": [None, *CONTAINER_FORMATS]},
        "disk_format": {"type": ["null", "string"], "enum": [None, *DISK_FORMATS]},
        "min_ram": {"type": "integer"},
        "min_disk": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 255}},
    },
    "additionalProperties": {"type": "string"},
}
CORE_WRITABLE = tuple(WRITABLE_SCHEMA["properties"])
MAX_INT = 2 ** 31 - 1


def create(backend, context, body) -> dict:
    """POST /v2/images: a queued image (no data yet) owned by the caller's project."""
    fields = _checked_writes(context, body, creating=True)
    store = backend.store
    with store.lock:
        image_id = fields.pop("id", None) or store.ids.uuid()
        if image_id in store.images:
            raise Conflict(f"Image ID {image_id} already exists!")
        core = {key: fields.pop(key) for key in CORE_WRITABLE if key in fields}
        core.setdefault("owner", context.project_id)
        record = new_record(backend, image_id=image_id, name=core.pop("name", None), status="queued",
                            visibility=core.pop("visibility", "shared"), properties=fields,
                            container_format=core.pop("container_format", None),
                            disk_format=core.pop("disk_format", None), **core)
        store.images[image_id] = record
        return record


PATCH_2_1 = "application/openstack-images-v2.1-json-patch"  # RFC 6902 style: {"op", "path", "value"}
PATCH_2_0 = "application/openstack-images-v2.0-json-patch"  # {"add": "/path", "value"} (Tempest's)
OPERATIONS = ("add", "remove", "replace")


# volume_image_metadata keys that are Glance's own attributes, not properties of a new image.
_CORE_IMAGE_METADATA = ("image_id", "image_name", "checksum", "container_format", "disk_format", "min_disk",
                        "min_ram", "size")


def add_from_volume(backend, context, *, name: str, disk_format: str, container_format: str, visibility: str,
                    protected: bool, size: int, properties: dict) -> dict:
    """Cinder's os-volume_upload_image: an image owned by the caller's project holding the volume's
    bytes (size and hashes only: the volume has no data), with the origin image's properties."""
    store = backend.store
    with store.lock:
        kept = {key: value for key, value in properties.items() if key not in _CORE_IMAGE_METADATA}
        record = new_record(backend, image_id=store.ids.uuid(), name=name, owner=context.project_id,
                            visibility=visibility, disk_format=disk_format, container_format=container_format,
                            size=size, virtual_size=size, properties=kept, protected=protected,
                            zero_data=False)
        store.images[record["id"]] = record
        return record


def update(backend, context, image_id: str, operations, *, media_type: str = PATCH_2_1) -> dict:
    """PATCH /v2/images/{id} with either of Glance's JSON-patch dialects (add, replace, remove on
    "/attr"); glance/api/v2/images.py RequestDeserializer.update."""
    if not isinstance(operations, list):
        raise BadRequest("Request body must be a JSON array of operation objects.")
    changes = [_parsed_operation(raw, media_type) for raw in operations]
    with backend.store.lock:
        image = _writable(backend, context, image_id)
        view = {key: image[key] for key in CORE_WRITABLE if key in image} | dict(image["properties"])
        for op, name, value in changes:
            _apply(view, op, name, value, strict_add=media_type == PATCH_2_0)
        # Only what the operations touched is checked (a seeded oddity elsewhere must not fail a patch).
        changed = {key: value for key, value in view.items()
                   if (image.get(key) if key in CORE_WRITABLE else image["properties"].get(key, _UNSET)) != value}
        fields = _checked_writes(context, changed, creating=False)
        removed = [key for key in image["properties"] if key not in view]
        for key in removed:
            del image["properties"][key]
        for key, value in fields.items():
            if key in CORE_WRITABLE:
                image[key] = value
            else:
                image["properties"][key] = value
        image["updated_at"] = backend.clock.time()
        return image


def _writable(backend, context, image_id: str) -> dict:
    image = get(backend, image_id, context)
    if not context.is_admin and image["owner"] != context.project_id:
        raise Forbidden("You are not authorized to complete modify_image action.")
    return image


def _parsed_operation(raw, media_type: str) -> tuple[str, str, object]:
    """(op, attribute name, value or _UNSET) of one patch operation, with Glance's 400s."""
    if not isinstance(raw, dict):
        raise BadRequest("Operations must be JSON objects.")
    if media_type == PATCH_2_0:
        ops = [op for op in OPERATIONS if op in raw]
        if len(ops) != 1:
            raise BadRequest('Operation objects must contain exactly one member named "add", "remove", or '
                             '"replace".' if not ops else 'Operation objects must contain only one member named '
                             '"add", "remove", or "replace".')
        op, path = ops[0], raw[ops[0]]
    else:
        op = raw.get("op")
        if op is None:
            raise BadRequest("Unable to find `op` in JSON Schema change. It must be one of the following: "
                             "add, remove, replace.")
        if op not in OPERATIONS:
            raise BadRequest(f"Invalid operation: `{op}`. It must be one of the following: add, remove, replace.")
        if "path" not in raw:
            raise BadRequest("Unable to find 'path' in JSON Schema change")
        path = raw["path"]
    if op != "remove" and "value" not in raw:
        raise BadRequest(f"Operation \"{op}\" requires a member named \"value\".")
    if not isinstance(path, str) or not path.startswith("/") or path.count("/") != 1 or path == "/":
        raise BadRequest(f"Invalid JSON pointer for this resource: '{path}'")
    name = path[1:].replace("~1", "/").replace("~0", "~")
    if name in READ_ONLY or name == "id":  # an id is chosen at create time only
        raise Forbidden(f"Attribute '{name}' is read-only.")
    if name in RESERVED or name.startswith("os_glance"):
        raise Forbidden(f"Attribute '{name}' is reserved.")
    return op, name, raw.get("value", _UNSET)


def _apply(view: dict, op: str, name: str, value, *, strict_add: bool) -> None:
    if op == "remove":
        if name in CORE_WRITABLE:
            raise Forbidden(f"Property {name} may not be removed.")
        if name not in view:
            raise Conflict(f"Property {name} does not exist.")
        del view[name]
        return
    if op == "replace" and name not in view and name not in CORE_WRITABLE:
        raise Conflict(f"Property {name} does not exist.")
    if op == "add" and strict_add and name in view and name not in CORE_WRITABLE:
        raise Conflict(f"Property {name} already present.")
    view[name] = value


def _checked_writes(context, body, *, creating: bool) -> dict:
    """The attributes a request writes, after Glance's checks: 403 for read-only and reserved
    attributes and for publicizing (admin only), 400 for what breaks the image schema."""
    if not isinstance(body, dict):
        raise BadRequest("Provided object does not match schema 'image': "
                         f"{_json_text(body)} is not of type 'object'")
    for name in body:
        if name in READ_ONLY:
            raise Forbidden(f"Attribute '{name}' is read-only.")
        if name in RESERVED or name.startswith("os_glance"):
            raise Forbidden(f"Attribute '{name}' is reserved.")
    error = _schema_error(body)
    if error is not None:
        raise BadRequest(f"Provided object does not match schema 'image': {error}")
    for name in ("min_ram", "min_disk"):
        if body.get(name, 0) < 0:
            raise BadRequest(f"Invalid value '{body[name]}' for parameter '{name}': Cannot be a negative value")
        if body.get(name, 0) > MAX_INT:
            raise BadRequest(f"'{name}' value out of range, must not exceed {MAX_INT}.")
    if "owner" in body and not context.is_admin and body["owner"] != context.project_id:
        raise Forbidden(f"You are not permitted to create images owned by '{body['owner']}'" if creating
                        else "Owner can't be updated by non admin.")
    if body.get("visibility") == "public" and not context.is_admin:
        raise Forbidden("You are not authorized to complete publicize_image action.")
    fields = dict(body)
    if "tags" in fields:
        fields["tags"] = list(dict.fromkeys(fields["tags"]))
    return fields


def _schema_error(body: dict) -> str | None:
    # Imported at the first image write, not at start-up: jsonschema is slow to import.
    import jsonschema

    errors = sorted(jsonschema.Draft4Validator(WRITABLE_SCHEMA).iter_errors(body), key=lambda e: list(e.path))
    return errors[0].message if errors else None


def _json_text(value) -> str:
    return repr(value)


_UNSET = object()
