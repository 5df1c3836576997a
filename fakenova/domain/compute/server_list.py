"""GET /servers and /servers/detail: Nova's filters, sort and pagination over ``store.servers``.

The query arrives validated and stripped of what the caller may not use (the API layer knows the
microversion). Filtering is driven by ``FILTERS``: query name -> (how to match, record field), so a new
filter is one row. Semantics follow nova/api/openstack/compute/servers.py ``_get_servers``,
nova/compute/api.py ``get_all`` and nova/db/main/api.py ``instance_get_all_by_filters_sort``
(checked against Nova master, 2026):

- exact (SQL ``=`` / ``IN``): project_id, user_id, image_ref, vm_state, task_state, flavor, uuid, host,
  locked; every other Instance column is an unanchored regex search over the column as the database
  prints it (ints as digits, booleans as 0/1, datetimes as ``YYYY-MM-DD HH:MM:SS``, NULL never matches);
  a parameter that names no Instance column (``description``) filters nothing, as in Nova.
- ip / ip6 go to Neutron's ``ip_address_substr`` port filter: a substring of any fixed IP, and a server
  matching either of the two is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fakenova.domain import paging, patterns, policy
from fakenova.domain.compute import lifecycle, server_order
from fakenova.errors import BadRequest, Forbidden
from fakenova.validation import bool_from_string, parse_iso8601

EXACT, REGEX, IMAGE, FLAVOR, LOCKED, TAGS_ALL, TAGS_ANY, NOT_TAGS_ALL, NOT_TAGS_ANY = (
    "exact", "regex", "image", "flavor", "locked", "tags", "tags-any", "not-tags", "not-tags-any")

# query parameter -> (match kind, record field).
FILTERS: dict[str, tuple[str, str]] = {
    # Nova's exact_match_filter_names (after get_all's remapping of image, tenant_id and flavor)
    "project_id": (EXACT, "project_id"), "tenant_id": (EXACT, "project_id"), "user_id": (EXACT, "user_id"),
    "uuid": (EXACT, "id"), "host": (EXACT, "host"), "vm_state": (EXACT, "vm_state"),
    "task_state": (EXACT, "task_state"), "image": (IMAGE, "image_ref"), "image_ref": (IMAGE, "image_ref"),
    "flavor": (FLAVOR, "flavor"), "locked": (LOCKED, "locked_by"),
    # Instance columns matched with REGEXP
    "name": (REGEX, "name"), "display_name": (REGEX, "name"), "display_description": (REGEX, "description"),
    "reservation_id": (REGEX, "reservation_id"), "key_name": (REGEX, "key_name"),
    "hostname": (REGEX, "hostname"), "availability_zone": (REGEX, "availability_zone"),
    "node": (REGEX, "node"), "locked_by": (REGEX, "locked_by"), "config_drive": (REGEX, "config_drive"),
    "access_ip_v4": (REGEX, "access_ip_v4"), "access_ip_v6": (REGEX, "access_ip_v6"),
    "auto_disk_config": (REGEX, "auto_disk_config"), "kernel_id": (REGEX, "kernel_id"),
    "ramdisk_id": (REGEX, "ramdisk_id"), "root_device_name": (REGEX, "root_device_name"),
    "power_state": (REGEX, "power_state"), "progress": (REGEX, "progress"),
    "launch_index": (REGEX, "launch_index"), "created_at": (REGEX, "created_at"),
    "launched_at": (REGEX, "launched_at"), "terminated_at": (REGEX, "terminated_at"),
    # tag filters (>= 2.26), comma-separated lists
    "tags": (TAGS_ALL, "tags"), "tags-any": (TAGS_ANY, "tags"), "not-tags": (NOT_TAGS_ALL, "tags"),
    "not-tags-any": (NOT_TAGS_ANY, "tags"),
}
IP_FILTERS = ("ip", "ip6")
DATETIME_FIELDS = ("created_at", "launched_at", "terminated_at", "updated_at")

# Parameters that name joined tables (or Nova internals) are refused even for admins.
JOINED_TABLES = ("block_device_mapping", "services", "metadata", "system_metadata", "info_cache",
                 "security_groups", "pci_devices")
PAGING_AND_SORTING = ("limit", "marker", "sort_key", "sort_dir")

# sort_key -> record field (Nova's column names differ from the API's).
SORT_FIELDS = {"display_name": "name", "display_description": "description", "uuid": "id",
               "image_ref": "image_ref", "instance_type_id": "flavor", "access_ip_v4": "access_ip_v4",
               "access_ip_v6": "access_ip_v6", "auto_disk_config": "auto_disk_config", "locked": "locked_by",
               "id": "internal_id"}

# The order without sort parameters (created_at, then the autoincrement id; server_order keeps it).
NEWEST_FIRST = [("created_at", "desc"), ("id", "desc")]


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
        if "default" in task_states:
            task_states = None  # any task state: a task_state parameter still applies
        else:
            opts.pop("task_state", None)

    since = _time_param(opts, "changes-since")
    before = _time_param(opts, "changes-before")
    if since is not None and before is not None and before < since:
        raise BadRequest("The value of changes-since must be less than or equal to changes-before.")

    if "deleted" in opts:
        deleted = bool_from_string(opts.pop("deleted")) is True
    else:
        deleted = None if (since is not None or before is not None) else False
    # Nova hands the raw string to the DB layer, which only asks whether it is empty.
    soft_deleted = bool(opts.pop("soft_deleted")) if "soft_deleted" in opts else None
    if vm_states == {lifecycle.DELETED}:
        if not context.is_admin:
            raise Forbidden("Only administrators may list deleted instances")
        deleted = True

    all_tenants = _all_tenants(opts.pop("all_tenants", None)) if "all_tenants" in params else False
    if "locked" in opts:
        opts["locked"] = _strict_bool(opts["locked"])
    if all_tenants:
        rule = "detail:get_all_tenants" if options.detail else "index:get_all_tenants"
        policy.authorize(context, f"os_compute_api:servers:{rule}")
    else:
        opts.pop("tenant_id", None)
        opts["project_id"] = context.project_id
    ip_patterns = [opts.pop(key) for key in IP_FILTERS if key in opts]
    # User regexes are compiled once, before the lock, and searched within a time budget: a
    # catastrophic pattern is a 400, never a stalled store.
    for key, value in list(opts.items()):
        if FILTERS.get(key, (None,))[0] == REGEX:
            opts[key] = patterns.UserRegex(key, value)

    limit = _limit(params)
    marker = params.get("marker", [None])[-1]
    sort = _sort_params(context, params, options)

    with store.lock:
        marker_record = None
        if marker is not None:
            marker_record = store.servers.get(marker)
            if marker_record is None:
                raise BadRequest(f"marker [{marker}] not found")
        if limit == 0:
            return [], limit

        def wanted(server: dict) -> bool:
            if not _deleted_matches(server, deleted, soft_deleted):
                return False
            if vm_states is not None and server["vm_state"] not in vm_states:
                return False
            if task_states is not None and server["task_state"] not in task_states:
                return False
            if since is not None and server["updated_at"] < since:
                return False
            if before is not None and server["updated_at"] > before:
                return False
            if ip_patterns and not _ip_matches(backend, server, ip_patterns):
                return False
            return all(_matches(backend, server, key, value) for key, value in opts.items())

        if sort == NEWEST_FIRST:
            # The usual request: read the kept order from its newest end and stop at a full page.
            project_id = opts.get("project_id")
            try:
                return _first(server_order.newest_first(store, project_id, after=marker_record), wanted,
                              limit), limit
            except server_order.Stale:
                server_order.forget(store)
                return _first(server_order.newest_first(store, project_id, after=marker_record), wanted,
                              limit), limit
        found = [server for server in store.servers.values() if wanted(server)]
        if marker_record is not None and marker_record not in found:
            found.append(marker_record)
        found = _sorted(found, sort)
        if marker_record is not None:
            found = found[found.index(marker_record) + 1:]
        return found[:limit], limit


def _first(servers, wanted, limit: int) -> list[dict]:
    page = []
    for server in servers:
        if wanted(server):
            page.append(server)
            if len(page) == limit:
                break
    return page


def _deleted_matches(server: dict, deleted: bool | None, soft_deleted: bool | None) -> bool:
    """The DB layer's deleted/soft_deleted rule (soft-deleted servers count as deleted by default)."""
    if deleted is None:
        return True
    soft = server["vm_state"] == lifecycle.SOFT_DELETED
    if deleted:
        include_soft = True if soft_deleted is None else soft_deleted
        return bool(server.get("deleted")) or (include_soft and soft)
    return not server.get("deleted") and (bool(soft_deleted) or not soft)


def _strict_bool(value: str) -> bool:
    """oslo's bool_from_string(strict=True), as Nova's common.is_locked and is_all_tenants use it."""
    parsed = bool_from_string(value)
    if parsed is not None:
        return parsed
    raise BadRequest(f"Invalid input received: Unrecognized value '{value}', acceptable values are: "
                     "'0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'")


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
    return _strict_bool(value)


def _limit(params: dict) -> int:
    values = params.get("limit")
    return paging.capped(int(values[-1]) if values else None)


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


def _matches(backend, server: dict, key: str, value) -> bool:
    rule = FILTERS.get(key)
    if rule is None:
        return True  # names no Instance column: Nova's DB layer skips it
    kind, field = rule
    actual = server.get(field)
    if kind == EXACT:
        return actual is not None and str(actual) == value
    if kind == REGEX:
        text = _as_db_text(field, actual)
        return text is not None and value.search(text)
    if kind == IMAGE:
        return actual == value.rstrip("/").rsplit("/", 1)[-1]
    if kind == FLAVOR:
        return (actual or {}).get("id") == value and value in backend.store.flavors
    if kind == LOCKED:
        return bool(actual) == value
    tags = set(actual or ())
    wanted = set(value.split(","))
    if kind == TAGS_ALL:
        return wanted <= tags
    if kind == TAGS_ANY:
        return bool(wanted & tags)
    if kind == NOT_TAGS_ALL:
        return not wanted <= tags
    return not wanted & tags


def _as_db_text(field: str, value) -> str | None:
    """A column as MySQL's REGEXP reads it; NULL matches nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if field in DATETIME_FIELDS:
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _ip_matches(backend, server: dict, patterns: list[str]) -> bool:
    """Neutron's ip_address_substr port filter: any fixed IP (either version) containing a pattern."""
    store = backend.store
    for entry in server.get("ports", ()):
        port = store.ports.get(entry["id"])
        if port is None:
            continue
        if any(pattern in fixed["ip_address"] for fixed in port["fixed_ips"] for pattern in patterns):
            return True
    return False
