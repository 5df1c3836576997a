"""What a Cinder deployment tells about itself: os-availability-zone, extensions, os-services,
os-hosts, scheduler-stats/get_pools and capabilities (cinder/api/contrib/availability_zones.py,
cinder/api/extensions.py, cinder/api/v3/services.py, cinder/api/contrib/hosts.py, scheduler_stats.py,
capabilities.py). The deployment itself is ``domain/volume/backends.py``."""

from __future__ import annotations

from flask import jsonify, request

from fakenova.api.common import backend, context, json_body
from fakenova.api.volume.blueprint import bp, check_project, is_true, version
from fakenova.clock import db_time
from fakenova.domain.volume import backends
from fakenova.errors import BadRequest, NotFound
from fakenova.microversion import between

CLUSTER = between("3.7")          # mv.CLUSTER_SUPPORT
BACKEND_STATE = between("3.49")   # mv.BACKEND_STATE_REPORT
POOL_FILTERS = between("3.28")    # mv.POOL_FILTER

# Cinder's extensions as it loads them (cinder/api/contrib/, file order): (name, alias, doc, updated).
EXTENSIONS = [
    ("AdminActions", "os-admin-actions", "Enable admin actions.", "2012-08-25T00:00:00+00:00"),
    ("AvailabilityZones", "os-availability-zone", "Describe Availability Zones.", "2013-06-27T00:00:00+00:00"),
    ("Backups", "backups", "Backups support.", "2012-12-12T00:00:00+00:00"),
    ("Capabilities", "capabilities", "Capabilities support.", "2015-08-31T00:00:00+00:00"),
    ("Cgsnapshots", "cgsnapshots", "cgsnapshots support.", "2014-08-18T00:00:00+00:00"),
    ("Consistencygroups", "consistencygroups", "consistency groups support.", "2014-08-18T00:00:00+00:00"),
    ("ExtendedServices", "os-extended-services", "Extended services support.", "2014-01-10T00:00:00-00:00"),
    ("ExtendedSnapshotAttributes", "os-extended-snapshot-attributes", "Extended SnapshotAttributes support.",
     "2012-06-19T00:00:00+00:00"),
    ("Hosts", "os-hosts", "Admin-only host administration.", "2011-06-29T00:00:00+00:00"),
    ("Qos_specs_manage", "qos-specs", "QoS specs support.", "2013-08-02T00:00:00+00:00"),
    ("QuotaClasses", "os-quota-class-sets", "Quota classes management support.", "2012-03-12T00:00:00+00:00"),
    ("Quotas", "os-quota-sets", "Quota management support.", "2011-08-08T00:00:00+00:00"),
    ("SchedulerHints", "OS-SCH-HNT", "Pass arbitrary key/value pairs to the scheduler.", "2013-04-18T00:00:00+00:00"),
    ("Scheduler_stats", "scheduler-stats", "Scheduler stats support.", "2014-09-07T00:00:00+00:00"),
    ("Services", "os-services", "Services support.", "2012-10-28T00:00:00-00:00"),
    ("SnapshotActions", "os-snapshot-actions", "Enable snapshot manager actions.", "2013-07-16T00:00:00+00:00"),
    ("SnapshotManage", "os-snapshot-manage", "Allows existing backend storage to be 'managed' by Cinder.",
     "2014-12-31T00:00:00+00:00"),
    ("SnapshotUnmanage", "os-snapshot-unmanage", "Enable volume unmanage operation.", "2014-12-31T00:00:00+00:00"),
    ("TypesExtraSpecs", "os-types-extra-specs", "Type extra specs support.", "2011-08-24T00:00:00+00:00"),
    ("TypesManage", "os-types-manage", "Types manage support.", "2011-08-24T00:00:00+00:00"),
    ("UsedLimits", "os-used-limits", "Provide data on limited resources that are being used.",
     "2013-10-03T00:00:00+00:00"),
    ("VolumeActions", "os-volume-actions", "Enable volume actions.", "2012-05-31T00:00:00+00:00"),
    ("VolumeEncryptionMetadata", "os-volume-encryption-metadata", "Volume encryption metadata retrieval support.",
     "2013-07-10T00:00:00+00:00"),
    ("VolumeHostAttribute", "os-vol-host-attr", "Expose host as an attribute of a volume.",
     "2011-11-03T00:00:00+00:00"),
    ("VolumeImageMetadata", "os-vol-image-meta", "Show image metadata associated with the volume.",
     "2012-12-07T00:00:00+00:00"),
    ("VolumeManage", "os-volume-manage", "Allows existing backend storage to be 'managed' by Cinder.",
     "2014-02-10T00:00:00+00:00"),
    ("VolumeMigStatusAttribute", "os-vol-mig-status-attr", "Expose migration_status as an attribute of a volume.",
     "2013-08-08T00:00:00+00:00"),
    ("VolumeTenantAttribute", "os-vol-tenant-attr", "Expose the internal project_id as an attribute of a volume.",
     "2011-11-03T00:00:00+00:00"),
    ("VolumeTransfer", "os-volume-transfer", "Volume transfer management support.", "2013-05-29T00:00:00+00:00"),
    ("VolumeTypeAccess", "os-volume-type-access", "Volume type access support.", "2014-06-26T00:00:00Z"),
    ("VolumeTypeEncryption", "encryption", "Encryption support for volume types.", "2013-07-01T00:00:00+00:00"),
    ("VolumeUnmanage", "os-volume-unmanage", "Enable volume unmanage operation.", "2012-05-31T00:00:00+00:00"),
]


def _extension(name: str, alias: str, description: str, updated: str) -> dict:
    return {"name": name, "alias": alias, "description": description, "updated": updated, "links": []}


@bp.get("/v3/<project_id>/extensions")
def list_extensions(project_id: str):
    """Cinder's list as it answers it: the document names every extension Cinder loads, whether or
    not fakenova models it (backups, consistency groups, QoS specs, manage are not modelled)."""
    check_project(project_id)
    return jsonify({"extensions": [_extension(*entry) for entry in EXTENSIONS]})


@bp.get("/v3/<project_id>/extensions/<alias>")
def show_extension(project_id: str, alias: str):
    check_project(project_id)
    for entry in EXTENSIONS:
        if entry[1] == alias:
            return jsonify({"extension": _extension(*entry)})
    raise NotFound("The resource could not be found.")


@bp.get("/v3/<project_id>/os-availability-zone")
def list_availability_zones(project_id: str):
    check_project(project_id)
    return jsonify({"availabilityZoneInfo": [{"zoneName": backends.ZONE, "zoneState": {"available": True}}]})


# --- services ------------------------------------------------------------------------------------

def _service_view(service: dict) -> dict:
    view = {"binary": service["binary"], "host": service["host"], "zone": backends.ZONE,
            "status": "disabled" if service["disabled"] else "enabled", "state": "up",
            "updated_at": db_time(service["updated_at"])}
    current = version()
    if current in BACKEND_STATE and service["binary"] == "cinder-volume":
        view["backend_state"] = "up"
    if current in CLUSTER:
        view["cluster"] = None
    view["disabled_reason"] = service["disabled_reason"]  # os-extended-services is loaded
    if service["binary"] == "cinder-volume":
        view.update(replication_status="disabled", active_backend_id=None, frozen=service["frozen"])
    return view


@bp.get("/v3/<project_id>/os-services")
def list_services(project_id: str):
    check_project(project_id)
    found = backends.list_services(backend(), context(), host=request.args.get("host"),
                                   binary=request.args.get("binary"))
    return jsonify({"services": [_service_view(service) for service in found]})


def _freeze_or_thaw(project_id: str, frozen: bool):
    check_project(project_id)
    data = json_body()
    backend().schemas.validate_body(data, "volume", "services", "freeze_and_thaw", version())
    backends.set_frozen(backend(), context(), data.get("host"), frozen)
    return "", 200  # Cinder's 200 with no body (services.py: "it should return HTTP 204")


@bp.put("/v3/<project_id>/os-services/freeze")
def freeze_host(project_id: str):
    return _freeze_or_thaw(project_id, True)


@bp.put("/v3/<project_id>/os-services/thaw")
def thaw_host(project_id: str):
    return _freeze_or_thaw(project_id, False)


def _set_enabled(project_id: str, schema: str, enabled: bool):
    """enable, disable, disable-log-reason (v3/services.py): the body names the service by binary
    (or the deprecated service key) and host; the answer echoes them. get-log, set-log and
    failover_host have no route here, so they are the not-modelled 404."""
    check_project(project_id)
    data = json_body()
    backend().schemas.validate_body(data, "volume", "services", schema, version())
    reason = data.get("disabled_reason")
    if reason is not None and not reason.strip():  # the disabled_reason format check strips first
        raise BadRequest(f"Invalid input for field/attribute disabled_reason. Value: {reason}. {reason!r} is not a "
                         "'disabled_reason'")
    service, binary = data.get("service", ""), data.get("binary", "")
    backends.set_service_enabled(backend(), context(), host=data.get("host"), binary=binary or service,
                                 enabled=enabled, reason=reason)
    body = {"host": data.get("host"), "service": service, "binary": binary,
            "status": "enabled" if enabled else "disabled", "disabled": not enabled}
    if enabled or schema == "disable_log_reason":  # enable clears the reason (Tempest's enable_service schema)
        body["disabled_reason"] = reason
    return jsonify(body)


@bp.put("/v3/<project_id>/os-services/enable")
def enable_service(project_id: str):
    return _set_enabled(project_id, "enable_and_disable", True)


@bp.put("/v3/<project_id>/os-services/disable")
def disable_service(project_id: str):
    return _set_enabled(project_id, "enable_and_disable", False)


@bp.put("/v3/<project_id>/os-services/disable-log-reason")
def disable_log_reason(project_id: str):
    return _set_enabled(project_id, "disable_log_reason", False)


# --- hosts, pools, capabilities --------------------------------------------------------------------

@bp.get("/v3/<project_id>/os-hosts")
def list_hosts(project_id: str):
    check_project(project_id)
    return jsonify({"hosts": [{"host_name": s["host"], "service": s["binary"], "zone": backends.ZONE,
                               "service-status": "available", "service-state": "enabled",
                               "last-update": db_time(s["updated_at"])}
                              for s in backends.hosts(backend(), context(), request.args.get("zone"))]})


@bp.get("/v3/<project_id>/os-hosts/<host>")
def show_host(project_id: str, host: str):
    check_project(project_id)
    return jsonify({"host": [{"resource": row} for row in backends.host_usage(backend(), context(), host)]})


@bp.get("/v3/<project_id>/scheduler-stats/get_pools")
def get_pools(project_id: str):
    check_project(project_id)
    name = request.args.get("name") if version() in POOL_FILTERS else None
    found = backends.pools(backend(), context(), name=name)
    if is_true(request.args.get("detail", "false")):
        return jsonify({"pools": [{"name": p["name"], "capabilities": {
            **p["capabilities"], "timestamp": db_time(p["capabilities"]["timestamp"])}} for p in found]})
    return jsonify({"pools": [{"name": p["name"]} for p in found]})


@bp.get("/v3/<project_id>/capabilities/<host>")
def show_capabilities(project_id: str, host: str):
    check_project(project_id)
    return jsonify(backends.capabilities(backend(), context(), host))
