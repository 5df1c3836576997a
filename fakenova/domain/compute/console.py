"""The serial console log a server would have written: a CirrOS boot, the same text every time.

Built from the server's own record (name, addresses, boot time), so tests can look for the IP address
or the login prompt. ``length`` is applied as nova-compute's _tail_log does, quirks included: 0 gives
"", and -1 (documented as "all") drops the first line, because Nova slices ``lines[-length:]``.
"""

from __future__ import annotations

import datetime as dt
import re

# nova/api/openstack/compute/console_output.py strips these before answering.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f]")


def _boot_log(backend, server: dict) -> list[str]:
    launched = server.get("launched_at")
    if not launched:
        return []  # nothing booted yet: the log file is still empty
    addresses = [fixed["ip_address"] for entry in server.get("ports", ())
                 for fixed in (backend.store.ports.get(entry["id"]) or {}).get("fixed_ips", ())]
    stamp = dt.datetime.fromtimestamp(launched, tz=dt.timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")
    hostname = server.get("hostname") or "cirros"
    memory_kb = (server["flavor"].get("ram") or 512) * 1024
    lines = [
        "[    0.000000] Linux version 5.15.0-71-generic (buildd@lcy02-amd64-044) (gcc (Ubuntu 11.3.0-1ubuntu1~22.04) "
        "11.3.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #78-Ubuntu SMP Tue Apr 18 09:00:29 UTC 2023",
        "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=LABEL=cirros-rootfs ro console=tty1 console=ttyS0",
        "[    0.000000] DMI: OpenStack Foundation OpenStack Nova, BIOS 1.15.0-1 04/01/2014",
        f"[    0.412345] Memory: {memory_kb - 65536}K/{memory_kb}K available",
        "[    1.204511] virtio_net virtio0 eth0: renamed from ens3",
        "[    2.100233] EXT4-fs (vda1): mounted filesystem with ordered data mode. Opts: (null)",
        "Starting network: udhcpc: started, v1.36.1",
        "udhcpc: broadcasting discover",
    ]
    for address in addresses:
        lines.append(f"udhcpc: lease of {address} obtained from {_gateway(address)}, lease time 86400")
    lines += [
        "OK",
        "checking http://169.254.169.254/2009-04-04/instance-id",
        f"successful after 1/20 tries: up 4.21. iid={server['id']}",
        "=== system information ===",
        "Platform: OpenStack Foundation OpenStack Nova",
        "Container: none",
        "Arch: x86_64",
        f"CPU(s): {server['flavor'].get('vcpus', 1)} @ 2394.374 MHz",
        "=== datasource: ec2 net ===",
        f"instance-id: {server['id']}",
        f"name: {server['name']}",
        f"local-hostname: {hostname}",
        "=== cirros: current=0.6.2 uptime=6.02 ===",
        "  ____               ____  ____",
        " / __/ __ ____ ____ / __ \\/ __/",
        "/ /__ / // __// __// /_/ /\\ \\ ",
        "\\___//_//_/  /_/   \\____/___/ ",
        "   http://cirros-cloud.net",
        "",
        f"booted {stamp}",
        "",
        "login as 'cirros' user. default password: 'gocubsgo'. use 'sudo' for root.",
        f"{hostname} login: ",
    ]
    return lines


def _gateway(address: str) -> str:
    if ":" in address:
        return address.rsplit(":", 1)[0] + ":1"
    return address.rsplit(".", 1)[0] + ".1"


def output(backend, server: dict, length=None) -> str:
    """The console text, its last ``length`` lines if given (int, or a digit string)."""
    text = "\n".join(_boot_log(backend, server))
    if length is not None:
        count = int(length)
        text = "" if count == 0 else "\n".join(text.split("\n")[-count:])
    return _CONTROL_CHARACTERS.sub("", text)
