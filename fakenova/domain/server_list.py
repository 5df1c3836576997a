"""GET /servers and /servers/detail: Nova's filters, sort and pagination over ``store.servers``.

The query arrives validated and stripped of what the caller may not use (the API layer knows the
microversion). Filtering is driven by ``FILTERS``: query name -> (how to match, record field), so a new
filter is one row. Semantics follow nova/api/openstack/compute/servers.py ``_get_servers``,
nova/compute/api.py ``get_all`` and nova/db/main/api.py ``instance_get_all_by_filters_sort``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fakenova.domain import lifecycle, policy, servers as server_domain
from fakenova.errors import BadRequest, Forbidden
from fakenova.validation import parse_iso8601

EXACT, REGEX, IP4, IP6, FLAVOR, IMAGE, BOOL, TAGS_ALL, TAGS_ANY, NOT_TAGS_ALL, NOT_TAGS_ANY = (
    "exact", "regex", "ip4", "ip6", "flavor", "image", "bool", "tags", "tags-any", "not-tags", "not-tags-any")

# query parameter -> (match kind, record field). Exact ones take any of the listed values (SQL IN);
# regex ones are unanchored searches, as MySQL REGEXP is; ip/ip6 are anchored at the start.
FILTERS: dict[str, tuple[str, str]] = {
    "name": (REGEX, "name"), "display_name": (REGEX, "name"),
    "description": (REGEX, "description"), "display_description": (REGEX, "description"),
    "reservation_id": (REGEX, "reservation_id"), "key_name": (REGEX, "key_name"),
    "hostname": (REGEX, "hostname"), "availability_zone": (REGEX, "availability_zone"),
    "node": (REGEX, "node"), "locked_by": (REGEX, "locked_by"), "config_drive": (REGEX, "config_drive"),
    "access_ip_v4": (REGEX, "access_ip_v4"), "access_ip_v6": (REGEX, "access_ip_v6"),
    "kernel_id": (REGEX, "kernel_id"), "ramdisk_id": (REGEX, "ramdisk_id"),
    "root_device_name": (REGEX, "root_device_name"), "power_state": (REGEX, "power_state"),
    "progress": (REGEX, "progress"),
    "uuid": (EXACT, "id"), "user_id": (EXACT, "user_id"), "project_id": (EXACT, "project_id"),
    "tenant_id": (EXACT, "project_id"), "host": (EXACT, "host"), "vm_state": (EXACT, "vm_state"),
    "task_state": (EXACT, "task_state"), "launch_index": (EXACT, "launch_index"),
    "image": (IMAGE, "image_ref"), "image_ref": (IMAGE, "image_ref"), "flavor": (FLAVOR, "flavor"),
    "ip": (IP4, "ports"), "ip6": (IP6, "ports"), "locked": (BOOL, "locked_by"),
    "tags": (TAGS_ALL, "tags"), "tags-any": (TAGS_ANY, "tags"), "not-tags": (NOT_TAGS_ALL, "tags"),
    "not-tags-any": (NOT_TAGS_ANY, "tags"),
}

# Parameters that name joined tables (or Nova internals) are refused even for admins.
JOINED_TABLES = ("block_device_mapping", "services", "metadata", "system_metadata", "info_cache",
                 "security_groups", "pci_devices")
PAGING_AND_SORTING = ("limit", "marker", "sort_key", "sort_dir")

# sort_key -> record field (Nova's column names differ from the API's).
SORT_FIELDS = {"display_name": "name", "display_description": "description", "uuid": "id",
               "image_ref": "image_ref", "instance_type_id": "flavor", "access_ip_v4": "access_ip_v4",
               "access_ip_v6": "access_ip_v6", "auto_disk_config": "auto_disk_config", "locked": "locked_by",
               "id": "internal_id"}

MAX_LIMIT = server_domain.MAX_LIMIT

_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")


@dataclass(frozen=True)
class ListOptions:
    """What the microversion decides for a list request."""

    strict_status: bool          # >= 2.38: an unknown status is 400, not an empty list
    ignored_sort_keys: tuple     # legacy keys accepted but ignored
    detail: bool


def search(backend, context, params: dict[str, list[str]], options: ListOptions) -> tuple[list[dict], int]:
    """The page of server records and the effective limit (for the next link)."""
    store = backend.store
    opts = {key: values[-1] for key, values in params.items() if key not in PAGING_AND_SORTING and values}
    for key in opts:
        if key in JOINED_TABLES or key.startswith("_"):
            raise BadRequest(f"Invalid filter field: {key}.")

    vm_states = task_states = None
    opts.pop("status", None)
    if "status" in params:
        vm_states, task_states = lifecycle.states_for_statuses(params["status"])
        if not vm_states:
            if options.strict_status:
                raise BadRequest("Invalid status value")
            return [], _limit(params)
        opts.pop("vm_state", None)
        opts.pop("task_state", None)

    since = _time_param(opts, "changes-since")
    before = _time_param(opts, "changes-before")
    if since is not None and before is not None and before < since:
        raise BadRequest("The value of changes-since must be less than or equal to changes-before.")

    if "deleted" in opts:
        deleted = opts.pop("deleted").strip().lower() in _TRUE
    else:
        deleted = None if (since is not None or before is not None) else False
    soft_deleted = opts.pop("soft_deleted", "").strip().lower() in _TRUE
    if vm_states == {lifecycle.DELETED} or (vm_states is None and opts.get("vm_state") == lifecycle.DELETED):
        if not context.is_admin:
            raise Forbidden("Only administrators may list deleted instances")
        deleted = True

    all_tenants = _all_tenants(opts.pop("all_tenants", None)) if "all_tenants" in params else False
    if all_tenants:
        rule = "detail:get_all_tenants" if options.detail else "index:get_all_tenants"
        policy.authorize(context, f"os_compute_api:servers:{rule}")
    else:
        opts.pop("tenant_id", None)
        opts["project_id"] = context.project_id

    limit = _limit(params)
    marker = params.get("marker", [None])[-1]
    sort = _sort_params(context, params, options)

    with store.lock:
        marker_record = None
        if marker is not None:
            marker_record = store.servers.get(marker)
            if marker_record is None:
                raise BadRequest(f"marker [{marker}] not found")
        found = []
        for server in store.servers.values():
            if not _deleted_matches(server, deleted, soft_deleted):
                continue
            if vm_states is not None and server["vm_state"] not in vm_states:
                continue
            if task_states is not None and "default" not in task_states and server["task_state"] not in task_states:
                continue
            if since is not None and server["updated_at"] < since:
                continue
            if before is not None and server["updated_at"] > before:
                continue
            if all(_matches(backend, server, key, value) for key, value in opts.items()):
                found.append(server)
        if marker_record is not None and marker_record not in found:
            found.append(marker_record)
        found = _sorted(found, sort)
        if marker_record is not None:
            found = found[found.index(marker_record) + 1:]
        return found[:limit], limit


def _deleted_matches(server: dict, deleted: bool | None, soft_deleted: bool) -> bool:
    if deleted is None:
        return True
    soft = server["vm_state"] == lifecycle.SOFT_DELETED
    if deleted:
        return bool(server.get("deleted")) or soft
    return not server.get("deleted") and (soft_deleted or not soft)


def _time_param(opts: dict, name: str):
    if name not in opts:
        return None
    parsed = parse_iso8601(opts.pop(name))
    if parsed is None:
        raise BadRequest(f"Invalid filter field: {name}.")
    return parsed.timestamp()


def _all_tenants(value: str | None) -> bool:
    """common.is_all_tenants: a bare ?all_tenants is true; otherwise a strict boolean string."""
    if not value:
        return True
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadRequest(f"Invalid input received: Unrecognized value '{value}', acceptable values are: "
                     "'0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'")


def _limit(params: dict) -> int:
    values = params.get("limit")
    if not values:
        return MAX_LIMIT
    return min(MAX_LIMIT, int(values[-1]))


def _sort_params(context, params: dict, options: ListOptions) -> list[tuple[str, str]]:
    keys = list(params.get("sort_key", []))
    dirs = [d.strip() for d in params.get("sort_dir", [])]
    for key in list(keys):
        if key in options.ignored_sort_keys:
            index = keys.index(key)
            if len(dirs) > index:
                dirs.pop(index)
            keys.pop(index)
        elif key in ("host", "node") and not context.is_admin:
            raise Forbidden(f"Only administrators can sort servers by {key}")
    if len(dirs) > len(keys) and keys:
        raise BadRequest("Invalid input received: Sort direction size exceeds sort key size")
    for direction in dirs:
        if direction not in ("asc", "desc"):
            raise BadRequest("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'")
    if not keys:
        keys, dirs = ["created_at"], dirs[:1] or ["desc"]
    default_dir = dirs[0] if dirs else "desc"
    dirs = dirs + [default_dir] * (len(keys) - len(dirs))
    pairs = list(zip(keys, dirs))
    for extra in ("created_at", "id"):  # the DB layer makes the order total
        if extra not in keys:
            pairs.append((extra, default_dir))
    return pairs


def _sorted(records: list[dict], sort: list[tuple[str, str]]) -> list[dict]:
    for key, direction in reversed(sort):
        field = SORT_FIELDS.get(key, key)

        def value(record, field=field):
            raw = record.get(field)
            if field == "flavor":
                raw = (raw or {}).get("id")
            # NULLs first ascending, as MySQL orders them.
            return (raw is not None, raw if raw is not None else 0)

        records = sorted(records, key=value, reverse=direction == "desc")
    return records


def _matches(backend, server: dict, key: str, value: str) -> bool:
    rule = FILTERS.get(key)
    if rule is None:
        return True  # accepted by the schema but not modelled: Nova would filter on the column
    kind, field = rule
    actual = server.get(field)
    if kind == EXACT:
        return actual == value or str(actual) == value
    if kind == REGEX:
        return actual is not None and re.search(value, str(actual)) is not None
    if kind == IMAGE:
        return actual == value.rstrip("/").rsplit("/", 1)[-1]
    if kind == FLAVOR:
        return (actual or {}).get("id") == value and value in backend.store.flavors
    if kind in (IP4, IP6):
        version = 4 if kind == IP4 else 6
        pattern = re.compile(value)
        return any(item["type"] == "fixed" and item["version"] == version and pattern.match(item["addr"])
                   for items in server_domain.addresses(backend, server).values() for item in items)
    if kind == BOOL:
        wanted = value.strip().lower() in _TRUE
        return bool(actual) == wanted
    tags = set(actual or ())
    wanted = {tag for tag in value.split(",")}
    if kind == TAGS_ALL:
        return wanted <= tags
    if kind == TAGS_ANY:
        return bool(wanted & tags)
    if kind == NOT_TAGS_ALL:
        return not wanted <= tags
    return not wanted & tags
