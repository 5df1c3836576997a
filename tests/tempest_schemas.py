"""Check compute responses against Tempest's own per-microversion response schemas.

Tempest's service clients list ``schema_versions_info`` ({min, max, schema module}); we pick the
module the way Tempest does for a given microversion and run Tempest's own ``validate_response``.
"""

from __future__ import annotations

import importlib

from tempest.lib.common import api_version_request as avr
from tempest.lib.common.rest_client import RestClient


class _Resp(dict):
    """What Tempest's validator expects: a header mapping with a ``status`` attribute."""

    def __init__(self, status: int, headers):
        super().__init__((k.lower(), v) for k, v in dict(headers).items())
        self.status = status


def schema_module(client: str, version: str):
    """client is a tempest.lib.services.compute module and class, e.g. 'flavors_client.FlavorsClient'."""
    module_name, class_name = client.split(".")
    cls = getattr(importlib.import_module(f"tempest.lib.services.compute.{module_name}"), class_name)
    infos = getattr(cls, "schema_versions_info", None)
    if not infos:
        return importlib.import_module(f"tempest.lib.api_schema.response.compute.v2_1.{module_name.replace('_client', '')}")
    requested = avr.APIVersionRequest(version)
    for info in infos:
        if requested.matches(avr.APIVersionRequest(info["min"]), avr.APIVersionRequest(info["max"])):
            return info["schema"]
    raise LookupError(f"no Tempest schema for {client} at {version}")


def assert_valid(client: str, schema_name: str, version: str, status: int, headers, body, *,
                 unknown_to_tempest: tuple[str, ...] = ()) -> None:
    """Raise if the response breaks Tempest's schema ``schema_name`` for ``version``.

    ``unknown_to_tempest`` names top-level keys Nova sends but Tempest's schema lacks (paging links
    it never added, e.g. keypairs_links from 2.35, migrations_links from 2.59): the rest is checked;
    the caller asserts those keys itself."""
    if unknown_to_tempest:
        body = {key: value for key, value in body.items() if key not in unknown_to_tempest}
    module = schema_module(client, version)
    schema = getattr(module, schema_name)
    RestClient.validate_response(schema, _Resp(status, headers), body)
