"""Quota limits per project: defaults from settings, per-project overrides; -1 means unlimited."""

from __future__ import annotations

from fakenova.config import ConfigError
from fakenova import seeds


def seed(backend) -> None:
    unknown = set(backend.settings.quotas) - set(seeds.QUOTAS)
    if unknown:
        raise ConfigError(f"quotas: unknown quota '{sorted(unknown)[0]}'")
    backend.store.quotas.clear()


def defaults(backend) -> dict:
    return dict(seeds.QUOTAS, **backend.settings.quotas)


def limits_for(backend, project_id: str) -> dict:
    """Effective limits for a project: defaults overlaid with its overrides."""
    return dict(defaults(backend), **backend.store.quotas.get(project_id, {}))


# Server records (store.servers) count toward quota while they exist in Nova's database sense:
# every record whose vm_state is not "deleted" (soft-deleted servers still count, as in Nova).
# A server record carries "project_id" and "flavor" (a snapshot dict with "vcpus" and "ram").
def usage_for(backend, project_id: str) -> dict:
    instances = cores = ram = 0
    for server in backend.store.servers.values():
        if server["project_id"] != project_id or server["vm_state"] == "deleted":
            continue
        instances += 1
        cores += server["flavor"]["vcpus"]
        ram += server["flavor"]["ram"]
    keypairs = sum(1 for k in backend.store.keypairs.values() if k.get("project_id") == project_id)
    groups = sum(1 for g in getattr(backend.store, "server_groups", {}).values() if g.get("project_id") == project_id)
    return {"instances": instances, "cores": cores, "ram": ram, "key_pairs": keypairs, "server_groups": groups}


def check_servers(backend, project_id: str, *, instances: int, cores: int, ram: int) -> None:
    """403 with Nova's text when creating these would exceed instances, cores or RAM."""
    from fakenova.errors import Forbidden

    limits = limits_for(backend, project_id)
    used = usage_for(backend, project_id)
    requested = {"instances": instances, "cores": cores, "ram": ram}
    overs = [name for name in ("cores", "instances", "ram")
             if limits[name] >= 0 and used[name] + requested[name] > limits[name]]
    if overs:
        names = ", ".join(overs)
        raise Forbidden(
            f"Quota exceeded for {names}: Requested {', '.join(str(requested[o]) for o in overs)}, "
            f"but already used {', '.join(str(used[o]) for o in overs)} of "
            f"{', '.join(str(limits[o]) for o in overs)} {names}"
        )
