"""The console URL actions of 2.1-2.5: os-getVNCConsole, os-getSPICEConsole, os-getSerialConsole and
the removed os-getRDPConsole. From 2.6 POST /servers/{id}/remote-consoles replaces them (the
dispatcher answers 404 there). Nova records no instance action for any of them."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.remote_consoles import public_host
from fakenova.api.compute.server_actions import action
from fakenova.domain.compute import remote_consoles
from fakenova.errors import BadRequest
from fakenova.microversion import between

LEGACY = between(None, "2.5")


def _legacy(name: str, protocol: str) -> None:
    @action(name, versions=LEGACY)
    def handler(server_id: str, value: dict):
        console_type = value["type"]
        url = remote_consoles.legacy(backend(), context(), server_id, protocol, console_type, public_host())
        return jsonify({"console": {"type": console_type, "url": url}})


_legacy("os-getVNCConsole", "vnc")
_legacy("os-getSPICEConsole", "spice")
_legacy("os-getSerialConsole", "serial")


@action("os-getRDPConsole", versions=LEGACY)
def get_rdp_console(_server_id: str, _value):
    # Hyper-V, the only driver with RDP, is gone (Nova 29.0.0): a bare 400 before any lookup or policy.
    raise BadRequest(remote_consoles.BARE_BAD_REQUEST)
