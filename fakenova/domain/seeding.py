"""Fill a cleared store from the settings, in dependency order."""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import compute_services, flavors, quotas, remote_consoles
from fakenova.domain.identity import identity
from fakenova.domain.image import images
from fakenova.domain.network import agents, topology

# Each module has seed(backend); later ones may refer to what earlier ones created.
SEEDERS = (policy, remote_consoles, identity, flavors, images, topology, quotas, compute_services, agents)


def seed_all(backend) -> None:
    for module in SEEDERS:
        module.seed(backend)
