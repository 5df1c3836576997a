"""Fill a cleared store from the settings, in dependency order."""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import compute_services, flavors, quotas, remote_consoles
from fakenova.domain.identity import identity
from fakenova.domain.image import images
from fakenova.domain.network import agents, security_groups, topology
from fakenova.domain.volume import volume_types

# Each module has seed(backend); later ones may refer to what earlier ones created.
SEEDERS = (policy, remote_consoles, identity, flavors, images, topology, quotas, compute_services, agents,
           volume_types)


def seed_all(backend) -> None:
    for module in SEEDERS:
        module.seed(backend)


def provision_project(backend, project_id: str) -> None:
    """What a project made after start-up gets from the other services, as a seeded one has: Neutron's
    default security group. Nova's quotas need nothing (a project without overrides has the defaults)
    and it has no servers."""
    security_groups.default_group(backend, project_id)
