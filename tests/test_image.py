"""Glance v2 at /image: discovery, list filters/sort/pages, show, delete, visibility per project,
and the real clients (openstack CLI, openstacksdk) finding images by name and id."""

from __future__ import annotations

import re

import pytest

from fakenova.domain.image import images

CIRROS = "cirros-0.6.2-x86_64-disk"
GLANCE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
IMAGE_KEYS = {"hw_rng_model", "name", "disk_format", "container_format", "visibility", "size", "virtual_size",
              "status", "checksum", "protected", "min_ram", "min_disk", "owner", "os_hidden", "os_hash_algo",
              "os_hash_value", "id", "created_at", "updated_at", "tags", "self", "file", "schema"}


def project_id(backend, name):
    return next(p["id"] for p in backend.store.projects.values() if p["name"] == name)


def cirros_id(backend):
    return next(i["id"] for i in backend.store.images.values() if i["name"] == CIRROS)


def add_image(backend, name, owner, **fields):
    record = images.new_record(backend, image_id=backend.store.ids.uuid(), name=name,
                               owner=project_id(backend, owner), **fields)
    backend.store.images[record["id"]] = record
    return record["id"]


def names(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [image["name"] for image in response.get_json()["images"]]


def glance_text(code_title, message):
    """Glance's error page without an Accept header: WebOb's plain text (webob/exc.py plain_body)."""
    return f"{code_title}\n\n{message}\n\n   "


# --- discovery and auth ---

def test_version_list_is_multiple_choices_with_prefixed_links_from_request_host(client):
    for path in ("/image", "/image/"):
        response = client.get(path, base_url="http://cloud.example:9292")
        assert response.status_code == 300
        versions = response.get_json()["versions"]
        assert versions[0] == {"id": "v2.18", "status": "CURRENT",
                               "links": [{"rel": "self", "href": "http://cloud.example:9292/image/v2/"}]}
        assert {v["id"] for v in versions} >= {"v2.0", "v2.9", "v2.15"}
        assert all(v["status"] == "SUPPORTED" for v in versions[1:])


def test_explicit_versions_path_is_200(client):
    assert client.get("/image/versions").status_code == 200


def test_images_need_a_token(client):
    response = client.get("/image/v2/images")
    assert response.status_code == 401


# --- show ---

def test_show_renders_glance_image(api, backend):
    response = api.get(f"/image/v2/images/{cirros_id(backend)}")
    assert response.status_code == 200
    image = response.get_json()
    assert set(image) == IMAGE_KEYS
    assert image["name"] == CIRROS and image["status"] == "active" and image["visibility"] == "public"
    assert image["owner"] == project_id(backend, "admin")
    assert image["self"] == f"/v2/images/{image['id']}" and image["file"] == f"/v2/images/{image['id']}/file"
    assert image["schema"] == "/v2/schemas/image"
    assert GLANCE_TIME.match(image["created_at"]) and GLANCE_TIME.match(image["updated_at"])
    assert image["hw_rng_model"] == "virtio"  # custom properties sit at the top level
    assert len(image["checksum"]) == 32 and image["os_hash_algo"] == "sha512" and len(image["os_hash_value"]) == 128


def test_show_by_name_is_404_so_clients_fall_back_to_a_list(api):
    response = api.get(f"/image/v2/images/{CIRROS}")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == glance_text("404 Not Found", f"No image found with ID {CIRROS}")


# --- list ---

def test_list_shape_and_default_order(api):
    response = api.get("/image/v2/images")
    body = response.get_json()
    assert set(body) == {"images", "first", "schema"}
    assert body["first"] == "/v2/images" and body["schema"] == "/v2/schemas/images"
    # Same created_at: Glance breaks the tie by id, descending like the first key.
    ids = [image["id"] for image in body["images"]]
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("query, expected", [
    (f"name={CIRROS}", [CIRROS]),
    ("name=nope", []),
    ("status=active&sort=name:asc", [CIRROS, f"{CIRROS}-alt"]),
    ("status=queued", []),
    ("visibility=public&sort=name:desc", [f"{CIRROS}-alt", CIRROS]),
    ("visibility=private", []),
    ("disk_format=in:raw,qcow2&sort_key=name&sort_dir=asc", [CIRROS, f"{CIRROS}-alt"]),
    ("hw_rng_model=virtio&sort=name", [f"{CIRROS}-alt", CIRROS]),
    ("hw_rng_model=none", []),
    ("size_min=21430272&size_max=21430272&sort=name:asc", [CIRROS, f"{CIRROS}-alt"]),
    ("size_min=21430273", []),
])
def test_list_filters_and_sorting(api, query, expected):
    assert names(api.get(f"/image/v2/images?{query}")) == expected


def test_id_in_filter_as_openstack_server_list_sends_it(api, backend):
    alt = next(i["id"] for i in backend.store.images.values() if i["name"].endswith("-alt"))
    assert names(api.get(f"/image/v2/images?id=in:{cirros_id(backend)},{alt}&sort=name:asc")) == [CIRROS, f"{CIRROS}-alt"]
    assert names(api.get(f"/image/v2/images?id=in:{cirros_id(backend)}")) == [CIRROS]


def test_limit_and_marker_walk_pages_through_next_links(api):
    first = api.get("/image/v2/images?limit=1&sort=name:asc").get_json()
    assert [i["name"] for i in first["images"]] == [CIRROS]
    assert first["first"] == "/v2/images?limit=1&sort=name%3Aasc"
    assert first["next"] == f"/v2/images?limit=1&sort=name%3Aasc&marker={first['images'][0]['id']}"
    second = api.get("/image" + first["next"]).get_json()
    assert [i["name"] for i in second["images"]] == [f"{CIRROS}-alt"]
    # A full page always carries "next" in Glance; the page after the last one is empty.
    third = api.get("/image" + second["next"]).get_json()
    assert third["images"] == [] and "next" not in third


@pytest.mark.parametrize("query, message", [
    ("limit=x", "limit param must be an integer"),
    ("limit=-1", "limit param must be positive"),
    ("sort_key=size_x", "Invalid sort key: size_x. It must be one of the following: name, status, container_format, "
                        "disk_format, size, id, created_at, updated_at."),
    ("sort_dir=up", "Invalid sort direction: up"),
    ("sort=name&sort_key=name", "Old and new sorting syntax cannot be combined"),
    ("visibility=secret", "Invalid visibility value: secret"),
    ("os_hidden=maybe", "Invalid value 'maybe' for 'os_hidden' filter. Valid values are 'true' or 'false'."),
    ("protected=yes", "Invalid value 'yes' for 'protected' filter. Valid values are 'true' or 'false'."),
    ("member_status=new", "Invalid status: new"),
    ("name=like:cirros", "Unable to filter by unknown operator 'like'."),
    ("size_min=big", "Unable to filter on a range with a non-numeric value."),
    ("marker=00000000-0000-4000-8000-000000000000", "No image found with ID 00000000-0000-4000-8000-000000000000"),
])
def test_bad_list_queries_are_400_with_glance_text(api, query, message):
    response = api.get(f"/image/v2/images?{query}")
    assert response.status_code == 400
    assert response.get_data(as_text=True) == glance_text("400 Bad Request", message)


# --- visibility ---

def test_private_image_shows_to_its_project_and_admins_only(api, backend):
    image_id = add_image(backend, "demo-private", "demo", visibility="private")
    assert "demo-private" in names(api.get("/image/v2/images", user="demo"))
    assert "demo-private" in names(api.get("/image/v2/images", user="admin"))
    assert "demo-private" not in names(api.get("/image/v2/images", user="alt_demo"))
    assert api.get(f"/image/v2/images/{image_id}", user="demo").status_code == 200
    hidden = api.get(f"/image/v2/images/{image_id}", user="alt_demo")
    assert hidden.status_code == 404
    assert hidden.get_data(as_text=True) == glance_text("404 Not Found", f"No image found with ID {image_id}")


def test_shared_image_without_membership_is_owner_only(api, backend):
    image_id = add_image(backend, "demo-shared", "demo", visibility="shared")
    assert names(api.get("/image/v2/images?visibility=shared", user="demo")) == ["demo-shared"]
    assert names(api.get("/image/v2/images?visibility=shared", user="alt_demo")) == []
    assert api.get(f"/image/v2/images/{image_id}", user="alt_demo").status_code == 404


def test_community_image_is_listed_only_when_asked_for_but_shown_to_all(api, backend):
    image_id = add_image(backend, "demo-community", "demo", visibility="community")
    assert "demo-community" in names(api.get("/image/v2/images", user="demo"))
    assert "demo-community" not in names(api.get("/image/v2/images", user="alt_demo"))
    assert names(api.get("/image/v2/images?visibility=community", user="alt_demo")) == ["demo-community"]
    assert api.get(f"/image/v2/images/{image_id}", user="alt_demo").status_code == 200


def test_hidden_image_is_listed_only_with_os_hidden_true(api, backend):
    add_image(backend, "hidden", "demo", os_hidden=True)
    assert "hidden" not in names(api.get("/image/v2/images"))
    assert names(api.get("/image/v2/images?os_hidden=true")) == ["hidden"]


def test_queued_image_has_no_size_or_hashes(api, backend):
    image_id = add_image(backend, "snap", "demo", status="queued")
    image = api.get(f"/image/v2/images/{image_id}").get_json()
    assert image["status"] == "queued"
    assert image["size"] is None and image["checksum"] is None and image["os_hash_value"] is None


# --- delete ---

def test_owner_deletes_own_image(api, backend):
    image_id = add_image(backend, "mine", "demo", visibility="private")
    response = api.delete(f"/image/v2/images/{image_id}")
    assert response.status_code == 204 and response.get_data() == b""
    assert api.get(f"/image/v2/images/{image_id}").status_code == 404


def test_delete_refusals(api, backend):
    response = api.delete(f"/image/v2/images/{cirros_id(backend)}", user="demo")
    assert response.status_code == 403
    assert response.get_data(as_text=True) == glance_text(
        "403 Forbidden", "You are not authorized to complete delete_image action.")
    protected = add_image(backend, "keep", "demo", protected=True)
    response = api.delete(f"/image/v2/images/{protected}", user="demo")
    assert response.status_code == 403
    assert response.get_data(as_text=True) == glance_text(
        "403 Forbidden", f"Image {protected} is protected and cannot be deleted.")
    response = api.delete("/image/v2/images/nope")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == glance_text("404 Not Found", "Failed to find image nope to delete")


def test_an_empty_image_id_is_no_route(api):
    """Glance's router matches paths exactly (routes.Mapper): "/v2/images/" is 404 for GET and DELETE,
    never the list (Tempest test_get_image_null_id / test_delete_image_null_id)."""
    for method in ("GET", "DELETE"):
        response = api.request(method, "/image/v2/images/")
        assert response.status_code == 404, method
        # Glance's own refusal, not a gap of the fake: no "fakenova does not model" note.
        assert "fakenova does not model" not in response.get_data(as_text=True)
    assert api.get("/image/v2/images").status_code == 200
    assert api.get("/image/", user=None).status_code == 300


@pytest.mark.parametrize("accept", [None, "*/*", "text/html", "application/json", "application/json, text/plain",
                                    "text/plain", "application/xml", "text/html;q=0.5, application/json"])
@pytest.mark.parametrize("path", ["/image/v2/images/nope", "/image/v2/metadefs/namespaces"])
def test_errors_are_webob_pages_by_accept(api, accept, path):
    """Glance raises bare WebOb exceptions, so Accept picks plain text, HTML or JSON (storage facts
    A.9): fakenova's page is byte for byte the one WebOb itself renders for the same explanation, for
    Glance's own refusals and for a path fakenova does not serve (whose note stays in the text)."""
    import webob
    import webob.exc

    response = api.get(path, headers={"Accept": accept} if accept else {})
    explanation = ("No image found with ID nope" if path.endswith("nope") else
                   f"The resource could not be found. fakenova does not model GET {path}.")
    request = webob.Request.blank(path, headers={"Accept": accept} if accept else {})
    expected = request.get_response(webob.exc.HTTPNotFound(explanation=explanation))
    assert response.status_code == 404
    assert (response.mimetype, response.get_data(as_text=True)) == (expected.content_type, expected.text)


def test_keystoneauth_clients_read_glance_json_errors(live):
    """openstacksdk's resources send Accept: application/json, so the SDK reads Glance's JSON error;
    a bare request (requests' Accept: */*) gets WebOb's HTML page, as from Glance."""
    import openstack.exceptions

    conn = live.sdk()
    bare = conn.image.get("/images/00000000-0000-0000-0000-000000000000")
    assert bare.status_code == 404 and bare.headers["Content-Type"].startswith("text/html")
    response = conn.image.get("/images/00000000-0000-0000-0000-000000000000", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"message": "No image found with ID 00000000-0000-0000-0000-000000000000"
                                          "<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}
    with pytest.raises(openstack.exceptions.NotFoundException) as raised:
        conn.image.get_image("00000000-0000-0000-0000-000000000000")
    assert "No image found with ID 00000000-0000-0000-0000-000000000000" in str(raised.value)


# --- real clients ---

def test_cli_image_list_and_show_by_name_and_id(live):
    listed = live.openstack("image", "list", "-f", "json")
    assert sorted(row["Name"] for row in listed) == [CIRROS, f"{CIRROS}-alt"]
    assert {row["Status"] for row in listed} == {"active"}
    by_name = live.openstack("image", "show", CIRROS, "-f", "json")
    assert by_name["name"] == CIRROS and by_name["visibility"] == "public"
    by_id = live.openstack("image", "show", by_name["id"], "-f", "json")
    assert by_id["id"] == by_name["id"] and by_id["checksum"] == by_name["checksum"]
    missing = live.openstack("image", "show", "no-such-image", check=False)
    assert missing.returncode == 1 and "No Image found for no-such-image" in missing.stderr


def test_sdk_lists_and_finds_images(live):
    conn = live.sdk("demo")
    assert sorted(image.name for image in conn.image.images()) == [CIRROS, f"{CIRROS}-alt"]
    # limit=1 makes the SDK follow Glance's relative "next" links page by page.
    assert sorted(image.name for image in conn.image.images(limit=1)) == [CIRROS, f"{CIRROS}-alt"]
    found = conn.image.find_image(CIRROS)
    assert found.id == cirros_id(live.backend) and found.hw_rng_model == "virtio"
    assert conn.image.find_image("no-such-image") is None
    assert conn.get_image(CIRROS).id == found.id
    assert conn.get_image(found.id).name == CIRROS
