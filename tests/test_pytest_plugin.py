"""The pytest plugin, as a downstream project sees it (pytester runs a separate test session that
only has fakenova installed), and ``fakenova serve --state-file`` across a restart."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

pytest_plugins = ["pytester"]

BIN = Path(sys.executable).parent


def test_a_downstream_module_uses_only_the_fakenova_fixture(pytester):
    pytester.makepyfile(test_downstream="""
        import openstack

        def test_flavors_and_a_keypair(fakenova):
            conn = fakenova.connection()
            assert "m1.tiny" in [f.name for f in conn.compute.flavors()]
            key = conn.compute.create_keypair(name="ci-key")
            assert key.private_key.startswith("-----BEGIN")
            assert [e["status"] for e in fakenova.requests(method="POST", path="*/os-keypairs")] == [201]

        def test_each_test_starts_from_the_seeded_state(fakenova):
            conn = openstack.connect()  # from the environment the fixture set up
            assert [k.name for k in conn.compute.keypairs()] == []

        def test_a_created_server_is_active_at_once(fakenova):
            conn = fakenova.connection()
            image = next(iter(conn.image.images()))
            server = conn.compute.create_server(name="vm", image_id=image.id, flavor_id="1", networks="auto")
            assert conn.compute.get_server(server.id).status == "ACTIVE"
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_the_environment_cannot_reach_a_real_cloud(pytester, monkeypatch):
    monkeypatch.setenv("OS_CLOUD", "production")
    monkeypatch.setenv("OS_AUTH_URL", "https://keystone.example.com:5000/v3")
    monkeypatch.setenv("OS_PASSWORD", "real-secret")
    monkeypatch.setenv("OS_TOKEN", "real-token")
    pytester.makepyfile(test_guard="""
        import os
        import openstack

        def test_inside_the_fixture(fakenova):
            assert os.environ["OS_AUTH_URL"] == fakenova.auth_url
            assert os.environ["OS_CLOUD"] == "fakenova"
            assert os.environ["OS_PASSWORD"] == "demo"
            assert "OS_TOKEN" not in os.environ
            conn = openstack.connect()
            assert conn.current_project.name == "demo"
            assert conn.compute.get_endpoint().startswith(fakenova.url)

        def test_outside_the_fixture_nothing_changed():
            assert os.environ["OS_CLOUD"] == "production"
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_marker_and_durations_option(pytester, tmp_path):
    pytester.makepyfile(test_marker="""
        import pytest

        def _server(fakenova):
            conn = fakenova.connection()
            image = next(iter(conn.image.images()))
            return conn, conn.compute.create_server(name="vm", image_id=image.id, flavor_id="1", networks="auto")

        @pytest.mark.fakenova(durations={"build": 10}, frozen=True)
        def test_a_frozen_clock_holds_the_build(fakenova):
            conn, server = _server(fakenova)
            assert conn.compute.get_server(server.id).status == "BUILD"
            fakenova.advance(10)
            assert conn.compute.get_server(server.id).status == "ACTIVE"

        def test_the_marker_does_not_leak(fakenova):
            assert fakenova.clock()["frozen"] is False
            conn, server = _server(fakenova)
            assert conn.compute.get_server(server.id).status == "BUILD"  # --fakenova-durations
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", '--fakenova-durations={"build": 3600}')
    result.assert_outcomes(passed=2)


def test_freezegun_instant_is_exact_whatever_the_clock_did_before(pytester):
    # Issue 15: under freeze_time("2030-01-01 00:00:00") a new server said 2029-12-31T23:59:59Z.
    pytester.makepyfile(test_frozen="""
        from freezegun import freeze_time

        def test_an_earlier_test_moves_the_clock(fakenova):
            fakenova.advance(3600)
            fakenova.set_speed(3)
            fakenova.freeze()

        def test_the_frozen_instant_comes_back_exactly(fakenova):
            fakenova.unfreeze()
            fakenova.set_speed(1.0)  # a POST /_fake/clock {"speed": 1}
            with freeze_time("2030-01-01 00:00:00"):
                conn = fakenova.connection()
                image = next(iter(conn.image.images()))
                server = conn.compute.create_server(name="vm", image_id=image.id, flavor_id="1",
                                                    networks="none")
                assert conn.compute.get_server(server.id).created_at == "2030-01-01T00:00:00Z"
                assert fakenova.clock()["now"] == "2030-01-01T00:00:00.000000Z"
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_bad_durations_option_is_a_usage_error(pytester):
    pytester.makepyfile(test_x="def test_x(fakenova): pass")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fakenova-durations=fast")
    result.stderr.fnmatch_lines(["*--fakenova-durations: expected instant, realistic or JSON, not 'fast'*"])
    assert result.ret != 0


def test_a_durations_typo_in_the_option_is_a_usage_error(pytester):
    from fakenova.domain.compute.lifecycle import DEFAULT_DURATIONS

    pytester.makepyfile(test_x="def test_x(fakenova): pass")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", '--fakenova-durations={"biuld": 3}')
    assert result.ret != 0
    assert (f"ERROR: --fakenova-durations: durations: unknown duration 'biuld' (known: "
            f"{', '.join(sorted(DEFAULT_DURATIONS))})") in result.stderr.lines


def test_a_durations_typo_in_the_marker_fails_that_test(pytester):
    pytester.makepyfile(test_x="""
        import pytest

        @pytest.mark.fakenova(durations={"biuld": 3})
        def test_typo(fakenova):
            pass

        @pytest.mark.fakenova(durations={"build": -1})
        def test_negative(fakenova):
            pass

        def test_fine(fakenova):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines([
        "*UsageError: @pytest.mark.fakenova(durations=...): durations: unknown duration 'biuld' (known: build, *",
        "*UsageError: @pytest.mark.fakenova(durations=...): durations: 'build' must be a number of seconds >= 0, not -1",
    ], consecutive=False)


# --- fakenova serve --state-file -----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(port: int, state_file: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKENOVA_", "OS_"))}
    process = subprocess.Popen([str(BIN / "fakenova"), "serve", "--port", str(port), "--state-file", str(state_file)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):  # up to 20 s for the process to listen
        try:
            requests.get(f"{url}/_fake/clock", timeout=1)
            return process
        except requests.ConnectionError:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read())
            time.sleep(0.1)
    process.kill()
    raise AssertionError("fakenova serve did not start")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    return stderr


def test_state_file_survives_a_restart(tmp_path):
    from fakenova.testing import FakeNova

    state_file = tmp_path / "fakenova-state.json"
    port = _free_port()
    process = _serve(port, state_file)
    try:
        fake = FakeNova.remote(f"http://127.0.0.1:{port}")
        conn = fake.connection("demo")
        conn.compute.create_keypair(name="survivor")
        fake.add_fault(path="/nowhere", status=500)
    finally:
        stderr = _stop(process)
    assert "state saved to" in stderr
    saved = json.loads(state_file.read_text())
    assert [tmp.name for tmp in tmp_path.iterdir()] == [state_file.name]  # no temp file left behind

    process = _serve(port, state_file)
    try:
        fake = FakeNova.remote(f"http://127.0.0.1:{port}")
        assert [k.name for k in fake.connection("demo").compute.keypairs()] == ["survivor"]
        assert [r["match"] for r in fake.faults()] == [{"path": "/nowhere"}]
        assert fake.export_state()["store"]["keypairs"] == saved["store"]["keypairs"]
    finally:
        _stop(process)


def test_a_broken_state_file_is_a_one_line_error(tmp_path):
    state_file = tmp_path / "state.json"
    state_file.write_text('{"format": "something else"}')
    result = subprocess.run([str(BIN / "fakenova"), "serve", "--port", str(_free_port()), "--state-file", str(state_file)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (f"fakenova: bad state file: {state_file}: format: expected 'fakenova-state/1', "
                             "got 'something else'\n")


# --- what the plugin needs -----------------------------------------------------------------------

def _hide_modules(pytester, monkeypatch, *names: str) -> None:
    """Make ``import name`` fail in pytester's subprocess as it does where the package is not
    installed: a package of that name first on PYTHONPATH that raises ModuleNotFoundError."""
    shadow = pytester.path / "hidden-modules"
    for name in names:
        (shadow / name).mkdir(parents=True)
        (shadow / name / "__init__.py").write_text(
            f"raise ModuleNotFoundError({f'No module named {name!r}'!r}, name={name!r})\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(shadow), os.environ.get("PYTHONPATH")])))


def test_the_plugin_does_not_break_a_run_without_requests(pytester, monkeypatch):
    # A project that installs fakenova (say for `fakenova serve`) and pytest, without requests: its
    # own tests must run; only the fixture, when used, says what it needs.
    _hide_modules(pytester, monkeypatch, "requests")
    pytester.makepyfile(test_unrelated="""
        def test_plain():
            assert 1 + 1 == 2

        def test_uses_the_fixture(fakenova):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*the fakenova fixture needs the 'requests' package*pip install requests*"])
    assert "Error while loading plugin" not in result.stdout.str() + result.stderr.str()


def test_connection_without_openstacksdk_says_what_to_install(pytester, monkeypatch):
    _hide_modules(pytester, monkeypatch, "openstack")
    pytester.makepyfile(test_sdk="""
        import pytest

        def test_connection(fakenova):
            with pytest.raises(ModuleNotFoundError) as caught:
                fakenova.connection()
            assert str(caught.value) == (
                "FakeNova.connection() needs openstacksdk: pip install openstacksdk")

        def test_the_rest_of_the_handle_works(fakenova):
            assert fakenova.clock()["frozen"] is False
            assert fakenova.os_environ()["OS_USERNAME"] == "demo"
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
