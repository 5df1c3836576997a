"""Shared bits for the servers tests: paths, seeded ids, and a create call that checks its answer."""

from __future__ import annotations

from fakenova.microversion import APIVersion
from tests.tempest_schemas import assert_valid

SERVERS = "/compute/v2.1/servers"
CLIENT = "servers_client.ServersClient"
IMAGE_NAME = "cirros-0.6.2-x86_64-disk"


def store_ids(backend, *collections: str) -> dict:
    """The ids in each named store collection: taken before a client's flow and after its teardown,
    the two must be equal (nothing left behind, nothing of the seed removed)."""
    return {name: sorted(getattr(backend.store, name)) for name in collections}


def image_id(backend) -> str:
    return next(i["id"] for i in backend.store.images.values() if i["name"] == IMAGE_NAME)


def network_id(backend, name: str = "private") -> str:
    return next(n["id"] for n in backend.store.networks.values() if n["name"] == name)


def create(api, *, version: str = "2.37", user: str = "demo", name: str = "vm", **server) -> dict:
    """POST /servers (202, checked with Tempest's schema); returns the response body's server."""
    body = {"name": name, "imageRef": image_id(api.backend), "flavorRef": "1"}
    if APIVersion.parse(version) >= "2.37":
        body["networks"] = "auto"  # required from 2.37 on
    body.update(server)
    response = api.post(SERVERS, json={"server": body}, version=version, user=user)
    assert response.status_code == 202, response.get_data(as_text=True)
    # Tempest checks a create with its 2.1 schema at every microversion (adminPass is on by default).
    assert_valid(CLIENT, "create_server_with_admin_pass", "2.1", 202, response.headers, response.get_json())
    return response.get_json()["server"]


def show(api, server_id: str, *, version: str = "2.1", user: str = "demo") -> dict:
    response = api.get(f"{SERVERS}/{server_id}", version=version, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(CLIENT, "get_server", version, 200, response.headers, response.get_json())
    return response.get_json()["server"]


def fault(response) -> tuple[int, dict]:
    return response.status_code, response.get_json()


def force_down(api, host: str = "compute1", down: bool = True) -> None:
    """Mark a host's nova-compute service forced down (or up again), as an operator does before an
    evacuation: PUT /os-services/{uuid} at 2.53, as admin."""
    services = api.get("/compute/v2.1/os-services?binary=nova-compute&host=" + host, user="admin",
                       version="2.53").get_json()["services"]
    response = api.put(f"/compute/v2.1/os-services/{services[0]['id']}", user="admin", version="2.53",
                       json={"forced_down": down})
    assert response.status_code == 200, response.get_data(as_text=True)
