"""The pytest plugin (registered through the ``pytest11`` entry point: installing fakenova is enough).

Fixtures:
- ``fakenova_session``: one fake per test session (per xdist worker: each is its own process),
  listening on a free port; a ``fakenova.testing.FakeNova``.
- ``fakenova``: the same fake, reset to its seeded state for this test, with OS_* variables and
  OS_CLOUD pointing at it (so a client configured from the environment cannot reach a real cloud).

Durations are instant unless ``--fakenova-durations`` or the marker says otherwise:
``@pytest.mark.fakenova(durations={"build": 5}, frozen=True, seed_file="state.json")``
(``seed_file``: a state document saved with ``FakeNova.export_state()`` / ``GET /_fake/state``).

``--fakenova-report DIR`` writes the dashboard's report (``GET /_fake/report``) of each failed test
that used the ``fakenova`` fixture to ``DIR/<test id>.html``, for CI to keep.

pytest loads this module in every run of every project where fakenova is installed, so it imports
nothing beyond pytest and the standard library at load time: the fixtures import what they need
(``fakenova.testing`` needs requests) and say so when it is missing.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

MARKER = "fakenova"


def pytest_addoption(parser):
    group = parser.getgroup("fakenova", "fakenova (fake OpenStack Nova)")
    group.addoption(
        "--fakenova-durations", default="instant", metavar="SPEC",
        help="server transition durations for the fakenova fixture: 'instant' (default), 'realistic' "
        "(fakenova's defaults) or a JSON object of action -> seconds, e.g. '{\"build\": 3}' "
        "(unnamed actions instant)",
    )
    group.addoption(
        "--fakenova-report", default=None, metavar="DIR",
        help="for each failed test that used the fakenova fixture, write the fake's dashboard report "
        "(one HTML file that opens with no server: servers, timeline, fault rules, request journal) "
        "into DIR",
    )


_DURATIONS = pytest.StashKey[dict | None]()
_OUTCOMES = pytest.StashKey[dict]()  # a test's reports by phase, for --fakenova-report


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    item.stash.setdefault(_OUTCOMES, {})[report.when] = report


def pytest_configure(config):
    # Parsed here, so a bad option stops the run at once with a usage error.
    config.stash[_DURATIONS] = parse_durations(config.getoption("fakenova_durations"))
    config.addinivalue_line(
        "markers",
        f"{MARKER}(durations=None, frozen=False, seed_file=None): configure the fakenova fixture for "
        "this test: per-action durations in seconds, a frozen clock, a saved state to start from",
    )


def instant_durations() -> dict:
    """Every known transition at 0 seconds."""
    try:
        from fakenova.domain.compute import lifecycle
    except ModuleNotFoundError:
        return {}
    return dict.fromkeys(lifecycle.DEFAULT_DURATIONS, 0)


def parse_durations(spec: str) -> dict | None:
    """``--fakenova-durations``: None means fakenova's own (realistic) defaults."""
    if spec == "instant":
        return instant_durations()
    if spec == "realistic":
        return None
    try:
        durations = json.loads(spec)
    except ValueError:
        raise pytest.UsageError(f"--fakenova-durations: expected instant, realistic or JSON, not {spec!r}") from None
    return {**instant_durations(), **checked_durations(durations, "--fakenova-durations")}


def checked_durations(durations, where: str) -> dict:
    """``durations`` if every key names a transition and every value is seconds >= 0; else a
    UsageError naming ``where``, the key and the known ones."""
    from fakenova.config import ConfigError, check_keys

    try:
        check_keys("durations", durations)
    except ConfigError as exc:
        raise pytest.UsageError(f"{where}: {exc}") from None
    return durations


def _fakenova_class():
    """``fakenova.testing.FakeNova``, or this test's error naming the package that is missing."""
    try:
        from fakenova.testing import FakeNova
    except ModuleNotFoundError as exc:
        pytest.fail(f"the fakenova fixture needs the {exc.name!r} package: pip install {exc.name}",
                    pytrace=False)
    return FakeNova


@pytest.fixture(scope="session")
def fakenova_session(request):
    """One fakenova for the whole session, on a free port."""
    FakeNova = _fakenova_class()
    from fakenova.config import Settings

    settings = Settings()
    durations = request.config.stash[_DURATIONS]
    if durations is not None:
        settings.durations = durations
    fake = FakeNova.start(settings)
    yield fake
    fake.stop()


@pytest.fixture
def fakenova(fakenova_session, monkeypatch, tmp_path_factory, request):
    """The session's fakenova, in its seeded state, with the environment pointing at it."""
    fake = fakenova_session
    settings = fake.backend.settings
    session_durations = dict(settings.durations)
    # Real time again, whatever the last test did to the clock (froze, advanced, sped it up), so that
    # freezegun's instant is the fake clock's; then the seeded state, stamped with that time.
    fake.backend.clock.follow_wall()
    fake.reset()

    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker else {}
    unknown = set(options) - {"durations", "frozen", "seed_file"}
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.fakenova: unknown option(s) {', '.join(sorted(unknown))}")
    if options.get("durations") is not None:
        durations = checked_durations(options["durations"], "@pytest.mark.fakenova(durations=...)")
        settings.durations = {**session_durations, **durations}
    if options.get("seed_file"):
        seed_file = Path(options["seed_file"])
        if not seed_file.is_absolute():
            seed_file = Path(request.node.fspath).parent / seed_file
        fake.import_state(json.loads(seed_file.read_text()))
    if options.get("frozen"):
        fake.freeze()

    _point_environment_at(fake, monkeypatch, tmp_path_factory.mktemp("fakenova"))
    yield fake
    settings.durations = session_durations
    _report_if_failed(fake, request)


def _report_if_failed(fake, request) -> None:
    """--fakenova-report DIR: the picture of the fake as the failed test left it, as DIR/<test>.html."""
    directory = request.config.getoption("fakenova_report")
    call = request.node.stash.get(_OUTCOMES, {}).get("call")
    if directory and call is not None and call.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid).strip("_")[:150]
        path = fake.report(Path(directory) / f"{name}.html")
        request.node.user_properties.append(("fakenova_report", str(path)))


def _point_environment_at(fake, monkeypatch, directory: Path) -> None:
    """Drop every OS_* variable (a real cloud's credentials, OS_CLOUD) and point the rest at the fake:
    OS_* for the demo user, plus a clouds.yaml with clouds ``fakenova`` and ``fakenova-admin``."""
    for name in list(os.environ):
        if name.startswith("OS_"):
            monkeypatch.delenv(name)
    clouds_file = directory / "clouds.yaml"
    fake.clouds_yaml(clouds_file)
    for name, value in fake.os_environ("demo").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OS_CLOUD", "fakenova")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds_file))
    # An empty secure.yaml of our own, so one in ~/.config/openstack cannot add credentials.
    secure_file = directory / "secure.yaml"
    secure_file.write_text("clouds: {}\n")
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(secure_file))
