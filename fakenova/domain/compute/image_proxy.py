"""Nova's image proxy (/images and /images/{id}/metadata, 2.1-2.35) over the Glance model, as
nova/image/glance.py calls Glance v2: filters translated as _extract_query_params_v2 does
(property-X -> X, changes-since -> updated_at >=), Glance's errors as Nova's (ImageNotFound ->
404 "Image not found.", ImageNotAuthorized -> 403), and a property write as one PATCH of the
image's properties (glance.API.update with purge_props)."""

from __future__ import annotations

from fakenova.domain.compute import quotas
from fakenova.domain.image import images
from fakenova.errors import BadRequest, Forbidden, NotFound
from fakenova.validation import parse_iso8601

NOT_FOUND = "Image not found."
# Nova's v1-style filters -> what it asks Glance (nova/api/openstack/compute/images.py SUPPORTED_FILTERS).
_FILTERS = {"name": "name", "status": "status", "server": "instance_uuid", "type": "image_type"}


def get(backend, context, image_id: str) -> dict:
    try:
        return images.get(backend, image_id, context)
    except NotFound:
        raise NotFound(NOT_FOUND) from None


def listed(backend, context, params: dict[str, str], *, marker: str | None, limit: int) -> tuple[list[dict], bool]:
    """A page of the images the caller sees (newest first, as Glance lists) and whether it is full."""
    filters = {}
    for param, value in params.items():
        if param in _FILTERS:
            filters[_FILTERS[param]] = value.rsplit("/", 1)[-1] if param == "server" else value
        elif param.startswith("property-"):
            filters[param[len("property-"):]] = value
    if "status" in filters:
        filters["status"] = filters["status"].lower()
    minimums = {}
    for param, key in (("minRam", "min_ram"), ("minDisk", "min_disk")):
        if param in params:
            try:
                minimums[key] = int(params[param])
            except ValueError:
                raise BadRequest(f"Invalid {param} filter [{params[param]}]") from None
    since = None
    if "changes-since" in params:
        since = parse_iso8601(params["changes-since"])
        if since is None:
            raise BadRequest(f"Invalid filter value {params['changes-since']}.")
    everything, _ = images.search(backend, context, filters=filters, tags=[], sort=[], marker=marker,
                                  limit=len(backend.store.images) + 1)
    kept = [image for image in everything
            if all((image.get(key) or 0) >= bound for key, bound in minimums.items())
            and (since is None or image["updated_at"] >= since.timestamp())]
    page = kept[:limit]
    return page, bool(page) and len(page) == limit


def delete(backend, context, image_id: str) -> None:
    try:
        images.delete(backend, image_id, context)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    except Forbidden:
        raise Forbidden("You are not allowed to delete the image.") from None


def set_properties(backend, context, image_id: str, properties: dict) -> dict:
    """Replace the image's custom properties with ``properties`` (after Nova's metadata quota check)."""
    _check_quota(backend, context, properties)
    with backend.store.lock:
        image = get(backend, context, image_id)
        current = image["properties"]
        operations = [{"op": "remove", "path": f"/{key}"} for key in current if key not in properties]
        operations += [{"op": "replace" if key in current else "add", "path": f"/{key}", "value": value}
                       for key, value in properties.items() if current.get(key) != value]
        try:
            return images.update(backend, context, image_id, operations) if operations else image
        except Forbidden:
            raise Forbidden(f"Not authorized for image {image_id}.") from None


def _check_quota(backend, context, metadata: dict) -> None:
    """common.check_img_metadata_properties_quota: the metadata_items quota counts every property."""
    allowed = quotas.limits_for(backend, context.project_id)["metadata_items"]
    if 0 <= allowed < len(metadata):
        raise Forbidden("Image metadata limit exceeded")
