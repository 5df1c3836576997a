"""Apache Libcloud's OpenStack driver against a live fakenova. Libcloud talks to Nova at 2.1 and goes
through Nova's proxy APIs for networks, security groups and floating IPs (`os-networks`,
`os-security-groups`, `os-floating-ips`), and `os-volumes` for volumes: a script written for it lists
what it can boot, opens ssh, boots, takes a floating IP, attaches a volume and cleans up."""

from __future__ import annotations

import pytest

libcloud_providers = pytest.importorskip("libcloud.compute.providers")
from libcloud.compute.types import NodeState, Provider, StorageVolumeState  # noqa: E402

from tests.server_helpers import IMAGE_NAME, store_ids  # noqa: E402


def _driver(live, user: str = "demo"):
    driver_class = libcloud_providers.get_driver(Provider.OPENSTACK)
    return driver_class(user, user, ex_force_auth_url=f"{live.url}/identity",
                        ex_force_auth_version="3.x_password", ex_tenant_name=user,
                        ex_domain_name="Default", ex_force_service_region="RegionOne")


def _wait_volume(driver, volume_id: str, state) -> object:
    for _ in range(50):
        volume = driver.ex_get_volume(volume_id)
        if volume.state == state:
            return volume
    raise AssertionError(f"volume {volume_id} never reached {state}: {volume.state}")


FLOW_STORES = ("ports", "floatingips", "security_groups", "volumes", "keypairs")


def test_a_libcloud_script_boots_opens_ssh_attaches_and_cleans_up(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0, "delete": 0})
    before = store_ids(live.backend, *FLOW_STORES)
    driver = _driver(live)

    size = next(s for s in driver.list_sizes() if s.name == "m1.tiny")
    assert (size.ram, size.disk) == (512, 1)
    image = next(i for i in driver.list_images() if i.name == IMAGE_NAME)
    private = next(n for n in driver.ex_list_networks() if n.name == "private")
    # Nova's os-networks over Neutron fills only id and label (networks.py network_dict): no cidr.
    assert private.cidr is None

    group = driver.ex_create_security_group("lc-ssh", "ssh from anywhere")
    rule = driver.ex_create_security_group_rule(group, "tcp", 22, 22, "0.0.0.0/0")
    assert (rule.ip_protocol, rule.from_port, rule.to_port, rule.ip_range) == ("tcp", 22, 22, "0.0.0.0/0")
    assert "lc-ssh" in [g.name for g in driver.ex_list_security_groups()]
    driver.create_key_pair("lc-key")

    node = driver.create_node(name="lc-vm", size=size, image=image, networks=[private],
                              ex_keyname="lc-key", ex_security_groups=[group])
    node, private_ips = driver.wait_until_running([node], wait_period=0.1, timeout=30,
                                                  ssh_interface="private_ips")[0]
    assert node.state == NodeState.RUNNING
    assert private_ips and private_ips[0].startswith("10.0.0.")
    assert [g.name for g in driver.ex_get_node_security_groups(node)] == ["lc-ssh"]

    pool = next(p for p in driver.ex_list_floating_ip_pools() if p.name == "public")
    floating = pool.create_floating_ip()
    assert floating.ip_address.startswith("172.24.4.")
    driver.ex_attach_floating_ip_to_node(node, floating)
    # Libcloud sorts IPv4 addresses by RFC 1918 ranges, so devstack's 172.24.4.0/24 reads as private.
    shown = driver.ex_get_node_details(node.id)
    assert floating.ip_address in shown.private_ips + shown.public_ips
    driver.ex_detach_floating_ip_from_node(node, floating)
    shown = driver.ex_get_node_details(node.id)
    assert floating.ip_address not in shown.private_ips + shown.public_ips
    floating.delete()

    volume = driver.create_volume(1, "lc-vol")
    _wait_volume(driver, volume.id, StorageVolumeState.AVAILABLE)
    assert driver.attach_volume(node, volume, "/dev/vdb")
    attached = _wait_volume(driver, volume.id, StorageVolumeState.INUSE)
    assert attached.extra["attachments"][0]["serverId"] == node.id
    assert driver.detach_volume(attached)
    _wait_volume(driver, volume.id, StorageVolumeState.AVAILABLE)
    assert driver.destroy_volume(volume)

    assert driver.reboot_node(node)
    assert driver.destroy_node(node)
    assert node.id not in [n.id for n in driver.list_nodes()]
    driver.delete_key_pair(driver.get_key_pair("lc-key"))
    assert driver.ex_delete_security_group(group)
    assert store_ids(live.backend, *FLOW_STORES) == before
