"""gophercloud, the Go SDK behind Terraform's OpenStack provider, runs a deployment against a live
fakenova: image upload, network + subnet + router to public, a security group opening ssh, a server
on a port with a floating IP, a volume made from the image attached and detached, a server booted
from a volume, then everything torn down with nothing left behind (issues 12 and 13).

The program is ours (`tests/clients/gophercloud_flow/main.go`); gophercloud itself is not vendored.
The test needs a Go toolchain (>= 1.22) and a gophercloud v2 checkout whose go.mod asks for no newer
Go (v2.10.0 and older), named by FAKENOVA_GOPHERCLOUD. It builds in GOPATH mode, so no module proxy
is needed. Where either is missing it skips and says which.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server_helpers import store_ids

FLOW = Path(__file__).parent / "clients" / "gophercloud_flow"


def _go() -> str | None:
    # Debian installs versioned toolchains outside PATH (golang-1.23-go -> /usr/lib/go-1.23/bin/go).
    return shutil.which("go") or next(iter(sorted(glob.glob("/usr/lib/go-1.*/bin/go"), reverse=True)), None)


@pytest.fixture(scope="module")
def gophercloud_flow(tmp_path_factory) -> Path:
    go = _go()
    checkout = os.environ.get("FAKENOVA_GOPHERCLOUD")
    if go is None:
        pytest.skip("no Go toolchain (apt install golang-1.23-go from bookworm-backports)")
    if not checkout or not (Path(checkout) / "openstack" / "client.go").is_file():
        pytest.skip("FAKENOVA_GOPHERCLOUD does not name a gophercloud v2 checkout (git clone "
                    "https://github.com/gophercloud/gophercloud && git checkout v2.10.0)")
    gopath = tmp_path_factory.mktemp("gopath")
    vendor_dir = gopath / "src" / "github.com" / "gophercloud" / "gophercloud"
    vendor_dir.mkdir(parents=True)
    (vendor_dir / "v2").symlink_to(Path(checkout).resolve())
    shutil.copytree(FLOW, gopath / "src" / "gcflow")
    binary = gopath / "gcflow"
    env = {**os.environ, "GOPATH": str(gopath), "GO111MODULE": "off", "GOFLAGS": "",
           "GOCACHE": str(gopath / "cache")}
    built = subprocess.run([go, "build", "-o", str(binary), "."], cwd=gopath / "src" / "gcflow", env=env,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    return binary


FLOW_STORES = ("networks", "subnets", "ports", "routers", "floatingips", "security_groups", "volumes", "images")


def test_a_terraform_shaped_deployment_through_gophercloud(live, monkeypatch, gophercloud_flow):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0, "delete": 0})
    before = store_ids(live.backend, *FLOW_STORES)

    run = subprocess.run([str(gophercloud_flow), live.url], capture_output=True, text=True, timeout=300)

    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.rstrip().endswith("ALL OK")
    assert "ok   boot from volume lists its root volume" in run.stdout
    assert store_ids(live.backend, *FLOW_STORES) == before
    assert not [s for s in live.backend.store.servers.values() if not s.get("deleted")]
