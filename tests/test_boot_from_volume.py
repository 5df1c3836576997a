"""Nova boot from volume: block_device_mapping_v2 with source image / snapshot / blank and destination
volume makes the volume in Cinder (size, name, bootable), attaches it as the root device, lists it in
os-extended-volumes:volumes_attached; a non-bootable root volume is Nova's 400; server delete honours
delete_on_termination. The real CLI (--volume, --boot-from-volume) and openstacksdk.

Sources: the storage facts file C.1-C.4 (nova/block_device.py from_api, nova/compute/api.py
_validate_bdm, nova/virt/block_device.py, nova/api/openstack/compute/views/servers.py)."""

from __future__ import annotations

import pytest

from tests.server_helpers import SERVERS, create, fault, image_id, show

V3 = "/volume/v3"


@pytest.fixture
def instant(api):
    api.backend.settings.durations = {"build": 0, "delete": 0, "rebuild": 0, "volume_download": 0,
                                      "snapshot_create": 0}
    return api


def _project(api, user="demo") -> str:
    return api.get("/identity/v3/auth/projects", user=user).get_json()["projects"][0]["id"]


def _cinder(api, volume_id: str):
    return api.get(f"{V3}/{_project(api)}/volumes/{volume_id}")


def _volume(api, **fields) -> str:
    fields.setdefault("size", 1)
    response = api.post(f"{V3}/{_project(api)}/volumes", json={"volume": fields})
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()["volume"]["id"]


def _boot(api, bdms, *, image_ref="", version="2.67", **server):
    body = {"name": "bfv", "imageRef": image_ref, "flavorRef": "1", "networks": "auto",
            "block_device_mapping_v2": bdms, **server}
    return api.post(SERVERS, json={"server": body}, version=version)


def _bad(message: str) -> tuple[int, dict]:
    return 400, {"badRequest": {"code": 400, "message": message}}


def test_boot_from_an_image_makes_the_root_volume(instant):
    api = instant
    image = image_id(api.backend)
    response = _boot(api, [{"boot_index": 0, "uuid": image, "source_type": "image", "destination_type": "volume",
                            "volume_size": 2, "delete_on_termination": True}])
    assert response.status_code == 202, response.get_data(as_text=True)
    server_id = response.get_json()["server"]["id"]
    body = show(api, server_id, version="2.3")
    assert body["image"] == "" and body["status"] == "ACTIVE"
    (attached,) = body["os-extended-volumes:volumes_attached"]
    assert attached["delete_on_termination"] is True
    volume = _cinder(api, attached["id"]).get_json()["volume"]
    assert (volume["size"], volume["name"], volume["status"], volume["bootable"]) == (2, "", "in-use", "true")
    assert volume["volume_image_metadata"]["image_id"] == image
    assert volume["attachments"][0]["device"] == "/dev/vda" and volume["attachments"][0]["server_id"] == server_id
    admin_view = api.get(f"{SERVERS}/{server_id}", version="2.3", user="admin").get_json()["server"]
    assert admin_view["OS-EXT-SRV-ATTR:root_device_name"] == "/dev/vda"
    # The image's properties are the server's, as Nova reads them from the volume.
    assert api.get(f"{SERVERS}/{server_id}", version="2.98").get_json()["server"]["image"] == ""
    assert api.delete(f"{SERVERS}/{server_id}").status_code == 204
    assert _cinder(api, attached["id"]).status_code == 404


def test_a_volume_kept_after_delete_is_available_again(instant):
    api = instant
    response = _boot(api, [{"boot_index": 0, "uuid": image_id(api.backend), "source_type": "image",
                            "destination_type": "volume", "volume_size": 1}])
    server_id = response.get_json()["server"]["id"]
    (attached,) = show(api, server_id, version="2.3")["os-extended-volumes:volumes_attached"]
    assert attached["delete_on_termination"] is False  # Nova's default for every source
    api.delete(f"{SERVERS}/{server_id}")
    volume = _cinder(api, attached["id"]).get_json()["volume"]
    assert (volume["status"], volume["attachments"]) == ("available", [])


def test_blank_and_snapshot_sources(instant):
    api = instant
    origin = _volume(api, imageRef=image_id(api.backend), size=1)
    snapshot = api.post(f"{V3}/{_project(api)}/snapshots", json={"snapshot": {"volume_id": origin}}).get_json()
    response = _boot(api, [
        {"boot_index": 0, "uuid": snapshot["snapshot"]["id"], "source_type": "snapshot", "destination_type": "volume"},
        {"boot_index": 1, "source_type": "blank", "destination_type": "volume", "volume_size": 3},
        {"boot_index": -1, "source_type": "blank", "destination_type": "local", "guest_format": "swap"},
    ])
    assert response.status_code == 202, response.get_data(as_text=True)
    server_id = response.get_json()["server"]["id"]
    attachments = api.get(f"{SERVERS}/{server_id}/os-volume_attachments").get_json()["volumeAttachments"]
    root, blank = attachments
    assert (root["device"], blank["device"]) == ("/dev/vda", "/dev/vdb")
    root_volume = _cinder(api, root["volumeId"]).get_json()["volume"]
    assert (root_volume["snapshot_id"], root_volume["size"], root_volume["bootable"]) == (
        snapshot["snapshot"]["id"], 1, "true")
    blank_volume = _cinder(api, blank["volumeId"]).get_json()["volume"]
    assert (blank_volume["name"], blank_volume["size"], blank_volume["bootable"]) == (
        f"{server_id}-blank-vol", 3, "false")


def test_a_non_bootable_root_volume_is_refused(instant):
    api = instant
    volume = _volume(api)
    response = _boot(api, [{"boot_index": 0, "uuid": volume, "source_type": "volume", "destination_type": "volume"}])
    assert fault(response) == _bad(f"Block Device {volume} is not bootable.")
    # As a data volume next to an image root it is fine.
    response = _boot(api, [{"boot_index": 1, "uuid": volume, "source_type": "volume", "destination_type": "volume"}],
                     image_ref=image_id(api.backend))
    assert response.status_code == 202


@pytest.mark.parametrize("bdm, message", [
    ({"boot_index": 0, "source_type": "image", "destination_type": "volume", "volume_size": 1},
     "Block Device Mapping is Invalid: Missing device UUID."),
    ({"boot_index": 0, "source_type": "blank", "destination_type": "volume", "volume_size": 1,
      "uuid": "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"}, "Block Device Mapping is Invalid: Invalid device UUID."),
    ({"boot_index": 0, "source_type": "image", "destination_type": "volume", "uuid": "IMAGE"},
     "Images with destination_type 'volume' need to have a non-zero size specified"),
    ({"boot_index": 0, "source_type": "blank", "destination_type": "volume"},
     "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size"),
    ({"boot_index": 1, "source_type": "image", "destination_type": "volume", "uuid": "IMAGE", "volume_size": 1},
     "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination "
     "is not valid."),
    ({"boot_index": 0, "source_type": "image", "destination_type": "volume", "volume_size": 1,
      "uuid": "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"},
     "Block Device Mapping is Invalid: failed to get image 8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b."),
    ({"boot_index": 0, "source_type": "snapshot", "destination_type": "volume",
      "uuid": "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"},
     "Block Device Mapping is Invalid: failed to get snapshot 8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b."),
    ({"boot_index": 0, "source_type": "image", "destination_type": "local", "uuid": "IMAGE", "volume_type": "x"},
     "Block Device Mapping is Invalid: Specifying a volume_type with destination_type=local is not supported."),
])
def test_bdm_refusals_in_novas_words(instant, bdm, message):
    api = instant
    bdm = {key: image_id(api.backend) if value == "IMAGE" else value for key, value in bdm.items()}
    assert fault(_boot(api, [bdm])) == _bad(message)


def test_cinder_refusing_the_volume_fails_the_build(instant):
    api = instant
    response = _boot(api, [{"boot_index": 0, "uuid": image_id(api.backend), "source_type": "image",
                            "destination_type": "volume", "volume_size": 1001}])
    assert response.status_code == 202
    server = api.get(f"{SERVERS}/{response.get_json()['server']['id']}").get_json()["server"]
    assert server["status"] == "ERROR" and "VolumeSizeExceedsAvailableQuota" in server["fault"]["message"]


# --- the real clients ---------------------------------------------------------------------------------

def _instant(live):
    live.backend.settings.durations = {"build": 0, "delete": 0, "volume_download": 0}


def test_cli_server_create_boot_from_volume_and_delete(live):
    _instant(live)
    server = live.openstack("server", "create", "--image", "cirros-0.6.2-x86_64-disk", "--boot-from-volume", "1",
                            "--flavor", "1", "--network", "private", "--wait", "bfv", "-f", "json")
    assert server["status"] == "ACTIVE" and server["image"] == "N/A (booted from volume)"
    (volume,) = live.openstack("volume", "list", "-f", "json")
    assert (volume["Size"], volume["Status"]) == (1, "in-use")
    shown = live.openstack("server", "show", "bfv", "-f", "json")
    assert [v["id"] for v in shown["volumes_attached"]] == [volume["ID"]]
    live.openstack("server", "delete", "--wait", "bfv")
    # --boot-from-volume leaves delete_on_termination at Nova's default (false): the volume stays.
    (kept,) = live.openstack("volume", "list", "-f", "json")
    assert (kept["ID"], kept["Status"]) == (volume["ID"], "available")


def test_cli_server_create_from_a_bootable_volume(live):
    _instant(live)
    live.openstack("volume", "create", "--image", "cirros-0.6.2-x86_64-disk", "--size", "1", "root", "-f", "json")
    server = live.openstack("server", "create", "--volume", "root", "--flavor", "1", "--network", "private",
                            "--wait", "from-vol", "-f", "json")
    assert server["status"] == "ACTIVE"
    assert live.openstack("volume", "show", "root", "-f", "json")["status"] == "in-use"
    blank = live.openstack("volume", "create", "--size", "1", "blank", "-f", "json")
    refused = live.openstack("server", "create", "--volume", "blank", "--flavor", "1", "--network", "private",
                             "nope", check=False)
    assert refused.returncode != 0 and f"Block Device {blank['id']} is not bootable." in refused.stderr


def test_sdk_boot_from_volume_with_terminate_volume(live):
    _instant(live)
    conn = live.sdk("demo")
    server = conn.create_server("sdk-bfv", image=image_id(live.backend), flavor="1", boot_from_volume=True,
                                volume_size=1, terminate_volume=True, network="private", wait=True, auto_ip=False)
    assert server.status == "ACTIVE"
    (attached,) = conn.compute.get_server(server.id).attached_volumes
    assert conn.block_storage.get_volume(attached["id"]).status == "in-use"
    conn.delete_server(server.id, wait=True)
    assert conn.block_storage.find_volume(attached["id"], ignore_missing=True) is None


# --- snapshots, shelve and rebuild of servers with volumes ------------------------------------------

def _bfv_server(api, **bdm) -> str:
    root = {"boot_index": 0, "uuid": image_id(api.backend), "source_type": "image", "destination_type": "volume",
            "volume_size": 1, **bdm}
    response = _boot(api, [root])
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()["server"]["id"]


def test_snapshot_of_a_volume_backed_server_is_a_cinder_snapshot_and_an_empty_image(instant):
    import json

    api = instant
    server_id = _bfv_server(api)
    response = api.post(f"{SERVERS}/{server_id}/action", json={"createImage": {"name": "bfv-snap"}}, version="2.45")
    assert response.status_code == 202
    image = api.get(f"/image/v2/images/{response.get_json()['image_id']}").get_json()
    assert (image["status"], image["size"], image["checksum"]) == ("active", 0, "d41d8cd98f00b204e9800998ecf8427e")
    assert (image["disk_format"], image["container_format"], image["bdm_v2"]) == ("raw", "bare", "True")
    (mapping,) = json.loads(image["block_device_mapping"])
    assert (mapping["source_type"], mapping["boot_index"], mapping["volume_size"]) == ("snapshot", 0, 1)
    snapshot = api.get(f"{V3}/{_project(api)}/snapshots/{mapping['snapshot_id']}").get_json()["snapshot"]
    assert snapshot["name"] == "snapshot for bfv-snap"
    backup = api.post(f"{SERVERS}/{server_id}/action", json={"createBackup": {
        "name": "b", "backup_type": "daily", "rotation": 1}})
    assert fault(backup) == _bad("Backup is not supported for volume-backed instances.")


def test_rebuild_of_a_volume_backed_server_keeps_its_image_before_2_93(instant):
    api = instant
    server_id = _bfv_server(api)
    other = next(i["id"] for i in api.backend.store.images.values() if i["id"] != image_id(api.backend))
    refused = api.post(f"{SERVERS}/{server_id}/action", json={"rebuild": {"imageRef": other}}, version="2.92")
    assert fault(refused) == _bad(f"Image {other} is unacceptable: Unable to rebuild with a different image for a "
                                  "volume-backed server.")
    same = api.post(f"{SERVERS}/{server_id}/action", json={"rebuild": {"imageRef": image_id(api.backend)}},
                    version="2.92")
    assert same.status_code == 202
    reimaged = api.post(f"{SERVERS}/{server_id}/action", json={"rebuild": {"imageRef": other}}, version="2.93")
    assert reimaged.status_code == 202


def test_shelve_makes_the_shelved_image_and_unshelve_removes_it(instant):
    """Issue 14 bug 5: nova/compute/api.py shelve creates '<name>-shelved'; unshelve deletes it."""
    api = instant
    api.backend.settings.durations = dict(api.backend.settings.durations, shelve=0, shelve_offload=0, unshelve=0)
    server = create(api, name="keeper")
    api.post(f"{SERVERS}/{server['id']}/action", json={"shelve": None})
    listed = api.get("/image/v2/images?name=keeper-shelved").get_json()["images"]
    assert [(i["name"], i["status"], i["instance_uuid"]) for i in listed] == [("keeper-shelved", "active",
                                                                               server["id"])]
    assert api.backend.store.servers[server["id"]]["shelved_image_id"] == listed[0]["id"]
    api.post(f"{SERVERS}/{server['id']}/action", json={"unshelve": None})
    assert show(api, server["id"])["status"] == "ACTIVE"
    assert api.get("/image/v2/images?name=keeper-shelved").get_json()["images"] == []
    # A volume-backed server shelves without an image.
    bfv = _bfv_server(api)
    api.post(f"{SERVERS}/{bfv}/action", json={"shelve": None})
    assert api.get("/image/v2/images?name=bfv-shelved").get_json()["images"] == []


def test_a_volume_attached_while_offloaded_gets_its_device_on_unshelve(instant):
    """Issue 14 bug 11: attached at 2.20 to a SHELVED_OFFLOADED server, the volume has no device;
    unshelve connects it and Nova names the device (compute/api.py _attach_volume_shelved_offloaded)."""
    api = instant
    api.backend.settings.durations = dict(api.backend.settings.durations, shelve=0, shelve_offload=0, unshelve=0)
    server = create(api)["id"]
    api.post(f"{SERVERS}/{server}/action", json={"shelve": None})
    assert show(api, server)["status"] == "SHELVED_OFFLOADED"
    volume = _volume(api)
    attached = api.post(f"{SERVERS}/{server}/os-volume_attachments", version="2.20",
                        json={"volumeAttachment": {"volumeId": volume}})
    assert attached.status_code == 200 and attached.get_json()["volumeAttachment"]["device"] is None
    # Nova completes the attachment without a connector: Cinder says in-use, with no mountpoint yet.
    pending = _cinder(api, volume).get_json()["volume"]
    assert (pending["status"], pending["attachments"][0]["device"]) == ("in-use", None)
    api.post(f"{SERVERS}/{server}/action", json={"unshelve": None})
    (attachment,) = api.get(f"{SERVERS}/{server}/os-volume_attachments").get_json()["volumeAttachments"]
    assert attachment["device"] == "/dev/vdb"
    connected = _cinder(api, volume).get_json()["volume"]
    assert connected["status"] == "in-use" and connected["attachments"][0]["device"] == "/dev/vdb"


def test_shelve_offload_parks_the_attachments_in_cinder(instant):
    """nova/compute/manager.py _terminate_volume_connections: offloaded, the volume is reserved with
    no attachment listed; unshelve makes it in-use again at the same device."""
    api = instant
    api.backend.settings.durations = dict(api.backend.settings.durations, shelve=0, shelve_offload=0, unshelve=0)
    server = create(api)["id"]
    volume = _volume(api)
    api.post(f"{SERVERS}/{server}/os-volume_attachments", json={"volumeAttachment": {"volumeId": volume}})
    api.post(f"{SERVERS}/{server}/action", json={"shelve": None})
    parked = _cinder(api, volume).get_json()["volume"]
    assert (parked["status"], parked["attachments"]) == ("reserved", [])
    api.post(f"{SERVERS}/{server}/action", json={"unshelve": None})
    back = _cinder(api, volume).get_json()["volume"]
    assert (back["status"], back["attachments"][0]["device"]) == ("in-use", "/dev/vdb")


def test_a_server_booted_from_a_volume_backed_snapshot_gets_volumes_from_its_snapshots(instant):
    api = instant
    server_id = _bfv_server(api, delete_on_termination=True)
    image = api.post(f"{SERVERS}/{server_id}/action", json={"createImage": {"name": "golden"}},
                     version="2.45").get_json()["image_id"]
    booted = create(api, imageRef=image, name="from-golden")
    (attached,) = show(api, booted["id"], version="2.3")["os-extended-volumes:volumes_attached"]
    volume = _cinder(api, attached["id"]).get_json()["volume"]
    snapshot_id = volume["snapshot_id"]
    assert snapshot_id and volume["status"] == "in-use" and volume["bootable"] == "true"
    assert volume["attachments"][0]["device"] == "/dev/vda" and attached["delete_on_termination"] is True
