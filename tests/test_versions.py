"""Compute version documents and microversion negotiation."""

from __future__ import annotations

import pytest

from tests.tempest_schemas import assert_valid


def test_versions_index_links_follow_request_host(client):
    response = client.get("/compute/", base_url="http://nova.example:8774")
    assert response.status_code == 200
    body = response.get_json()
    current = next(v for v in body["versions"] if v["id"] == "v2.1")
    assert current["version"] == "2.104" and current["min_version"] == "2.1"
    assert current["links"] == [{"rel": "self", "href": "http://nova.example:8774/compute/v2.1/"}]
    assert_valid("versions_client.VersionsClient", "list_versions", "2.1", 200, response.headers, body)


@pytest.mark.parametrize("path", ["/compute/v2.1", "/compute/v2.1/"])
def test_v21_document_needs_no_token(client, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"]["media-types"][0]["type"] == "application/vnd.openstack.compute+json;version=2.1"
    assert_valid("versions_client.VersionsClient", "get_one_version", "2.1", 200, response.headers, body)


@pytest.mark.parametrize("path", ["/compute/v2", "/compute/v2/"])
def test_legacy_v2_endpoint_serves_the_v20_document(client, path):
    """Nova's /v2 pipeline (etc/nova/api-paste.ini) answers VersionsController.show with id v2.0 for a
    legacy request (nova/api/openstack/compute/versionsV21.py); the index links it, Tempest follows."""
    response = client.get(path, base_url="http://nova.example:8774")
    assert response.status_code == 200
    version = response.get_json()["version"]
    assert version["id"] == "v2.0" and version["status"] == "DEPRECATED"
    assert version["version"] == "" and version["min_version"] == ""
    assert version["links"][0] == {"rel": "self", "href": "http://nova.example:8774/compute/v2/"}
    assert version["media-types"][0]["type"] == "application/vnd.openstack.compute+json;version=2"
    assert_valid("versions_client.VersionsClient", "get_one_version", "2.1", 200, response.headers,
                 response.get_json())
    listed = client.get("/compute/", base_url="http://nova.example:8774").get_json()["versions"]
    assert [v["links"] for v in listed if v["id"] == "v2.0"] == [[version["links"][0]]]


@pytest.mark.parametrize("headers, expected", [
    ({}, "2.1"),
    ({"OpenStack-API-Version": "compute 2.19"}, "2.19"),
    ({"X-OpenStack-Nova-API-Version": "2.30"}, "2.30"),
    ({"OpenStack-API-Version": "compute 2.60", "X-OpenStack-Nova-API-Version": "2.30"}, "2.60"),
    ({"OpenStack-API-Version": "compute latest"}, "2.104"),
    ({"OpenStack-API-Version": "image 2.5"}, "2.1"),
])
def test_negotiated_version_is_echoed_with_vary(api, headers, expected):
    response = api.get("/compute/v2.1/", headers=headers)
    assert response.status_code == 200
    assert response.headers["OpenStack-API-Version"] == f"compute {expected}"
    assert response.headers["X-OpenStack-Nova-API-Version"] == expected
    assert set(response.headers.getlist("Vary")) == {"OpenStack-API-Version", "X-OpenStack-Nova-API-Version"}
    assert response.headers["X-OpenStack-Request-ID"].startswith("req-")
    assert response.headers["X-Compute-Request-ID"] == response.headers["X-OpenStack-Request-ID"]


def test_version_headers_are_on_errors_too(api):
    response = api.get("/compute/v2.1/no-such-thing", version="2.50")
    assert response.status_code == 404
    assert response.get_json() == {"itemNotFound": {"code": 404, "message": (
        "The resource could not be found. fakenova does not model GET /compute/v2.1/no-such-thing.")}}
    assert response.headers["OpenStack-API-Version"] == "compute 2.50"
    assert response.headers["X-OpenStack-Nova-API-Version"] == "2.50"


@pytest.mark.parametrize("value", ["2", "2.x", "02.1", "2.01", "abc", "2.1.1"])
def test_malformed_version_is_400(api, value):
    response = api.get("/compute/v2.1/flavors", headers={"OpenStack-API-Version": f"compute {value}"})
    assert response.status_code == 400
    assert response.get_json() == {"badRequest": {"code": 400, "message":
        f"API Version String {value} is of invalid format. Must be of format MajorNum.MinorNum."}}


@pytest.mark.parametrize("value", ["2.105", "2.0", "3.0", "1.1"])
def test_out_of_range_version_is_406(api, value):
    response = api.get("/compute/v2.1/flavors", headers={"X-OpenStack-Nova-API-Version": value})
    assert response.status_code == 406
    assert response.get_json() == {"computeFault": {"code": 406, "message":
        f"Version {value} is not supported by the API. Minimum is 2.1 and maximum is 2.104."}}
