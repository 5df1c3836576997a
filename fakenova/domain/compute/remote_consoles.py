"""Remote consoles (VNC, SPICE, serial) and the console auth tokens their URLs carry.

Checked against nova/api/openstack/compute/{remote_consoles,console_auth_tokens}.py,
nova/compute/api.py (``get_*_console`` under ``check_instance_host`` and ``reject_instance_state``),
nova/compute/manager.py (``get_*_console``: enabled?, then the type, then the driver),
nova/objects/console_auth_token.py (``access_url``, ``authorize``, ``validate``) and devstack's
lib/nova (proxy URLs), Nova 2025.x.

The fake host plays a devstack libvirt node: the ``consoles`` setting names the enabled protocols
(devstack's default is noVNC only, so ``["vnc"]``); a disabled one answers Nova's
400 "Unavailable console type <type>.". MKS is VMware's and RDP was Hyper-V's: never available.

No proxy listens behind the URLs; what they carry is real, though: a token from the seeded id
generator, valid for ``TOKEN_TTL`` seconds on the fake clock, that GET /os-console-auth-tokens/{token}
turns back into the connection details a proxy would use. Tokens die with their server, as Nova's
``clean_console_auths_for_instance`` makes them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fakenova.config import ConfigError
from fakenova.domain import policy
from fakenova.domain.compute import lifecycle, servers
from fakenova.errors import BadRequest, Conflict, NotFound

RULE = "os_compute_api:os-remote-consoles"
TOKENS_RULE = "os_compute_api:os-console-auth-tokens"

TOKEN_TTL = 600  # [consoleauth] token_ttl
PROXYCLIENT_ADDRESS = "127.0.0.1"  # [vnc|spice|serial_console] (server_)proxyclient_address
GRAPHICS_PORT_BASE = 5900  # libvirt's autoport range for VNC and SPICE
SERIAL_PORT_BASE = 10000  # [serial_console] port_range 10000:20000

# webob's HTTPBadRequest explanation: what Nova answers when it raises the bare exception (RDP,
# and console auth tokens below 2.31).
BARE_BAD_REQUEST = "The server could not comply with the request since it is either malformed or otherwise incorrect."

# Protocol -> (compute API method, the console types its manager accepts or None for any).
PROTOCOLS = {
    "vnc": ("get_vnc_console", ("novnc",)),
    "spice": ("get_spice_console", ("spice-html5", "spice-direct")),
    "serial": ("get_serial_console", None),
    "mks": ("get_mks_console", ("webmks",)),
}
CONFIGURABLE = ("vnc", "spice", "serial")
REJECTED_TASK_STATES = ("deleting", "migrating")


def seed(backend) -> None:
    """Check the ``consoles`` setting when the fake starts (and on reset)."""
    enabled = backend.settings.consoles
    unknown = [name for name in enabled if name not in CONFIGURABLE]
    if unknown:
        raise ConfigError(f"consoles: unknown console protocol {unknown[0]!r} (choose from "
                          f"{', '.join(CONFIGURABLE)})")


def _proxy_base(console_type: str, public_host: str) -> str:
    """Each proxy's public base URL, as devstack configures it on the API host's name."""
    return {
        "novnc": f"http://{public_host}:6080/vnc_lite.html",
        "spice-html5": f"http://{public_host}:6081/spice_auto.html",
        "spice-direct": f"http://{public_host}:13002/nova",
    }.get(console_type, f"ws://{public_host}:6082/")


def create(backend, context, server_id: str, protocol: str, console_type: str, public_host: str) -> str:
    """POST /servers/{id}/remote-consoles (2.6+): lookup, policy on the server's project, then the
    console; returns the URL."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, RULE, server["project_id"])
        if protocol == "rdp":
            raise BadRequest(BARE_BAD_REQUEST)
        return _issue(backend, server, protocol, console_type, public_host)


def legacy(backend, context, server_id: str, protocol: str, console_type: str, public_host: str) -> str:
    """The os-get*Console actions (2.1-2.5) check the policy on the caller's own project first."""
    with backend.store.lock:
        policy.authorize(context, RULE)
        server = servers.get(backend, context, server_id)
        return _issue(backend, server, protocol, console_type, public_host)


def _issue(backend, server: dict, protocol: str, console_type: str, public_host: str) -> str:
    method, accepted = PROTOCOLS[protocol]
    # compute API: a host, and not on its way out or moving.
    if not server.get("host"):
        raise Conflict(f"Instance {server['id']} is not ready")
    if server["task_state"] in REJECTED_TASK_STATES:
        raise Conflict(f"Cannot '{method}' instance {server['id']} while it is in task_state "
                       f"{server['task_state']}")
    # compute manager: the console enabled, then its type.
    if protocol not in backend.settings.consoles:
        raise BadRequest(f"Unavailable console type {console_type}.")
    if accepted is not None and console_type not in accepted:
        raise BadRequest(f"Invalid console type {console_type}")
    # libvirt has no domain yet while the server builds: the manager turns that into "not ready".
    if server["vm_state"] == lifecycle.BUILDING:
        raise Conflict(f"Instance {server['id']} is not ready")
    return _authorize(backend, server, protocol, console_type, public_host)


def _authorize(backend, server: dict, protocol: str, console_type: str, public_host: str) -> str:
    store = backend.store
    now = int(backend.clock.time())
    _forget_expired(store, now)
    token = store.ids.uuid()
    base = _proxy_base(console_type, public_host)
    store.console_auth_tokens[token] = {
        "console_type": console_type,
        "host": PROXYCLIENT_ADDRESS,
        "port": _port(store, server, protocol),
        "tls_port": None,  # the devstack node has no SPICE TLS
        "internal_access_path": None,  # libvirt never sets one
        "instance_uuid": server["id"],
        "access_url_base": base,
        "expires": now + TOKEN_TTL,
    }
    if console_type == "novnc":
        # noVNC >= 1.1 reads the token from the "path" parameter (ConsoleAuthToken.access_url).
        return f"{base}?{urlencode({'path': f'?token={token}'})}"
    return f"{base}?token={token}"


def _port(store, server: dict, protocol: str) -> int:
    """libvirt hands out the lowest free port: the server's place among its host's guests."""
    guests = sorted((s for s in store.servers.values() if s.get("host") == server["host"] and not s.get("deleted")),
                    key=lambda s: (s["created_at"], s["id"]))
    place = next(index for index, guest in enumerate(guests) if guest["id"] == server["id"])
    return (SERIAL_PORT_BASE if protocol == "serial" else GRAPHICS_PORT_BASE) + place


def _forget_expired(store, now: int) -> None:
    # nova-compute's periodic _cleanup_expired_console_auth_tokens, run whenever a token is made.
    for token in [t for t, record in store.console_auth_tokens.items() if record["expires"] <= now]:
        del store.console_auth_tokens[token]


def connection(backend, context, token: str, *, with_tls_port: bool) -> dict:
    """GET /os-console-auth-tokens/{token} (2.31+): what the proxy would connect to."""
    policy.authorize(context, TOKENS_RULE)
    store = backend.store
    with store.lock:
        record = store.console_auth_tokens.get(token)
        server = store.servers.get(record["instance_uuid"]) if record else None
        if record is None or record["expires"] <= backend.clock.time() or server is None or server.get("deleted"):
            raise NotFound("Token not found")
        body = {"instance_uuid": record["instance_uuid"], "host": record["host"], "port": record["port"],
                "internal_access_path": record["internal_access_path"]}
        if with_tls_port and record["console_type"] == "spice-direct":
            body["tls_port"] = record["tls_port"]
        return body
