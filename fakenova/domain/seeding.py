"""Fill a cleared store from the settings, in dependency order."""

from __future__ import annotations

from fakenova.domain import (compute_services, flavors, identity, images, networks, policy, quotas,
                             remote_consoles)

# Each module has seed(backend); later ones may refer to what earlier ones created.
SEEDERS = (policy, remote_consoles, identity, flavors, images, networks, quotas, compute_services)


def seed_all(backend) -> None:
    for module in SEEDERS:
        module.seed(backend)
