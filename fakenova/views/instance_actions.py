"""Instance action records -> the JSON Nova answers, per microversion and caller.

nova/api/openstack/compute/instance_actions.py: ``updated_at`` from 2.58; events always for admins
(policy ``events``, with ``traceback``), for everyone else from 2.51; ``hostId`` from 2.62 and
``host`` with it for admins; ``details`` from 2.84 for admins (policy ``events:details``).
Times are the DB's naive UTC with microseconds ("2018-04-25T01:26:36.790544").
"""

from __future__ import annotations

import hashlib

from fakenova.domain import policy
from fakenova.microversion import between
from fakenova.clock import db_time

SINCE = {
    "updated_at": between("2.58"),
    "events_for_everyone": between("2.51"),
    "host_id": between("2.62"),
    "details": between("2.84"),
}
ACTION_KEYS = ("action", "instance_uuid", "request_id", "user_id", "project_id", "start_time", "message")


def _host_id(host: str | None, project_id: str | None) -> str:
    if not host:
        return ""
    return hashlib.sha224(((project_id or "") + host).encode()).hexdigest()


def action(record: dict, version) -> dict:
    body = {key: record[key] for key in ACTION_KEYS}
    body["start_time"] = db_time(record["start_time"])
    if version in SINCE["updated_at"]:
        body["updated_at"] = db_time(record["updated_at"])
    return body


def action_with_events(record: dict, server: dict, version, context) -> dict:
    body = action(record, version)
    target = server["project_id"]
    is_event_reader = policy.allowed(context, "os_compute_api:os-instance-actions:events", target)
    if not (is_event_reader or version in SINCE["events_for_everyone"]):
        return body
    show_details = version in SINCE["details"] and policy.allowed(
        context, "os_compute_api:os-instance-actions:events:details", target)
    project_id = record["project_id"] or server["project_id"]
    events = []
    for event in record["events"]:
        item = {"event": event["event"], "start_time": db_time(event["start_time"]),
                "finish_time": db_time(event["finish_time"]), "result": event["result"]}
        if is_event_reader:
            item["traceback"] = event["traceback"]
            if version in SINCE["host_id"]:
                item["host"] = event["host"]
        if version in SINCE["host_id"]:
            item["hostId"] = _host_id(event["host"], project_id)
        if show_details:
            item["details"] = event["details"]
        events.append(item)
    body["events"] = events
    return body
