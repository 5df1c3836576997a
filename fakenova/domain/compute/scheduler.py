"""Nova's scheduler over fakenova's two compute hosts: where each instance of a build lands.

Filters as Nova names them (nova/scheduler/filters/): ComputeFilter (service enabled and up),
AvailabilityZoneFilter (the requested zone, which host aggregates give a host),
SameHostFilter and DifferentHostFilter (hints ``same_host`` / ``different_host``: instance uuids),
ServerGroupAffinityFilter and ServerGroupAntiAffinityFilter (the ``group`` hint; anti-affinity allows
``rules.max_server_per_host``, default 1). Weighing: the first host that passes, except that the soft
policies prefer the host with the most (soft-affinity) or fewest (soft-anti-affinity) members, as
ServerGroupSoftAffinityWeigher / ServerGroupSoftAntiAffinityWeigher do. A multi-create is placed as a
whole or not at all, as select_destinations does: None means NoValidHost for every instance.
"""

from __future__ import annotations

from collections import Counter

from fakenova.domain.compute import compute_services, lifecycle, server_groups


def select_hosts(backend, *, count: int, forced_host: str | None, requested_host: str | None,
                 group: dict | None, hints: dict, zone: str | None = None) -> list[str] | None:
    if forced_host:
        return [forced_host] * count  # az:host skips the filters in Nova too
    candidates = [requested_host] if requested_host else list(lifecycle.COMPUTE_HOSTS)
    candidates = [host for host in candidates if compute_services.schedulable(backend, host)]
    if zone:
        candidates = [host for host in candidates if compute_services.compute_service(backend, host)["zone"] == zone]
    if "same_host" in hints and _uuids(hints["same_host"]):
        same = _hosts_of(backend, _uuids(hints["same_host"]))
        candidates = [host for host in candidates if host in same]
    if "different_host" in hints:
        different = _hosts_of(backend, _uuids(hints["different_host"]))
        candidates = [host for host in candidates if host not in different]
    members = _member_hosts(backend, group)
    chosen = []
    for _ in range(count):
        passing = [host for host in candidates if _group_allows(group, host, members)]
        if not passing:
            return None
        host = _weigh(group, passing, members)
        chosen.append(host)
        members[host] += 1
    return chosen


def _uuids(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value or [] if isinstance(item, str)]


def host_of(server: dict) -> str | None:
    """The host a server holds, or the one its build is heading for (claimed at scheduling)."""
    if server.get("host"):
        return server["host"]
    pending = server.get("transition") or {}
    if server["vm_state"] == lifecycle.BUILDING and not pending.get("fault"):
        return server.get("requested_host")
    return None


def _hosts_of(backend, server_ids: list[str]) -> set[str]:
    servers = backend.store.servers
    return {host for sid in server_ids if sid in servers and not servers[sid].get("deleted")
            for host in [host_of(servers[sid])] if host}


def _member_hosts(backend, group: dict | None) -> Counter:
    if group is None:
        return Counter()
    servers = backend.store.servers
    return Counter(host for member in server_groups.live_members(backend, group)
                   for host in [host_of(servers[member])] if host)


def _group_allows(group: dict | None, host: str, members: Counter) -> bool:
    if group is None:
        return True
    if group["policy"] == "affinity":
        return not members or host in members
    if group["policy"] == "anti-affinity":
        return members[host] < group["rules"].get("max_server_per_host", 1)
    return True


def _weigh(group: dict | None, passing: list[str], members: Counter) -> str:
    if group is not None and group["policy"] == "soft-affinity":
        return max(passing, key=lambda host: members[host])
    if group is not None and group["policy"] == "soft-anti-affinity":
        return min(passing, key=lambda host: members[host])
    return passing[0]
