"""GET /servers/{id}/diagnostics and GET /servers/{id}/topology: bodies, errors, policy, real clients.

Diagnostics numbers follow from the server and its uptime on the fake clock
(fakenova/domain/compute/server_diagnostics.py): a frozen clock advanced by 600 s gives an uptime of 600, a
CPU time of 600 * 10**7 ns per vCPU, 300 packets in and 120 out per NIC (78 and 212 bytes each), and
112 + 20 read and 80 write requests of 4 KiB on the root disk.
"""

from __future__ import annotations

import pytest

from fakenova.config import Settings
from fakenova.pytest_plugin import instant_durations
from tests.server_helpers import CLIENT, SERVERS, create, fault, image_id, network_id
from tests.tempest_schemas import assert_valid

FLAVORS = "/compute/v2.1/flavors"


@pytest.fixture
def settings() -> Settings:
    return Settings(durations=instant_durations())


def _port(api, server_id: str) -> dict:
    return next(p for p in api.backend.store.ports.values() if p["device_id"] == server_id)


def _flavor(api, flavor_id: str, *, vcpus=1, ram=512, disk=1, ephemeral=0, swap=0, specs=None) -> str:
    body = {"name": flavor_id, "id": flavor_id, "vcpus": vcpus, "ram": ram, "disk": disk,
            "OS-FLV-EXT-DATA:ephemeral": ephemeral, "swap": swap}
    created = api.post(FLAVORS, user="admin", json={"flavor": body})
    assert created.status_code == 200, created.get_data(as_text=True)
    if specs:
        added = api.post(f"{FLAVORS}/{flavor_id}/os-extra_specs", user="admin", json={"extra_specs": specs})
        assert added.status_code == 200, added.get_data(as_text=True)
    return flavor_id


def _diagnostics(api, server_id: str, version: str, user: str = "admin"):
    return api.get(f"{SERVERS}/{server_id}/diagnostics", user=user, version=version)


def _action(api, server_id: str, body: dict) -> None:
    response = api.post(f"{SERVERS}/{server_id}/action", json=body)
    assert response.status_code == 202, response.get_data(as_text=True)


# --- diagnostics ------------------------------------------------------------------------------------

def test_standardized_body_from_2_48(frozen):
    api = frozen
    server = create(api, flavorRef="3")  # m1.medium: 2 vCPUs, 4096 MiB
    api.backend.clock.advance(600)
    response = _diagnostics(api, server["id"], "2.48")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(CLIENT, "show_server_diagnostics", "2.48", 200, response.headers, response.get_json())
    assert response.get_json() == {
        "state": "running", "driver": "libvirt", "hypervisor": "kvm", "hypervisor_os": "linux", "uptime": 600,
        "config_drive": False, "num_cpus": 2, "num_nics": 1, "num_disks": 1,
        "memory_details": {"maximum": 4096, "used": 4096},
        "cpu_details": [{"id": 0, "time": 6_000_000_000, "utilisation": None},
                        {"id": 1, "time": 6_000_000_000, "utilisation": None}],
        "nic_details": [{"mac_address": _port(api, server["id"])["mac_address"], "rx_octets": 23400,
                         "rx_errors": 0, "rx_drop": 0, "rx_packets": 300, "rx_rate": None, "tx_octets": 25440,
                         "tx_errors": 0, "tx_drop": 0, "tx_packets": 120, "tx_rate": None}],
        "disk_details": [{"read_bytes": 132 * 4096, "read_requests": 132, "write_bytes": 80 * 4096,
                          "write_requests": 80, "errors_count": -1}],
    }


def test_libvirt_dict_before_2_48(frozen):
    api = frozen
    server = create(api)  # m1.tiny: 1 vCPU, 512 MiB
    api.backend.clock.advance(600)
    response = _diagnostics(api, server["id"], "2.47")
    assert_valid(CLIENT, "show_server_diagnostics", "2.47", 200, response.headers, response.get_json())
    tap = "tap" + _port(api, server["id"])["id"][:11]
    assert response.get_json() == {
        "cpu0_time": 6_000_000_000,
        "vda_read_req": 132, "vda_read": 132 * 4096, "vda_write_req": 80, "vda_write": 80 * 4096, "vda_errors": -1,
        f"{tap}_rx": 23400, f"{tap}_rx_packets": 300, f"{tap}_rx_errors": 0, f"{tap}_rx_drop": 0,
        f"{tap}_tx": 25440, f"{tap}_tx_packets": 120, f"{tap}_tx_errors": 0, f"{tap}_tx_drop": 0,
        "memory": 524288, "memory-actual": 524288, "memory-swap_in": 0, "memory-swap_out": 0,
        "memory-unused": 393216, "memory-available": 524288, "memory-usable": 393216, "memory-rss": 131072,
        "memory-last_update": int(api.backend.clock.time()),
    }


def test_same_clock_same_body_and_counters_grow_with_uptime(frozen):
    api = frozen
    server = create(api)
    first = _diagnostics(api, server["id"], "2.48").get_json()
    assert _diagnostics(api, server["id"], "2.48").get_json() == first
    api.backend.clock.advance(60)
    later = _diagnostics(api, server["id"], "2.48").get_json()
    assert (first["uptime"], later["uptime"]) == (0, 60)
    assert later["cpu_details"][0]["time"] > first["cpu_details"][0]["time"]
    assert later["nic_details"][0]["rx_packets"] == first["nic_details"][0]["rx_packets"] + 30


def test_disks_follow_the_flavor_and_config_drive(frozen):
    """Root, ephemeral and swap disks (vda, vdb, vdc) and the config drive (sda), one NIC per port."""
    api = frozen
    _flavor(api, "eph", ephemeral=2, swap=512)
    server = create(api, flavorRef="eph", config_drive=True,
                    networks=[{"uuid": network_id(api.backend)}, {"uuid": network_id(api.backend)}])
    standard = _diagnostics(api, server["id"], "2.48").get_json()
    assert (standard["num_disks"], standard["num_nics"], standard["config_drive"]) == (4, 2, True)
    assert [d["read_requests"] for d in standard["disk_details"]] == [112, 0, 0, 0]
    legacy = _diagnostics(api, server["id"], "2.1").get_json()
    assert sorted(key for key in legacy if key.endswith("_read")) == ["sda_read", "vda_read", "vdb_read", "vdc_read"]
    assert len([key for key in legacy if key.startswith("tap") and key.endswith("_rx")]) == 2


@pytest.mark.parametrize("setup, state", [
    ([{"os-stop": None}], "shutdown"),
    ([{"pause": None}], "paused"),
    ([{"suspend": None}], "shutdown"),
])
def test_409_unless_the_guest_runs(api, setup, state):
    server = create(api)
    for body in setup:
        _action(api, server["id"], body)
    for version in ("2.1", "2.48"):
        assert fault(_diagnostics(api, server["id"], version)) == (409, {"conflictingRequest": {
            "code": 409, "message": f"Cannot 'get_diagnostics' instance {server['id']} while it is in power state "
                                    f"{state}"}})


def test_409_while_building(api, monkeypatch):
    """No host yet: "not ready" (check_instance_host); on the host but not spawned: power state pending."""
    monkeypatch.setattr(api.backend.settings, "durations", {"build": 10})
    api.backend.clock.freeze()
    server = create(api)
    assert fault(_diagnostics(api, server["id"], "2.48")) == (409, {"conflictingRequest": {
        "code": 409, "message": f"Instance {server['id']} is not ready"}})
    api.backend.clock.advance(3)
    assert fault(_diagnostics(api, server["id"], "2.48")) == (409, {"conflictingRequest": {
        "code": 409, "message": f"Cannot 'get_diagnostics' instance {server['id']} while it is in power state "
                                "pending"}})


def test_admin_only_and_project_scoped(api):
    server = create(api)
    for user in ("demo", "reader", "manager"):
        assert fault(_diagnostics(api, server["id"], "2.48", user=user)) == (403, {"forbidden": {
            "code": 403, "message": "Policy doesn't allow os_compute_api:os-server-diagnostics to be performed."}})
    assert fault(_diagnostics(api, server["id"], "2.48", user="alt_demo")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Instance {server['id']} could not be found."}})
    missing = "00000000-0000-4000-8000-000000000000"
    assert fault(_diagnostics(api, missing, "2.48")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Instance {missing} could not be found."}})


def test_unknown_query_parameters_from_2_102(api):
    server = create(api)
    assert _diagnostics(api, server["id"] + "?verbose=1", "2.101").status_code == 200
    assert fault(_diagnostics(api, server["id"] + "?verbose=1", "2.102")) == (400, {"badRequest": {
        "code": 400, "message": "Additional properties are not allowed ('verbose' was unexpected)"}})


# --- topology ------------------------------------------------------------------------------------------

def _topology(api, server_id: str, user: str = "demo", version: str = "2.78"):
    return api.get(f"{SERVERS}/{server_id}/topology", user=user, version=version)


def test_no_numa_request_means_no_nodes(api):
    server = create(api)
    for user in ("demo", "admin"):
        response = _topology(api, server["id"], user=user)
        assert (response.status_code, response.get_json()) == (200, {"nodes": [], "pagesize_kb": None})


def test_numa_nodes_with_pinning_and_huge_pages(api):
    _flavor(api, "numa", vcpus=4, ram=2048, specs={"hw:numa_nodes": "2", "hw:cpu_policy": "dedicated",
                                                  "hw:mem_page_size": "large"})
    server = create(api, flavorRef="numa")
    nodes = [{"vcpu_set": [0, 1], "siblings": [], "memory_mb": 1024},
             {"vcpu_set": [2, 3], "siblings": [], "memory_mb": 1024}]
    assert _topology(api, server["id"]).get_json() == {"nodes": nodes, "pagesize_kb": 2048}
    # The host rule (admin) adds where each node landed and the vCPU -> host CPU pinning.
    assert _topology(api, server["id"], user="admin").get_json() == {"nodes": [
        dict(nodes[0], host_node=0, cpu_pinning={"0": 0, "1": 1}),
        dict(nodes[1], host_node=1, cpu_pinning={"2": 32, "3": 33})], "pagesize_kb": 2048}


@pytest.mark.parametrize("specs, pagesize", [
    ({"hw:mem_page_size": "small"}, 4),
    ({"hw:mem_page_size": "any"}, 2048),
    ({"hw:mem_page_size": "1GB"}, 1048576),
    ({"hw:mem_page_size": "2048"}, 2048),
    ({"hw:cpu_policy": "dedicated"}, None),
])
def test_one_node_for_pinning_or_page_size_alone(api, specs, pagesize):
    _flavor(api, "one", vcpus=2, ram=1024, specs=specs)
    server = create(api, flavorRef="one")
    admin = _topology(api, server["id"], user="admin").get_json()
    pinning = {"0": 0, "1": 1} if specs.get("hw:cpu_policy") == "dedicated" else {}
    assert admin == {"nodes": [{"vcpu_set": [0, 1], "siblings": [], "memory_mb": 1024, "host_node": 0,
                                "cpu_pinning": pinning}], "pagesize_kb": pagesize}


def test_topology_errors(api):
    server = create(api)
    assert fault(_topology(api, server["id"], version="2.77")) == (404, {"itemNotFound": {
        "code": 404, "message": "The resource could not be found."}})
    assert fault(_topology(api, server["id"], user="alt_demo")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Instance {server['id']} could not be found."}})
    assert fault(_topology(api, server["id"] + "?x=1", version="2.102")) == (400, {"badRequest": {
        "code": 400, "message": "Additional properties are not allowed ('x' was unexpected)"}})


@pytest.mark.parametrize("specs, message", [
    ({"hw:numa_nodes": "3"}, "Instance CPUs and/or memory cannot be evenly distributed across instance NUMA "
                             "nodes. Explicit assignment of CPUs and memory to nodes is required"),
    ({"hw:numa_nodes": "0"}, "The property 'numa_nodes' cannot be '0'. It must be a number greater than 0"),
    ({"hw:numa_nodes": "two"}, "The property 'numa_nodes' cannot be 'two'. It must be a number greater than 0"),
    ({"hw:mem_page_size": "huge"}, "Invalid memory page size 'huge'"),
    ({"hw:cpu_policy": "pinned"}, "CPU policy requested from 'flavor extra specs' is invalid, given: 'pinned', "
                                  "available: '('dedicated', 'shared', 'mixed')'."),
])
def test_a_numa_request_nova_cannot_honour_is_400_on_create_and_resize(api, specs, message):
    _flavor(api, "bad", vcpus=2, ram=1024, specs=specs)
    body = {"name": "x", "imageRef": image_id(api.backend), "flavorRef": "bad", "networks": "auto"}
    response = api.post(SERVERS, json={"server": body}, version="2.37")
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": message}})
    server = create(api)
    response = api.post(f"{SERVERS}/{server['id']}/action", json={"resize": {"flavorRef": "bad"}})
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": message}})


# --- real clients ---------------------------------------------------------------------------------------

def test_clients_read_diagnostics_and_topology(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    admin = live.sdk("admin")
    server = live.sdk("demo").compute.create_server(name="diag", image_id=image_id(live.backend), flavor_id="1",
                                                    networks=[{"uuid": network_id(live.backend)}])
    diagnostics = admin.compute.get_server_diagnostics(server)
    assert (diagnostics.driver, diagnostics.state, diagnostics.num_cpus) == ("libvirt", "running", 1)
    assert diagnostics.memory_details == {"maximum": 512, "used": 512}

    nova = live.novaclient("admin", "2.47")
    _, legacy = nova.servers.diagnostics(server.id)
    assert legacy["memory"] == 524288 and "cpu0_time" in legacy

    topology = live.novaclient("demo", "2.78").servers.topology(server.id)
    assert dict(topology) == {"nodes": [], "pagesize_kb": None}

    shown = live.openstack("server", "show", "--diagnostics", server.id, "-f", "json", user="admin")
    assert (shown["driver"], shown["num_nics"]) == ("libvirt", 1)
