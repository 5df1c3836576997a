"""/os-assisted-volume-snapshots (every microversion; service role or admin):
nova/api/openstack/compute/assisted_volume_snapshots.py."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route
from fakenova.domain.compute import assisted_volume_snapshots


@route("/os-assisted-volume-snapshots", methods=["POST"])
def create_assisted_volume_snapshot():
    data = body("assisted_volume_snapshots", "create")["snapshot"]
    snapshot = assisted_volume_snapshots.create(backend(), context(), data["volume_id"], data["create_info"])
    return jsonify({"snapshot": snapshot})


@route("/os-assisted-volume-snapshots/<snapshot_id>", methods=["DELETE"])
def delete_assisted_volume_snapshot(snapshot_id):
    args = query("assisted_volume_snapshots", "delete")
    assisted_volume_snapshots.delete(backend(), context(), snapshot_id, (args.get("delete_info") or [None])[-1])
    return "", 204
