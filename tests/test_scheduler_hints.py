"""Where builds land on the two compute hosts: the scheduler hints same_host / different_host and the
server-group filters, for single and multi-create (nova/scheduler/filters/affinity_filter.py, Nova's
select_destinations placing a multi-create as a whole). Tempest: admin/test_servers_on_multinodes.py."""

from __future__ import annotations

import pytest

from tests import server_helpers as h

GROUPS = "/compute/v2.1/os-server-groups"


def boot(api, *, hints=None, **server):
    body = {"server": {"name": "vm", "imageRef": h.image_id(api.backend), "flavorRef": "1", "networks": "auto",
                       **server}}
    if hints is not None:
        body["os:scheduler_hints"] = hints
    response = api.post(h.SERVERS, json=body, version="2.64")
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()


def host(api, server_id):
    return h.show(api, server_id, user="admin")["OS-EXT-SRV-ATTR:host"]


def group(api, policy):
    response = api.post(GROUPS, json={"server_group": {"name": "g", "policy": policy}}, version="2.64")
    return response.get_json()["server_group"]["id"]


def by_reservation(api, reservation_id):
    servers = api.get(f"{h.SERVERS}/detail?all_tenants=1&reservation_id={reservation_id}", user="admin").get_json()["servers"]
    return sorted(servers, key=lambda s: s["name"])


@pytest.mark.parametrize("as_list", [False, True])
def test_different_host_lands_on_the_other_host(api, instant_builds, as_list):
    first = boot(api)["server"]["id"]
    assert host(api, first) == "compute1"
    second = boot(api, hints={"different_host": [first] if as_list else first})["server"]["id"]
    assert host(api, second) == "compute2"


def test_same_host_follows_the_named_server(api, instant_builds):
    first = boot(api)["server"]["id"]
    elsewhere = boot(api, hints={"different_host": first})["server"]["id"]
    follower = boot(api, hints={"same_host": elsewhere})["server"]["id"]
    assert host(api, follower) == "compute2"


def test_different_host_from_every_host_is_no_valid_host(api, instant_builds):
    first = boot(api)["server"]["id"]
    second = boot(api, hints={"different_host": first})["server"]["id"]
    stuck = boot(api, hints={"different_host": [first, second]})["server"]["id"]
    shown = h.show(api, stuck, user="admin")
    assert shown["status"] == "ERROR"
    assert shown["fault"]["message"] == "No valid host was found. There are not enough hosts available."


def test_multi_create_into_anti_affinity_uses_both_hosts(api, instant_builds):
    group_id = group(api, "anti-affinity")
    made = boot(api, hints={"group": group_id}, min_count=2, return_reservation_id=True)
    servers = by_reservation(api, made["reservation_id"])
    assert [s["status"] for s in servers] == ["ACTIVE", "ACTIVE"]
    assert {s["OS-EXT-SRV-ATTR:host"] for s in servers} == {"compute1", "compute2"}


def test_multi_create_that_cannot_all_fit_fails_as_a_whole(api, instant_builds):
    group_id = group(api, "anti-affinity")
    made = boot(api, hints={"group": group_id}, min_count=3, return_reservation_id=True)
    servers = by_reservation(api, made["reservation_id"])
    assert [s["status"] for s in servers] == ["ERROR"] * 3


def test_affinity_keeps_a_multi_create_together_and_soft_anti_affinity_spreads(api, instant_builds):
    together = boot(api, hints={"group": group(api, "affinity")}, min_count=2, return_reservation_id=True)
    assert len({s["OS-EXT-SRV-ATTR:host"] for s in by_reservation(api, together["reservation_id"])}) == 1
    spread = boot(api, hints={"group": group(api, "soft-anti-affinity")}, min_count=3, return_reservation_id=True)
    hosts = [s["OS-EXT-SRV-ATTR:host"] for s in by_reservation(api, spread["reservation_id"])]
    assert sorted(hosts) == ["compute1", "compute1", "compute2"]
