"""Service records as os-services shows them (nova/api/openstack/compute/services.py
``_get_service_detail``): the integer id, or the uuid from 2.53; ``forced_down`` from 2.11."""

from __future__ import annotations

from fakenova.clock import db_time
from fakenova.domain.compute.compute_services import is_up
from fakenova.microversion import between

WITH_FORCED_DOWN = between("2.11")
UUID_IDS = between("2.53")


def detail(service: dict, version) -> dict:
    item = {
        "binary": service["binary"],
        "host": service["host"],
        "id": service["uuid"] if version in UUID_IDS else service["id"],
        "zone": service["zone"],
        "status": "disabled" if service["disabled"] else "enabled",
        "state": "up" if is_up(service) else "down",
        "updated_at": db_time(service["updated_at"]),
        "disabled_reason": service["disabled_reason"],
    }
    if version in WITH_FORCED_DOWN:
        item["forced_down"] = service["forced_down"]
    return item
