"""The dashboard in a real browser: Debian's headless Chromium, driven by selenium through the system
chromedriver, against a live `fakenova serve`.

A person's walk through it: open the page with the control token, freeze the clock, create a server
with openstacksdk, see it BUILD, advance the clock with the page's control, see it ACTIVE, add a fault
rule with the page's form, see the failing request in the journal (filtered, with its bodies), force
a status from the server's row, then open the saved report with the server stopped. Screenshots go
to test-artifacts/ (or $FAKENOVA_TEST_ARTIFACTS) for CI to keep.

Without chromium and chromium-driver the tests skip and say so; under CI (CI=true, where .ci/run
installs them) a missing browser fails instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fakenova.testing import FakeNova
from tests.test_packaging import free_port, start_serving

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("FAKENOVA_TEST_ARTIFACTS") or ROOT / "test-artifacts")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
TOKEN = "dashboard-secret"
WAIT = 15  # seconds for the page to show something (it polls every second)
# The flags a headless Chromium needs on a machine with no display and no outside network.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,1100")


def _no_browser(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI must have a browser for the dashboard tests: {reason}")
    pytest.skip(f"no headless browser here: {reason} (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    if missing:
        _no_browser(f"{', '.join(missing)} not installed")
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except WebDriverException as exc:
        _no_browser(f"chromium did not start: {exc.msg}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def served():
    """A live `fakenova serve` with realistic durations (a build takes 5 s) and a control token."""
    port = free_port()
    process = start_serving(port, FAKENOVA_CONTROL_TOKEN=TOKEN)
    yield process, f"http://127.0.0.1:{port}"
    if process.poll() is None:
        process.kill()
        process.communicate(timeout=10)


def _sdk(url: str):
    import openstack

    return openstack.connect(auth_url=f"{url}/identity", username="demo", password="demo", project_name="demo",
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne",
                             load_yaml_config=False, load_envvars=False)


def _wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, poll_frequency=0.1).until(lambda d: condition(d), message)


# Each read or click of drawn content is one script call: the page redraws a section when its data
# changes, so an element found in one WebDriver call may be gone by the next.

def _read(driver, selector: str, attribute: str | None = None) -> str | None:
    """The first match's rendered text (or ``attribute``), None when nothing matches."""
    return driver.execute_script(
        "var el = document.querySelector(arguments[0]);"
        "return el ? (arguments[1] ? el.getAttribute(arguments[1]) : el.innerText) : null;", selector, attribute)


def _count(driver, selector: str) -> int:
    return driver.execute_script("return document.querySelectorAll(arguments[0]).length;", selector)


def _click(driver, selector: str) -> None:
    driver.execute_script("document.querySelector(arguments[0]).click();", selector)


def _server_status(driver, server_id: str) -> str | None:
    return _read(driver, f'tr[data-server-id="{server_id}"]', "data-status")


def _screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def test_a_person_drives_a_live_fake_from_the_dashboard(browser, served, tmp_path):
    import openstack
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    process, url = served
    fake = FakeNova.remote(url, control_token=TOKEN)

    # The token once in the address; the page moves it into a cookie and drops it from the address.
    driver.get(f"{url}/_fake/ui?token={TOKEN}")
    assert driver.current_url == f"{url}/_fake/ui"
    _wait(driver, lambda d: d.find_element(By.ID, "clock-frozen").text == "running", "the clock never showed")

    driver.find_element(By.ID, "freeze").click()
    _wait(driver, lambda d: d.find_element(By.ID, "clock-frozen").text == "frozen", "the clock did not freeze")
    assert fake.clock()["frozen"] is True

    conn = _sdk(url)
    image = next(iter(conn.image.images()))
    server = conn.compute.create_server(name="web-1", image_id=image.id, flavor_id="1", networks="auto")
    _wait(driver, lambda d: _server_status(d, server.id) == "BUILD", "the new server never showed as BUILD")
    assert _count(driver, "#timeline-body tr.expandable") == 4, "the build's steps are not on the timeline"
    assert conn.compute.get_server(server.id).status == "BUILD"  # the frozen clock holds it there

    advance = driver.find_element(By.ID, "advance-seconds")
    advance.clear()
    advance.send_keys("10")
    driver.find_element(By.ID, "advance").click()
    _wait(driver, lambda d: _server_status(d, server.id) == "ACTIVE", "the server did not become ACTIVE")
    row = _read(driver, f'tr[data-server-id="{server.id}"]')
    assert "compute1" in row and "private: 10.0.0." in row
    assert conn.compute.get_server(server.id).status == "ACTIVE"

    # A fault rule from the page's form: the flavor list answers 503.
    Select(driver.find_element(By.ID, "fault-method")).select_by_visible_text("GET")
    driver.find_element(By.ID, "fault-path").send_keys("*/flavors/detail")
    status = driver.find_element(By.ID, "fault-status")
    status.clear()
    status.send_keys("503")
    driver.find_element(By.ID, "fault-message").send_keys("maintenance window")
    driver.find_element(By.ID, "fault-add").click()
    _wait(driver, lambda d: _count(d, 'tr[data-rule-id="rule-1"]'), "the new rule never showed")
    [rule] = fake.faults()
    assert rule["match"] == {"method": "GET", "path": "*/flavors/detail"}
    assert rule["response"] == {"status": 503, "message": "maintenance window"}

    with pytest.raises(openstack.exceptions.HttpException) as failed:
        list(conn.compute.flavors())
    assert failed.value.status_code == 503

    driver.find_element(By.ID, "filter-status").send_keys("503")
    failing = 'tr.journal-row[data-status="503"]'
    _wait(driver, lambda d: _count(d, failing) == 1 and _count(d, "tr.journal-row") == 1,
          "the failing request never showed alone in the filtered journal")
    assert _read(driver, failing, "data-path") == "/compute/v2.1/flavors/detail"
    assert "rule-1" in _read(driver, failing)
    _click(driver, failing)
    _wait(driver, lambda d: "maintenance window" in _read(d, "#journal-body"),
          "the failing request's response body did not open")
    assert _read(driver, 'tr[data-rule-id="rule-1"] td.fired') == "1"
    _screenshot(driver, "dashboard.png")

    # Force a status from the server's row (pick it in the row's list, press Force).
    driver.execute_script(
        "var row = document.querySelector(arguments[0]); var pick = row.querySelector('select.force-status');"
        "pick.value = 'SHUTOFF'; pick.dispatchEvent(new Event('change')); row.querySelector('button.force').click();",
        f'tr[data-server-id="{server.id}"]')
    _wait(driver, lambda d: _server_status(d, server.id) == "SHUTOFF", "the forced status never showed")
    assert conn.compute.get_server(server.id).status == "SHUTOFF"

    # The report: one file, opened with the server gone.
    report = fake.report(tmp_path / "report.html")
    process.kill()
    process.communicate(timeout=10)
    driver.get(report.as_uri())
    _wait(driver, lambda d: _server_status(d, server.id) == "SHUTOFF", "the report does not show the server")
    assert driver.find_element(By.ID, "mode").text.startswith("report")
    assert not driver.find_element(By.ID, "freeze").is_displayed()  # no controls without a server
    assert _count(driver, failing) == 1 and "rule-1" in _read(driver, "#faults-body")
    assert _count(driver, "tr.journal-row") > 1
    driver.find_element(By.ID, "filter-path").send_keys("*/flavors/*")  # filtered in the page itself
    _wait(driver, lambda d: _count(d, "tr.journal-row") == 1 and _count(d, failing) == 1,
          "the report's own filter did not narrow the journal to the failing request")
    _screenshot(driver, "report.png")
    assert [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"] == []
