"""/os-volumes and /os-snapshots: Nova's proxies to Cinder, 2.1-2.35 only (404 from 2.36, where Nova
removed them). nova/api/openstack/compute/volumes.py."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, route
from fakenova.api.compute.limited import limit_and_offset
from fakenova.domain.compute import volume_proxies
from fakenova.microversion import between
from fakenova.validation import nova_boolean
from fakenova.views import volume_proxies as views

PROXIES = between(None, "2.35")


@route("/os-volumes", versions=PROXIES)
def list_volumes():
    limit, offset = limit_and_offset()
    found = volume_proxies.list_volumes(backend(), context(), detail=False, limit=limit, offset=offset)
    return jsonify({"volumes": [views.volume(v) for v in found]})


@route("/os-volumes/detail", versions=PROXIES)
def list_volumes_detail():
    limit, offset = limit_and_offset()
    found = volume_proxies.list_volumes(backend(), context(), detail=True, limit=limit, offset=offset)
    return jsonify({"volumes": [views.volume(v) for v in found]})


@route("/os-volumes/<volume_id>", versions=PROXIES)
def show_volume(volume_id):
    return jsonify({"volume": views.volume(volume_proxies.get_volume(backend(), context(), volume_id))})


@route("/os-volumes", methods=["POST"], versions=PROXIES)
def create_volume():
    data = body("volumes", "create")
    return jsonify({"volume": views.volume(volume_proxies.create_volume(backend(), context(), data["volume"]))})


@route("/os-volumes/<volume_id>", methods=["DELETE"], versions=PROXIES)
def delete_volume(volume_id):
    volume_proxies.delete_volume(backend(), context(), volume_id)
    return "", 202


@route("/os-snapshots", versions=PROXIES)
def list_snapshots():
    limit, offset = limit_and_offset()
    found = volume_proxies.list_snapshots(backend(), context(), detail=False, limit=limit, offset=offset)
    return jsonify({"snapshots": [views.snapshot(s) for s in found]})


@route("/os-snapshots/detail", versions=PROXIES)
def list_snapshots_detail():
    limit, offset = limit_and_offset()
    found = volume_proxies.list_snapshots(backend(), context(), detail=True, limit=limit, offset=offset)
    return jsonify({"snapshots": [views.snapshot(s) for s in found]})


@route("/os-snapshots/<snapshot_id>", versions=PROXIES)
def show_snapshot(snapshot_id):
    return jsonify({"snapshot": views.snapshot(volume_proxies.get_snapshot(backend(), context(), snapshot_id))})


@route("/os-snapshots", methods=["POST"], versions=PROXIES)
def create_snapshot():
    data = body("snapshots", "create")["snapshot"]
    snapshot = volume_proxies.create_snapshot(backend(), context(), data,
                                              force=nova_boolean(data.get("force", False)))
    return jsonify({"snapshot": views.snapshot(snapshot)})


@route("/os-snapshots/<snapshot_id>", methods=["DELETE"], versions=PROXIES)
def delete_snapshot(snapshot_id):
    volume_proxies.delete_snapshot(backend(), context(), snapshot_id)
    return "", 202
