"""One request through the production server (granian, ``RunningServer``) over loopback with a
keep-alive ``requests.Session``, against a bare Flask route served the same way: what one client's
request costs end to end. Throughput under load, against mimic: ``benchmarks.wire``."""

from __future__ import annotations

import requests
from flask import Flask, jsonify

from benchmarks import population
from benchmarks.harness import Config, Report, Row, median_seconds
from fakenova.app import create_app
from fakenova.backend import Backend
from fakenova.server import RunningServer

GROUP = "request"
BASELINE = "baseline: bare Flask route, small JSON"
VERSION = {"OpenStack-API-Version": "compute latest"}
LIST_SERVERS = 100
CREATE_BATCH = 40          # < the 61 addresses of the seeded private subnet
ACTION_RULE = "/compute/v2.1/servers/<server_id>/action"


def bare_app() -> Flask:
    app = Flask("bare")

    @app.get("/ping")
    def ping():
        return jsonify({"ping": "pong", "ok": True})

    return app


class Fake:
    """A fakenova behind the production server, with a demo token and a server that has a port."""

    def __init__(self):
        self.backend = Backend(population.bench_settings())
        self.app = create_app(backend=self.backend)
        self.server = RunningServer(self.app).start()
        self.url = self.server.url
        self.session = requests.Session()
        self.prepare()

    def prepare(self) -> None:
        """Back to the seeded state with a fresh token, one server with a port and 100 without."""
        self.backend.reset()
        self.token = self.issue_token().headers["X-Subject-Token"]
        self.headers = {**VERSION, "X-Auth-Token": self.token}
        population.fill(self.backend, population.user_context(self.backend), LIST_SERVERS - 1)
        self.server_id = self.create_server("with-port").json()["server"]["id"]

    def issue_token(self) -> requests.Response:
        response = self.session.post(f"{self.url}/identity/v3/auth/tokens", json={"auth": {
            "identity": {"methods": ["password"], "password": {
                "user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
            "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}})
        assert response.status_code == 201, response.text
        return response

    def get(self, path: str) -> requests.Response:
        response = self.session.get(f"{self.url}/compute/v2.1{path}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response

    def create_server(self, name: str = "bench") -> requests.Response:
        body = population.create_body(self.backend, name, networks="auto")
        response = self.session.post(f"{self.url}/compute/v2.1/servers", json=body, headers=self.headers)
        assert response.status_code == 202, response.text
        return response

    def reboot(self) -> None:
        response = self.session.post(f"{self.url}/compute/v2.1/servers/{self.server_id}/action",
                                     json={"reboot": {"type": "SOFT"}}, headers=self.headers)
        assert response.status_code == 202, response.text

    def has_actions(self) -> bool:
        return any(rule.rule == ACTION_RULE for rule in self.app.url_map.iter_rules())

    def stop(self) -> None:
        self.session.close()
        self.server.stop()


def run(config: Config, report: Report) -> None:
    n, repeats = config.requests_per_batch, config.repeats
    bare = RunningServer(bare_app()).start()
    fake = Fake()
    try:
        session = requests.Session()
        bare_url = f"{bare.url}/ping"
        report.add(Row(GROUP, BASELINE, median_seconds(lambda: session.get(bare_url), number=n, repeats=repeats)))
        report.add(Row(GROUP, "POST /identity/v3/auth/tokens (issue a token)",
                       median_seconds(fake.issue_token, number=n, repeats=repeats), baseline=BASELINE))
        path = f"/servers/{fake.server_id}"
        report.add(Row(GROUP, "GET /servers/{id} (one server, latest)",
                       median_seconds(lambda: fake.get(path), number=n, repeats=repeats), baseline=BASELINE))
        report.add(Row(GROUP, f"GET /servers/detail?limit=100 ({LIST_SERVERS} servers)",
                       median_seconds(lambda: fake.get("/servers/detail?limit=100"), number=max(10, n // 10),
                                      repeats=repeats), baseline=BASELINE))
        if fake.has_actions():
            report.add(Row(GROUP, "POST /servers/{id}/action reboot (instant)",
                           median_seconds(fake.reboot, number=n, repeats=repeats), baseline=BASELINE))
        else:
            report.add(Row(GROUP, "POST /servers/{id}/action", None, baseline=BASELINE,
                           note="skipped: fakenova has no server actions route yet"))
        report.add(Row(GROUP, "POST /servers (networks auto, instant build)",
                       median_seconds(fake.create_server, number=CREATE_BATCH, repeats=repeats, setup=fake.prepare),
                       baseline=BASELINE))
    finally:
        fake.stop()
        bare.stop()
