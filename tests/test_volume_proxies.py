"""Nova's deprecated Cinder proxies /os-volumes and /os-snapshots: served below 2.36 with Nova's
views (camelCase, ``attachments: [{}]`` when unattached), 404 from 2.36; checked with Tempest's
compute volumes/snapshots schemas. Source: nova/api/openstack/compute/volumes.py,
nova/policies/volumes.py."""

from __future__ import annotations

from tests.server_helpers import create, fault
from tests.tempest_schemas import assert_valid

V21 = "/compute/v2.1"
VOLUMES = "volumes_client.VolumesClient"
SNAPSHOTS = "snapshots_client.SnapshotsClient"


def test_volume_proxy_create_show_list_delete(api):
    created = api.post(f"{V21}/os-volumes", json={"volume": {"size": 1, "display_name": "proxied",
                                                              "metadata": {"k": "v"}}})
    assert created.status_code == 200, created.get_data(as_text=True)
    assert_valid(VOLUMES, "create_get_volume", "2.1", 200, created.headers, created.get_json())
    volume = created.get_json()["volume"]
    assert (volume["displayName"], volume["status"], volume["attachments"]) == ("proxied", "creating", [{}])
    shown = api.get(f"{V21}/os-volumes/{volume['id']}")
    assert_valid(VOLUMES, "create_get_volume", "2.1", 200, shown.headers, shown.get_json())
    assert shown.get_json()["volume"]["status"] == "available"
    for path in ("/os-volumes", "/os-volumes/detail"):
        listed = api.get(V21 + path)
        assert_valid(VOLUMES, "list_volumes", "2.1", 200, listed.headers, listed.get_json())
        assert [v["id"] for v in listed.get_json()["volumes"]] == [volume["id"]]
    # Cinder's own API sees the same volume.
    project = api.get("/identity/v3/auth/projects").get_json()["projects"][0]["id"]
    assert api.get(f"/volume/v3/{project}/volumes/{volume['id']}").get_json()["volume"]["name"] == "proxied"
    deleted = api.delete(f"{V21}/os-volumes/{volume['id']}")
    assert deleted.status_code == 202
    assert fault(api.get(f"{V21}/os-volumes/{volume['id']}")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Volume {volume['id']} could not be found."}})


def test_an_attached_volume_shows_its_server_and_device(api):
    api.backend.settings.durations = {"build": 0}
    server = create(api)["id"]
    volume = api.post(f"{V21}/os-volumes", json={"volume": {"size": 1}}).get_json()["volume"]
    api.post(f"{V21}/servers/{server}/os-volume_attachments", json={"volumeAttachment": {"volumeId": volume["id"]}})
    shown = api.get(f"{V21}/os-volumes/{volume['id']}").get_json()["volume"]
    assert shown["status"] == "in-use"
    assert shown["attachments"] == [{"id": volume["id"], "volumeId": volume["id"], "serverId": server,
                                     "device": "/dev/vdb"}]
    refused = api.delete(f"{V21}/os-volumes/{volume['id']}")
    assert refused.status_code == 400 and refused.get_json()["badRequest"]["message"].startswith(
        "Invalid input received: Invalid volume: Volume status must be available")


def test_snapshot_proxy(api):
    api.backend.settings.durations = {"snapshot_create": 0}
    volume = api.post(f"{V21}/os-volumes", json={"volume": {"size": 2}}).get_json()["volume"]
    created = api.post(f"{V21}/os-snapshots", json={"snapshot": {"volume_id": volume["id"], "display_name": "s",
                                                                  "force": "true"}})
    assert created.status_code == 200, created.get_data(as_text=True)
    assert_valid(SNAPSHOTS, "create_get_snapshot", "2.1", 200, created.headers, created.get_json())
    snapshot = created.get_json()["snapshot"]
    assert (snapshot["volumeId"], snapshot["size"], snapshot["displayName"]) == (volume["id"], 2, "s")
    listed = api.get(f"{V21}/os-snapshots/detail")
    assert_valid(SNAPSHOTS, "list_snapshots", "2.1", 200, listed.headers, listed.get_json())
    assert api.get(f"{V21}/os-snapshots/{snapshot['id']}").get_json()["snapshot"]["status"] == "available"
    assert api.delete(f"{V21}/os-snapshots/{snapshot['id']}").status_code == 202
    assert fault(api.get(f"{V21}/os-snapshots/{snapshot['id']}")) == (404, {"itemNotFound": {
        "code": 404, "message": f"Snapshot {snapshot['id']} could not be found."}})


def test_the_proxies_are_gone_from_2_36(api):
    for path in ("/os-volumes", "/os-snapshots", "/os-volumes/detail"):
        assert api.get(V21 + path, version="2.35").status_code == 200
        assert api.get(V21 + path, version="2.36").status_code == 404


def test_a_reader_may_list_but_not_create(api):
    assert api.get(f"{V21}/os-volumes", user="reader").status_code == 200
    assert fault(api.post(f"{V21}/os-volumes", user="reader", json={"volume": {"size": 1}})) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-volumes:create to be performed."}})
