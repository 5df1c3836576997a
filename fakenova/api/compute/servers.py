"""/servers: create, list, list detail, show, update, delete (nova/api/openstack/compute/servers.py)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, base_url, context
from fakenova.api.compute.blueprint import body, query, route, version
from fakenova.domain import policy
from fakenova.domain.compute import server_list, servers
from fakenova.microversion import between
from fakenova.views import servers as views

# Filters a non-admin may use, and since when (servers.py _get_server_search_options). Anything
# else is dropped silently for them; admins may use every filter the schema knows.
NON_ADMIN_FILTERS = {
    "reservation_id": between(), "name": between(), "status": between(), "image": between(),
    "flavor": between(), "ip": between(), "changes-since": between(), "all_tenants": between(),
    "ip6": between("2.5"),
    "tags": between("2.26"), "tags-any": between("2.26"), "not-tags": between("2.26"),
    "not-tags-any": between("2.26"),
    "changes-before": between("2.66"),
    "locked": between("2.73"),
    **dict.fromkeys(("availability_zone", "config_drive", "key_name", "created_at", "launched_at",
                     "terminated_at", "power_state", "task_state", "vm_state", "progress", "user_id"),
                    between("2.83")),
    "hostname": between("2.90"),
}
STRICT_STATUS = between("2.38")        # an unknown status is 400 from here on
LOCKED_SORTABLE = between("2.73")      # 'locked' leaves the ignored sort keys
RESERVED_SORT_KEYS = ("architecture", "cell_name", "cleaned", "default_ephemeral_device", "default_swap_device",
                      "deleted", "deleted_at", "disable_terminate", "ephemeral_gb", "ephemeral_key_uuid", "id",
                      "key_data", "launched_on", "locked", "memory_mb", "os_type", "reservation_id", "root_gb",
                      "shutdown_terminate", "user_data", "vcpus", "vm_mode")
LEGACY_DESCRIPTION = between(None, "2.18")   # below 2.19 the description is the name


def _env() -> views.Env:
    b = backend()
    return views.Env(backend=b, context=context(), version=version(), base=f"{base_url()}/compute",
                     now=b.clock.time())


@route("/servers", methods=["POST"])
def create_server():
    data = body("servers", "create")
    created, reservation_id, admin_pass = servers.create(
        backend(), context(), data, description_is_name=version() in LEGACY_DESCRIPTION)
    # Nova tests the raw value, so even the string "False" asks for the reservation id.
    if data["server"].get("return_reservation_id", False):
        response = jsonify({"reservation_id": reservation_id})
    else:
        result = views.created(_env(), created[0], data["server"], admin_pass)
        response = jsonify(result)
        response.headers["Location"] = result["server"]["links"][0]["href"]
    response.status_code = 202
    return response


@route("/servers")
def list_servers():
    return _list(detail=False)


@route("/servers/detail")
def list_servers_detail():
    return _list(detail=True)


def _list(*, detail: bool):
    ctx = context()
    operation = "detail" if detail else "index"
    requested = params = query("servers", operation)
    policy.authorize(ctx, f"os_compute_api:servers:{operation}")
    if not policy.allowed(ctx, "os_compute_api:servers:allow_all_filters"):
        # Only the search drops the filters a user may not use: the next link keeps them, as Nova's.
        params = {key: values for key, values in params.items()
                  if key in server_list.PAGING_AND_SORTING
                  or (key in NON_ADMIN_FILTERS and version() in NON_ADMIN_FILTERS[key])}
    ignored = tuple(k for k in RESERVED_SORT_KEYS if not (k == "locked" and version() in LOCKED_SORTABLE))
    options = server_list.ListOptions(strict_status=version() in STRICT_STATUS, ignored_sort_keys=ignored,
                                      detail=detail)
    records, limit = server_list.search(backend(), ctx, params, options)
    env = _env()
    if detail:
        items = [views.show(env, record) for record in records]
    else:
        items = [views.index_item(env, record) for record in records]
    path = "servers/detail" if detail else "servers"
    return jsonify(views.collection(env, items, records, limit, path, requested))


@route("/servers/<server_id>")
def show_server(server_id):
    query("servers", "show")
    ctx = context()
    server = servers.get(backend(), ctx, server_id)
    policy.authorize(ctx, "os_compute_api:servers:show", server["project_id"])
    shown = views.FULL if version() not in views.SINCE["server_groups"] else views.Shown(server_groups=True)
    return jsonify({"server": views.show(_env(), server, shown)})


@route("/servers/<server_id>", methods=["PUT"])
def update_server(server_id):
    data = body("servers", "update")
    server = servers.update(backend(), context(), server_id, data["server"])
    return jsonify(views.updated(_env(), server))


@route("/servers/<server_id>", methods=["DELETE"])
def delete_server(server_id):
    servers.delete(backend(), context(), server_id)
    return "", 204
