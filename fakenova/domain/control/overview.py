"""One read-only picture of a fake for the dashboard (/_fake/ui) and its report (/_fake/report).

Taken under the store lock after ``lifecycle.settle``, as any compute request would see it. The
servers come with their addresses and pending transitions; every other store collection comes as
records, grouped into sections by name, so a collection another module adds later (routers,
snapshots...) shows up without touching this module: one it does not know lands in "other".
Secrets are redacted as in the journal, and identity records (passwords, tokens) are left out.
"""

from __future__ import annotations

from fakenova.domain.compute import lifecycle
from fakenova.domain.compute.servers import addresses
from fakenova.domain.control.journal import redact
from fakenova.domain.control.state import data_attributes

# Sections of the page, in order; a collection named in none of them goes to "other".
SECTIONS = {
    "network": ("networks", "subnets", "ports", "floatingips", "routers", "security_groups",
                "security_group_rules", "subnetpools", "address_scopes", "trunks", "segments",
                "qos_policies", "rbac_policies"),
    "storage": ("volumes", "snapshots", "volume_snapshots", "backups", "volume_types", "volume_attachments",
                "attachments", "images", "image_members", "image_tasks"),
    "compute": ("flavors", "keypairs", "server_groups", "migrations", "instance_actions", "services"),
}
# Not shown: servers have their own section; identity records hold passwords and tokens.
HIDDEN = frozenset({"servers", "domains", "projects", "users", "tokens", "console_auth_tokens",
                    "application_credentials", "credentials", "role_assignments", "timeline"})
MAX_RECORDS = 200  # per collection, the newest: the page polls this every second
MAX_STRING = 240   # longer strings (image data, user data, keys) are cut


def picture(backend) -> dict:
    """``{"time", "clock", "projects", "servers", "servers_total", "timeline", "sections"}``."""
    store = backend.store
    with store.lock:
        lifecycle.settle(backend)
        now = backend.clock.time()
        projects = {pid: project.get("name") for pid, project in store.projects.items()}
        servers = list(store.servers.values())
        shown = [_server(backend, server) for server in servers[-MAX_RECORDS:]]
        return {
            "time": now,
            "clock": backend.clock.state(),
            "projects": projects,
            "servers": shown,
            "servers_total": len(servers),
            "timeline": _timeline(store),
            "sections": _sections(store),
        }


def _server(backend, server: dict) -> dict:
    record = _trimmed(redact(server))
    record["addresses"] = addresses(backend, server)
    record["status"] = lifecycle.status(server)
    return record


def _timeline(store) -> list[dict]:
    """The steps still to come, soonest first; stale steps (a superseded transition) are left out."""
    pending = []
    for due_at, _seq, server_id, transition_id, index in sorted(store.timeline):
        server = store.servers.get(server_id)
        transition = server.get("transition") if server else None
        if not transition or transition["id"] != transition_id:
            continue
        pending.append({"due_at": due_at, "server_id": server_id, "server_name": server.get("name"),
                        "action": transition["action"], "step": index + 1,
                        "steps": len(lifecycle.TRANSITIONS[transition["action"]].steps),
                        "then": server.get("forced_pending")})
    return pending


def _sections(store) -> dict[str, dict]:
    """{section: {collection: {"total": n, "records": [[key, record], ...]}}}, dict collections only."""
    where = {name: section for section, names in SECTIONS.items() for name in names}
    sections: dict[str, dict] = {name: {} for name in (*SECTIONS, "other")}
    collections = data_attributes(store)
    ordered = sorted(collections, key=lambda name: (_position(name), name))
    for name in ordered:
        value = collections[name]
        if name in HIDDEN or not isinstance(value, dict):
            continue
        items = list(value.items())[-MAX_RECORDS:]
        sections[where.get(name, "other")][name] = {
            "total": len(value), "records": [[key, _trimmed(redact(record))] for key, record in items]}
    return sections


def _position(name: str) -> int:
    for names in SECTIONS.values():
        if name in names:
            return names.index(name)
    return len(SECTIONS)


def _trimmed(value):
    if isinstance(value, str) and len(value) > MAX_STRING:
        return f"{value[:MAX_STRING]}… ({len(value)} characters)"
    if isinstance(value, dict):
        return {key: _trimmed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_trimmed(item) for item in value]
    return value
