"""Quota sets -> Nova's JSON bodies (nova/api/openstack/compute/quota_sets.py `_format_quota_set`)."""

from __future__ import annotations

from fakenova.microversion import APIVersion, between

# Resources dropped from the API at a microversion (proxy APIs at 2.36, personality at 2.57).
NETWORK_ERA = between(None, "2.35")
PERSONALITY = between(None, "2.56")

_NETWORK_ERA_RESOURCES = ("fixed_ips", "floating_ips", "security_group_rules", "security_groups")
_PERSONALITY_RESOURCES = ("injected_files", "injected_file_content_bytes", "injected_file_path_bytes")


def shown(name: str, version: APIVersion) -> bool:
    if name in _NETWORK_ERA_RESOURCES:
        return version in NETWORK_ERA
    if name in _PERSONALITY_RESOURCES:
        return version in PERSONALITY
    return True


def quota_set(values: dict, version: APIVersion, project_id: str | None = None) -> dict:
    """``values``: resource -> limit (or -> {limit, in_use, reserved} for /detail). The PUT answer
    has no ``id``."""
    body = {} if project_id is None else {"id": project_id}
    body.update((name, value) for name, value in values.items() if shown(name, version))
    return {"quota_set": body}


# Quota classes show the network-era resources up to 2.49 and server groups from 2.50 (Nova's
# quota_classes.py FILTERED_QUOTAS_v250 / _v257 and EXTENDED_QUOTAS).
CLASS_NETWORK_ERA = between(None, "2.49")
_SERVER_GROUP_RESOURCES = ("server_groups", "server_group_members")


def class_shown(name: str, version: APIVersion) -> bool:
    if name in _NETWORK_ERA_RESOURCES:
        return version in CLASS_NETWORK_ERA
    if name in _SERVER_GROUP_RESOURCES:
        return version not in CLASS_NETWORK_ERA
    if name in _PERSONALITY_RESOURCES:
        return version in PERSONALITY
    return True


def quota_class_set(values: dict, version: APIVersion, class_name: str | None = None) -> dict:
    """The show answer has the class name as ``id``; the PUT answer has none."""
    body = {} if class_name is None else {"id": class_name}
    body.update((name, value) for name, value in values.items() if class_shown(name, version))
    return {"quota_class_set": body}


def detailed(limits: dict, used: dict) -> dict:
    # Nova no longer reserves quota; "reserved" is always 0.
    return {name: {"in_use": used[name], "limit": limit, "reserved": 0} for name, limit in limits.items()}
