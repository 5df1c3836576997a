"""Flavor records -> Nova's JSON bodies (nova/api/openstack/compute/views/flavors.py).

``links_for(flavor_id)`` builds the [self, bookmark] links; it comes from the HTTP layer, which knows
the request's host.
"""

from __future__ import annotations

from typing import Callable

from fakenova.microversion import APIVersion, between

# Microversions where a field exists or changes shape.
DESCRIPTION = between("2.55")
EXTRA_SPECS = between("2.61")
SWAP_AS_INTEGER = between("2.75")  # below, swap 0 is shown as ""
LEGACY_FIELDS = between(None, "2.101")  # rxtx_factor and OS-FLV-DISABLED:disabled

Links = Callable[[str], list]


def brief(flavor: dict, version: APIVersion, links_for: Links) -> dict:
    """An item of GET /flavors."""
    body = {"id": flavor["id"], "name": flavor["name"], "links": links_for(flavor["id"])}
    if version in DESCRIPTION:
        body["description"] = flavor["description"]
    return body


def detail(flavor: dict, version: APIVersion, links_for: Links, *, with_extra_specs: bool) -> dict:
    """GET /flavors/{id}, an item of /flavors/detail, and the create/update answers.

    ``with_extra_specs``: the caller passed os-flavor-extra-specs:index (only asked from 2.61 on).
    """
    body = {
        "id": flavor["id"],
        "name": flavor["name"],
        "ram": flavor["ram"],
        "disk": flavor["disk"],
        "swap": flavor["swap"] if version in SWAP_AS_INTEGER else (flavor["swap"] or ""),
        "OS-FLV-EXT-DATA:ephemeral": flavor["ephemeral"],
        "OS-FLV-DISABLED:disabled": flavor["disabled"],
        "vcpus": flavor["vcpus"],
        "os-flavor-access:is_public": flavor["is_public"],
        "rxtx_factor": flavor["rxtx_factor"] or "",
        "links": links_for(flavor["id"]),
    }
    if version not in LEGACY_FIELDS:
        del body["OS-FLV-DISABLED:disabled"], body["rxtx_factor"]
    if version in DESCRIPTION:
        body["description"] = flavor["description"]
    if with_extra_specs and version in EXTRA_SPECS:
        body["extra_specs"] = dict(flavor["extra_specs"])
    return body


def collection(items: list[dict], next_links: list[dict]) -> dict:
    """{"flavors": [...]} plus "flavors_links" when there is a next page (views/links.py)."""
    body = {"flavors": items}
    if next_links:
        body["flavors_links"] = next_links
    return body
