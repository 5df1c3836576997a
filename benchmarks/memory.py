"""Memory over a long life: the process's RSS after a load a CI container or a team sandbox sees in
weeks (logins, create/delete cycles), then a fake month, then the same again.

The load runs in a fresh interpreter (``python -m benchmarks.memory LOGINS CYCLES`` prints JSON), so
the figure is fakenova's alone: in-process WSGI calls (werkzeug's client), instant transitions, a
frozen clock that only the month moves. After the month, the first 100 requests drain what fell due
(expired tokens, servers past ``deleted_retention``), a bounded batch each. Python keeps freed memory
for reuse rather than handing it back, so the first figure is close to the load's peak; the second
run is the test of boundedness: it reuses that memory and should add next to nothing.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import subprocess
import sys

from benchmarks.harness import Config, Report, Row

GROUP = "memory"
MONTH = 31 * 86400
AFTER_THE_MONTH = 100   # requests after the month, each forgetting a bounded batch
TARGET_MB = 64
FLAT_MB = 4


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return None


def _child(logins: int, cycles: int) -> dict:
    from werkzeug.test import Client

    from benchmarks import population
    from fakenova.app import create_app
    from fakenova.backend import Backend
    from fakenova.clock import Clock

    logging.getLogger("fakenova").setLevel(logging.WARNING)
    clock = Clock(frozen=True)
    backend = Backend(population.bench_settings(), clock=clock)
    client = Client(create_app(backend=backend))
    auth = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}
    body = population.create_body(backend, "short-lived", networks="auto")

    def login() -> dict:
        response = client.post("/identity/v3/auth/tokens", json=auth)
        assert response.status_code == 201, response.get_data(as_text=True)
        return {"X-Auth-Token": response.headers["X-Subject-Token"], "OpenStack-API-Version": "compute latest"}

    def load(logins: int, cycles: int) -> None:
        for _ in range(logins):
            headers = login()
        for _ in range(cycles):
            created = client.post("/compute/v2.1/servers", json=body, headers=headers)
            assert created.status_code == 202, created.get_data(as_text=True)
            deleted = client.delete(f"/compute/v2.1/servers/{created.get_json()['server']['id']}", headers=headers)
            assert deleted.status_code == 204, deleted.get_data(as_text=True)
        clock.advance(MONTH)
        headers = login()
        for _ in range(AFTER_THE_MONTH):
            assert client.get("/compute/v2.1/servers", headers=headers).status_code == 200

    load(50, 10)  # warm: imports, compiled schemas, caches
    gc.collect()
    baseline = _rss_mb()
    load(logins, cycles)
    gc.collect()
    first = _rss_mb()
    load(logins, cycles)
    gc.collect()
    second = _rss_mb()
    store = backend.store
    return {"baseline": baseline, "first": first, "second": second,
            "left": {"tokens": len(store.tokens), "servers": len(store.servers),
                     "instance_actions": len(store.instance_actions)}, "journal": len(backend.journal)}


def run(config: Config, report: Report) -> None:
    logins, cycles = config.long_run
    result = subprocess.run([sys.executable, "-m", "benchmarks.memory", str(logins), str(cycles)],
                            capture_output=True, text=True, timeout=1800, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    load = f"{logins:,} logins + {cycles:,} create/delete cycles, then a fake month"
    if figures["baseline"] is None:
        report.add(Row(GROUP, f"RSS growth: {load}", None, unit="MB", note="needs /proc/self/statm (Linux)"))
        return
    growth = figures["first"] - figures["baseline"]
    again = figures["second"] - figures["first"]
    left = ", ".join(f"{count} {name}" for name, count in figures["left"].items())
    report.add(Row(GROUP, f"RSS growth: {load}", growth, unit="MB", target=f"< {TARGET_MB} MB",
                   met=growth < TARGET_MB,
                   note=(f"misses by {growth - TARGET_MB:.1f} MB: Python keeps freed memory for reuse, so this is "
                         f"close to the load's peak ({logins:,} live tokens, {cycles:,} deleted servers inside "
                         "their retention day, the journal full); " if growth >= TARGET_MB else "") +
                        f"a fresh process; left in the store after the second month and its first "
                        f"{AFTER_THE_MONTH} requests: {left}; the journal holds its {figures['journal']:,} "
                        "newest entries"))
    report.add(Row(GROUP, "… the same load and month again: further growth", again, unit="MB",
                   target=f"< {FLAT_MB} MB (flat)", met=again < FLAT_MB))


if __name__ == "__main__":
    print(json.dumps(_child(int(sys.argv[1]), int(sys.argv[2]))))
