"""/os-keypairs across microversions, through HTTP and with the real clients.

Oracles that do not come from fakenova: fingerprints printed by ``ssh-keygen -l -E md5`` and
``openssl x509 -fingerprint -sha1`` for the fixture keys below, Tempest's response schemas, and
key material loaded back with ``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fakenova import create_app
from fakenova.backend import Backend
from fakenova.clock import Clock
from tests.conftest import Api
from tests.tempest_schemas import assert_valid

KEYPAIRS = "/compute/v2.1/os-keypairs"
CLIENT = "keypairs_client.KeyPairsClient"

# ssh-keygen -t ed25519; `ssh-keygen -l -E md5` printed the fingerprint.
ED25519_PUB = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID72zaCjQPGIs97cgUD7gilQ5xXB5wPU4T11yeKH3vIH "
               "fixture@fakenova")
ED25519_MD5 = "cc:58:9a:23:c5:69:85:c2:cf:85:31:12:87:4f:6a:d3"
ECDSA_PUB = ("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPiQHQNDXaXtwfExJ18wzY3"
             "lPtoxLxCSsEng7lOJbZ7zTgkhn/okDmw0kkphlbAL67TMBQC/0eR0eusH/qP8KdE= ecdsa-fixture\n")
ECDSA_MD5 = "f5:7e:88:7f:d8:5d:6f:d2:94:d2:99:7c:b7:f8:52:7a"
# openssl req -x509 -newkey rsa:2048 -subj /CN=fixture; `openssl x509 -fingerprint -sha1` printed it.
CERT_PEM = """-----BEGIN CERTIFICATE-----
MIIDBTCCAe2gAwIBAgIUbcz31I3D6JZTGQ1PfMtHRoHZxA4wDQYJKoZIhvcNAQEL
BQAwEjEQMA4GA1UEAwwHZml4dHVyZTAeFw0yNjExMjgxMTUxMTBaFw0zNjExMjUx
MTUxMTBaMBIxEDAOBgNVBAMMB2ZpeHR1cmUwggEiMA0GCSqGSIb3DQEBAQUAA4IB
DwAwggEKAoIBAQCQNFcJk2pqryfrVqdmGq+FOemIpZpE4xJ+b2QBH/LQLVTXiQNY
dhv3d5/EUNdAr0jjQZDPOGWumFPlZr4oWUveDk9oZEmccy5W5qr9j6h3xGflDrQt
gU2go3NiiAcUlF0Sc7V8LagLYhJnpVwPSBCD2weUmMOp/6go6OZtmkf1+pKVaFDg
yV9llDwzijB6yADhqsjeO/kbQC4wA7GWULYAL8X8rkwt9sC+3VpDZLBKXmTHNW2W
UcKFEjQcL/eMJtTZFbyCLGQ/q7nw3mZ2uVOHiQIcFbCY+1TiiiAAXdjWFxb7kgyo
ehAffIYC2EqNUFi6lJRy6smBO99XoEk7LSNrAgMBAAGjUzBRMB0GA1UdDgQWBBS5
HJl47j4NoPO8RrgZI0+o5U8LgzAfBgNVHSMEGDAWgBS5HJl47j4NoPO8RrgZI0+o
5U8LgzAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQAz5p7njzHY
tl+g+VN5iK2HdljTDdXQ0Y9kOj12A2nTTSjo0VYirxfWK+QK6+jjME7nWcP1SaJh
7TrCG4Q2rZ4vuvPsukylQAHQITtC2suIzSogT9qJsTBq45zVGI+lemOVI7W0UiSX
eiaAmFPd0F2b+ArGZOpoUqhGpCi/669GxAKei0gTPx9EFLzqtULykkfUAWbqbhni
hi9Fmjk450jUJ6nN+LOB9G/HbIgKJC4XTctfBJZptKjhXP/WARp6kXzygecQRxR7
DAaiIAYAEnJj7+cGDKMWxKGVpXBEqdTABGsIIed+PYNl1ESQFRJBOWNt++Gf2qWX
KaorgyMooORb
-----END CERTIFICATE-----
"""
CERT_SHA1 = "48:64:f1:ad:e8:21:75:b9:23:b8:74:0b:f8:0b:7d:74:f3:63:e1:55"


def user_id(backend, name: str) -> str:
    return next(u["id"] for u in backend.store.users.values() if u["name"] == name)


def create(api, version, user="demo", **keypair):
    return api.post(KEYPAIRS, user=user, version=version, json={"keypair": keypair})


def fault(name: str, code: int, message: str) -> dict:
    return {name: {"code": code, "message": message}}


def bad_request(message: str) -> dict:
    return fault("badRequest", 400, message)


def md5_of_blob(openssh_public_key: str) -> str:
    digest = hashlib.md5(base64.b64decode(openssh_public_key.split()[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def assert_rsa_pair(private_pem: str, public_key: str) -> None:
    """The private key is a real RSA 2048 key in traditional PEM, and the public key is its own."""
    assert private_pem.startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    openssh = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                            serialization.PublicFormat.OpenSSH).decode()
    assert public_key == f"{openssh} Generated-by-Nova"


# --- create ------------------------------------------------------------------------------------


def test_generate_at_2_1_answers_200_with_a_real_private_key(api):
    response = create(api, "2.1", name="gen")
    assert response.status_code == 200
    body = response.get_json()
    assert_valid(CLIENT, "create_keypair", "2.1", 200, response.headers, body)
    keypair = body["keypair"]
    assert set(keypair) == {"name", "public_key", "fingerprint", "user_id", "private_key"}
    assert keypair["name"] == "gen" and keypair["user_id"] == user_id(api.backend, "demo")
    assert_rsa_pair(keypair["private_key"], keypair["public_key"])
    assert keypair["fingerprint"] == md5_of_blob(keypair["public_key"])


@pytest.mark.parametrize("version", ["2.2", "2.10", "2.35", "2.91"])
def test_generate_from_2_2_answers_201_with_type(api, version):
    response = create(api, version, name="gen")
    assert response.status_code == 201
    body = response.get_json()
    assert_valid(CLIENT, "create_keypair", version, 201, response.headers, body)
    assert body["keypair"]["type"] == "ssh"
    assert_rsa_pair(body["keypair"]["private_key"], body["keypair"]["public_key"])


@pytest.mark.parametrize("public_key, fingerprint", [(ED25519_PUB, ED25519_MD5), (ECDSA_PUB, ECDSA_MD5)])
@pytest.mark.parametrize("version", ["2.1", "2.2", "2.10", "2.35", "2.92", "latest"])
def test_import_keeps_the_key_and_computes_the_md5_fingerprint(api, version, public_key, fingerprint):
    response = create(api, version, name="imported", public_key=public_key)
    expected_status = 200 if version == "2.1" else 201
    assert response.status_code == expected_status
    body = response.get_json()
    assert_valid(CLIENT, "create_keypair", "2.104" if version == "latest" else version,
                 expected_status, response.headers, body)
    expected = {"name": "imported", "public_key": public_key, "fingerprint": fingerprint,
                "user_id": user_id(api.backend, "demo")}
    if version != "2.1":
        expected["type"] = "ssh"
    assert body == {"keypair": expected}


def test_x509_generation_gives_a_certificate_and_a_pkcs12_bundle(api):
    response = create(api, "2.2", name="win", type="x509")
    assert response.status_code == 201
    body = response.get_json()
    assert_valid(CLIENT, "create_keypair", "2.2", 201, response.headers, body)
    keypair = body["keypair"]
    assert keypair["type"] == "x509"
    certificate = x509.load_pem_x509_certificate(keypair["public_key"].encode())
    demo = user_id(api.backend, "demo")
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == demo
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert keypair["fingerprint"] == ":".join(f"{b:02x}" for b in certificate.fingerprint(hashes.SHA1()))
    key, bundled_cert, _ = pkcs12.load_key_and_certificates(base64.b64decode(keypair["private_key"]), None)
    assert bundled_cert == certificate
    assert key.public_key().public_numbers() == certificate.public_key().public_numbers()


def test_x509_import_fingerprint_is_sha1_of_the_certificate(api):
    response = create(api, "2.2", name="cert", type="x509", public_key=CERT_PEM)
    assert response.status_code == 201
    assert response.get_json()["keypair"]["fingerprint"] == CERT_SHA1


def test_x509_import_of_garbage_is_400(api):
    response = create(api, "2.2", name="cert", type="x509", public_key="not a certificate")
    assert response.status_code == 400
    assert response.get_json() == bad_request(
        "Keypair data is invalid: failed to generate X509 fingerprint. Error message: Unable to load PEM "
        "file. See https://cryptography.io/en/latest/faq/#why-can-t-i-import-my-pem-file for more details. "
        "MalformedFraming")


@pytest.mark.parametrize("public_key", ["ssh-rsa not-base64", "garbage", "", CERT_PEM,
                                        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID72"])
def test_invalid_public_key_is_400(api, public_key):
    response = create(api, "2.10", name="bad", public_key=public_key)
    assert response.status_code == 400
    assert response.get_json() == bad_request("Keypair data is invalid: failed to generate fingerprint")
    assert api.get(KEYPAIRS, version="2.10").get_json() == {"keypairs": []}


def test_duplicate_name_is_409_and_other_users_may_reuse_it(api):
    assert create(api, "2.2", name="dup", public_key=ED25519_PUB).status_code == 201
    response = create(api, "2.2", name="dup", public_key=ECDSA_PUB)
    assert response.status_code == 409
    assert response.get_json() == fault("conflictingRequest", 409, "Key pair 'dup' already exists.")
    response = create(api, "2.2", name="dup")
    assert response.status_code == 409
    assert create(api, "2.2", user="alt_demo", name="dup", public_key=ECDSA_PUB).status_code == 201


def test_public_key_is_required_from_2_92(api):
    response = create(api, "2.92", name="gen")
    assert response.status_code == 400
    assert response.get_json() == bad_request(
        "Invalid input for field/attribute keypair. Value: {'name': 'gen'}. 'public_key' is a required property")


NAME_RULE = ("An invalid 'name' value was provided. The name must be: printable characters. "
             "Can not start or end with whitespace.")


@pytest.mark.parametrize("version, name, message", [
    ("2.1", "bad!", "Invalid input for field/attribute name. Value: bad!. 'bad!' does not match "
                    "'^[_\\\\- a-zA-Z0-9]+$'"),
    ("2.91", "me@example.com", "Invalid input for field/attribute name. Value: me@example.com. "
                               "'me@example.com' does not match '^[_\\\\- a-zA-Z0-9]+$'"),
    ("2.92", "a/b", "Invalid input for field/attribute name. Value: a/b. 'a/b' does not match "
                    "'^[_\\\\-\\\\@\\\\. a-zA-Z0-9]+$'"),
    ("2.10", " lead", NAME_RULE),
    ("2.10", "", "Invalid input for field/attribute name. Value: . '' should be non-empty"),
    ("2.10", "x" * 256, f"Invalid input for field/attribute name. Value: {'x' * 256}. '{'x' * 256}' is too long"),
    ("2.10", 12, "Invalid input for field/attribute name. Value: 12. 12 is not of type 'string'"),
])
def test_bad_names_are_400(api, version, name, message):
    response = create(api, version, name=name, public_key=ED25519_PUB)
    assert response.status_code == 400
    assert response.get_json() == bad_request(message)


def test_at_and_dot_are_allowed_in_names_from_2_92(api):
    response = create(api, "2.92", name="me@example.com", public_key=ED25519_PUB)
    assert response.status_code == 201
    assert api.get(f"{KEYPAIRS}/me@example.com", version="2.92").get_json()["keypair"]["name"] == "me@example.com"


@pytest.mark.parametrize("version, field, value", [("2.1", "type", "ssh"), ("2.9", "user_id", "x")])
def test_fields_before_their_microversion_are_400(api, version, field, value):
    response = create(api, version, name="k", public_key=ED25519_PUB, **{field: value})
    assert response.status_code == 400
    assert response.get_json() == bad_request(
        f"Invalid input for field/attribute keypair. Value: {{'name': 'k', 'public_key': '{ED25519_PUB}', "
        f"'{field}': '{value}'}}. Additional properties are not allowed ('{field}' was unexpected)")


def test_unknown_type_is_400(api):
    response = create(api, "2.2", name="k", type="rsa")
    assert response.status_code == 400
    assert response.get_json() == bad_request(
        "Invalid input for field/attribute type. Value: rsa. 'rsa' is not one of ['ssh', 'x509']")


def test_missing_keypair_object_is_400(api):
    response = api.post(KEYPAIRS, version="2.2", json={"name": "k"})
    assert response.status_code == 400
    assert response.get_json() == bad_request("'keypair' is a required property")


# --- show, delete --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2.1", "2.2", "2.10", "2.35", "2.92", "latest"])
def test_show_has_the_database_fields(api, version):
    created = create(api, "2.10", name="shown", public_key=ED25519_PUB).get_json()["keypair"]
    response = api.get(f"{KEYPAIRS}/shown", version=version)
    assert response.status_code == 200
    body = response.get_json()
    assert_valid(CLIENT, "get_keypair", "2.104" if version == "latest" else version, 200, response.headers, body)
    keypair = body["keypair"]
    expected = {"name", "public_key", "fingerprint", "user_id", "created_at", "updated_at", "deleted",
                "deleted_at", "id"} | ({"type"} if version != "2.1" else set())
    assert set(keypair) == expected
    assert keypair["fingerprint"] == created["fingerprint"] == ED25519_MD5
    assert (keypair["deleted"], keypair["deleted_at"], keypair["updated_at"]) == (False, None, None)
    assert isinstance(keypair["id"], int)


def test_created_at_comes_from_the_fake_clock_and_ids_count_up():
    backend = Backend(clock=Clock(frozen=True, start=1700000000.5))
    api = Api(create_app(backend=backend).test_client(), backend)
    create(api, "2.2", name="first", public_key=ED25519_PUB)
    create(api, "2.2", name="second", public_key=ECDSA_PUB)
    first = api.get(f"{KEYPAIRS}/first", version="2.2").get_json()["keypair"]
    second = api.get(f"{KEYPAIRS}/second", version="2.2").get_json()["keypair"]
    assert first["created_at"] == "2023-11-14T22:13:20.500000"
    assert (first["id"], second["id"]) == (1, 2)


def test_missing_keypair_is_404_with_the_user(api):
    demo = user_id(api.backend, "demo")
    for method in ("GET", "DELETE"):
        response = api.request(method, f"{KEYPAIRS}/nope", version="2.2")
        assert response.status_code == 404
        assert response.get_json() == fault("itemNotFound", 404, f"Keypair nope not found for user {demo}")


def test_another_users_keypair_is_404(api):
    create(api, "2.2", name="mine", public_key=ED25519_PUB)
    alt = user_id(api.backend, "alt_demo")
    for method in ("GET", "DELETE"):
        response = api.request(method, f"{KEYPAIRS}/mine", user="alt_demo", version="2.2")
        assert response.status_code == 404
        assert response.get_json() == fault("itemNotFound", 404, f"Keypair mine not found for user {alt}")
    assert api.get(f"{KEYPAIRS}/mine", version="2.2").status_code == 200


@pytest.mark.parametrize("version, status", [("2.1", 202), ("2.2", 204), ("latest", 204)])
def test_delete_status_changes_at_2_2_and_has_no_body(api, version, status):
    create(api, "2.1", name="gone", public_key=ED25519_PUB)
    response = api.delete(f"{KEYPAIRS}/gone", version=version)
    assert response.status_code == status
    assert response.data == b"" and "Content-Type" not in response.headers
    assert_valid(CLIENT, "delete_keypair", "2.104" if version == "latest" else version, status,
                 response.headers, None)
    assert api.get(f"{KEYPAIRS}/gone", version=version).status_code == 404


# --- list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2.1", "2.2", "2.10", "2.35", "2.92", "latest"])
def test_list_is_the_callers_keypairs_sorted_by_name(api, version):
    for name, key in (("charlie", ED25519_PUB), ("alpha", ECDSA_PUB), ("bravo", ED25519_PUB)):
        create(api, "2.2", name=name, public_key=key)
    create(api, "2.2", user="alt_demo", name="other", public_key=ED25519_PUB)
    response = api.get(KEYPAIRS, version=version)
    assert response.status_code == 200
    body = response.get_json()
    assert_valid(CLIENT, "list_keypairs", "2.104" if version == "latest" else version, 200, response.headers, body)
    assert [item["keypair"]["name"] for item in body["keypairs"]] == ["alpha", "bravo", "charlie"]
    first = body["keypairs"][0]["keypair"]
    expected = {"name": "alpha", "public_key": ECDSA_PUB, "fingerprint": ECDSA_MD5}
    if version != "2.1":
        expected["type"] = "ssh"
    assert first == expected


def test_pagination_from_2_35(api):
    for name in ("c", "a", "b"):
        create(api, "2.2", name=name, public_key=ED25519_PUB)
    page = api.get(KEYPAIRS, version="2.35", query_string={"limit": "2"}, base_url="http://nova.example:8774")
    assert page.status_code == 200
    body = page.get_json()
    assert [item["keypair"]["name"] for item in body["keypairs"]] == ["a", "b"]
    assert body["keypairs_links"] == [
        {"rel": "next", "href": "http://nova.example:8774/compute/v2.1/os-keypairs?limit=2&marker=b"}]
    rest = api.get(KEYPAIRS, version="2.35", query_string={"limit": "2", "marker": "b"}).get_json()
    assert rest == {"keypairs": [{"keypair": {"name": "c", "public_key": ED25519_PUB,
                                              "fingerprint": ED25519_MD5, "type": "ssh"}}]}
    empty = api.get(KEYPAIRS, version="2.35", query_string={"limit": "0"}).get_json()
    assert empty == {"keypairs": []}


def test_pagination_parameters_are_ignored_before_2_35(api):
    for name in ("a", "b"):
        create(api, "2.2", name=name, public_key=ED25519_PUB)
    body = api.get(KEYPAIRS, version="2.34", query_string={"limit": "1", "marker": "zz"}).get_json()
    assert [item["keypair"]["name"] for item in body["keypairs"]] == ["a", "b"]
    assert "keypairs_links" not in body


@pytest.mark.parametrize("query, message", [
    ({"marker": "zz"}, "Marker zz could not be found."),
    ({"limit": "-1"}, "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"),
    ({"limit": "x"}, "Invalid input for query parameters limit. Value: x. 'x' does not match '^[0-9]*$'"),
])
def test_bad_pagination_is_400(api, query, message):
    response = api.get(KEYPAIRS, version="2.35", query_string=query)
    assert response.status_code == 400
    assert response.get_json() == bad_request(message)


def test_unknown_query_parameters_are_400_from_2_75(api):
    assert api.get(KEYPAIRS, version="2.74", query_string={"foo": "1"}).status_code == 200
    response = api.get(KEYPAIRS, version="2.75", query_string={"foo": "1"})
    assert response.status_code == 400
    assert response.get_json() == bad_request("Additional properties are not allowed ('foo' was unexpected)")


# --- other users: admin only, from 2.10 ----------------------------------------------------------


def test_admin_manages_another_users_keypairs_from_2_10(api):
    demo = user_id(api.backend, "demo")
    response = create(api, "2.10", user="admin", name="for-demo", public_key=ED25519_PUB, user_id=demo)
    assert response.status_code == 201
    assert response.get_json()["keypair"]["user_id"] == demo
    # It is demo's now: demo sees it, the admin's own list does not.
    assert api.get(f"{KEYPAIRS}/for-demo", version="2.10").status_code == 200
    assert api.get(KEYPAIRS, user="admin", version="2.10").get_json() == {"keypairs": []}
    listed = api.get(KEYPAIRS, user="admin", version="2.10", query_string={"user_id": demo}).get_json()
    assert [item["keypair"]["name"] for item in listed["keypairs"]] == ["for-demo"]
    shown = api.get(f"{KEYPAIRS}/for-demo", user="admin", version="2.10", query_string={"user_id": demo})
    assert shown.get_json()["keypair"]["user_id"] == demo
    deleted = api.delete(f"{KEYPAIRS}/for-demo", user="admin", version="2.10", query_string={"user_id": demo})
    assert deleted.status_code == 204
    assert api.get(f"{KEYPAIRS}/for-demo", version="2.10").status_code == 404


@pytest.mark.parametrize("method, path, action", [
    ("GET", KEYPAIRS, "index"), ("GET", f"{KEYPAIRS}/k", "show"), ("DELETE", f"{KEYPAIRS}/k", "delete")])
def test_non_admin_cannot_name_another_user(api, method, path, action):
    create(api, "2.2", user="alt_demo", name="k", public_key=ED25519_PUB)
    alt = user_id(api.backend, "alt_demo")
    response = api.request(method, path, version="2.10", query_string={"user_id": alt})
    assert response.status_code == 403
    assert response.get_json() == fault(
        "forbidden", 403, f"Policy doesn't allow os_compute_api:os-keypairs:{action} to be performed.")
    # Before 2.10 the parameter does not exist: demo just gets its own (empty) view.
    before = api.request(method, path, version="2.9", query_string={"user_id": alt})
    assert before.status_code == (200 if action == "index" else 404)


def test_empty_user_id_means_the_caller(api):
    create(api, "2.2", name="mine", public_key=ED25519_PUB)
    response = api.get(KEYPAIRS, version="2.10", query_string={"user_id": ""})
    assert [item["keypair"]["name"] for item in response.get_json()["keypairs"]] == ["mine"]
    response = create(api, "2.10", name="also-mine", public_key=ED25519_PUB, user_id="")
    assert response.get_json()["keypair"]["user_id"] == user_id(api.backend, "demo")


def test_non_admin_cannot_create_for_another_user(api):
    alt = user_id(api.backend, "alt_demo")
    response = create(api, "2.10", name="k", public_key=ED25519_PUB, user_id=alt)
    assert response.status_code == 403
    assert response.get_json() == fault(
        "forbidden", 403, "Policy doesn't allow os_compute_api:os-keypairs:create to be performed.")
    own = create(api, "2.10", name="k", public_key=ED25519_PUB, user_id=user_id(api.backend, "demo"))
    assert own.status_code == 201


# --- quota ---------------------------------------------------------------------------------------


def test_key_pairs_quota_is_403(api):
    project = api.backend.store.users[user_id(api.backend, "demo")]["default_project_id"]
    api.backend.store.quotas[project] = {"key_pairs": 2}
    assert create(api, "2.2", name="one", public_key=ED25519_PUB).status_code == 201
    assert create(api, "2.2", name="two").status_code == 201
    for extra in ({"public_key": ECDSA_PUB}, {}):
        response = create(api, "2.2", name="three", **extra)
        assert response.status_code == 403
        assert response.get_json() == fault("forbidden", 403, "Quota exceeded, too many key pairs.")
    # Deleting one frees a slot.
    api.delete(f"{KEYPAIRS}/one", version="2.2")
    assert create(api, "2.2", name="three", public_key=ECDSA_PUB).status_code == 201


def test_key_pairs_quota_counts_per_user(api):
    admin_project = api.backend.store.users[user_id(api.backend, "admin")]["default_project_id"]
    api.backend.store.quotas[admin_project] = {"key_pairs": 1}
    demo = user_id(api.backend, "demo")
    # The admin's project allows one key pair, but it counts the target user's pairs, not the project's.
    assert create(api, "2.10", user="admin", name="a", public_key=ED25519_PUB, user_id=demo).status_code == 201
    assert create(api, "2.10", user="admin", name="b", public_key=ED25519_PUB).status_code == 201
    response = create(api, "2.10", user="admin", name="c", public_key=ED25519_PUB)
    assert response.status_code == 403


# --- real clients against the live server --------------------------------------------------------


def test_openstack_cli_keypair_lifecycle(live, tmp_path):
    generated = live.openstack("keypair", "create", "cli-generated")
    # The CLI makes an ed25519 key itself, prints the private half and sends the public half.
    private = serialization.load_ssh_private_key(generated.stdout.encode(), password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    expected_public = private.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                        serialization.PublicFormat.OpenSSH).decode()
    shown_public = live.openstack("keypair", "show", "--public-key", "cli-generated").stdout
    assert shown_public.strip() == expected_public

    key_file = tmp_path / "id_ed25519.pub"
    key_file.write_text(ED25519_PUB + "\n")
    imported = live.openstack("keypair", "create", "--public-key", str(key_file), "cli-imported", "-f", "json")
    assert imported["fingerprint"] == ED25519_MD5 and imported["name"] == "cli-imported"

    listed = live.openstack("keypair", "list", "-f", "json")
    assert {(k["Name"], k["Fingerprint"]) for k in listed} == {
        ("cli-generated", md5_of_blob(expected_public)), ("cli-imported", ED25519_MD5)}
    shown = live.openstack("keypair", "show", "cli-imported", "-f", "json")
    assert shown["user_id"] == user_id(live.backend, "demo") and shown["type"] == "ssh"

    live.openstack("keypair", "delete", "cli-generated", "cli-imported")
    assert live.openstack("keypair", "list", "-f", "json") == []
    missing = live.openstack("keypair", "show", "cli-imported", check=False)
    assert missing.returncode != 0


def test_openstacksdk_generates_and_imports(live):
    conn = live.sdk("demo")
    generated = conn.compute.create_keypair(name="sdk-generated")
    assert_rsa_pair(generated.private_key, generated.public_key)
    imported = conn.create_keypair("sdk-imported", public_key=ED25519_PUB)
    assert imported.fingerprint == ED25519_MD5 and imported.private_key is None
    assert sorted(k.name for k in conn.compute.keypairs()) == ["sdk-generated", "sdk-imported"]
    fetched = conn.compute.get_keypair("sdk-imported")
    assert fetched.user_id == user_id(live.backend, "demo") and fetched.type == "ssh"
    conn.compute.delete_keypair("sdk-generated")
    assert conn.delete_keypair("sdk-imported") is True
    assert conn.delete_keypair("sdk-imported") is False
    assert list(conn.compute.keypairs()) == []


def test_novaclient_keypairs(live):
    from novaclient import exceptions

    nova = live.novaclient("demo")  # 2.latest: novaclient's newest, past 2.92 (public_key required)
    created = nova.keypairs.create("nova-imported", public_key=ECDSA_PUB)
    assert created.fingerprint == ECDSA_MD5 and created.type == "ssh"
    with pytest.raises(exceptions.Conflict) as raised:
        nova.keypairs.create("nova-imported", public_key=ED25519_PUB)
    assert "Key pair 'nova-imported' already exists." in str(raised.value)

    older = live.novaclient("demo", version="2.91")
    generated = older.keypairs.create("nova-generated")
    assert_rsa_pair(generated.private_key, generated.public_key)

    assert sorted(k.name for k in nova.keypairs.list()) == ["nova-generated", "nova-imported"]
    assert nova.keypairs.get("nova-imported").public_key == ECDSA_PUB
    admin = live.novaclient("admin")
    demo = user_id(live.backend, "demo")
    assert sorted(k.name for k in admin.keypairs.list(user_id=demo)) == ["nova-generated", "nova-imported"]
    nova.keypairs.delete("nova-imported")
    with pytest.raises(exceptions.NotFound):
        nova.keypairs.get("nova-imported")
    assert [k.name for k in nova.keypairs.list()] == ["nova-generated"]
