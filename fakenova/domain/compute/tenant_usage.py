"""Simple tenant usage: what each project's servers used over a window of time (no Flask here).

Checked against nova/api/openstack/compute/simple_tenant_usage.py and the DB query it runs
(``instance_get_active_by_window_joined``). A server counts when it was launched before the end of
the window and was not terminated before its start; deleted servers count too (Nova reads the
instances table without a deleted filter), servers that never launched do not. Its hours are the part
of the window it was running; totals multiply them by the flavor's vCPUs, RAM and disk (root +
ephemeral). The servers are taken in (project_id, id) order, the order Nova pages them in.

Times are naive UTC datetimes here, as Nova normalises them, and are written as its JSON serialiser
writes a datetime: ``YYYY-MM-DDTHH:MM:SS.ffffff``.
"""

from __future__ import annotations

import datetime as dt

from fakenova.domain import policy
from fakenova.domain.paging import MAX_LIMIT
from fakenova.errors import BadRequest

# The formats Nova's _parse_datetime tries, in order (no time zone suffix is accepted).
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f")
_OUTPUT_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"
_POLICY = "os_compute_api:os-simple-tenant-usage:"


def now(backend) -> dt.datetime:
    return backend.clock.now().astimezone(dt.timezone.utc).replace(tzinfo=None)


def parse_time(text: str | None, default: dt.datetime) -> dt.datetime:
    """One of ``start``/``end``: missing or empty means now; anything else must fit TIME_FORMATS."""
    if not text:
        return default
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise BadRequest("Invalid datetime string: Datetime is in invalid format")


def period(backend, start_text: str | None, end_text: str | None) -> tuple[dt.datetime, dt.datetime]:
    """The window asked for, its end held to the present (Nova's _parse_qs_params and the clamp).

    Nova reads the clock once per missing bound, start first: two missing bounds make a window of a
    few microseconds that passes its start-before-end check. On a frozen fake clock they would be
    equal, so that case is let through explicitly.
    """
    current = now(backend)
    start = parse_time(start_text, current)
    stop = parse_time(end_text, current)
    if not (start < stop or (not start_text and not end_text)):
        raise BadRequest("Invalid start time. The start time cannot occur after the end time.")
    return start, min(stop, current)


def authorize_list(context) -> None:
    policy.authorize(context, _POLICY + "list", context.project_id)


def authorize_show(context, project_id: str) -> None:
    policy.authorize(context, _POLICY + "show", project_id)


def usages(backend, start: dt.datetime, stop: dt.datetime, *, project_id: str | None = None,
           detailed: bool = True, limit: int = MAX_LIMIT, marker: str | None = None) -> tuple[list[dict], list[dict]]:
    """(one summary per project with usage, every server usage on the page), as Nova's
    _tenant_usages_for_period returns them. A marker that names no server at all is Nova's 400."""
    current = now(backend)
    summaries: dict[str, dict] = {}
    page = []
    for server in _servers_in_window(backend, start, stop, project_id, limit, marker):
        usage = _server_usage(server, start, stop, current)
        summary = summaries.get(usage["tenant_id"])
        if summary is None:
            summary = summaries[usage["tenant_id"]] = {"tenant_id": usage["tenant_id"]}
            if detailed:
                summary["server_usages"] = []
            # Integers until an hour count is added, as in Nova (an all-zero total stays 0, not 0.0).
            summary.update(total_local_gb_usage=0, total_vcpus_usage=0, total_memory_mb_usage=0, total_hours=0,
                           start=_format(start), stop=_format(stop))
        summary["total_local_gb_usage"] += usage["local_gb"] * usage["hours"]
        summary["total_vcpus_usage"] += usage["vcpus"] * usage["hours"]
        summary["total_memory_mb_usage"] += usage["memory_mb"] * usage["hours"]
        summary["total_hours"] += usage["hours"]
        page.append(usage)
        if detailed:
            summary["server_usages"].append(usage)
    return list(summaries.values()), page


def _servers_in_window(backend, start, stop, project_id, limit, marker) -> list[dict]:
    with backend.store.lock:
        servers = list(backend.store.servers.values())
        after = None
        if marker is not None:
            found = backend.store.servers.get(marker)
            if found is None:
                raise BadRequest(f"Marker {marker} could not be found.")
            after = (found["project_id"], found["id"])
    chosen = []
    for server in servers:
        launched, terminated = _time(server.get("launched_at")), _time(server.get("terminated_at"))
        if launched is None or not launched < stop:
            continue
        if terminated is not None and not terminated > start:
            continue
        if project_id is not None and server["project_id"] != project_id:
            continue
        if after is not None and (server["project_id"], server["id"]) <= after:
            continue
        chosen.append(server)
    chosen.sort(key=lambda s: (s["project_id"], s["id"]))
    return chosen[:limit]


def _server_usage(server: dict, start: dt.datetime, stop: dt.datetime, current: dt.datetime) -> dict:
    launched, terminated = _time(server["launched_at"]), _time(server.get("terminated_at"))
    flavor = server["flavor"]
    uptime = (terminated if terminated is not None else current) - launched
    return {
        "hours": _hours(launched, terminated, start, stop),
        "flavor": flavor.get("name") or "",
        "instance_id": server["id"],
        "name": server["name"],
        "tenant_id": server["project_id"],
        "memory_mb": flavor["ram"],
        "local_gb": (flavor.get("disk") or 0) + (flavor.get("ephemeral") or 0),
        "vcpus": flavor["vcpus"],
        "started_at": _format(launched),
        "ended_at": _format(terminated) if terminated is not None else None,
        "state": "terminated" if terminated is not None else server["vm_state"],
        "uptime": int(uptime.total_seconds()),
    }


def _hours(launched, terminated, start, stop) -> float:
    """The part of the window the server ran, in hours (Nova's _hours_for)."""
    if terminated is not None and terminated < start:
        return 0
    if launched > stop:
        return 0
    ran_from = max(launched, start)
    ran_to = min(stop, terminated) if terminated is not None else stop
    return (ran_to - ran_from).total_seconds() / 3600.0


def _time(seconds: float | None) -> dt.datetime | None:
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).replace(tzinfo=None)


def _format(when: dt.datetime) -> str:
    return when.strftime(_OUTPUT_FORMAT)
