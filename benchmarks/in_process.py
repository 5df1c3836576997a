"""In process: requests through werkzeug's test client (the same client for both), fakenova's app
against a bare Flask route answering a small JSON body, as a test using the app directly sees them.

Timed in this thread's CPU time (``time.thread_time``): nothing here waits, so what other processes
on a shared machine do stays out of the figures. The targets are ratios to the bare route measured
in the same run; list and create were measured at 22.6× and 5.5× the bare route before the lean
request path (fakenova 9f1f543 on a 2-CPU Xeon), and are to cost at most half of that.
"""

from __future__ import annotations

import time

from werkzeug.test import Client

from benchmarks import population
from benchmarks.harness import Config, Report, Row, median_seconds
from benchmarks.requests_group import bare_app
from fakenova.app import create_app
from fakenova.backend import Backend

GROUP = "in process"
BASELINE = "baseline: bare Flask route, small JSON (werkzeug test client)"
LIST_BEFORE, CREATE_BEFORE = 22.6, 5.5   # × the bare route, before (see the docstring)
GET_TARGET = 0.8                         # × the bare route's rate


class InProcess:
    """A fakenova app with a demo token, 100 servers and one with a port, called without a socket."""

    def __init__(self):
        self.backend = Backend(population.bench_settings())
        self.client = Client(create_app(backend=self.backend))
        response = self.client.post("/identity/v3/auth/tokens", json={"auth": {
            "identity": {"methods": ["password"], "password": {
                "user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
            "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}})
        assert response.status_code == 201, response.get_data(as_text=True)
        self.headers = {"X-Auth-Token": response.headers["X-Subject-Token"], "OpenStack-API-Version": "compute latest"}
        population.fill(self.backend, population.user_context(self.backend), 99)
        created = self.client.post("/compute/v2.1/servers", headers=self.headers,
                                   json=population.create_body(self.backend, "with-port", networks="auto"))
        assert created.status_code == 202, created.get_data(as_text=True)
        self.server_path = f"/compute/v2.1/servers/{created.get_json()['server']['id']}"
        self.create_body = population.create_body(self.backend, "in-process")

    def get(self, path: str) -> None:
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == 200, response.get_data(as_text=True)

    def create(self) -> None:
        response = self.client.post("/compute/v2.1/servers", json=self.create_body, headers=self.headers)
        assert response.status_code == 202, response.get_data(as_text=True)


def run(config: Config, report: Report) -> None:
    n, repeats = config.requests_per_batch, max(config.repeats, 5)
    bare = Client(bare_app())
    fake = InProcess()

    def timed(operation, number):
        return median_seconds(operation, number=number, repeats=repeats, clock=time.thread_time)

    bare_seconds = timed(lambda: bare.get("/ping"), n * 2)
    report.add(Row(GROUP, BASELINE, 1 / bare_seconds, unit="req/s"))
    get_rate = 1 / timed(lambda: fake.get(fake.server_path), n)
    report.add(Row(GROUP, "GET /servers/{id} (one server with a port, latest)", get_rate, unit="req/s",
                   baseline=BASELINE, target=f"≥ {GET_TARGET}× baseline", met=get_rate * bare_seconds >= GET_TARGET,
                   note=_get_note(get_rate * bare_seconds)))

    seconds_baseline = "baseline: the same bare Flask route, per request"
    report.add(Row(GROUP, seconds_baseline, bare_seconds))
    list_seconds = timed(lambda: fake.get("/compute/v2.1/servers/detail?limit=100"), max(10, n // 10))
    list_limit = LIST_BEFORE / 2
    report.add(Row(GROUP, "GET /servers/detail?limit=100 (100 servers, latest)", list_seconds,
                   baseline=seconds_baseline, target=f"≤ {list_limit:.1f}× (half of {LIST_BEFORE}×)",
                   met=list_seconds / bare_seconds <= list_limit))
    create_seconds = timed(fake.create, max(20, n // 5))
    create_limit = CREATE_BEFORE / 2
    report.add(Row(GROUP, "POST /servers (networks none, instant build)", create_seconds,
                   baseline=seconds_baseline, target=f"≤ {create_limit:.2f}× (half of {CREATE_BEFORE}×)",
                   met=create_seconds / bare_seconds <= create_limit,
                   note=_create_note(create_seconds / bare_seconds, create_limit)))


def _create_note(ratio: float, limit: float) -> str:
    if ratio <= limit:
        return ""
    # Profiled (cProfile over 300 creates): the body's JSON Schema and the domain create each take
    # about a fifth of the request; the rest is what a GET runs too.
    return (f"misses by {(ratio - limit) / limit:.0%}: besides what a GET runs, a create validates the body "
            "against Nova's JSON Schema (jsonschema, about a fifth of it) and builds the server record, its "
            "ids and lifecycle (another fifth)")


def _get_note(ratio: float) -> str:
    if ratio >= GET_TARGET:
        return ""
    return (f"misses by {(GET_TARGET - ratio) / GET_TARGET:.0%}: a GET runs Flask's own request machinery "
            "(the whole baseline) plus Keystone token validation, microversion negotiation, policy, a view of "
            "~50 fields, the journal entry and Nova's response headers; Flask's own share is fixed")
