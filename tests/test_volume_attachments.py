"""/servers/{id}/os-volume_attachments: attach, list, show, update, detach per microversion (Tempest's
schemas), Nova's checks and texts, the server's volumes_attached and the volume's status following,
instance actions, server delete, boot from volume, and the real clients."""

from __future__ import annotations

import pytest

from fakenova.microversion import APIVersion
from tests import conftest
from tests.server_helpers import SERVERS, create, fault, image_id, show
from tests.tempest_schemas import assert_valid

CLIENT = "servers_client.ServersClient"


@pytest.fixture
def server(api, backend):
    backend.settings.durations = {"build": 0, "delete": 0, "shelve": 0, "shelve_offload": 0, "stop": 0}
    return create(api, networks="auto")


def _project(api, user: str = "demo") -> str:
    return api.get("/identity/v3/auth/projects", user=user).get_json()["projects"][0]["id"]


def _volume(api, user: str = "demo", size: int = 1, bootable: bool = False) -> str:
    response = api.post(f"/volume/v3/{_project(api, user)}/volumes", user=user, json={"volume": {"size": size}})
    assert response.status_code == 202, response.get_data(as_text=True)
    volume_id = response.get_json()["volume"]["id"]
    if bootable:
        marked = api.post(f"/volume/v3/{_project(api, user)}/volumes/{volume_id}/action", user=user,
                          json={"os-set_bootable": {"bootable": True}})
        assert marked.status_code == 200
    return volume_id


def _cinder(api, volume_id: str, user: str = "demo") -> dict:
    return api.get(f"/volume/v3/{_project(api, user)}/volumes/{volume_id}", user=user).get_json()["volume"]


def _url(server_id: str, volume_id: str | None = None) -> str:
    return f"{SERVERS}/{server_id}/os-volume_attachments" + (f"/{volume_id}" if volume_id else "")


def _valid(response, schema: str, version: str, status: int = 200):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json() if response.data else None
    assert_valid(CLIENT, schema, version, status, response.headers, body)
    return body


def _attach(api, server_id: str, volume_id: str, version: str = "2.1", **more) -> dict:
    response = api.post(_url(server_id), version=version, json={"volumeAttachment": {"volumeId": volume_id, **more}})
    return _valid(response, "attach_volume", version)["volumeAttachment"]


# --- the representation per microversion -----------------------------------------------------------

@pytest.mark.parametrize("version", ["2.1", "2.49", "2.70", "2.79", "2.89", "2.100"])
def test_attach_list_show_detach(api, server, version):
    version_ = APIVersion.parse(version)  # compared as a version: "2.100" comes after "2.70"
    volume = _volume(api)
    request = {"volumeId": volume}
    if version_ >= "2.49":
        request["tag"] = "data"
    if version_ >= "2.79":
        request["delete_on_termination"] = True
    created = _valid(api.post(_url(server["id"]), version=version, json={"volumeAttachment": request}),
                     "attach_volume", version)["volumeAttachment"]
    expected = {"id": volume, "serverId": server["id"], "volumeId": volume, "device": "/dev/vdb"}
    if version_ >= "2.70":
        expected["tag"] = "data"
    if version_ >= "2.79":
        expected["delete_on_termination"] = True
    assert created == expected

    (listed,) = _valid(api.get(_url(server["id"]), version=version), "list_volume_attachments",
                       version)["volumeAttachments"]
    shown = _valid(api.get(_url(server["id"], volume), version=version), "show_volume_attachment",
                   version)["volumeAttachment"]
    assert listed == shown
    if version_ >= "2.89":
        assert "id" not in shown and shown["attachment_id"] and shown["bdm_uuid"]
        assert shown["attachment_id"] == _cinder(api, volume)["attachments"][0]["attachment_id"]
    else:
        assert shown == expected

    detached = api.delete(_url(server["id"], volume), version=version)
    _valid(detached, "detach_volume", "2.1", 202)
    assert api.get(_url(server["id"]), version=version).get_json() == {"volumeAttachments": []}


def test_from_2_101_attach_is_202_without_a_body(api, server):
    volume = _volume(api)
    response = api.post(_url(server["id"]), version="2.101", json={"volumeAttachment": {"volumeId": volume}})
    assert (response.status_code, response.get_data()) == (202, b"")
    (shown,) = api.get(_url(server["id"]), version="2.101").get_json()["volumeAttachments"]
    assert shown["device"] == "/dev/vdb" and shown["volumeId"] == volume


def test_devices_count_up_and_a_freed_one_is_reused(api, server):
    first, second, third = _volume(api), _volume(api), _volume(api)
    assert _attach(api, server["id"], first)["device"] == "/dev/vdb"
    # libvirt ignores a requested device name; so does the fake
    assert _attach(api, server["id"], second, device="/dev/vdq")["device"] == "/dev/vdc"
    assert api.delete(_url(server["id"], first)).status_code == 202
    assert _attach(api, server["id"], third)["device"] == "/dev/vdb"
    listed = api.get(_url(server["id"]) + "?limit=1&offset=1").get_json()["volumeAttachments"]
    assert [a["volumeId"] for a in listed] == [third]


# --- what the volume and the server show ------------------------------------------------------------

def test_volume_and_server_follow_the_attachment(api, server):
    volume = _volume(api)
    _attach(api, server["id"], volume)
    cinder = _cinder(api, volume)
    assert cinder["status"] == "in-use"
    (attachment,) = cinder["attachments"]
    assert (attachment["server_id"], attachment["device"], attachment["volume_id"]) == (server["id"], "/dev/vdb",
                                                                                        volume)
    assert show(api, server["id"], version="2.3")["os-extended-volumes:volumes_attached"] == [
        {"id": volume, "delete_on_termination": False}]
    api.delete(_url(server["id"], volume))
    assert _cinder(api, volume)["status"] == "available" and _cinder(api, volume)["attachments"] == []
    assert show(api, server["id"])["os-extended-volumes:volumes_attached"] == []


def test_instance_actions_record_attach_and_detach(api, server):
    volume = _volume(api)
    _attach(api, server["id"], volume)
    api.delete(_url(server["id"], volume))
    actions = api.get(f"{SERVERS}/{server['id']}/os-instance-actions").get_json()["instanceActions"]
    assert [a["action"] for a in actions] == ["detach_volume", "attach_volume", "create"]
    detail = api.get(f"{SERVERS}/{server['id']}/os-instance-actions/{actions[1]['request_id']}",
                     version="2.51", user="admin").get_json()["instanceAction"]
    assert [(e["event"], e["result"]) for e in detail["events"]] == [("compute_attach_volume", "Success")]


def test_server_delete_deletes_or_frees_its_volumes(api, server):
    kept, dropped = _volume(api), _volume(api)
    _attach(api, server["id"], kept)
    _attach(api, server["id"], dropped, version="2.79", delete_on_termination=True)
    assert api.delete(f"{SERVERS}/{server['id']}").status_code == 204
    assert _cinder(api, kept)["status"] == "available"
    response = api.get(f"/volume/v3/{_project(api)}/volumes/{dropped}")
    assert response.status_code == 404


def test_update_delete_on_termination_from_2_85(api, server):
    volume = _volume(api)
    _attach(api, server["id"], volume)
    response = api.put(_url(server["id"], volume), version="2.85",
                       json={"volumeAttachment": {"volumeId": volume, "delete_on_termination": True}})
    _valid(response, "update_attached_volume", "2.1", 202)
    shown = api.get(_url(server["id"], volume), version="2.85").get_json()["volumeAttachment"]
    assert shown["delete_on_termination"] is True


# --- Nova's checks and texts -------------------------------------------------------------------------

def test_unknown_volume_is_404(api, server):
    missing = "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"
    response = api.post(_url(server["id"]), json={"volumeAttachment": {"volumeId": missing}})
    assert fault(response) == (404, {"itemNotFound": {"code": 404,
                                                      "message": f"Volume {missing} could not be found."}})


def test_another_projects_volume_is_404(api, server):
    theirs = _volume(api, "alt_demo")
    response = api.post(_url(server["id"]), json={"volumeAttachment": {"volumeId": theirs}})
    assert fault(response) == (404, {"itemNotFound": {"code": 404, "message": f"Volume {theirs} could not be found."}})


def test_a_volume_serves_one_server(api, server):
    volume = _volume(api)
    _attach(api, server["id"], volume)
    other = create(api, name="other", networks="auto")
    for target in (server["id"], other["id"]):
        response = api.post(_url(target), json={"volumeAttachment": {"volumeId": volume}})
        assert fault(response) == (400, {"badRequest": {"code": 400, "message": (
            f"Invalid volume: volume {volume} is already attached to instances: {server['id']}")}})


def test_bad_bodies_are_400(api, server):
    response = api.post(_url(server["id"]), json={"volumeAttachment": {"volumeId": "nope"}})
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": (
        "Invalid input for field/attribute volumeId. Value: nope. 'nope' is not a 'uuid'")}})
    volume = _volume(api)
    response = api.post(_url(server["id"]), version="2.48", json={"volumeAttachment": {"volumeId": volume,
                                                                                       "tag": "x"}})
    assert response.status_code == 400 and "Additional properties are not allowed" in response.get_data(as_text=True)


def test_locked_server_is_409_for_its_owner(api, server):
    volume = _volume(api)
    assert api.post(f"{SERVERS}/{server['id']}/action", json={"lock": None}).status_code == 202
    response = api.post(_url(server["id"]), json={"volumeAttachment": {"volumeId": volume}})
    assert fault(response) == (409, {"conflictingRequest": {"code": 409,
                                                            "message": f"Instance {server['id']} is locked"}})


def test_shelved_server_needs_2_20(api, server):
    volume = _volume(api)
    assert api.post(f"{SERVERS}/{server['id']}/action", json={"shelve": None}).status_code == 202
    state = show(api, server["id"])["status"]
    response = api.post(_url(server["id"]), version="2.19", json={"volumeAttachment": {"volumeId": volume}})
    vm_state = "shelved_offloaded" if state == "SHELVED_OFFLOADED" else "shelved"
    assert fault(response) == (409, {"conflictingRequest": {"code": 409, "message": (
        f"Cannot 'attach_volume' instance {server['id']} while it is in vm_state {vm_state}")}})
    assert api.post(_url(server["id"]), version="2.20", json={"volumeAttachment": {"volumeId": volume}}).status_code == 200


def test_not_attached_is_404(api, server):
    volume = _volume(api)
    expected = (404, {"itemNotFound": {"code": 404,
                                       "message": f"Instance {server['id']} is not attached to volume {volume}"}})
    assert fault(api.get(_url(server["id"], volume))) == expected
    assert fault(api.delete(_url(server["id"], volume))) == expected


@pytest.fixture
def settings(settings, monkeypatch):
    """The seeded users plus Cinder's service user, role service in project demo (devstack's
    service users hold it in project service; here it shares demo so the server is in scope)."""
    settings.users = settings.users + [{"name": "cinder", "password": "cinder", "project": "demo",
                                        "roles": ["service"]}]
    monkeypatch.setitem(conftest.USER_PROJECTS, "cinder", "demo")
    return settings


def test_swap_is_for_the_service_role_or_admin(api, server):
    """nova/policies/volumes_attachments.py: swap is base.SERVICE_ROLE = rule:service_or_admin (Nova
    32.0.0 on). Allowed callers reach the swap itself, which answers that nothing is migrating."""
    volume, other = _volume(api), _volume(api)
    _attach(api, server["id"], volume)
    for version, body in (("2.84", {"volumeId": volume}), ("2.85", {"volumeId": other})):
        response = api.put(_url(server["id"], volume), version=version, user="demo", json={"volumeAttachment": body})
        assert fault(response) == (403, {"forbidden": {"code": 403, "message": (
            "Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed.")}})
        for caller in ("cinder", "admin"):
            response = api.put(_url(server["id"], volume), version=version, user=caller,
                               json={"volumeAttachment": body})
            assert fault(response) == (409, {"conflictingRequest": {"code": 409, "message": (
                f"volume {volume} is not migrating; this API should only be called by Cinder")}})


def test_update_immutable_fields_are_400(api, server):
    volume = _volume(api)
    _attach(api, server["id"], volume)
    response = api.put(_url(server["id"], volume), version="2.85",
                       json={"volumeAttachment": {"volumeId": volume, "device": "/dev/vdz"}})
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": "The device property is not mutable"}})


def test_in_use_volume_cannot_be_deleted(api, server):
    volume = _volume(api)
    _attach(api, server["id"], volume)
    response = api.delete(f"/volume/v3/{_project(api)}/volumes/{volume}")
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": (
        "Invalid volume: Volume status must be available or error or error_restoring or error_extending or "
        "error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a "
        "transfer, or be disassociated from snapshots after volume transfer.")}})


# --- boot from volume ---------------------------------------------------------------------------------

def test_boot_from_volume_attaches_the_root_volume(api, backend, server):
    volume = _volume(api, bootable=True)
    booted = create(api, name="bfv", imageRef="", block_device_mapping_v2=[
        {"boot_index": 0, "uuid": volume, "source_type": "volume", "destination_type": "volume"}])
    (root,) = api.get(_url(booted["id"])).get_json()["volumeAttachments"]
    assert (root["volumeId"], root["device"]) == (volume, "/dev/vda")
    assert _cinder(api, volume)["status"] == "in-use"
    response = api.delete(_url(booted["id"], volume))
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": "Cannot detach a root device volume"}})
    # attached volumes come after the root disk
    assert _attach(api, booted["id"], _volume(api))["device"] == "/dev/vdb"


def test_boot_from_a_missing_or_busy_volume_is_400(api, server):
    missing = "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"
    bdm = {"boot_index": 0, "source_type": "volume", "destination_type": "volume"}
    response = api.post(SERVERS, version="2.37", json={"server": {
        "name": "x", "imageRef": "", "flavorRef": "1", "networks": "auto",
        "block_device_mapping_v2": [dict(bdm, uuid=missing)]}})
    assert fault(response) == (400, {"badRequest": {"code": 400, "message": f"Volume {missing} could not be found."}})
    busy = _volume(api)
    _attach(api, server["id"], busy)
    response = api.post(SERVERS, version="2.37", json={"server": {
        "name": "x", "imageRef": "", "flavorRef": "1", "networks": "auto",
        "block_device_mapping_v2": [dict(bdm, uuid=busy)]}})
    status, body = fault(response)
    assert status == 400
    assert body["badRequest"]["message"].startswith(
        f"Invalid volume: Invalid input received: Invalid volume: Volume {busy} status must be available or "
        "downloading to reserve, but the current status is in-use. (HTTP 400) (Request-ID: req-")


# --- real clients ---------------------------------------------------------------------------------------

def test_cli_add_list_remove_volume(live):
    live.backend.settings.durations = {"build": 0}
    live.openstack("server", "create", "--image", image_id(live.backend), "--flavor", "1", "--network", "private",
                   "vm")
    live.openstack("volume", "create", "--size", "1", "v1", "-f", "json")
    added = live.openstack("server", "add", "volume", "vm", "v1", "-f", "json")
    assert added["Device"] == "/dev/vdb"
    assert live.openstack("volume", "show", "v1", "-f", "json")["status"] == "in-use"
    listed = live.openstack("server", "volume", "list", "vm", "-f", "json")
    assert [(a["Device"], a["Volume ID"]) for a in listed] == [("/dev/vdb", added["Volume ID"])]
    live.openstack("server", "remove", "volume", "vm", "v1")
    assert live.openstack("volume", "show", "v1", "-f", "json")["status"] == "available"
    assert live.openstack("server", "volume", "list", "vm", "-f", "json") == []


def test_sdk_create_and_delete_volume_attachment(live):
    live.backend.settings.durations = {"build": 0}
    conn = live.sdk("demo")
    server = conn.compute.create_server(name="vm", image_id=image_id(live.backend), flavor_id="1", networks="auto")
    volume = conn.block_storage.create_volume(size=1, name="data")
    attachment = conn.compute.create_volume_attachment(server, volume=volume)
    assert attachment.volume_id == volume.id
    assert [a.volume_id for a in conn.compute.volume_attachments(server)] == [volume.id]
    assert conn.block_storage.get_volume(volume.id).status == "in-use"
    conn.compute.delete_volume_attachment(server, volume)
    assert conn.block_storage.get_volume(volume.id).status == "available"


def test_novaclient_attach_and_list(live):
    live.backend.settings.durations = {"build": 0}
    server = live.sdk("demo").compute.create_server(name="vm", image_id=image_id(live.backend), flavor_id="1",
                                                    networks="auto")
    volume = live.sdk("demo").block_storage.create_volume(size=1, name="data")
    nova = live.novaclient("demo", "2.79")
    attached = nova.volumes.create_server_volume(server.id, volume.id, delete_on_termination=True)
    assert attached.device == "/dev/vdb" and attached.delete_on_termination is True
    assert [a.volumeId for a in nova.volumes.get_server_volumes(server.id)] == [volume.id]
    nova.volumes.delete_server_volume(server.id, volume.id)
    assert nova.volumes.get_server_volumes(server.id) == []
