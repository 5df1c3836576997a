"""Remote consoles: POST /servers/{id}/remote-consoles (2.6+), the os-get*Console actions (2.1-2.5)
and GET /os-console-auth-tokens/{token}, through HTTP and the real clients.

The fake host is devstack's: noVNC on, SPICE and serial off unless the ``consoles`` setting enables
them (fakenova/domain/compute/remote_consoles.py). Tokens come from the seeded id generator and live 600 s on
the fake clock.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from openstack.exceptions import NotFoundException

from fakenova import create_app
from fakenova.backend import Backend
from fakenova.config import ConfigError, Settings
from fakenova.pytest_plugin import instant_durations
from tests.conftest import Api
from tests.server_helpers import CLIENT, SERVERS, create, fault, image_id, network_id
from tests.tempest_schemas import assert_valid

TOKENS = "/compute/v2.1/os-console-auth-tokens"
BARE_400 = "The server could not comply with the request since it is either malformed or otherwise incorrect."
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@pytest.fixture
def settings() -> Settings:
    return Settings(durations=instant_durations())


def _all_consoles_api() -> Api:
    backend = Backend(Settings(durations=instant_durations(), consoles=["vnc", "spice", "serial"]))
    return Api(create_app(backend=backend).test_client(), backend)


def _remote(api, server_id: str, protocol: str, console_type: str, *, version: str = "2.6", user: str = "demo"):
    return api.post(f"{SERVERS}/{server_id}/remote-consoles", version=version, user=user,
                    json={"remote_console": {"protocol": protocol, "type": console_type}})


def _console_url(api, server_id: str, protocol: str, console_type: str, version: str = "2.6") -> str:
    response = _remote(api, server_id, protocol, console_type, version=version)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(CLIENT, "get_remote_consoles", version, 200, response.headers, response.get_json())
    body = response.get_json()["remote_console"]
    assert (body["protocol"], body["type"]) == (protocol, console_type)
    return body["url"]


def _token(url: str) -> str:
    """The token in a console URL: noVNC's path=?token=..., every other proxy's ?token=..."""
    query = parse_qs(urlsplit(url).query)
    if "path" in query:
        return parse_qs(urlsplit(query["path"][0]).query)["token"][0]
    return query["token"][0]


def _show_token(api, token: str, version: str = "2.31", user: str = "admin"):
    return api.get(f"{TOKENS}/{token}", user=user, version=version)


def _bad(message: str) -> tuple[int, dict]:
    return 400, {"badRequest": {"code": 400, "message": message}}


def _conflict(message: str) -> tuple[int, dict]:
    return 409, {"conflictingRequest": {"code": 409, "message": message}}


def _token_not_found() -> tuple[int, dict]:
    return 404, {"itemNotFound": {"code": 404, "message": "Token not found"}}


# --- POST /servers/{id}/remote-consoles -----------------------------------------------------------

def test_novnc_url_carries_a_token_that_shows_the_connection(api):
    server = create(api)
    url = _console_url(api, server["id"], "vnc", "novnc")
    # Nova puts the token inside noVNC's "path" parameter; the proxy is devstack's, on the API's host.
    assert url.startswith("http://localhost:6080/vnc_lite.html?path=%3Ftoken%3D")
    token = _token(url)
    assert url == f"http://localhost:6080/vnc_lite.html?path=%3Ftoken%3D{token}"
    response = _show_token(api, token)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(CLIENT, "console_auth_tokens", "2.99", 200, response.headers, response.get_json())
    assert response.get_json() == {"console": {"instance_uuid": server["id"], "host": "127.0.0.1", "port": 5900,
                                               "internal_access_path": None}}
    # 2.99 adds tls_port, for spice-direct tokens only.
    latest = _show_token(api, token, version="2.99")
    assert_valid(CLIENT, "console_auth_tokens", "2.99", 200, latest.headers, latest.get_json())
    assert latest.get_json() == response.get_json()


def test_tokens_are_seeded_so_the_same_requests_give_the_same_url(api):
    first = _console_url(api, create(api)["id"], "vnc", "novnc")
    backend = Backend(Settings(durations=instant_durations()))
    replay = Api(create_app(backend=backend).test_client(), backend)
    assert _console_url(replay, create(replay)["id"], "vnc", "novnc") == first
    # A second console of the same server gets a token of its own.
    server_id = next(iter(api.backend.store.servers))
    assert _token(_console_url(api, server_id, "vnc", "novnc")) != _token(first)


def test_each_guest_on_the_host_has_its_own_vnc_port(api):
    first, second = create(api, name="one"), create(api, name="two")
    ports = []
    for server in (first, second):
        shown = _show_token(api, _token(_console_url(api, server["id"], "vnc", "novnc")))
        ports.append(shown.get_json()["console"]["port"])
    assert ports == [5900, 5901]


def test_vnc_accepts_only_novnc(api):
    server = create(api)
    # The schema lets xvpvnc (XenServer's) and other protocols' types through; nova-compute refuses them.
    assert fault(_remote(api, server["id"], "vnc", "xvpvnc")) == _bad("Invalid console type xvpvnc")
    assert fault(_remote(api, server["id"], "vnc", "spice-html5")) == _bad("Invalid console type spice-html5")


def test_disabled_consoles_are_unavailable_as_on_devstack(api):
    server = create(api)
    assert fault(_remote(api, server["id"], "spice", "spice-html5")) == _bad("Unavailable console type spice-html5.")
    assert fault(_remote(api, server["id"], "serial", "serial")) == _bad("Unavailable console type serial.")
    assert fault(_remote(api, server["id"], "mks", "webmks", version="2.8")) == _bad(
        "Unavailable console type webmks.")
    # RDP went with Hyper-V: the controller raises a bare HTTPBadRequest, so webob's text answers.
    assert fault(_remote(api, server["id"], "rdp", "rdp-html5")) == _bad(BARE_400)


def test_schema_per_microversion(api):
    server = create(api)
    assert fault(_remote(api, server["id"], "mks", "webmks")) == _bad(
        "Invalid input for field/attribute protocol. Value: mks. 'mks' is not one of "
        "['vnc', 'spice', 'serial', 'rdp']")
    assert fault(_remote(api, server["id"], "spice", "spice-direct", version="2.98")) == _bad(
        "Invalid input for field/attribute type. Value: spice-direct. 'spice-direct' is not one of "
        "['novnc', 'xvpvnc', 'spice-html5', 'serial', 'rdp-html5', 'webmks']")
    missing = api.post(f"{SERVERS}/{server['id']}/remote-consoles", version="2.6",
                       json={"remote_console": {"protocol": "vnc"}})
    assert fault(missing) == _bad("Invalid input for field/attribute remote_console. Value: {'protocol': 'vnc'}. "
                                  "'type' is a required property")


def test_route_exists_from_2_6(api):
    server = create(api)
    assert fault(_remote(api, server["id"], "vnc", "novnc", version="2.5")) == (
        404, {"itemNotFound": {"code": 404, "message": "The resource could not be found."}})


def test_unknown_and_other_projects_servers_are_404(api):
    missing = "00000000-0000-4000-8000-000000000000"
    assert fault(_remote(api, missing, "vnc", "novnc")) == (
        404, {"itemNotFound": {"code": 404, "message": f"Instance {missing} could not be found."}})
    server = create(api)
    assert fault(_remote(api, server["id"], "vnc", "novnc", user="alt_demo")) == (
        404, {"itemNotFound": {"code": 404, "message": f"Instance {server['id']} could not be found."}})


def test_a_building_server_is_not_ready(api, monkeypatch):
    monkeypatch.setitem(api.backend.settings.durations, "build", 10)
    api.backend.clock.freeze()
    server = create(api)
    message = f"Instance {server['id']} is not ready"
    assert fault(_remote(api, server["id"], "vnc", "novnc")) == _conflict(message)  # not scheduled: no host
    api.backend.clock.advance(5)  # on its host, but libvirt has no domain yet
    assert fault(_remote(api, server["id"], "vnc", "novnc")) == _conflict(message)
    assert api.backend.store.servers[server["id"]]["host"] == "compute1"
    api.backend.clock.advance(5)
    _console_url(api, server["id"], "vnc", "novnc")


def test_a_stopped_server_still_has_a_console_url(api):
    # libvirt keeps the domain's graphics device while it is shut off; the proxy just cannot connect.
    server = create(api)
    assert api.post(f"{SERVERS}/{server['id']}/action", json={"os-stop": None}).status_code == 202
    _console_url(api, server["id"], "vnc", "novnc")


def test_an_offloaded_server_has_no_host(api):
    server = create(api)
    assert api.post(f"{SERVERS}/{server['id']}/action", json={"shelve": None}).status_code == 202
    assert fault(_remote(api, server["id"], "vnc", "novnc")) == _conflict(f"Instance {server['id']} is not ready")


def test_a_server_being_deleted_is_refused(api, monkeypatch):
    monkeypatch.setitem(api.backend.settings.durations, "delete", 10)
    api.backend.clock.freeze()
    server = create(api)
    assert api.delete(f"{SERVERS}/{server['id']}").status_code == 204
    assert fault(_remote(api, server["id"], "vnc", "novnc")) == _conflict(
        f"Cannot 'get_vnc_console' instance {server['id']} while it is in task_state deleting")


def test_spice_and_serial_when_enabled():
    api = _all_consoles_api()
    server = create(api)
    spice = _console_url(api, server["id"], "spice", "spice-html5")
    assert spice == f"http://localhost:6081/spice_auto.html?token={_token(spice)}"
    serial = _console_url(api, server["id"], "serial", "serial")
    assert serial == f"ws://localhost:6082/?token={_token(serial)}"
    assert _show_token(api, _token(serial)).get_json() == {"console": {
        "instance_uuid": server["id"], "host": "127.0.0.1", "port": 10000, "internal_access_path": None}}
    # SPICE still checks its type; serial takes whatever type it is given, as nova-compute does.
    assert fault(_remote(api, server["id"], "spice", "novnc")) == _bad("Invalid console type novnc")


def test_spice_direct_from_2_99_shows_its_tls_port():
    api = _all_consoles_api()
    server = create(api)
    url = _console_url(api, server["id"], "spice", "spice-direct", version="2.99")
    assert url == f"http://localhost:13002/nova?token={_token(url)}"
    latest = _show_token(api, _token(url), version="2.99")
    assert_valid(CLIENT, "console_auth_tokens", "2.99", 200, latest.headers, latest.get_json())
    assert latest.get_json() == {"console": {"instance_uuid": server["id"], "host": "127.0.0.1", "port": 5900,
                                             "internal_access_path": None, "tls_port": None}}
    assert "tls_port" not in _show_token(api, _token(url), version="2.98").get_json()["console"]


def test_unknown_console_protocol_setting_fails_at_start():
    with pytest.raises(ConfigError, match="consoles: unknown console protocol 'rdp'"):
        Backend(Settings(consoles=["vnc", "rdp"]))


# --- GET /os-console-auth-tokens/{token} ------------------------------------------------------------

def test_token_expires_after_600_seconds_on_the_fake_clock(api):
    api.backend.clock.freeze()
    token = _token(_console_url(api, create(api)["id"], "vnc", "novnc"))
    api.backend.clock.advance(599)
    assert _show_token(api, token).status_code == 200
    api.backend.clock.advance(1)
    assert fault(_show_token(api, token)) == _token_not_found()


def test_token_dies_with_its_server(api):
    server = create(api)
    token = _token(_console_url(api, server["id"], "vnc", "novnc"))
    assert api.delete(f"{SERVERS}/{server['id']}").status_code == 204
    assert fault(_show_token(api, token)) == _token_not_found()


def test_unknown_token_and_old_microversions(api):
    assert fault(_show_token(api, "nonsense")) == _token_not_found()
    token = _token(_console_url(api, create(api)["id"], "vnc", "novnc"))
    # Below 2.31 only rdp-html5 tokens could be shown, and RDP is gone: a bare 400, before the policy.
    assert fault(_show_token(api, token, version="2.30")) == _bad(BARE_400)
    assert fault(_show_token(api, token, version="2.30", user="demo")) == _bad(BARE_400)
    assert fault(_show_token(api, token, user="demo")) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-console-auth-tokens to be performed."}})
    # 2.99 forbids query parameters; before, they are ignored.
    assert _show_token(api, token + "?x=1").status_code == 200
    assert fault(_show_token(api, token + "?x=1", version="2.99")) == _bad(
        "Additional properties are not allowed ('x' was unexpected)")


# --- the actions of 2.1-2.5 ---------------------------------------------------------------------------

def _action(api, server_id: str, body: dict, version: str = "2.1", user: str = "demo"):
    return api.post(f"{SERVERS}/{server_id}/action", json=body, version=version, user=user)


def test_legacy_vnc_action_until_2_5(api):
    server = create(api)
    response = _action(api, server["id"], {"os-getVNCConsole": {"type": "novnc"}}, version="2.5")
    assert response.status_code == 200, response.get_data(as_text=True)
    # Tempest checks the action with its 2.1 module at every microversion.
    assert_valid(CLIENT, "get_vnc_console", "2.1", 200, response.headers, response.get_json())
    url = response.get_json()["console"]["url"]
    assert response.get_json() == {"console": {"type": "novnc", "url": url}}
    assert _show_token(api, _token(url)).get_json()["console"]["instance_uuid"] == server["id"]
    gone = (404, {"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
    for name, console_type in (("os-getVNCConsole", "novnc"), ("os-getSPICEConsole", "spice-html5"),
                               ("os-getSerialConsole", "serial"), ("os-getRDPConsole", "rdp-html5")):
        assert fault(_action(api, server["id"], {name: {"type": console_type}}, version="2.6")) == gone


def test_legacy_actions_answer_like_nova(api):
    server = create(api)
    assert fault(_action(api, server["id"], {"os-getSPICEConsole": {"type": "spice-html5"}})) == _bad(
        "Unavailable console type spice-html5.")
    assert fault(_action(api, server["id"], {"os-getSerialConsole": {"type": "serial"}})) == _bad(
        "Unavailable console type serial.")
    assert fault(_action(api, server["id"], {"os-getRDPConsole": {"type": "rdp-html5"}})) == _bad(BARE_400)
    assert fault(_action(api, server["id"], {"os-getVNCConsole": {"type": "xvpvnc"}})) == _bad(
        "Invalid console type xvpvnc")
    assert fault(_action(api, server["id"], {"os-getVNCConsole": {}})) == _bad(
        "Invalid input for field/attribute os-getVNCConsole. Value: {}. 'type' is a required property")
    # The legacy actions check the policy before they look the server up: a reader hears 403 even
    # for a server that does not exist.
    missing = "00000000-0000-4000-8000-000000000000"
    assert fault(_action(api, missing, {"os-getVNCConsole": {"type": "novnc"}}, user="reader")) == (403, {
        "forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:os-remote-consoles to be performed."}})
    assert fault(_remote(api, missing, "vnc", "novnc", user="reader")) == (
        404, {"itemNotFound": {"code": 404, "message": f"Instance {missing} could not be found."}})


def test_console_requests_are_not_instance_actions(api):
    server = create(api)
    before = api.get(f"{SERVERS}/{server['id']}/os-instance-actions").get_json()["instanceActions"]
    _console_url(api, server["id"], "vnc", "novnc")
    assert _action(api, server["id"], {"os-getVNCConsole": {"type": "novnc"}}).status_code == 200
    after = api.get(f"{SERVERS}/{server['id']}/os-instance-actions").get_json()["instanceActions"]
    assert [a["action"] for a in after] == [a["action"] for a in before] == ["create"]


# --- real clients ---------------------------------------------------------------------------------------

def _live_server(live) -> str:
    server = live.sdk("demo").compute.create_server(name="console", image_id=image_id(live.backend), flavor_id="1",
                                                    networks=[{"uuid": network_id(live.backend)}])
    return server.id


def test_openstack_cli_console_url_show(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    server_id = _live_server(live)
    shown = live.openstack("console", "url", "show", server_id, "-f", "json")
    host = urlsplit(live.url).hostname
    assert shown["protocol"] == "vnc" and shown["type"] == "novnc"
    assert shown["url"] == f"http://{host}:6080/vnc_lite.html?path=%3Ftoken%3D{_token(shown['url'])}"
    refused = live.openstack("console", "url", "show", "--spice", server_id, check=False)
    assert refused.returncode == 1
    assert "Unavailable console type spice-html5." in refused.stderr
    monkeypatch.setattr(live.backend.settings, "consoles", ["vnc", "serial"])
    serial = live.openstack("console", "url", "show", "--serial", server_id, "-f", "json")
    assert serial["url"] == f"ws://{host}:6082/?token={_token(serial['url'])}"


def test_novaclient_consoles(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    server_id = _live_server(live)
    legacy = live.novaclient("demo", "2.1").servers.get_vnc_console(server_id, "novnc")
    assert legacy["console"]["type"] == "novnc"
    modern = live.novaclient("demo", "2.6").servers.get_console_url(server_id, "novnc")
    assert modern["remote_console"]["protocol"] == "vnc"
    assert _token(modern["remote_console"]["url"]) != _token(legacy["console"]["url"])


def test_openstacksdk_consoles_and_token_lookup(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    server_id = _live_server(live)
    demo = live.sdk("demo")
    console = demo.compute.create_server_remote_console(server_id, protocol="vnc", type="novnc")
    assert (console.protocol, console.type) == ("vnc", "novnc")
    # The SDK sends the action at its own highest microversion, where Nova removed it: 404, as from Nova.
    with pytest.raises(NotFoundException, match="The resource could not be found."):
        demo.compute.get_server_console_url(server_id, "novnc")
    details = live.sdk("admin").compute.validate_console_auth_token(_token(console.url))
    assert (details.instance_uuid, details.host, details.port) == (server_id, "127.0.0.1", 5900)
