"""POST /servers/{id}/remote-consoles (2.6+) and GET /os-console-auth-tokens/{token}
(nova/api/openstack/compute/remote_consoles.py and console_auth_tokens.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import jsonify

from fakenova.api.common import backend, base_url, context
from fakenova.api.compute.blueprint import body, query, route, version
from fakenova.domain.compute import remote_consoles
from fakenova.errors import BadRequest
from fakenova.microversion import between

TOKEN_DETAILS = between("2.31")  # below, only rdp-html5 tokens could be shown: now always 400
TLS_PORT = between("2.99")


def public_host() -> str:
    """The host name clients reached the API on: the console proxies live there too, as on devstack."""
    host = urlsplit(base_url()).hostname or "127.0.0.1"
    return f"[{host}]" if ":" in host else host


@route("/servers/<server_id>/remote-consoles", methods=["POST"], versions=between("2.6"))
def create_remote_console(server_id: str):
    request = body("remote_consoles", "create")["remote_console"]
    protocol, console_type = request["protocol"], request["type"]
    url = remote_consoles.create(backend(), context(), server_id, protocol, console_type, public_host())
    return jsonify({"remote_console": {"protocol": protocol, "type": console_type, "url": url}})


@route("/os-console-auth-tokens/<token>")
def show_console_auth_token(token: str):
    query("console_auth_tokens", "show")
    if version() not in TOKEN_DETAILS:
        raise BadRequest(remote_consoles.BARE_BAD_REQUEST)
    details = remote_consoles.connection(backend(), context(), token, with_tls_port=version() in TLS_PORT)
    return jsonify({"console": details})
