"""GET /servers/{id}, /servers and /servers/detail: fields per microversion, scoping, filters, paging."""

from __future__ import annotations

import pytest

from tests.server_helpers import CLIENT, SERVERS, create, image_id, network_id, show
from tests.tempest_schemas import assert_valid

# One microversion from each of Tempest's schema ranges (facts §7), so every change is crossed.
BOUNDARIES = ["2.1", "2.2", "2.3", "2.6", "2.8", "2.9", "2.16", "2.19", "2.26", "2.45", "2.47", "2.48", "2.51",
              "2.54", "2.57", "2.58", "2.62", "2.63", "2.70", "2.71", "2.73", "2.75", "2.79", "2.80", "2.84",
              "2.89", "2.90", "2.96", "2.97", "2.98", "2.99", "2.100", "2.104"]


@pytest.fixture
def instant(backend):
    backend.settings.durations = {"build": 0, "delete": 0}
    return backend


def _listing(api, path, *, version="2.1", user="demo", detail=None):
    response = api.get(path, version=version, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    detail = "/detail" in path if detail is None else detail
    assert_valid(CLIENT, "list_servers_detail" if detail else "list_servers", version, 200, response.headers,
                 response.get_json())
    return response.get_json()


@pytest.mark.parametrize("version", BOUNDARIES)
@pytest.mark.parametrize("user", ["demo", "admin"])
def test_show_and_detail_match_tempest_schemas_while_building_and_active(api, backend, version, user):
    server = create(api, user=user, version="2.37", networks=[{"uuid": network_id(backend)}])
    building = show(api, server["id"], version=version, user=user)
    assert building["status"] == "BUILD"
    backend.clock.advance(5)
    active = show(api, server["id"], version=version, user=user)
    assert active["status"] == "ACTIVE" and active["addresses"]
    listed = _listing(api, f"{SERVERS}/detail", version=version, user=user)["servers"]
    assert [s["id"] for s in listed] == [server["id"]]
    # Detail items are the show view without server_groups.
    assert listed[0] == {k: v for k, v in active.items() if k != "server_groups"}


def test_fields_appear_at_their_microversions(api, instant):
    server = create(api)
    keys = {v: set(show(api, server["id"], version=v)) for v in ("2.1", "2.9", "2.19", "2.26", "2.47", "2.63",
                                                                  "2.71", "2.73", "2.90", "2.96", "2.98", "2.100")}
    assert {"locked", "description", "tags", "server_groups"}.isdisjoint(keys["2.1"])
    assert keys["2.9"] - keys["2.1"] == {"locked"}
    assert keys["2.19"] - keys["2.9"] == {"description"}
    assert keys["2.26"] - keys["2.19"] == {"tags"}
    assert keys["2.63"] - keys["2.47"] == {"trusted_image_certificates"}
    assert keys["2.71"] - keys["2.63"] == {"server_groups"}
    assert keys["2.73"] - keys["2.71"] == {"locked_reason"}
    assert keys["2.90"] - keys["2.73"] == {"OS-EXT-SRV-ATTR:hostname"}
    assert keys["2.96"] - keys["2.90"] == {"pinned_availability_zone"}
    assert keys["2.100"] - keys["2.98"] == {"scheduler_hints"}
    assert show(api, server["id"], version="2.46")["flavor"] == {
        "id": "1", "links": [{"rel": "bookmark", "href": "http://localhost/compute/flavors/1"}]}
    assert show(api, server["id"], version="2.47")["flavor"] == {
        "vcpus": 1, "ram": 512, "disk": 1, "ephemeral": 0, "swap": 0, "original_name": "m1.tiny", "extra_specs": {}}
    assert "properties" not in show(api, server["id"], version="2.97")["image"]
    assert show(api, server["id"], version="2.98")["image"]["properties"] == {"hw_rng_model": "virtio"}


def test_admin_only_attributes(api, instant):
    server = create(api)
    member = show(api, server["id"], version="2.16")
    admin = show(api, server["id"], version="2.16", user="admin")
    admin_only = {"OS-EXT-SRV-ATTR:host", "OS-EXT-SRV-ATTR:instance_name", "OS-EXT-SRV-ATTR:hypervisor_hostname",
                  "OS-EXT-SRV-ATTR:hostname", "OS-EXT-SRV-ATTR:kernel_id", "OS-EXT-SRV-ATTR:launch_index",
                  "OS-EXT-SRV-ATTR:ramdisk_id", "OS-EXT-SRV-ATTR:reservation_id",
                  "OS-EXT-SRV-ATTR:root_device_name", "OS-EXT-SRV-ATTR:user_data", "host_status"}
    assert set(admin) - set(member) == admin_only
    assert admin["host_status"] == "UP" and admin["OS-EXT-SRV-ATTR:instance_name"] == "instance-00000001"
    assert member["OS-EXT-AZ:availability_zone"] == "nova"
    import hashlib

    project = api.backend.store.servers[server["id"]]["project_id"]
    assert member["hostId"] == hashlib.sha224((project + "compute1").encode()).hexdigest()


def test_timestamps_have_nova_formats(api, instant):
    body = show(api, create(api)["id"], version="2.1")
    assert body["created"].endswith("Z") and len(body["created"]) == 20
    assert len(body["OS-SRV-USG:launched_at"]) == 26 and "." in body["OS-SRV-USG:launched_at"]
    assert body["OS-SRV-USG:terminated_at"] is None


def test_other_projects_server_is_not_found(api):
    server = create(api)
    response = api.get(f"{SERVERS}/{server['id']}", user="alt_demo")
    assert (response.status_code, response.get_json()) == (
        404, {"itemNotFound": {"code": 404, "message": f"Instance {server['id']} could not be found."}})
    assert show(api, server["id"], user="admin")["id"] == server["id"]
    assert _listing(api, SERVERS, user="alt_demo")["servers"] == []


def test_show_by_name_is_404_so_clients_fall_back_to_listing(api):
    create(api, name="named")
    assert api.get(f"{SERVERS}/named").status_code == 404


def test_index_items_and_default_order(api, backend):
    ids = []
    for name in ("a", "b", "c"):
        ids.append(create(api, name=name)["id"])
        backend.clock.advance(1)
    body = _listing(api, SERVERS)
    assert [s["id"] for s in body["servers"]] == ids[::-1]  # created_at desc
    assert set(body["servers"][0]) == {"id", "name", "links"} and "servers_links" not in body


def test_admin_lists_own_project_unless_all_tenants(api):
    mine = create(api, name="demo-vm")
    theirs = create(api, name="admin-vm", user="admin", networks=[{"uuid": network_id(api.backend)}])
    assert [s["id"] for s in _listing(api, SERVERS, user="admin")["servers"]] == [theirs["id"]]
    everything = _listing(api, f"{SERVERS}?all_tenants=1", user="admin")["servers"]
    assert {s["id"] for s in everything} == {mine["id"], theirs["id"]}
    response = api.get(f"{SERVERS}/detail?all_tenants=true", user="demo")
    # all_tenants is in the non-admin whitelist, so the policy check answers.
    assert (response.status_code, response.get_json()) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed."}})
    response = api.get(f"{SERVERS}?all_tenants=maybe", user="admin")
    assert response.status_code == 400
    assert response.get_json()["badRequest"]["message"].startswith("Invalid input received: Unrecognized value 'maybe'")


def test_name_filter_is_a_regex_search(api):
    for name in ("bob", "bobby", "alice"):
        create(api, name=name)
    names = lambda q: sorted(s["name"] for s in _listing(api, f"{SERVERS}?name={q}")["servers"])  # noqa: E731
    assert names("bob") == ["bob", "bobby"]
    assert names("^bob$") == ["bob"]
    assert names("ice") == ["alice"]
    response = api.get(f"{SERVERS}?name=(", version="2.1")
    assert (response.status_code, response.get_json()["badRequest"]["message"]) == (
        400, "Invalid input for query parameters name. Value: (. '(' is not a 'regex'")


def test_status_filter(api, backend):
    backend.settings.durations = {"build": 0}
    active = create(api, name="up")
    backend.settings.durations = {"build": 5}
    building = create(api, name="coming")
    ids = lambda q, v="2.1": [s["id"] for s in _listing(api, f"{SERVERS}/detail?{q}", version=v)["servers"]]  # noqa
    assert ids("status=ACTIVE") == [active["id"]]
    assert ids("status=build") == [building["id"]]
    assert sorted(ids("status=active&status=BUILD")) == sorted([active["id"], building["id"]])
    assert ids("status=bogus", "2.37") == []
    response = api.get(f"{SERVERS}/detail?status=bogus", version="2.38")
    assert (response.status_code, response.get_json()) == (
        400, {"badRequest": {"code": 400, "message": "Invalid status value"}})
    response = api.get(f"{SERVERS}?status=deleted")
    assert (response.status_code, response.get_json()) == (
        403, {"forbidden": {"code": 403, "message": "Only administrators may list deleted instances"}})


def test_non_admin_filters_outside_the_whitelist_are_ignored(api, instant):
    server = create(api)
    project = api.backend.store.servers[server["id"]]["project_id"]
    # host is admin-only: for a member it is silently dropped, so the server still shows.
    assert len(_listing(api, f"{SERVERS}?host=elsewhere")["servers"]) == 1
    assert _listing(api, f"{SERVERS}?host=elsewhere", user="admin")["servers"] == []
    # user_id joined the whitelist at 2.83.
    assert len(_listing(api, f"{SERVERS}?user_id=nobody", version="2.82")["servers"]) == 1
    assert _listing(api, f"{SERVERS}?user_id=nobody", version="2.83")["servers"] == []
    assert project  # the server belongs to demo's project


def test_unknown_query_parameters_are_dropped_before_2_75(api):
    create(api)
    assert len(_listing(api, f"{SERVERS}?foo=bar", version="2.74")["servers"]) == 1
    response = api.get(f"{SERVERS}?foo=bar", version="2.75")
    # Nova's schema has patternProperties ("^_"), so jsonschema words it this way.
    assert (response.status_code, response.get_json()) == (400, {"badRequest": {
        "code": 400, "message": "'foo' does not match any of the regexes: '^_'"}})


def test_joined_table_filters_are_refused_for_admins(api):
    response = api.get(f"{SERVERS}?metadata=x", user="admin")
    assert (response.status_code, response.get_json()) == (
        400, {"badRequest": {"code": 400, "message": "Invalid filter field: metadata."}})


def test_pagination_with_limit_marker_and_next_links(api, backend):
    ids = []
    for index in range(5):
        ids.append(create(api, name=f"p{index}")["id"])
        backend.clock.advance(1)
    newest_first = ids[::-1]
    first = _listing(api, f"{SERVERS}/detail?limit=2&name=p")
    assert [s["id"] for s in first["servers"]] == newest_first[:2]
    assert first["servers_links"] == [{"rel": "next", "href": (
        f"http://localhost{SERVERS}/detail?limit=2&name=p&marker={newest_first[1]}")}]
    second = _listing(api, f"{SERVERS}/detail?limit=2&name=p&marker={newest_first[1]}")
    assert [s["id"] for s in second["servers"]] == newest_first[2:4]
    last = _listing(api, f"{SERVERS}?limit=2&marker={newest_first[3]}")
    assert [s["id"] for s in last["servers"]] == newest_first[4:] and "servers_links" not in last
    response = api.get(f"{SERVERS}?marker=nope")
    assert (response.status_code, response.get_json()) == (
        400, {"badRequest": {"code": 400, "message": "marker [nope] not found"}})
    response = api.get(f"{SERVERS}?limit=-1")
    assert response.status_code == 400


def test_sorting(api, backend):
    for name in ("b", "c", "a"):
        create(api, name=name)
        backend.clock.advance(1)
    names = lambda q: [s["name"] for s in _listing(api, f"{SERVERS}/detail?{q}")["servers"]]  # noqa: E731
    assert names("sort_key=display_name&sort_dir=asc") == ["a", "b", "c"]
    assert names("sort_key=display_name") == ["c", "b", "a"]
    assert names("sort_key=created_at&sort_dir=asc") == ["b", "c", "a"]
    response = api.get(f"{SERVERS}?sort_key=display_name&sort_dir=up")
    assert response.get_json() == {"badRequest": {
        "code": 400, "message": "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"}}
    response = api.get(f"{SERVERS}?sort_key=host")
    assert (response.status_code, response.get_json()["forbidden"]["message"]) == (
        403, "Only administrators can sort servers by host")


def test_ip_and_changes_since_filters(api, backend):
    backend.settings.durations = {"build": 0}
    create(api, name="ten", networks=[{"uuid": network_id(backend), "fixed_ip": "10.0.0.10"}])
    create(api, name="twenty", networks=[{"uuid": network_id(backend), "fixed_ip": "10.0.0.20"}])
    names = lambda q, v="2.1": sorted(s["name"] for s in _listing(api, f"{SERVERS}?{q}", version=v)["servers"])  # noqa
    assert names("ip=10.0.0.1") == ["ten"]
    assert names("ip=10.0.0") == ["ten", "twenty"]
    future = "2099-01-01T00:00:00Z"
    assert names(f"changes-since={future}") == []
    assert names("changes-since=2000-01-01T00:00:00Z") == ["ten", "twenty"]
    response = api.get(f"{SERVERS}?changes-since={future}&changes-before=2000-01-01T00:00:00Z", version="2.66")
    assert response.get_json() == {"badRequest": {"code": 400, "message": (
        "The value of changes-since must be less than or equal to changes-before.")}}


# --- the real clients ---------------------------------------------------------------------------

def test_openstacksdk_lists_by_name_and_pages(live):
    conn = live.sdk()
    for index in range(3):
        conn.compute.create_server(name=f"page-{index}", image_id=image_id(live.backend), flavor_id="1",
                                   networks="auto")
        live.backend.clock.advance(1)
    assert [s.name for s in conn.compute.servers(details=True, name="page-1")] == ["page-1"]
    paged = list(conn.compute.servers(details=True, limit=1))
    assert [s.name for s in paged] == ["page-2", "page-1", "page-0"]
    found = conn.compute.find_server("page-0")
    assert found is not None and found.name == "page-0"


def test_novaclient_list_and_get(live):
    nova = live.novaclient(version="2.47")
    nova.servers.create("nc", image_id(live.backend), "1", nics="auto")
    live.backend.clock.advance(5)
    (listed,) = nova.servers.list()
    assert listed.status == "ACTIVE" and listed.flavor["original_name"] == "m1.tiny"
    assert nova.servers.get(listed.id).addresses["private"][0]["addr"] == "10.0.0.3"
    assert [s.name for s in nova.servers.list(search_opts={"name": "^nc$"})] == ["nc"]


def test_cli_server_list_and_show(live, monkeypatch):
    monkeypatch.setattr(live.backend.settings, "durations", {"build": 0})
    live.openstack("server", "create", "--image", "cirros-0.6.2-x86_64-disk", "--flavor", "m1.tiny",
                   "--network", "private", "cli-vm")
    (row,) = live.openstack("server", "list", "-f", "json")
    assert (row["Name"], row["Status"], row["Flavor"]) == ("cli-vm", "ACTIVE", "m1.tiny")
    v4, v6 = row["Networks"]["private"]
    assert v4 == "10.0.0.3" and v6.startswith("fd6c:5a3e:4b1f:0:f816:3eff:fe")  # SLAAC: EUI-64
    shown = live.openstack("server", "show", "cli-vm", "-f", "json")
    assert shown["id"] == row["ID"] and shown["status"] == "ACTIVE"
    missing = live.openstack("server", "show", "nope", check=False)
    assert missing.returncode != 0 and "No Server found for nope" in missing.stderr
