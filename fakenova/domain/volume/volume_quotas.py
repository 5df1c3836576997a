"""Cinder's quotas on a project's volumes, snapshots and gigabytes: reported (GET os-quota-sets,
limits), changed by admins (PUT/DELETE os-quota-sets, os-quota-class-sets) and enforced on create
and extend with Cinder's 413 texts (cinder/quota.py, cinder/quota_utils.py, cinder/exception.py; the
fault middleware prefixes the exception's class name).

A project's limits: its own (``store.volume_quotas``: project id -> {resource: limit}), else the
``default`` quota class's (``store.volume_quota_classes``: class -> {resource: limit}), else the
configured defaults (cinder/quota.py DbQuotaDriver with use_default_quota_class)."""

from __future__ import annotations

from fakenova.errors import APIError, BadRequest, Forbidden
from fakenova.domain.volume.policy import require_admin

# cinder/quota.py defaults ([DEFAULT]quota_*).
QUOTA_DEFAULTS = {"volumes": 10, "snapshots": 10, "gigabytes": 1000, "backups": 10, "backup_gigabytes": 1000,
                  "groups": 10, "per_volume_gigabytes": -1}
PER_TYPE = ("volumes", "gigabytes", "snapshots")  # VolumeTypeQuotaEngine: <resource>_<type name>, default -1
NON_QUOTA_KEYS = ("tenant_id", "id")  # cinder/quota.py: accepted in an update, then ignored
DB_MAX_INT = 0x7FFFFFFF  # cinder/common/constants.py


def resources(backend) -> dict[str, int]:
    """Every quota resource with its configured default: the fixed ones, and three per volume type."""
    per_type = {f"{resource}_{volume_type['name']}": -1 for volume_type in backend.store.volume_types.values()
                for resource in PER_TYPE}
    return {**QUOTA_DEFAULTS, **per_type}


def _over(base: dict[str, int], *layers: dict) -> dict[str, int]:
    """``base`` with each layer's values for the resources it has (a deleted type's entries drop out)."""
    merged = dict(base)
    for layer in layers:
        merged.update({key: value for key, value in layer.items() if key in base})
    return merged


def defaults(backend) -> dict[str, int]:
    """The limits of a project with none of its own: the ``default`` quota class over the config."""
    return _over(resources(backend), backend.store.volume_quota_classes.get("default", {}))


def limits(backend, project_id: str) -> dict[str, int]:
    return _over(defaults(backend), backend.store.volume_quotas.get(project_id, {}))


class OverQuota(APIError):
    """Cinder's 413 overLimit, with ``retryAfter`` in the body and ``Retry-After: 0``."""
    code, title = 413, "Request Entity Too Large"

    def __init__(self, message: str):
        super().__init__(message, headers={"Retry-After": "0"})


def usage(backend, project_id: str) -> dict[str, int]:
    """What the project's volumes and snapshots use, by quota name (backups are not modelled)."""
    owned = [volume for volume in backend.store.volumes.values() if volume["project_id"] == project_id]
    snapshots = [s for s in backend.store.volume_snapshots.values() if s["project_id"] == project_id]
    used = dict.fromkeys(resources(backend), 0)
    for suffix, type_name in [("", None)] + [(f"_{t['name']}", t["name"]) for t in backend.store.volume_types.values()]:
        typed = [volume for volume in owned if type_name in (None, volume["volume_type"])]
        typed_snapshots = [s for s in snapshots if type_name in (None, s.get("volume_type"))]
        used["volumes" + suffix] = len(typed)
        used["snapshots" + suffix] = len(typed_snapshots)
        used["gigabytes" + suffix] = sum(v["size"] for v in typed) + sum(s["size"] for s in typed_snapshots)
    return used


def _gigabytes(used: dict, limit: int, size: int, suffix: str = "") -> None:
    consumed = used[f"gigabytes{suffix}"]
    if limit >= 0 and consumed + size > limit:
        raise OverQuota(f"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes"
                        f"{suffix} quota. Requested {size}G, quota is {limit}G and {consumed}G has been consumed.")


def _per_volume(limit: int, size: int) -> None:
    """limit_check(per_volume_gigabytes=size) (volume/flows/api/create_volume.py, volume/api.py extend)."""
    if limit >= 0 and size > limit:
        raise OverQuota(f"VolumeSizeExceedsLimit: Requested volume size {size}G is larger than maximum allowed "
                        f"limit {limit}G.")


def check_volume(backend, project_id: str, size: int, type_name: str) -> None:
    """The project's and the volume type's limits (quota_utils.get_volume_type_reservation)."""
    used, allowed = usage(backend, project_id), limits(backend, project_id)
    _per_volume(allowed["per_volume_gigabytes"], size)
    for suffix in ("", f"_{type_name}"):
        _gigabytes(used, allowed[f"gigabytes{suffix}"], size, suffix)
        limit = allowed[f"volumes{suffix}"]
        if limit >= 0 and used[f"volumes{suffix}"] + 1 > limit:
            raise OverQuota(f"VolumeLimitExceeded: Maximum number of volumes allowed ({limit}) exceeded for quota "
                            f"'volumes{suffix}'.")


def check_snapshot(backend, project_id: str, size: int) -> None:
    used, allowed = usage(backend, project_id), limits(backend, project_id)
    _gigabytes(used, allowed["gigabytes"], size)
    limit = allowed["snapshots"]
    if limit >= 0 and used["snapshots"] + 1 > limit:
        raise OverQuota(f"SnapshotLimitExceeded: Maximum number of snapshots allowed ({limit}) exceeded")


def check_extend(backend, project_id: str, new_size: int, growth: int) -> None:
    allowed = limits(backend, project_id)
    _per_volume(allowed["per_volume_gigabytes"], new_size)
    _gigabytes(usage(backend, project_id), allowed["gigabytes"], growth)


def check_quota_target(context, project_id: str) -> None:
    """Cinder's volume_extension:quotas:show: the caller's own project, or any for an admin."""
    if project_id != context.project_id and not context.is_admin:
        raise Forbidden("Policy doesn't allow volume_extension:quotas:show to be performed.")


def _checked_limit(key: str, value) -> int:
    """oslo strutils.validate_integer(value, key, -1, DB_MAX_INT), as api_utils.validate_integer calls it."""
    try:
        number = int(str(value))
    except (ValueError, UnicodeEncodeError):
        raise BadRequest(f"{key} must be an integer") from None
    if number < -1:
        raise BadRequest(f"{key} must be >= -1")
    if number > DB_MAX_INT:
        raise BadRequest(f"{key} must be <= {DB_MAX_INT}")
    return number


def update(backend, context, project_id: str, quota_set) -> dict[str, int]:
    """PUT /os-quota-sets/{project} (admin; contrib/quotas.py update and the quota_set format check):
    known resources only, integers from -1, none below what the project already uses."""
    require_admin(context, "volume_extension:quotas:update")
    if not isinstance(quota_set, dict) or not quota_set:
        raise BadRequest("Invalid input for field/attribute quota_set. Value: "
                         f"{quota_set!r}. {quota_set!r} does not have enough properties")
    known = resources(backend)
    bad = [key for key in quota_set if key not in known and key not in NON_QUOTA_KEYS]
    if bad:
        raise BadRequest(f"Invalid input received: Bad key(s) in quota set: {', '.join(bad)}")
    wanted = {key: _checked_limit(key, value) for key, value in quota_set.items() if key not in NON_QUOTA_KEYS}
    with backend.store.lock:
        used = usage(backend, project_id)
        for key, value in wanted.items():
            if key != "per_volume_gigabytes" and value != -1 and value < used.get(key, 0):
                raise BadRequest(f"Quota {key} limit must be equal or greater than existing resources. Current usage "
                                 f"is {used.get(key, 0)} and the requested limit is {value}.")
        backend.store.volume_quotas.setdefault(project_id, {}).update(wanted)
        return limits(backend, project_id)


def delete(backend, context, project_id: str) -> None:
    """DELETE /os-quota-sets/{project} (admin): back to the defaults."""
    require_admin(context, "volume_extension:quotas:delete")
    with backend.store.lock:
        backend.store.volume_quotas.pop(project_id, None)


def update_class(backend, context, class_name: str, quota_class_set) -> dict[str, int]:
    """PUT /os-quota-class-sets/{class} (admin; contrib/quota_classes.py, the quota_class_set schema)."""
    require_admin(context, "volume_extension:quota_classes:update")
    if not isinstance(quota_class_set, dict):
        raise BadRequest(f"Invalid input for field/attribute quota_class_set. Value: {quota_class_set!r}. "
                         f"{quota_class_set!r} is not of type 'object'")
    known = resources(backend)
    bad = [key for key in quota_class_set if key not in known]
    if bad:
        raise BadRequest(f"Invalid input received: Bad key(s) in quota class set: {', '.join(bad)}")
    wanted = {}
    for key, value in quota_class_set.items():
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).lstrip("-").isdigit():
            raise BadRequest(f"Invalid input for field/attribute {key}. Value: {value}. {value!r} is not of type "
                             "'integer', 'string'")
        wanted[key] = _checked_limit(key, value)
    with backend.store.lock:
        backend.store.volume_quota_classes.setdefault(class_name, {}).update(wanted)
        return class_limits(backend, class_name)


def class_limits(backend, class_name: str) -> dict[str, int]:
    """A quota class's limits: its own over the configured defaults (QUOTAS.get_class_quotas)."""
    return _over(resources(backend), backend.store.volume_quota_classes.get(class_name, {}))


def rename_type(backend, old: str, new: str) -> None:
    """A renamed volume type takes its quota entries along (QUOTAS.update_quota_resource)."""
    for table in (*backend.store.volume_quotas.values(), *backend.store.volume_quota_classes.values()):
        for resource in PER_TYPE:
            if f"{resource}_{old}" in table:
                table[f"{resource}_{new}"] = table.pop(f"{resource}_{old}")
