"""Glance image sharing (members), tags, deactivate/reactivate and the schema documents clients read.
Sources: glance/api/v2/image_members.py, image_tags.py, image_actions.py and the storage facts A.5-A.6."""

from __future__ import annotations

import os

IMAGES = "/image/v2/images"


def glance_text(status: str, message: str) -> str:
    return f"{status}\n\n{message}\n"


def _project(api, user: str) -> str:
    return api.get("/identity/v3/auth/projects", user=user).get_json()["projects"][0]["id"]


def _listed(api, user: str, query: str = "") -> list[str]:
    return [image["id"] for image in api.get(f"{IMAGES}{query}", user=user).get_json()["images"]]


def _shared(api) -> str:
    return api.post(IMAGES, json={"name": "shared", "visibility": "shared"}).get_json()["id"]


def test_share_accept_list_and_remove(api):
    image, alt = _shared(api), _project(api, "alt_demo")
    added = api.post(f"{IMAGES}/{image}/members", json={"member": alt})
    assert added.status_code == 200
    member = added.get_json()
    assert (member["member_id"], member["image_id"], member["status"], member["schema"]) == (
        alt, image, "pending", "/v2/schemas/member")
    # Pending: visible by id, not listed unless asked for.
    assert api.get(f"{IMAGES}/{image}", user="alt_demo").status_code == 200
    assert image not in _listed(api, "alt_demo")
    assert image in _listed(api, "alt_demo", "?member_status=pending")
    accepted = api.put(f"{IMAGES}/{image}/members/{alt}", user="alt_demo", json={"status": "accepted"})
    assert accepted.get_json()["status"] == "accepted"
    assert image in _listed(api, "alt_demo")
    assert api.get(f"{IMAGES}/{image}/members/{alt}", user="alt_demo").get_json()["status"] == "accepted"
    assert [m["member_id"] for m in api.get(f"{IMAGES}/{image}/members").get_json()["members"]] == [alt]
    assert api.delete(f"{IMAGES}/{image}/members/{alt}").status_code == 204
    assert image not in _listed(api, "alt_demo")
    assert api.get(f"{IMAGES}/{image}", user="alt_demo").status_code == 404


def test_member_refusals(api):
    image, alt = _shared(api), _project(api, "alt_demo")
    api.post(f"{IMAGES}/{image}/members", json={"member": alt})
    duplicate = api.post(f"{IMAGES}/{image}/members", json={"member": alt})
    assert (duplicate.status_code, duplicate.get_data(as_text=True)) == (
        409, glance_text("409 Conflict", f"Member {alt} is duplicated for image {image}"))
    owner_accepts = api.put(f"{IMAGES}/{image}/members/{alt}", json={"status": "accepted"})
    assert (owner_accepts.status_code, owner_accepts.get_data(as_text=True)) == (
        403, glance_text("403 Forbidden", f"Not allowed to update members for image {image}."))
    invalid = api.put(f"{IMAGES}/{image}/members/{alt}", user="alt_demo", json={"status": "maybe"})
    assert invalid.status_code == 400
    private = api.post(IMAGES, json={"name": "p", "visibility": "private"}).get_json()["id"]
    refused = api.post(f"{IMAGES}/{private}/members", json={"member": alt})
    assert (refused.status_code, refused.get_data(as_text=True)) == (
        403, glance_text("403 Forbidden", "Only shared images have members."))


def test_tags_are_a_set(api):
    image = api.post(IMAGES, json={"name": "t"}).get_json()["id"]
    assert api.put(f"{IMAGES}/{image}/tags/blue").status_code == 204
    assert api.put(f"{IMAGES}/{image}/tags/blue").status_code == 204
    assert api.get(f"{IMAGES}/{image}").get_json()["tags"] == ["blue"]
    assert api.delete(f"{IMAGES}/{image}/tags/blue").status_code == 204
    missing = api.delete(f"{IMAGES}/{image}/tags/blue")
    assert (missing.status_code, missing.get_data(as_text=True)) == (404, glance_text("404 Not Found",
                                                                                      "Tag blue not found."))
    public = next(iter(api.backend.store.images))
    denied = api.put(f"{IMAGES}/{public}/tags/x")
    assert (denied.status_code, denied.get_data(as_text=True)) == (
        403, glance_text("403 Forbidden", f"Not allowed to update tags for image {public}."))


def test_deactivate_forbids_download_to_non_admins(api):
    image = api.post(IMAGES, json={"name": "d", "disk_format": "raw", "container_format": "bare"}).get_json()["id"]
    data = os.urandom(100)
    api.put(f"{IMAGES}/{image}/file", data=data, headers={"Content-Type": "application/octet-stream"})
    assert api.post(f"{IMAGES}/{image}/actions/deactivate").status_code == 204
    assert api.get(f"{IMAGES}/{image}").get_json()["status"] == "deactivated"
    denied = api.get(f"{IMAGES}/{image}/file")
    assert (denied.status_code, denied.get_data(as_text=True)) == (403, glance_text(
        "403 Forbidden", "The requested image has been deactivated. Image data download is forbidden."))
    assert api.post(f"{IMAGES}/{image}/actions/reactivate").status_code == 204
    assert api.get(f"{IMAGES}/{image}/file").get_data() == data


def test_schema_documents_name_themselves(api):
    for name in ("image", "images", "member", "members"):
        assert api.get(f"/image/v2/schemas/{name}").get_json()["name"] == name
