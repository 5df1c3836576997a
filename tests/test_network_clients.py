"""A deployment script's networking, end to end against a live fakenova, with the real `openstack`
CLI and openstacksdk: network, subnet, router with its gateway on public and an interface on the
subnet, a security group that opens ssh, a port set, a server on the new network in the new group
with a floating IP; then everything deleted in reverse order with nothing left behind (issue 12)."""

from __future__ import annotations

from tests.server_helpers import IMAGE_NAME, store_ids

V2 = "/networking/v2.0"


NEUTRON_STORES = ("networks", "subnets", "ports", "routers", "floatingips", "security_groups")


def test_cli_and_sdk_build_a_network_boot_on_it_and_tear_it_down(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0, "delete": 0})
    before = store_ids(live.backend, *NEUTRON_STORES)
    cli = live.openstack

    network = cli("network", "create", "app-net", "-f", "json")
    assert (network["name"], network["status"], network["mtu"]) == ("app-net", "ACTIVE", 1442)
    subnet = cli("subnet", "create", "--network", "app-net", "--subnet-range", "192.168.100.0/24",
                 "--dns-nameserver", "8.8.8.8", "app-subnet", "-f", "json")
    assert (subnet["cidr"], subnet["gateway_ip"]) == ("192.168.100.0/24", "192.168.100.1")
    assert subnet["allocation_pools"] == [{"start": "192.168.100.2", "end": "192.168.100.254"}]
    router = cli("router", "create", "app-router", "-f", "json")
    cli("router", "set", "--external-gateway", "public", "app-router")
    cli("router", "add", "subnet", "app-router", "app-subnet")
    shown = cli("router", "show", "app-router", "-f", "json")
    assert shown["external_gateway_info"]["network_id"] == cli("network", "show", "public", "-f", "json")["id"]
    assert [i["subnet_id"] for i in shown["interfaces_info"]] == [subnet["id"]]

    group = cli("security", "group", "create", "app-ssh", "--description", "ssh in", "-f", "json")
    rule = cli("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22",
               "--remote-ip", "0.0.0.0/0", "app-ssh", "-f", "json")
    assert (rule["port_range_min"], rule["port_range_max"], rule["protocol"]) == (22, 22, "tcp")
    duplicate = cli("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22",
                    "--remote-ip", "0.0.0.0/0", "app-ssh", check=False)
    assert duplicate.returncode != 0 and "Security group rule already exists" in duplicate.stderr

    port = cli("port", "create", "--network", "app-net", "app-port", "-f", "json")
    cli("port", "set", "--description", "spare", "--security-group", "app-ssh", "--no-security-group", "app-port")
    port = cli("port", "show", "app-port", "-f", "json")
    assert port["description"] == "spare" and port["security_group_ids"] == [group["id"]]

    server = cli("server", "create", "--image", IMAGE_NAME, "--flavor", "m1.tiny", "--network", "app-net",
                 "--security-group", "app-ssh", "--wait", "app-vm", "-f", "json")
    assert server["status"] == "ACTIVE"
    conn = live.sdk("demo")
    (server_port,) = conn.network.ports(device_id=server["id"])
    assert server_port.security_group_ids == [group["id"]]
    assert server_port.fixed_ips[0]["ip_address"].startswith("192.168.100.")
    nova_groups = {g["name"] for g in conn.compute.get_server(server["id"]).security_groups}
    assert nova_groups == {"app-ssh"}

    fip = cli("floating", "ip", "create", "public", "-f", "json")
    cli("server", "add", "floating", "ip", "app-vm", fip["floating_ip_address"])
    attached = conn.network.get_ip(fip["id"])
    assert (attached.port_id, attached.router_id) == (server_port.id, router["id"])
    addresses = conn.compute.get_server(server["id"]).addresses["app-net"]
    assert {a["OS-EXT-IPS:type"] for a in addresses} == {"fixed", "floating"}

    # Reverse order; each step must succeed, and nothing may be left.
    cli("server", "remove", "floating", "ip", "app-vm", fip["floating_ip_address"])
    cli("floating", "ip", "delete", fip["id"])
    cli("server", "delete", "--wait", "app-vm")
    cli("port", "delete", "app-port")
    conn.network.delete_security_group_rule(rule["id"])
    conn.network.delete_security_group(group["id"])
    cli("router", "remove", "subnet", "app-router", "app-subnet")
    cli("router", "unset", "--external-gateway", "app-router")
    cli("router", "delete", "app-router")
    cli("subnet", "delete", "app-subnet")
    cli("network", "delete", "app-net")
    assert store_ids(live.backend, *NEUTRON_STORES) == before


def test_sdk_cloud_layer_creates_network_router_and_group(live):
    conn = live.sdk("demo")
    network = conn.create_network("sdk-net")
    subnet = conn.create_subnet(network.id, cidr="192.168.101.0/24", subnet_name="sdk-subnet",
                                enable_dhcp=True)
    public = conn.get_network("public")
    router = conn.create_router("sdk-router", ext_gateway_net_id=public.id)
    conn.add_router_interface(router, subnet_id=subnet.id)
    group = conn.create_security_group("sdk-web", "http in")
    conn.create_security_group_rule(group.id, port_range_min=80, port_range_max=80, protocol="tcp",
                                    remote_ip_prefix="0.0.0.0/0")
    assert any(r["port_range_min"] == 80 for r in conn.get_security_group(group.id).security_group_rules)
    conn.remove_router_interface(router, subnet_id=subnet.id)
    assert conn.delete_router(router.id)
    assert conn.delete_security_group(group.id)
    assert conn.delete_network(network.id)
    assert conn.get_network("sdk-net") is None
