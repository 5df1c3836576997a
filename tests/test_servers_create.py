"""POST /servers: what Nova accepts, what it refuses (with its texts), and what the real clients do."""

from __future__ import annotations

import base64

import pytest

from fakenova.microversion import APIVersion
from tests.server_helpers import CLIENT, IMAGE_NAME, SERVERS, create, image_id, network_id, show
from tests.tempest_schemas import assert_valid


def _post(api, server: dict, *, version="2.37", user="demo", **top):
    base = {"name": "vm", "imageRef": image_id(api.backend), "flavorRef": "1"}
    if APIVersion.parse(version) >= "2.37":
        base["networks"] = "auto"
    base.update(server)
    return api.post(SERVERS, json={"server": {k: v for k, v in base.items() if v is not None}, **top},
                    version=version, user=user)


def _error(response, code: int, message: str) -> None:
    name = {400: "badRequest", 403: "forbidden", 404: "itemNotFound", 409: "conflictingRequest"}[code]
    assert (response.status_code, response.get_json()) == (code, {name: {"code": code, "message": message}})


@pytest.fixture
def instant(backend):
    backend.settings.durations = {"build": 0, "delete": 0}
    return backend


def test_create_answers_202_with_location_and_password(api):
    response = _post(api, {})
    assert response.status_code == 202
    server = response.get_json()["server"]
    assert_valid(CLIENT, "create_server_with_admin_pass", "2.1", 202, response.headers, response.get_json())
    assert set(server) == {"id", "links", "OS-DCF:diskConfig", "security_groups", "adminPass"}
    assert response.headers["Location"] == f"http://localhost{SERVERS}/{server['id']}"
    assert server["links"][1] == {"rel": "bookmark", "href": f"http://localhost/compute/servers/{server['id']}"}
    assert len(server["adminPass"]) == 12 and server["adminPass"].isalnum()
    assert server["security_groups"] == [{"name": "default"}] and server["OS-DCF:diskConfig"] == "MANUAL"
    assert response.headers["X-OpenStack-Nova-API-Version"] == "2.37"


def test_create_echoes_given_password_groups_and_disk_config(api):
    server = create(api, adminPass="s3cret", security_groups=[{"name": "default"}], **{"OS-DCF:diskConfig": "AUTO"})
    assert server["adminPass"] == "s3cret" and server["OS-DCF:diskConfig"] == "AUTO"


def test_new_server_is_building_and_scheduling(api):
    server = create(api)
    body = show(api, server["id"], version="2.1", user="admin")
    assert (body["status"], body["OS-EXT-STS:vm_state"], body["OS-EXT-STS:task_state"]) == \
        ("BUILD", "building", "scheduling")
    assert body["OS-EXT-STS:power_state"] == 0 and body["progress"] == 0 and body["addresses"] == {}
    assert body["hostId"] == "" and body["OS-EXT-SRV-ATTR:host"] is None


def test_flavor_may_be_an_href_or_an_integer(api):
    for ref in ("http://localhost/compute/flavors/2", 2):
        server = create(api, flavorRef=ref)
        assert show(api, server["id"])["flavor"]["id"] == "2"


@pytest.mark.parametrize("server,version,code,message", [
    ({"flavorRef": "999"}, "2.37", 400, "Flavor 999 could not be found."),
    ({"imageRef": "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"}, "2.37", 400, "Can not find requested image"),
    ({"imageRef": ""}, "2.37", 400, "Missing imageRef attribute"),
    ({"networks": [{"uuid": "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"}]}, "2.37", 400,
     "Network 8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b could not be found."),
    ({"networks": None}, "2.1", 409, None),  # filled below: admin sees two networks
    ({"min_count": 3, "max_count": 2}, "2.37", 400, "min_count must be <= max_count"),
    ({"availability_zone": "elsewhere"}, "2.37", 400, "The requested availability zone is not available"),
    ({"key_name": "nope"}, "2.37", 400, "Invalid key_name provided."),
    ({"name": " padded"}, "2.37", 400, "An invalid 'name' value was provided. The name must be: printable "
                                        "characters. Can not start or end with whitespace."),
    ({"metadata": {f"k{i}": "v" for i in range(129)}}, "2.37", 403, "Maximum number of metadata items exceeds 128"),
    ({"hostname": "one", "max_count": 2}, "2.90", 400, "Unable to allocate a single hostname to multiple instances"),
    ({"availability_zone": "nova:compute1"}, "2.37", 403,
     "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed."),
    ({"host": "compute1"}, "2.74", 403,
     "Policy doesn't allow compute:servers:create:requested_destination to be performed."),
    ({"block_device_mapping": [{"volume_id": "8c5b8b6c-1d50-4b1e-9b1e-4b4b7b7b7b7b"}],
      "block_device_mapping_v2": [{"uuid": "x", "source_type": "volume"}]}, "2.37", 400,
     "Using different block_device_mapping syntaxes is not allowed in the same request."),
])
def test_bad_create_requests_get_nova_errors(api, server, version, code, message):
    if code == 409:
        server, user = {"networks": None}, "admin"
        message = ("More than one possible network found. Specify network ID(s) to select which one(s) to connect "
                   "to.")
    else:
        user = "demo"
    response = _post(api, server, version=version, user=user)
    _error(response, code, message)
    assert not api.backend.store.servers


@pytest.mark.parametrize("server,version,message", [
    ({"networks": None}, "2.37", "Invalid input for field/attribute server. Value: {SERVER}. 'networks' is a "
                                 "required property"),
    ({"networks": "all"}, "2.37", "Invalid input for field/attribute networks. Value: all. 'all' is not valid "
                                  "under any of the given schemas"),
    ({"description": "d"}, "2.18", "Invalid input for field/attribute server. Value: {SERVER}. "
     "Additional properties are not allowed ('description' was unexpected)"),
    ({"tags": ["a"]}, "2.51", "Invalid input for field/attribute server. Value: {SERVER}. "
     "Additional properties are not allowed ('tags' was unexpected)"),
    ({"personality": []}, "2.57", "Invalid input for field/attribute server. Value: {SERVER}. "
     "Additional properties are not allowed ('personality' was unexpected)"),
    ({"user_data": "not base64!"}, "2.37", "Invalid input for field/attribute user_data. Value: not base64!. "
                                           "'not base64!' is not a 'base64'"),
    ({"min_count": 0}, "2.37", "Invalid input for field/attribute min_count. Value: 0. 0 is less than the "
                               "minimum of 1"),
    ({"hostname": "-bad-"}, "2.90", "Invalid input for field/attribute hostname. Value: -bad-. '-bad-' does not "
                                    "match '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'"),
])
def test_schema_errors_name_the_field(api, server, version, message):
    body = {"name": "vm", "imageRef": image_id(api.backend), "flavorRef": "1", **server}
    if APIVersion.parse(version) >= "2.37":
        body.setdefault("networks", "auto")
    body = {k: v for k, v in body.items() if v is not None}
    response = api.post(SERVERS, json={"server": body}, version=version)
    _error(response, 400, message.replace("{SERVER}", str(body)))


def test_fixed_ip_in_use_is_refused_with_the_owner(api):
    private = network_id(api.backend)
    first = create(api, networks=[{"uuid": private, "fixed_ip": "10.0.0.10"}])
    response = _post(api, {"networks": [{"uuid": private, "fixed_ip": "10.0.0.10"}]})
    _error(response, 400, f"Fixed IP address 10.0.0.10 is already in use on instance {first['id']}.")


def test_fixed_ip_with_several_instances_is_refused(api):
    response = _post(api, {"networks": [{"uuid": network_id(api.backend), "fixed_ip": "10.0.0.10"}],
                           "max_count": 2})
    _error(response, 400, "Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is "
                          "specified.")


def test_non_admin_cannot_attach_the_external_network(api):
    response = _post(api, {"networks": [{"uuid": network_id(api.backend, "public")}]})
    _error(response, 403, f"It is not allowed to create an interface on external network "
                          f"{network_id(api.backend, 'public')}")


def test_networks_none_and_auto(api, instant):
    nothing = create(api, name="bare", networks="none")
    auto = create(api, name="auto", networks="auto")
    assert show(api, nothing["id"])["addresses"] == {}
    addresses = show(api, auto["id"])["addresses"]
    # On the SLAAC subnet the port has the EUI-64 address of its fa:16:3e MAC (neutron/ipam).
    assert [a["addr"] for a in addresses["private"]][0] == "10.0.0.3"
    assert addresses["private"][1]["addr"].startswith("fd6c:5a3e:4b1f:0:f816:3eff:fe")
    assert "security_groups" not in show(api, nothing["id"])  # no ports, nothing to read groups from


def test_requested_fixed_ip_is_the_address(api, instant):
    server = create(api, networks=[{"uuid": network_id(api.backend), "fixed_ip": "10.0.0.33"}])
    addresses = [a["addr"] for a in show(api, server["id"])["addresses"]["private"]]
    assert addresses[0] == "10.0.0.33" and addresses[1].startswith("fd6c:5a3e:4b1f:0:f816:3eff:fe")


def test_below_2_37_networks_may_be_left_out(api, instant):
    server = create(api, version="2.36")
    assert set(show(api, server["id"])["addresses"]) == {"private"}


def test_description_defaults_to_the_name_below_2_19(api):
    old = create(api, version="2.1", name="old")
    new = create(api, version="2.19", name="new")
    described = create(api, version="2.19", name="described", description="about it")
    assert show(api, old["id"], version="2.19")["description"] == "old"
    assert show(api, new["id"], version="2.19")["description"] is None
    assert show(api, described["id"], version="2.19")["description"] == "about it"


def test_create_options_show_up_in_the_server(api, instant):
    api.post("/compute/v2.1/os-keypairs", json={"keypair": {"name": "mykey"}}, version="2.10")
    server = create(api, version="2.100", key_name="mykey", metadata={"role": "db"}, tags=["a", "b"],
                    config_drive=True, accessIPv4="192.0.2.1", hostname="db-1",
                    trusted_image_certificates=["cert-1"])
    response = api.post(SERVERS, json={"server": {"name": "hinted", "imageRef": image_id(api.backend),
                                                  "flavorRef": "1", "networks": "none"},
                                       "os:scheduler_hints": {"same_host": [server["id"]], "custom": "x"}},
                        version="2.100")
    assert response.status_code == 202
    body = show(api, server["id"], version="2.100")
    assert (body["key_name"], body["metadata"], body["tags"], body["config_drive"]) == ("mykey", {"role": "db"},
                                                                                       ["a", "b"], "True")
    assert body["accessIPv4"] == "192.0.2.1" and body["OS-EXT-SRV-ATTR:hostname"] == "db-1"
    assert body["trusted_image_certificates"] == ["cert-1"]
    hinted = show(api, response.get_json()["server"]["id"], version="2.100")
    assert hinted["scheduler_hints"] == {"same_host": [server["id"]], "custom": "x"}


def test_personality_limits_up_to_2_56(api):
    files = [{"path": f"/etc/f{i}", "contents": base64.b64encode(b"x").decode()} for i in range(6)]
    _error(_post(api, {"personality": files}, version="2.56"), 403, "Personality file limit exceeded")
    long_path = [{"path": "/" + "p" * 255, "contents": ""}]
    _error(_post(api, {"personality": long_path}, version="2.56"), 403, "Personality file path exceeds maximum 255")
    big = [{"path": "/big", "contents": base64.b64encode(b"x" * 10241).decode()}]
    _error(_post(api, {"personality": big}, version="2.56"), 403, "Personality file content exceeds maximum 10240")
    assert _post(api, {"personality": files[:5]}, version="2.56").status_code == 202


def test_multi_create_names_and_reservation(api):
    response = _post(api, {"name": "web", "max_count": 3})
    assert response.status_code == 202
    names = sorted(s["name"] for s in api.backend.store.servers.values())
    assert names == ["web-1", "web-2", "web-3"]
    reservations = {s["reservation_id"] for s in api.backend.store.servers.values()}
    assert len(reservations) == 1
    first = response.get_json()["server"]["id"]
    body = show(api, first, version="2.3", user="admin")
    assert body["OS-EXT-SRV-ATTR:reservation_id"] in reservations and body["OS-EXT-SRV-ATTR:launch_index"] == 0
    assert body["OS-EXT-SRV-ATTR:hostname"] == "web-1"


@pytest.mark.parametrize("flag", [True, "True", "False"])
def test_return_reservation_id_answers_only_the_reservation(api, flag):
    # Nova tests the raw value, so even the string "False" asks for it.
    response = _post(api, {"min_count": 2, "return_reservation_id": flag})
    assert response.status_code == 202
    body = response.get_json()
    assert list(body) == ["reservation_id"] and body["reservation_id"].startswith("r-")
    assert len(body["reservation_id"]) == 10 and "Location" not in response.headers


def test_quota_allows_as_many_as_fit_down_to_min_count(api):
    response = _post(api, {"min_count": 2, "max_count": 15})
    assert response.status_code == 202
    assert len(api.backend.store.servers) == 10
    _error(_post(api, {}), 403, "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances")


def test_quota_error_when_even_min_count_does_not_fit(api):
    response = _post(api, {"flavorRef": "5", "min_count": 3})
    _error(response, 403, "Quota exceeded for cores: Requested 24, but already used 0 of 20 cores")


def test_admin_may_force_the_host(api, instant):
    private = network_id(api.backend)
    forced = create(api, user="admin", availability_zone="nova:compute1", networks=[{"uuid": private}])
    requested = create(api, version="2.74", user="admin", host="compute1", networks=[{"uuid": private}])
    for server in (forced, requested):
        assert show(api, server["id"], user="admin")["OS-EXT-SRV-ATTR:host"] == "compute1"
    _error(_post(api, {"host": "elsewhere", "networks": [{"uuid": private}]}, version="2.74", user="admin"), 400,
           "Compute host elsewhere could not be found.")


def test_a_fault_rule_makes_the_build_end_in_error(api, backend):
    if not hasattr(backend, "faults"):
        pytest.skip("fault rules are not part of this build")
    response = api.post("/_fake/faults", json={"build": "error", "match": {"server": "doomed"}}, user="admin")
    if response.status_code == 404:
        pytest.skip("no /_fake/faults endpoint in this build")
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    doomed = create(api, name="doomed")
    fine = create(api, name="fine")
    backend.clock.advance(10)
    body = show(api, doomed["id"])
    assert body["status"] == "ERROR" and body["fault"]["code"] == 500
    assert show(api, fine["id"])["status"] == "ACTIVE"


# --- the real clients ---------------------------------------------------------------------------

def test_openstacksdk_create_server_waits_for_active(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0, "delete": 0})
    conn = live.sdk()
    server = conn.create_server("sdk-vm", image=IMAGE_NAME, flavor="m1.tiny", network="private", wait=True,
                                timeout=60)
    assert server.status == "ACTIVE"
    # auto_ip: the SDK put a floating IP on the server's port; Nova shows it beside the fixed ones.
    kinds = [(a["addr"], a["OS-EXT-IPS:type"]) for a in server.addresses["private"]]
    assert kinds[0] == ("10.0.0.3", "fixed") and kinds[1][1] == "fixed"
    assert kinds[1][0].startswith("fd6c:5a3e:4b1f:0:f816:3eff:fe")  # SLAAC: EUI-64 of the port's MAC
    assert kinds[2][1] == "floating" and kinds[2][0].startswith("172.24.4.")
    conn.delete_server(server.id, wait=True, timeout=60)
    assert conn.compute.find_server("sdk-vm") is None


def test_openstacksdk_waits_through_a_timed_build(live):
    conn = live.sdk()
    # Frozen, so the build cannot finish on its own however slow the machine is.
    live.backend.clock.freeze()
    server = conn.compute.create_server(name="timed", image_id=image_id(live.backend), flavor_id="1",
                                        networks="auto")
    assert conn.compute.get_server(server.id).status == "BUILD"
    live.backend.clock.advance(5)
    assert conn.compute.wait_for_server(server, wait=10).status == "ACTIVE"


def test_novaclient_create_and_get(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    nova = live.novaclient(version="2.37")
    created = nova.servers.create("nc-vm", image_id(live.backend), "1", nics="auto", meta={"a": "b"})
    fetched = nova.servers.get(created.id)
    assert (fetched.name, fetched.status, fetched.metadata) == ("nc-vm", "ACTIVE", {"a": "b"})
    from novaclient import exceptions

    with pytest.raises(exceptions.BadRequest) as caught:
        nova.servers.create("bad", image_id(live.backend), "999", nics="auto")
    assert "Flavor 999 could not be found." in str(caught.value)


def test_cli_server_create_wait(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    server = live.openstack("server", "create", "--image", IMAGE_NAME, "--flavor", "m1.tiny", "--network",
                            "private", "--wait", "cli-vm", "-f", "json")
    assert server["status"] == "ACTIVE" and server["name"] == "cli-vm"
    v4, v6 = server["addresses"]["private"]
    assert v4 == "10.0.0.3" and v6.startswith("fd6c:5a3e:4b1f:0:f816:3eff:fe")  # SLAAC: EUI-64
    result = live.openstack("server", "create", "--image", IMAGE_NAME, "--flavor", "nope", "--network",
                            "private", "x", check=False)
    assert result.returncode != 0


def test_boot_from_volume_needs_no_image(api, instant):
    project = api.get("/identity/v3/auth/projects").get_json()["projects"][0]["id"]
    volume = api.post(f"/volume/v3/{project}/volumes", json={"volume": {"size": 1}}).get_json()["volume"]["id"]
    api.post(f"/volume/v3/{project}/volumes/{volume}/action", json={"os-set_bootable": {"bootable": True}})
    server = create(api, imageRef="", block_device_mapping_v2=[
        {"boot_index": 0, "uuid": volume, "source_type": "volume", "destination_type": "volume",
         "delete_on_termination": True}])
    body = show(api, server["id"], version="2.3")
    assert body["image"] == ""
    assert body["os-extended-volumes:volumes_attached"] == [{"id": volume, "delete_on_termination": True}]
    assert show(api, server["id"], version="2.1")["os-extended-volumes:volumes_attached"] == [{"id": volume}]
