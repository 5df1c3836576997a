"""Compute nodes (os-hypervisors): one libvirt/QEMU node per compute host, named after the host.

A node's usage is what Nova's resource tracker would report from the servers the fake placed on
it: vcpus and RAM of their flavors (plus the 512 MiB ``reserved_host_memory_mb``), root plus
ephemeral disk, the number of servers, and the ones with a task in progress as the workload. Its
state and status are its nova-compute service's (``compute_services``).

Checked against nova/api/openstack/compute/hypervisors.py and nova/db/main/api.py
(compute_node_search_by_hypervisor: a SQL LIKE '%pattern%'), master, API 2.104.
"""

from __future__ import annotations

import json
import re
import uuid

from fakenova.domain import paging, policy
from fakenova.domain.compute import compute_services, lifecycle
from fakenova.errors import BadRequest, NotFound
from fakenova.validation import is_uuid_like

_RULE = "os_compute_api:os-hypervisors:"
_NAMESPACE = uuid.UUID("0c5d1f7e-2a8b-4d6e-9f3a-6879706572ff")

# What each node reports (a modest devstack VM); usage is computed from the servers on it.
VCPUS, MEMORY_MB, LOCAL_GB = 8, 32768, 200
RESERVED_HOST_MEMORY_MB = 512
HYPERVISOR_TYPE, HYPERVISOR_VERSION = "QEMU", 8002002  # QEMU 8.2.2 as libvirt reports it
CPU_INFO = {"arch": "x86_64", "model": "EPYC-Rome", "vendor": "AMD",
            "topology": {"cells": 1, "sockets": 1, "cores": 8, "threads": 1},
            "features": ["sse2", "ssse3", "sse4.1", "sse4.2", "avx", "avx2", "aes", "svm", "x2apic"],
            "maxphysaddr": {"mode": "passthrough", "bits": 40}}


def authorize(context, rule: str) -> None:
    policy.authorize(context, _RULE + rule, context.project_id)


def _node(backend, number: int, host: str) -> dict | None:
    service = compute_services.compute_service(backend, host)
    if service is None:
        return None
    return {"id": number, "uuid": str(uuid.uuid5(_NAMESPACE, host)), "hypervisor_hostname": host, "host": host,
            "host_ip": f"192.168.56.{10 + number}", "hypervisor_type": HYPERVISOR_TYPE,
            "hypervisor_version": HYPERVISOR_VERSION, "service": dict(service)}


def all_nodes(backend) -> list[dict]:
    """Every compute node, by id (the order of Nova's compute_nodes table)."""
    with backend.store.lock:
        found = (_node(backend, number, host) for number, host in enumerate(lifecycle.COMPUTE_HOSTS, start=1))
        return [node for node in found if node is not None]


def page(backend, *, limit: int | None, marker: str | None, by_uuid: bool) -> list[dict]:
    """A page of nodes after ``marker`` (an id below 2.53, a uuid from 2.53)."""
    nodes = all_nodes(backend)
    if marker is not None:
        key = "uuid" if by_uuid else "id"
        position = next((i for i, node in enumerate(nodes) if str(node[key]) == marker), None)
        if position is None:
            raise BadRequest(f"marker [{marker}] not found")
        nodes = nodes[position + 1:]
    return nodes[:paging.capped(limit)]


def matching(backend, pattern: str) -> list[dict]:
    """Nodes whose hostname is LIKE '%pattern%' (``_`` matches any one character; case-insensitive
    as MySQL's default collation); 404 when none does."""
    regex = re.compile(".*".join(".".join(re.escape(p) for p in part.split("_")) for part in pattern.split("%")),
                       re.IGNORECASE)
    found = [node for node in all_nodes(backend) if regex.search(node["hypervisor_hostname"])]
    if not found:
        raise NotFound(f"No hypervisor matching '{pattern}' could be found.")
    return found


def get(backend, node_id: str, *, by_uuid: bool) -> dict:
    """One node by id (below 2.53: an integer, anything else is not found) or uuid (2.53+: 400 if not one)."""
    if by_uuid:
        if not is_uuid_like(node_id):
            raise BadRequest(f"Invalid uuid {node_id}")
    else:
        try:
            int(node_id)
        except ValueError:
            raise NotFound(f"Hypervisor with ID '{node_id}' could not be found.") from None
    key = "uuid" if by_uuid else "id"
    for node in all_nodes(backend):
        if str(node[key]) == (node_id.lower() if by_uuid else str(int(node_id))):
            return node
    raise NotFound(f"Hypervisor with ID '{node_id}' could not be found.")


def servers_on(backend, host: str) -> list[dict]:
    """instance_get_all_by_host: the servers (not deleted) that hold the host, oldest first."""
    with backend.store.lock:
        return sorted((s for s in backend.store.servers.values() if s.get("host") == host and not s.get("deleted")),
                      key=lambda s: s["internal_id"])


def usage(backend, host: str) -> dict:
    """The resource tracker's view of a node: totals, used, free, workload and instance count."""
    on_host = servers_on(backend, host)
    vcpus_used = sum(s["flavor"]["vcpus"] for s in on_host)
    memory_used = RESERVED_HOST_MEMORY_MB + sum(s["flavor"]["ram"] for s in on_host)
    disk_used = sum((s["flavor"].get("disk") or 0) + (s["flavor"].get("ephemeral") or 0) for s in on_host)
    return {"vcpus": VCPUS, "memory_mb": MEMORY_MB, "local_gb": LOCAL_GB, "vcpus_used": vcpus_used,
            "memory_mb_used": memory_used, "local_gb_used": disk_used, "free_ram_mb": MEMORY_MB - memory_used,
            "free_disk_gb": LOCAL_GB - disk_used,
            "current_workload": sum(1 for s in on_host if s.get("task_state") is not None),
            "running_vms": len(on_host), "disk_available_least": LOCAL_GB - disk_used}


def cpu_info_text() -> str:
    """The compute node's cpu_info column: JSON text (shown as is below 2.28, parsed from 2.28)."""
    return json.dumps(CPU_INFO)


def uptime(backend, node: dict) -> str:
    """What libvirt's get_host_uptime returns: the output of ``uptime`` on the host; the host booted
    when the fake was seeded (its compute service's creation)."""
    now = backend.clock.now()
    elapsed = max(0, int(backend.clock.time() - node["service"]["created_at"]))
    days, rest = divmod(elapsed, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        up = f"{days} day{'s' if days != 1 else ''}, {hours:2d}:{minutes:02d}"
    elif hours:
        up = f"{hours:2d}:{minutes:02d}"
    else:
        up = f"{minutes} min"
    return f" {now:%H:%M:%S} up {up},  0 users,  load average: 0.00, 0.00, 0.00"
