"""Cinder details Tempest's volume tests check: an empty id is no route, the snapshot update answer,
the snapshot actions (os-force_delete, os-update_snapshot_status), sorting by display_name, an
admin's all_tenants/project_id listing, os-force_detach, and os-detach of a volume with nothing
attached.

Sources: cinder/api/v3/router.py (routes.Mapper: exact paths), cinder/api/v3/snapshots.py and
cinder/api/contrib/extended_snapshot_attributes.py (show and detail only),
cinder/api/contrib/admin_actions.py (SnapshotAdminController, _force_detach),
cinder/api/contrib/snapshot_actions.py (update_snapshot_status and its status map),
cinder/api/validation/validators.py (_validate_progress), cinder/api/schemas/admin_actions.py,
cinder/volume/api.py (get_all, get_all_snapshots: all_tenants for admins; delete_snapshot(force)),
cinder/api/api_utils.py (remove_invalid_filter_options: admins keep every filter),
cinder/volume/manager.py (detach_volume), cinder/policies/snapshot_actions.py; Tempest's
test_volumes_negative, test_snapshots_actions, test_volumes_snapshots(_list), test_volumes_list
(admin), test_volumes_actions (admin)."""

from __future__ import annotations

import pytest

from tests.test_volume_sources import _action, _bad, _create, _fault, _project, _show, _snapshot, _url

EXTENDED = ("os-extended-snapshot-attributes:progress", "os-extended-snapshot-attributes:project_id")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_an_empty_volume_id_is_no_route(api, method):
    response = api.request(method, _url(api, "volumes/"), json={"volume": {"name": "x"}} if method == "PUT" else None)
    assert response.status_code == 404
    assert response.get_json()["itemNotFound"]["message"].startswith("The resource could not be found.")


def test_the_snapshot_update_answer_has_no_extended_attributes(api):
    snapshot = _snapshot(api, _create(api)["id"])
    updated = api.put(_url(api, f"snapshots/{snapshot['id']}"), json={"snapshot": {"name": "new"}})
    assert updated.status_code == 200
    body = updated.get_json()["snapshot"]
    assert body["name"] == "new" and not set(EXTENDED) & set(body)
    shown = api.get(_url(api, f"snapshots/{snapshot['id']}")).get_json()["snapshot"]
    assert set(EXTENDED) <= set(shown)


def _snapshot_action(api, snapshot_id: str, body: dict, user: str = "demo"):
    return api.post(_url(api, f"snapshots/{snapshot_id}/action", user), user=user, json=body)


def _admin_url(api, path: str) -> str:
    """An admin reaches any project's records through its own project's URL."""
    return f"/volume/v3/{_project(api, 'admin')}/{path}"


@pytest.mark.parametrize("status", ["creating", "deleting", "error", "error_deleting"])
def test_an_admin_force_deletes_a_snapshot_in_any_status(api, status):
    snapshot = _snapshot(api, _create(api)["id"])
    assert _snapshot_action(api, snapshot["id"], {"os-reset_status": {"status": status}}).status_code == 403
    reset = api.post(_admin_url(api, f"snapshots/{snapshot['id']}/action"), user="admin",
                     json={"os-reset_status": {"status": status}})
    assert reset.status_code == 202
    refused = _snapshot_action(api, snapshot["id"], {"os-force_delete": {}})
    assert _fault(refused) == (403, {"forbidden": {"code": 403, "message": (
        "Policy doesn't allow volume_extension:snapshot_admin_actions:force_delete to be performed.")}})
    if status in ("creating", "deleting"):
        plain = api.delete(_url(api, f"snapshots/{snapshot['id']}"))
        assert _fault(plain) == _bad("Invalid snapshot: Snapshot status must be available or error and must not be "
                                     "part of a group.")
    forced = api.post(_admin_url(api, f"snapshots/{snapshot['id']}/action"), user="admin",
                      json={"os-force_delete": {}})
    assert (forced.status_code, forced.get_data()) == (202, b"")
    assert api.get(_url(api, f"snapshots/{snapshot['id']}")).status_code == 404


def test_update_snapshot_status_follows_cinders_status_map(api):
    snapshot = _snapshot(api, _create(api)["id"])
    api.backend.store.volume_snapshots[snapshot["id"]].update(status="creating", pending=[])
    # A project member may (snapshot_actions:update_snapshot_status is SYSTEM_ADMIN_OR_PROJECT_MEMBER).
    done = _snapshot_action(api, snapshot["id"], {"os-update_snapshot_status": {"status": "error", "progress": "80%"}})
    assert (done.status_code, done.get_data()) == (202, b"")
    shown = api.get(_url(api, f"snapshots/{snapshot['id']}")).get_json()["snapshot"]
    assert (shown["status"], shown[EXTENDED[0]]) == ("error", "80%")
    again = _snapshot_action(api, snapshot["id"], {"os-update_snapshot_status": {"status": "available"}})
    assert _fault(again) == _bad("Snapshot status error not allowed for update_snapshot_status")
    api.backend.store.volume_snapshots[snapshot["id"]]["status"] = "deleting"
    wrong = _snapshot_action(api, snapshot["id"], {"os-update_snapshot_status": {"status": "available"}})
    assert _fault(wrong) == _bad("Provided snapshot status available not allowed for snapshot with status deleting.")
    for progress, message in (("80", "progress must be an integer percentage between 0 and 100"),
                              ("x%", "progress must be an integer percentage"),
                              ("101%", "progress must be an integer percentage between 0 and 100")):
        response = _snapshot_action(api, snapshot["id"], {"os-update_snapshot_status": {
            "status": "deleting", "progress": progress}})
        assert _fault(response) == _bad(f"Invalid input received: {message}"), progress
    missing = _snapshot_action(api, snapshot["id"], {"os-update_snapshot_status": {}})
    assert missing.status_code == 400 and "'status' is a required property" in missing.get_json()["badRequest"][
        "message"]
    reader = _snapshot_action(api, snapshot["id"], {"os-update_snapshot_status": {"status": "deleting"}},
                              user="reader")
    assert reader.status_code == 403
    unknown = _snapshot_action(api, snapshot["id"], {"os-unmanage": {}})
    assert _fault(unknown) == _bad("There is no such action: os-unmanage")


def test_snapshots_and_volumes_sort_by_display_name(api):
    volume = _create(api, name="z")
    b, a = _snapshot(api, volume["id"], name="b"), _snapshot(api, volume["id"], name="a")
    for direction, expected in (("asc", [a["id"], b["id"]]), ("desc", [b["id"], a["id"]])):
        listed = api.get(_url(api, f"snapshots?sort_key=display_name&sort_dir={direction}")).get_json()["snapshots"]
        assert [s["id"] for s in listed] == expected
    second = _create(api, name="0-first")
    listed = api.get(_url(api, "volumes?sort=display_name:asc")).get_json()["volumes"]
    assert listed[0]["id"] == second["id"]


def test_an_admin_lists_another_projects_volumes_and_snapshots_with_all_tenants(api):
    mine = _create(api)
    snapshot = _snapshot(api, mine["id"])
    theirs = _create(api, user="alt_demo")
    demo, admin = _project(api), _project(api, "admin")
    admin_url = f"/volume/v3/{admin}"
    everything = api.get(f"{admin_url}/volumes/detail?all_tenants=1", user="admin").get_json()["volumes"]
    assert {mine["id"], theirs["id"]} <= {v["id"] for v in everything}
    only_demo = api.get(f"{admin_url}/volumes/detail?all_tenants=1&project_id={demo}", user="admin").get_json()
    assert [v["id"] for v in only_demo["volumes"]] == [mine["id"]]
    assert only_demo["volumes"][0]["os-vol-tenant-attr:tenant_id"] == demo
    # Without all_tenants an admin lists its own project's only, and others' all_tenants is ignored.
    assert api.get(f"{admin_url}/volumes?project_id={demo}", user="admin").get_json()["volumes"] == []
    assert [v["id"] for v in api.get(_url(api, "volumes?all_tenants=1")).get_json()["volumes"]] == [mine["id"]]
    snapshots = api.get(f"{admin_url}/snapshots/detail?all_tenants=true&project_id={demo}", user="admin").get_json()
    assert [s["id"] for s in snapshots["snapshots"]] == [snapshot["id"]]


def test_an_admin_force_detaches_a_volume_in_error(api):
    volume = _create(api)
    server = "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"
    assert _action(api, volume["id"], {"os-attach": {"instance_uuid": server, "mountpoint": "/dev/vdb"}}).status_code == 202
    attachment = _show(api, volume["id"])["attachments"][0]["attachment_id"]
    reset = api.post(_admin_url(api, f"volumes/{volume['id']}/action"), user="admin",
                     json={"os-reset_status": {"status": "error"}})
    assert reset.status_code == 202
    refused = _action(api, volume["id"], {"os-force_detach": {"attachment_id": attachment, "connector": None}})
    assert _fault(refused) == (403, {"forbidden": {"code": 403, "message": (
        "Policy doesn't allow volume_extension:volume_admin_actions:force_detach to be performed.")}})
    bad = api.post(_admin_url(api, f"volumes/{volume['id']}/action"), user="admin",
                   json={"os-force_detach": {"attachment_id": 5}})
    assert bad.status_code == 400 and "attachment_id" in bad.get_json()["badRequest"]["message"]
    forced = api.post(_admin_url(api, f"volumes/{volume['id']}/action"), user="admin",
                      json={"os-force_detach": {"attachment_id": attachment, "connector": None}})
    assert (forced.status_code, forced.get_data()) == (202, b"")
    shown = _show(api, volume["id"])
    assert (shown["status"], shown["attachments"]) == ("available", [])


def test_detach_of_a_volume_with_nothing_attached_leaves_it_available(api):
    volume = _create(api)
    assert _action(api, volume["id"], {"os-detach": {}}).status_code == 202
    assert _show(api, volume["id"])["status"] == "available"
    server = "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"
    for _ in range(2):
        _action(api, volume["id"], {"os-attach": {"instance_uuid": server, "mountpoint": "/dev/vdb"}})
    api.backend.store.volumes[volume["id"]]["attachments"].append(
        dict(api.backend.store.volumes[volume["id"]]["attachments"][0], attachment_id="other", server_id="s2"))
    ambiguous = _action(api, volume["id"], {"os-detach": {}})
    assert _fault(ambiguous) == _bad("Error detaching volume - InvalidVolume: Invalid volume: Detach volume failed: "
                                     "More than one attachment, but no attachment_id provided.")
