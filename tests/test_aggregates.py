"""Host aggregates and the availability zones Nova derives from them (nova/api/openstack/compute/
aggregates.py, nova/compute/api.py AggregateAPI, nova/availability_zones.py; texts from
nova/exception.py). Responses checked with Tempest's aggregates schemas."""

from __future__ import annotations

from tests import server_helpers as h
from tests.tempest_schemas import assert_valid

AGG = "/compute/v2.1/os-aggregates"
CLIENT = "aggregates_client.AggregatesClient"


def create(api, name="agg1", zone=None, version="2.41"):
    body = {"name": name, **({"availability_zone": zone} if zone else {})}
    response = api.post(AGG, json={"aggregate": body}, user="admin", version=version)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(CLIENT, "create_aggregate", version, 200, response.headers, response.get_json())
    return response.get_json()["aggregate"]


def action(api, aggregate_id, body, version="2.41"):
    return api.post(f"{AGG}/{aggregate_id}/action", json=body, user="admin", version=version)


def nova_fault(response, code, message):
    name = {400: "badRequest", 403: "forbidden", 404: "itemNotFound", 409: "conflictingRequest"}[code]
    assert (response.status_code, response.get_json()) == (code, {name: {"code": code, "message": message}})


def test_crud_and_the_uuid_from_241(api):
    made = create(api, zone="az1")
    assert made["availability_zone"] == "az1" and "hosts" not in made and made["uuid"]
    old = api.get(f"{AGG}/{made['id']}", user="admin", version="2.40").get_json()["aggregate"]
    assert "uuid" not in old and old["metadata"] == {"availability_zone": "az1"} and old["hosts"] == []
    renamed = api.put(f"{AGG}/{made['id']}", json={"aggregate": {"name": " agg2 "}}, user="admin", version="2.41")
    assert renamed.status_code == 200 and renamed.get_json()["aggregate"]["name"] == "agg2"
    assert_valid(CLIENT, "update_aggregate", "2.41", 200, renamed.headers, renamed.get_json())
    listed = api.get(AGG, user="admin", version="2.41")
    assert_valid(CLIENT, "list_aggregates", "2.41", 200, listed.headers, listed.get_json())
    assert [a["name"] for a in listed.get_json()["aggregates"]] == ["agg2"]
    deleted = api.delete(f"{AGG}/{made['id']}", user="admin")
    assert deleted.status_code == 200 and deleted.get_data() == b""
    nova_fault(api.get(f"{AGG}/{made['id']}", user="admin"), 404, f"Aggregate {made['id']} could not be found.")


def test_errors(api):
    made = create(api)
    nova_fault(api.post(AGG, json={"aggregate": {"name": "agg1"}}, user="admin"), 409, "Aggregate agg1 already exists.")
    nova_fault(api.get(f"{AGG}/abc", user="admin"), 400, "Invalid input received: id must be an integer")
    # The zone is oneOf(az_name, null): Nova's validator reports the oneOf, not the format's own text.
    nova_fault(api.post(AGG, json={"aggregate": {"name": "a", "availability_zone": "bad:zone"}}, user="admin"), 400,
               "Invalid input for field/attribute availability_zone. Value: bad:zone. 'bad:zone' is not valid "
               "under any of the given schemas")
    nova_fault(action(api, made["id"], {"add_host": {"host": "nohost"}}), 404, "Host 'nohost' is not mapped to any cell")
    assert action(api, made["id"], {"add_host": {"host": "compute1"}}).status_code == 200
    nova_fault(action(api, made["id"], {"add_host": {"host": "compute1"}}), 409,
               f"Aggregate {made['id']} already has host compute1.")
    nova_fault(api.delete(f"{AGG}/{made['id']}", user="admin"), 400,
               f"Cannot remove host from aggregate {made['id']}. Reason: Host aggregate is not empty.")
    nova_fault(action(api, made["id"], {"remove_host": {"host": "compute2"}}), 404,
               f"Cannot remove host compute2 in aggregate {made['id']}")
    nova_fault(action(api, made["id"], {"set_metadata": {"metadata": {"availability_zone": None}}}), 400,
               f"Cannot update metadata of aggregate {made['id']}. Reason: Aggregate agg1 does not support empty "
               "named availability zone.")
    nova_fault(api.post(AGG, json={"aggregate": {"name": "x"}}, user="demo"), 403,
               "Policy doesn't allow os_compute_api:os-aggregates:create to be performed.")
    nova_fault(action(api, made["id"], {"grow": {}}), 400, "There is no such action: grow")


def test_a_host_is_in_one_zone_only(api):
    first, second = create(api, "a1", "az1"), create(api, "a2", "az2")
    assert action(api, first["id"], {"add_host": {"host": "compute2"}}).status_code == 200
    nova_fault(action(api, second["id"], {"add_host": {"host": "compute2"}}), 409,
               f"Cannot add host to aggregate {second['id']}. Reason: One or more hosts already in availability "
               "zone(s) ['az1'].")


def test_zones_come_from_aggregate_metadata(api, instant_builds):
    made = create(api, zone="az1")
    assert action(api, made["id"], {"add_host": {"host": "compute2"}}).status_code == 200
    zones = api.get("/compute/v2.1/os-availability-zone").get_json()["availabilityZoneInfo"]
    assert [z["zoneName"] for z in zones] == ["az1", "nova"]
    detail = api.get("/compute/v2.1/os-availability-zone/detail", user="admin").get_json()["availabilityZoneInfo"]
    assert {z["zoneName"]: sorted(z["hosts"]) for z in detail}["az1"] == ["compute2"]
    services = api.get("/compute/v2.1/os-services?binary=nova-compute", user="admin").get_json()["services"]
    assert {s["host"]: s["zone"] for s in services} == {"compute1": "nova", "compute2": "az1"}
    server = h.create(api, availability_zone="az1")
    shown = h.show(api, server["id"], user="admin")
    assert shown["OS-EXT-SRV-ATTR:host"] == "compute2" and shown["OS-EXT-AZ:availability_zone"] == "az1"
    elsewhere = h.create(api, availability_zone="nova")
    assert h.show(api, elsewhere["id"], user="admin")["OS-EXT-SRV-ATTR:host"] == "compute1"
    bad = api.post(h.SERVERS, version="2.37", json={"server": {"name": "x", "imageRef": h.image_id(api.backend),
                                                                "flavorRef": "1", "networks": "auto",
                                                                "availability_zone": "az9"}})
    nova_fault(bad, 400, "The requested availability zone is not available")
    # compute2 now hosts a server: its zone may not change under it.
    nova_fault(action(api, made["id"], {"set_metadata": {"metadata": {"availability_zone": "az3"}}}), 400,
               f"Cannot update metadata of aggregate {made['id']}. Reason: One or more hosts contain instances in "
               "this zone.")


def test_the_openstack_cli_manages_aggregates(live):
    made = live.openstack("aggregate", "create", "--zone", "az1", "agg", "-f", "json", user="admin")
    assert made["availability_zone"] == "az1"
    live.openstack("aggregate", "add", "host", "agg", "compute2", user="admin")
    live.openstack("aggregate", "set", "--property", "ssd=true", "agg", user="admin")
    shown = live.openstack("aggregate", "show", "agg", "-f", "json", user="admin")
    assert shown["hosts"] == ["compute2"] and shown["properties"] == {"ssd": "true"}
    zones = live.openstack("availability", "zone", "list", "--compute", "-f", "json", user="demo")
    assert sorted(z["Zone Name"] for z in zones) == ["az1", "nova"]
    live.openstack("aggregate", "remove", "host", "agg", "compute2", user="admin")
    live.openstack("aggregate", "delete", "agg", user="admin")
    assert live.openstack("aggregate", "list", "-f", "json", user="admin") == []
