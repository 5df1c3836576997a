"""The deprecated os-hosts API (2.1-2.42; nova/api/openstack/compute/hosts.py, nova/compute/api.py
HostAPI): the hosts of every enabled service with their zone, a compute host's resources, and the
host actions the libvirt driver does not implement (set_host_enabled, host_maintenance_mode,
host_power_action raise NotImplementedError in nova/virt/driver.py: 501).
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import compute_services, hypervisors
from fakenova.errors import APIError, NotFound

_RULE = "os_compute_api:os-hosts:"
# A service's RPC topic, which os-hosts shows as "service".
_TOPIC = {"nova-compute": "compute", "nova-conductor": "conductor", "nova-scheduler": "scheduler"}


def authorize(context, action: str) -> None:
    policy.authorize(context, _RULE + action)


def list_hosts(backend, zone: str | None) -> list[dict]:
    """service_get_all(disabled=False, set_zones=True): enabled services, in the zone if one is asked."""
    with backend.store.lock:
        services = sorted(backend.store.services.values(), key=lambda s: s["id"])
        return [{"host_name": s["host"], "service": _TOPIC.get(s["binary"], s["binary"]), "zone": s["zone"]}
                for s in services if not s["disabled"] and (not zone or s["zone"] == zone)]


def show(backend, host: str) -> list[dict]:
    """(total), (used_now), (used_max) and one row per project with servers on the host."""
    if compute_services.compute_service(backend, host) is None:
        raise NotFound(f"Host '{host}' is not mapped to any cell")
    node = hypervisors.usage(backend, host)
    servers = hypervisors.servers_on(backend, host)

    def row(project, cpu, memory, disk):
        return {"resource": {"host": host, "project": project, "cpu": cpu, "memory_mb": memory, "disk_gb": disk}}

    def sums(group):
        return (sum(s["flavor"]["vcpus"] for s in group), sum(s["flavor"]["ram"] for s in group),
                sum((s["flavor"].get("disk") or 0) + (s["flavor"].get("ephemeral") or 0) for s in group))

    rows = [row("(total)", node["vcpus"], node["memory_mb"], node["local_gb"]),
            row("(used_now)", node["vcpus_used"], node["memory_mb_used"], node["local_gb_used"]),
            row("(used_max)", *sums(servers))]
    for project in dict.fromkeys(s["project_id"] for s in servers):
        rows.append(row(project, *sums([s for s in servers if s["project_id"] == project])))
    return rows


def not_supported(backend, host: str) -> None:
    """HostAPI._assert_host_exists, then the driver's NotImplementedError (common.raise_feature_not_supported)."""
    if compute_services.compute_service(backend, host) is None:
        raise NotFound(f"Compute host {host} could not be found.")
    raise APIError("The requested functionality is not supported.", code=501)
