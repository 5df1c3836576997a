"""Availability zones as a two-node devstack shows them: the compute hosts in zone "nova", the
control services in the "internal" zone, which only the admin detail view lists.
"""

from __future__ import annotations

from fakenova.domain.compute.lifecycle import COMPUTE_HOST, COMPUTE_HOSTS

DEFAULT_ZONE = "nova"
INTERNAL_ZONE = "internal"  # Nova's [DEFAULT]internal_service_availability_zone

# (binary, host, zone) for every service the fake pretends to run (os-services lists them; an admin
# may disable or force down the nova-compute ones).
SERVICES = (
    ("nova-conductor", COMPUTE_HOST, INTERNAL_ZONE),
    ("nova-scheduler", COMPUTE_HOST, INTERNAL_ZONE),
    *(("nova-compute", host, DEFAULT_ZONE) for host in COMPUTE_HOSTS),
)


def zone_names(backend) -> list[str]:
    """The zones users may pick from (the internal one is hidden), all available: each compute
    host's zone, which host aggregates set (domain/compute/aggregates.py keeps the records' zone)."""
    return sorted({zone for _, _, zone in _services(backend)} - {INTERNAL_ZONE})


def _services(backend) -> list[tuple[str, str, str]]:
    """(binary, host, zone) as the service records say now; SERVICES before they are seeded."""
    records = getattr(backend.store, "services", {})
    if not records:
        return list(SERVICES)
    return [(s["binary"], s["host"], s["zone"]) for s in sorted(records.values(), key=lambda s: s["id"])]


def zone_hosts(backend) -> list[tuple[str, dict]]:
    """Every zone with {host: {binary: {available, active, updated_at}}}, sorted by zone name.

    ``updated_at`` is the last service heartbeat; the fake's services report "now".
    """
    heartbeat = backend.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%f")
    # The service records (domain/compute/compute_services.py): "available" is up (not forced down),
    # "active" is enabled.
    records = {(s["binary"], s["host"]): s for s in getattr(backend.store, "services", {}).values()}
    zones: dict[str, dict] = {}
    for binary, host, zone in _services(backend):
        record = records.get((binary, host)) or {}
        zones.setdefault(zone, {}).setdefault(host, {})[binary] = {
            "available": not record.get("forced_down"), "active": not record.get("disabled"),
            "updated_at": heartbeat}
    return sorted(zones.items())
