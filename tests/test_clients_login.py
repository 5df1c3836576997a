"""The real clients log in unchanged: the openstack CLI, openstacksdk and novaclient."""

from __future__ import annotations


def test_cli_token_issue(live):
    token = live.openstack("token", "issue", "-f", "json")
    project = next(p for p in live.backend.store.projects.values() if p["name"] == "demo")
    assert token["project_id"] == project["id"]
    assert token["id"] in live.backend.store.tokens


def test_cli_versions_show_lists_compute_range(live):
    versions = live.openstack("versions", "show", "-f", "json")
    compute = next(v for v in versions if v["Service Type"] == "compute" and v["Status"] == "CURRENT")
    assert compute["Min Microversion"] == "2.1"
    assert compute["Max Microversion"] == "2.104"
    assert compute["Endpoint"] == f"{live.url}/compute/v2.1/"
    assert {v["Service Type"] for v in versions} >= {"compute", "identity"}


def test_cli_wrong_password_fails_cleanly(live):
    env_user = "demo"
    result = live.openstack("--os-password", "wrong", "token", "issue", user=env_user, check=False)
    assert result.returncode != 0
    assert "401" in result.stderr or "authentication" in result.stderr.lower()


def test_sdk_connects_and_negotiates_latest_microversion(live):
    conn = live.sdk("demo")
    assert conn.current_project_id == next(
        p["id"] for p in live.backend.store.projects.values() if p["name"] == "demo")
    endpoint = conn.compute.get_endpoint()
    assert endpoint == f"{live.url}/compute/v2.1"
    assert conn.compute.get_endpoint_data().max_microversion.__str__() in ("(2, 104)", "2.104")


def test_novaclient_negotiates_2_latest(live):
    nova = live.novaclient("demo", "2.latest")
    # novaclient settles on the highest version both sides know; its own ceiling may be below 2.104.
    assert nova.api_version.get_string().startswith("2.")
    assert nova.api_version.ver_minor >= 90
    assert nova.versions.get_current().version == "2.104"
