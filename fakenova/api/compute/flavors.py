"""/flavors: list, detail, show, and the admin's create, description update and delete.

Checked against nova/api/openstack/compute/flavors.py (nova 34): the query or body schema first,
then the policy, then the lookup.
"""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, links, query, route, self_link, version
from fakenova.domain import paging, policy
from fakenova.domain.compute import flavors
from fakenova.errors import BadRequest
from fakenova.microversion import between
from fakenova.validation import bool_from_string, nova_boolean
from fakenova.views import flavors as views
from fakenova.views.links import collection_links

# Microversions where the request changed.
NAME_FILTER = between("2.102")
DESCRIPTION = between("2.55")  # create takes a description; PUT exists
EXTRA_SPECS = between("2.61")

# Nova's [api]max_limit: the most a page can hold, and the size of a page without `limit`.

def _links(flavor_id: str) -> list[dict]:
    return links("flavors", flavor_id)


def _with_extra_specs() -> bool:
    return version() in EXTRA_SPECS and policy.allowed(context(), "os_compute_api:os-flavor-extra-specs:index")


@route("/flavors", methods=["GET"])
def list_flavors():
    page, next_links = _list(collection="flavors")
    return views.collection([views.brief(f, version(), _links) for f in page], next_links)


@route("/flavors/detail", methods=["GET"])
def list_flavors_detail():
    page, next_links = _list(collection="flavors/detail")
    with_specs = _with_extra_specs()
    items = [views.detail(f, version(), _links, with_extra_specs=with_specs) for f in page]
    return views.collection(items, next_links)


def _list(collection: str) -> tuple[list[dict], list[dict]]:
    """The page and its next link; filters are read as Nova does (a repeated parameter counts with
    its last value)."""
    args = query("flavors", "index")
    last = {key: values[-1] for key, values in args.items() if values}
    filters = {"sort_key": last.get("sort_key") or "flavorid", "sort_dir": last.get("sort_dir") or "asc",
               "limit": paging.capped(int(last["limit"]) if "limit" in last else None),
               "marker": last.get("marker")}
    if context().is_admin:
        filters["is_public"] = _is_public(last.get("is_public"))
    else:
        filters["is_public"], filters["disabled"] = True, False
    for param, key in (("minRam", "min_ram"), ("minDisk", "min_disk")):
        if param in last:
            try:
                filters[key] = int(last[param])
            except ValueError:
                raise BadRequest(f"Invalid {param} filter [{last[param]}]") from None
    if "name" in last and version() in NAME_FILTER:
        filters["name"] = last["name"]
    page = flavors.list_for(backend(), context(), **filters)
    return page, collection_links(self_link(collection), args, page, id_key="id", page_size=filters["limit"])


def _is_public(value: str | None) -> bool | None:
    """Admins only: absent -> public ones, "none" -> all, else a strict boolean."""
    if value is None:
        return True
    if value.lower() == "none":
        return None
    parsed = bool_from_string(value)
    if parsed is not None:
        return parsed
    raise BadRequest(f"Invalid is_public filter [{value}]")


@route("/flavors/<flavor_id>", methods=["GET"])
def show_flavor(flavor_id: str):
    query("flavors", "show")
    flavor = flavors.get_visible(backend(), context(), flavor_id)
    return {"flavor": views.detail(flavor, version(), _links, with_extra_specs=_with_extra_specs())}


@route("/flavors", methods=["POST"])
def create_flavor():
    params = body("flavors", "create")["flavor"]
    policy.authorize(context(), "os_compute_api:os-flavor-manage:create")
    flavor = flavors.create(
        backend(), name=params["name"], flavor_id=params.get("id"), ram=params["ram"], vcpus=params["vcpus"],
        disk=params["disk"], ephemeral=params.get("OS-FLV-EXT-DATA:ephemeral", 0), swap=params.get("swap", 0),
        rxtx_factor=params.get("rxtx_factor", 1.0),
        is_public=nova_boolean(params.get("os-flavor-access:is_public", True)),
        description=params.get("description") if version() in DESCRIPTION else None,
    )
    return {"flavor": views.detail(flavor, version(), _links, with_extra_specs=_with_extra_specs())}


@route("/flavors/<flavor_id>", methods=["PUT"], versions=DESCRIPTION)
def update_flavor(flavor_id: str):
    params = body("flavors", "update")["flavor"]
    policy.authorize(context(), "os_compute_api:os-flavor-manage:update")
    flavor = flavors.set_description(backend(), flavor_id, params["description"])
    return {"flavor": views.detail(flavor, version(), _links, with_extra_specs=_with_extra_specs())}


@route("/flavors/<flavor_id>", methods=["DELETE"])
def delete_flavor(flavor_id: str):
    policy.authorize(context(), "os_compute_api:os-flavor-manage:delete")
    flavors.delete(backend(), flavor_id)
    response = Response(status=202)
    del response.headers["Content-Type"]  # no body, so no type
    return response
