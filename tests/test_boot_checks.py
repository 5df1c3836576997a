"""What Nova checks about the flavor and the image before it builds, rebuilds or resizes a server
(nova/compute/api.py ``_validate_flavor_image`` / ``_validate_flavor_image_nostatus``; flavor lookup
scoped by nova/objects/flavor.py ``_flavor_get_query_from_db``), with images set up through Glance.
"""

from __future__ import annotations

import json

import pytest

from fakenova.config import Settings
from fakenova.pytest_plugin import instant_durations
from fakenova.seeds import IMAGES as SEEDED_IMAGES
from tests.server_helpers import SERVERS, create, fault, image_id, network_id

GIB = 1024 ** 3
FLAVORS = "/compute/v2.1/flavors"
IMAGES = "/image/v2/images"
PATCH = {"Content-Type": "application/openstack-images-v2.1-json-patch"}


@pytest.fixture
def settings() -> Settings:
    # A large image as well as the seeded ones, to overflow a 1 GB flavor disk.
    return Settings(durations=instant_durations(),
                    images=[*SEEDED_IMAGES, {"name": "big-disk", "size": 2 * GIB, "min_disk": 0, "min_ram": 0}])


def _bad(message: str, code: int = 400) -> tuple[int, dict]:
    name = {400: "badRequest", 403: "forbidden"}[code]
    return code, {name: {"code": code, "message": message}}


def _boot(api, image: str | None, flavor: str = "1", user: str = "demo", **more):
    body = {"name": "vm", "flavorRef": flavor, "networks": [{"uuid": network_id(api.backend)}], **more}
    if image is not None:
        body["imageRef"] = image
    return api.post(SERVERS, json={"server": body}, version="2.37", user=user)


def _image(api, *, upload: bool = True, user: str = "demo", **fields) -> str:
    """An image made the way clients make one: POST the record, PUT the data."""
    created = api.post(IMAGES, user=user, json={"name": "custom", "disk_format": "qcow2",
                                                "container_format": "bare", **fields})
    assert created.status_code == 201, created.get_data(as_text=True)
    image = created.get_json()["id"]
    if upload:
        uploaded = api.put(f"{IMAGES}/{image}/file", user=user, data=b"\0" * 4096,
                           headers={"Content-Type": "application/octet-stream"})
        assert uploaded.status_code == 204, uploaded.get_data(as_text=True)
    return image


def _flavor(api, flavor_id: str, *, disk: int = 1, ram: int = 512, public: bool = True) -> str:
    created = api.post(FLAVORS, user="admin", json={"flavor": {
        "name": flavor_id, "id": flavor_id, "vcpus": 1, "ram": ram, "disk": disk, "os-flavor-access:is_public": public}})
    assert created.status_code == 200, created.get_data(as_text=True)
    return flavor_id


# --- create ---------------------------------------------------------------------------------------------

def test_image_min_ram_above_the_flavor_memory(api):
    image = _image(api, min_ram=1024)
    assert fault(_boot(api, image, "1")) == _bad("Flavor's memory is too small for requested image.")
    assert _boot(api, image, "2").status_code == 202  # m1.small has 2048 MiB


def test_image_min_disk_above_the_flavor_disk(api):
    image = _image(api, min_disk=30)
    assert fault(_boot(api, image, "2")) == _bad(
        "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is "
        f"{20 * GIB} bytes, minimum size is {30 * GIB} bytes.")
    assert _boot(api, image, "3").status_code == 202  # m1.medium: 40 GB


def test_image_larger_than_the_flavor_disk(api):
    big = next(i["id"] for i in api.backend.store.images.values() if i["name"] == "big-disk")
    assert fault(_boot(api, big, "1")) == _bad(
        f"Flavor's disk is too small for requested image. Flavor disk is {GIB} bytes, image is {2 * GIB} bytes.")


def test_memory_is_checked_before_disk(api):
    image = _image(api, min_ram=4096, min_disk=100)
    assert fault(_boot(api, image, "1")) == _bad("Flavor's memory is too small for requested image.")


def test_an_image_without_data_is_not_active(api):
    image = _image(api, upload=False)
    assert fault(_boot(api, image)) == _bad(f"Image {image} is not active.")


def test_zero_disk_flavor_needs_a_volume_unless_admin(api):
    _flavor(api, "zero", disk=0)
    assert fault(_boot(api, image_id(api.backend), "zero")) == _bad(
        "Only volume-backed servers are allowed for flavors with zero disk.", 403)
    assert _boot(api, image_id(api.backend), "zero", user="admin").status_code == 202
    # A root disk that is a volume made from the image is what the rule asks for.
    to_volume = [{"boot_index": 0, "source_type": "image", "destination_type": "volume",
                  "uuid": image_id(api.backend), "volume_size": 1}]
    assert _boot(api, image_id(api.backend), "zero", block_device_mapping_v2=to_volume).status_code == 202


def test_a_volume_root_is_checked_against_min_disk_not_the_flavor(api):
    image = _image(api, min_disk=5)
    bdm = {"boot_index": 0, "source_type": "image", "destination_type": "volume", "uuid": image}
    assert fault(_boot(api, image, "1", block_device_mapping_v2=[dict(bdm, volume_size=2)])) == _bad(
        f"Volume is smaller than the minimum size specified in image metadata. Volume size is {2 * GIB} bytes, "
        f"minimum size is {5 * GIB} bytes.")
    assert _boot(api, image, "1", block_device_mapping_v2=[dict(bdm, volume_size=5)]).status_code == 202


def test_a_private_flavor_is_not_found_for_projects_without_access(api):
    _flavor(api, "private", public=False)
    assert fault(_boot(api, image_id(api.backend), "private")) == _bad("Flavor private could not be found.")
    assert _boot(api, image_id(api.backend), "private", user="admin").status_code == 202
    # Access granted to demo's project (flavor access is seeded, there is no os-flavor-access API yet).
    demo_project = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "demo")
    api.backend.store.flavors["private"]["projects"] = [demo_project]
    assert _boot(api, image_id(api.backend), "private").status_code == 202
    assert fault(_boot(api, image_id(api.backend), "private", user="alt_demo")) == _bad(
        "Flavor private could not be found.")


# --- rebuild and resize -------------------------------------------------------------------------------------

def test_rebuild_to_an_image_the_flavor_cannot_hold(api):
    server = create(api)
    for fields, message in (({"min_ram": 1024}, "Flavor's memory is too small for requested image."),
                            ({"min_disk": 2}, f"Flavor's disk is smaller than the minimum size specified in image "
                                              f"metadata. Flavor disk is {GIB} bytes, minimum size is {2 * GIB} "
                                              "bytes.")):
        image = _image(api, **fields)
        response = api.post(f"{SERVERS}/{server['id']}/action", json={"rebuild": {"imageRef": image}})
        assert fault(response) == _bad(message)
    queued = _image(api, upload=False)
    response = api.post(f"{SERVERS}/{server['id']}/action", json={"rebuild": {"imageRef": queued}})
    assert fault(response) == _bad(f"Image {queued} is not active.")


def test_resize_to_a_flavor_below_the_image_min_ram(api):
    image = _image(api, min_ram=1024)
    server = create(api, imageRef=image, flavorRef="2")
    _flavor(api, "small-ram", ram=512, disk=20)
    response = api.post(f"{SERVERS}/{server['id']}/action", json={"resize": {"flavorRef": "small-ram"}})
    assert fault(response) == _bad("Flavor's memory is too small for requested image.")


# --- Glance: what the setup above relies on -------------------------------------------------------------

def test_glance_create_then_upload(api):
    created = api.post(IMAGES, json={"name": "mine", "min_ram": 64, "min_disk": 1, "tags": ["a", "a", "b"],
                                     "os_distro": "cirros"})
    assert created.status_code == 201, created.get_data(as_text=True)
    image = created.get_json()
    assert created.headers["Location"] == f"http://localhost/image/v2/images/{image['id']}"
    demo_project = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "demo")
    assert {key: image[key] for key in ("name", "status", "visibility", "size", "virtual_size", "checksum",
                                        "disk_format", "container_format", "min_ram", "min_disk", "owner",
                                        "tags", "os_distro", "protected")} == {
        "name": "mine", "status": "queued", "visibility": "shared", "size": None, "virtual_size": None,
        "checksum": None, "disk_format": None, "container_format": None, "min_ram": 64, "min_disk": 1,
        "owner": demo_project, "tags": ["a", "b"], "os_distro": "cirros", "protected": False}
    # Data needs both formats first.
    upload = {"data": b"abc", "headers": {"Content-Type": "application/octet-stream"}}
    refused = api.put(f"{IMAGES}/{image['id']}/file", **upload)
    assert (refused.status_code, refused.get_data(as_text=True)) == (
        400, "400 Bad Request\n\nProperties disk_format, container_format must be set prior to saving data.\n")
    patched = api.request("PATCH", f"{IMAGES}/{image['id']}", headers=PATCH, data=json.dumps([
        {"op": "add", "path": "/disk_format", "value": "raw"},
        {"op": "replace", "path": "/container_format", "value": "bare"}]))
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert api.put(f"{IMAGES}/{image['id']}/file", **upload).status_code == 204
    shown = api.get(f"{IMAGES}/{image['id']}").get_json()
    assert (shown["status"], shown["size"], shown["virtual_size"], shown["checksum"]) == (
        "active", 3, 3, "900150983cd24fb0d6963f7d28e17f72")
    again = api.put(f"{IMAGES}/{image['id']}/file", **upload)
    assert (again.status_code, again.get_data(as_text=True)) == (
        409, "409 Conflict\n\nImage status transition from active to saving is not allowed\n")


def test_glance_patch_sets_and_removes(api):
    image = _image(api, os_distro="cirros")
    ops = [{"op": "replace", "path": "/min_ram", "value": 2048}, {"op": "remove", "path": "/os_distro"},
           {"op": "add", "path": "/hw_disk_bus", "value": "scsi"}]
    patched = api.request("PATCH", f"{IMAGES}/{image}", headers=PATCH, data=json.dumps(ops))
    assert patched.status_code == 200, patched.get_data(as_text=True)
    body = patched.get_json()
    assert (body["min_ram"], body.get("os_distro"), body["hw_disk_bus"]) == (2048, None, "scsi")


@pytest.mark.parametrize("method, body, status, message", [
    ("POST", {"name": "x", "status": "active"}, 403, "Attribute 'status' is read-only."),
    ("POST", {"name": "x", "visibility": "public"}, 403, "You are not authorized to complete publicize_image action."),
    ("POST", {"name": "x", "min_ram": "big"}, 400, "Provided object does not match schema 'image': 'big' is not "
                                                   "of type 'integer'"),
    ("POST", {"name": "x", "min_disk": -1}, 400, "Invalid value '-1' for parameter 'min_disk': Cannot be a "
                                                 "negative value"),
    ("POST", {"name": "x", "min_ram": 2 ** 31}, 400, "'min_ram' value out of range, must not exceed 2147483647."),
    ("POST", {"name": "x", "owner": "someone"}, 403, "You are not permitted to create images owned by 'someone'"),
    ("PATCH", [{"op": "remove", "path": "/min_ram"}], 403, "Property min_ram may not be removed."),
    ("POST", {"name": "x", "disk_format": "floppy"}, 400,
     "Provided object does not match schema 'image': 'floppy' is not one of [None, 'ami', 'ari', 'aki', 'vhd', "
     "'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']"),
    ("POST", {"name": "x", "os_distro": 5}, 400, "Provided object does not match schema 'image': 5 is not of "
                                                 "type 'string'"),
    ("PATCH", [{"op": "replace", "path": "/size", "value": 1}], 403, "Attribute 'size' is read-only."),
    ("PATCH", [{"op": "replace", "path": "/nope", "value": "1"}], 409, "Property nope does not exist."),
    ("PATCH", [{"op": "move", "path": "/name"}], 400,
     "Invalid operation: `move`. It must be one of the following: add, remove, replace."),
    ("PATCH", {"op": "add"}, 400, "Request body must be a JSON array of operation objects."),
])
def test_glance_write_errors(api, method, body, status, message):
    if method == "POST":
        response = api.post(IMAGES, json=body)
    else:
        response = api.request("PATCH", f"{IMAGES}/{_image(api)}", headers=PATCH, data=json.dumps(body))
    titles = {400: "Bad Request", 403: "Forbidden", 409: "Conflict"}
    assert (response.status_code, response.get_data(as_text=True)) == (
        status, f"{status} {titles[status]}\n\n{message}\n")


def test_glance_patch_needs_the_patch_media_type_and_the_owner(api):
    image = _image(api)
    wrong = api.request("PATCH", f"{IMAGES}/{image}", json=[{"op": "replace", "path": "/name", "value": "y"}])
    assert (wrong.status_code, wrong.headers["Accept-Patch"]) == (
        415, "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch")
    seeded = image_id(api.backend)  # public, owned by admin
    denied = api.request("PATCH", f"{IMAGES}/{seeded}", headers=PATCH,
                         data=json.dumps([{"op": "replace", "path": "/min_ram", "value": 1}]))
    assert (denied.status_code, denied.get_data(as_text=True)) == (
        403, "403 Forbidden\n\nYou are not authorized to complete modify_image action.\n")
    hidden = api.request("PATCH", f"{IMAGES}/{image}", user="alt_demo", headers=PATCH,
                         data=json.dumps([{"op": "replace", "path": "/min_ram", "value": 1}]))
    assert (hidden.status_code, hidden.get_data(as_text=True)) == (
        404, f"404 Not Found\n\nNo image found with ID {image}\n")


# --- real clients ---------------------------------------------------------------------------------------------

def test_cli_create_with_a_too_small_flavor_shows_novas_message(live, tmp_path):
    data = tmp_path / "disk.img"
    data.write_bytes(b"\0" * 4096)
    live.openstack("image", "create", "--min-ram", "1024", "--disk-format", "raw", "--container-format", "bare",
                   "--file", str(data), "needs-1g", "-f", "json")
    result = live.openstack("server", "create", "--image", "needs-1g", "--flavor", "m1.tiny", "--network", "private",
                            "vm", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("/compute/v2.1/servers, Flavor's memory is too small for requested image.")
    live.openstack("image", "set", "--min-ram", "256", "needs-1g")
    created = live.openstack("server", "create", "--image", "needs-1g", "--flavor", "m1.tiny", "--network", "private",
                             "vm", "-f", "json")
    assert created["name"] == "vm"


def test_openstacksdk_sees_the_zero_disk_rule(live):
    import openstack.exceptions

    live.sdk("admin").compute.create_flavor(name="zero", ram=512, vcpus=1, disk=0, id="zero")
    conn = live.sdk()
    with pytest.raises(openstack.exceptions.ForbiddenException) as caught:
        conn.compute.create_server(name="vm", image_id=image_id(live.backend), flavor_id="zero",
                                   networks=[{"uuid": network_id(live.backend)}])
    assert "Only volume-backed servers are allowed for flavors with zero disk." in str(caught.value)
