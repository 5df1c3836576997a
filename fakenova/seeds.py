"""What a fresh fakenova holds, as devstack would leave it: users, projects, flavors, images, networks.

Ids are derived from names (uuid5), so they are stable across restarts and machines.
"""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f0c7d1e-9a3b-4c55-8d2e-fa4e0b6a7c11")


def stable_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


def stable_hex(kind: str, name: str) -> str:
    """Keystone ids are 32 hex digits without dashes."""
    return uuid.uuid5(_NAMESPACE, f"{kind}:{name}").hex


DOMAINS = [{"id": "default", "name": "Default"}]

PROJECTS = [
    {"name": "admin", "domain": "default"},
    {"name": "demo", "domain": "default"},
    {"name": "alt_demo", "domain": "default"},
]

USERS = [
    {"name": "admin", "password": "admin", "domain": "default", "project": "admin", "roles": ["admin", "member", "reader"]},
    {"name": "demo", "password": "demo", "domain": "default", "project": "demo", "roles": ["member", "reader"]},
    {"name": "alt_demo", "password": "alt_demo", "domain": "default", "project": "alt_demo", "roles": ["member", "reader"]},
    # Nova's secure-RBAC personas inside project demo: read-only, and member plus manager.
    {"name": "reader", "password": "reader", "domain": "default", "project": "demo", "roles": ["reader"]},
    {"name": "manager", "password": "manager", "domain": "default", "project": "demo",
     "roles": ["manager", "member", "reader"]},
]

# devstack's flavors (lib/nova and lib/tempest): ids 1-5 plus m1.nano (42) and m1.micro (84).
FLAVORS = [
    {"id": "1", "name": "m1.tiny", "ram": 512, "vcpus": 1, "disk": 1},
    {"id": "2", "name": "m1.small", "ram": 2048, "vcpus": 1, "disk": 20},
    {"id": "3", "name": "m1.medium", "ram": 4096, "vcpus": 2, "disk": 40},
    {"id": "4", "name": "m1.large", "ram": 8192, "vcpus": 4, "disk": 80},
    {"id": "5", "name": "m1.xlarge", "ram": 16384, "vcpus": 8, "disk": 160},
    {"id": "42", "name": "m1.nano", "ram": 192, "vcpus": 1, "disk": 1},
    {"id": "84", "name": "m1.micro", "ram": 256, "vcpus": 1, "disk": 1},
]

IMAGES = [
    {"name": "cirros-0.6.2-x86_64-disk", "size": 21430272, "min_disk": 0, "min_ram": 0},
    # A second image so rebuild tests have something to rebuild to.
    {"name": "cirros-0.6.2-x86_64-disk-alt", "size": 21430272, "min_disk": 0, "min_ram": 0},
]

NETWORKS = [
    {
        "name": "private",
        "project": "demo",
        # devstack's private network belongs to demo; shared here so every seeded project can boot.
        "shared": True,
        "external": False,
        "subnets": [
            {"name": "private-subnet", "ip_version": 4, "cidr": "10.0.0.0/26", "gateway_ip": "10.0.0.1",
             "subnetpool": "shared-default-subnetpool-v4"},
            {"name": "ipv6-private-subnet", "ip_version": 6, "cidr": "fd6c:5a3e:4b1f::/64",
             "gateway_ip": "fd6c:5a3e:4b1f::1", "ipv6_ra_mode": "slaac", "ipv6_address_mode": "slaac",
             "subnetpool": "shared-default-subnetpool-v6"},
        ],
        # devstack's router1: an interface on each private subnet, its gateway on public.
        "router": {"name": "router1", "gateway": "public"},
    },
    {
        "name": "public",
        "project": "admin",
        "shared": False,
        "external": True,
        "subnets": [
            {"name": "public-subnet", "ip_version": 4, "cidr": "172.24.4.0/24", "gateway_ip": "172.24.4.1",
             "enable_dhcp": False},
        ],
    },
]

# devstack's default subnet pools (lib/neutron_plugins/services/l3): admin's, shared, the defaults;
# the private subnets above came from them.
SUBNET_POOLS = [
    {"name": "shared-default-subnetpool-v4", "prefixes": ["10.0.0.0/22"], "default_prefixlen": 26,
     "shared": True, "is_default": True},
    {"name": "shared-default-subnetpool-v6", "prefixes": ["fd6c:5a3e:4b1f::/56"], "default_prefixlen": 64,
     "shared": True, "is_default": True},
]

# Nova's [quota] defaults (nova/conf/quota.py).
QUOTAS = {
    "instances": 10,
    "cores": 20,
    "ram": 51200,
    "metadata_items": 128,
    "injected_files": 5,
    "injected_file_content_bytes": 10240,
    "injected_file_path_length": 255,
    "key_pairs": 100,
    "server_groups": 10,
    "server_group_members": 10,
}
