"""Keystone v3 subset: discovery, tokens (issue, validate, revoke, expire), projects, catalog."""

from __future__ import annotations

import pytest

from tests.conftest import password_auth

AUTH_BODY = {"error": {"code": 401, "title": "Unauthorized",
                       "message": "The request you have made requires authentication."}}


def test_discovery_lists_v3_with_multiple_choices(client):
    response = client.get("/identity", base_url="http://cloud.example:5000")
    assert response.status_code == 300
    (version,) = response.get_json()["versions"]["values"]
    assert version["status"] == "stable"
    assert version["links"][0]["href"] == "http://cloud.example:5000/identity/v3/"


def test_v3_document(client):
    response = client.get("/identity/v3")
    assert response.status_code == 200
    assert response.get_json()["version"]["id"].startswith("v3.")


def test_password_token_is_project_scoped_with_catalog(client):
    response = client.post("/identity/v3/auth/tokens", json=password_auth("demo"), base_url="http://h:1")
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert response.headers["X-Subject-Token"]
    assert token["project"]["name"] == "demo"
    assert token["user"]["domain"] == {"id": "default", "name": "Default"}
    assert token["expires_at"].endswith("Z")
    assert {role["name"] for role in token["roles"]} >= {"member"}
    types = {entry["type"]: entry for entry in token["catalog"]}
    assert set(types) == {"compute", "image", "network", "block-storage", "volumev3", "identity"}
    # Cinder's URL carries the token's project, as Keystone fills in $(project_id)s.
    assert types["block-storage"]["endpoints"][0]["url"] == f"http://h:1/volume/v3/{token['project']['id']}"
    compute = types["compute"]["endpoints"]
    assert {e["interface"] for e in compute} == {"public", "internal", "admin"}
    assert {e["region"] for e in compute} == {"RegionOne"}
    assert compute[0]["url"] == "http://h:1/compute/v2.1"
    assert not any("_fake" in e["url"] for entry in token["catalog"] for e in entry["endpoints"])


def test_admin_token_has_admin_role(client):
    token = client.post("/identity/v3/auth/tokens", json=password_auth("admin")).get_json()["token"]
    assert "admin" in {role["name"] for role in token["roles"]}


def test_user_by_id_and_project_by_id(client, backend):
    user_id = next(u["id"] for u in backend.store.users.values() if u["name"] == "alt_demo")
    project_id = next(p["id"] for p in backend.store.projects.values() if p["name"] == "alt_demo")
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": user_id, "password": "alt_demo"}}},
                     "scope": {"project": {"id": project_id}}}}
    response = client.post("/identity/v3/auth/tokens", json=body)
    assert response.status_code == 201
    assert response.get_json()["token"]["project"]["id"] == project_id


def test_unscoped_token_has_no_catalog(client):
    response = client.post("/identity/v3/auth/tokens", json=password_auth("demo", project=""))
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert "catalog" not in token and "project" not in token


def test_token_method_rescopes(client):
    unscoped = client.post("/identity/v3/auth/tokens", json=password_auth("demo", project="")).headers["X-Subject-Token"]
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": unscoped}},
                     "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}
    response = client.post("/identity/v3/auth/tokens", json=body)
    assert response.status_code == 201
    assert response.get_json()["token"]["methods"] == ["token"]


@pytest.mark.parametrize("body", [
    password_auth("demo", password="wrong"),
    password_auth("nobody"),
    password_auth("demo", project="alt_demo"),
])
def test_bad_credentials_or_scope_are_401_with_keystone_body(client, body):
    response = client.post("/identity/v3/auth/tokens", json=body, base_url="http://h:9")
    assert response.status_code == 401
    assert response.get_json() == AUTH_BODY
    assert response.headers["WWW-Authenticate"] == 'Keystone uri="http://h:9/identity"'


def test_malformed_token_request_is_400(client):
    response = client.post("/identity/v3/auth/tokens", data="{", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400


def test_validate_head_and_revoke(api):
    admin = api.token("admin")
    subject = api.token("demo")
    headers = {"X-Auth-Token": admin, "X-Subject-Token": subject}
    shown = api.client.get("/identity/v3/auth/tokens", headers=headers)
    assert shown.status_code == 200
    assert shown.get_json()["token"]["user"]["name"] == "demo"
    assert api.client.head("/identity/v3/auth/tokens", headers=headers).status_code == 200
    assert api.client.delete("/identity/v3/auth/tokens", headers=headers).status_code == 204
    assert api.client.get("/identity/v3/auth/tokens", headers=headers).status_code == 404
    # The revoked token no longer opens any service.
    response = api.client.get("/compute/v2.1/flavors", headers={"X-Auth-Token": subject})
    assert response.status_code == 401
    assert response.get_json() == AUTH_BODY


def test_missing_token_on_compute_is_401(client):
    response = client.get("/compute/v2.1/flavors")
    assert response.status_code == 401
    assert response.get_json() == AUTH_BODY
    assert response.headers["WWW-Authenticate"].startswith('Keystone uri="')


def test_token_expires_on_the_fake_clock(api):
    token = api.token("demo")
    assert api.get("/identity/v3/auth/projects").status_code == 200
    api.backend.clock.advance(3599)
    assert api.get("/identity/v3/auth/projects").status_code == 200
    api.backend.clock.advance(2)
    response = api.client.get("/compute/v2.1/flavors", headers={"X-Auth-Token": token})
    assert response.status_code == 401
    assert api.client.get("/identity/v3/auth/projects", headers={"X-Auth-Token": token}).status_code == 401


def test_token_ttl_is_configurable(client, backend):
    backend.settings.token_ttl = 60
    token = client.post("/identity/v3/auth/tokens", json=password_auth("demo")).headers["X-Subject-Token"]
    backend.clock.advance(61)
    assert client.get("/identity/v3/auth/projects", headers={"X-Auth-Token": token}).status_code == 401


def test_auth_projects(api):
    response = api.get("/identity/v3/auth/projects", user="admin")
    assert response.status_code == 200
    assert [p["name"] for p in response.get_json()["projects"]] == ["admin"]


def test_admin_lists_projects_by_name(api):
    response = api.get("/identity/v3/projects?name=demo", user="admin")
    assert response.status_code == 200
    assert [p["name"] for p in response.get_json()["projects"]] == ["demo"]


def test_member_cannot_list_projects(api):
    response = api.get("/identity/v3/projects", user="demo")
    assert response.status_code == 403
    assert response.get_json() == {"error": {"code": 403, "title": "Forbidden", "message":
        "You are not authorized to perform the requested action: identity:list_projects."}}


def test_show_project_own_or_admin(api, backend):
    demo = next(p["id"] for p in backend.store.projects.values() if p["name"] == "demo")
    alt = next(p["id"] for p in backend.store.projects.values() if p["name"] == "alt_demo")
    assert api.get(f"/identity/v3/projects/{demo}").get_json()["project"]["name"] == "demo"
    assert api.get(f"/identity/v3/projects/{alt}").status_code == 403
    assert api.get(f"/identity/v3/projects/{alt}", user="admin").status_code == 200
    missing = api.get("/identity/v3/projects/nope", user="admin")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["message"] == "Could not find project: nope."


def test_cli_admin_sets_a_quota_by_project_name(live):
    live.openstack("quota", "set", "--instances", "7", "demo", user="admin")
    shown = live.openstack("quota", "show", "--compute", "demo", "-f", "json", user="admin")
    instances = shown["instances"] if isinstance(shown, dict) else next(
        row["Limit"] for row in shown if row["Resource"] == "instances")
    assert int(instances) == 7
