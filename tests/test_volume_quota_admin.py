"""Cinder quotas an admin changes: PUT/DELETE os-quota-sets/{project}, os-quota-class-sets/default,
and their enforcement (volumes, gigabytes, per_volume_gigabytes) with Cinder's texts.

Sources: cinder/api/contrib/quotas.py (update: NON_QUOTA_KEYS, _validate_existing_resource; delete),
cinder/api/contrib/quota_classes.py, cinder/api/validation/validators.py (_validate_quota_set,
_validate_quota_class_set), oslo strutils.validate_integer, cinder/policies/quotas.py and
quota_class.py (admin), cinder/volume/flows/api/create_volume.py and volume/api.py extend
(VolumeSizeExceedsLimit), cinder/quota.py (the default class); Tempest's test_volume_quotas,
test_volume_quotas_negative, test_volume_quota_classes."""

from __future__ import annotations

from tests.test_volume_sources import _action, _create, _fault, _project

V3 = "/volume/v3"


def _admin(api, path: str) -> str:
    return f"{V3}/{_project(api, 'admin')}/{path}"


def _over(message: str) -> tuple[int, dict]:
    return 413, {"overLimit": {"code": 413, "message": message, "retryAfter": "0"}}


def test_an_admin_sets_and_deletes_a_projects_quotas(api):
    demo = _project(api)
    updated = api.put(_admin(api, f"os-quota-sets/{demo}"), user="admin",
                      json={"quota_set": {"volumes": 11, "gigabytes": "1009", "per_volume_gigabytes": 1009,
                                          "tenant_id": demo}})
    assert updated.status_code == 200
    body = updated.get_json()["quota_set"]
    assert "id" not in body and (body["volumes"], body["gigabytes"], body["per_volume_gigabytes"]) == (11, 1009, 1009)
    shown = api.get(f"{V3}/{demo}/os-quota-sets/{demo}").get_json()["quota_set"]
    assert (shown["id"], shown["volumes"], shown["snapshots"]) == (demo, 11, 10)
    limits = api.get(f"{V3}/{demo}/limits").get_json()["limits"]["absolute"]
    assert limits["maxTotalVolumes"] == 11
    deleted = api.delete(_admin(api, f"os-quota-sets/{demo}"), user="admin")
    assert (deleted.status_code, deleted.get_data()) == (200, b"")
    assert api.get(f"{V3}/{demo}/os-quota-sets/{demo}").get_json()["quota_set"]["volumes"] == 10


def test_quota_updates_are_for_admins_and_checked(api):
    demo = _project(api)
    refused = api.put(f"{V3}/{demo}/os-quota-sets/{demo}", json={"quota_set": {"volumes": 3}})
    assert _fault(refused) == (403, {"forbidden": {"code": 403, "message":
                                                   "Policy doesn't allow volume_extension:quotas:update to be performed."}})
    assert api.delete(f"{V3}/{demo}/os-quota-sets/{demo}").status_code == 403
    url = _admin(api, f"os-quota-sets/{demo}")
    for quota_set, message in (({"colour": 1}, "Invalid input received: Bad key(s) in quota set: colour"),
                               ({"volumes": "x"}, "volumes must be an integer"),
                               ({"volumes": -2}, "volumes must be >= -1"),
                               ({"volumes": 2 ** 31}, "volumes must be <= 2147483647")):
        response = api.put(url, user="admin", json={"quota_set": quota_set})
        assert _fault(response) == (400, {"badRequest": {"code": 400, "message": message}}), quota_set
    _create(api, size=3)
    below = api.put(url, user="admin", json={"quota_set": {"gigabytes": 2}})
    assert _fault(below) == (400, {"badRequest": {"code": 400, "message": (
        "Quota gigabytes limit must be equal or greater than existing resources. Current usage is 3 and the "
        "requested limit is 2.")}})


def test_lowered_quotas_are_enforced_with_cinders_texts(api):
    demo = _project(api)
    volume = _create(api, size=1)
    url = _admin(api, f"os-quota-sets/{demo}")
    api.put(url, user="admin", json={"quota_set": {"volumes": 1, "gigabytes": -1}})
    over = api.post(f"{V3}/{demo}/volumes", json={"volume": {"size": 1}})
    assert _fault(over) == _over("VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota "
                                 "'volumes'.")
    assert over.headers["Retry-After"] == "0"
    api.put(url, user="admin", json={"quota_set": {"volumes": -1, "gigabytes": 1}})
    extend = _action(api, volume["id"], {"os-extend": {"new_size": 2}})
    assert _fault(extend) == _over("VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
                                   "gigabytes quota. Requested 1G, quota is 1G and 1G has been consumed.")
    api.put(url, user="admin", json={"quota_set": {"gigabytes": -1, "per_volume_gigabytes": 2}})
    big = api.post(f"{V3}/{demo}/volumes", json={"volume": {"size": 3}})
    assert _fault(big) == _over("VolumeSizeExceedsLimit: Requested volume size 3G is larger than maximum allowed "
                                "limit 2G.")


def test_the_default_quota_class_sets_every_projects_defaults(api):
    demo = _project(api)
    assert api.get(f"{V3}/{demo}/os-quota-class-sets/default").status_code == 403
    shown = api.get(_admin(api, "os-quota-class-sets/default"), user="admin").get_json()["quota_class_set"]
    assert shown["id"] == "default" and shown["volumes"] == 10 and shown["volumes___DEFAULT__"] == -1
    updated = api.put(_admin(api, "os-quota-class-sets/default"), user="admin",
                      json={"quota_class_set": {"volumes": 12, "snapshots": "11"}})
    assert updated.status_code == 200
    assert (updated.get_json()["quota_class_set"]["volumes"], updated.get_json()["quota_class_set"]["snapshots"]) == (
        12, 11)
    defaults = api.get(f"{V3}/{demo}/os-quota-sets/{demo}/defaults").get_json()["quota_set"]
    assert (defaults["volumes"], defaults["snapshots"]) == (12, 11)
    assert api.get(f"{V3}/{demo}/os-quota-sets/{demo}").get_json()["quota_set"]["volumes"] == 12
    bad = api.put(_admin(api, "os-quota-class-sets/default"), user="admin", json={"quota_class_set": {"nope": 1}})
    assert _fault(bad) == (400, {"badRequest": {"code": 400, "message":
                                                "Invalid input received: Bad key(s) in quota class set: nope"}})


def test_the_cli_sets_volume_quotas(live):
    demo = live.openstack("project", "show", "demo", "-f", "json", user="admin")["id"]
    live.openstack("quota", "set", "--volumes", "7", "--gigabytes", "700", demo, user="admin")
    shown = live.openstack("quota", "show", demo, "-f", "json", user="admin")
    rows = {row["Resource"]: row["Limit"] for row in shown} if isinstance(shown, list) else shown
    assert rows["volumes"] == 7 and rows["gigabytes"] == 700
    live.sdk("admin").block_storage.revert_quota_set(demo)
    assert live.sdk("admin").block_storage.get_quota_set(demo).volumes == 10
