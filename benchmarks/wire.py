"""Over the wire: requests per second that ``wrk`` gets over loopback keep-alive connections, from
fakenova (its production server, as ``fakenova serve`` runs it) and from mimic 2.2.0, the fastest
other fake, both started here in the same run.

wrk (C, epoll, one thread) is the load generator: it is not the bottleneck, since it gets several
times more from the same server when the app answers without Python work (the "ceiling" row).
mimic is optional and kept out of fakenova's environment (it pins an old attrs): ``make mimic``
puts it in ``.venv-mimic``; FAKENOVA_BENCH_MIMIC may name another Python that has it. Where wrk or
mimic is absent, the rows say so.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks import population
from benchmarks.harness import Config, Report, Row, median_of
from benchmarks.requests_group import bare_app
from fakenova.app import create_app
from fakenova.backend import Backend
from fakenova.server import RunningServer

GROUP = "over the wire"
CONNECTIONS = (1, 8)
TARGET = 2.0   # × mimic
ROOT = Path(__file__).resolve().parent.parent
MIMIC_VENV = ROOT / ".venv-mimic"
NO_WRK = "wrk not installed (Debian: apt-get install wrk)"
NO_MIMIC = "mimic not installed (make mimic, or pip install mimic==2.2.0 attrs==23.2.0 in another venv)"
# mimic answers any image and flavor; its compute API is Rackspace's Nova v2.
MIMIC_CREATE = {"server": {"name": "bench", "imageRef": "image", "flavorRef": "2"}}


def wrk(url: str, connections: int, seconds: float, *, method: str = "GET", headers: dict | None = None,
        body: dict | None = None) -> float:
    """Requests per second over ``connections`` keep-alive connections; RuntimeError on socket errors
    or answers other than 2xx/3xx."""
    lines = [f'wrk.method = "{method}"']
    for name, value in (headers or {}).items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    if body is not None:
        lines.append('wrk.headers["Content-Type"] = "application/json"')
        lines.append(f"wrk.body = [[{json.dumps(body)}]]")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        result = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url],
                                capture_output=True, text=True, timeout=seconds + 60, check=True)
    finally:
        os.unlink(script.name)
    return parse_wrk(result.stdout)


def parse_wrk(output: str) -> float:
    for problem in ("Non-2xx or 3xx responses", "Socket errors"):
        if problem in output:
            raise RuntimeError(f"wrk: {problem}:\n{output}")
    match = re.search(r"^Requests/sec:\s*([\d.]+)", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no rate:\n{output}")
    return float(match.group(1))


# --- the fakes -----------------------------------------------------------------------------------

class Fakenova:
    def __init__(self):
        self.backend = Backend(population.bench_settings())
        self.server = RunningServer(create_app(backend=self.backend)).start()
        session = requests.Session()
        response = session.post(f"{self.server.url}/identity/v3/auth/tokens", json={"auth": {
            "identity": {"methods": ["password"], "password": {
                "user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
            "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}})
        response.raise_for_status()
        self.headers = {"X-Auth-Token": response.headers["X-Subject-Token"],
                        "OpenStack-API-Version": "compute latest"}
        self.servers_url = f"{self.server.url}/compute/v2.1/servers"
        created = session.post(self.servers_url, headers=self.headers,
                               json=population.create_body(self.backend, "with-port", networks="auto"))
        created.raise_for_status()
        self.server_url = f"{self.servers_url}/{created.json()['server']['id']}"
        # Creates under load take no port: the seeded subnet has 61 addresses.
        self.create_body = population.create_body(self.backend, "wire")
        session.close()

    def stop(self) -> None:
        self.server.stop()


class Mimic:
    """mimic 2.2.0 under twistd on a free port, with one server to GET."""

    def __init__(self, python: str):
        self.port = _free_port()
        twistd = str(Path(python).parent / "twistd")
        # Logs to stdout, thrown away: given a file (even /dev/null) twistd rotates it every MB by
        # renaming it, and as root that replaced the machine's /dev/null with a regular file.
        self.process = subprocess.Popen([twistd, "-n", "--pidfile=", "--logfile=-", "mimic", "-l",
                                         f"tcp:{self.port}:interface=127.0.0.1"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.post(f"{base}/identity/v2.0/tokens", json={"auth": {
                    "passwordCredentials": {"username": "bench", "password": "bench"}, "tenantName": "bench"}},
                    timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("mimic did not start") from None
                time.sleep(0.1)
        catalog = response.json()["access"]["serviceCatalog"]
        compute = next(s for s in catalog if s["type"] == "compute" and s["name"] == "cloudServersOpenStack")
        self.servers_url = f"{compute['endpoints'][0]['publicURL']}/servers"
        created = requests.post(self.servers_url, json=MIMIC_CREATE, timeout=10)
        created.raise_for_status()
        self.server_url = f"{self.servers_url}/{created.json()['server']['id']}"
        self.headers: dict = {}
        self.create_body = MIMIC_CREATE

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def mimic_python() -> str | None:
    """A Python with mimic: FAKENOVA_BENCH_MIMIC, else .venv-mimic, else this one."""
    named = os.environ.get("FAKENOVA_BENCH_MIMIC")
    if named:
        return named
    candidate = MIMIC_VENV / "bin" / "python"
    if candidate.exists():
        return str(candidate)
    if importlib.util.find_spec("mimic") is not None:
        return sys.executable
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ceiling_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def _fresh_mimic_creates(python: str, connections: int, seconds: float) -> float:
    """mimic's create rate from an empty store: it slows as its servers pile up (fakenova's creates
    cost the same at any store size: the scale group), so each figure gets a new mimic."""
    fresh = Mimic(python)
    try:
        return wrk(fresh.servers_url, connections, seconds, method="POST", body=MIMIC_CREATE)
    finally:
        fresh.stop()


# --- the rows ------------------------------------------------------------------------------------

def _plural(connections: int) -> str:
    return f"{connections} connection{'s' if connections > 1 else ''}"


def run(config: Config, report: Report) -> None:
    seconds = 2 if config.quick else 4
    repeats = 1 if config.quick else 3
    if shutil.which("wrk") is None:
        report.add(Row(GROUP, "GET and POST /servers: fakenova and mimic", None, unit="req/s", note=NO_WRK))
        return
    python = mimic_python()
    mimic = Mimic(python) if python else None
    fake = Fakenova()
    ceiling = RunningServer(_ceiling_app).start()
    bare = RunningServer(bare_app()).start()
    try:
        def rate(url, connections, **kwargs) -> float:
            return median_of(wrk(url, connections, seconds, **kwargs) for _ in range(repeats))

        for connections in CONNECTIONS:
            report.add(Row(GROUP, f"ceiling: a WSGI callable without Flask, same server, {_plural(connections)}",
                           rate(f"{ceiling.url}/", connections), unit="req/s"))
            report.add(Row(GROUP, f"a bare Flask route, same server, {_plural(connections)}",
                           rate(f"{bare.url}/ping", connections), unit="req/s"))
        for label, method, target_of in (("GET /servers/{id}", "GET", lambda f: f.server_url),
                                         ("POST /servers", "POST", lambda f: f.servers_url)):
            fakenova_rates = {}
            for connections in CONNECTIONS:
                mimic_name = f"mimic 2.2.0: {label}, {_plural(connections)}"
                mimic_rate = None
                if mimic is not None and method == "GET":
                    mimic_rate = rate(mimic.server_url, connections)
                elif mimic is not None:
                    mimic_rate = median_of(_fresh_mimic_creates(python, connections, seconds) for _ in range(repeats))
                report.add(Row(GROUP, mimic_name, mimic_rate, unit="req/s", note="" if mimic else NO_MIMIC))
                fake_rate = rate(target_of(fake), connections, method=method, headers=fake.headers,
                                 body=fake.create_body if method == "POST" else None)
                fakenova_rates[connections] = fake_rate
                ratio = fake_rate / mimic_rate if mimic_rate else None
                report.add(Row(GROUP, f"fakenova: {label}, {_plural(connections)}", fake_rate, unit="req/s",
                               baseline=mimic_name if mimic_rate else None, target=f"≥ {TARGET:g}× mimic",
                               met=None if ratio is None else ratio >= TARGET,
                               note="" if ratio is None or ratio >= TARGET else
                               f"misses by {(TARGET - ratio) / TARGET:.0%}"))
            one = f"fakenova: {label}, {_plural(CONNECTIONS[0])}"
            report.add(Row(GROUP, f"… {label}: {_plural(CONNECTIONS[-1])} over {_plural(CONNECTIONS[0])}",
                           fakenova_rates[CONNECTIONS[-1]], unit="req/s", baseline=one, target="≥ 1×",
                           met=fakenova_rates[CONNECTIONS[-1]] >= fakenova_rates[CONNECTIONS[0]]))
        report.notes.append(f"{GROUP}: wrk -t1, {seconds} s per figure, median of {repeats}; fakenova's creates "
                            "take no port and its quota is unlimited; each of mimic's create figures starts from "
                            "an empty mimic (it slows as its servers pile up)")
    finally:
        bare.stop()
        ceiling.stop()
        fake.stop()
        if mimic is not None:
            mimic.stop()
