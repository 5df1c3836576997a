"""Image data (Glance's glance/api/v2/image_data.py and glance/location.py): upload streams the bytes
through the hashes, download gives them back.

An upload is read in chunks, never whole: ``size``, ``checksum`` (md5) and ``os_hash_value``
(sha512) are computed on the way, and more than ``settings.image_size_cap`` bytes is Glance's 413.
The bytes themselves are kept in ``store.image_data`` (image id -> the data as a latin-1 string: one
byte per character in CPython, and JSON-ready for the state export) while all kept data together stays
within ``settings.image_data_memory``; beyond that an image keeps its size and hashes only, and
downloading it is a 503 that says so. Seeded images and Nova's snapshots read as zeros of their size
(their hashes are the zeros'), and images made from volumes keep size and hashes only.
"""

from __future__ import annotations

import hashlib
import logging

from fakenova.domain.image import images
from fakenova.errors import APIError, BadRequest, Conflict, Forbidden, RequestTooLarge

log = logging.getLogger("fakenova")

CHUNK_SIZE = 1 << 20
# An empty upload's md5: Nova activates a volume-backed snapshot image with zero bytes.
EMPTY_MD5 = hashlib.md5(b"").hexdigest()


class ServiceUnavailable(APIError):
    code, title = 503, "Service Unavailable"


def too_large() -> RequestTooLarge:
    return RequestTooLarge("The incoming image is too large: The provided image is too large.")


def begin_upload(backend, context, image_id: str, *, size_hint: int | None) -> dict:
    """Glance's checks before any byte is read; the image is ``saving`` while the data flows."""
    with backend.store.lock:
        image = images.get(backend, image_id, context)
        if not context.is_admin and image["owner"] != context.project_id:
            raise Forbidden(f"Not allowed to upload image data for image {image_id}")
        missing = [name for name in ("disk_format", "container_format") if not image[name]]
        if len(missing) == 1:
            raise BadRequest(f"Property {missing[0]} must be set prior to saving data.")
        if missing:
            raise BadRequest("Properties disk_format, container_format must be set prior to saving data.")
        if image["status"] != "queued":
            raise Conflict(f"Image status transition from {image['status']} to saving is not allowed")
        if size_hint is not None and size_hint > backend.settings.image_size_cap:
            raise too_large()
        image.update(status="saving", updated_at=backend.clock.time())
        return image


def upload(backend, context, image_id: str, stream, *, size_hint: int | None) -> None:
    """PUT /v2/images/{id}/file: read ``stream`` to its end; the image turns active with its size and
    hashes (and its data, if it fits the memory budget). Any failure puts it back to ``queued``."""
    image = begin_upload(backend, context, image_id, size_hint=size_hint)
    size, md5, sha512, data = _read_or_requeue(backend, image, stream)
    finish(backend, image, size=size, checksum=md5, os_hash_value=sha512, data=data)


def _read_or_requeue(backend, image: dict, stream):
    """``_read``; any failure (too large, a broken stream) puts the image back to ``queued``."""
    try:
        return _read(backend, stream)
    except BaseException:
        with backend.store.lock:
            image.update(status="queued", updated_at=backend.clock.time())
        raise


def _read(backend, stream) -> tuple[int, str, str, list[str] | None]:
    """Hashes and size of the stream, and its chunks (as latin-1 text) while they may still fit in
    what is left of the memory budget."""
    cap = backend.settings.image_size_cap
    with backend.store.lock:
        room = backend.settings.image_data_memory - _kept_bytes(backend.store)
    md5, sha512 = hashlib.md5(), hashlib.sha512()
    size, chunks = 0, []
    while True:
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            break
        size += len(chunk)
        if size > cap:
            raise too_large()
        md5.update(chunk)
        sha512.update(chunk)
        if chunks is not None:
            chunks.append(chunk.decode("latin-1"))
            if size > room:
                chunks = None  # can never be kept: stop holding it
    return size, md5.hexdigest(), sha512.hexdigest(), chunks


def finish(backend, image: dict, *, size: int, checksum: str, os_hash_value: str, data) -> None:
    """The image is active with this data: kept if it still fits the memory budget now."""
    store = backend.store
    with store.lock:
        if store.images.get(image["id"]) is not image:
            # Glance: the image was deleted while its data was uploading.
            raise APIError(f"Image {image['id']} could not be found after upload. The image may have been "
                           "deleted during the upload.", code=410)
        if data is not None and _kept_bytes(store) + size <= backend.settings.image_data_memory:
            store.image_data[image["id"]] = "".join(data)
        image.update(status="active", size=size, checksum=checksum, os_hash_algo="sha512", zero_data=False,
                     os_hash_value=os_hash_value, updated_at=backend.clock.time(),
                     # Glance inspects a bare container: a raw image's virtual size is its size.
                     virtual_size=size if image["container_format"] == "bare" and image["disk_format"] == "raw"
                     else None)


def activate_empty(backend, image: dict) -> None:
    """Nova's snapshot of a volume-backed server: zero bytes make the image active (no data)."""
    finish(backend, image, size=0, checksum=EMPTY_MD5, os_hash_value=hashlib.sha512(b"").hexdigest(), data=[])


def _kept_bytes(store) -> int:
    return sum(len(data) for data in store.image_data.values())


def download(backend, context, image_id: str):
    """GET /v2/images/{id}/file: (the data as bytes or as an iterable of chunks, its length), or None
    when the image has none (Glance's 204). Seeded images and Nova's snapshots read as zeros."""
    with backend.store.lock:
        image = images.get(backend, image_id, context)
        if image["status"] == "deactivated" and not context.is_admin:
            raise Forbidden("The requested image has been deactivated. Image data download is forbidden.")
        if image["status"] not in ("active", "deactivated") or image["size"] is None:
            return None
        data = backend.store.image_data.get(image_id)
    if data is not None:
        return data.encode("latin-1"), image["size"]
    if image["size"] == 0:
        return b"", 0
    if image.get("zero_data"):
        return images.zero_chunks(image["size"]), image["size"]
    log.warning("image %s: download of data fakenova did not keep", image_id)
    raise ServiceUnavailable(
        f"fakenova keeps no data for image {image_id}: only its size ({image['size']} bytes) and hashes. "
        "Uploads beyond the image_data_memory setting, and images made from volumes, keep none.")


# --- interoperable import: glance-direct (stage, then import) --------------------------------------

IMPORT_METHODS = ("glance-direct", "web-download", "copy-image")


def stage(backend, context, image_id: str, stream, *, size_hint: int | None) -> None:
    """PUT /v2/images/{id}/stage: the data is read as for an upload and held for the import; the
    image is ``uploading`` with its size (glance/api/v2/image_data.py stage)."""
    with backend.store.lock:
        image = images.get(backend, image_id, context)
        if not context.is_admin and image["owner"] != context.project_id:
            raise Forbidden(f"Not allowed to upload image data for image {image_id}")
        if image["status"] != "queued":
            raise Conflict(f"Image status transition from {image['status']} to uploading is not allowed")
        if size_hint is not None and size_hint > backend.settings.image_size_cap:
            raise too_large()
        image.update(status="uploading", updated_at=backend.clock.time())
    size, md5, sha512, data = _read_or_requeue(backend, image, stream)
    with backend.store.lock:
        image["size"] = size
        image["staged"] = {"checksum": md5, "os_hash_value": sha512,
                           "data": "".join(data) if data is not None else None}


def import_image(backend, context, image_id: str, body) -> None:
    """POST /v2/images/{id}/import: glance-direct activates the staged data at once; web-download
    would fetch a URL, which an offline fake cannot (fakenova says so)."""
    method = body.get("method") if isinstance(body, dict) else None
    if not isinstance(method, dict):
        raise BadRequest("Import request requires a 'method' field.")
    name = method.get("name")
    if not name:
        raise BadRequest("Import request requires a 'name' field.")
    if name not in IMPORT_METHODS:
        raise BadRequest(f"Unknown import method name '{name}'.")
    with backend.store.lock:
        image = images.get(backend, image_id, context)
        if not context.is_admin and image["owner"] != context.project_id:
            raise Forbidden("You are not authorized to complete import_image action.")
        for key in ("container_format", "disk_format"):
            if not image[key]:
                raise Conflict(f"'{key}' needs to be set before import")
        if name == "copy-image":
            raise Conflict("Copy-image is not supported by fakenova: it has one store.")
        if image["status"] == "active":
            raise Conflict("Image with status active cannot be target for import")
        if name == "web-download":
            if image["status"] != "queued":
                raise Conflict("Image needs to be in 'queued' state to use 'web-download' method")
            log.warning("image %s: web-download import refused: fakenova fetches nothing", image_id)
            raise BadRequest("web-download is not supported by fakenova: it fetches no URLs (use glance-direct "
                             "or upload the data).")
        if image["status"] != "uploading" or "staged" not in image:
            raise Conflict("Image needs to be staged before 'glance-direct' method can be used")
        staged = image.pop("staged")
        image["status"] = "importing"
    data = [staged["data"]] if staged["data"] is not None else None
    finish(backend, image, size=image["size"], checksum=staged["checksum"], os_hash_value=staged["os_hash_value"],
           data=data)
