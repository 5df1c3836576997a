"""Start-up: a fresh process importing fakenova and building the app, and the per-test reset."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks.harness import Config, Report, Row, median_of, median_seconds

GROUP = "start-up"

# Timed inside the child, so interpreter start-up (the same for any Python tool) is left out.
_APP_READY = """
import json, sys, time
start, start_cpu = time.perf_counter(), time.process_time()
from flask import Flask
Flask("baseline")
flask_ready, flask_cpu = time.perf_counter(), time.process_time()
import fakenova
from fakenova.app import create_app
imported = time.perf_counter()
app = create_app()
ready, ready_cpu = time.perf_counter(), time.process_time()
# werkzeug's own client calls the app as a WSGI server would (Flask's test_client would add its
# own import and a package-metadata lookup to the figure).
from werkzeug.test import Client
response = Client(app).get("/compute/v2.1/")
assert response.status_code == 200, response.status_code
first = time.perf_counter()
modules = sum(1 for name in sys.modules if name.split(".")[0] == "fakenova")
print(json.dumps({"modules": modules, "routes": len(list(app.url_map.iter_rules())),
                  "flask": flask_ready - start, "flask_cpu": flask_cpu - start_cpu,
                  "import": imported - flask_ready, "create_app": ready - imported, "ready": ready - start,
                  "own_cpu": ready_cpu - flask_cpu, "first_request": first - ready}))
"""

_BARE_FLASK = """
import json, time
start = time.perf_counter()
from flask import Flask
app = Flask(__name__)
app.add_url_rule("/", "index", lambda: {"ok": True})
ready = time.perf_counter()
print(json.dumps({"ready": ready - start}))
"""

OWN_SHARE_MS = 20


def _child(script: str) -> dict:
    # With bytecode caching on, whatever the calling environment says: a test run imports from
    # __pycache__, and compiling sources would time the compiler instead of fakenova.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            check=True, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(config: Config, report: Report) -> None:
    _child(_APP_READY)  # untimed: fills __pycache__ if it is cold
    bare_runs, app_runs = [], []
    for _ in range(max(config.repeats, 7)):  # interleaved, so a burst of noise hits both alike
        bare_runs.append(_child(_BARE_FLASK))
        app_runs.append(_child(_APP_READY))
    bare_name = "baseline: import flask + Flask() (fresh process)"
    report.add(Row(GROUP, bare_name, median_of(r["ready"] for r in bare_runs)))
    report.add(Row(GROUP, "import fakenova, after Flask (fresh process)",
                   median_of(r["import"] for r in app_runs), baseline=bare_name))
    own = median_of(r["create_app"] + r["first_request"] for r in app_runs)
    report.add(Row(GROUP, "app ready: create_app() + first request (after import)", own, baseline=bare_name))
    report.add(Row(GROUP, "import + create_app() + first request (fresh process)",
                   median_of(r["ready"] + r["first_request"] for r in app_runs), baseline=bare_name))
    # fakenova's share, in CPU time (what other processes on the machine do stays out): the same
    # process first imports Flask and builds a Flask(), then imports fakenova and builds its app.
    cpu_name = "baseline: import flask + Flask(), CPU time (the same fresh processes)"
    report.add(Row(GROUP, cpu_name, median_of(r["flask_cpu"] for r in app_runs)))
    share = median_of(r["own_cpu"] for r in app_runs)
    report.add(Row(GROUP, "fakenova's share: its import + create_app() over that, CPU time", share,
                   baseline=cpu_name, target=f"≤ {OWN_SHARE_MS} ms", met=share <= OWN_SHARE_MS / 1000,
                   note=_share_note(share, app_runs[-1]["modules"], app_runs[-1]["routes"])))

    from flask import Flask

    from fakenova.backend import Backend
    from fakenova.config import Settings
    from fakenova.testing import FakeNova

    report.add(Row(GROUP, "baseline: Flask() (in process)",
                   median_seconds(lambda: Flask("bench"), number=200, repeats=config.repeats)))
    backend = Backend(Settings())
    reset = median_seconds(backend.reset, number=200, repeats=config.repeats)
    report.add(Row(GROUP, "backend.reset()", reset, baseline="baseline: Flask() (in process)",
                   target="< 1 ms", met=reset < 0.001))
    fake = FakeNova()
    fake_reset = median_seconds(fake.reset, number=200, repeats=config.repeats)
    report.add(Row(GROUP, "FakeNova().reset() (in process, as the pytest fixture)", fake_reset,
                   baseline="baseline: Flask() (in process)", target="< 1 ms", met=fake_reset < 0.001))
    report.add(Row(GROUP, "POST /_fake/reset (WSGI adapter, as a remote handle would)",
                   median_seconds(lambda: fake._call("POST", "/reset"), number=200, repeats=config.repeats),
                   baseline="baseline: Flask() (in process)"))

    report.add(Row(GROUP, "FakeNova() in a warm process (new backend + app)",
                   median_seconds(FakeNova, number=5, repeats=config.repeats),
                   baseline="baseline: Flask() (in process)"))


def _share_note(share: float, modules: int, routes: int) -> str:
    if share <= OWN_SHARE_MS / 1000:
        return ""
    return (f"misses by {share * 1000 - OWN_SHARE_MS:.0f} ms: importing {modules} modules (one per handler "
            "group and domain concern; the dataclasses among them compile their methods at import) and "
            f"registering {routes} routes, whose werkzeug rules each compile a parser")
