"""Scale: list pages and creates with 1,000 to 100,000 servers in the store; memory per server.

Requests go through the whole app in process (Flask's test client: routing, auth, microversion,
validation, settle, views, journal), without a socket, so the figures show how the app's own work
grows with the store, in this thread's CPU time (on a shared machine, wall-clock time doubled at
random with other jobs' load, which made the ratios between store sizes noise). How the store is
filled: see ``benchmarks.population``.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from benchmarks import population
from benchmarks.harness import Config, Report, Row, median_of, median_seconds
from fakenova.app import create_app
from fakenova.backend import Backend

GROUP = "scale"
DETAIL = "/compute/v2.1/servers/detail?limit=100"
VARIANTS = {
    "GET /servers/detail?limit=100": "",
    f"… &name={population.FILTERED_ROLE} (1 in {population.FILTER_EVERY} match)": f"&name={population.FILTERED_ROLE}",
    "… &marker=<the middle server>": "&marker={marker}",
}


# Finite, and far above what the timed creates use (at most a few dozen m1.tiny servers).
QUOTA_FOR_CREATES = {"instances": 1_000, "cores": 1_000, "ram": 1_000_000}


def _size_label(size: int) -> str:
    return f"{size:,} servers"


class Scaled:
    def __init__(self, size: int):
        self.backend = Backend(population.bench_settings())
        self.app = create_app(backend=self.backend)
        self.client = self.app.test_client()
        started = time.perf_counter()
        self.ids = population.fill(self.backend, population.user_context(self.backend), size)
        self.fill_seconds = time.perf_counter() - started
        self.headers = self._login("demo")
        # alt_demo owns none of the filled servers and has a finite quota (large enough for every timed
        # create): its creates count its own servers, a few among ``size``.
        self.quota_headers = self._login("alt_demo")
        alt = next(p["id"] for p in self.backend.store.projects.values() if p["name"] == "alt_demo")
        self.backend.store.quotas[alt] = dict(QUOTA_FOR_CREATES)

    def _login(self, user: str) -> dict:
        response = self.client.post("/identity/v3/auth/tokens", json={"auth": {
            "identity": {"methods": ["password"], "password": {
                "user": {"name": user, "domain": {"name": "Default"}, "password": user}}},
            "scope": {"project": {"name": user, "domain": {"name": "Default"}}}}})
        assert response.status_code == 201, response.get_data(as_text=True)
        return {"X-Auth-Token": response.headers["X-Subject-Token"], "OpenStack-API-Version": "compute latest"}

    def get(self, path: str):
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    def check_full_page(self, path: str) -> None:
        """Once, untimed: parsing the body is the client's work, not the app's."""
        assert len(self.get(path).get_json()["servers"]) == 100, f"a full page for {path}"

    def create(self, headers: dict | None = None) -> None:
        body = population.create_body(self.backend, "scaled")
        response = self.client.post("/compute/v2.1/servers", json=body, headers=headers or self.headers)
        assert response.status_code == 202, response.get_data(as_text=True)

    def create_within_quota(self) -> None:
        self.create(self.quota_headers)


def run(config: Config, report: Report) -> None:
    first = config.sizes[0]
    for size in config.sizes:
        scaled = Scaled(size)
        marker = scaled.ids[len(scaled.ids) // 2]
        for variant, suffix in VARIANTS.items():
            path = DETAIL + suffix.format(marker=marker)
            scaled.check_full_page(path)
            seconds = median_seconds(lambda: scaled.get(path), number=5, repeats=config.repeats,
                                      clock=time.thread_time)
            name = f"{variant}, {_size_label(size)}"
            row = Row(GROUP, name, seconds)
            if size != first:
                row.baseline = f"{variant}, {_size_label(first)}"
            if size >= 100_000:
                row.target = "≤ 3× at 1,000"
                row.met = seconds <= 3 * report.find(GROUP, row.baseline).value
            report.add(row)
        create_name = "POST /servers (networks none)"
        report.add(Row(GROUP, f"{create_name}, {_size_label(size)}",
                       median_seconds(scaled.create, number=5, repeats=config.repeats,
                                      clock=time.thread_time),
                       baseline=None if size == first else f"{create_name}, {_size_label(first)}"))
        quota_name = "POST /servers with a finite quota (another project; its own servers few)"
        report.add(Row(GROUP, f"{quota_name}, {_size_label(size)}",
                       median_seconds(scaled.create_within_quota, number=5, repeats=config.repeats,
                                      clock=time.thread_time),
                       baseline=None if size == first else f"{quota_name}, {_size_label(first)}"))
        report.notes.append(f"{GROUP}: filling {size:,} servers took {scaled.fill_seconds:.2f} s "
                            f"({scaled.fill_seconds / size * 1e6:.1f} µs per server)")
        scaled = None  # the filled store goes before the next, larger one is built
        gc.collect()
    report.notes.append(f"{GROUP}: the filled project's quotas on instances, cores and RAM are unlimited (-1); "
                        "the finite-quota creates run as alt_demo, whose usage is counted from its own servers "
                        "only (server_order's per-project list), not from a scan of the store")
    _memory(config, report)


def _bytes_per_server(count: int, networks: str) -> float:
    backend = Backend(population.bench_settings())
    context = population.user_context(backend)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(count):
            population.create_one(backend, context, f"mem-{index}", networks=networks)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / count


def _memory(config: Config, report: Report) -> None:
    runs = min(config.repeats, 3)
    for count, networks, what in ((config.memory_servers, "none", "no port"), (40, "auto", "with its Neutron port")):
        per_server = median_of(_bytes_per_server(count, networks) for _ in range(runs)) / 1024
        report.add(Row(GROUP, f"memory per server (domain create ×{count:,}, {what})", per_server, unit="KB",
                       target="< 10 KB", met=per_server < 10))
