"""Glance image data: upload streams past the API body limit up to image_size_cap, size and hashes are
the data's own, download gives the bytes back (200, 206 for a Range, 204 without data); what fakenova
keeps in memory is bounded by image_data_memory. Both JSON-patch dialects. The real CLI and SDK.

Sources: glance/api/v2/image_data.py (upload, download, ResponseSerializer), glance/location.py
(set_data: md5 checksum, sha512 os_hash_value), glance/api/v2/images.py (RequestDeserializer.update)
and the storage facts file (A.2-A.4)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

IMAGES = "/image/v2/images"
OCTET = {"Content-Type": "application/octet-stream"}
PATCH_2_0 = {"Content-Type": "application/openstack-images-v2.0-json-patch"}


def glance_text(status: str, message: str) -> str:
    return f"{status}\n\n{message}\n"


def _new_image(api, user="demo", **fields) -> str:
    fields.setdefault("disk_format", "raw")
    fields.setdefault("container_format", "bare")
    response = api.post(IMAGES, user=user, json={"name": "data", **fields})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def _upload(api, image_id, data, user="demo", headers=OCTET):
    return api.put(f"{IMAGES}/{image_id}/file", user=user, data=data, headers=headers)


def test_upload_past_the_api_body_limit_sets_size_and_real_hashes(api):
    data = os.urandom(300 * 1024)  # well over the 112 KiB API body limit
    image_id = _new_image(api)
    response = _upload(api, image_id, data)
    assert (response.status_code, response.get_data()) == (204, b"")
    image = api.get(f"{IMAGES}/{image_id}").get_json()
    assert image["status"] == "active" and image["size"] == len(data) == image["virtual_size"]
    assert image["checksum"] == hashlib.md5(data).hexdigest()
    assert (image["os_hash_algo"], image["os_hash_value"]) == ("sha512", hashlib.sha512(data).hexdigest())


def test_the_api_body_limit_still_guards_json_routes(api):
    response = api.post(IMAGES, json={"name": "x" * 200_000})
    assert response.status_code == 413


def test_download_gives_the_bytes_back_with_glance_headers(api):
    data = os.urandom(5000)
    image_id = _new_image(api)
    _upload(api, image_id, data)
    response = api.get(f"{IMAGES}/{image_id}/file")
    assert response.status_code == 200 and response.get_data() == data
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Content-MD5"] == hashlib.md5(data).hexdigest()  # hex, as Glance sends it
    ranged = api.get(f"{IMAGES}/{image_id}/file", headers={"Range": "bytes=10-19"})
    assert (ranged.status_code, ranged.get_data()) == (206, data[10:20])
    assert ranged.headers["Content-Range"] == f"bytes 10-19/{len(data)}"


def test_an_image_without_data_downloads_as_204(api):
    image_id = _new_image(api)
    response = api.get(f"{IMAGES}/{image_id}/file")
    assert (response.status_code, response.get_data()) == (204, b"")


def test_zero_bytes_make_an_active_image_with_the_empty_checksum(api):
    image_id = _new_image(api)
    assert _upload(api, image_id, b"").status_code == 204
    image = api.get(f"{IMAGES}/{image_id}").get_json()
    assert (image["status"], image["size"], image["checksum"]) == ("active", 0, "d41d8cd98f00b204e9800998ecf8427e")
    response = api.get(f"{IMAGES}/{image_id}/file")
    assert (response.status_code, response.get_data()) == (200, b"")


def test_upload_refusals_in_glances_words(api):
    active = _new_image(api)
    _upload(api, active, b"abc")
    no_formats = _new_image(api, disk_format=None, container_format=None)
    no_disk = _new_image(api, disk_format=None)
    cases = [
        (active, OCTET, "demo", 409, "Image status transition from active to saving is not allowed"),
        (no_formats, OCTET, "demo", 400, "Properties disk_format, container_format must be set prior to saving data."),
        (no_disk, OCTET, "demo", 400, "Property disk_format must be set prior to saving data."),
        (_new_image(api), {"Content-Type": "application/json"}, "demo", 415,
         "The request media type application/json is not supported by this server."),
    ]
    titles = {400: "400 Bad Request", 409: "409 Conflict", 415: "415 Unsupported Media Type"}
    for image_id, headers, user, status, message in cases:
        response = _upload(api, image_id, b"data", user=user, headers=headers)
        assert (response.status_code, response.get_data(as_text=True)) == (status, glance_text(titles[status], message))


def test_someone_elses_shared_image_is_not_found_and_a_public_one_not_writable(api, backend):
    mine = _new_image(api)
    assert _upload(api, mine, b"x", user="alt_demo").status_code == 404
    seeded = next(iter(backend.store.images))  # public, owned by admin
    response = _upload(api, seeded, b"x")
    assert (response.status_code, response.get_data(as_text=True)) == (
        403, glance_text("403 Forbidden", f"Not allowed to upload image data for image {seeded}"))


def test_over_the_size_cap_is_413_and_the_image_stays_queued(api, settings):
    settings.image_size_cap = 1000
    image_id = _new_image(api)
    response = _upload(api, image_id, os.urandom(1001))
    assert (response.status_code, response.get_data(as_text=True)) == (
        413, glance_text("413 Request Entity Too Large",
                         "The incoming image is too large: The provided image is too large."))
    image = api.get(f"{IMAGES}/{image_id}").get_json()
    assert (image["status"], image["size"], image["checksum"]) == ("queued", None, None)
    assert _upload(api, image_id, os.urandom(1000)).status_code == 204


def test_data_beyond_the_memory_budget_keeps_size_and_hashes_only(api, settings, backend):
    settings.image_data_memory = 10_000
    kept, first, second = os.urandom(6000), _new_image(api), _new_image(api)
    _upload(api, first, kept)
    too_much = os.urandom(6000)
    _upload(api, second, too_much)
    image = api.get(f"{IMAGES}/{second}").get_json()
    assert (image["status"], image["size"]) == ("active", 6000)
    assert image["os_hash_value"] == hashlib.sha512(too_much).hexdigest()
    response = api.get(f"{IMAGES}/{second}/file")
    assert response.status_code == 503 and "fakenova keeps no data for image" in response.get_data(as_text=True)
    assert api.get(f"{IMAGES}/{first}/file").get_data() == kept
    # Deleting an image frees its share of the budget.
    assert api.delete(f"{IMAGES}/{first}").status_code == 204
    third = _new_image(api)
    _upload(api, third, too_much)
    assert api.get(f"{IMAGES}/{third}/file").get_data() == too_much
    assert sum(len(data) for data in backend.store.image_data.values()) <= 10_000


def test_uploaded_data_survives_state_export_and_import(api, backend):
    from fakenova.domain.control import state

    data = bytes(range(256)) * 10
    image_id = _new_image(api)
    _upload(api, image_id, data)
    document = json.loads(json.dumps(state.export_state(backend)))
    backend.reset()
    assert image_id not in backend.store.image_data
    state.import_state(backend, document)
    assert api.get(f"{IMAGES}/{image_id}/file").get_data() == data


# --- PATCH: both media types (Tempest sends v2.0) ----------------------------------------------------

def _patch(api, image_id, operations, headers=PATCH_2_0):
    return api.request("PATCH", f"{IMAGES}/{image_id}", headers=headers, data=json.dumps(operations))


def test_patch_in_the_v2_0_dialect(api):
    image_id = _new_image(api)
    response = _patch(api, image_id, [{"add": "/os_distro", "value": "cirros"}, {"replace": "/name", "value": "n2"},
                                      {"replace": "/protected", "value": False}])
    assert response.status_code == 200
    assert (response.get_json()["os_distro"], response.get_json()["name"]) == ("cirros", "n2")
    removed = _patch(api, image_id, [{"remove": "/os_distro"}])
    assert "os_distro" not in removed.get_json()


@pytest.mark.parametrize("operations, headers, status, message", [
    ([{"add": "/os_distro", "value": "x"}, {"add": "/os_distro", "value": "y"}], PATCH_2_0, 409,
     "Property os_distro already present."),
    ([{"add": "/a", "remove": "/b", "value": 1}], PATCH_2_0, 400,
     'Operation objects must contain only one member named "add", "remove", or "replace".'),
    ([{"value": 1}], PATCH_2_0, 400,
     'Operation objects must contain exactly one member named "add", "remove", or "replace".'),
    (["add"], PATCH_2_0, 400, "Operations must be JSON objects."),
    ([{"add": "/a"}], PATCH_2_0, 400, 'Operation "add" requires a member named "value".'),
    ([{"path": "/name", "value": "x"}], {"Content-Type": "application/openstack-images-v2.1-json-patch"}, 400,
     "Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace."),
    ([{"op": "add", "value": "x"}], {"Content-Type": "application/openstack-images-v2.1-json-patch"}, 400,
     "Unable to find 'path' in JSON Schema change"),
    ([{"add": "/os_glance_x", "value": "1"}], PATCH_2_0, 403, "Attribute 'os_glance_x' is reserved."),
])
def test_patch_refusals(api, operations, headers, status, message):
    response = _patch(api, _new_image(api), operations, headers=headers)
    titles = {400: "400 Bad Request", 403: "403 Forbidden", 409: "409 Conflict"}
    assert (response.status_code, response.get_data(as_text=True)) == (status, glance_text(titles[status], message))


def test_create_with_an_os_glance_property_is_403(api):
    response = api.post(IMAGES, json={"name": "x", "os_glance_foo": "bar"})
    assert (response.status_code, response.get_data(as_text=True)) == (
        403, glance_text("403 Forbidden", "Attribute 'os_glance_foo' is reserved."))


# --- real clients -----------------------------------------------------------------------------------

def test_cli_creates_an_image_from_a_20_mb_file_and_saves_it_byte_identical(live, tmp_path):
    source, saved = tmp_path / "disk.img", tmp_path / "saved.img"
    source.write_bytes(os.urandom(20 * 1024 * 1024))
    created = live.openstack("image", "create", "--file", str(source), "--disk-format", "raw",
                             "--container-format", "bare", "big-disk", "-f", "json")
    assert created["status"] == "active" and created["size"] == 20 * 1024 * 1024
    assert created["checksum"] == hashlib.md5(source.read_bytes()).hexdigest()
    live.openstack("image", "save", "--file", str(saved), "big-disk")
    assert saved.read_bytes() == source.read_bytes()


def test_sdk_uploads_and_downloads_with_hash_verification(live, tmp_path):
    conn = live.sdk("demo")
    data = os.urandom(2 * 1024 * 1024)
    image = conn.image.create_image(name="sdk-data", data=data, disk_format="qcow2", container_format="bare",
                                    validate_checksum=False)
    image = conn.image.get_image(image.id)
    assert image.status == "active" and image.hash_value == hashlib.sha512(data).hexdigest()
    # download_image checks os_hash_value (openstack/image/_download.py): real digests are required.
    downloaded = conn.image.download_image(image)
    assert downloaded.content == data
    assert conn.image.download_image(image, stream=True).raw.read() == data


# --- interoperable import: glance-direct ------------------------------------------------------------

def test_stage_then_glance_direct_import(api):
    data = os.urandom(200 * 1024)
    image_id = _new_image(api)
    staged = api.put(f"{IMAGES}/{image_id}/stage", data=data, headers=OCTET)
    assert staged.status_code == 204
    image = api.get(f"{IMAGES}/{image_id}").get_json()
    assert (image["status"], image["size"]) == ("uploading", len(data))
    imported = api.post(f"{IMAGES}/{image_id}/import", json={"method": {"name": "glance-direct"}})
    assert (imported.status_code, imported.get_data()) == (202, b"")
    image = api.get(f"{IMAGES}/{image_id}").get_json()
    assert (image["status"], image["checksum"]) == ("active", hashlib.md5(data).hexdigest())
    assert api.get(f"{IMAGES}/{image_id}/file").get_data() == data
    assert api.get("/image/v2/info/import").get_json()["import-methods"]["value"] == [
        "glance-direct", "web-download", "copy-image"]


def test_import_refusals(api):
    image_id = _new_image(api)
    cases = [({}, 400, "Import request requires a 'method' field."),
             ({"method": {"name": "carrier-pigeon"}}, 400, "Unknown import method name 'carrier-pigeon'."),
             ({"method": {"name": "glance-direct"}}, 409,
              "Image needs to be staged before 'glance-direct' method can be used")]
    titles = {400: "400 Bad Request", 409: "409 Conflict"}
    for body, status, message in cases:
        response = api.post(f"{IMAGES}/{image_id}/import", json=body)
        assert (response.status_code, response.get_data(as_text=True)) == (status, glance_text(titles[status], message))
    web = api.post(f"{IMAGES}/{image_id}/import", json={"method": {"name": "web-download", "uri": "http://x/y"}})
    assert web.status_code == 400 and "not supported by fakenova" in web.get_data(as_text=True)


def test_seeded_images_download_as_zeros_that_match_their_hashes(api, backend):
    from tests.server_helpers import image_id

    seeded = image_id(backend)
    image = api.get(f"{IMAGES}/{seeded}").get_json()
    response = api.get(f"{IMAGES}/{seeded}/file")
    data = response.get_data()
    assert response.status_code == 200 and len(data) == image["size"] == int(response.headers["Content-Length"])
    assert data == bytes(image["size"])
    assert hashlib.md5(data).hexdigest() == image["checksum"] == response.headers["Content-MD5"]
    assert hashlib.sha512(data).hexdigest() == image["os_hash_value"]


def test_cli_saves_the_seeded_image(live, tmp_path):
    saved = tmp_path / "cirros.img"
    live.openstack("image", "save", "--file", str(saved), "cirros-0.6.2-x86_64-disk")
    shown = live.openstack("image", "show", "cirros-0.6.2-x86_64-disk", "-f", "json")
    assert saved.stat().st_size == shown["size"] and hashlib.md5(saved.read_bytes()).hexdigest() == shown["checksum"]
