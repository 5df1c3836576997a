"""Nova: servers and everything about them (lifecycle, actions, moves, migrations), hosts, quotas,
keypairs, flavors, server groups. May import identity, image, volume and network, never control."""
