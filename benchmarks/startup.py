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
import json, time
start = time.perf_counter()
import fakenova
from fakenova.app import create_app
imported = time.perf_counter()
app = create_app()
ready = time.perf_counter()
# werkzeug's own client calls the app as a WSGI server would (Flask's test_client would add its
# own import and a package-metadata lookup to the figure).
from werkzeug.test import Client
response = Client(app).get("/compute/v2.1/")
assert response.status_code == 200, response.status_code
first = time.perf_counter()
print(json.dumps({"import": imported - start, "create_app": ready - imported, "ready": ready - start,
                  "first_request": first - ready}))
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
    for _ in range(config.repeats):  # interleaved, so a burst of noise hits both alike
        bare_runs.append(_child(_BARE_FLASK))
        app_runs.append(_child(_APP_READY))
    bare_name = "baseline: import flask + Flask() (fresh process)"
    report.add(Row(GROUP, bare_name, median_of(r["ready"] for r in bare_runs)))
    report.add(Row(GROUP, "import fakenova, Flask included (fresh process)",
                   median_of(r["import"] for r in app_runs), baseline=bare_name))
    # "App ready" read two ways: the app's own start once imported, and everything from a bare
    # interpreter. Flask's import alone is over 100 ms on a slow machine, so the second reading
    # depends on the machine more than on fakenova; both are shown, each against the target.
    own = median_of(r["create_app"] + r["first_request"] for r in app_runs)
    report.add(Row(GROUP, "app ready: create_app() + first request (after import)", own,
                   baseline=bare_name, target="< 100 ms", met=own < 0.100))
    total = median_of(r["ready"] + r["first_request"] for r in app_runs)
    report.add(Row(GROUP, "import + create_app() + first request (fresh process)", total,
                   baseline=bare_name, target="< 100 ms", met=total < 0.100,
                   note="Flask's own import is the baseline row; the difference is fakenova's share"))
    report.add(Row(GROUP, "… fakenova's own share (the difference of the two medians)",
                   total - report.find(GROUP, bare_name).value))

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
