"""Neutron v2.0 subset at /networking. Importing the handler modules registers their routes."""

from fakenova.api.network import discovery, quotas, resources  # noqa: F401
from fakenova.api.network.blueprint import bp, prepare_request

__all__ = ["bp", "prepare_request"]
