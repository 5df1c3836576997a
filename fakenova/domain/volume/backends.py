"""The Cinder deployment behind fakenova's volumes, as devstack leaves it: a cinder-scheduler on
``compute1`` and a cinder-volume with one LVM backend and pool (``compute1@lvmdriver-1#lvmdriver-1``)
in availability zone ``nova``. It answers the admin's service, host, pool and capability calls and the
availability-zone list. No Flask here.

The two services are fixed; what an admin changes (enabled or disabled, the reason, frozen) is kept
in ``store.volume_services`` (``"<binary>@<host>"`` -> changes). Services report on the fake clock, so
they are always up.

Checked against cinder/api/v3/services.py, cinder/api/contrib/hosts.py, scheduler_stats.py,
capabilities.py, availability_zones.py, cinder/db/api.py (_filter_host: "compute1" also matches
"compute1@lvmdriver-1"), cinder/volume/drivers/lvm.py and driver.py (the LVM stats and the standard
capability properties), Cinder master 2026.
"""

from __future__ import annotations

from fakenova.domain.volume.policy import require_admin
from fakenova.errors import BadRequest, NotFound

HOST_NAME = "compute1"
BACKEND = f"{HOST_NAME}@lvmdriver-1"
POOL = f"{BACKEND}#lvmdriver-1"  # os-vol-host-attr:host of every volume; Tempest's pattern is .+@.+#.+
ZONE = "nova"  # [DEFAULT]storage_availability_zone
SERVICES = (("cinder-scheduler", HOST_NAME), ("cinder-volume", BACKEND))
TOTAL_CAPACITY_GB = 1000.0

# The LVM driver's stats (volume/drivers/lvm.py _update_volume_stats) and the standard capability
# properties every driver reports (volume/driver.py _init_standard_capabilities).
BACKEND_STATS = {"volume_backend_name": "lvmdriver-1", "vendor_name": "Open Source", "driver_version": "3.0.0",
                 "storage_protocol": "iSCSI"}
PROPERTIES = {
    "thin_provisioning": {"title": "Thin Provisioning", "description": "Sets thin provisioning.", "type": "boolean"},
    "compression": {"title": "Compression", "description": "Enables compression.", "type": "boolean"},
    "qos": {"title": "QoS", "description": "Enables QoS.", "type": "boolean"},
    "replication_enabled": {"title": "Replication", "description": "Enables replication.", "type": "boolean"},
}


def matches_host(host: str, wanted: str) -> bool:
    """cinder/db/api.py _filter_host: a plain host also matches its backends and pools, a backend its
    pools, a pool only itself."""
    if "#" in wanted:
        return host == wanted
    if host == wanted or host.startswith(wanted + "#"):
        return True
    return "@" not in wanted and host.startswith(wanted + "@")


def services(backend) -> list[dict]:
    """The services with what admins changed, each: binary, host, disabled, disabled_reason, frozen,
    updated_at (now: they report on the fake clock)."""
    now = backend.clock.time()
    found = []
    for binary, host in SERVICES:
        record = {"binary": binary, "host": host, "disabled": False, "disabled_reason": None, "frozen": False,
                  "updated_at": now}
        record.update(backend.store.volume_services.get(f"{binary}@{host}", {}))
        found.append(record)
    return found


def list_services(backend, context, *, host: str | None, binary: str | None) -> list[dict]:
    require_admin(context, "volume_extension:services:index")
    return [s for s in services(backend)
            if (host is None or matches_host(s["host"], host)) and (binary is None or s["binary"] == binary)]


def set_service_enabled(backend, context, *, host: str | None, binary: str, enabled: bool,
                        reason: str | None = None) -> None:
    """PUT os-services/enable|disable|disable-log-reason: Service.get_by_args(host, binary) is
    db.service_get, so the host matches as _filter_host does and no host matches any."""
    require_admin(context, "volume_extension:services:update")
    found = next(((b, h) for b, h in SERVICES if b == binary and (host is None or matches_host(h, host))), None)
    if found is None:
        where = f" on host {host}" if host else ""
        raise NotFound(f"Service {binary} could not be found{where}.")
    changes = backend.store.volume_services.setdefault("@".join(found), {})
    changes["disabled"] = not enabled
    if enabled:
        changes["disabled_reason"] = None
    elif reason:
        changes["disabled_reason"] = reason


def set_frozen(backend, context, host: str | None, frozen: bool) -> None:
    """PUT os-services/freeze|thaw (volume/api.py freeze_host, thaw_host): a host with no cinder-volume
    is the ServiceNotFound that services.py turns into InvalidInput (400)."""
    require_admin(context, "volume_extension:services:update")
    if not host or not matches_host(BACKEND, host):
        raise BadRequest(f"Invalid input received: No service found with host={host}")
    backend.store.volume_services.setdefault(f"cinder-volume@{BACKEND}", {})["frozen"] = frozen


def hosts(backend, context, zone: str | None = None) -> list[dict]:
    """GET os-hosts (contrib/hosts.py _list_hosts): the services that are not disabled."""
    require_admin(context, "volume_extension:hosts")
    return [s for s in services(backend) if not s["disabled"] and (not zone or zone == ZONE)]


def host_usage(backend, context, host: str) -> list[dict]:
    """GET os-hosts/{host}: the volumes and snapshots on the cinder-volume host, in total and per
    project; every number a string, as Cinder writes them."""
    require_admin(context, "volume_extension:hosts")
    volume_service = next((s for s in services(backend) if s["binary"] == "cinder-volume"), None)
    if volume_service is None or not matches_host(volume_service["host"], host) or "#" in host:
        raise NotFound(f"Service cinder-volume could not be found on host {host}.")
    store = backend.store
    volumes = [v for v in store.volumes.values() if matches_host(POOL, host)]
    projects = sorted({v["project_id"] for v in volumes})
    rows = []
    for project in projects:
        owned = [v for v in volumes if v["project_id"] == project]
        snaps = [s for s in store.volume_snapshots.values() if s["project_id"] == project]
        rows.append({"host": host, "project": project, "volume_count": str(len(owned)),
                     "total_volume_gb": str(sum(v["size"] for v in owned)), "snapshot_count": str(len(snaps)),
                     "total_snapshot_gb": str(sum(s["size"] for s in snaps))})
    total = {"host": host, "project": "(total)", "volume_count": str(len(volumes)),
             "total_volume_gb": str(sum(v["size"] for v in volumes)),
             "snapshot_count": str(sum(int(r["snapshot_count"]) for r in rows)),
             "total_snapshot_gb": str(sum(int(r["total_snapshot_gb"]) for r in rows))}
    return [total] + rows


def pool_capabilities(backend) -> dict:
    """What the LVM pool reports to the scheduler (GET scheduler-stats/get_pools?detail=true)."""
    store = backend.store
    allocated = sum(v["size"] for v in store.volumes.values())
    return {"pool_name": "lvmdriver-1", "total_capacity_gb": TOTAL_CAPACITY_GB,
            "free_capacity_gb": max(TOTAL_CAPACITY_GB - allocated, 0.0), "reserved_percentage": 0,
            "location_info": f"LVMVolumeDriver:{HOST_NAME}:stack-volumes-lvmdriver-1:thin:0", "QoS_support": False,
            "provisioned_capacity_gb": float(allocated), "max_over_subscription_ratio": "20.0",
            "thin_provisioning_support": True, "thick_provisioning_support": False,
            "total_volumes": len(store.volumes) + 1, "filter_function": None, "goodness_function": None,
            "multiattach": True, "backend_state": "up", "allocated_capacity_gb": allocated, "cacheable": True,
            **BACKEND_STATS, "timestamp": backend.clock.time()}


def pools(backend, context, *, name: str | None = None) -> list[dict]:
    require_admin(context, "scheduler_extension:scheduler_stats:get_pools")
    return [] if name is not None and name != POOL else [{"name": POOL, "capabilities": pool_capabilities(backend)}]


def capabilities(backend, context, host: str) -> dict:
    """GET capabilities/{host} (contrib/capabilities.py, views/capabilities.py summary)."""
    require_admin(context, "volume_extension:capabilities")
    if not matches_host(BACKEND, host):  # host_or_cluster: a pool names no service
        raise NotFound(f"Can't find service: {host}")
    return {"namespace": f"OS::Storage::Capabilities::{BACKEND}", **{k: BACKEND_STATS[k] for k in (
        "vendor_name", "volume_backend_name")}, "pool_name": None, "driver_version": BACKEND_STATS["driver_version"],
        "storage_protocol": BACKEND_STATS["storage_protocol"], "display_name": None, "description": None,
        "visibility": None, "replication_targets": [], "properties": dict(PROPERTIES)}
