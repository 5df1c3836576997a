"""What a user gets from `pip install fakenova`: a wheel with the JSON schemas in it, and a `fakenova`
command that starts, explains bad settings in one line, and serves the API."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

from fakenova.domain.compute.lifecycle import DEFAULT_DURATIONS
from fakenova.seeds import QUOTAS
from tests.tempest_schemas import assert_valid

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FAKENOVA = str(BIN / "fakenova")
CONFIG_ERROR = "fakenova: configuration error: "


def clean_env(**extra: str) -> dict:
    """The caller's environment minus FAKENOVA_* and OS_* settings that would change the outcome."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKENOVA_", "OS_"))}
    env.update(extra)
    return env


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120, env=clean_env(**env))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the wheel ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """`pip wheel --no-deps --no-build-isolation` of a clean copy of the checkout: no network, and no
    stale build/ output from earlier editable installs can leak into it."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
        "tests", "benchmarks", "docs"))
    assert (source / "fakenova" / "schemas").is_symlink()  # the wheel must dereference it
    result = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                 "--disable-pip-version-check", "-w", str(tmp / "dist"), str(source))
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = (tmp / "dist").glob("fakenova-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_wheel_contains_every_json_schema(wheel):
    expected = {f"fakenova/schemas/{p.relative_to(ROOT / 'schemas').as_posix()}"
                for p in (ROOT / "schemas").rglob("*.json")}
    shipped = {name for name in wheel.namelist() if name.startswith("fakenova/schemas/")}
    assert "fakenova/schemas/types.json" in shipped
    assert any(name.count("/") >= 4 for name in shipped), "nested compute schemas are missing"
    assert shipped == expected
    for name in shipped:
        json.loads(wheel.read(name))  # each one is the real file, not a dangling link


def test_wheel_contains_every_module(wheel):
    # A subpackage left out of [tool.setuptools] packages would import from a checkout but not when
    # installed.
    expected = {p.relative_to(ROOT).as_posix() for p in (ROOT / "fakenova").rglob("*.py")
                if "schemas" not in p.relative_to(ROOT / "fakenova").parts}
    shipped = {name for name in wheel.namelist() if name.endswith(".py")}
    assert expected - shipped == set()


def test_wheel_contains_the_dashboard_page(wheel):
    # /_fake/ui needs no network and no build step: its page, style and script are package data.
    expected = {f"fakenova/ui/{p.name}" for p in (ROOT / "fakenova" / "ui").iterdir()}
    shipped = {name for name in wheel.namelist() if name.startswith("fakenova/ui/")}
    assert {"fakenova/ui/dashboard.html", "fakenova/ui/dashboard.css", "fakenova/ui/dashboard.js"} <= shipped
    assert shipped == expected
    for name in shipped:
        assert wheel.read(name) == (ROOT / name).read_bytes()


def test_wheel_declares_the_console_script(wheel):
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[console_scripts]\nfakenova = fakenova.cli:main" in text


# --- the command line -----------------------------------------------------------------------------


def test_python_m_fakenova_help():
    result = run(sys.executable, "-m", "fakenova", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: fakenova ")
    assert "serve" in result.stdout


def test_bare_fakenova_prints_help_naming_every_service_and_exits_2():
    result = run(FAKENOVA)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("usage: fakenova ")
    assert "serve Keystone, Nova, Glance, Neutron and Cinder fakes on one port" in " ".join(result.stderr.split())
    serve_help = run(FAKENOVA, "serve", "--help").stdout
    assert "Serve /identity, /compute, /image, /networking, /volume and /_fake on one port." in " ".join(
        serve_help.split())


def test_fakenova_serve_help():
    result = run(FAKENOVA, "serve", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: fakenova serve ")
    for flag in ("--host", "--port", "--config", "--log-level"):
        assert flag in result.stdout


def test_fakenova_version():
    from fakenova import __version__

    result = run(FAKENOVA, "--version")
    assert (result.returncode, result.stdout) == (0, f"fakenova {__version__}\n")


# (file name, content, the one line after "fakenova: configuration error: <path>: ", or None when only
# the "cannot parse: " prefix is stable because the parser words the rest)
BAD_CONFIGS = [
    ("yaml-syntax.yaml", "port: [8774\nhost: x\n", None),
    ("yaml-unknown-key.yaml", "port: 8774\ncolour: blue\n", "unknown setting 'colour'"),
    ("yaml-wrong-type.yaml", "port: eighty\n", "'port' must be a number, not 'eighty'"),
    ("yaml-port-range.yml", "port: 70000\n", "'port' must be between 0 and 65535, not 70000"),
    ("yaml-list-expected.yaml", "flavors: m1.tiny\n", "'flavors' must be a list"),
    ("yaml-not-a-mapping.yaml", "- port\n- 8774\n", "the top level must be a mapping of settings"),
    ("toml-syntax.toml", "port = \n", None),
    ("toml-unknown-key.toml", "prot = 8774\n", "unknown setting 'prot'"),
    ("toml-wrong-type.toml", "token_ttl = \"soon\"\n", "'token_ttl' must be a number, not 'soon'"),
    ("toml-mapping-expected.toml", "quotas = [1, 2]\n", "'quotas' must be a mapping"),
    # Typos in a mapping setting's keys (checked when the backend starts) name the file too.
    ("yaml-durations-typo.yaml", "durations: {biuld: 3}\n",
     f"durations: unknown duration 'biuld' (known: {', '.join(sorted(DEFAULT_DURATIONS))})"),
    ("toml-quotas-typo.toml", "[quotas]\ninstanses = 3\n",
     f"quotas: unknown quota 'instanses' (known: {', '.join(sorted(QUOTAS))})"),
    ("yaml-duration-value.yaml", "durations: {build: soon}\n",
     "durations: 'build' must be a number of seconds >= 0, not 'soon'"),
    ("yaml-quota-value.yaml", "quotas: {cores: 2.5}\n",
     "quotas: 'cores' must be a whole number >= -1 (-1: unlimited), not 2.5"),
]


def assert_one_line_config_error(result: subprocess.CompletedProcess, expected_line: str,
                                 exact: bool = True) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    line = result.stderr.rstrip("\n")
    assert line == expected_line if exact else line.startswith(expected_line), line


@pytest.mark.parametrize("name, content, message", BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_file_is_one_line_and_exit_2(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    result = run(FAKENOVA, "serve", "--port", str(free_port()), "--config", str(path))
    if message is None:
        assert_one_line_config_error(result, f"{CONFIG_ERROR}{path}: cannot parse: ", exact=False)
    else:
        assert_one_line_config_error(result, f"{CONFIG_ERROR}{path}: {message}")


def test_missing_config_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    result = run(FAKENOVA, "serve", "--config", str(path))
    assert_one_line_config_error(result, f"{CONFIG_ERROR}{path}: no such config file")


def test_config_file_from_environment_variable(tmp_path):
    path = tmp_path / "env.toml"
    path.write_text("[flavors]\n")
    result = run(FAKENOVA, "serve", FAKENOVA_CONFIG=str(path))
    assert_one_line_config_error(result, f"{CONFIG_ERROR}{path}: 'flavors' must be a list")


def test_bad_environment_variable():
    result = run(FAKENOVA, "serve", FAKENOVA_PORT="http")
    assert_one_line_config_error(result, f"{CONFIG_ERROR}environment: 'port' must be a number, not 'http'")


def test_a_policy_typo_names_the_closest_rules(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("policy: {'os_compute_api:servers:crate': member}\n")
    result = run(FAKENOVA, "serve", "--port", str(free_port()), "--config", str(path))
    # 144 rules are too many for one line: the closest ones and how many there are.
    assert_one_line_config_error(result, f"{CONFIG_ERROR}{path}: policy: unknown rule "
                                 "'os_compute_api:servers:crate' (closest: os_compute_api:servers:create, ",
                                 exact=False)
    assert " known rules, e.g. " in result.stderr


def test_a_typo_in_a_mapping_from_the_environment_names_the_variable():
    result = run(FAKENOVA, "serve", FAKENOVA_DURATIONS='{"build": 1, "biuld": 3}')
    assert_one_line_config_error(
        result, f"{CONFIG_ERROR}environment: durations: unknown duration 'biuld' (known: "
        f"{', '.join(sorted(DEFAULT_DURATIONS))})")


def test_bad_log_level():
    result = run(FAKENOVA, "serve", "--port", str(free_port()), "--log-level", "LOUD")
    assert_one_line_config_error(result, f"{CONFIG_ERROR}log_level: unknown level 'LOUD'")


# --- serving --------------------------------------------------------------------------------------


def start_serving(port: int, *extra: str, **env: str) -> subprocess.Popen:
    """`fakenova serve` in a subprocess (``env``: FAKENOVA_* settings); returns once the port accepts
    connections."""
    process = subprocess.Popen([FAKENOVA, "serve", "--port", str(port), *extra], env=clean_env(**env),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(400):  # at most ~20 s: each failed attempt waits 50 ms on the process itself
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            pass
        try:
            process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"fakenova serve exited with {process.returncode}: {process.stderr.read()}")
    process.kill()
    raise AssertionError("fakenova serve never accepted connections")


@pytest.fixture
def served():
    port = free_port()
    process = start_serving(port)
    yield process, port
    if process.poll() is None:
        process.kill()
        process.communicate(timeout=10)


def test_fakenova_serve_answers_the_compute_version_document(served):
    process, port = served
    response = requests.get(f"http://127.0.0.1:{port}/compute/", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert_valid("versions_client.VersionsClient", "list_versions", "2.1", 200, response.headers, body)
    current = [v for v in body["versions"] if v["id"] == "v2.1"]
    assert current and current[0]["status"] == "CURRENT"
    assert current[0]["links"][0]["href"] == f"http://127.0.0.1:{port}/compute/v2.1/"


def test_fakenova_serve_works_with_the_openstack_cli(served):
    _, port = served
    env = clean_env(OS_AUTH_URL=f"http://127.0.0.1:{port}/identity", OS_USERNAME="demo", OS_PASSWORD="demo",
                    OS_PROJECT_NAME="demo", OS_USER_DOMAIN_NAME="Default", OS_PROJECT_DOMAIN_NAME="Default",
                    OS_IDENTITY_API_VERSION="3", OS_REGION_NAME="RegionOne")
    result = subprocess.run([str(BIN / "openstack"), "token", "issue", "-f", "json"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    token = json.loads(result.stdout)
    assert token["id"] and token["project_id"] and token["user_id"]


def test_sigint_stops_fakenova_serve_cleanly(served):
    # The Dockerfile's STOPSIGNAL SIGINT relies on this: exit 0, no traceback.
    process, port = served
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert f"serving on http://127.0.0.1:{port} (identity at /identity)" in stderr


# --- the suite's own output: third-party deprecations filtered, fakenova's shown ------------------

def _pytest_with_this_config(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir",
                           str(ROOT), "-p", "no:cacheprovider", "-q", *args], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env=clean_env())


def test_openstacksdk_deprecations_do_not_fill_the_test_output():
    # openstack.connect() alone warns (RemovedInSDK60Warning about InfluxDB) on every call: with ~1000
    # of those, make test's summary was unreadable.
    result = _pytest_with_this_config(
        "tests/test_servers_create.py::test_openstacksdk_create_server_waits_for_active")
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout.strip().splitlines()[-1], result.stdout
    # (A ResourceWarning from the garbage collector may come or not, by timing: not the point here.)
    assert "RemovedInSDK" not in result.stdout and "DeprecationWarning" not in result.stdout, result.stdout


def test_a_deprecation_raised_in_fakenova_still_shows(tmp_path):
    test_file = tmp_path / "test_own_deprecation.py"
    test_file.write_text(
        "import warnings\n\n"
        "def test_x():\n"
        "    warnings.warn_explicit('old way', DeprecationWarning, 'fakenova/x.py', 1, module='fakenova.x')\n"
        "    warnings.warn_explicit('theirs', DeprecationWarning, 'lib/x.py', 1, module='somelib.x')\n")
    result = _pytest_with_this_config(str(test_file))
    assert result.returncode == 0, result.stdout
    assert "fakenova/x.py:1: DeprecationWarning: old way" in result.stdout
    assert "theirs" not in result.stdout
