"""Compute nodes as os-hypervisors shows them (nova/api/openstack/compute/hypervisors.py
``_view_hypervisor``).

Every view: id (integer, the uuid from 2.53), hypervisor_hostname, state, status. Detail and show
add hypervisor_type, hypervisor_version, host_ip and the service {host, id, disabled_reason};
below 2.88 the resource columns and cpu_info (JSON text below 2.28, an object from 2.28); from
2.88 ``uptime`` instead. ``servers`` [{name, uuid}] when asked for and not empty (always, even
empty, from 2.75 when asked for).
"""

from __future__ import annotations

import json

from fakenova.domain.compute.compute_services import is_up
from fakenova.microversion import between

UUID_IDS = between("2.53")
CPU_INFO_OBJECT = between("2.28")
EMPTY_SERVERS_SHOWN = between("2.75")
WITHOUT_RESOURCES = between("2.88")

_RESOURCES = ("vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used", "local_gb_used", "free_ram_mb",
              "free_disk_gb", "current_workload", "running_vms", "disk_available_least")


def hypervisor(node: dict, version, *, detail: bool = False, usage: dict | None = None,
               cpu_info: str | None = None, uptime: str | None = None, servers: list[dict] | None = None,
               with_servers: bool = False) -> dict:
    service = node["service"]
    by_uuid = version in UUID_IDS
    item = {"id": node["uuid"] if by_uuid else node["id"], "hypervisor_hostname": node["hypervisor_hostname"],
            "state": "up" if is_up(service) else "down",
            "status": "disabled" if service["disabled"] else "enabled"}
    if detail:
        item.update(hypervisor_type=node["hypervisor_type"], hypervisor_version=node["hypervisor_version"],
                    host_ip=node["host_ip"])
        item["service"] = {"id": service["uuid"] if by_uuid else service["id"], "host": node["host"],
                           "disabled_reason": service["disabled_reason"]}
        if version in WITHOUT_RESOURCES:
            item["uptime"] = uptime
        else:
            item.update({name: usage[name] for name in _RESOURCES})
            item["cpu_info"] = json.loads(cpu_info) if version in CPU_INFO_OBJECT else cpu_info
    if servers:
        item["servers"] = [server_ref(server) for server in servers]
    elif with_servers and version in EMPTY_SERVERS_SHOWN:
        item["servers"] = []
    return item


def server_ref(server: dict) -> dict:
    """Nova lists a hosted server by its instance name (instance-%08x) and uuid."""
    return {"name": "instance-%08x" % server["internal_id"], "uuid": server["id"]}


def statistics(count: int, usages: list[dict]) -> dict:
    return {"count": count, **{name: sum(u[name] for u in usages) for name in _RESOURCES}}
