"""GET /limits body (nova/api/openstack/compute/views/limits.py)."""

from __future__ import annotations

from fakenova.microversion import APIVersion, between

# Limits dropped at a microversion: proxy APIs at 2.36, image metadata at 2.39, personality at 2.57.
NETWORK_ERA = between(None, "2.35")
IMAGE_META = between(None, "2.38")
PERSONALITY = between(None, "2.56")

# (absolute limit name, quota resource, range it exists in)
_MAXIMA = (
    ("maxTotalInstances", "instances", None),
    ("maxTotalCores", "cores", None),
    ("maxTotalRAMSize", "ram", None),
    ("maxServerMeta", "metadata_items", None),
    ("maxImageMeta", "metadata_items", IMAGE_META),
    ("maxPersonality", "injected_files", PERSONALITY),
    ("maxPersonalitySize", "injected_file_content_bytes", PERSONALITY),
    ("maxTotalKeypairs", "key_pairs", None),
    ("maxServerGroups", "server_groups", None),
    ("maxServerGroupMembers", "server_group_members", None),
    ("maxTotalFloatingIps", "floating_ips", NETWORK_ERA),
    ("maxSecurityGroups", "security_groups", NETWORK_ERA),
    ("maxSecurityGroupRules", "security_group_rules", NETWORK_ERA),
)
_USED = (
    ("totalInstancesUsed", "instances", None),
    ("totalCoresUsed", "cores", None),
    ("totalRAMUsed", "ram", None),
    ("totalServerGroupsUsed", "server_groups", None),
    ("totalFloatingIpsUsed", "floating_ips", NETWORK_ERA),
    ("totalSecurityGroupsUsed", "security_groups", NETWORK_ERA),
)


def limits(quota_limits: dict, used: dict, version: APIVersion) -> dict:
    """``quota_limits`` / ``used``: quota resource -> value, as fakenova.domain.compute.quotas gives them."""
    absolute = {}
    for label, resource, versions in _MAXIMA:
        if versions is None or version in versions:
            absolute[label] = quota_limits[resource]
    for label, resource, versions in _USED:
        if versions is None or version in versions:
            absolute[label] = used[resource]
    return {"limits": {"rate": [], "absolute": absolute}}
