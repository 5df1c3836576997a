"""Keystone v3 at /identity: discovery, tokens and catalog (tokens.py), and the admin calls
(domains, projects, users, roles, grants; admin.py) that Tempest's dynamic credentials make."""

from fakenova.api.identity import admin, tokens  # noqa: F401  (each module registers its routes)
from fakenova.api.identity.blueprint import bp

__all__ = ["bp"]
