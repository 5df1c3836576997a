"""The request log (``fakenova.requests``, one INFO line per request) says why an answer is what it is
where the service's own answer must not: Keystone answers every refused login and token with the
same 401 body, and Nova serves 2.1 when OpenStack-API-Version names another service."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import BIN, password_auth

KEYSTONE_401 = {"error": {"code": 401, "title": "Unauthorized",
                          "message": "The request you have made requires authentication."}}


def request_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "fakenova.requests"]


@pytest.fixture
def log(caplog):
    caplog.set_level("INFO", logger="fakenova.requests")
    return caplog


@pytest.mark.parametrize("user, password, scope, hint", [
    ("demo", "wrong", None, "wrong password for user 'demo'"),
    ("nobody", "x", None, "no user 'nobody' in that domain"),
    ("demo", "demo", "admin", "user 'demo' has no role on project 'admin'"),
    ("demo", "demo", "nowhere", "no project 'nowhere' to scope to"),
])
def test_a_refused_login_keeps_keystones_body_and_logs_why(client, log, user, password, scope, hint):
    response = client.post("/identity/v3/auth/tokens", json=password_auth(user, password, scope))
    assert (response.status_code, response.get_json()) == (401, KEYSTONE_401)
    [line] = request_lines(log)
    assert line.startswith("POST /identity/v3/auth/tokens 401 ") and line.endswith(f"ms; {hint}")


def test_an_expired_token_and_a_wrong_password_look_alike_but_log_differently(api, log):
    token = api.token("demo")
    api.backend.clock.freeze()
    issued = api.backend.store.tokens[token]
    api.backend.clock.advance(api.backend.settings.token_ttl)
    log.clear()
    expired = api.get("/compute/v2.1/flavors")
    wrong = api.client.post("/identity/v3/auth/tokens", json=password_auth("demo", "wrong"))
    assert expired.status_code == wrong.status_code == 401
    assert expired.get_json() == wrong.get_json() == KEYSTONE_401
    from fakenova.clock import isotime

    stamp = isotime(issued["expires_at"])
    expired_line, wrong_line = request_lines(log)
    assert expired_line.endswith(f"; token expired at {stamp} (fake clock: {stamp})")
    assert wrong_line.endswith("; wrong password for user 'demo'")


def test_a_revoked_and_an_unknown_token(api, log):
    token = api.token("demo")
    api.client.delete("/identity/v3/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": token})
    log.clear()
    assert api.get("/compute/v2.1/flavors").status_code == 401
    assert api.get("/compute/v2.1/flavors", headers={"X-Auth-Token": "made-up"}).status_code == 401
    assert [line.split("; ", 1)[1] for line in request_lines(log)] == [
        "token revoked", "unknown token (not issued by this fake since its last start, reset or state import)"]


def test_a_version_header_naming_another_service_is_served_at_2_1_and_logged(api, log):
    api.token("demo")
    log.clear()
    response = api.get("/compute/v2.1/flavors", headers={"OpenStack-API-Version": "copmute 2.90"})
    assert response.status_code == 200
    assert response.headers["OpenStack-API-Version"] == "compute 2.1"  # as Nova does
    [line] = request_lines(log)
    assert line.endswith("; OpenStack-API-Version: 'copmute 2.90' names copmute, not compute: served at 2.1")


@pytest.mark.parametrize("headers", [
    {"OpenStack-API-Version": "compute 2.90"},
    {"OpenStack-API-Version": "volume 3.0, compute 2.90"},
    {"OpenStack-API-Version": "copmute 2.90", "X-OpenStack-Nova-API-Version": "2.90"},
])
def test_a_header_that_names_compute_has_no_hint(api, log, headers):
    api.token("demo")
    log.clear()
    response = api.get("/compute/v2.1/flavors", headers=headers)
    assert response.headers["OpenStack-API-Version"] == "compute 2.90"
    [line] = request_lines(log)
    assert "; " not in line


def test_the_openstack_cli_with_a_wrong_password(live, log):
    env = live.env("demo")
    env["OS_PASSWORD"] = "not-the-password"
    result = subprocess.run([str(BIN / "openstack"), "token", "issue"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "The request you have made requires authentication." in result.stderr
    assert any(line.startswith("POST /identity/v3/auth/tokens 401 ") and
               line.endswith("; wrong password for user 'demo'") for line in request_lines(log))
