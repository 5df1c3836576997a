"""Does this flavor fit this image? The checks Nova makes on create, rebuild and resize.

nova/compute/api.py ``_validate_flavor_image`` (the image must be active) and
``_validate_flavor_image_nostatus`` (flavor RAM >= image min_ram; for a local root disk: the image's
size and min_disk within the flavor's disk, or, for a 0 GB flavor disk, the admin-only
``os_compute_api:servers:create:zero_disk_flavor`` rule; for a volume root, min_disk within the
volume's size when the request gives one). Sizes in the texts are bytes, as Nova writes them.
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.errors import BadRequest, Forbidden

GIB = 1024 ** 3
ZERO_DISK_RULE = "os_compute_api:servers:create:zero_disk_flavor"


def check_active(image: dict, image_ref: str) -> None:
    if image.get("status") != "active":
        raise BadRequest(f"Image {image_ref} is not active.")


def check_flavor_fits_image(context, image: dict, flavor: dict, *, image_size: int, volume_root: bool = False,
                            volume_size_gb: int | None = None) -> None:
    """400 (403 for the zero-disk rule) when ``flavor`` cannot boot ``image``.

    ``image_size`` is the image's size in bytes (0 where Nova has no size: resize reads the image from
    the server's system metadata); ``volume_root``: the root disk is a volume, whose size the request
    may give in ``volume_size_gb``."""
    if flavor["ram"] < int(image.get("min_ram") or 0):
        raise BadRequest("Flavor's memory is too small for requested image.")
    min_disk_bytes = int(image.get("min_disk") or 0) * GIB
    if volume_root:
        if volume_size_gb is not None and min_disk_bytes > volume_size_gb * GIB:
            raise BadRequest(f"Volume is smaller than the minimum size specified in image metadata. Volume size "
                             f"is {volume_size_gb * GIB} bytes, minimum size is {min_disk_bytes} bytes.")
        return
    flavor_bytes = flavor["disk"] * GIB
    if flavor_bytes == 0:
        # A 0 GB flavor disk means "as big as the image": only admins may boot a local disk that way.
        if not policy.allowed(context, ZERO_DISK_RULE, context.project_id):
            raise Forbidden("Only volume-backed servers are allowed for flavors with zero disk.")
        return
    if image_size > flavor_bytes:
        raise BadRequest(f"Flavor's disk is too small for requested image. Flavor disk is {flavor_bytes} bytes, "
                         f"image is {image_size} bytes.")
    if min_disk_bytes > flavor_bytes:
        raise BadRequest(f"Flavor's disk is smaller than the minimum size specified in image metadata. Flavor "
                         f"disk is {flavor_bytes} bytes, minimum size is {min_disk_bytes} bytes.")
