"""Cinder's quota sets, quota class sets and limits for a project (cinder/api/contrib/quotas.py,
quota_classes.py, cinder/api/views/limits.py plus the used_limits extension's totals)."""

from __future__ import annotations

from flask import jsonify, request

from fakenova.api.common import backend, context, json_body
from fakenova.api.volume.blueprint import bp, check_project, is_true
from fakenova.domain.volume import policy, volume_quotas
from fakenova.errors import BadRequest


@bp.get("/v3/<project_id>/os-quota-sets/<target_id>")
def show_quota_set(project_id: str, target_id: str):
    check_project(project_id)
    volume_quotas.check_quota_target(context(), target_id)
    limits = volume_quotas.limits(backend(), target_id)
    if is_true(request.args.get("usage", "")):
        used = volume_quotas.usage(backend(), target_id)
        body = {name: {"limit": limit, "in_use": used[name], "reserved": 0} for name, limit in limits.items()}
    else:
        body = dict(limits)
    return jsonify({"quota_set": {"id": target_id, **body}})


@bp.get("/v3/<project_id>/os-quota-sets/<target_id>/defaults")
def show_quota_defaults(project_id: str, target_id: str):
    check_project(project_id)
    return jsonify({"quota_set": {"id": target_id, **volume_quotas.defaults(backend())}})


@bp.put("/v3/<project_id>/os-quota-sets/<target_id>")
def update_quota_set(project_id: str, target_id: str):
    """Admin only; the answer is the project's limits without an id (contrib/quotas.py update)."""
    check_project(project_id)
    data = json_body()
    if not isinstance(data, dict) or set(data) != {"quota_set"}:
        raise BadRequest("Invalid input for field/attribute quota_set. Value: None. 'quota_set' is a required "
                         "property" if not isinstance(data, dict) or "quota_set" not in data else
                         "Additional properties are not allowed")
    return jsonify({"quota_set": volume_quotas.update(backend(), context(), target_id, data["quota_set"])})


@bp.delete("/v3/<project_id>/os-quota-sets/<target_id>")
def delete_quota_set(project_id: str, target_id: str):
    check_project(project_id)
    volume_quotas.delete(backend(), context(), target_id)
    return "", 200


@bp.get("/v3/<project_id>/os-quota-class-sets/<class_name>")
def show_quota_class_set(project_id: str, class_name: str):
    check_project(project_id)
    policy.require_admin(context(), "volume_extension:quota_classes")
    return jsonify({"quota_class_set": {**volume_quotas.class_limits(backend(), class_name), "id": class_name}})


@bp.put("/v3/<project_id>/os-quota-class-sets/<class_name>")
def update_quota_class_set(project_id: str, class_name: str):
    check_project(project_id)
    data = json_body()
    if not isinstance(data, dict) or set(data) != {"quota_class_set"}:
        raise BadRequest("Invalid input for field/attribute quota_class_set. 'quota_class_set' is a required "
                         "property and the only one allowed")
    return jsonify({"quota_class_set": volume_quotas.update_class(backend(), context(), class_name,
                                                                  data["quota_class_set"])})


@bp.get("/v3/<project_id>/limits")
def show_limits(project_id: str):
    check_project(project_id)
    limits, used = volume_quotas.limits(backend(), project_id), volume_quotas.usage(backend(), project_id)
    absolute = {"maxTotalVolumeGigabytes": limits["gigabytes"], "maxTotalBackupGigabytes": limits["backup_gigabytes"],
                "maxTotalVolumes": limits["volumes"], "maxTotalSnapshots": limits["snapshots"],
                "maxTotalBackups": limits["backups"], "totalVolumesUsed": used["volumes"],
                "totalGigabytesUsed": used["gigabytes"], "totalSnapshotsUsed": used["snapshots"],
                "totalBackupsUsed": 0, "totalBackupGigabytesUsed": 0}
    return jsonify({"limits": {"rate": [], "absolute": absolute}})
