"""The benchmark harness (``make bench``): its store filler and its table. No timing is asserted."""

from __future__ import annotations

from benchmarks import population
from benchmarks.harness import Report, Row, render
from fakenova.app import create_app
from fakenova.backend import Backend
from tests.tempest_schemas import assert_valid

DETAIL = "/compute/v2.1/servers/detail"


def _token(client, user: str = "demo") -> str:
    response = client.post("/identity/v3/auth/tokens", json={"auth": {
        "identity": {"methods": ["password"], "password": {
            "user": {"name": user, "domain": {"name": "Default"}, "password": user}}},
        "scope": {"project": {"name": user, "domain": {"name": "Default"}}}}})
    assert response.status_code == 201
    return response.headers["X-Subject-Token"]


def test_filled_servers_are_active_and_listed_newest_first_with_next_link():
    backend = Backend(population.bench_settings())
    client = create_app(backend=backend).test_client()
    ids = population.fill(backend, population.user_context(backend), 150)
    assert len(ids) == len(set(ids)) == 150

    headers = {"X-Auth-Token": _token(client), "OpenStack-API-Version": "compute 2.1"}
    response = client.get(f"{DETAIL}?limit=100", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert_valid("servers_client.ServersClient", "list_servers_detail", "2.1", 200, response.headers, body)
    assert [s["id"] for s in body["servers"]] == ids[::-1][:100]
    assert {s["status"] for s in body["servers"]} == {"ACTIVE"}
    assert body["servers_links"][0]["href"].endswith(f"marker={ids[50]}")

    # The name filter the scale benchmark uses matches one server in ten.
    response = client.get(f"{DETAIL}?name={population.FILTERED_ROLE}", headers=headers)
    assert len(response.get_json()["servers"]) == 15


def test_filled_servers_belong_to_their_project_only():
    backend = Backend(population.bench_settings())
    client = create_app(backend=backend).test_client()
    population.fill(backend, population.user_context(backend), 20)
    headers = {"X-Auth-Token": _token(client, "alt_demo"), "OpenStack-API-Version": "compute 2.1"}
    response = client.get(DETAIL, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"servers": []}


def test_table_shows_ratios_to_the_named_baseline_and_missed_targets():
    report = Report()
    report.add(Row("g", "base", 0.002))
    report.add(Row("g", "slow", 0.006, baseline="base", target="< 5 ms", met=False))
    report.add(Row("g", "rate", 300.0, unit="req/s"))
    report.add(Row("g", "skipped", None, note="not there yet"))
    table = render(report)
    slow_line = next(line for line in table.splitlines() if "| slow" in line)
    assert "6.00 ms" in slow_line and "3.00×" in slow_line and "NO" in slow_line
    assert "300 req/s" in table and "skipped" in table
    assert "- g / skipped: not there yet" in table


def test_replay_floor_answers_from_the_recording_without_calling_fakenova():
    from werkzeug.test import Client

    from benchmarks.end_to_end import BenchApp

    backend = Backend(population.bench_settings())
    bench = BenchApp(create_app(backend=backend))
    client = Client(bench)
    server_id = population.fill(backend, population.user_context(backend), 1)[0]
    headers = {"X-Auth-Token": _token(Client(create_app(backend=backend))), "OpenStack-API-Version": "compute 2.1"}
    show = f"/compute/v2.1/servers/{server_id}"

    bench.mode = "record"
    found = client.get(show, headers=headers)
    assert client.delete(show, headers=headers).status_code == 204
    gone = client.get(show, headers=headers)
    assert (found.status_code, gone.status_code) == (200, 404)

    # Replayed, the same GET answers as it did before and after the delete, in that order, while
    # fakenova itself is never asked (its journal does not grow).
    bench.mode = "replay"
    journalled = len(backend.journal)
    replayed = [client.get(show, headers=headers) for _ in range(3)]
    assert [r.status_code for r in replayed] == [200, 404, 200]
    assert replayed[0].get_data() == found.get_data()
    assert replayed[1].get_data() == gone.get_data()
    assert len(backend.journal) == journalled


def test_memory_load_leaves_nothing_but_the_last_login_after_its_month():
    from benchmarks import memory

    figures = memory._child(30, 5)
    # Both months passed: every token but the one made after the last month is forgotten, every
    # deleted server archived with its actions; the journal kept every request of this small load.
    assert figures["left"] == {"tokens": 1, "servers": 0, "instance_actions": 0}
    assert figures["journal"] == 2 * (30 + 2 * 5 + 1 + memory.AFTER_THE_MONTH) + (50 + 20 + 1 + memory.AFTER_THE_MONTH)


# --- over the wire (benchmarks/wire.py): wrk's output, and rows that say what is missing ----------

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8774/compute/v2.1/servers/x
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.01ms  301.22us   6.10ms   90.12%
  7960 requests in 2.00s, 12.11MB read
Requests/sec:   3979.51
Transfer/sec:      6.05MB
"""


def test_wrk_rate_is_read_and_failed_answers_are_refused():
    import pytest

    from benchmarks.wire import parse_wrk

    assert parse_wrk(WRK_OUTPUT) == 3979.51
    failing = WRK_OUTPUT.replace("Requests/sec", "  Non-2xx or 3xx responses: 7960\nRequests/sec")
    with pytest.raises(RuntimeError, match="Non-2xx"):
        parse_wrk(failing)


def test_wire_rows_say_wrk_is_missing_instead_of_failing(monkeypatch):
    from benchmarks import wire
    from benchmarks.harness import Config

    monkeypatch.setattr(wire.shutil, "which", lambda name: None)
    report = Report()
    wire.run(Config.make(quick=True), report)
    [row] = report.rows
    assert row.value is None and row.note == wire.NO_WRK
    assert "wrk not installed" in render(report)


def test_mimic_is_looked_for_where_make_mimic_puts_it(monkeypatch, tmp_path):
    from benchmarks import wire

    monkeypatch.delenv("FAKENOVA_BENCH_MIMIC", raising=False)
    monkeypatch.setattr(wire, "MIMIC_VENV", tmp_path / ".venv-mimic")
    monkeypatch.setattr(wire.importlib.util, "find_spec", lambda name: None)
    assert wire.mimic_python() is None  # the rows then say "mimic not installed"
    python = tmp_path / ".venv-mimic" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    assert wire.mimic_python() == str(python)
    monkeypatch.setenv("FAKENOVA_BENCH_MIMIC", "/opt/other/bin/python")
    assert wire.mimic_python() == "/opt/other/bin/python"
