"""Hostile input: generated requests against every route must get a clean answer.

For every route in the Flask url_map (all services), hypothesis builds requests with random methods,
ids (unicode, huge, path tricks), tokens (valid for a random persona, garbage, none), microversion
headers, content types, query strings and bodies (random JSON, deep nesting, bytes). The promises:
never a 5xx; a 4xx carries the service's error shape (Nova: one key holding exactly code + message;
Keystone and the control plane: {"error": {...}}; Neutron: {"NeutronError": {...}}; Glance: WebOb's
page by Accept); never a Python traceback in the body.

`make test` runs a few examples per route (about 20 s in all). `--fuzz-long` or
FAKENOVA_FUZZ_EXAMPLES=N runs N per route.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fakenova import create_app
from fakenova.api.common import MAX_JSON_DEPTH
from fakenova.backend import Backend
from fakenova.config import Settings
from fakenova.pytest_plugin import instant_durations
from tests.conftest import password_auth

PERSONAS = ("admin", "demo", "reader", "manager", "alt_demo")
SHORT_EXAMPLES = 12
LONG_EXAMPLES = 400


def _examples(config) -> int:
    if os.environ.get("FAKENOVA_FUZZ_EXAMPLES"):
        return int(os.environ["FAKENOVA_FUZZ_EXAMPLES"])
    return LONG_EXAMPLES if config.getoption("--fuzz-long") else SHORT_EXAMPLES


def _routes() -> list[tuple[str, tuple[str, ...]]]:
    app = create_app()
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        found.append((rule.rule, tuple(sorted(rule.methods - {"OPTIONS"}))))
    return found


ROUTES = _routes()


class World:
    """One fake per test function, with a server and a key pair to aim at, and tokens per persona."""

    def __init__(self):
        self.backend = Backend(Settings(durations=instant_durations()))
        self.client = create_app(backend=self.backend).test_client()
        self.tokens = {}
        for user in PERSONAS:
            answer = self.client.post("/identity/v3/auth/tokens", json=password_auth(user))
            self.tokens[user] = answer.headers["X-Subject-Token"]
        image = next(iter(self.backend.store.images))
        created = self.client.post("/compute/v2.1/servers", headers={"X-Auth-Token": self.tokens["demo"]},
                                   json={"server": {"name": "target", "imageRef": image, "flavorRef": "1"}})
        assert created.status_code == 202, created.get_data(as_text=True)
        self.ids = [created.get_json()["server"]["id"], image, "1", "private", "default", "nova",
                    next(iter(self.backend.store.projects)), next(iter(self.backend.store.ports))]


# --- strategies ------------------------------------------------------------------------------------

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
_ids = st.one_of(
    st.uuids().map(str),
    st.sampled_from(["0", "-1", "detail", "..", "%2e%2e", "a" * 300, "\u00e9\u4e2d\U0001f600", "null",
                     "1e309", "' OR 1=1 --", "%00", "$(reboot)", "{}", "[]"]),
    _text.filter(lambda s: s and "/" not in s and "?" not in s and "#" not in s),
)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                     st.floats(allow_nan=False), _text, st.sampled_from(["a" * 70000, "\x00", "auto", "none"]))
_json = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_text, inner, max_size=4)), max_leaves=12)
_keys = st.sampled_from(["server", "keypair", "flavor", "quota_set", "metadata", "meta", "tags", "extra_specs",
                         "server_group", "interfaceAttachment", "reboot", "os-stop", "os-start", "resize",
                         "auth", "port", "floatingip", "status", "rules"])


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


_bodies = st.one_of(
    st.none(),
    _json.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(_keys, _json, min_size=1, max_size=2).map(lambda v: json.dumps(v).encode()),
    st.integers(min_value=1, max_value=3000).map(lambda d: ('{"server":' + _deep(d) + "}").encode()),
    st.binary(max_size=200),
    st.sampled_from([b"{", b"null", b"[]", b'"x"', b"\xff\xfe", b'{"a":1,"a":2}', b"x" * 200_000]),
)
_content_types = st.sampled_from([None, "application/json", "text/plain", "application/xml",
                                  "application/vnd.openstack.compute+json", "multipart/form-data; boundary=x",
                                  "application/json; charset=latin-1", "\u00e9/\u00e9"])
_versions = st.one_of(st.none(), st.sampled_from(["2.1", "2.26", "2.37", "2.75", "2.104", "latest", "2.105",
                                                  "1.0", "3.0", "2.0", "2.01", "2", "abc", "", " 2.5 ",
                                                  "2.99999999999999999999"]),
                      # what can travel in an HTTP header at all: latin-1, no control characters
                      st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                                     blacklist_categories=("Cc",)), max_size=20))
_query_values = st.one_of(_text, st.sampled_from(["(a|aa)+$", "(", "true", "-1", "99999999999999999999",
                                                 "2020-13-45", "asc", "desc", "\x00"]))
_query_keys = st.one_of(st.sampled_from(["name", "status", "limit", "marker", "sort_key", "sort_dir",
                                         "all_tenants", "changes-since", "tenant_id", "user_id", "ip",
                                         "flavor", "image", "deleted", "tags", "minRam", "is_public",
                                         "offset", "all_projects", "fields", "id"]), _text)
_queries = st.lists(st.tuples(_query_keys, _query_values), max_size=4)


@st.composite
def requests_for(draw, rule: str, methods: tuple[str, ...], world: World):
    path = re.sub(r"<[^>]+>", lambda _: draw(st.one_of(st.sampled_from(world.ids), _ids)), rule)
    method = draw(st.one_of(st.sampled_from(methods), st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])))
    headers = {}
    token = draw(st.one_of(st.sampled_from(PERSONAS), st.none(), st.sampled_from(["bogus", "gAAAAA" + "x" * 80])))
    if token is not None:
        headers["X-Auth-Token"] = world.tokens.get(token, token)
    version = draw(_versions)
    if version is not None:
        name = draw(st.sampled_from(["OpenStack-API-Version", "X-OpenStack-Nova-API-Version"]))
        headers[name] = f"compute {version}" if name == "OpenStack-API-Version" else version
    content_type = draw(_content_types)
    if content_type is not None:
        headers["Content-Type"] = content_type
    if rule.startswith("/image"):  # Glance's error page follows Accept (plain, HTML or JSON)
        accept = draw(st.sampled_from([None, "*/*", "application/json", "text/html;q=0.1, application/json;q=0.2",
                                       "\u00e9/\u00e9", ",;q=x"]))
        if accept is not None:
            headers["Accept"] = accept
    return method, path, draw(_queries), headers, draw(_bodies)


# --- the promises -----------------------------------------------------------------------------------

def _service(path: str) -> str:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in ("identity", "image", "networking", "_fake") else "compute"


def assert_clean_answer(response, path: str) -> None:
    text = response.get_data(as_text=True)
    status = response.status_code
    assert status < 500, f"{status}: {text[:500]}"
    assert "Traceback" not in text and 'File "' not in text, text[:500]
    if status < 400:
        return
    service = _service(path)
    if response.request.method == "HEAD":
        assert text == ""
        return
    if service == "image" and status != 401:  # keystonemiddleware's 401 is JSON for every service
        # WebOb's page by Accept: plain text or HTML naming the status, or {"message", "code", "title"}.
        if response.mimetype == "application/json":
            body = response.get_json()
            assert set(body) == {"message", "code", "title"} and body["code"].startswith(f"{status} "), body
        else:
            assert response.mimetype in ("text/plain", "text/html"), response.mimetype
            assert text.startswith(f"{status} ") or f"<title>{status} " in text, text[:300]
        return
    assert response.mimetype == "application/json", (response.mimetype, text[:300])
    body = response.get_json()
    if status == 401 or service in ("identity", "_fake"):  # keystonemiddleware's 401 is Keystone's shape
        assert set(body) == {"error"} and body["error"]["code"] == status and body["error"]["message"], body
    elif service == "networking":
        assert set(body) == {"NeutronError"} and body["NeutronError"]["message"], body
    else:
        assert len(body) == 1, body
        (fault,) = body.values()
        assert set(fault) == {"code", "message"} and fault["code"] == status and fault["message"], body


def _send(world: World, method, path, query, headers, body):
    return world.client.open(path, method=method, query_string=query, headers=headers, data=body)


@pytest.mark.parametrize("rule, methods", ROUTES, ids=[f"{' '.join(m)} {r}" for r, m in ROUTES])
def test_generated_requests_get_clean_answers(rule, methods, request):
    world = World()

    @settings(max_examples=_examples(request.config), deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data):
        method, path, query, headers, body = data.draw(requests_for(rule, methods, world))
        assert_clean_answer(_send(world, method, path, query, headers, body), path)

    check()


# --- regressions the fuzzer found, pinned as plain examples ---------------------------------------

@pytest.fixture(scope="module")
def world():
    return World()


@pytest.mark.parametrize("path", ["/compute/v2.1/servers", "/compute/v2.1/os-keypairs",
                                  "/networking/v2.0/ports", "/identity/v3/auth/tokens"])
def test_a_body_over_the_size_limit_is_413_in_the_services_shape(world, path):
    response = _send(world, "POST", path, [], {"X-Auth-Token": world.tokens["demo"],
                                               "Content-Type": "application/json"}, b"[" * 200_000)
    assert response.status_code == 413
    assert_clean_answer(response, path)
    if path.startswith("/compute"):
        assert response.get_json() == {"overLimit": {"code": 413, "message": "Request is too large."}}


def test_the_control_plane_has_no_body_limit_but_still_refuses_bad_json(world):
    # No 413 on /_fake (a state export must import back), and the nesting guard still holds.
    response = _send(world, "POST", "/_fake/faults", [], {"Content-Type": "application/json"}, b"[" * 200_000)
    assert (response.status_code, response.get_json()) == (
        400, {"error": {"code": 400, "message": "The body is not valid JSON."}})


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 500, 900, 5000])
def test_deeply_nested_json_is_a_malformed_body(world, depth):
    response = _send(world, "POST", "/compute/v2.1/servers", [], {
        "X-Auth-Token": world.tokens["demo"], "Content-Type": "application/json"},
        ('{"server":' + _deep(depth) + "}").encode())
    assert (response.status_code, response.get_json()) == (
        400, {"badRequest": {"code": 400, "message": "Malformed request body"}})


def test_nesting_within_the_cap_still_reaches_validation(world):
    response = _send(world, "POST", "/compute/v2.1/servers", [], {
        "X-Auth-Token": world.tokens["demo"], "Content-Type": "application/json"},
        ('{"server":' + _deep(MAX_JSON_DEPTH - 1) + "}").encode())
    assert response.status_code == 400
    assert response.get_json()["badRequest"]["message"].startswith("Invalid input for field/attribute server.")


@pytest.mark.parametrize("path", ["/networking/v2.0/ports", "/_fake/faults"])
def test_deeply_nested_json_elsewhere_is_a_400(world, path):
    response = _send(world, "POST", path, [], {"X-Auth-Token": world.tokens["admin"],
                                               "Content-Type": "application/json"}, _deep(3000).encode())
    assert response.status_code == 400
    assert_clean_answer(response, path)


def test_the_journal_survives_hostile_bodies(world):
    _send(world, "POST", "/compute/v2.1/servers", [], {"X-Auth-Token": world.tokens["demo"],
                                                       "Content-Type": "application/json"}, _deep(900).encode())
    journal = world.client.get("/_fake/requests").get_json()["requests"]
    assert journal[-1]["path"] == "/compute/v2.1/servers" and journal[-1]["status"] == 400


# --- the bounded regex helper for user filters (fakenova/domain/patterns.py) -----------------------

def test_user_regex_matches_like_re():
    from fakenova.domain.patterns import UserRegex

    assert UserRegex("name", "bob").search("xbobb") and not UserRegex("name", "^bob$").search("bobb")
    assert UserRegex("ip", "10\\.0").match("10.0.0.5") and not UserRegex("ip", "0\\.5").match("10.0.0.5")


def test_user_regex_stops_a_catastrophic_pattern_with_a_400():
    from fakenova.domain.patterns import UserRegex
    from fakenova.errors import BadRequest

    pattern = UserRegex("name", "(a|aa)+$")
    with pytest.raises(BadRequest) as caught:
        for _ in range(50):  # the budget is per pattern per request, not per server
            pattern.search("a" * 60 + "!")
    assert caught.value.message == ("Invalid input for query parameters name. Value: (a|aa)+$. "
                                    "The regular expression is too expensive to evaluate.")


@pytest.mark.parametrize("pattern, reason", [
    ("a" * 1025, "The pattern is longer than 1024 characters."),
    ("(", "Invalid regular expression: missing ) at position 1"),
])
def test_user_regex_refuses_bad_patterns(pattern, reason):
    from fakenova.domain.patterns import UserRegex
    from fakenova.errors import BadRequest

    with pytest.raises(BadRequest) as caught:
        UserRegex("name", pattern)
    assert caught.value.message == f"Invalid input for query parameters name. Value: {pattern}. {reason}"
