"""`fakenova serve` and `make serve` as a user runs them: a real process, its log lines, its exit
status, its signals."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.test_packaging import FAKENOVA, ROOT, clean_env, free_port

VENV = Path(sys.prefix)
SERVING = re.compile(r"INFO fakenova: fakenova \S+ serving on (http://\S+) ")


class Served:
    """A `fakenova serve` (or `make serve`) process in its own session, read until it says where it
    serves."""

    def __init__(self, command: list[str], *, env: dict | None = None, cwd: Path | None = None,
                 preexec_fn=None):
        self.process = subprocess.Popen(command, env=env or clean_env(), cwd=cwd, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, start_new_session=True,
                                        preexec_fn=preexec_fn)
        self.lines: list[str] = []
        self.url = self._wait_for_serving_line()

    def _wait_for_serving_line(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stderr, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not selector.select(timeout=deadline - time.monotonic()):
                    break
                line = self.process.stderr.readline()
                if not line:
                    self.process.wait(timeout=30)
                    raise AssertionError(f"exited {self.process.returncode} before serving:\n{''.join(self.lines)}")
                self.lines.append(line)
                match = SERVING.search(line)
                if match:
                    return match.group(1)
        self.kill()
        raise AssertionError(f"no 'serving on' line within {timeout} s:\n{''.join(self.lines)}")

    def stop(self, signum: int = signal.SIGTERM, *, group: bool = False) -> str:
        """Signal it, wait for it to end; returns the rest of its stderr."""
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        _, rest = self.process.communicate(timeout=60)
        self.lines.append(rest)
        return rest

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.communicate(timeout=30)


def fakenova_serve(*args: str, **kwargs) -> Served:
    return Served([FAKENOVA, "serve", *args], **kwargs)


def make_serve(*variables: str, env: dict | None = None) -> Served:
    # -o: take this venv's install stamp as done (the suite runs from an installed venv), so make
    # goes straight to the serve recipe.
    return Served(["make", "--no-print-directory", "-C", str(ROOT), f"VENV={VENV}",
                   "-o", f"{VENV}/.installed-run", "serve", *variables], env=env)


# --- where it listens (how a bad setting stops it: tests/test_packaging.py) ---------------

@pytest.mark.parametrize("how", ["PORT and HOST", "FAKENOVA_PORT"])
def test_make_serve_takes_port_and_host_or_leaves_them_to_the_environment(how):
    port = free_port()
    if how == "PORT and HOST":
        served, expected = make_serve(f"PORT={port}", "HOST=127.0.0.2"), f"http://127.0.0.2:{port}"
    else:
        served, expected = make_serve(env=clean_env(FAKENOVA_PORT=str(port))), f"http://127.0.0.1:{port}"
    try:
        assert served.url == expected
        assert requests.get(f"{served.url}/compute/", timeout=10).status_code == 200
    finally:
        served.stop(group=True)


def test_serving_on_names_the_bound_port():
    served = fakenova_serve("--port", "0")
    try:
        port = int(served.url.rsplit(":", 1)[1])
        assert port > 0
        assert requests.get(f"{served.url}/compute/", timeout=10).status_code == 200
    finally:
        served.stop()


def test_address_in_use_is_one_line_and_never_says_serving():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([FAKENOVA, "serve", "--port", str(port)], env=clean_env(),
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (f"fakenova: cannot listen on 127.0.0.1:{port}: address already in use "
                             "(choose another port: --port, FAKENOVA_PORT or make serve PORT=...)\n")


# --- signals and --state-file ---------------------------------------------------------------------

@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads threads' signal masks from /proc (Linux)")
def test_only_the_main_thread_takes_the_stop_signals():
    """A SIGTERM goes to any thread that does not block it; the server's own threads (granian's Rust
    runtime and the app threads) must block SIGINT and SIGTERM, or a signal they take leaves the main
    thread asleep and the process running (it did, about one stop in eight)."""
    served = fakenova_serve("--port", "0")
    try:
        requests.get(f"{served.url}/compute/", timeout=10)  # every worker thread up
        pid = served.process.pid
        stop_bits = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
        masks = {}
        for task in Path(f"/proc/{pid}/task").iterdir():
            status = (task / "status").read_text()
            masks[int(task.name)] = int(re.search(r"^SigBlk:\s*([0-9a-f]+)$", status, re.M).group(1), 16)
        assert len(masks) > 2
        assert masks.pop(pid) & stop_bits == 0
        assert all(mask & stop_bits == stop_bits for mask in masks.values()), masks
    finally:
        served.stop()


def _create_keypair(url: str) -> None:
    from fakenova.testing import FakeNova

    FakeNova.remote(url).connection("demo").compute.create_keypair(name="kept")


def _ignore_sigint() -> None:
    # What a shell does to a background job (`fakenova serve &` in a script): SIGINT starts ignored.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_signal_saves_the_state_file_even_when_started_in_the_background(tmp_path, signum):
    # Started as a shell's background job is: SIGINT ignored. Both signals must still stop and save.
    state_file = tmp_path / "state.json"
    served = fakenova_serve("--port", "0", "--state-file", str(state_file), preexec_fn=_ignore_sigint)
    try:
        _create_keypair(served.url)
        rest = served.stop(signum)
    finally:
        served.kill()
    assert served.process.returncode == 0, rest
    assert f"stopping on {signum.name}" in rest and f"state saved to {state_file}" in rest
    assert [k["name"] for k in json.loads(state_file.read_text())["store"]["keypairs"].values()] == ["kept"]
