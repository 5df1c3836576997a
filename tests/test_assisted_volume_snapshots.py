"""/os-assisted-volume-snapshots: Cinder's call into Nova for a qcow2 snapshot of an attached volume
(service role or admin). Sources: nova/api/openstack/compute/assisted_volume_snapshots.py,
nova/compute/api.py volume_snapshot_create/delete, nova/policies/assisted_volume_snapshots.py."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest

from fakenova.config import Settings
from fakenova.pytest_plugin import instant_durations
from tests import tempest_clients
from tests.server_helpers import IMAGE_NAME, create, fault

V21 = "/compute/v2.1"
PATH = f"{V21}/os-assisted-volume-snapshots"


@pytest.fixture
def settings() -> Settings:
    return Settings(durations=instant_durations())


def _attached_volume(api) -> tuple[str, str]:
    server = create(api)["id"]
    project = api.get("/identity/v3/auth/projects").get_json()["projects"][0]["id"]
    volume = api.post(f"/volume/v3/{project}/volumes", json={"volume": {"size": 1}}).get_json()["volume"]["id"]
    attached = api.post(f"{V21}/servers/{server}/os-volume_attachments", json={"volumeAttachment": {
        "volumeId": volume}})
    assert attached.status_code == 200, attached.get_data(as_text=True)
    return server, volume


def _create(api, volume, user="admin", **info):
    create_info = {"snapshot_id": "snap-1", "type": "qcow2", "new_file": "volume.snap", **info}
    return api.post(PATH, user=user, json={"snapshot": {"volume_id": volume, "create_info": create_info}})


def test_create_and_delete_on_an_attached_volume(api, caplog):
    _, volume = _attached_volume(api)
    with caplog.at_level(logging.WARNING, logger="fakenova"):
        made = _create(api, volume, id="a2c2a4a4-2b67-4ca4-8c1a-5e4c0b1f8a11")
    assert made.status_code == 200, made.get_data(as_text=True)
    assert made.get_json() == {"snapshot": {"id": "a2c2a4a4-2b67-4ca4-8c1a-5e4c0b1f8a11", "volumeId": volume}}
    assert "models no qcow2 file" in caplog.text
    # Without create_info.id Nova answers a null id.
    assert _create(api, volume).get_json() == {"snapshot": {"id": None, "volumeId": volume}}
    info = quote(json.dumps({"volume_id": volume}))
    assert api.delete(f"{PATH}/snap-1?delete_info={info}", user="admin").status_code == 204


def test_refusals_are_400s(api):
    missing = "0b6a7b48-6bc0-4d3f-9f8e-7d3c1b0b5a9c"
    assert fault(_create(api, missing)) == (400, {"badRequest": {
        "code": 400, "message": f"No volume Block Device Mapping with id {missing}."}})
    assert fault(_create(api, missing, type="raw"))[0] == 400
    assert fault(api.delete(f"{PATH}/snap-1", user="admin")) == (400, {"badRequest": {
        "code": 400, "message": "'delete_info'"}})
    assert fault(api.delete(f"{PATH}/snap-1?delete_info=nope", user="admin")) == (400, {"badRequest": {
        "code": 400, "message": "Expecting value: line 1 column 1 (char 0)"}})
    assert fault(api.delete(f"{PATH}/snap-1?delete_info=%7B%7D", user="admin")) == (400, {"badRequest": {
        "code": 400, "message": "'volume_id'"}})
    # Unknown query parameters are refused from 2.75.
    info = quote(json.dumps({"volume_id": missing}))
    assert fault(api.delete(f"{PATH}/snap-1?delete_info={info}&x=1", user="admin", version="2.75"))[0] == 400


def test_an_offline_merge_needs_an_active_server(api):
    server, volume = _attached_volume(api)
    assert api.post(f"{V21}/servers/{server}/action", json={"os-stop": None}).status_code == 202
    info = quote(json.dumps({"volume_id": volume, "merge_target_file": "base.qcow2"}))
    assert fault(api.delete(f"{PATH}/snap-1?delete_info={info}", user="admin")) == (400, {"badRequest": {
        "code": 400, "message": f"Instance {server} in vm_state stopped. Cannot volume_snapshot_delete while the "
                                "instance is in this state."}})


def test_members_are_refused(api):
    _, volume = _attached_volume(api)
    assert fault(_create(api, volume, user="demo")) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-assisted-volume-snapshots:create to be "
                                "performed."}})


def test_tempest_assisted_volume_snapshots_client(live):
    """Set up with openstacksdk, then Tempest's own client, as an admin (the service role's stand-in)."""
    live.backend.settings.durations = instant_durations()
    sdk = live.sdk()
    image = next(sdk.image.images(name=IMAGE_NAME))
    server = sdk.compute.create_server(name="vm", image_id=image.id, flavor_id="1", networks="auto")
    volume = sdk.block_storage.create_volume(size=1)
    sdk.compute.create_volume_attachment(server, volume_id=volume.id)
    client = tempest_clients.client(live, "compute", "assisted_volume_snapshots_client.AssistedVolumeSnapshotsClient",
                                    user="admin")
    snapshot = client.create_assisted_volume_snapshot(volume_id=volume.id, snapshot_id="s", type="qcow2",
                                                      new_file="f")["snapshot"]
    assert snapshot == {"id": None, "volumeId": volume.id}
    client.delete_assisted_volume_snapshot(volume_id=volume.id, snapshot_id="s")
