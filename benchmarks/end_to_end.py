"""End to end: openstacksdk creates a server and waits for ACTIVE, then deletes it and waits for it to
go, against fakenova behind waitress with every transition instant."""

from __future__ import annotations

import itertools
import time

import openstack

from benchmarks import population
from benchmarks.harness import Config, Report, Row, median_of, median_seconds
from benchmarks.requests_group import bare_app
from fakenova.app import create_app
from fakenova.backend import Backend
from fakenova.server import RunningServer

GROUP = "end to end"
BASELINE = "baseline: one keystoneauth GET of a bare Flask route"


def connect(url: str):
    return openstack.connect(auth_url=f"{url}/identity", username="demo", password="demo", project_name="demo",
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne",
                             load_yaml_config=False, load_envvars=False)


class TimedApp:
    """WSGI middleware adding up the time spent inside fakenova (the rest of a cycle is the client's)."""

    def __init__(self, app):
        self.app = app
        self.seconds = 0.0

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        try:
            return self.app(environ, start_response)
        finally:
            self.seconds += time.perf_counter() - started


def run(config: Config, report: Report) -> None:
    backend = Backend(population.bench_settings())
    timed = TimedApp(create_app(backend=backend))
    server = RunningServer(timed).start()
    bare = RunningServer(bare_app()).start()
    try:
        conn = connect(server.url)
        image, flavor = population.image_id(backend), population.FLAVOR_ID
        names = (f"e2e-{i}" for i in itertools.count())

        def cycle(auto_ip: bool):
            created = conn.create_server(next(names), image=image, flavor=flavor, network="private", wait=True,
                                         auto_ip=auto_ip, timeout=30)
            assert created.status == "ACTIVE", created.status
            assert conn.delete_server(created.id, wait=True, timeout=30)

        bare_url = f"{bare.url}/ping"
        report.add(Row(GROUP, BASELINE, median_seconds(lambda: conn.session.get(bare_url, authenticated=False),
                                                       number=50, repeats=config.repeats)))
        for auto_ip in (False, True):
            cycle(auto_ip)  # warm: token, catalog, version discovery, flavor and image look-ups
            before = len(backend.journal)
            cycle(auto_ip)
            per_cycle = len(backend.journal) - before
            inside = []

            def timed_cycle():
                before_inside = timed.seconds
                cycle(auto_ip)
                inside.append(timed.seconds - before_inside)

            seconds = median_seconds(timed_cycle, number=config.e2e_batch, repeats=config.repeats)
            target = {"target": "< 30 ms", "met": seconds < 0.030} if not auto_ip else {}
            name = f"create_server(wait=True) + delete_server(wait=True), auto_ip={auto_ip}"
            report.add(Row(GROUP, name, seconds, baseline=BASELINE, note=f"{per_cycle} HTTP requests per cycle",
                           **target))
            report.add(Row(GROUP, f"… of which inside fakenova's WSGI app, auto_ip={auto_ip}", median_of(inside),
                           baseline=BASELINE))
        conn.close()
    finally:
        bare.stop()
        server.stop()
