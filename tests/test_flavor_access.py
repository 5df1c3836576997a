"""Private flavors and who may use them: /flavors/{id}/os-flavor-access and the addTenantAccess /
removeTenantAccess flavor actions, through HTTP and with the real clients.

Oracles: nova/api/openstack/compute/flavor_access.py (texts, order of checks, 409 for a public flavor
from 2.7), nova/exception.py (FlavorAccessExists, FlavorAccessNotFound name the flavor's internal id),
nova/api/openstack/identity.py (400 for a project Keystone does not know), nova/policies/flavor_access.py
(all three admin only), Tempest's flavors_access response schema.
"""

from __future__ import annotations

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import flavors_access
from tempest.lib.common.rest_client import RestClient

from tests.server_helpers import IMAGE_NAME, SERVERS, create, image_id
from tests.tempest_schemas import _Resp, assert_valid

FLAVORS = "/compute/v2.1/flavors"


def project_id(backend, name: str) -> str:
    return next(p["id"] for p in backend.store.projects.values() if p["name"] == name)


def access(response, status: int = 200) -> list[dict]:
    """The access list of a success answer, checked with Tempest's schema."""
    assert response.status_code == status, response.get_data(as_text=True)
    RestClient.validate_response(flavors_access.add_remove_list_flavor_access,
                                 _Resp(response.status_code, response.headers), response.get_json())
    return response.get_json()["flavor_access"]


def fault(response) -> tuple[int, dict]:
    return response.status_code, response.get_json()


def error(code: int, message: str) -> tuple[int, dict]:
    name = {400: "badRequest", 403: "forbidden", 404: "itemNotFound", 409: "conflictingRequest"}[code]
    return code, {name: {"code": code, "message": message}}


def private_flavor(api, flavor_id: str = "p1", name: str = "priv1") -> dict:
    response = api.post(FLAVORS, user="admin", json={"flavor": {
        "name": name, "id": flavor_id, "ram": 64, "vcpus": 1, "disk": 1, "os-flavor-access:is_public": False}})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["flavor"]


def add(api, tenant: str, flavor_id: str = "p1", *, user: str = "admin", version: str = "2.1"):
    return api.post(f"{FLAVORS}/{flavor_id}/action", user=user, version=version,
                    json={"addTenantAccess": {"tenant": tenant}})


def remove(api, tenant: str, flavor_id: str = "p1", *, user: str = "admin"):
    return api.post(f"{FLAVORS}/{flavor_id}/action", user=user, json={"removeTenantAccess": {"tenant": tenant}})


# --- the access list ------------------------------------------------------------------------------

def test_new_private_flavor_has_no_access_entries(api):
    """Nova does not add the creator's project: admin's own project is not on the list."""
    private_flavor(api)
    assert access(api.get(f"{FLAVORS}/p1/os-flavor-access", user="admin")) == []


def test_add_and_remove_answer_with_the_whole_list(api, backend):
    demo, alt = project_id(backend, "demo"), project_id(backend, "alt_demo")
    private_flavor(api)
    assert access(add(api, demo)) == [{"flavor_id": "p1", "tenant_id": demo}]
    assert access(add(api, alt)) == [{"flavor_id": "p1", "tenant_id": demo}, {"flavor_id": "p1", "tenant_id": alt}]
    assert access(api.get(f"{FLAVORS}/p1/os-flavor-access", user="admin")) == [
        {"flavor_id": "p1", "tenant_id": demo}, {"flavor_id": "p1", "tenant_id": alt}]
    assert access(remove(api, demo)) == [{"flavor_id": "p1", "tenant_id": alt}]
    assert access(api.get(f"{FLAVORS}/p1/os-flavor-access", user="admin")) == [{"flavor_id": "p1", "tenant_id": alt}]


def test_list_for_public_and_unknown_flavors_is_404(api):
    assert fault(api.get(f"{FLAVORS}/1/os-flavor-access", user="admin")) == error(
        404, "Access list not available for public flavors.")
    assert fault(api.get(f"{FLAVORS}/nope/os-flavor-access", user="admin")) == error(
        404, "Flavor nope could not be found.")


def test_list_query_is_free_before_2_102_and_strict_from_it(api):
    private_flavor(api)
    assert access(api.get(f"{FLAVORS}/p1/os-flavor-access?x=1", user="admin", version="2.101")) == []
    assert fault(api.get(f"{FLAVORS}/p1/os-flavor-access?x=1", user="admin", version="2.102")) == error(
        400, "Additional properties are not allowed ('x' was unexpected)")


@pytest.mark.parametrize("user", ["demo", "reader", "manager", "alt_demo"])
def test_only_admin_may_read_or_change_access(api, backend, user):
    private_flavor(api)
    demo = project_id(backend, "demo")
    add(api, demo)
    assert fault(api.get(f"{FLAVORS}/p1/os-flavor-access", user=user)) == error(
        403, "Policy doesn't allow os_compute_api:os-flavor-access to be performed.")
    assert fault(add(api, demo, user=user)) == error(
        403, "Policy doesn't allow os_compute_api:os-flavor-access:add_tenant_access to be performed.")
    assert fault(remove(api, demo, user=user)) == error(
        403, "Policy doesn't allow os_compute_api:os-flavor-access:remove_tenant_access to be performed.")


# --- errors of the actions ------------------------------------------------------------------------

def test_adding_twice_is_409_naming_the_internal_id(api, backend):
    """FlavorAccessExists is raised by the database layer with the flavor's primary key, not its flavorid."""
    demo = project_id(backend, "demo")
    private_flavor(api)
    internal_id = backend.store.flavors["p1"]["internal_id"]
    add(api, demo)
    assert fault(add(api, demo)) == error(
        409, f"Flavor access already exists for flavor {internal_id} and project {demo} combination.")


def test_removing_what_is_not_there_is_404_naming_the_internal_id(api, backend):
    private_flavor(api)
    internal_id = backend.store.flavors["p1"]["internal_id"]
    # An unknown project passes Nova's Keystone check on remove; the missing row answers.
    assert fault(remove(api, "no-such-project")) == error(
        404, f"Flavor access not found for {internal_id} / no-such-project combination.")


def test_unknown_project_is_400_on_add_before_the_flavor_lookup(api):
    private_flavor(api)
    assert fault(add(api, "no-such-project")) == error(400, "Project ID no-such-project is not a valid project.")
    assert fault(add(api, "no-such-project", "nope")) == error(400, "Project ID no-such-project is not a valid project.")


def test_unknown_flavor_is_404(api, backend):
    demo = project_id(backend, "demo")
    assert fault(add(api, demo, "nope")) == error(404, "Flavor nope could not be found.")
    assert fault(remove(api, demo, "nope")) == error(404, "Flavor nope could not be found.")


def test_public_flavor_refuses_access_from_2_7_only(api, backend):
    demo = project_id(backend, "demo")
    assert fault(add(api, demo, "1", version="2.7")) == error(409, "Can not add access to a public flavor.")
    # Before 2.7 Nova stored the entry; the flavor stays public and its list stays unavailable.
    assert access(add(api, demo, "1", version="2.6")) == [{"flavor_id": "1", "tenant_id": demo}]
    assert fault(api.get(f"{FLAVORS}/1/os-flavor-access", user="admin")) == error(
        404, "Access list not available for public flavors.")


@pytest.mark.parametrize("body, message", [
    ({"bogus": {}}, "There is no such action: bogus"),
    ({"addTenantAccess": {"tenant": "x"}, "removeTenantAccess": {"tenant": "x"}}, "Malformed request body"),
    ({"addTenantAccess": {}}, "Invalid input for field/attribute addTenantAccess. Value: {}. "
                              "'tenant' is a required property"),
    ({"addTenantAccess": {"tenant": ""}}, "Invalid input for field/attribute tenant. Value: . "
                                          "'' should be non-empty"),
    ({"removeTenantAccess": {"tenant": "x", "more": 1}}, "Invalid input for field/attribute removeTenantAccess. "
                                                         "Value: {'tenant': 'x', 'more': 1}. Additional properties "
                                                         "are not allowed ('more' was unexpected)"),
])
def test_bad_action_bodies_are_400(api, body, message):
    private_flavor(api)
    assert fault(api.post(f"{FLAVORS}/p1/action", user="admin", json=body)) == error(400, message)


# --- what access changes for members --------------------------------------------------------------

def test_shared_flavor_is_listed_shown_and_bootable_for_that_project_only(api, backend):
    private_flavor(api)
    add(api, project_id(backend, "demo"))
    for user, sees in (("demo", True), ("reader", True), ("alt_demo", False)):
        listed = api.get(f"{FLAVORS}/detail", user=user)
        assert_valid("flavors_client.FlavorsClient", "list_flavors_details", "2.1", 200, listed.headers,
                     listed.get_json())
        assert ("p1" in [f["id"] for f in listed.get_json()["flavors"]]) is sees
        assert api.get(f"{FLAVORS}/p1", user=user).status_code == (200 if sees else 404)
    server = create(api, flavorRef="p1")
    assert server["id"]
    refused = api.post(SERVERS, user="alt_demo", version="2.37", json={"server": {
        "name": "x", "imageRef": image_id(backend), "flavorRef": "p1", "networks": "auto"}})
    assert fault(refused) == error(400, "Flavor p1 could not be found.")


def test_removing_access_hides_the_flavor_again(api, backend):
    demo = project_id(backend, "demo")
    private_flavor(api)
    add(api, demo)
    assert api.get(f"{FLAVORS}/p1", user="demo").status_code == 200
    remove(api, demo)
    assert fault(api.get(f"{FLAVORS}/p1", user="demo")) == error(404, "Flavor p1 could not be found.")
    assert "p1" not in [f["id"] for f in api.get(f"{FLAVORS}", user="demo").get_json()["flavors"]]


# --- real clients ---------------------------------------------------------------------------------

def test_openstack_cli_private_flavor_lifecycle(live):
    demo, alt = project_id(live.backend, "demo"), project_id(live.backend, "alt_demo")
    created = live.openstack("flavor", "create", "--ram", "64", "--disk", "1", "--vcpus", "1", "--private",
                             "--project", "demo", "priv1", "-f", "json", user="admin")
    assert created["os-flavor-access:is_public"] is False
    shown = live.openstack("flavor", "show", "priv1", "-f", "json", user="admin")
    assert shown["access_project_ids"] == [demo]
    live.openstack("flavor", "set", "--project", "alt_demo", "priv1", user="admin")
    assert live.openstack("flavor", "show", "priv1", "-f", "json", user="admin")["access_project_ids"] == [demo, alt]
    live.openstack("flavor", "unset", "--project", "alt_demo", "priv1", user="admin")
    assert live.openstack("flavor", "show", "priv1", "-f", "json", user="admin")["access_project_ids"] == [demo]
    # demo boots with it; alt_demo cannot even find it.
    server = live.openstack("server", "create", "--flavor", "priv1", "--image", IMAGE_NAME, "--network", "private",
                            "--wait", "on-priv", "-f", "json")
    assert server["flavor"]["name"] == "priv1" and server["status"] == "ACTIVE"
    denied = live.openstack("server", "create", "--flavor", "priv1", "--image", IMAGE_NAME, "--network",
                            "private", "nope", user="alt_demo", check=False)
    assert denied.returncode != 0 and "No Flavor found for priv1" in denied.stderr


def test_openstack_cli_set_project_twice_reports_nova_conflict(live):
    live.openstack("flavor", "create", "--ram", "64", "--disk", "1", "--vcpus", "1", "--private",
                   "--project", "demo", "priv1", user="admin")
    again = live.openstack("flavor", "set", "--project", "demo", "priv1", user="admin", check=False)
    assert again.returncode != 0
    assert "Failed to set flavor access to project" in again.stderr


def test_openstacksdk_flavor_access(live):
    admin = live.sdk("admin")
    demo = project_id(live.backend, "demo")
    flavor = admin.compute.create_flavor(name="sdk-priv", ram=64, vcpus=1, disk=1, is_public=False)
    admin.compute.flavor_add_tenant_access(flavor, demo)
    assert admin.compute.get_flavor_access(flavor) == [{"flavor_id": flavor.id, "tenant_id": demo}]
    assert live.sdk("demo").compute.find_flavor("sdk-priv").id == flavor.id
    assert live.sdk("alt_demo").compute.find_flavor("sdk-priv") is None
    admin.compute.flavor_remove_tenant_access(flavor, demo)
    assert admin.compute.get_flavor_access(flavor) == []
    assert live.sdk("demo").compute.find_flavor("sdk-priv") is None


def test_novaclient_flavor_access(live):
    nova = live.novaclient("admin")
    demo = project_id(live.backend, "demo")
    flavor = nova.flavors.create("nc-priv", 64, 1, 1, is_public=False)
    listed = nova.flavor_access.add_tenant_access(flavor, demo)
    assert [(a.flavor_id, a.tenant_id) for a in listed] == [(flavor.id, demo)]
    assert [(a.flavor_id, a.tenant_id) for a in nova.flavor_access.list(flavor=flavor)] == [(flavor.id, demo)]
    assert nova.flavor_access.remove_tenant_access(flavor, demo) == []
