"""The "next" link of Nova's paged compute collections: servers, flavors, key pairs, instance actions.

Nova builds every one in nova/api/openstack/common.py (ViewBuilder._get_collection_links and
_get_next_link): the request's query parameters after its schema dropped the unknown ones, as
``OrderedDict(sorted(request.params.items()))`` (webob's items() keeps every repeated value, so a
repeated parameter keeps the value that sorts last), the marker set to the last item's key, urlencoded.
"""

from __future__ import annotations

import collections
from urllib.parse import urlencode

import pytest
import webob
from hypothesis import given, strategies as st
from werkzeug.wrappers import Request

from fakenova.views.links import next_href
from tests.server_helpers import CLIENT as SERVERS_CLIENT, SERVERS, create as create_server, image_id
from tests.tempest_schemas import assert_valid
from tests.test_instance_actions import actions, booted, post_action
from tests.test_keypairs import ED25519_PUB, create as create_keypair, user_id
from tests.test_keypairs import CLIENT as KEYPAIRS_CLIENT, KEYPAIRS

COMPUTE = "http://localhost/compute/v2.1"


# --- the rule itself, against webob's MultiDict -----------------------------------------------------

def _nova_next_href(query_string: str, marker: str) -> str:
    """Nova's lines, on a real webob request: what the link must be."""
    params = collections.OrderedDict(sorted(webob.Request.blank(f"/c?{query_string}").params.items()))
    params["marker"] = marker
    return f"/c?{urlencode(params)}"


_pairs = st.lists(st.tuples(st.sampled_from(["limit", "marker", "name", "sort_key", "zone", "a b"]),
                            st.text(alphabet="ab10 &=é", max_size=3)), max_size=8)


@given(pairs=_pairs, marker=st.text(alphabet="xyz-&", min_size=1, max_size=4))
def test_next_href_is_novas_rule_on_any_query(pairs, marker):
    query_string = urlencode(pairs)
    args = Request.from_values(query_string=query_string).args  # Flask's request.args
    params = {key: args.getlist(key) for key in args.keys()}
    assert next_href("/c", params, marker) == _nova_next_href(query_string, marker)


def test_a_repeated_parameter_keeps_the_value_that_sorts_last_and_a_marker_keeps_its_place():
    params = {"name": ["b", "a"], "limit": ["10", "9"], "marker": ["old"], "zone": ["z"]}
    assert next_href("/c", params, "new") == "/c?limit=9&marker=new&name=b&zone=z"
    assert next_href("/c", {"sort_key": ["name"]}, "m 1") == "/c?sort_key=name&marker=m+1"


# --- servers -------------------------------------------------------------------------------------

def _servers(api, path: str, *, version: str = "2.1", user: str = "demo") -> dict:
    response = api.get(path, version=version, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    schema = "list_servers_detail" if "/detail" in path else "list_servers"
    assert_valid(SERVERS_CLIENT, schema, version, 200, response.headers, response.get_json())
    return response.get_json()


@pytest.fixture
def abc_servers(api) -> dict[str, str]:
    return {name: create_server(api, name=name)["id"] for name in ("a", "b", "c")}


def test_servers_link_keeps_the_sort_values_that_sort_last(api, abc_servers):
    body = _servers(api, f"{SERVERS}?sort_key=display_name&sort_key=created_at&sort_dir=asc&sort_dir=desc&limit=1")
    assert [s["id"] for s in body["servers"]] == [abc_servers["a"]]
    assert body["servers_links"] == [{"rel": "next", "href": (
        f"{COMPUTE}/servers?limit=1&sort_dir=desc&sort_key=display_name&marker={abc_servers['a']}")}]


def test_servers_link_names_the_filter_value_that_sorts_last_not_the_one_searched(api, abc_servers):
    # Nova searches with the last value given (name=a) but its link keeps the one that sorts last.
    body = _servers(api, f"{SERVERS}/detail?limit=1&name=b&name=a")
    assert [s["name"] for s in body["servers"]] == ["a"]
    assert body["servers_links"] == [{"rel": "next", "href": (
        f"{COMPUTE}/servers/detail?limit=1&name=b&marker={abc_servers['a']}")}]


def test_servers_link_drops_unknown_parameters_and_keeps_filters_a_member_may_not_use(api, abc_servers):
    body = _servers(api, f"{SERVERS}?limit=1&foo=bar&host=nowhere&sort_key=display_name&sort_dir=asc",
                    version="2.74")
    assert [s["id"] for s in body["servers"]] == [abc_servers["a"]]  # a member's host filter is ignored
    assert body["servers_links"] == [{"rel": "next", "href": (
        f"{COMPUTE}/servers?host=nowhere&limit=1&sort_dir=asc&sort_key=display_name&marker={abc_servers['a']}")}]


# --- flavors -------------------------------------------------------------------------------------

def _flavors(api, path: str, version: str = "2.1") -> dict:
    response = api.get(path, version=version)
    assert response.status_code == 200, response.get_data(as_text=True)
    schema = "list_flavors_details" if "/detail" in path else "list_flavors"
    assert_valid("flavors_client.FlavorsClient", schema, version, 200, response.headers, response.get_json())
    return response.get_json()


def test_flavors_link_keeps_the_repeated_value_that_sorts_last(api):
    # The page is sorted with the last sort_dir given (asc); the link carries the one sorting last.
    body = _flavors(api, f"{COMPUTE}/flavors?limit=2&sort_dir=desc&sort_dir=asc&minRam=0")
    assert [f["id"] for f in body["flavors"]] == ["1", "2"]
    assert body["flavors_links"] == [
        {"rel": "next", "href": f"{COMPUTE}/flavors?limit=2&minRam=0&sort_dir=desc&marker=2"}]


def test_flavors_link_drops_unknown_parameters_and_replaces_the_marker(api):
    body = _flavors(api, f"{COMPUTE}/flavors/detail?limit=2&foo=1&marker=1", version="2.74")
    assert [f["id"] for f in body["flavors"]] == ["2", "3"]
    assert body["flavors_links"] == [{"rel": "next", "href": f"{COMPUTE}/flavors/detail?limit=2&marker=3"}]


# --- key pairs -----------------------------------------------------------------------------------

def _keypairs(api, query: str, *, user: str = "demo", version: str = "2.35") -> dict:
    response = api.get(f"{KEYPAIRS}?{query}", user=user, version=version)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    # Tempest's keypairs schemas stop at 2.2 and know no keypairs_links.
    assert_valid(KEYPAIRS_CLIENT, "list_keypairs", version, 200, response.headers, body,
                 unknown_to_tempest=("keypairs_links",))
    return body


def test_keypairs_link_keeps_the_user_id_that_sorts_last(api, backend):
    for name in ("a", "b"):
        create_keypair(api, "2.2", name=name, public_key=ED25519_PUB)
    create_keypair(api, "2.2", user="alt_demo", name="z", public_key=ED25519_PUB)
    demo, alt = user_id(backend, "demo"), user_id(backend, "alt_demo")
    # Nova lists the first user_id given; the link keeps the one that sorts last.
    body = _keypairs(api, f"user_id={demo}&user_id={alt}&limit=1", user="admin")
    assert [k["keypair"]["name"] for k in body["keypairs"]] == ["a"]
    assert body["keypairs_links"] == [
        {"rel": "next", "href": f"{COMPUTE}/os-keypairs?limit=1&user_id={max(demo, alt)}&marker=a"}]


def test_keypairs_link_drops_unknown_parameters(api):
    for name in ("a", "b"):
        create_keypair(api, "2.2", name=name, public_key=ED25519_PUB)
    body = _keypairs(api, "limit=1&foo=bar", version="2.74")
    assert body["keypairs_links"] == [{"rel": "next", "href": f"{COMPUTE}/os-keypairs?limit=1&marker=a"}]


# --- instance actions ----------------------------------------------------------------------------


def test_instance_actions_link_sorts_the_query_and_replaces_the_marker(frozen):
    server_id, create_request = booted(frozen)
    stop = post_action(frozen, server_id, {"os-stop": None})
    frozen.backend.clock.advance(2)
    start = post_action(frozen, server_id, {"os-start": None})
    page = actions(frozen, server_id, version="2.58",
                   query=f"?marker={start}&changes-since=2000-01-01T00:00:00Z&limit=1")
    assert [a["request_id"] for a in page["instanceActions"]] == [stop]
    assert page["links"] == [{"rel": "next", "href": (
        f"{COMPUTE}/servers/{server_id}/os-instance-actions"
        f"?changes-since=2000-01-01T00%3A00%3A00Z&limit=1&marker={stop}")}]
    rest = actions(frozen, server_id, version="2.58", query=page["links"][0]["href"].split("os-instance-actions")[1])
    assert [a["request_id"] for a in rest["instanceActions"]] == [create_request]


@pytest.mark.parametrize("query, message", [
    ("limit=1&limit=2", "Invalid input for query parameters limit. Value: ['1', '2']. ['1', '2'] is too long"),
    ("limit=1&foo=bar", "Additional properties are not allowed ('foo' was unexpected)"),
])
def test_instance_actions_refuse_repeated_and_unknown_parameters(frozen, query, message):
    # From 2.58 (where links start) Nova's schema takes each parameter once and nothing else.
    server_id, _ = booted(frozen)
    response = frozen.get(f"{SERVERS}/{server_id}/os-instance-actions?{query}", version="2.58")
    assert (response.status_code, response.get_json()) == (400, {"badRequest": {"code": 400, "message": message}})


# --- a real client follows the links ---------------------------------------------------------------

def test_openstacksdk_pages_instance_actions_through_next_links(live):
    live.backend.settings.durations = {"build": 0}
    conn = live.sdk()
    server = conn.compute.create_server(name="vm", image_id=image_id(live.backend), flavor_id="1", networks="auto")
    for lock in (conn.compute.lock_server, conn.compute.unlock_server):
        live.backend.clock.advance(1)
        lock(server)
    live.backend.journal.clear()
    listed = conn.compute.server_actions(server, limit=1, changes_since="2000-01-01T00:00:00Z")
    assert [a.action for a in listed] == ["unlock", "lock", "create"]
    # One page per action, then the empty page after the last full one, each asked by the next link.
    sent = [entry["query"] for entry in live.backend.journal.entries(method="GET")]
    assert [sorted(query) for query in sent] == [["changes-since", "limit"]] + [["changes-since", "limit", "marker"]] * 3
