"""GET /servers/{id}/diagnostics: what the libvirt driver would report about a running guest.

Checked against nova/api/openstack/compute/server_diagnostics.py (``index``), nova/compute/api.py
(``get_instance_diagnostics`` under ``check_instance_host``), nova/compute/manager.py (only a RUNNING
power state answers) and nova/virt/libvirt/driver.py (``get_diagnostics``, ``get_instance_diagnostics``).

No guest runs here, so the numbers are made up, but never at random: they follow from the server (its
flavor, ports, disks) and from its uptime on the fake clock, so the same requests give the same body
and the counters grow as the clock moves. The fake host plays a libvirt/KVM compute node:

- below 2.48, libvirt's free-form dict (``cpu0_time``, ``vda_read``, ``tap<port>_rx``, ``memory`` in KiB,
  ``memory-<stat>``);
- from 2.48 the standardized body, with ``memory_details`` in MiB as the API reference says (the
  libvirt driver divides KiB by Mi there, which real clouds show as a GiB-ish number: not copied),
  and ``utilisation``, ``rx_rate``, ``tx_rate`` null, because libvirt never fills them.
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import lifecycle, servers
from fakenova.errors import Conflict

RULE = "os_compute_api:os-server-diagnostics"

DRIVER, HYPERVISOR, HYPERVISOR_OS = "libvirt", "kvm", "linux"

# nova.compute.power_state.STATE_MAP: the names the 409 and ``state`` use.
POWER_STATE_NAMES = {lifecycle.NOSTATE: "pending", lifecycle.RUNNING: "running", lifecycle.POWER_PAUSED: "paused",
                     lifecycle.SHUTDOWN: "shutdown", lifecycle.CRASHED: "crashed",
                     lifecycle.POWER_SUSPENDED: "suspended"}

# Made-up activity: a mostly idle guest. Per second of uptime unless said otherwise.
CPU_NS_PER_SECOND = 10_000_000          # 1% of a core
BOOT_READ_REQUESTS = 112                # what booting read from the root disk (once)
READ_REQUESTS_PER_MINUTE = 2
WRITE_REQUESTS_PER_MINUTE = 8
BYTES_PER_REQUEST = 4096
RX_PACKETS_PER_MINUTE = 30
TX_PACKETS_PER_MINUTE = 12
RX_BYTES_PER_PACKET = 78
TX_BYTES_PER_PACKET = 212
RSS_SHARE = 4                           # the guest's resident set is a quarter of its memory
NIC_NAME_LEN = 14                       # nova.network.model: "tap" + the port id, cut to 14


def standardized(backend, context, server_id: str) -> dict:
    """The 2.48+ body (nova/api/openstack/compute/views/server_diagnostics.py's fields)."""
    server, uptime = _running(backend, context, server_id)
    disks = _disks(server)
    nics = _nics(backend, server)
    ram = server["flavor"]["ram"]
    return {
        "state": POWER_STATE_NAMES[server["power_state"]],
        "driver": DRIVER,
        "hypervisor": HYPERVISOR,
        "hypervisor_os": HYPERVISOR_OS,
        "uptime": uptime,
        "config_drive": _has_config_drive(server),
        "num_cpus": server["flavor"]["vcpus"],
        "num_nics": len(nics),
        "num_disks": len(disks),
        "memory_details": {"maximum": ram, "used": ram},
        "cpu_details": [{"id": cpu, "time": _cpu_time(uptime), "utilisation": None}
                        for cpu in range(server["flavor"]["vcpus"])],
        "nic_details": [{"mac_address": port["mac_address"], **_nic_counters(uptime), "rx_rate": None,
                         "tx_rate": None} for port in nics],
        "disk_details": [_disk_counters(uptime, index) for index, _ in enumerate(disks)],
    }


def legacy(backend, context, server_id: str) -> dict:
    """The body below 2.48: libvirt's ``get_diagnostics`` dict."""
    server, uptime = _running(backend, context, server_id)
    body = {f"cpu{cpu}_time": _cpu_time(uptime) for cpu in range(server["flavor"]["vcpus"])}
    for index, device in enumerate(_disks(server)):
        counters = _disk_counters(uptime, index)
        body.update({f"{device}_read_req": counters["read_requests"], f"{device}_read": counters["read_bytes"],
                     f"{device}_write_req": counters["write_requests"], f"{device}_write": counters["write_bytes"],
                     f"{device}_errors": counters["errors_count"]})
    for port in _nics(backend, server):
        device = ("tap" + port["id"])[:NIC_NAME_LEN]
        counters = _nic_counters(uptime)
        body.update({f"{device}_rx": counters["rx_octets"], f"{device}_rx_packets": counters["rx_packets"],
                     f"{device}_rx_errors": counters["rx_errors"], f"{device}_rx_drop": counters["rx_drop"],
                     f"{device}_tx": counters["tx_octets"], f"{device}_tx_packets": counters["tx_packets"],
                     f"{device}_tx_errors": counters["tx_errors"], f"{device}_tx_drop": counters["tx_drop"]})
    kib = server["flavor"]["ram"] * 1024
    body["memory"] = kib
    body.update({"memory-actual": kib, "memory-swap_in": 0, "memory-swap_out": 0,
                 "memory-unused": kib - kib // RSS_SHARE, "memory-available": kib, "memory-usable": kib - kib // RSS_SHARE,
                 "memory-rss": kib // RSS_SHARE, "memory-last_update": int(backend.clock.time())})
    return body


def _running(backend, context, server_id: str) -> tuple[dict, int]:
    """The server and its uptime, after Nova's checks in Nova's order: lookup (404), policy (403),
    a host (409 "not ready"), then the power state the compute manager insists on (409)."""
    server = servers.get(backend, context, server_id)
    policy.authorize(context, RULE, server["project_id"])
    if not server.get("host"):
        raise Conflict(f"Instance {server_id} is not ready")
    if server["power_state"] != lifecycle.RUNNING:
        state = POWER_STATE_NAMES.get(server["power_state"], "pending")
        raise Conflict(f"Cannot 'get_diagnostics' instance {server_id} while it is in power state {state}")
    launched = server.get("launched_at")
    uptime = max(0, int(backend.clock.time() - launched)) if launched else 0
    return server, uptime


def _has_config_drive(server: dict) -> bool:
    # nova.virt.configdrive.required_by: asked for, or forced by the image.
    return bool(server.get("config_drive")) or (server.get("image_properties") or {}).get(
        "img_config_drive") == "mandatory"


def _disks(server: dict) -> list[str]:
    """The guest's disk targets as libvirt names them: the root disk, the flavor's ephemeral and swap
    disks, the config drive (a SATA cdrom on q35) and every other attached volume."""
    flavor = server["flavor"]
    local = ["root"]
    if flavor.get("ephemeral"):
        local.append("ephemeral")
    if flavor.get("swap"):
        local.append("swap")
    volumes = list(server.get("volumes_attached") or ())
    # A volume the server boots from is the root disk (vda), not one more disk.
    if any(volume.get("boot_index") == 0 for volume in volumes):
        volumes = [volume for volume in volumes if volume.get("boot_index") != 0]
    elif not server.get("image_ref") and volumes:
        volumes = volumes[1:]
    names = [f"vd{chr(ord('a') + index)}" for index in range(len(local) + len(volumes))]
    if _has_config_drive(server):
        names.append("sda")
    return names


def _nics(backend, server: dict) -> list[dict]:
    ports = (backend.store.ports.get(entry["id"]) for entry in server.get("ports") or ())
    return [port for port in ports if port is not None]


def _cpu_time(uptime: int) -> int:
    return uptime * CPU_NS_PER_SECOND


def _disk_counters(uptime: int, index: int) -> dict:
    # The root disk (index 0) did the boot reads; every disk sees the same trickle afterwards.
    reads = (BOOT_READ_REQUESTS if index == 0 else 0) + uptime * READ_REQUESTS_PER_MINUTE // 60
    writes = uptime * WRITE_REQUESTS_PER_MINUTE // 60
    # QEMU keeps no error count: libvirt's blockStats answers -1.
    return {"read_bytes": reads * BYTES_PER_REQUEST, "read_requests": reads,
            "write_bytes": writes * BYTES_PER_REQUEST, "write_requests": writes, "errors_count": -1}


def _nic_counters(uptime: int) -> dict:
    rx = uptime * RX_PACKETS_PER_MINUTE // 60
    tx = uptime * TX_PACKETS_PER_MINUTE // 60
    return {"rx_octets": rx * RX_BYTES_PER_PACKET, "rx_errors": 0, "rx_drop": 0, "rx_packets": rx,
            "tx_octets": tx * TX_BYTES_PER_PACKET, "tx_errors": 0, "tx_drop": 0, "tx_packets": tx}
