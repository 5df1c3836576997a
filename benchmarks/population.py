"""Settings for benchmarking and a quick way to fill the store with many servers.

Creating 100,000 servers over HTTP would take minutes and measure the wrong thing, so ``fill`` asks
the servers domain (``fakenova.domain.compute.servers.create``, the code behind POST /servers) for one real
server, then adds copies of that record with their own id, name, hostname, internal id and creation
time, as if they had been created one after another, each already ACTIVE. The copies have no
Neutron ports (the seeded private subnet is a /26), so every size shows the same page content.
"""

from __future__ import annotations

from fakenova.backend import Backend
from fakenova.config import Settings
from fakenova.domain.compute import lifecycle, servers
from fakenova.domain.identity import identity

IMAGE_NAME = "cirros-0.6.2-x86_64-disk"
FLAVOR_ID = "1"
FILTERED_ROLE = "web"    # every tenth server; the others are "worker"
FILTER_EVERY = 10


def bench_settings() -> Settings:
    """Instant transitions and no quota on servers, cores or RAM."""
    settings = Settings()
    settings.durations = dict.fromkeys(lifecycle.DEFAULT_DURATIONS, 0)
    settings.quotas = {**settings.quotas, "instances": -1, "cores": -1, "ram": -1}
    return settings


def user_context(backend: Backend, user: str = "demo"):
    token = identity.issue_token(backend, {
        "identity": {"methods": ["password"], "password": {
            "user": {"name": user, "domain": {"name": "Default"}, "password": user}}},
        "scope": {"project": {"name": user, "domain": {"name": "Default"}}}})
    return identity.context_for(backend, token["id"])


def image_id(backend: Backend) -> str:
    return next(i["id"] for i in backend.store.images.values() if i["name"] == IMAGE_NAME)


def network_id(backend: Backend, name: str = "private") -> str:
    return next(n["id"] for n in backend.store.networks.values() if n["name"] == name)


def create_body(backend: Backend, name: str, *, networks="none") -> dict:
    return {"server": {"name": name, "imageRef": image_id(backend), "flavorRef": FLAVOR_ID, "networks": networks}}


def create_one(backend: Backend, context, name: str, *, networks="none") -> dict:
    """One server through the domain, as POST /servers makes it."""
    created, _reservation, _password = servers.create(backend, context, create_body(backend, name, networks=networks),
                                                      description_is_name=False)
    return created[0]


def _copy(value):
    """A deep copy for JSON-ready values, several times faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def server_name(index: int) -> str:
    role = FILTERED_ROLE if index % FILTER_EVERY == 0 else "worker"
    return f"{role}-{index:06d}"


def fill(backend: Backend, context, count: int) -> list[str]:
    """Add ``count`` ACTIVE servers for ``context``'s project; returns their ids, oldest first.
    The domain-made server is the newest; the copies were created one millisecond apart before it."""
    store = backend.store
    with store.lock:
        template = create_one(backend, context, server_name(count - 1))
        newest = template["created_at"]
        next_internal_id = 1 + max(s["internal_id"] for s in store.servers.values())
        ids = []
        for index in range(count - 1):
            record = _copy(template)
            server_id = store.ids.uuid()
            name = server_name(index)
            created_at = newest - (count - 1 - index) * 1e-3
            record.update(id=server_id, internal_id=next_internal_id, name=name, hostname=name,
                          reservation_id=template["reservation_id"], created_at=created_at,
                          updated_at=created_at, launched_at=created_at)
            next_internal_id += 1
            _insert(backend, record)
            ids.append(server_id)
        ids.append(template["id"])
    return ids


def _insert(backend: Backend, record: dict) -> None:
    """Add a finished record the way the domain does, keeping any store index in step."""
    add = getattr(backend.store, "add_server", None)
    if add is not None:
        add(record)
    else:
        backend.store.servers[record["id"]] = record
