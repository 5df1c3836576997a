"""The NUMA cells a flavor asks for: Nova's automatic layout, checked at create and resize and shown
by GET /servers/{id}/topology (``server_topology``).

Checked against nova/virt/hardware.py (``numa_get_constraints``, ``_get_numa_topology_auto``,
``_get_numa_pagesize_constraint``, ``get_cpu_policy_constraint``, ``_get_numa_node_count_constraint``).
The fake host offers 4 KiB and 2 MiB pages.
"""

from __future__ import annotations

import re

from fakenova.errors import BadRequest

CPU_POLICIES = ("dedicated", "shared", "mixed")  # nova.objects.fields.CPUAllocationPolicy.ALL
SMALL_PAGE_KB, LARGE_PAGE_KB = 4, 2048

# oslo_utils.strutils.string_to_bytes in its default IEC unit system.
_IEC_SIZE = re.compile(r"^([-+]?\d*\.?\d+)([KMGT]i?)?(b|bit|B)$")
_IEC_POWERS = {None: 0, "K": 1, "Ki": 1, "M": 2, "Mi": 2, "G": 3, "Gi": 3, "T": 4, "Ti": 4}


def cells(flavor: dict) -> list[dict] | None:
    """The instance NUMA cells the flavor asks for ([{id, cpus, memory, dedicated, pagesize}]) or None.

    Raises Nova's 400s for specs it cannot honour (the same texts the create and resize answers carry).
    """
    specs = flavor.get("extra_specs") or {}
    cpu_policy = specs.get("hw:cpu_policy")
    if cpu_policy and cpu_policy not in CPU_POLICIES:
        raise BadRequest(f"CPU policy requested from 'flavor extra specs' is invalid, given: '{cpu_policy}', "
                         f"available: '{CPU_POLICIES}'.")
    nodes = specs.get("hw:numa_nodes")
    if nodes is not None and (not _is_int_like(nodes) or int(nodes) < 1):
        raise BadRequest(f"The property 'numa_nodes' cannot be '{nodes}'. It must be a number greater than 0")
    pagesize = _page_size(specs.get("hw:mem_page_size"))
    if not (nodes or pagesize or cpu_policy in ("dedicated", "mixed")):
        return None
    count = int(nodes or 1)
    vcpus, memory = int(flavor["vcpus"]), int(flavor["ram"])
    if vcpus % count or memory % count:
        raise BadRequest("Instance CPUs and/or memory cannot be evenly distributed across instance NUMA nodes. "
                         "Explicit assignment of CPUs and memory to nodes is required")
    per_node_cpus, per_node_memory = vcpus // count, memory // count
    return [{"id": node, "cpus": list(range(node * per_node_cpus, (node + 1) * per_node_cpus)),
             "memory": per_node_memory, "dedicated": cpu_policy == "dedicated",
             "pagesize": _host_page(pagesize, per_node_memory)} for node in range(count)]


def _is_int_like(value) -> bool:
    # oslo_utils.strutils.is_int_like: the text of an int, nothing more.
    try:
        return str(int(value)) == str(value)
    except (TypeError, ValueError):
        return False


def _page_size(request: str | None) -> int | str | None:
    """"small", "large", "any", or a size in KiB; 400 for what Nova cannot read."""
    if not request:
        return None
    if request in ("small", "large", "any"):
        return request
    if request.isdigit():
        return int(request)
    match = _IEC_SIZE.match(request)
    if match is None:
        raise BadRequest(f"Invalid memory page size '{request}'")
    number, unit, suffix = match.groups()
    size = float(number) * 1024 ** _IEC_POWERS[unit]
    if suffix == "bit":
        size /= 8
    return int(size / 1024)


def _host_page(pagesize, memory_mb: int) -> int | None:
    """The page size the fake host backs a cell with: "any" takes the largest that divides the
    cell's memory, as Nova's fitting does."""
    if pagesize is None:
        return None
    if pagesize == "small":
        return SMALL_PAGE_KB
    if pagesize == "large":
        return LARGE_PAGE_KB
    if pagesize == "any":
        return LARGE_PAGE_KB if (memory_mb * 1024) % LARGE_PAGE_KB == 0 else SMALL_PAGE_KB
    return pagesize
