"""The instance usage audit log (os-instance_usage_audit_log; nova/api/openstack/compute/
instance_usage_audit_log.py): for the monthly audit period most recently completed before a time
(nova.utils.last_completed_audit_period, [DEFAULT]instance_usage_audit_period = month), how many
compute hosts ran the audit. fakenova's hosts never run it (Nova's instance_usage_audit is off by
default, as in devstack), so every compute host is listed as not run.
"""

from __future__ import annotations

import datetime as dt

from fakenova.domain.compute import compute_services
from fakenova.errors import BadRequest


def parse_before(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise BadRequest(f"Invalid timestamp for date {text}") from None


def last_completed_month(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    end = dt.datetime(now.year, now.month, 1)
    if end >= now:
        end = dt.datetime(end.year - 1, 12, 1) if end.month == 1 else dt.datetime(end.year, end.month - 1, 1)
    begin = dt.datetime(end.year - 1, 12, 1) if end.month == 1 else dt.datetime(end.year, end.month - 1, 1)
    return begin, end


def audit_log(backend, before: dt.datetime | None = None) -> dict:
    now = before or backend.clock.now().replace(tzinfo=None)
    begin, end = last_completed_month(now)
    hosts = sorted({s["host"] for s in backend.store.services.values() if s["binary"] == compute_services.COMPUTE})
    return {"period_beginning": str(begin), "period_ending": str(end), "num_hosts": len(hosts),
            "num_hosts_done": 0, "num_hosts_running": 0, "num_hosts_not_run": len(hosts),
            "hosts_not_run": hosts, "total_instances": 0, "total_errors": 0,
            "overall_status": f"{'ALL' if not hosts else f'0 of {len(hosts)}'} hosts done. 0 errors.", "log": {}}
