"""/flavors across microversions, through HTTP and with the real clients.

Oracles that do not come from fakenova: Tempest's response schemas, the api-ref samples in
nova/doc/api_samples/flavors (field sets per microversion) and Nova's controller texts.
"""

from __future__ import annotations

import pytest

from tests.tempest_schemas import assert_valid

FLAVORS = "/compute/v2.1/flavors"
CLIENT = "flavors_client.FlavorsClient"
# devstack's flavors sorted as Nova sorts them by default: flavorid, a string column.
SEEDED_IDS = ["1", "2", "3", "4", "42", "5", "84"]

DETAIL_FIELDS_21 = {"id", "name", "ram", "disk", "swap", "OS-FLV-EXT-DATA:ephemeral", "OS-FLV-DISABLED:disabled",
                    "vcpus", "os-flavor-access:is_public", "rxtx_factor", "links"}


def ids(response) -> list[str]:
    return [flavor["id"] for flavor in response.get_json()["flavors"]]


def check(response, schema: str, version: str, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert_valid(CLIENT, schema, version, status, response.headers, body)
    return body


def add_flavor(backend, flavor_id: str, name: str, **fields) -> dict:
    """A flavor put straight into the store (the admin API has its own tests below)."""
    record = dict(id=flavor_id, name=name, ram=1024, vcpus=1, disk=10, ephemeral=0, swap=0, rxtx_factor=1.0,
                  is_public=True, disabled=False, description=None, extra_specs={},
                  internal_id=len(backend.store.flavors) + 1, created_at=0.0)
    record.update(fields)
    backend.store.flavors[flavor_id] = record
    return record


def error(message: str, code: int = 400) -> dict:
    name = {400: "badRequest", 403: "forbidden", 404: "itemNotFound", 409: "conflictingRequest"}[code]
    return {name: {"code": code, "message": message}}


# --- representation per microversion --------------------------------------------------------------

@pytest.mark.parametrize("version, extra", [
    ("2.1", set()),
    ("2.54", set()),
    ("2.55", {"description"}),
    ("2.61", {"description", "extra_specs"}),
    ("2.101", {"description", "extra_specs"}),
    ("2.102", {"description", "extra_specs"} ),
    ("latest", {"description", "extra_specs"}),
])
def test_show_fields_per_microversion(api, version, extra):
    response = api.get(f"{FLAVORS}/1", version=version)
    schema_version = "2.104" if version == "latest" else version
    flavor = check(response, "create_update_get_flavor_details", schema_version)["flavor"]
    expected = set(DETAIL_FIELDS_21) | extra
    if version in ("2.102", "latest"):
        expected -= {"rxtx_factor", "OS-FLV-DISABLED:disabled"}
    assert set(flavor) == expected
    assert flavor["name"] == "m1.tiny" and flavor["ram"] == 512 and flavor["vcpus"] == 1 and flavor["disk"] == 1


def test_show_values_and_links_follow_the_request_host(api):
    response = api.get(f"{FLAVORS}/2", version="2.61", base_url="http://nova.example:8774")
    flavor = check(response, "create_update_get_flavor_details", "2.61")["flavor"]
    assert flavor == {
        "id": "2", "name": "m1.small", "ram": 2048, "disk": 20, "swap": "", "OS-FLV-EXT-DATA:ephemeral": 0,
        "OS-FLV-DISABLED:disabled": False, "vcpus": 1, "os-flavor-access:is_public": True, "rxtx_factor": 1.0,
        "links": [{"rel": "self", "href": "http://nova.example:8774/compute/v2.1/flavors/2"},
                  {"rel": "bookmark", "href": "http://nova.example:8774/compute/flavors/2"}],
        "description": None, "extra_specs": {},
    }


@pytest.mark.parametrize("version, swap_zero", [("2.74", ""), ("2.75", 0)])
def test_swap_zero_is_empty_string_before_2_75(api, backend, version, swap_zero):
    add_flavor(backend, "sw", "with-swap", swap=512)
    zero = check(api.get(f"{FLAVORS}/1", version=version), "create_update_get_flavor_details", version)
    assert zero["flavor"]["swap"] == swap_zero
    some = check(api.get(f"{FLAVORS}/sw", version=version), "create_update_get_flavor_details", version)
    assert some["flavor"]["swap"] == 512


def test_description_and_extra_specs_come_from_the_record(api, backend):
    add_flavor(backend, "gpu", "gpu.large", description="with a GPU", extra_specs={"resources:VGPU": "1"})
    at_255 = check(api.get(f"{FLAVORS}/gpu", version="2.55"), "create_update_get_flavor_details", "2.55")
    assert at_255["flavor"]["description"] == "with a GPU" and "extra_specs" not in at_255["flavor"]
    at_261 = check(api.get(f"{FLAVORS}/gpu", version="2.61"), "create_update_get_flavor_details", "2.61")
    assert at_261["flavor"]["extra_specs"] == {"resources:VGPU": "1"}


@pytest.mark.parametrize("version", ["2.1", "2.55", "2.102"])
def test_index_items_are_brief(api, version):
    body = check(api.get(FLAVORS, version=version), "list_flavors", version)
    expected = {"id", "name", "links"} | ({"description"} if version != "2.1" else set())
    assert all(set(item) == expected for item in body["flavors"])
    assert [item["id"] for item in body["flavors"]] == SEEDED_IDS
    assert "flavors_links" not in body


@pytest.mark.parametrize("version", ["2.1", "2.61", "2.75", "2.102"])
def test_detail_lists_every_public_flavor(api, version):
    body = check(api.get(f"{FLAVORS}/detail", version=version), "list_flavors_details", version)
    assert [item["id"] for item in body["flavors"]] == SEEDED_IDS
    assert ("rxtx_factor" in body["flavors"][0]) == (version != "2.102")


def test_unknown_flavor_is_404_by_id_and_by_name(api):
    for flavor_id in ("999", "m1.tiny"):
        response = api.get(f"{FLAVORS}/{flavor_id}", version="2.61")
        assert response.status_code == 404
        assert response.get_json() == error(f"Flavor {flavor_id} could not be found.", 404)


# --- visibility --------------------------------------------------------------------------------

def test_private_and_disabled_flavors_per_caller(api, backend):
    add_flavor(backend, "priv", "private.one", is_public=False)
    add_flavor(backend, "shared", "shared.one", is_public=False, projects=[_project_id(backend, "demo")])
    add_flavor(backend, "off", "disabled.one", disabled=True)
    assert ids(api.get(f"{FLAVORS}/detail", user="demo")) == SEEDED_IDS + ["shared"]
    assert ids(api.get(f"{FLAVORS}/detail", user="alt_demo")) == SEEDED_IDS
    # A non-admin's is_public is ignored; an admin's default is public (and shared with it) only.
    assert ids(api.get(f"{FLAVORS}/detail?is_public=false", user="demo")) == SEEDED_IDS + ["shared"]
    assert ids(api.get(f"{FLAVORS}/detail", user="admin")) == SEEDED_IDS + ["off"]
    assert ids(api.get(f"{FLAVORS}/detail?is_public=None", user="admin")) == SEEDED_IDS + ["off", "priv", "shared"]
    assert ids(api.get(f"{FLAVORS}/detail?is_public=no", user="admin")) == ["priv", "shared"]
    assert ids(api.get(f"{FLAVORS}/detail?is_public=TRUE", user="admin")) == SEEDED_IDS + ["off"]
    # Show: a private flavor is 404 for whom it is not shared with; a disabled one is still shown.
    assert api.get(f"{FLAVORS}/priv", user="demo").get_json() == error("Flavor priv could not be found.", 404)
    assert api.get(f"{FLAVORS}/shared", user="demo").status_code == 200
    assert api.get(f"{FLAVORS}/priv", user="admin").status_code == 200
    off = check(api.get(f"{FLAVORS}/off", user="demo"), "create_update_get_flavor_details", "2.1")
    assert off["flavor"]["OS-FLV-DISABLED:disabled"] is True


def _project_id(backend, name: str) -> str:
    return next(p["id"] for p in backend.store.projects.values() if p["name"] == name)


def test_invalid_is_public_is_400_for_admins_only(api):
    response = api.get(f"{FLAVORS}/detail?is_public=maybe", user="admin")
    assert response.status_code == 400
    assert response.get_json() == error("Invalid is_public filter [maybe]")
    assert api.get(f"{FLAVORS}/detail?is_public=maybe", user="demo").status_code == 200


# --- filters, sorting, paging ------------------------------------------------------------------

@pytest.mark.parametrize("params, expected", [
    ("minRam=4096", ["3", "4", "5"]),
    ("minDisk=40", ["3", "4", "5"]),
    ("minRam=2048&minDisk=80", ["4", "5"]),
    ("minRam=-1", SEEDED_IDS),
    ("sort_key=memory_mb", ["42", "84", "1", "2", "3", "4", "5"]),
    ("sort_key=memory_mb&sort_dir=desc", ["5", "4", "3", "2", "1", "84", "42"]),
    ("sort_key=name", ["4", "3", "84", "42", "2", "1", "5"]),
    ("sort_key=id", ["1", "2", "3", "4", "5", "42", "84"]),
    ("sort_key=name&sort_key=vcpus", ["1", "2", "42", "84", "3", "4", "5"]),  # the last one counts
    ("sort_dir=desc", list(reversed(SEEDED_IDS))),
])
def test_filters_and_sorting(api, params, expected):
    body = check(api.get(f"{FLAVORS}/detail?{params}", version="2.61"), "list_flavors_details", "2.61")
    assert [item["id"] for item in body["flavors"]] == expected


def test_pages_follow_the_next_link_until_a_short_page(api):
    url, seen, pages = f"{FLAVORS}/detail?limit=4&minRam=200", [], 0
    while url:
        body = check(api.get(url, version="2.75", base_url="http://nova.example"), "list_flavors_details", "2.75")
        seen += [item["id"] for item in body["flavors"]]
        pages += 1
        url = body["flavors_links"][0]["href"].replace("http://nova.example", "") if "flavors_links" in body else None
    assert seen == ["1", "2", "3", "4", "5", "84"] and pages == 2


def test_next_link_keeps_the_query_sorted_and_sets_the_marker(api):
    body = api.get(f"{FLAVORS}?sort_dir=desc&limit=2&minRam=0", version="2.55",
                   base_url="http://nova.example").get_json()
    assert ids_of(body) == ["84", "5"]
    assert body["flavors_links"] == [{"rel": "next", "href":
        "http://nova.example/compute/v2.1/flavors?limit=2&minRam=0&sort_dir=desc&marker=5"}]


def ids_of(body: dict) -> list[str]:
    return [item["id"] for item in body["flavors"]]


def test_a_full_last_page_still_has_a_next_link_and_then_an_empty_page(api):
    body = api.get(f"{FLAVORS}?limit=7").get_json()
    assert ids_of(body) == SEEDED_IDS and body["flavors_links"][0]["href"].endswith("limit=7&marker=84")
    after = check(api.get(f"{FLAVORS}?limit=7&marker=84"), "list_flavors", "2.1")
    assert after == {"flavors": []}


def test_limit_zero_gives_an_empty_page(api):
    assert check(api.get(f"{FLAVORS}?limit=0"), "list_flavors", "2.1") == {"flavors": []}


def test_marker_of_a_flavor_hidden_by_filters_still_pages(api):
    # The marker row is looked up among all visible flavors, not only the filtered ones.
    assert ids(api.get(f"{FLAVORS}?minRam=4096&marker=2")) == ["3", "4", "5"]


@pytest.mark.parametrize("params, message", [
    ("marker=nope", "marker [nope] not found"),
    ("minRam=big", "Invalid minRam filter [big]"),
    ("minDisk=1.5", "Invalid minDisk filter [1.5]"),
    ("limit=-1", "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"),
    ("limit=", "Invalid input for query parameters limit. Value: . '' should be non-empty"),
    ("sort_dir=up", "Invalid input for query parameters sort_dir. Value: up. 'up' is not one of ['asc', 'desc']"),
])
def test_bad_list_parameters(api, params, message):
    response = api.get(f"{FLAVORS}/detail?{params}", version="2.61")
    assert response.status_code == 400
    assert response.get_json() == error(message)


def test_private_marker_is_not_found_for_non_admins(api, backend):
    add_flavor(backend, "priv", "private.one", is_public=False)
    assert api.get(f"{FLAVORS}?marker=priv").get_json() == error("marker [priv] not found")
    assert api.get(f"{FLAVORS}?marker=priv", user="admin").status_code == 200


def test_sort_key_rxtx_factor_is_gone_at_2_102(api):
    assert api.get(f"{FLAVORS}?sort_key=rxtx_factor", version="2.101").status_code == 200
    response = api.get(f"{FLAVORS}?sort_key=rxtx_factor", version="2.102")
    assert response.status_code == 400
    message = response.get_json()["badRequest"]["message"]
    assert message.startswith("Invalid input for query parameters sort_key. Value: rxtx_factor. 'rxtx_factor' is "
                              "not one of ['created_at', 'description', 'disabled',")


@pytest.mark.parametrize("version, status, expected", [
    ("2.74", 200, SEEDED_IDS),  # unknown parameters are dropped
    ("2.75", 400, None),
    ("2.101", 400, None),
    ("2.102", 200, ["42", "84"]),  # an unanchored regular expression
])
def test_name_filter_arrives_at_2_102(api, version, status, expected):
    response = api.get(f"{FLAVORS}/detail?name=ano|icro", version=version)
    assert response.status_code == status
    if expected is None:
        assert response.get_json() == error("Additional properties are not allowed ('name' was unexpected)")
    else:
        assert ids(response) == expected


def test_unknown_parameters_on_show_are_refused_from_2_102(api):
    assert api.get(f"{FLAVORS}/1?foo=bar", version="2.101").status_code == 200
    response = api.get(f"{FLAVORS}/1?foo=bar", version="2.102")
    assert response.status_code == 400
    assert response.get_json() == error("Additional properties are not allowed ('foo' was unexpected)")


# --- admin flavor management ----------------------------------------------------------------------

def new_flavor(**fields) -> dict:
    return {"flavor": dict({"name": "custom", "ram": 1024, "vcpus": 2, "disk": 10}, **fields)}


def test_admin_creates_shows_updates_and_deletes_a_flavor(api):
    created = api.post(FLAVORS, user="admin", version="2.61",
                       json=new_flavor(id="c1", description="mine", swap="256", **{"os-flavor-access:is_public": "false"}))
    flavor = check(created, "create_update_get_flavor_details", "2.61")["flavor"]
    assert flavor["id"] == "c1" and flavor["swap"] == 256 and flavor["description"] == "mine"
    assert flavor["os-flavor-access:is_public"] is False and flavor["extra_specs"] == {}
    assert api.get(f"{FLAVORS}/c1", user="demo").status_code == 404  # private, not shared
    updated = api.put(f"{FLAVORS}/c1", user="admin", version="2.55", json={"flavor": {"description": None}})
    assert check(updated, "create_update_get_flavor_details", "2.55")["flavor"]["description"] is None
    deleted = api.delete(f"{FLAVORS}/c1", user="admin")
    assert deleted.status_code == 202 and deleted.get_data() == b"" and "Content-Type" not in deleted.headers
    assert api.get(f"{FLAVORS}/c1", user="admin").status_code == 404


def test_created_flavor_without_id_gets_a_uuid_and_sorts_by_it(api):
    flavor = api.post(FLAVORS, user="admin", json=new_flavor()).get_json()["flavor"]
    assert len(flavor["id"]) == 36 and flavor["swap"] == "" and flavor["rxtx_factor"] == 1.0
    assert "description" not in flavor
    assert flavor["id"] in ids(api.get(FLAVORS, user="demo"))


@pytest.mark.parametrize("method, path, body, rule", [
    ("POST", FLAVORS, new_flavor(), "os_compute_api:os-flavor-manage:create"),
    ("PUT", f"{FLAVORS}/1", {"flavor": {"description": "x"}}, "os_compute_api:os-flavor-manage:update"),
    ("DELETE", f"{FLAVORS}/1", None, "os_compute_api:os-flavor-manage:delete"),
])
def test_flavor_management_is_admin_only(api, method, path, body, rule):
    response = api.request(method, path, user="demo", version="2.55", json=body)
    assert response.status_code == 403
    assert response.get_json() == error(f"Policy doesn't allow {rule} to be performed.", 403)


@pytest.mark.parametrize("body, message", [
    (new_flavor(name="m1.tiny"), "Flavor with name m1.tiny already exists."),
    (new_flavor(id=1), "Flavor with ID 1 already exists."),
])
def test_duplicate_flavor_is_409(api, body, message):
    response = api.post(FLAVORS, user="admin", json=body)
    assert response.status_code == 409
    assert response.get_json() == error(message, 409)


@pytest.mark.parametrize("version, body, message", [
    ("2.1", {"flavor": {"name": "x", "ram": 1, "vcpus": 1}},
     "Invalid input for field/attribute flavor. Value: {'name': 'x', 'ram': 1, 'vcpus': 1}. 'disk' is a required "
     "property"),
    ("2.1", {"flavour": {}}, "'flavor' is a required property"),
    ("2.1", new_flavor(ram=0), "Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1"),
    ("2.1", new_flavor(ram="0"), "Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1"),
    ("2.1", new_flavor(vcpus="two"), "Invalid input for field/attribute vcpus. Value: two. 'two' does not match "
                                     "'^[0-9]+$'"),
    ("2.1", new_flavor(id=" x"), "Invalid input for field/attribute id. Value:  x. ' x' does not match "
                                 "'^(?! )[a-zA-Z0-9. _-]+(?<! )$'"),
    ("2.1", new_flavor(name=" padded"), "An invalid 'name' value was provided. The name must be: printable "
                                        "characters. Can not start or end with whitespace."),
    ("2.1", new_flavor(rxtx_factor=0), "Invalid input for field/attribute rxtx_factor. Value: 0. 0 is less than "
                                       "or equal to the minimum of 0"),
    ("2.54", new_flavor(description="d"), "Invalid input for field/attribute flavor. Value: {'name': 'custom', "
                                          "'ram': 1024, 'vcpus': 2, 'disk': 10, 'description': 'd'}. Additional "
                                          "properties are not allowed ('description' was unexpected)"),
    ("2.102", new_flavor(rxtx_factor=2), "Invalid input for field/attribute flavor. Value: {'name': 'custom', "
                                         "'ram': 1024, 'vcpus': 2, 'disk': 10, 'rxtx_factor': 2}. Additional "
                                         "properties are not allowed ('rxtx_factor' was unexpected)"),
    ("2.1", new_flavor(ram="99999999999"), "Invalid input for field/attribute ram. Value: 99999999999. "
                                           "99999999999 is greater than the maximum of 2147483647"),
])
def test_bad_flavor_bodies(api, version, body, message):
    response = api.post(FLAVORS, user="admin", version=version, json=body)
    assert response.status_code == 400
    assert response.get_json() == error(message)


def test_update_needs_2_55_and_a_known_flavor(api):
    response = api.put(f"{FLAVORS}/1", user="admin", version="2.54", json={"flavor": {"description": "x"}})
    assert response.status_code == 404
    assert response.get_json() == error("The resource could not be found.", 404)
    response = api.put(f"{FLAVORS}/nope", user="admin", version="2.55", json={"flavor": {"description": "x"}})
    assert response.get_json() == error("Flavor nope could not be found.", 404)
    response = api.delete(f"{FLAVORS}/nope", user="admin")
    assert response.get_json() == error("Flavor nope could not be found.", 404)


# --- extra specs ------------------------------------------------------------------------------

def check_extra_specs(response, schema: str) -> dict | None:
    """Tempest keeps the extra-specs schemas apart from the versioned flavor ones."""
    from tempest.lib.api_schema.response.compute.v2_1 import flavors_extra_specs
    from tempest.lib.common.rest_client import RestClient

    from tests.tempest_schemas import _Resp

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json(silent=True)
    RestClient.validate_response(getattr(flavors_extra_specs, schema), _Resp(200, response.headers), body)
    return body


def test_extra_specs_lifecycle(api):
    specs = f"{FLAVORS}/1/os-extra_specs"
    created = api.post(specs, user="admin", json={"extra_specs": {"hw:cpu_policy": "dedicated"}})
    assert check_extra_specs(created, "set_get_flavor_extra_specs") == {"extra_specs": {"hw:cpu_policy": "dedicated"}}
    # The answer echoes the request, a number included (so Tempest, which sends strings, never sees one).
    numeric = api.post(specs, user="admin", json={"extra_specs": {"quota:vif": 5}})
    assert numeric.status_code == 200 and numeric.get_json() == {"extra_specs": {"quota:vif": 5}}
    # Numbers come back as strings once stored.
    listed = check_extra_specs(api.get(specs), "set_get_flavor_extra_specs")
    assert listed == {"extra_specs": {"hw:cpu_policy": "dedicated", "quota:vif": "5"}}
    updated = api.put(f"{specs}/quota:vif", user="admin", json={"quota:vif": "7"})
    assert check_extra_specs(updated, "set_get_flavor_extra_specs_key") == {"quota:vif": "7"}
    assert check_extra_specs(api.get(f"{specs}/quota:vif"), "set_get_flavor_extra_specs_key") == {"quota:vif": "7"}
    shown = check(api.get(f"{FLAVORS}/1", version="2.61"), "create_update_get_flavor_details", "2.61")
    assert shown["flavor"]["extra_specs"] == {"hw:cpu_policy": "dedicated", "quota:vif": "7"}
    deleted = api.delete(f"{specs}/quota:vif", user="admin")
    check_extra_specs(deleted, "unset_flavor_extra_specs")
    assert deleted.get_data() == b""
    missing = api.get(f"{specs}/quota:vif")
    assert missing.status_code == 404
    assert missing.get_json() == error("Flavor 1 has no extra specs with key quota:vif.", 404)


@pytest.mark.parametrize("method, path, body, code, message", [
    ("PUT", "1/os-extra_specs/a", {"b": "1"}, 400, "Request body and URI mismatch"),
    ("PUT", "1/os-extra_specs/a", {"a": "1", "b": "2"}, 400,
     "{'a': '1', 'b': '2'} has too many properties"),
    ("POST", "1/os-extra_specs", {"extra_specs": {"bad/key": "1"}}, 400,
     "Invalid input for field/attribute extra_specs. Value: {'bad/key': '1'}. 'bad/key' does not match any of "
     "the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"),
    ("POST", "nope/os-extra_specs", {"extra_specs": {"a": "1"}}, 404, "Flavor nope could not be found."),
    ("DELETE", "1/os-extra_specs/absent", None, 404, "Flavor 1 has no extra specs with key absent."),
])
def test_bad_extra_spec_requests(api, method, path, body, code, message):
    response = api.request(method, f"{FLAVORS}/{path}", user="admin", json=body)
    assert response.status_code == code
    assert response.get_json() == error(message, code)


def test_extra_spec_writes_are_admin_only(api):
    response = api.post(f"{FLAVORS}/1/os-extra_specs", user="demo", json={"extra_specs": {"a": "1"}})
    assert response.status_code == 403
    assert response.get_json() == error(
        "Policy doesn't allow os_compute_api:os-flavor-extra-specs:create to be performed.", 403)


# --- real clients against the live server ------------------------------------------------------

def test_openstack_cli_lists_and_shows_flavors(live):
    listed = live.openstack("flavor", "list", "-f", "json")
    assert [row["Name"] for row in listed] == ["m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.nano",
                                               "m1.xlarge", "m1.micro"]
    tiny = next(row for row in listed if row["Name"] == "m1.tiny")
    assert tiny["RAM"] == 512 and tiny["VCPUs"] == 1 and tiny["Disk"] == 1 and tiny["Is Public"] is True
    shown = live.openstack("flavor", "show", "m1.tiny", "-f", "json")
    assert shown["id"] == "1" and shown["ram"] == 512 and shown["name"] == "m1.tiny"


def test_openstack_cli_admin_sees_private_flavors_with_all(live):
    live.openstack("flavor", "create", "--ram", "64", "--disk", "1", "--vcpus", "1", "--private", "--id", "p1",
                   "hidden", "-f", "json", user="admin")
    everything = live.openstack("flavor", "list", "--all", "-f", "json", user="admin")
    assert "hidden" in [row["Name"] for row in everything]
    assert "hidden" not in [row["Name"] for row in live.openstack("flavor", "list", "-f", "json")]
    live.openstack("flavor", "delete", "hidden", user="admin")
    assert "hidden" not in [row["Name"] for row in live.openstack("flavor", "list", "--all", "-f", "json",
                                                                   user="admin")]


def test_openstacksdk_lists_and_finds_flavors(live):
    conn = live.sdk("demo")
    flavors = list(conn.compute.flavors())
    assert [f.id for f in flavors] == SEEDED_IDS
    tiny = conn.compute.find_flavor("m1.tiny")
    assert tiny.id == "1" and tiny.ram == 512 and tiny.vcpus == 1
    assert conn.compute.find_flavor("m1.nope") is None


def test_openstacksdk_pages_with_small_limit(live):
    conn = live.sdk("demo")
    assert [f.id for f in conn.compute.flavors(details=False, limit=2, paginated=True)] == SEEDED_IDS


def test_novaclient_lists_and_finds_flavors(live):
    nova = live.novaclient("demo")
    assert [f.id for f in nova.flavors.list()] == SEEDED_IDS
    tiny = nova.flavors.find(name="m1.tiny")
    assert tiny.id == "1" and tiny.ram == 512
    assert nova.flavors.get("3").name == "m1.medium"
