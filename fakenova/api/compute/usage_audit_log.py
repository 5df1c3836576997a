"""/os-instance_usage_audit_log[/{before}] (nova/api/openstack/compute/instance_usage_audit_log.py):
admin-only; ``before`` is "YYYY-MM-DD HH:MM:SS[.ffffff]" (400 "Invalid timestamp for date X")."""

from __future__ import annotations

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route
from fakenova.domain import policy
from fakenova.domain.compute import usage_audit_log

_RULE = "os_compute_api:os-instance-usage-audit-log:"


@route("/os-instance_usage_audit_log")
def list_usage_audit_logs():
    query("usage_audit_log", "index")
    policy.authorize(context(), _RULE + "list")
    return {"instance_usage_audit_logs": usage_audit_log.audit_log(backend())}


@route("/os-instance_usage_audit_log/<before>")
def show_usage_audit_log(before: str):
    query("usage_audit_log", "show")
    policy.authorize(context(), _RULE + "show")
    return {"instance_usage_audit_log": usage_audit_log.audit_log(backend(), usage_audit_log.parse_before(before))}
