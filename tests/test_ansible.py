"""Ansible's openstack.cloud collection runs a deployment playbook against a live fakenova
(`tests/clients/ansible_flow/site.yml`): image upload, network, subnet, router to public, a security
group with ssh, a key pair, a bootable volume from the image, a server with a floating IP, the
volume attached and detached, then everything removed, with nothing left behind (issues 12, 13).

openstack.cloud 2.x wants openstacksdk < 4.15 and the suite's own venv has a newer one, so Ansible
lives in a venv of its own: `make ansible` makes `.venv-ansible` (CI does), or FAKENOVA_ANSIBLE_PLAYBOOK
names another venv's `ansible-playbook`. Without either the test skips.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.server_helpers import store_ids

PLAYBOOK = Path(__file__).parent / "clients" / "ansible_flow" / "site.yml"
MAKE_ANSIBLE = Path(__file__).parent.parent / ".venv-ansible" / "bin" / "ansible-playbook"


FLOW_STORES = ("networks", "subnets", "ports", "routers", "floatingips", "security_groups", "volumes", "images",
               "keypairs")


def test_an_ansible_playbook_deploys_and_tears_down(live, monkeypatch, tmp_path):
    playbook = os.environ.get("FAKENOVA_ANSIBLE_PLAYBOOK") or str(MAKE_ANSIBLE)
    if not Path(playbook).is_file():
        pytest.skip("no Ansible: `make ansible` (or FAKENOVA_ANSIBLE_PLAYBOOK naming an ansible-playbook "
                    "whose venv has ansible and openstacksdk<4.15)")
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0, "delete": 0})
    before = store_ids(live.backend, *FLOW_STORES)
    (tmp_path / "clouds.yaml").write_text(
        "clouds:\n  fakenova:\n    region_name: RegionOne\n    identity_api_version: 3\n    auth:\n"
        f"      auth_url: {live.auth_url}\n      username: demo\n      password: demo\n"
        "      project_name: demo\n      user_domain_name: Default\n      project_domain_name: Default\n")
    disk = tmp_path / "disk.img"
    disk.write_bytes(os.urandom(3 * 2**20))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(OS_CLIENT_CONFIG_FILE=str(tmp_path / "clouds.yaml"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"))

    run = subprocess.run(
        [playbook, "-i", "localhost,", "-c", "local", "-e", f"disk_image={disk}",
         "-e", f"ansible_python_interpreter={Path(playbook).parent / 'python'}", str(PLAYBOOK)],
        env=env, capture_output=True, text=True, timeout=600)

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "failed=0" in run.stdout and "All assertions passed" in run.stdout
    assert store_ids(live.backend, *FLOW_STORES) == before
    assert not [s for s in live.backend.store.servers.values() if not s.get("deleted")]
