"""Cinder's quotas on a project's volumes, snapshots and gigabytes: reported (GET os-quota-sets,
limits) and enforced on create with Cinder's 413 texts (cinder/quota.py, cinder/quota_utils.py,
cinder/exception.py; the fault middleware prefixes the exception's class name)."""

from __future__ import annotations

from fakenova.errors import APIError, Forbidden
from fakenova.domain.volume.volume_types import DEFAULT_TYPE

# cinder/quota.py defaults ([DEFAULT]quota_*), and the per-type entries Cinder adds for __DEFAULT__.
QUOTA_DEFAULTS = {"volumes": 10, "snapshots": 10, "gigabytes": 1000, "backups": 10, "backup_gigabytes": 1000,
                  "groups": 10, "per_volume_gigabytes": -1, f"volumes_{DEFAULT_TYPE}": -1,
                  f"gigabytes_{DEFAULT_TYPE}": -1, f"snapshots_{DEFAULT_TYPE}": -1}


class OverQuota(APIError):
    """Cinder's 413 overLimit, with ``retryAfter`` in the body and ``Retry-After: 0``."""
    code, title = 413, "Request Entity Too Large"

    def __init__(self, message: str):
        super().__init__(message, headers={"Retry-After": "0"})


def usage(backend, project_id: str) -> dict[str, int]:
    """What the project's volumes and snapshots use, by quota name (backups are not modelled)."""
    owned = [volume for volume in backend.store.volumes.values() if volume["project_id"] == project_id]
    snapshots = [s for s in backend.store.volume_snapshots.values() if s["project_id"] == project_id]
    used = dict.fromkeys(QUOTA_DEFAULTS, 0)
    used["volumes"] = used[f"volumes_{DEFAULT_TYPE}"] = len(owned)
    used["snapshots"] = used[f"snapshots_{DEFAULT_TYPE}"] = len(snapshots)
    used["gigabytes"] = used[f"gigabytes_{DEFAULT_TYPE}"] = (sum(volume["size"] for volume in owned)
                                                             + sum(s["size"] for s in snapshots))
    return used


def _gigabytes(used: dict, size: int) -> None:
    limit = QUOTA_DEFAULTS["gigabytes"]
    if limit >= 0 and used["gigabytes"] + size > limit:
        raise OverQuota(f"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes "
                        f"quota. Requested {size}G, quota is {limit}G and {used['gigabytes']}G has been consumed.")


def check_volume(backend, project_id: str, size: int) -> None:
    used = usage(backend, project_id)
    _gigabytes(used, size)
    limit = QUOTA_DEFAULTS["volumes"]
    if limit >= 0 and used["volumes"] + 1 > limit:
        raise OverQuota(f"VolumeLimitExceeded: Maximum number of volumes allowed ({limit}) exceeded for quota "
                        "'volumes'.")


def check_snapshot(backend, project_id: str, size: int) -> None:
    used = usage(backend, project_id)
    _gigabytes(used, size)
    limit = QUOTA_DEFAULTS["snapshots"]
    if limit >= 0 and used["snapshots"] + 1 > limit:
        raise OverQuota(f"SnapshotLimitExceeded: Maximum number of snapshots allowed ({limit}) exceeded")


def check_extend(backend, project_id: str, growth: int) -> None:
    _gigabytes(usage(backend, project_id), growth)


def check_quota_target(context, project_id: str) -> None:
    """Cinder's volume_extension:quotas:show: the caller's own project, or any for an admin."""
    if project_id != context.project_id and not context.is_admin:
        raise Forbidden("Policy doesn't allow volume_extension:quotas:show to be performed.")
