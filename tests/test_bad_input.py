"""Bad input of each kind gets the right code and the service's own error body, never a 500."""

from __future__ import annotations

import pytest

NOT_FOUND = {"itemNotFound": {"code": 404, "message": "The resource could not be found."}}
MALFORMED = {"badRequest": {"code": 400, "message": "Malformed request body"}}
BAD_METHOD = {"badMethod": {"code": 405, "message": "The method specified is not allowed for this resource."}}


def _post_keypair(api, data, content_type="application/json", **kwargs):
    return api.post("/compute/v2.1/os-keypairs", data=data, headers={"Content-Type": content_type}, **kwargs)


@pytest.mark.parametrize("data", ['{"keypair": ', "not json", b"\xff\xfe\x00", '{"a": 1}{"b": 2}'])
def test_malformed_json_is_400(api, data):
    response = _post_keypair(api, data, version="2.50")
    assert response.status_code == 400
    assert response.get_json() == MALFORMED
    # Versioned faults still carry the negotiated version.
    assert response.headers["OpenStack-API-Version"] == "compute 2.50"


@pytest.mark.parametrize("content_type", ["application/xml", "application/x-www-form-urlencoded", "image/png"])
def test_unsupported_content_type_is_415(api, content_type):
    response = _post_keypair(api, '{"keypair": {"name": "k"}}', content_type)
    assert response.status_code == 415
    assert response.get_json() == {"badMediaType": {"code": 415, "message": "Unsupported Content-Type"}}


def test_text_plain_is_read_as_json_like_nova(api):
    response = _post_keypair(api, '{"keypair": {"name": "k"}}', "text/plain")
    assert response.status_code == 200
    assert response.get_json()["keypair"]["name"] == "k"


def test_empty_body_is_validated_as_none(api):
    response = api.post("/compute/v2.1/os-keypairs")
    assert response.status_code == 400
    assert response.get_json() == {"badRequest": {"code": 400, "message": "None is not of type 'object'"}}


def test_body_of_the_wrong_json_type(api):
    response = api.post("/compute/v2.1/os-keypairs", json=["keypair"])
    assert response.status_code == 400
    assert response.get_json() == {"badRequest": {"code": 400, "message": "['keypair'] is not of type 'object'"}}


def test_oversized_body_is_413(api):
    huge = '{"keypair": {"name": "' + "a" * 200_000 + '"}}'
    response = _post_keypair(api, huge)
    assert response.status_code == 413
    assert response.get_json() == {"overLimit": {"code": 413, "message": "Request is too large."}}


def test_body_limit_is_a_setting(api):
    token = api.token("demo")
    api.backend.settings.max_body_size = 256
    # The app reads the limit once at creation; a new app honours the new value.
    from fakenova import create_app

    small = create_app(backend=api.backend).test_client()
    response = small.post("/compute/v2.1/os-keypairs", json={"keypair": {"name": "k" * 300}},
                          headers={"X-Auth-Token": token})
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/compute/v2.1/no-such-thing", "/compute/v2.1/flavors/1/nothing",
                                  "/compute/v3/servers", "/compute/v2.1/os-keypairs/a/b/c"])
def test_unknown_compute_route_is_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND


def test_unknown_route_without_token_is_401_first(client):
    response = client.get("/compute/v2.1/no-such-thing")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == 401


@pytest.mark.parametrize("method, path", [
    ("DELETE", "/compute/v2.1/flavors"),
    ("PUT", "/compute/v2.1/os-keypairs"),
    ("PATCH", "/compute/v2.1/servers"),
    ("POST", "/compute/v2.1/limits"),
])
def test_wrong_method_is_405(api, method, path):
    response = api.request(method, path)
    assert response.status_code == 405
    assert response.get_json() == BAD_METHOD
    assert response.headers["Allow"]


def test_unknown_top_level_path(api):
    response = api.get("/nowhere", user=None)
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND


def test_identity_errors_use_keystone_shape(client):
    response = client.post("/identity/v3/auth/tokens", data="{", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": {"code": 400, "title": "Bad Request",
                                             "message": "The request body is not valid JSON."}}
    missing = client.get("/identity/v3/nothing")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": {"code": 404, "title": "Not Found",
                                            "message": "The resource could not be found."}}


def test_network_errors_use_neutron_shape(api):
    response = api.get("/networking/v2.0/networks/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert set(response.get_json()["NeutronError"]) == {"type", "message", "detail"}


def test_image_errors_are_plain_text(api):
    response = api.get("/image/v2/images/nope")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "No image found with ID nope" in response.get_data(as_text=True)


@pytest.mark.parametrize("header", [
    {"X-Auth-Token": "garbage"},
    {"X-Auth-Token": ""},
    {"X-Auth-Token": "x" * 10_000},
])
def test_bad_tokens_are_401_everywhere(client, header):
    for path in ("/compute/v2.1/servers", "/image/v2/images", "/networking/v2.0/networks",
                 "/identity/v3/auth/projects"):
        response = client.get(path, headers=header)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Keystone uri=")
