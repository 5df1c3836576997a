"""Cinder volumes and snapshots as Nova's proxies show them (nova/api/openstack/compute/volumes.py
_translate_volume_summary_view, _translate_snapshot_summary_view): camelCase keys, display names,
and ``attachments: [{}]`` for a volume attached nowhere."""

from __future__ import annotations

from fakenova.clock import db_time


def volume(record: dict) -> dict:
    attachments = [{"id": record["id"], "volumeId": record["id"], "serverId": a["server_id"],
                    **({"device": a["device"]} if a.get("device") else {})}
                   for a in record["attachments"] if a.get("attached", True)]
    return {
        "id": record["id"],
        "status": record["status"],
        "size": record["size"],
        "availabilityZone": record["availability_zone"],
        "createdAt": db_time(record["created_at"]),
        "attachments": attachments or [{}],
        "displayName": record["name"],
        "displayDescription": record["description"],
        "volumeType": record.get("volume_type"),
        "snapshotId": record.get("snapshot_id"),
        "metadata": dict(record["metadata"]),
    }


def snapshot(record: dict) -> dict:
    return {
        "id": record["id"],
        "volumeId": record["volume_id"],
        "status": record["status"],
        "size": record["size"],
        "createdAt": db_time(record["created_at"]),
        "displayName": record["name"],
        "displayDescription": record["description"],
    }
