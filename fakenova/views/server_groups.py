"""Server group records -> Nova's JSON (nova/api/openstack/compute/server_groups.py
``_format_server_group``): ``policies`` + empty ``metadata`` below 2.64, ``policy`` + ``rules`` from
2.64, ``project_id``/``user_id`` from 2.13; members are the group's servers that are not deleted."""

from __future__ import annotations

from fakenova.domain.compute import server_groups
from fakenova.microversion import between

SINCE = {"owner": between("2.13"), "policy_and_rules": between("2.64")}


def group(backend, record: dict, version) -> dict:
    body = {"id": record["id"], "name": record["name"]}
    if version in SINCE["policy_and_rules"]:
        body["policy"] = record["policy"]
        body["rules"] = dict(record["rules"])
    else:
        body["policies"] = [record["policy"]]
        body["metadata"] = {}
    body["members"] = server_groups.live_members(backend, record)
    if version in SINCE["owner"]:
        body["project_id"] = record["project_id"]
        body["user_id"] = record["user_id"]
    return body
