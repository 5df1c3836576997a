"""/os-availability-zone and its admin /detail (nova/api/openstack/compute/availability_zone.py)."""

from __future__ import annotations

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route
from fakenova.domain import policy
from fakenova.domain.compute import availability_zones


@route("/os-availability-zone", methods=["GET"])
def list_availability_zones():
    query("availability_zones", "index")
    policy.authorize(context(), "os_compute_api:os-availability-zone:list")
    return {"availabilityZoneInfo": [
        {"zoneName": name, "zoneState": {"available": True}, "hosts": None}
        for name in availability_zones.zone_names(backend())]}


@route("/os-availability-zone/detail", methods=["GET"])
def list_availability_zones_detail():
    query("availability_zones", "index")
    policy.authorize(context(), "os_compute_api:os-availability-zone:detail")
    return {"availabilityZoneInfo": [
        {"zoneName": name, "zoneState": {"available": True}, "hosts": hosts}
        for name, hosts in availability_zones.zone_hosts(backend())]}
