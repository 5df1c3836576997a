"""Nova's service records (os-services) and what the fake scheduler reads from them.

A devstack-like deployment: nova-conductor and nova-scheduler in the "internal" zone on the first
compute host, nova-compute on each of ``lifecycle.COMPUTE_HOSTS`` in zone "nova"
(``availability_zones.SERVICES``). Every service heartbeats on the fake clock, so a service is
"up" unless an admin forced it down (servicegroup's ``service_is_up``). Admins may disable a
nova-compute service (with a reason) or force it down; the scheduler then leaves that host out
(ComputeFilter), and only a forced-down source host may be evacuated.

Checked against nova/api/openstack/compute/services.py and nova/servicegroup (master, API 2.104).
Not built: DELETE /os-services/{id}, and the check that refuses to force a host back up while
"done" evacuation records remain (the fake has no compute restart that would complete them).
"""

from __future__ import annotations

import uuid

from fakenova.domain import policy
from fakenova.domain.compute import availability_zones
from fakenova.errors import BadRequest, NotFound
from fakenova.validation import is_uuid_like

COMPUTE = "nova-compute"
_RULE = "os_compute_api:os-services:"
# Service uuids are fixed (uuid5 of binary@host): seeding them must not move the id generator.
_NAMESPACE = uuid.UUID("5e1d3c8a-0f4b-4f55-9a55-6e6f76612d73")


def seed(backend) -> None:
    now = backend.clock.time()
    backend.store.services = {
        str(number): {"id": number, "uuid": str(uuid.uuid5(_NAMESPACE, f"{binary}@{host}")), "binary": binary,
                      "host": host, "zone": zone, "disabled": False, "disabled_reason": None,
                      "forced_down": False, "created_at": now}
        for number, (binary, host, zone) in enumerate(availability_zones.SERVICES, start=1)}


def _records(backend) -> list[dict]:
    return sorted(getattr(backend.store, "services", {}).values(), key=lambda s: s["id"])


def is_up(service: dict) -> bool:
    """servicegroup: a forced-down service is down; the others heartbeat on the fake clock."""
    return not service["forced_down"]


def list_all(backend, context, host: str | None, binary: str | None) -> list[dict]:
    """GET /os-services: every service, filtered on exact host and binary (empty means no filter)."""
    policy.authorize(context, _RULE + "list", context.project_id)
    with backend.store.lock:
        return [_shown(backend, s) for s in _records(backend)
                if (not host or s["host"] == host) and (not binary or s["binary"] == binary)]


def _shown(backend, service: dict) -> dict:
    """A copy with ``updated_at`` at the last heartbeat: every service reports on the fake clock."""
    return dict(service, updated_at=backend.clock.time())


def compute_service(backend, host: str) -> dict | None:
    return next((s for s in _records(backend) if s["binary"] == COMPUTE and s["host"] == host), None)


def update_by_uuid(backend, context, service_id: str, request: dict) -> dict:
    """PUT /os-services/{uuid} (2.53+): status / disabled_reason / forced_down (already a bool), after
    schema validation. Any field given counts as a change, as on Nova's versioned object."""
    if not is_uuid_like(service_id):
        raise BadRequest(f"Invalid uuid {service_id}")
    policy.authorize(context, _RULE + "update", context.project_id)
    store = backend.store
    with store.lock:
        service = next((s for s in _records(backend) if s["uuid"] == service_id), None)
        if service is None:
            raise NotFound(f"Service {service_id} could not be found.")
        _only_compute(service["binary"])
        changed = {}
        if "status" in request:
            if request["status"] == "enabled":
                if request.get("disabled_reason"):
                    raise BadRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.")
                changed.update(disabled=False, disabled_reason=None)
            else:
                changed.update(disabled=True, disabled_reason=request.get("disabled_reason"))
        if "forced_down" in request:
            changed["forced_down"] = bool(request["forced_down"])
        if not changed:
            raise BadRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.")
        service.update(changed)
        return _shown(backend, service)


def update_by_host(backend, context, host: str, binary: str, changes: dict) -> None:
    """The pre-2.53 actions (enable, disable, disable-log-reason, force-down) name host and binary;
    the binary is checked first, then the host's cell mapping (@target_host_cell)."""
    _only_compute(binary)
    with backend.store.lock:
        service = next((s for s in _records(backend) if s["host"] == host and s["binary"] == binary), None)
        if service is None:
            raise NotFound(f"Host '{host}' is not mapped to any cell")
        service.update(changes)


def authorize_update(context) -> None:
    policy.authorize(context, _RULE + "update", context.project_id)


def _only_compute(binary: str) -> None:
    if binary != COMPUTE:
        raise BadRequest(f"Updating a {binary} service is not supported. Only nova-compute services can be "
                         "updated.")


# --- what the scheduler and evacuate read ----------------------------------------------------------

def schedulable(backend, host: str) -> bool:
    """ComputeFilter: the host's nova-compute service is enabled and up (unknown hosts pass: a
    fake whose store predates services schedules as before)."""
    service = compute_service(backend, host)
    return service is None or (not service["disabled"] and is_up(service))


def check_source_down(backend, host: str | None) -> None:
    """compute API evacuate: the source host's compute service must be down (ComputeServiceInUse)."""
    service = compute_service(backend, host) if host else None
    if service is not None and is_up(service):
        raise BadRequest(f"Compute service of {host} is still in use.")


# --- ids ---------------------------------------------------------------------------------

