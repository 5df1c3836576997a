"""Images (the Glance side): seeded public images; servers boot from them, snapshots add to them.

A record in ``store.images`` holds Glance's core attributes (id, name, status, visibility, protected,
os_hidden, container_format, disk_format, size, virtual_size, min_disk, min_ram, checksum,
os_hash_algo, os_hash_value, owner, tags, created_at, updated_at as epoch seconds) and the custom
properties in ``properties``. ``new_record`` builds one, for seeds and for Nova's createImage alike.

Visibility and listing follow glance/db/sqlalchemy/api.py (checked against Glance 2025.x): a project
sees public and community images and its own; ``shared`` images need an accepted membership, which
this fake does not model, so they are seen by their owner only. Admins see everything.
"""

from __future__ import annotations

import hashlib

from fakenova.config import ConfigError
from fakenova.errors import BadRequest, Forbidden, NotFound
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
               os_hidden: bool = False) -> dict:
    """A complete image record (not stored). Hashes are derived from the name: there is no data."""
    if visibility not in VISIBILITIES:
        raise ConfigError(f"images: visibility must be one of {', '.join(VISIBILITIES)}: {visibility!r}")
    now = backend.clock.time()
    has_data = status == "active"
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
        "checksum": hashlib.md5(name.encode()).hexdigest() if has_data else None,
        "os_hash_algo": "sha512" if has_data else None,
        "os_hash_value": hashlib.sha512(name.encode()).hexdigest() if has_data else None,
        "owner": owner,
        "tags": list(tags),
        "properties": dict(properties or {}),
        "created_at": now,
        "updated_at": now,
    }


def is_visible(image: dict, context) -> bool:
    if context.is_admin or image["visibility"] in ("public", "community"):
        return True
    return image["owner"] is not None and image["owner"] == context.project_id


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
        del backend.store.images[image_id]


def search(backend, context, *, filters: dict, tags: list[str], sort: list[tuple[str, str]],
           marker: str | None, limit: int) -> tuple[list[dict], bool]:
    """Glance's image list: (page, whether the page is full so a next link is due).

    ``filters`` maps attribute -> raw query value (Glance takes one value per key); keys that are
    not attributes match custom properties exactly, as in Glance.
    """
    filters = dict(filters)
    visibility = filters.pop("visibility", None)
    os_hidden = filters.pop("os_hidden", False)
    with backend.store.lock:
        images = [image for image in backend.store.images.values()
                  if image["status"] not in HIDDEN_STATUSES and is_visible(image, context)]
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
