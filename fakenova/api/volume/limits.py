"""Cinder's quota sets and limits for a project (cinder/api/contrib/quotas.py, cinder/api/views/limits.py
plus the used_limits extension's totals)."""

from __future__ import annotations

from flask import jsonify, request

from fakenova.api.common import backend, context
from fakenova.api.volume.blueprint import bp, check_project, is_true
from fakenova.domain.volume import volume_quotas


@bp.get("/v3/<project_id>/os-quota-sets/<target_id>")
def show_quota_set(project_id: str, target_id: str):
    check_project(project_id)
    volume_quotas.check_quota_target(context(), target_id)
    limits = volume_quotas.QUOTA_DEFAULTS
    if is_true(request.args.get("usage", "")):
        used = volume_quotas.usage(backend(), target_id)
        body = {name: {"limit": limit, "in_use": used[name], "reserved": 0} for name, limit in limits.items()}
    else:
        body = dict(limits)
    return jsonify({"quota_set": {"id": target_id, **body}})


@bp.get("/v3/<project_id>/os-quota-sets/<target_id>/defaults")
def show_quota_defaults(project_id: str, target_id: str):
    check_project(project_id)
    return jsonify({"quota_set": {"id": target_id, **volume_quotas.QUOTA_DEFAULTS}})


@bp.get("/v3/<project_id>/limits")
def show_limits(project_id: str):
    check_project(project_id)
    limits, used = volume_quotas.QUOTA_DEFAULTS, volume_quotas.usage(backend(), project_id)
    absolute = {"maxTotalVolumeGigabytes": limits["gigabytes"], "maxTotalBackupGigabytes": limits["backup_gigabytes"],
                "maxTotalVolumes": limits["volumes"], "maxTotalSnapshots": limits["snapshots"],
                "maxTotalBackups": limits["backups"], "totalVolumesUsed": used["volumes"],
                "totalGigabytesUsed": used["gigabytes"], "totalSnapshotsUsed": used["snapshots"],
                "totalBackupsUsed": 0, "totalBackupGigabytesUsed": 0}
    return jsonify({"limits": {"rate": [], "absolute": absolute}})
