"""/os-keypairs: list, create or import, show and delete a user's key pairs.

Checked against nova/api/openstack/compute/keypairs.py (nova 34): validation first, then the
policy (admin or the owning user), then the key pair API.
"""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route, self_link, version
from fakenova.domain import paging
from fakenova.domain.compute import keypairs
from fakenova.microversion import between
from fakenova.views import keypairs as views

# Microversions where the request or the answer changed.
KEY_TYPE = between("2.2")  # `type` in the body; create answers 201, delete 204
OTHER_USERS = between("2.10")  # admin may name another user (body user_id, ?user_id=)
PAGINATION = between("2.35")  # limit, marker and keypairs_links

# Nova's [api]max_limit: the most a page can hold, and the size of a page without `limit`.


def _user_id(args: dict[str, list[str]]) -> str:
    """The ?user_id= an admin may give from 2.10 (the first one, as Nova reads it), else the caller."""
    requested = args["user_id"][0] if version() in OTHER_USERS and args.get("user_id") else None
    # An empty ?user_id= means the caller too.
    return requested or context().user_id


@route("/os-keypairs", methods=["GET"])
def list_keypairs():
    args = query("keypairs", "index")
    user_id = _user_id(args)
    keypairs.authorize(context(), "index", user_id)
    page_size = marker = None
    if version() in PAGINATION:
        # The schema has checked these are digit strings; a repeated parameter counts its last value.
        page_size = paging.capped(int(args["limit"][-1]) if "limit" in args else None)
        marker = args["marker"][-1] if "marker" in args else None
    records = keypairs.list_for_user(backend(), user_id, limit=page_size, marker=marker)
    return views.index(records, version(), page_size=page_size, collection_url=self_link("os-keypairs"),
                       params=args)


@route("/os-keypairs", methods=["POST"])
def create_keypair():
    params = body("keypairs", "create")["keypair"]
    user_id = params.get("user_id") if version() in OTHER_USERS else None
    user_id = user_id or context().user_id
    keypairs.authorize(context(), "create", user_id)
    record, private_key = keypairs.create(
        backend(), context=context(), user_id=user_id, name=params["name"],
        key_type=params.get("type", keypairs.SSH), public_key=params.get("public_key"),
    )
    status = 201 if version() in KEY_TYPE else 200
    return views.create(record, version(), private_key=private_key), status


@route("/os-keypairs/<name>", methods=["GET"])
def show_keypair(name: str):
    user_id = _user_id(query("keypairs", "show"))
    keypairs.authorize(context(), "show", user_id)
    return views.show(keypairs.get(backend(), user_id, name), version())


@route("/os-keypairs/<name>", methods=["DELETE"])
def delete_keypair(name: str):
    user_id = _user_id(query("keypairs", "delete"))
    keypairs.authorize(context(), "delete", user_id)
    keypairs.delete(backend(), user_id, name)
    response = Response(status=204 if version() in KEY_TYPE else 202)
    del response.headers["Content-Type"]  # no body, so no type: clients choke on a stray one
    return response
