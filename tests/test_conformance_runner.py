"""The conformance runner's own rules (conformance/run.py): CI fails below a floor, the expected-skips
file explains skips by regex (which may contain |), failures group by cause with ids blurred.
The Tempest run itself is `make conformance`, which CI runs after this suite."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _runner():
    spec = importlib.util.spec_from_file_location("conformance_run", ROOT / "conformance" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_package_below_its_floor_fails_the_run(capsys):
    run = _runner()
    results = {"tempest.api.compute": {"passed": 449}, "tempest.api.image": {"passed": 20}}
    assert run.check_floors(results, {"tempest.api.compute": 450, "tempest.api.image": 12}) == 1
    assert "BELOW FLOOR tempest.api.compute: 449 passed, floor 450" in capsys.readouterr().err
    assert run.check_floors({"tempest.api.compute": {"passed": 450}}, {"tempest.api.compute": 450}) == 0


def test_the_repositorys_floors_cover_every_package_with_a_number():
    import json

    floors = json.loads((ROOT / "conformance" / "floors.json").read_text())
    assert set(floors) == {"tempest.api.compute", "tempest.api.network", "tempest.api.image", "tempest.api.volume"}
    assert all(isinstance(value, int) and value >= 0 for value in floors.values())


def test_expected_skips_take_a_regex_with_bars_and_a_reason(tmp_path):
    run = _runner()
    listed = tmp_path / "skips.txt"
    listed.write_text("# comment\nfoo is off|bar is off | neither is modelled\n")
    entries = run.read_expected_skips(listed)
    assert [reason for _, reason in entries] == ["neither is modelled"]
    assert run.explained("tempest.x.test_a", "bar is off", entries)
    assert not run.explained("tempest.x.test_a", "baz is off", entries)
    # Every entry of the repository's own list has a reason.
    assert all(reason for _, reason in run.read_expected_skips(ROOT / "conformance" / "expected-skips.txt"))


def test_failure_causes_blur_ids_and_the_port():
    run = _runner()
    first = run.failure_cause("Traceback\n  File x\nNotFound: http://127.0.0.1:40123/servers/"
                              "0e6a2f9c-1b2d-4c3e-8f4a-5b6c7d8e9f00 not found")
    second = run.failure_cause("Traceback\n  File x\nNotFound: http://127.0.0.1:50999/servers/"
                               "11111111-2222-4333-8444-555555555555 not found")
    assert first == second and "<fakenova>" in first and "<id>" in first


def test_the_tempest_config_is_filled_from_a_live_fakenova(live, tmp_path, monkeypatch):
    runner = _runner()
    monkeypatch.setattr(runner, "WORK", tmp_path)
    (tmp_path / "etc").mkdir()

    runner.write_config(live.url)

    config = (tmp_path / "etc" / "tempest.conf").read_text()
    image = next(i for i in live.backend.store.images.values() if i["name"] == "cirros-0.6.2-x86_64-disk")
    public = next(n for n in live.backend.store.networks.values() if n["name"] == "public")
    assert f"{live.url}/identity/v3" in config
    assert image["id"] in config and public["id"] in config
    assert "security-group" in config
    assert not [line for line in config.splitlines() if "{" in line and "}" in line and "=" in line
                and line.split("=", 1)[1].strip().startswith("{")]
