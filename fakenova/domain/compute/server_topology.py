"""A server's NUMA topology: what the flavor asks for (checked at create and resize) and what
GET /servers/{id}/topology (2.78+) shows.

Checked against nova/virt/hardware.py (``numa_get_constraints``, ``_get_numa_topology_auto``,
``_get_numa_pagesize_constraint``, ``get_cpu_policy_constraint``, ``_get_numa_node_count_constraint``),
nova/objects/instance_numa.py (``siblings``) and nova/api/openstack/compute/server_topology.py.

Nova gives a server a NUMA topology when its flavor asks for NUMA nodes (``hw:numa_nodes``), pinned CPUs
(``hw:cpu_policy`` dedicated or mixed) or a memory page size (``hw:mem_page_size``); otherwise the API
answers ``{"nodes": [], "pagesize_kb": null}``. The flavor's vCPUs and memory are split evenly across
the nodes, as Nova's automatic layout does. Only the flavor's extra specs are read (image properties
such as ``hw_numa_nodes`` are not), and explicit per-node layouts (``hw:numa_cpus.N``) are not modelled.

The fake host: NUMA node N of the host holds the instance's node N, its CPUs have no SMT siblings (so
``siblings`` is always []), it offers 4 KiB and 2 MiB pages, and a dedicated vCPU is pinned to host CPU
``HOST_CPUS_PER_NODE * node + position`` (no bookkeeping between servers).
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import numa_cells, servers
from fakenova.errors import BadRequest

HOST_CPUS_PER_NODE = 32


def show(backend, context, server_id: str) -> dict:
    """GET /servers/{id}/topology: host_node and cpu_pinning only for those the host rule admits."""
    server = servers.get(backend, context, server_id)
    policy.authorize(context, "compute:server:topology:index", server["project_id"])
    with_host = policy.allowed(context, "compute:server:topology:host:index", server["project_id"])
    try:
        layout = numa_cells.cells(server["flavor"])
    except BadRequest:
        layout = None  # a flavor edited after the boot: Nova keeps the topology it built, we show none
    if layout is None:
        return {"nodes": [], "pagesize_kb": None}
    nodes = []
    for cell in layout:
        node = {"vcpu_set": cell["cpus"], "siblings": [], "memory_mb": cell["memory"]}
        if with_host:
            node["host_node"] = cell["id"]
            node["cpu_pinning"] = ({str(cpu): HOST_CPUS_PER_NODE * cell["id"] + position
                                    for position, cpu in enumerate(cell["cpus"])} if cell["dedicated"] else {})
        nodes.append(node)
    return {"nodes": nodes, "pagesize_kb": layout[-1]["pagesize"]}






