"""Tempest's own service clients (tempest.lib.services) against a live fakenova: the real client for
APIs no other client binds any more (Nova's proxy APIs left novaclient in 8.0). Each client checks
every answer against its response schema itself."""

from __future__ import annotations

import importlib

from tempest.lib import auth

from tests.conftest import project_of


def client(live, service: str, name: str, user: str = "demo"):
    """``name`` is a module and class under tempest.lib.services.<service>, e.g.
    'security_groups_client.SecurityGroupsClient'."""
    module_name, class_name = name.split(".")
    cls = getattr(importlib.import_module(f"tempest.lib.services.{service}.{module_name}"), class_name)
    auth_url = f"{live.auth_url}/v3"
    credentials = auth.get_credentials(auth_url, identity_version="v3", username=user, password=user,
                                       project_name=project_of(user), user_domain_name="Default",
                                       project_domain_name="Default")
    return cls(auth.KeystoneV3AuthProvider(credentials, auth_url), service, "RegionOne")
