"""GET /extensions (nova/api/openstack/compute/extension_info.py: Nova's frozen v2 list, for everyone)
and os-instance_usage_audit_log (instance_usage_audit_log.py: the last completed monthly period,
nova.utils.last_completed_audit_period; no host has run the audit)."""

from __future__ import annotations

import datetime as dt

import pytest

from tempest.lib.api_schema.response.compute.v2_1 import instance_usage_audit_logs as audit_schemas
from tempest.lib.common.rest_client import RestClient

from fakenova.domain.compute.usage_audit_log import last_completed_month
from tests.tempest_schemas import _Resp, assert_valid

V21 = "/compute/v2.1"
AUDIT = f"{V21}/os-instance_usage_audit_log"


def audit_valid(schema_name: str, response) -> None:
    """InstanceUsagesAuditLogClient checks with a module named unlike the client (..._logs)."""
    RestClient.validate_response(getattr(audit_schemas, schema_name), _Resp(response.status_code, response.headers),
                                 response.get_json())


def test_extensions_list_and_show(api):
    listed = api.get(f"{V21}/extensions", user="reader")
    assert_valid("extensions_client.ExtensionsClient", "list_extensions", "2.1", 200, listed.headers,
                 listed.get_json())
    extensions = listed.get_json()["extensions"]
    assert len(extensions) == 99 and extensions[0]["alias"] == "NMN"
    shown = api.get(f"{V21}/extensions/os-availability-zone").get_json()["extension"]
    assert shown["name"] == "AvailabilityZone" and shown["links"] == []
    missing = api.get(f"{V21}/extensions/nope")
    assert (missing.status_code, missing.get_json()) == (404, {"itemNotFound": {
        "code": 404, "message": "The resource could not be found."}})
    assert api.get(f"{V21}/extensions?x=1", version="2.102").status_code == 400


def test_audit_log_lists_every_compute_host_as_not_run(api):
    response = api.get(AUDIT, user="admin")
    audit_valid("list_instance_usage_audit_log", response)
    log = response.get_json()["instance_usage_audit_logs"]
    assert log["num_hosts"] == 2 and log["hosts_not_run"] == ["compute1", "compute2"]
    assert log["overall_status"] == "0 of 2 hosts done. 0 errors." and log["log"] == {}


def test_audit_log_before_a_time(api):
    response = api.get(f"{AUDIT}/2024-01-10 05:00:00", user="admin")
    audit_valid("get_instance_usage_audit_log", response)
    log = response.get_json()["instance_usage_audit_log"]
    assert (log["period_beginning"], log["period_ending"]) == ("2023-12-01 00:00:00", "2024-01-01 00:00:00")
    with_micro = api.get(f"{AUDIT}/2024-03-01 00:00:00.5", user="admin").get_json()["instance_usage_audit_log"]
    assert with_micro["period_ending"] == "2024-03-01 00:00:00"


@pytest.mark.parametrize("now,expected", [
    (dt.datetime(2024, 3, 1, 0, 0), (dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1))),
    (dt.datetime(2024, 1, 20), (dt.datetime(2023, 12, 1), dt.datetime(2024, 1, 1))),
    (dt.datetime(2024, 2, 1, 0, 0, 1), (dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1))),
])
def test_last_completed_month_is_novas(now, expected):
    assert last_completed_month(now) == expected


def test_audit_log_errors(api):
    bad = api.get(f"{AUDIT}/yesterday", user="admin")
    assert bad.get_json() == {"badRequest": {"code": 400, "message": "Invalid timestamp for date yesterday"}}
    denied = api.get(AUDIT, user="demo")
    assert denied.get_json() == {"forbidden": {"code": 403, "message": (
        "Policy doesn't allow os_compute_api:os-instance-usage-audit-log:list to be performed.")}}


def test_the_openstack_cli_lists_compute_extensions(live):
    listed = live.openstack("extension", "list", "--compute", "-f", "json")
    assert "os-availability-zone" in [row["Alias"] for row in listed]
