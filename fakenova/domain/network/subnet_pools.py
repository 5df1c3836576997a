"""Subnet pools (subnet_allocation; neutron/db/db_base_plugin_v2.py ``create_subnetpool``,
neutron/ipam/subnet_alloc.py): prefixes a subnet can take its CIDR from. A subnet created with
``subnetpool_id`` (and optionally ``prefixlen``) gets the first free block of that size; its gateway is
the block's first address for both IP versions. devstack's shared default pools are seeded.
"""

from __future__ import annotations

import ipaddress

from fakenova.domain.network.common import (apply_update, authorize_create, authorize_write, bad_request, conflict,
                                            find_visible, invalid_input, owner_of, policy_denied, standard_attributes)
from fakenova.seeds import stable_uuid

ADMIN_ATTRIBUTES = ("shared", "is_default")
MIN_PREFIXLEN = {4: 8, 6: 64}
MAX_PREFIXLEN = {4: 32, 6: 128}


def visible(backend, pool: dict, context) -> bool:
    """Shared pools are everyone's; seeding (no context) sees all."""
    return context is None or context.is_admin or pool["shared"] or pool["project_id"] == context.project_id


def get_pool(backend, pool_id: str, context) -> dict:
    return find_visible(backend, "subnetpools", pool_id, context, visible, "SubnetPoolNotFound",
                        f"Subnet pool {pool_id} could not be found.")


def _prefixes(raw) -> list:
    if not isinstance(raw, list) or not raw:
        raise invalid_input("prefixes must be a non-empty list of CIDRs")
    networks = []
    for prefix in raw:
        try:
            networks.append(ipaddress.ip_network(prefix, strict=False))
        except (TypeError, ValueError):
            raise invalid_input(f"{prefix} is not in a CIDR format") from None
    if len({n.version for n in networks}) > 1:
        raise invalid_input("Illegal subnetpool prefix mixed IP versions")
    # Neutron stores the compacted list (netaddr.cidr_merge).
    return sorted(ipaddress.collapse_addresses(networks))


def new(backend, request: dict, project_id: str, pool_id: str | None = None) -> dict:
    prefixes = _prefixes(request.get("prefixes"))
    version = prefixes[0].version
    min_len = int(request.get("min_prefixlen") or MIN_PREFIXLEN[version])
    max_len = int(request.get("max_prefixlen") or MAX_PREFIXLEN[version])
    default_len = int(request.get("default_prefixlen") or min_len)
    for name, value in (("min_prefixlen", min_len), ("max_prefixlen", max_len), ("default_prefixlen", default_len)):
        if not 0 <= value <= MAX_PREFIXLEN[version]:
            raise invalid_input(f"Illegal prefix bounds: {name}={value}")
    if not min_len <= default_len <= max_len:
        raise invalid_input(f"Illegal prefix bounds: min_prefixlen={min_len}, default_prefixlen={default_len}, "
                            f"max_prefixlen={max_len}")
    pool = {
        "id": pool_id or backend.store.ids.uuid(),
        "name": request.get("name", ""),
        "project_id": project_id,
        "ip_version": version,
        "prefixes": [str(p) for p in prefixes],
        "min_prefixlen": min_len,
        "max_prefixlen": max_len,
        "default_prefixlen": default_len,
        "default_quota": request.get("default_quota"),
        "address_scope_id": request.get("address_scope_id"),
        "shared": bool(request.get("shared", False)),
        "is_default": bool(request.get("is_default", False)),
        **standard_attributes(backend, request),
    }
    backend.store.subnetpools[pool["id"]] = pool
    return pool


def seed(backend, entry: dict, project_id: str) -> dict:
    return new(backend, entry, project_id, stable_uuid("subnetpool", entry["name"]))


def create(backend, context, request: dict) -> dict:
    project_id = owner_of(context, request)
    with backend.store.lock:
        authorize_create(context, project_id, "create_subnetpool", [a for a in ADMIN_ATTRIBUTES if request.get(a)])
        return new(backend, request, project_id)


def update(backend, context, pool_id: str, request: dict) -> dict:
    with backend.store.lock:
        pool = get_pool(backend, pool_id, context)
        authorize_write(context, pool, "update_subnetpool", visible(backend, pool, context))
        admin_only = [a for a in ADMIN_ATTRIBUTES if a in request]
        if admin_only and not context.is_admin:
            raise policy_denied("update_subnetpool", f"update_subnetpool:{admin_only[0]}")
        changes = dict(request)
        if "prefixes" in changes:
            prefixes = _prefixes(changes["prefixes"])
            old = [ipaddress.ip_network(p) for p in pool["prefixes"]]
            if any(not any(o.subnet_of(n) for n in prefixes) for o in old):
                raise invalid_input("Existing prefixes must be a subset of the new prefixes")
            changes["prefixes"] = [str(p) for p in prefixes]
        apply_update(backend, pool, changes, ("name", "description", "prefixes", "min_prefixlen", "max_prefixlen",
                                              "default_prefixlen", "default_quota", "is_default", "shared"))
        return pool


def delete(backend, context, pool_id: str) -> None:
    store = backend.store
    with store.lock:
        pool = get_pool(backend, pool_id, context)
        authorize_write(context, pool, "delete_subnetpool", visible(backend, pool, context))
        if any(s.get("subnetpool_id") == pool_id for s in store.subnets.values()):
            raise conflict("SubnetPoolInUse", f"Subnet pool {pool_id} could not be deleted: it is in use by subnets.")
        del store.subnetpools[pool_id]


def allocate(backend, context, request: dict) -> tuple[dict, str]:
    """(pool, CIDR) for a subnet asking for ``subnetpool_id`` (or the default pool) without a cidr:
    the first block of ``prefixlen`` (default: the pool's) free of the pool's other subnets."""
    store = backend.store
    version = request["ip_version"]
    if request.get("subnetpool_id"):
        pool = get_pool(backend, request["subnetpool_id"], context)
    else:
        pool = next((p for p in store.subnetpools.values() if p["is_default"] and p["ip_version"] == version
                     and visible(backend, p, context)), None)
        if pool is None:
            raise bad_request("subnets", f"No default subnetpool found for IPv{version}")
    if pool["ip_version"] != version:
        raise invalid_input(f"Cannot allocate IPv{version} subnet from IPv{pool['ip_version']} subnet pool")
    length = int(request.get("prefixlen") or pool["default_prefixlen"])
    if length < pool["min_prefixlen"] or length > pool["max_prefixlen"]:
        raise invalid_input(f"Unable to allocate subnet with prefix length {length}, minimum allowed prefix is "
                            f"{pool['min_prefixlen']}" if length < pool["min_prefixlen"] else
                            f"Unable to allocate subnet with prefix length {length}, maximum allowed prefix is "
                            f"{pool['max_prefixlen']}")
    taken = [ipaddress.ip_network(s["cidr"]) for s in store.subnets.values() if s.get("subnetpool_id") == pool["id"]]
    for prefix in (ipaddress.ip_network(p) for p in pool["prefixes"]):
        if prefix.prefixlen > length:
            continue
        for candidate in prefix.subnets(new_prefix=length):
            # At most len(taken) + 1 candidates: never walks a large prefix.
            if not any(candidate.overlaps(t) for t in taken):
                return pool, str(candidate)
    raise conflict("SubnetAllocationError", f"Failed to allocate subnet: Insufficient prefix space to allocate "
                                            f"subnet size /{length}.")
