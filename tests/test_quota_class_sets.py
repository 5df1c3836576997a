"""os-quota-class-sets (nova/api/openstack/compute/quota_classes.py): show and update, admin-only,
the resources per microversion (network-era ones to 2.49, server groups from 2.50, personality to
2.56), and the "default" class as every project's default quota (DbQuotaDriver.get_defaults)."""

from __future__ import annotations

import pytest

from tests.tempest_schemas import assert_valid

URL = "/compute/v2.1/os-quota-class-sets"
CLIENT = "quota_classes_client.QuotaClassesClient"


@pytest.mark.parametrize("version", ["2.1", "2.50", "2.57"])
def test_show_per_microversion(api, version):
    response = api.get(f"{URL}/default", user="admin", version=version)
    assert response.status_code == 200
    assert_valid(CLIENT, "get_quota_class_set", version, 200, response.headers, response.get_json())
    shown = response.get_json()["quota_class_set"]
    assert shown["id"] == "default" and shown["instances"] == 10
    assert ("floating_ips" in shown) == (version == "2.1")
    assert ("server_groups" in shown) == (version != "2.1")
    assert ("injected_files" in shown) == (version != "2.57")


def test_update_default_class_changes_every_projects_defaults(api):
    response = api.put(f"{URL}/default", user="admin", version="2.57",
                       json={"quota_class_set": {"instances": 7, "cores": "30"}})
    assert response.status_code == 200
    assert_valid(CLIENT, "update_quota_class_set", "2.57", 200, response.headers, response.get_json())
    body = response.get_json()["quota_class_set"]
    assert "id" not in body and body["instances"] == 7 and body["cores"] == 30
    demo = next(p["id"] for p in api.backend.store.projects.values() if p["name"] == "demo")
    assert api.get(f"/compute/v2.1/os-quota-sets/{demo}").get_json()["quota_set"]["instances"] == 7
    assert api.get(f"/compute/v2.1/os-quota-sets/{demo}/defaults").get_json()["quota_set"]["cores"] == 30
    limits = api.get("/compute/v2.1/limits").get_json()["limits"]["absolute"]
    assert limits["maxTotalInstances"] == 7


def test_other_classes_are_kept_apart(api):
    api.put(f"{URL}/gold", user="admin", json={"quota_class_set": {"ram": 1}})
    assert api.get(f"{URL}/gold", user="admin").get_json()["quota_class_set"]["ram"] == 1
    assert api.get(f"{URL}/default", user="admin").get_json()["quota_class_set"]["ram"] == 51200


def test_errors(api):
    assert api.get(f"{URL}/default", user="demo").get_json() == {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-quota-class-sets:show to be performed."}}
    bad = api.put(f"{URL}/default", user="admin", version="2.57", json={"quota_class_set": {"floating_ips": 1}})
    assert bad.status_code == 400
    assert bad.get_json()["badRequest"]["message"] == (
        "Invalid input for field/attribute quota_class_set. Value: {'floating_ips': 1}. Additional properties are "
        "not allowed ('floating_ips' was unexpected)")
    long_name = api.put(f"{URL}/{'x' * 256}", user="admin", json={"quota_class_set": {"ram": 1}})
    assert long_name.get_json() == {"badRequest": {"code": 400,
                                                   "message": "quota_class_name has more than 255 characters."}}


def test_the_openstack_cli_sets_a_class(live):
    live.openstack("quota", "set", "--class", "--instances", "9", "default", user="admin")
    # The default class is what every project's defaults read back.
    shown = live.openstack("quota", "show", "--default", "--compute", "-f", "json", user="admin")
    assert {row["Resource"]: row["Limit"] for row in shown}["instances"] == 9
