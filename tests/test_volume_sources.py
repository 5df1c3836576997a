"""Cinder: volumes from an image (creating -> downloading -> available on the fake clock, bootable,
volume_image_metadata), from a snapshot and from another volume; snapshots; volume actions; types;
quotas enforced with Cinder's 413; the create view without the show-only attributes. The real CLI and
openstacksdk.

Sources: the storage facts file B.1-B.8 (cinder/api/v3/volumes.py, views/volumes.py, snapshots.py,
contrib/volume_actions.py, contrib/admin_actions.py, volume/flows/api/create_volume.py,
volume/volume_utils.py, quota.py, exception.py) and Tempest's closed volume schemas
(tempest/lib/api_schema/response/volume/volumes.py, snapshots.py).
"""

from __future__ import annotations

import pytest

from tests.server_helpers import create, image_id

V3 = "/volume/v3"
GiB = 1024 ** 3
TENANT = "os-vol-tenant-attr:tenant_id"


def _project(api, user: str = "demo") -> str:
    return api.get("/identity/v3/auth/projects", user=user).get_json()["projects"][0]["id"]


def _url(api, path: str, user: str = "demo") -> str:
    return f"{V3}/{_project(api, user)}/{path}"


def _create(api, user: str = "demo", version: str | None = None, **volume) -> dict:
    volume.setdefault("size", 1)
    headers = {"OpenStack-API-Version": f"volume {version}"} if version else {}
    response = api.post(_url(api, "volumes", user), user=user, json={"volume": volume}, headers=headers)
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()["volume"]


def _show(api, volume_id: str, user: str = "demo", version: str | None = None) -> dict:
    headers = {"OpenStack-API-Version": f"volume {version}"} if version else {}
    response = api.get(_url(api, f"volumes/{volume_id}", user), user=user, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["volume"]


def _action(api, volume_id: str, body: dict, user: str = "demo", version: str | None = None):
    headers = {"OpenStack-API-Version": f"volume {version}"} if version else {}
    return api.post(_url(api, f"volumes/{volume_id}/action", user), user=user, json=body, headers=headers)


def _snapshot(api, volume_id: str, **fields) -> dict:
    response = api.post(_url(api, "snapshots"), json={"snapshot": {"volume_id": volume_id, **fields}})
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()["snapshot"]


def _server(api) -> str:
    api.backend.settings.durations = {"build": 0}
    return create(api)["id"]


def _fault(response) -> tuple[int, dict]:
    return response.status_code, response.get_json()


def _bad(message: str) -> tuple[int, dict]:
    return 400, {"badRequest": {"code": 400, "message": message}}


# --- the create view (issue 14, bug 1) --------------------------------------------------------------

def test_create_view_has_no_extension_attributes_but_show_does(api):
    created = _create(api, user="admin")
    for key in (TENANT, "os-vol-host-attr:host", "os-vol-mig-status-attr:migstat", "os-vol-mig-status-attr:name_id",
                "volume_image_metadata"):
        assert key not in created
    shown = _show(api, created["id"], user="admin")
    assert shown["os-vol-host-attr:host"].count("@") == 1 and "#" in shown["os-vol-host-attr:host"]
    assert shown[TENANT] == _project(api, "admin") and shown["replication_status"] == "disabled"


# --- from an image ----------------------------------------------------------------------------------

def test_volume_from_an_image_downloads_on_the_clock_and_is_bootable(frozen):
    api = frozen
    api.backend.settings.durations = {"volume_download": 10}
    image = image_id(api.backend)
    created = _create(api, imageRef=image, size=1, name="boot")
    assert created["status"] == "creating" and created["bootable"] == "true"
    assert _show(api, created["id"])["status"] == "creating"
    api.backend.clock.advance(5)
    assert _show(api, created["id"])["status"] == "downloading"
    api.backend.clock.advance(5)
    shown = _show(api, created["id"])
    assert shown["status"] == "available" and shown["bootable"] == "true"
    metadata = shown["volume_image_metadata"]
    seeded = api.backend.store.images[image]
    assert metadata["image_id"] == image and metadata["image_name"] == seeded["name"]
    assert metadata["size"] == str(seeded["size"]) and metadata["min_disk"] == "0"
    assert metadata["hw_rng_model"] == "virtio"  # image properties come along, all strings
    assert all(isinstance(value, str) for value in metadata.values())


def test_volume_from_image_refusals(api, backend):
    image = image_id(backend)
    backend.store.images[image]["min_disk"] = 3
    backend.store.images[image]["virtual_size"] = None
    assert _fault(api.post(_url(api, "volumes"), json={"volume": {"size": 2, "imageRef": image}})) == _bad(
        "Invalid input received: Volume size 2GB cannot be smaller than the image minDisk size 3GB.")
    backend.store.images[image].update(min_disk=0, size=3 * GiB)
    assert _fault(api.post(_url(api, "volumes"), json={"volume": {"size": 2, "imageRef": image}})) == _bad(
        "Invalid input received: Size of specified image 3GB is larger than volume size 2GB.")
    queued = api.post("/image/v2/images", json={"name": "q", "disk_format": "raw", "container_format": "bare"})
    queued_id = queued.get_json()["id"]
    assert _fault(api.post(_url(api, "volumes"), json={"volume": {"size": 2, "imageRef": queued_id}})) == _bad(
        f"Invalid input received: Image {queued_id} is not active.")
    missing = api.post(_url(api, "volumes"), json={"volume": {"size": 1, "imageRef": "nope"}})
    assert _fault(missing) == (404, {"itemNotFound": {"code": 404, "message": "Image nope could not be found."}})


# --- from a snapshot or another volume --------------------------------------------------------------

def test_snapshot_lifecycle_and_a_volume_from_it(frozen):
    api = frozen
    api.backend.settings.durations = {"snapshot_create": 2, "volume_download": 0}
    origin = _create(api, imageRef=image_id(api.backend), size=2)
    snapshot = _snapshot(api, origin["id"], name="snap", metadata={"k": "v"})
    assert set(snapshot) == {"id", "created_at", "updated_at", "name", "description", "volume_id", "status", "size",
                             "metadata"}
    assert (snapshot["status"], snapshot["size"], snapshot["volume_id"]) == ("creating", 2, origin["id"])
    early = api.post(_url(api, "volumes"), json={"volume": {"snapshot_id": snapshot["id"]}})
    assert _fault(early) == _bad("Invalid snapshot: Originating snapshot status must be one of 'available' values")
    api.backend.clock.advance(2)
    shown = api.get(_url(api, f"snapshots/{snapshot['id']}")).get_json()["snapshot"]
    assert shown["status"] == "available" and shown["os-extended-snapshot-attributes:progress"] == "100%"
    assert shown["os-extended-snapshot-attributes:project_id"] == _project(api)
    restored = _create(api, snapshot_id=snapshot["id"], size=None)
    restored = _show(api, restored["id"])
    assert (restored["size"], restored["snapshot_id"], restored["bootable"]) == (2, snapshot["id"], "true")
    assert restored["volume_image_metadata"]["image_id"] == image_id(api.backend)
    too_small = api.post(_url(api, "volumes"), json={"volume": {"snapshot_id": snapshot["id"], "size": 1}})
    assert _fault(too_small) == _bad("Invalid input received: Volume size '1'GB cannot be smaller than the snapshot "
                                     "size 2GB. They must be >= original snapshot size.")
    # A volume with snapshots cannot go; its snapshot can, and then so can it.
    refused = api.delete(_url(api, f"volumes/{origin['id']}"))
    assert refused.status_code == 400 and "have snapshots" in refused.get_json()["badRequest"]["message"]
    assert api.delete(_url(api, f"snapshots/{snapshot['id']}")).status_code == 202
    assert api.get(_url(api, f"snapshots/{snapshot['id']}")).status_code == 404
    assert api.delete(_url(api, f"volumes/{origin['id']}")).status_code == 202


def test_clone_of_a_volume(api):
    origin = _create(api, size=2, metadata={"a": "b"})
    clone = _show(api, _create(api, source_volid=origin["id"], size=None)["id"])
    assert (clone["size"], clone["source_volid"], clone["bootable"]) == (2, origin["id"], "false")
    smaller = api.post(_url(api, "volumes"), json={"volume": {"source_volid": origin["id"], "size": 1}})
    assert _fault(smaller) == _bad("Invalid input received: Volume size '1'GB cannot be smaller than original volume "
                                   "size  2GB. They must be >= original volume size.")


def test_snapshot_of_an_in_use_volume_needs_force_before_3_66(api):
    server = _server(api)
    volume = _create(api)
    api.post(f"/compute/v2.1/servers/{server}/os-volume_attachments",
             json={"volumeAttachment": {"volumeId": volume["id"]}})
    refused = api.post(_url(api, "snapshots"), json={"snapshot": {"volume_id": volume["id"]}})
    assert _fault(refused) == _bad(f"Invalid volume: Volume {volume['id']} status must be available, but current "
                                   "status is: in-use.")
    assert _snapshot(api, volume["id"], force=True)["status"] == "creating"
    headers = {"OpenStack-API-Version": "volume 3.66"}
    false_force = api.post(_url(api, "snapshots"), json={"snapshot": {"volume_id": volume["id"], "force": False}},
                           headers=headers)
    assert false_force.status_code == 400 and "compatability" in false_force.get_json()["badRequest"]["message"]
    no_force = api.post(_url(api, "snapshots"), json={"snapshot": {"volume_id": volume["id"]}}, headers=headers)
    assert no_force.status_code == 202


# --- actions ----------------------------------------------------------------------------------------

def test_extend_set_bootable_readonly(api):
    volume = _create(api, size=1)
    assert _action(api, volume["id"], {"os-extend": {"new_size": 3}}).status_code == 202
    assert _show(api, volume["id"])["size"] == 3
    same = _action(api, volume["id"], {"os-extend": {"new_size": 3}})
    assert _fault(same) == _bad("Invalid input received: New size for extend must be greater than current size. "
                                "(current: 3, extended: 3).")
    bootable = _action(api, volume["id"], {"os-set_bootable": {"bootable": True}})
    assert (bootable.status_code, _show(api, volume["id"])["bootable"]) == (200, "true")
    assert _action(api, volume["id"], {"os-update_readonly_flag": {"readonly": True}}).status_code == 202
    assert _show(api, volume["id"])["metadata"]["readonly"] == "True"
    unknown = _action(api, volume["id"], {"os-nothing": {}})
    assert _fault(unknown) == _bad("There is no such action: os-nothing")


def test_extend_an_in_use_volume_needs_3_42(api):
    server = _server(api)
    volume = _create(api)
    api.post(f"/compute/v2.1/servers/{server}/os-volume_attachments",
             json={"volumeAttachment": {"volumeId": volume["id"]}})
    old = _action(api, volume["id"], {"os-extend": {"new_size": 2}})
    assert _fault(old) == _bad(f"Invalid volume: Volume {volume['id']} status must be '{{'status': 'available'}}' "
                               "to extend, currently in-use.")
    assert _action(api, volume["id"], {"os-extend": {"new_size": 2}}, version="3.42").status_code == 202
    assert _show(api, volume["id"]) ["status"] == "in-use"


def test_reset_status_is_for_admins(api):
    volume = _create(api)
    denied = _action(api, volume["id"], {"os-reset_status": {"status": "error"}})
    assert _fault(denied) == (403, {"forbidden": {"code": 403, "message": "Policy doesn't allow "
                                                  "volume_extension:volume_admin_actions:reset_status to be performed."}})
    assert _action(api, volume["id"], {"os-reset_status": {"status": "ERROR"}}, user="admin").status_code == 202
    assert _show(api, volume["id"])["status"] == "error"


def test_upload_to_image_makes_a_glance_image(frozen):
    api = frozen
    api.backend.settings.durations = {"volume_download": 0, "volume_upload_image": 4}
    volume = _create(api, imageRef=image_id(api.backend), size=1)
    response = _action(api, volume["id"], {"os-volume_upload_image": {"image_name": "from-volume"}}, version="3.1")
    assert response.status_code == 202
    body = response.get_json()["os-volume_upload_image"]
    assert (body["status"], body["image_name"], body["disk_format"], body["visibility"]) == (
        "uploading", "from-volume", "raw", "private")
    assert body["volume_type"]["name"] == "__DEFAULT__"
    assert _show(api, volume["id"])["status"] == "uploading"
    image = api.get(f"/image/v2/images/{body['image_id']}").get_json()
    assert (image["name"], image["size"], image["hw_rng_model"]) == ("from-volume", GiB, "virtio")
    api.backend.clock.advance(4)
    assert _show(api, volume["id"])["status"] == "available"


# --- types and quotas -------------------------------------------------------------------------------

def test_default_volume_type(api):
    types = api.get(_url(api, "types")).get_json()["volume_types"]
    assert [t["name"] for t in types] == ["__DEFAULT__"]
    shown = api.get(_url(api, f"types/{types[0]['id']}")).get_json()["volume_type"]
    assert shown["description"] == "Default Volume Type" and shown["is_public"] is True
    assert api.get(_url(api, "types/default")).get_json()["volume_type"]["id"] == types[0]["id"]


def test_quotas_are_enforced_with_cinders_413(api):
    response = api.post(_url(api, "volumes"), json={"volume": {"size": 1001}})
    assert response.status_code == 413 and response.headers["Retry-After"] == "0"
    assert response.get_json() == {"overLimit": {"code": 413, "retryAfter": "0", "message": (
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested "
        "1001G, quota is 1000G and 0G has been consumed.")}}
    for _ in range(10):
        _create(api)
    eleventh = api.post(_url(api, "volumes"), json={"volume": {"size": 1}})
    assert eleventh.get_json()["overLimit"]["message"] == (
        "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.")
    absolute = api.get(_url(api, "limits")).get_json()["limits"]["absolute"]
    assert (absolute["totalVolumesUsed"], absolute["totalSnapshotsUsed"]) == (10, 0)


def test_snapshots_are_project_scoped(api):
    snapshot = _snapshot(api, _create(api)["id"])
    response = api.get(_url(api, f"snapshots/{snapshot['id']}", "alt_demo"), user="alt_demo")
    assert _fault(response) == (404, {"itemNotFound": {"code": 404,
                                                       "message": f"Snapshot {snapshot['id']} could not be found."}})
    assert api.get(_url(api, "snapshots", "alt_demo"), user="alt_demo").get_json() == {"snapshots": []}


# --- the real clients -------------------------------------------------------------------------------

def test_cli_bootable_volume_from_image_snapshot_and_extend(live):
    live.backend.settings.durations = {"volume_download": 0, "snapshot_create": 0}
    image = image_id(live.backend)
    created = live.openstack("volume", "create", "--image", image, "--size", "1", "--bootable", "bootvol", "-f", "json")
    assert created["name"] == "bootvol"
    shown = live.openstack("volume", "show", "bootvol", "-f", "json")
    assert shown["status"] == "available" and str(shown["bootable"]).lower() == "true"
    assert shown["volume_image_metadata"]["image_id"] == image
    snapshot = live.openstack("volume", "snapshot", "create", "--volume", "bootvol", "snap1", "-f", "json")
    assert snapshot["volume_id"] == created["id"]
    listed = live.openstack("volume", "snapshot", "list", "-f", "json")
    assert [(s["Name"], s["Status"]) for s in listed] == [("snap1", "available")]
    live.openstack("volume", "snapshot", "delete", "snap1")
    assert live.openstack("volume", "snapshot", "list", "-f", "json") == []
    live.openstack("volume", "set", "--size", "3", "bootvol")
    assert live.openstack("volume", "show", "bootvol", "-f", "json")["size"] == 3


def test_sdk_volume_from_image_waits_for_available(live):
    live.backend.settings.durations = {"volume_download": 0.2}
    conn = live.sdk("demo")
    volume = conn.block_storage.create_volume(size=1, image_id=image_id(live.backend), name="sdk-boot")
    volume = conn.block_storage.wait_for_status(volume, status="available", interval=0.1, wait=10)
    assert volume.is_bootable is True and volume.volume_image_metadata["image_id"] == image_id(live.backend)
    snapshot = conn.block_storage.create_snapshot(volume_id=volume.id, name="sdk-snap")
    live.backend.settings.durations = {"snapshot_create": 0}
    snapshot = conn.block_storage.wait_for_status(snapshot, status="available", interval=0.1, wait=10)
    conn.block_storage.delete_snapshot(snapshot)
    conn.block_storage.extend_volume(volume, 2)
    assert conn.block_storage.get_volume(volume.id).size == 2


@pytest.mark.parametrize("body", [{"volume": {"size": 1, "imageRef": 5}}, {"volume": {"snapshot_id": "x"}}])
def test_bad_sources_are_400(api, body):
    assert api.post(_url(api, "volumes"), json=body).status_code == 400


# --- lists, summary, image metadata, legacy attach ----------------------------------------------------

def test_lists_sort_by_cinders_keys(api):
    first, second = _create(api, name="b", size=2), _create(api, name="a", size=1)
    by_name = api.get(_url(api, "volumes/detail?sort=name:asc")).get_json()["volumes"]
    assert [v["id"] for v in by_name] == [second["id"], first["id"]]
    by_size = api.get(_url(api, "volumes?sort_key=size&sort_dir=desc")).get_json()["volumes"]
    assert [v["id"] for v in by_size] == [first["id"], second["id"]]
    bad = api.get(_url(api, "volumes?sort=color:asc"))
    assert _fault(bad) == _bad("Invalid input received: Invalid sort key: color")


def test_snapshot_summary_list_has_no_extended_attributes(api):
    snapshot = _snapshot(api, _create(api)["id"])
    (summary,) = api.get(_url(api, "snapshots")).get_json()["snapshots"]
    (detail,) = api.get(_url(api, "snapshots/detail")).get_json()["snapshots"]
    assert "os-extended-snapshot-attributes:progress" not in summary and summary["id"] == snapshot["id"]
    assert "os-extended-snapshot-attributes:progress" in detail
    missing = api.post(_url(api, "snapshots"), json={"snapshot": {"volume_id": None}})
    assert _fault(missing) == (404, {"itemNotFound": {"code": 404, "message": "Volume None could not be found."}})


def test_volume_summary_from_3_12(api):
    _create(api, size=2, metadata={"k": "v"})
    _create(api, size=3)
    assert api.get(_url(api, "volumes/summary")).status_code == 404
    summary = api.get(_url(api, "volumes/summary"), headers={"OpenStack-API-Version": "volume 3.36"}).get_json()
    assert summary == {"volume-summary": {"total_size": 5, "total_count": 2, "metadata": {"k": ["v"]}}}


def test_image_metadata_actions(api):
    volume = _create(api, imageRef=image_id(api.backend))
    assert _action(api, volume["id"], {"os-set_image_metadata": {"metadata": {"os_distro": "cirros"}}}).status_code == 200
    shown = _action(api, volume["id"], {"os-show_image_metadata": None}).get_json()["metadata"]
    assert shown["os_distro"] == "cirros" and shown["image_id"] == image_id(api.backend)
    assert _action(api, volume["id"], {"os-unset_image_metadata": {"key": "os_distro"}}).status_code == 200
    assert "os_distro" not in _show(api, volume["id"])["volume_image_metadata"]


def test_legacy_attach_and_detach_actions(api):
    volume = _create(api)
    attached = _action(api, volume["id"], {"os-attach": {"instance_uuid": "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b",
                                                         "mountpoint": "/dev/vdc"}})
    assert attached.status_code == 202
    shown = _show(api, volume["id"])
    assert shown["status"] == "in-use" and shown["attachments"][0]["device"] == "/dev/vdc"
    assert _action(api, volume["id"], {"os-detach": {}}).status_code == 202
    assert _show(api, volume["id"])["status"] == "available"


@pytest.mark.parametrize("collection", ["volumes", "snapshots"])
def test_metadata_of_volumes_and_snapshots(api, collection):
    volume = _create(api)
    record = volume["id"] if collection == "volumes" else _snapshot(api, volume["id"])["id"]
    base = _url(api, f"{collection}/{record}/metadata")
    assert api.post(base, json={"metadata": {"a": "1"}}).get_json() == {"metadata": {"a": "1"}}
    assert api.post(base, json={"metadata": {"b": "2"}}).get_json() == {"metadata": {"a": "1", "b": "2"}}
    assert api.put(base, json={"metadata": {"c": "3"}}).get_json() == {"metadata": {"c": "3"}}
    assert api.get(f"{base}/c").get_json() == {"meta": {"c": "3"}}
    assert api.put(f"{base}/c", json={"meta": {"c": "4"}}).get_json() == {"meta": {"c": "4"}}
    assert _fault(api.put(f"{base}/c", json={"meta": {"d": "4"}})) == _bad("Request body and URI mismatch")
    assert api.delete(f"{base}/c").status_code == 200
    kind = "Volume" if collection == "volumes" else "Snapshot"
    assert _fault(api.get(f"{base}/c")) == (404, {"itemNotFound": {
        "code": 404, "message": f"{kind} {record} has no metadata with key c."}})
    assert api.get(base).get_json() == {"metadata": {}}
