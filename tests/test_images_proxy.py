"""Nova's image proxy, 2.1-2.35 and 404 from 2.36 (nova/api/openstack/compute/images.py,
image_metadata.py, views/images.py) over the Glance model: Glance decides visibility and
ownership; Nova's texts ("Image not found.", "You are not allowed to delete the image.")."""

from __future__ import annotations

from tests import server_helpers as h
from tests.tempest_schemas import assert_valid

IMAGES = "/compute/v2.1/images"
CLIENT = "images_client.ImagesClient"


def nova_fault(response, code, message):
    name = {400: "badRequest", 403: "forbidden", 404: "itemNotFound"}[code]
    assert (response.status_code, response.get_json()) == (code, {name: {"code": code, "message": message}})


def test_list_detail_show_with_tempests_schemas(api):
    listed = api.get(IMAGES)
    assert_valid(CLIENT, "list_images", "2.1", 200, listed.headers, listed.get_json())
    names = [i["name"] for i in listed.get_json()["images"]]
    assert sorted(names) == ["cirros-0.6.2-x86_64-disk", "cirros-0.6.2-x86_64-disk-alt"]
    detail = api.get(f"{IMAGES}/detail?limit=1", version="2.35")
    assert_valid(CLIENT, "list_images_details", "2.1", 200, detail.headers, detail.get_json())
    page = detail.get_json()
    assert len(page["images"]) == 1 and page["images_links"][0]["rel"] == "next"
    rest = api.get(page["images_links"][0]["href"].split("localhost")[-1]).get_json()
    assert len(rest["images"]) == 1 and rest["images"][0]["id"] != page["images"][0]["id"]
    image = h.image_id(api.backend)
    shown = api.get(f"{IMAGES}/{image}")
    assert_valid(CLIENT, "get_image", "2.1", 200, shown.headers, shown.get_json())
    body = shown.get_json()["image"]
    assert body["status"] == "ACTIVE" and body["progress"] == 100 and body["OS-EXT-IMG-SIZE:size"] == 21430272
    assert body["links"][2] == {"rel": "alternate", "type": "application/vnd.openstack.image",
                                "href": f"http://localhost/image/images/{image}"}


def test_gone_from_236(api):
    assert api.get(IMAGES, version="2.36").status_code == 404
    assert api.get(f"{IMAGES}/{h.image_id(api.backend)}/metadata", version="2.36").status_code == 404


def test_filters(api):
    image = h.image_id(api.backend)
    by_name = api.get(f"{IMAGES}?name=cirros-0.6.2-x86_64-disk").get_json()["images"]
    assert [i["id"] for i in by_name] == [image]
    assert api.get(f"{IMAGES}?status=active").get_json()["images"]
    assert api.get(f"{IMAGES}?status=SAVING").get_json()["images"] == []
    assert api.get(f"{IMAGES}?minRam=1").get_json()["images"] == []
    assert len(api.get(f"{IMAGES}?minDisk=0").get_json()["images"]) == 2
    assert api.get(f"{IMAGES}?property-hw_rng_model=virtio&name=cirros-0.6.2-x86_64-disk").get_json()["images"]


def test_a_server_snapshot_shows_its_server(api):
    server = h.create(api, version="2.1")
    api.backend.clock.advance(60)
    made = api.post(f"{h.SERVERS}/{server['id']}/action", json={"createImage": {"name": "snap"}})
    image_id = made.headers["Location"].rsplit("/", 1)[1]
    api.backend.clock.advance(60)
    shown = api.get(f"{IMAGES}/{image_id}").get_json()["image"]
    assert shown["name"] == "snap" and shown["server"]["id"] == server["id"]
    listed = api.get(f"{IMAGES}?server={server['id']}").get_json()["images"]
    assert [i["id"] for i in listed] == [image_id]
    assert api.delete(f"{IMAGES}/{image_id}").status_code == 204
    nova_fault(api.get(f"{IMAGES}/{image_id}"), 404, "Image not found.")


def test_delete_errors(api):
    nova_fault(api.delete(f"{IMAGES}/nope"), 404, "Image not found.")
    nova_fault(api.delete(f"{IMAGES}/{h.image_id(api.backend)}"), 403, "You are not allowed to delete the image.")


def test_metadata_calls(api):
    image = h.image_id(api.backend)
    url = f"{IMAGES}/{image}/metadata"
    listed = api.get(url)
    assert_valid(CLIENT, "image_metadata", "2.1", 200, listed.headers, listed.get_json())
    merged = api.post(url, user="admin", json={"metadata": {"os_distro": "cirros"}})
    assert merged.status_code == 200
    assert merged.get_json()["metadata"] == {"hw_rng_model": "virtio", "os_distro": "cirros"}
    item = api.get(f"{url}/os_distro")
    assert_valid(CLIENT, "image_meta_item", "2.1", 200, item.headers, item.get_json())
    assert item.get_json() == {"meta": {"os_distro": "cirros"}}
    assert api.put(f"{url}/os_distro", user="admin", json={"meta": {"os_distro": "x"}}).get_json() == {
        "meta": {"os_distro": "x"}}
    nova_fault(api.put(f"{url}/os_distro", user="admin", json={"meta": {"other": "x"}}), 400,
               "Request body and URI mismatch")
    assert api.delete(f"{url}/os_distro", user="admin").status_code == 204
    nova_fault(api.delete(f"{url}/os_distro", user="admin"), 404, "Invalid metadata key")
    replaced = api.put(url, user="admin", json={"metadata": {"only": "this"}})
    assert replaced.get_json() == {"metadata": {"only": "this"}}
    assert api.get(url).get_json() == {"metadata": {"only": "this"}}
    nova_fault(api.post(url, json={"metadata": {"k": "v"}}), 403, f"Not authorized for image {image}.")
    nova_fault(api.get(f"{IMAGES}/nope/metadata"), 404, "Image not found.")


def test_metadata_quota(api):
    project = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "admin")
    api.backend.store.quotas[project] = {"metadata_items": 1}
    url = f"{IMAGES}/{h.image_id(api.backend)}/metadata"
    nova_fault(api.post(url, user="admin", json={"metadata": {"k": "v"}}), 403, "Image metadata limit exceeded")


def test_openstacksdk_lists_images_through_compute(live):
    conn = live.sdk()
    names = sorted(image.name for image in conn.compute.images())
    assert names == ["cirros-0.6.2-x86_64-disk", "cirros-0.6.2-x86_64-disk-alt"]
