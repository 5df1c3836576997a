"""Cinder volume types as admins manage them and users meet them: create, show, list, update, delete,
extra specs, private types shared with projects, and volumes created with a type. Through HTTP with
Tempest's response schemas (tempest/lib/api_schema/response/volume/volume_types.py), the real
`openstack volume type` CLI and openstacksdk.

Sources: cinder/api/contrib/types_manage.py, types_extra_specs.py, volume_type_access.py,
cinder/api/v3/types.py, cinder/api/views/types.py (create/update view), cinder/api/v3/views/types.py
(show/list view), cinder/api/schemas/volume_types.py, types_extra_specs.py, volume_type_access.py,
cinder/volume/volume_types.py, cinder/db/sqlalchemy/api.py (visibility, VolumeTypeExists,
VolumeTypeInUse), cinder/policies/volume_type.py, type_extra_specs.py, volume_access.py and
cinder/exception.py (Cinder master, 2026).
"""

from __future__ import annotations

import pytest
from tempest.lib.api_schema.response.volume import volume_types as schemas
from tempest.lib.common.rest_client import RestClient

from tests.tempest_schemas import _Resp
from tests.test_volume_sources import _create, _fault, _project

V3 = "/volume/v3"


def _url(api, path: str, user: str = "admin") -> str:
    return f"{V3}/{_project(api, user)}/{path}"


def _valid(schema: dict, response) -> dict:
    body = response.get_json() if response.data else None
    RestClient.validate_response(schema, _Resp(response.status_code, response.headers), body)
    return body


def _new_type(api, **fields) -> dict:
    fields.setdefault("name", "gold")
    response = api.post(_url(api, "types"), user="admin", json={"volume_type": fields})
    return _valid(schemas.create_volume_type, response)["volume_type"]


def _bad(message: str) -> tuple[int, dict]:
    return 400, {"badRequest": {"code": 400, "message": message}}


def _not_found(message: str) -> tuple[int, dict]:
    return 404, {"itemNotFound": {"code": 404, "message": message}}


def _forbidden(rule: str) -> tuple[int, dict]:
    return 403, {"forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}}


# --- create, show, list, update, delete ----------------------------------------------------------

def test_an_admin_creates_shows_lists_and_deletes_a_type(api):
    created = _new_type(api, name="gold", description="fast disks", extra_specs={"volume_backend_name": "lvm"})
    assert created["name"] == "gold" and created["description"] == "fast disks"
    assert created["is_public"] is True and created["os-volume-type-access:is_public"] is True
    assert created["extra_specs"] == {"volume_backend_name": "lvm"}
    assert "qos_specs_id" not in created  # the create view is cinder/api/views/types.py's
    shown = _valid(schemas.show_volume_type, api.get(_url(api, f"types/{created['id']}"), user="admin"))
    assert shown["volume_type"]["qos_specs_id"] is None
    listed = _valid(schemas.list_volume_types, api.get(_url(api, "types"), user="admin"))["volume_types"]
    assert [t["name"] for t in listed] == ["__DEFAULT__", "gold"]
    assert [t["name"] for t in api.get(_url(api, "types", "demo")).get_json()["volume_types"]] == [
        "__DEFAULT__", "gold"]
    _valid(schemas.delete_volume_type, api.delete(_url(api, f"types/{created['id']}"), user="admin"))
    assert _fault(api.get(_url(api, f"types/{created['id']}"), user="admin")) == _not_found(
        f"Volume type {created['id']} could not be found.")


def test_users_see_only_the_extra_specs_cinder_lets_them(api):
    created = _new_type(api, extra_specs={"volume_backend_name": "lvm", "multiattach": "<is> True"})
    shown = api.get(_url(api, f"types/{created['id']}", "demo")).get_json()["volume_type"]
    assert shown["extra_specs"] == {"multiattach": "<is> True"}
    assert "qos_specs_id" not in shown
    assert api.get(_url(api, f"types/{created['id']}/extra_specs", "demo")).get_json() == {
        "extra_specs": {"multiattach": "<is> True"}}
    assert _fault(api.get(_url(api, f"types/{created['id']}/extra_specs/volume_backend_name", "demo"))) == \
        _not_found(f"Volume Type {created['id']} has no extra specs with key volume_backend_name.")


def test_a_repeated_name_is_409_and_a_bad_body_is_400(api):
    _new_type(api, name="gold")
    assert _fault(api.post(_url(api, "types"), user="admin", json={"volume_type": {"name": "gold"}})) == (
        409, {"conflictingRequest": {"code": 409, "message": "Volume Type gold already exists."}})
    for body in ({"volume_type": {"name": ""}}, {"volume_type": {}}, {"volume_type": {"name": "x", "bogus": 1}},
                 {"volume_type": {"name": "x", "os-volume-type-access:is_public": "maybe"}}):
        assert api.post(_url(api, "types"), user="admin", json=body).status_code == 400, body


def test_only_admins_manage_types(api):
    assert _fault(api.post(_url(api, "types", "demo"), user="demo", json={"volume_type": {"name": "x"}})) == \
        _forbidden("volume_extension:type_create")
    created = _new_type(api)
    assert _fault(api.put(_url(api, f"types/{created['id']}", "demo"), user="demo",
                          json={"volume_type": {"name": "y"}})) == _forbidden("volume_extension:type_update")
    assert _fault(api.delete(_url(api, f"types/{created['id']}", "demo"), user="demo")) == \
        _forbidden("volume_extension:type_delete")


def test_an_update_renames_and_the_volumes_follow(api):
    created = _new_type(api)
    volume = _create(api, volume_type="gold")
    assert volume["volume_type"] == "gold"
    response = api.put(_url(api, f"types/{created['id']}"), user="admin",
                       json={"volume_type": {"name": "silver", "description": "d", "is_public": "false"}})
    updated = _valid(schemas.update_volume_types, response)["volume_type"]
    assert (updated["name"], updated["description"], updated["is_public"]) == ("silver", "d", False)
    shown = api.get(_url(api, f"volumes/{volume['id']}", "demo")).get_json()["volume"]
    assert shown["volume_type"] == "silver"


def test_update_errors_are_cinders(api):
    created = _new_type(api)
    _new_type(api, name="taken")
    url = _url(api, f"types/{created['id']}")
    assert _fault(api.put(url, user="admin", json={"volume_type": {}})) == _bad(
        "Specify volume type name, description, is_public or a combination thereof.")
    assert _fault(api.put(url, user="admin", json={"volume_type": {"name": "  "}})) == _bad(
        "Volume type name can not be empty.")
    assert _fault(api.put(url, user="admin", json={"volume_type": {"name": "taken"}}))[0] == 409
    assert _fault(api.put(_url(api, "types/nope"), user="admin", json={"volume_type": {"name": "z"}})) == \
        _not_found("Volume type nope could not be found.")


def test_a_type_in_use_or_the_default_cannot_be_deleted(api):
    created = _new_type(api)
    volume = _create(api, volume_type=created["id"])
    assert _fault(api.delete(_url(api, f"types/{created['id']}"), user="admin")) == _bad(
        "Target volume type is still in use.")
    default = api.get(_url(api, "types/default"), user="admin").get_json()["volume_type"]
    assert _fault(api.delete(_url(api, f"types/{default['id']}"), user="admin")) == _bad(
        f"The volume type {default['id']} is a default volume type and cannot be deleted.")
    # "default" names the default type for show only (cinder/api/v3/types.py show)
    assert _fault(api.delete(_url(api, "types/default"), user="admin")) == _not_found(
        "Volume type default could not be found.")
    api.backend.clock.advance(5)
    assert api.delete(_url(api, f"volumes/{volume['id']}", "demo")).status_code == 202
    api.backend.clock.advance(5)
    assert api.delete(_url(api, f"types/{created['id']}"), user="admin").status_code == 202


# --- extra specs ---------------------------------------------------------------------------------

def test_extra_specs_are_set_shown_updated_and_deleted(api):
    type_id = _new_type(api)["id"]
    url = _url(api, f"types/{type_id}/extra_specs")
    created = api.post(url, user="admin", json={"extra_specs": {"spec1": "v1", "spec2": "v2"}})
    assert _valid(schemas.create_volume_types_extra_specs, created) == {"extra_specs": {"spec1": "v1", "spec2": "v2"}}
    assert _valid(schemas.list_volume_types_extra_specs, api.get(url, user="admin")) == {
        "extra_specs": {"spec1": "v1", "spec2": "v2"}}
    assert _valid(schemas.show_volume_types_extra_specs, api.get(f"{url}/spec1", user="admin")) == {"spec1": "v1"}
    updated = api.put(f"{url}/spec1", user="admin", json={"spec1": "new"})
    assert _valid(schemas.update_volume_type_extra_specs, updated) == {"spec1": "new"}
    assert _fault(api.put(f"{url}/spec1", user="admin", json={"spec2": "x"})) == _bad("Request body and URI mismatch")
    assert api.put(f"{url}/spec1", user="admin", json={"spec1": "a", "spec2": "b"}).status_code == 400
    _valid(schemas.delete_volume_types_extra_specs, api.delete(f"{url}/spec2", user="admin"))
    assert api.get(url, user="admin").get_json() == {"extra_specs": {"spec1": "new"}}
    assert _fault(api.delete(f"{url}/spec2", user="admin")) == _not_found(
        f"Volume Type {type_id} has no extra specs with key spec2.")
    assert _fault(api.post(_url(api, f"types/{type_id}/extra_specs", "demo"), user="demo",
                           json={"extra_specs": {"a": "b"}})) == _forbidden(
        "volume_extension:types_extra_specs:create")


def test_extra_specs_of_a_type_in_use_stay_as_they_are(api):
    type_id = _new_type(api, extra_specs={"a": "1"})["id"]
    _create(api, volume_type="gold")
    url = _url(api, f"types/{type_id}/extra_specs")
    in_use = _bad("Volume Type is currently in use.")
    assert _fault(api.post(url, user="admin", json={"extra_specs": {"b": "2"}})) == in_use
    assert _fault(api.put(f"{url}/a", user="admin", json={"a": "3"})) == in_use
    assert _fault(api.delete(f"{url}/a", user="admin")) == in_use
    assert _fault(api.post(_url(api, "types/nope/extra_specs"), user="admin", json={"extra_specs": {"b": "2"}})) == \
        _not_found("Volume type nope could not be found.")


def test_cacheable_and_multiattach_do_not_go_together(api):
    type_id = _new_type(api, extra_specs={"multiattach": "<is> True"})["id"]
    assert _fault(api.post(_url(api, f"types/{type_id}/extra_specs"), user="admin",
                           json={"extra_specs": {"cacheable": "<is> True"}})) == _bad(
        "cacheable cannot be set with multiattach.")


# --- private types and access --------------------------------------------------------------------

def test_a_private_type_is_seen_only_by_the_projects_it_is_shared_with(api):
    private = _new_type(api, name="secret", **{"os-volume-type-access:is_public": False})
    assert private["is_public"] is False
    demo = _project(api, "demo")
    names = lambda user: [t["name"] for t in api.get(_url(api, "types", user), user=user).get_json()["volume_types"]]
    assert names("demo") == ["__DEFAULT__"]
    assert _fault(api.get(_url(api, f"types/{private['id']}", "demo"))) == _not_found(
        f"Volume type {private['id']} could not be found.")
    assert _fault(api.post(_url(api, "volumes", "demo"), json={"volume": {"size": 1, "volume_type": private["id"]}})) \
        == _not_found(f"Volume type {private['id']} could not be found.")
    assert _fault(api.post(_url(api, "volumes", "demo"), json={"volume": {"size": 1, "volume_type": "secret"}})) \
        == _not_found("Volume type with name secret could not be found.")

    action = _url(api, f"types/{private['id']}/action")
    assert api.post(action, user="admin", json={"addProjectAccess": {"project": demo}}).status_code == 202
    assert _fault(api.post(action, user="admin", json={"addProjectAccess": {"project": demo}})) == (409, {
        "conflictingRequest": {"code": 409, "message": f"Volume type access for {private['id']} / {demo} "
                                                       f"combination already exists."}})
    access = api.get(_url(api, f"types/{private['id']}/os-volume-type-access"), user="admin")
    assert _valid(schemas.list_type_access, access) == {
        "volume_type_access": [{"volume_type_id": private["id"], "project_id": demo}]}
    assert names("demo") == ["__DEFAULT__", "secret"]
    assert names("alt_demo") == ["__DEFAULT__"]
    assert _create(api, volume_type="secret")["volume_type"] == "secret"

    assert api.post(action, user="admin", json={"removeProjectAccess": {"project": demo}}).status_code == 202
    assert names("demo") == ["__DEFAULT__"]
    assert _fault(api.post(action, user="admin", json={"removeProjectAccess": {"project": demo}})) == _not_found(
        f"Volume type access not found for {private['id']} / {demo} combination.")
    assert _fault(api.post(_url(api, f"types/{private['id']}/action", "demo"), user="demo",
                           json={"addProjectAccess": {"project": demo}})) == _forbidden(
        "volume_extension:volume_type_access:addProjectAccess")


def test_access_to_a_public_type_cannot_be_changed_or_listed(api):
    public = _new_type(api)
    assert _fault(api.post(_url(api, f"types/{public['id']}/action"), user="admin",
                           json={"addProjectAccess": {"project": "p"}})) == _bad(
        "Invalid volume type: Type access modification is not applicable to public volume type.")
    assert _fault(api.get(_url(api, f"types/{public['id']}/os-volume-type-access"), user="admin")) == _not_found(
        "Access list not available for public volume types.")
    assert _fault(api.post(_url(api, f"types/{public['id']}/action"), user="admin", json={"os-bogus": {}})) == _bad(
        "There is no such action: os-bogus")


@pytest.mark.parametrize("query, names", [("", ["__DEFAULT__", "gold"]), ("?is_public=true", ["__DEFAULT__", "gold"]),
                                          ("?is_public=false", ["secret"]),
                                          ("?is_public=none", ["__DEFAULT__", "gold", "secret"])])
def test_admins_filter_types_by_is_public(api, query, names):
    _new_type(api, name="gold")
    _new_type(api, name="secret", **{"os-volume-type-access:is_public": False})
    assert [t["name"] for t in api.get(_url(api, f"types{query}"), user="admin").get_json()["volume_types"]] == names
    # a user's is_public filter is ignored: public types only (cinder/api/v3/types.py)
    assert [t["name"] for t in api.get(_url(api, f"types{query}", "demo")).get_json()["volume_types"]] == [
        "__DEFAULT__", "gold"]


def test_a_bad_is_public_filter_is_400(api):
    assert _fault(api.get(_url(api, "types?is_public=maybe"), user="admin")) == _bad("Invalid is_public filter [maybe]")


# --- volumes with a type -------------------------------------------------------------------------

def test_a_volume_is_created_with_a_type_named_or_by_id(api):
    created = _new_type(api)
    assert _create(api, volume_type="gold")["volume_type"] == "gold"
    latest = _create(api, volume_type=created["id"], version="3.63")
    assert (latest["volume_type"], latest["volume_type_id"]) == ("gold", created["id"])
    assert _fault(api.post(_url(api, "volumes", "demo"), json={"volume": {"size": 1, "volume_type": "nope"}})) == \
        _not_found("Volume type with name nope could not be found.")


# --- reset and state -----------------------------------------------------------------------------

def test_types_survive_export_and_import_and_go_on_reset(api):
    created = _new_type(api, extra_specs={"a": "b"}, **{"os-volume-type-access:is_public": False})
    api.post(_url(api, f"types/{created['id']}/action"), user="admin",
             json={"addProjectAccess": {"project": _project(api, "demo")}})
    exported = api.client.get("/_fake/state").json
    api.client.post("/_fake/reset")
    assert [t["name"] for t in exported_types(api.client.get("/_fake/state").json)] == ["__DEFAULT__"]
    assert api.client.put("/_fake/state", json=exported).status_code == 200
    shown = api.get(_url(api, f"types/{created['id']}", "demo")).get_json()["volume_type"]
    assert (shown["name"], shown["is_public"]) == ("gold", False)
    assert api.get(_url(api, f"types/{created['id']}/extra_specs"), user="admin").get_json() == {
        "extra_specs": {"a": "b"}}


def exported_types(state: dict) -> list[dict]:
    found = [value for key, value in _walk(state) if key == "volume_types"]
    assert len(found) == 1, "one volume_types collection in the exported state"
    return sorted(found[0].values(), key=lambda t: t["created_at"])


def _walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)


# --- real clients --------------------------------------------------------------------------------

def test_the_cli_creates_sets_shows_and_deletes_a_type(live):
    created = live.openstack("volume", "type", "create", "--description", "fast", "--property", "tier=gold",
                             "--private", "gold", "-f", "json", user="admin")
    assert (created["name"], created["is_public"]) == ("gold", False)
    live.openstack("volume", "type", "set", "--name", "platinum", "--property", "speed=high", "--project", "demo",
                   "gold", user="admin")
    shown = live.openstack("volume", "type", "show", "platinum", "-f", "json", user="admin")
    assert shown["description"] == "fast"
    assert shown["properties"] == {"tier": "gold", "speed": "high"}
    assert shown["access_project_ids"] == [_demo_project(live)]
    listed = live.openstack("volume", "type", "list", "-f", "json", user="demo")
    assert sorted(t["Name"] for t in listed) == ["__DEFAULT__", "platinum"]
    volume = live.openstack("volume", "create", "--size", "1", "--type", "platinum", "v1", "-f", "json")
    assert volume["type"] == "platinum"
    refused = live.openstack("volume", "type", "delete", "platinum", user="admin", check=False)
    assert refused.returncode != 0
    live.openstack("volume", "delete", "v1")
    live.openstack("volume", "type", "unset", "--property", "speed", "platinum", user="admin")
    live.openstack("volume", "type", "delete", "platinum", user="admin")
    assert [t["Name"] for t in live.openstack("volume", "type", "list", "-f", "json", user="admin")] == ["__DEFAULT__"]


def _demo_project(live) -> str:
    return next(p["id"] for p in live.backend.store.projects.values() if p["name"] == "demo")


def test_openstacksdk_manages_types_and_extra_specs(live):
    admin = live.sdk("admin").block_storage
    created = admin.create_type(name="bronze", description="slow", extra_specs={"a": "1"})
    assert (created.name, created.description, created.extra_specs) == ("bronze", "slow", {"a": "1"})
    admin.update_type(created, description="slower")
    admin.update_type_extra_specs(created, b="2")
    fetched = admin.get_type(created.id)
    assert (fetched.description, fetched.extra_specs) == ("slower", {"a": "1", "b": "2"})
    admin.delete_type_extra_specs(created, ["a"])
    assert admin.get_type(created.id).extra_specs == {"b": "2"}
    assert sorted(t.name for t in live.sdk("demo").block_storage.types()) == ["__DEFAULT__", "bronze"]
    admin.delete_type(created)
    assert [t.name for t in admin.types()] == ["__DEFAULT__"]


# --- the scheduler's capabilities filter ---------------------------------------------------------

@pytest.mark.parametrize("specs, status", [
    ({}, "available"),
    ({"storage_protocol": "iSCSI", "vendor_name": "Open Source"}, "available"),
    ({"capabilities:storage_protocol": "<in> iSC"}, "available"),
    ({"volume_backend_name": "<or> other <or> lvmdriver-1"}, "available"),
    ({"multiattach": "<is> True", "thin_provisioning_support": "<is> True"}, "available"),
    ({"total_capacity_gb": ">= 10"}, "available"),
    ({"lvm:any": "thing"}, "available"),  # vendor-scoped specs are not the scheduler's
    ({"storage_protocol": "FC"}, "error"),
    ({"vendor_name": "bogus", "storage_protocol": "bogus"}, "error"),  # Tempest's user-message trigger
    ({"spec1": "v1"}, "error"),  # a capability the pool does not report
    ({"total_capacity_gb": "s== 10"}, "error"),
])
def test_a_volume_whose_type_no_backend_satisfies_goes_to_error(frozen, specs, status):
    api = frozen
    type_id = _new_type(api, extra_specs=specs)["id"]
    volume = _create(api, volume_type=type_id)
    assert volume["status"] == "creating"
    api.backend.clock.advance(5)
    assert api.get(_url(api, f"volumes/{volume['id']}", "demo")).get_json()["volume"]["status"] == status


# --- retype --------------------------------------------------------------------------------------

def _retype(api, volume_id: str, new_type: str, **extra):
    return api.post(_url(api, f"volumes/{volume_id}/action", "demo"), user="demo",
                    json={"os-retype": {"new_type": new_type, **extra}})


def test_a_volume_is_retyped_by_name_or_id(frozen):
    api = frozen
    gold = _new_type(api, name="gold")
    volume = _create(api)
    api.backend.clock.advance(1)
    assert _retype(api, volume["id"], "gold", migration_policy="never").status_code == 202
    shown = api.get(_url(api, f"volumes/{volume['id']}", "demo")).get_json()["volume"]
    assert (shown["status"], shown["volume_type"]) == ("available", "gold")
    assert _retype(api, volume["id"], _default_id(api)).status_code == 202
    assert api.get(_url(api, f"volumes/{volume['id']}", "demo")).get_json()["volume"]["volume_type"] == "__DEFAULT__"
    assert gold["id"]


def _default_id(api) -> str:
    return api.get(_url(api, "types/default"), user="admin").get_json()["volume_type"]["id"]


def test_retype_errors_are_cinders(frozen):
    api = frozen
    api.backend.settings.durations = {"volume_create": 2}
    _new_type(api, name="gold")
    volume = _create(api)
    assert _fault(_retype(api, volume["id"], "gold")) == _bad(
        "Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration "
        "or a consistency group, requested type has to be different that the one from the volume, and for in-use "
        "volumes front-end qos specs cannot change.")  # still creating
    api.backend.clock.advance(2)
    assert _fault(_retype(api, volume["id"], "__DEFAULT__"))[0] == 400  # the type it has
    assert _fault(_retype(api, volume["id"], "nope")) == _not_found("Volume type with name nope could not be found.")
    assert _retype(api, volume["id"], "gold", migration_policy="sometimes").status_code == 400


def test_a_retype_no_backend_satisfies_leaves_the_volume_as_it_was(frozen):
    api = frozen
    _new_type(api, name="fc", extra_specs={"storage_protocol": "FC"})
    volume = _create(api)
    api.backend.clock.advance(1)
    assert _retype(api, volume["id"], "fc").status_code == 202
    shown = api.get(_url(api, f"volumes/{volume['id']}", "demo")).get_json()["volume"]
    assert (shown["status"], shown["volume_type"]) == ("available", "__DEFAULT__")


def test_the_cli_retypes_a_volume(live):
    live.openstack("volume", "type", "create", "gold", user="admin")
    live.openstack("volume", "create", "--size", "1", "v1")
    live.openstack("volume", "set", "--type", "gold", "--retype-policy", "never", "v1")
    assert live.openstack("volume", "show", "v1", "-f", "json")["type"] == "gold"


# --- per-type quotas (cinder/quota.py VolumeTypeQuotaEngine, quota_utils.get_volume_type_reservation) ----

def _quota_set(api, usage: bool = False) -> dict:
    demo = _project(api, "demo")
    query = "?usage=true" if usage else ""
    response = api.get(_url(api, f"os-quota-sets/{demo}{query}"), user="admin")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["quota_set"]


def test_every_type_has_its_quotas_enforced_and_renamed_and_gone_with_it(api):
    created = _new_type(api, name="gold")
    assert {k: v for k, v in _quota_set(api).items() if k.endswith("_gold")} == {
        "volumes_gold": -1, "gigabytes_gold": -1, "snapshots_gold": -1}
    demo = _project(api, "demo")
    assert api.put(_url(api, f"os-quota-sets/{demo}"), user="admin",
                   json={"quota_set": {"volumes_gold": 1, "gigabytes_gold": 5}}).status_code == 200
    _create(api, volume_type="gold", size=2)
    assert _quota_set(api, usage=True)["gigabytes_gold"] == {"limit": 5, "in_use": 2, "reserved": 0}
    over = api.post(_url(api, "volumes", "demo"), json={"volume": {"size": 1, "volume_type": "gold"}})
    assert (over.status_code, over.get_json()["overLimit"]["message"]) == (
        413, "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes_gold'.")
    _create(api, size=1)  # other types are not limited by gold's quota
    api.put(_url(api, f"os-quota-sets/{demo}"), user="admin", json={"quota_set": {"volumes_gold": 5}})
    too_big = api.post(_url(api, "volumes", "demo"), json={"volume": {"size": 4, "volume_type": "gold"}})
    assert too_big.get_json()["overLimit"]["message"] == (
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes_gold quota. "
        "Requested 4G, quota is 5G and 2G has been consumed.")

    api.put(_url(api, f"types/{created['id']}"), user="admin", json={"volume_type": {"name": "silver"}})
    renamed = _quota_set(api)
    assert (renamed["volumes_silver"], renamed["gigabytes_silver"]) == (5, 5) and "volumes_gold" not in renamed

    for volume in api.get(_url(api, "volumes", "demo")).get_json()["volumes"]:
        api.delete(_url(api, f"volumes/{volume['id']}", "demo"))
    assert api.delete(_url(api, f"types/{created['id']}"), user="admin").status_code == 202
    assert not [k for k in _quota_set(api, usage=True) if k.endswith("_silver")]
    assert _fault(api.put(_url(api, f"os-quota-sets/{demo}"), user="admin",
                          json={"quota_set": {"volumes_silver": 1}})) == _bad(
        "Invalid input received: Bad key(s) in quota set: volumes_silver")
