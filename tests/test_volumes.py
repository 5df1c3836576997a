"""Cinder v3 subset at /volume: catalog, version discovery, volumes create/list/show/delete with Cinder's
bodies and errors, project scoping, microversion echo, export/import, and the real clients."""

from __future__ import annotations

import pytest

from fakenova.domain.volume import volume_types

V3 = "/volume/v3"


def _project(api, user: str = "demo") -> str:
    return api.get("/identity/v3/auth/projects", user=user).get_json()["projects"][0]["id"]


def _create(api, user: str = "demo", **volume) -> dict:
    volume.setdefault("size", 1)
    response = api.post(f"{V3}/{_project(api, user)}/volumes", user=user, json={"volume": volume})
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()["volume"]


def _fault(response) -> tuple[int, dict]:
    return response.status_code, response.get_json()


# --- catalog and discovery --------------------------------------------------------------------------

def test_catalog_lists_cinder_per_project(client):
    from tests.conftest import password_auth

    token = client.post("/identity/v3/auth/tokens", json=password_auth("demo"), base_url="http://h:1").get_json()
    project = token["token"]["project"]["id"]
    services = {entry["type"]: entry for entry in token["token"]["catalog"]}
    assert services["block-storage"]["name"] == "cinder" and services["volumev3"]["name"] == "cinderv3"
    for service_type in ("block-storage", "volumev3"):
        assert {e["url"] for e in services[service_type]["endpoints"]} == {f"http://h:1/volume/v3/{project}"}


def test_version_documents_are_public(api):
    root = api.get("/volume/", user=None)
    versioned = api.get(f"{V3}/", user=None)
    assert (root.status_code, versioned.status_code) == (300, 200)
    assert root.get_json() == versioned.get_json()
    (version,) = root.get_json()["versions"]
    assert version["id"] == "v3.0" and version["status"] == "CURRENT"
    assert (version["min_version"], version["version"]) == ("3.0", "3.71")
    assert {"rel": "self", "href": "http://localhost/volume/v3/"} in version["links"]


def test_a_token_is_needed(api):
    response = api.get(f"{V3}/{_project(api)}/volumes", user=None)
    assert response.status_code == 401


@pytest.mark.parametrize("header, echoed", [(None, "volume 3.0"), ("volume 3.59", "volume 3.59"),
                                            ("volume latest", "volume 3.71")])
def test_microversion_is_echoed(api, header, echoed):
    headers = {"OpenStack-API-Version": header} if header else {}
    response = api.get(f"{V3}/{_project(api)}/volumes", headers=headers)
    assert response.status_code == 200
    assert response.headers["OpenStack-API-Version"] == echoed


def test_microversion_out_of_range_is_406(api):
    response = api.get(f"{V3}/{_project(api)}/volumes", headers={"OpenStack-API-Version": "volume 3.72"})
    assert _fault(response) == (406, {"computeFault": {
        "code": 406, "message": "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71."}})


def test_another_projects_url_is_malformed(api):
    response = api.get(f"{V3}/{_project(api, 'alt_demo')}/volumes")
    assert _fault(response) == (400, {"badRequest": {"code": 400, "message": "Malformed request url"}})


# --- volumes ---------------------------------------------------------------------------------------

def test_create_answers_creating_then_show_is_available(api):
    created = _create(api, name=" data ", description="scratch", metadata={"k": "v"}, size="2")
    assert created["status"] == "creating"
    project = _project(api)
    shown = api.get(f"{V3}/{project}/volumes/{created['id']}").get_json()["volume"]
    # The create answer lacks what Cinder's controller extensions add on show and detail only.
    assert shown == dict(created, status="available", **{"os-vol-tenant-attr:tenant_id": project})
    assert "os-vol-tenant-attr:tenant_id" not in created
    assert shown["name"] == "data" and shown["size"] == 2 and shown["metadata"] == {"k": "v"}
    assert shown["bootable"] == "false" and shown["attachments"] == [] and shown["availability_zone"] == "nova"
    assert shown["volume_type"] == "__DEFAULT__" and shown["os-vol-tenant-attr:tenant_id"] == project
    assert shown["links"][0] == {"rel": "self", "href": f"http://localhost{V3}/{project}/volumes/{created['id']}"}
    assert "os-vol-host-attr:host" not in shown and "volume_type_id" not in shown


def test_newer_microversions_add_fields(api):
    volume = _create(api)
    response = api.get(f"{V3}/{_project(api)}/volumes/{volume['id']}", headers={"OpenStack-API-Version": "volume 3.71"})
    shown = response.get_json()["volume"]
    assert shown["group_id"] is None and shown["shared_targets"] is False and shown["consumes_quota"] is True
    assert shown["volume_type_id"] == volume_types.DEFAULT_TYPE_ID


def test_list_summary_detail_filters_and_paging(api):
    first, second = _create(api, name="one"), _create(api, name="two")
    project = _project(api)
    summary = api.get(f"{V3}/{project}/volumes").get_json()["volumes"]
    assert [v["id"] for v in summary] == [second["id"], first["id"]]  # newest first
    assert set(summary[0]) == {"id", "name", "links"}
    detail = api.get(f"{V3}/{project}/volumes/detail?name=one").get_json()["volumes"]
    assert [v["id"] for v in detail] == [first["id"]] and detail[0]["status"] == "available"
    assert api.get(f"{V3}/{project}/volumes?status=in-use").get_json() == {"volumes": []}
    paged = api.get(f"{V3}/{project}/volumes?limit=1").get_json()
    assert [v["id"] for v in paged["volumes"]] == [second["id"]]
    assert paged["volumes_links"][0]["rel"] == "next" and f"marker={second['id']}" in paged["volumes_links"][0]["href"]
    rest = api.get(f"{V3}/{project}/volumes?limit=1&marker={second['id']}").get_json()["volumes"]
    assert [v["id"] for v in rest] == [first["id"]]


def test_volumes_are_project_scoped(api):
    volume = _create(api)
    alt = _project(api, "alt_demo")
    assert api.get(f"{V3}/{alt}/volumes", user="alt_demo").get_json() == {"volumes": []}
    response = api.get(f"{V3}/{alt}/volumes/{volume['id']}", user="alt_demo")
    assert _fault(response) == (404, {"itemNotFound": {"code": 404,
                                                       "message": f"Volume {volume['id']} could not be found."}})


def test_reader_may_look_but_not_create(api):
    volume = _create(api)
    project = _project(api, "reader")
    assert api.get(f"{V3}/{project}/volumes/{volume['id']}", user="reader").status_code == 200
    response = api.post(f"{V3}/{project}/volumes", user="reader", json={"volume": {"size": 1}})
    assert _fault(response) == (403, {"forbidden": {"code": 403,
                                                    "message": "Policy doesn't allow volume:create to be performed."}})


@pytest.mark.parametrize("body, message", [
    ({"volume": {"size": "x"}}, "Invalid input for field/attribute size. Value: x. 'x' does not match '^[0-9]+$'"),
    ({"volume": {"size": 0}}, "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"),
    ({"volume": {}}, "Invalid input received: Volume size 'None' must be an integer and greater than 0"),
    ({"size": 1}, "'volume' is a required property"),
    ({"volume": {"size": 1, "availability_zone": "elsewhere"}},
     "Invalid input received: Availability zone 'elsewhere' is invalid."),
])
def test_create_errors(api, body, message):
    response = api.post(f"{V3}/{_project(api)}/volumes", json=body)
    assert _fault(response) == (400, {"badRequest": {"code": 400, "message": message}})


def test_unknown_volume_type_is_404(api):
    response = api.post(f"{V3}/{_project(api)}/volumes", json={"volume": {"size": 1, "volume_type": "gold"}})
    assert _fault(response) == (404, {"itemNotFound": {
        "code": 404, "message": "Volume type with name gold could not be found."}})


def test_delete_then_404(api):
    volume = _create(api)
    project = _project(api)
    response = api.delete(f"{V3}/{project}/volumes/{volume['id']}")
    assert (response.status_code, response.get_data()) == (202, b"")
    missing = api.delete(f"{V3}/{project}/volumes/{volume['id']}")
    assert _fault(missing) == (404, {"itemNotFound": {"code": 404,
                                                      "message": f"Volume {volume['id']} could not be found."}})


def test_state_export_import_round_trips_volumes(client, api):
    volume = _create(api, name="kept")
    headers = {"X-Fake-Token": api.backend.settings.control_token} if api.backend.settings.control_token else {}
    exported = client.get("/_fake/state", headers=headers).get_json()
    assert volume["id"] in exported["store"]["volumes"]
    api.delete(f"{V3}/{_project(api)}/volumes/{volume['id']}")
    assert client.put("/_fake/state", json=exported, headers=headers).status_code in (200, 204)
    assert api.get(f"{V3}/{_project(api)}/volumes/{volume['id']}").get_json()["volume"]["name"] == "kept"


def test_reset_forgets_volumes(api):
    volume = _create(api)
    api.backend.reset()
    api._tokens.clear()
    response = api.get(f"{V3}/{_project(api)}/volumes/{volume['id']}")
    assert response.status_code == 404


# --- real clients ------------------------------------------------------------------------------------

def test_cli_volume_create_list_show_delete(live):
    created = live.openstack("volume", "create", "--size", "1", "v1", "-f", "json")
    assert created["name"] == "v1" and created["size"] == 1
    shown = live.openstack("volume", "show", "v1", "-f", "json")
    assert shown["status"] == "available" and shown["id"] == created["id"]
    listed = live.openstack("volume", "list", "-f", "json")
    assert [(v["ID"], v["Name"], v["Status"]) for v in listed] == [(created["id"], "v1", "available")]
    live.openstack("volume", "delete", "v1")
    assert live.openstack("volume", "list", "-f", "json") == []


def test_sdk_block_storage_create_and_find(live):
    conn = live.sdk("demo")
    volume = conn.block_storage.create_volume(size=2, name="sdk-vol")
    assert conn.block_storage.get_volume(volume.id).status == "available"
    assert conn.block_storage.find_volume("sdk-vol").id == volume.id
    assert live.sdk("alt_demo").block_storage.find_volume(volume.id, ignore_missing=True) is None
    conn.block_storage.delete_volume(volume)
    assert conn.block_storage.find_volume("sdk-vol", ignore_missing=True) is None


# --- quotas and limits (reported, not enforced) --------------------------------------------------------

def test_limits_and_quota_usage_count_the_projects_volumes(api):
    _create(api, size=3)
    project = _project(api)
    absolute = api.get(f"{V3}/{project}/limits").get_json()["limits"]["absolute"]
    assert (absolute["maxTotalVolumes"], absolute["totalVolumesUsed"], absolute["totalGigabytesUsed"]) == (10, 1, 3)
    quota = api.get(f"{V3}/{project}/os-quota-sets/{project}?usage=True").get_json()["quota_set"]
    assert quota["id"] == project and quota["gigabytes"] == {"limit": 1000, "in_use": 3, "reserved": 0}
    assert api.get(f"{V3}/{project}/os-quota-sets/{project}/defaults").get_json()["quota_set"]["volumes"] == 10
    other = _project(api, "alt_demo")
    response = api.get(f"{V3}/{project}/os-quota-sets/{other}")
    assert _fault(response) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow volume_extension:quotas:show to be performed."}})


def test_cli_quota_and_limits_include_volumes(live):
    live.openstack("volume", "create", "--size", "4", "v1")
    quotas = {row["Resource"]: row["Limit"] for row in live.openstack("quota", "show", "--volume", "-f", "json")}
    assert quotas["volumes"] == 10 and quotas["gigabytes"] == 1000
    limits = {row["Name"]: row["Value"]
              for row in live.openstack("limits", "show", "--absolute", "-f", "json")}
    assert limits["total_gigabytes_used"] == 4 and limits["max_total_volumes"] == 10  # the SDK's names
