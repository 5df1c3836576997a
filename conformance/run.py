"""`make conformance`: Tempest's own API tests against a fakenova this script starts itself.

    python conformance/run.py [--concurrency N] [--check-floors] [PACKAGE ...]

PACKAGE is a Tempest package or test-id prefix (default: every package in floors.json, i.e.
tempest.api.compute, .network, .image, .volume). The script
1. starts `fakenova serve` on a free port with conformance/fakenova.yaml (two compute hosts, Cinder,
   every console protocol),
2. writes conformance/.work/etc/tempest.conf from tempest.conf.in with that port and the ids fakenova
   seeded (images, the public network) and the Neutron extensions fakenova lists,
3. runs each package with stestr (Tempest's runner) and reads the subunit stream,
4. prints passed / failed / skipped and the seconds each package took, lists the failures, and the
   skips expected-skips.txt does not explain; results.json and each package's subunit file stay in
   conformance/.work/ for a closer look (`subunit2pyunit`, or the tempest.log there),
5. with --check-floors, exits 1 when a package passes fewer tests than its floor in floors.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from email.message import Message
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
BIN = Path(sys.executable).parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", help="Tempest packages or test-id prefixes")
    parser.add_argument("--concurrency", type=int, default=2, help="stestr workers (default 2)")
    parser.add_argument("--check-floors", action="store_true", help="fail when a package passes fewer than its floor")
    args = parser.parse_args(argv)

    floors = json.loads((HERE / "floors.json").read_text())
    packages = args.packages or list(floors)
    expected_skips = read_expected_skips(HERE / "expected-skips.txt")

    if WORK.exists():
        shutil.rmtree(WORK)
    for sub in ("etc", "logs", "locks"):
        (WORK / sub).mkdir(parents=True)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    fakenova_log = open(WORK / "logs" / "fakenova.log", "wb")
    server = subprocess.Popen(
        [str(BIN / "fakenova"), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--config", str(HERE / "fakenova.yaml")],
        stdout=fakenova_log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(url, server)
        write_config(url)
        results = {}
        for package in packages:
            results[package] = run_package(package, args.concurrency, expected_skips)
            print_package(package, results[package])
    finally:
        server.terminate()
        server.wait(timeout=30)
        fakenova_log.close()

    (WORK / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True))
    print_summary(results, floors)
    if args.check_floors:
        return check_floors(results, floors)
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    # A startup poll in the runner, not in a test: fakenova takes a moment to import and bind.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"fakenova exited with {server.returncode}; see {WORK / 'logs' / 'fakenova.log'}")
        try:
            with urllib.request.urlopen(f"{url}/compute/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("fakenova did not answer within 60 s")


def api(url: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[dict, Message]:
    request = urllib.request.Request(url + path, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(request, timeout=10) as response:
        # The message itself, not a dict of it: header names are case-insensitive, and the server
        # sends them lowercase.
        return json.loads(response.read() or b"{}"), response.headers


def write_config(url: str) -> None:
    """tempest.conf from the template, filled with what the live fakenova seeded and claims."""
    auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "password": "admin", "domain": {"id": "default"}}}},
        "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
    _, headers = api(url, "/identity/v3/auth/tokens", body=auth)
    token = headers["X-Subject-Token"]
    images = {image["name"]: image["id"] for image in api(url, "/image/v2/images", token)[0]["images"]}
    networks = {net["name"]: net["id"] for net in api(url, "/networking/v2.0/networks", token)[0]["networks"]}
    extensions = sorted(ext["alias"] for ext in api(url, "/networking/v2.0/extensions", token)[0]["extensions"])
    values = {
        "url": url,
        "workdir": str(WORK),
        "image_ref": images["cirros-0.6.2-x86_64-disk"],
        "image_ref_alt": images["cirros-0.6.2-x86_64-disk-alt"],
        "public_network_id": networks["public"],
        "network_extensions": ",".join(extensions),
    }
    config = (HERE / "tempest.conf.in").read_text()
    for name, value in values.items():
        config = config.replace("{" + name + "}", value)
    (WORK / "etc" / "tempest.conf").write_text(config)


def tempest_dir() -> Path:
    import tempest

    return Path(tempest.__file__).resolve().parent


def run_package(package: str, concurrency: int, expected_skips: list[tuple[re.Pattern, str]]) -> dict:
    top = tempest_dir().parent
    env = dict(os.environ, TEMPEST_CONFIG_DIR=str(WORK / "etc"), TEMPEST_CONFIG="tempest.conf",
               OS_LOG_CAPTURE="1", OS_STDOUT_CAPTURE="1", OS_STDERR_CAPTURE="1")
    stream_path = WORK / f"{package}.subunit"
    started = time.monotonic()
    with open(stream_path, "wb") as stream:
        subprocess.run(
            [str(BIN / "stestr"), "--test-path", str(tempest_dir() / "test_discover"), "--top-dir", str(top),
             "run", "--concurrency", str(concurrency), "--subunit", "^" + re.escape(package) + r"\."],
            cwd=WORK, env=env, stdout=stream, stderr=subprocess.DEVNULL, check=False)
    seconds = round(time.monotonic() - started)
    tests = read_subunit(stream_path)
    passed = sorted(t for t, (status, _) in tests.items() if status in ("success", "xfail"))
    failed = sorted(t for t, (status, _) in tests.items() if status in ("fail", "uxsuccess")
                    and not t.startswith("tearDownClass"))
    # A class's clean-up failing after its tests ran is no test failing: counted on its own.
    teardown = sorted(t for t, (status, _) in tests.items() if status == "fail" and t.startswith("tearDownClass"))
    skipped = {t: reason for t, (status, reason) in tests.items() if status == "skip"}
    unexplained = sorted(t for t, reason in skipped.items() if not explained(t, reason, expected_skips))
    causes: dict[str, list[str]] = {}
    for test_id in failed:
        causes.setdefault(tests[test_id][1], []).append(test_id)
    return {"passed": len(passed), "failed": len(failed), "skipped": len(skipped), "seconds": seconds,
            "failures": failed, "teardown_errors": teardown,
            "causes": dict(sorted(causes.items(), key=lambda item: -len(item[1]))),
            "unexplained_skips": {t: skipped[t] for t in unexplained}}


def read_subunit(path: Path) -> dict[str, tuple[str, str]]:
    """test id (without Tempest's [id-...] attributes) -> (status, skip reason or failure cause)."""
    import subunit
    import testtools

    tests: dict[str, tuple[str, str]] = {}

    def on_test(test: dict) -> None:
        if test["status"] in (None, "exists", "inprogress"):
            return
        reason = ""
        if "reason" in test["details"]:
            reason = test["details"]["reason"].as_text()
        elif test["status"] == "fail" and "traceback" in test["details"]:
            reason = failure_cause(test["details"]["traceback"].as_text())
        tests[re.sub(r"\[.*\]$", "", test["id"])] = (test["status"], reason)

    with open(path, "rb") as stream:
        result = testtools.StreamToDict(on_test)
        result.startTestRun()
        subunit.ByteStreamToStreamResult(stream, non_subunit_name="stdout").run(result)
        result.stopTestRun()
    return tests


def failure_cause(traceback: str) -> str:
    """The traceback's last lines, ids and numbers blurred, so failures with one cause group together."""
    lines = [line.strip() for line in traceback.strip().splitlines() if line.strip()]
    tail = " ".join(lines[-2:])[-240:]
    tail = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}", "<id>", tail)
    return re.sub(r"127\.0\.0\.1:\d+", "<fakenova>", tail)


def read_expected_skips(path: Path) -> list[tuple[re.Pattern, str]]:
    """Lines `<regex on test id or skip message> | <why fakenova truthfully does not model it>` (the
    last " | " separates them; the regex may use | itself)."""
    entries = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, _, reason = line.rpartition(" | ")
        entries.append((re.compile(pattern.strip()), reason.strip()))
    return entries


def explained(test_id: str, reason: str, expected_skips) -> bool:
    return any(pattern.search(test_id) or pattern.search(reason) for pattern, _ in expected_skips)


def print_package(package: str, result: dict) -> None:
    print(f"{package}: {result['passed']} passed, {result['failed']} failed, {result['skipped']} skipped "
          f"in {result['seconds']} s; {len(result['teardown_errors'])} class clean-ups failed", flush=True)
    for cause, test_ids in result["causes"].items():
        print(f"  FAILED x{len(test_ids)}: {cause}")
        for test_id in test_ids:
            print(f"    {test_id}")
    for test_id in result["teardown_errors"]:
        print(f"  CLEAN-UP FAILED {test_id}")
    for test_id, reason in result["unexplained_skips"].items():
        print(f"  SKIPPED (not in expected-skips.txt) {test_id}: {reason}")


def print_summary(results: dict, floors: dict) -> None:
    print()
    print(f"{'package':<24} {'passed':>7} {'failed':>7} {'skipped':>8} {'pass %':>7} {'floor':>6} {'seconds':>8}")
    for package, result in results.items():
        ran = result["passed"] + result["failed"]
        rate = f"{100 * result['passed'] / ran:.1f}" if ran else "-"
        print(f"{package:<24} {result['passed']:>7} {result['failed']:>7} {result['skipped']:>8} {rate:>7} "
              f"{floors.get(package, '-'):>6} {result['seconds']:>8}")


def check_floors(results: dict, floors: dict) -> int:
    below = [f"{package}: {result['passed']} passed, floor {floors[package]}"
             for package, result in results.items() if result["passed"] < floors.get(package, 0)]
    for line in below:
        print(f"BELOW FLOOR {line}", file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
