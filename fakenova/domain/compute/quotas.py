"""Quota limits per project: defaults from settings, per-project overrides; -1 means unlimited."""

from __future__ import annotations

from fakenova import seeds
from fakenova.domain.compute import server_order
from fakenova.domain.identity import identity
from fakenova.errors import BadRequest


def seed(backend) -> None:
    # Unknown quota names are refused when the settings are validated (config.KNOWN_KEYS).
    backend.store.quotas.clear()


def defaults(backend) -> dict:
    """Nova's [quota] options, then the "default" quota class, which overrides them for every project
    (DbQuotaDriver.get_defaults)."""
    return {**seeds.QUOTAS, **backend.settings.quotas, **backend.store.quota_classes.get(DEFAULT_CLASS, {})}


DEFAULT_CLASS = "default"


def limits_for(backend, project_id: str) -> dict:
    """Effective limits for a project: defaults overlaid with its overrides."""
    return dict(defaults(backend), **backend.store.quotas.get(project_id, {}))


# Server records (store.servers) count toward quota while they exist in Nova's database sense:
# every record whose vm_state is not "deleted" (soft-deleted servers still count, as in Nova).
# A server record carries "project_id" and "flavor" (a snapshot dict with "vcpus" and "ram").
def _server_usage(backend, project_id: str) -> dict:
    """instances, cores and ram in use: O(the project's servers), through server_order's per-project
    list, so a create with a finite quota does not scan every server in the store."""
    instances = cores = ram = 0
    with backend.store.lock:
        for server in server_order.of_project(backend.store, project_id):
            if server["vm_state"] == "deleted":
                continue
            instances += 1
            cores += server["flavor"]["vcpus"]
            ram += server["flavor"]["ram"]
    return {"instances": instances, "cores": cores, "ram": ram}


def usage_for(backend, project_id: str) -> dict:
    keypairs = sum(1 for k in backend.store.keypairs.values() if k.get("project_id") == project_id)
    groups = sum(1 for g in getattr(backend.store, "server_groups", {}).values() if g.get("project_id") == project_id)
    return {**_server_usage(backend, project_id), "key_pairs": keypairs, "server_groups": groups}


def check_servers(backend, project_id: str, *, instances: int, cores: int, ram: int) -> None:
    """403 with Nova's text when creating these would exceed instances, cores or RAM."""
    from fakenova.errors import Forbidden

    limits = limits_for(backend, project_id)
    if all(limits[name] < 0 for name in ("cores", "instances", "ram")):
        return  # nothing is limited: no need to count the project's servers
    used = _server_usage(backend, project_id)
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


# --- the quota-sets and limits APIs (nova/quota.py, nova/api/openstack/compute/quota_sets.py) -----

# Nova's quota resources under their API names, in the order Nova lists them (sorted).
RESOURCES = (
    "cores", "fixed_ips", "floating_ips", "injected_file_content_bytes", "injected_file_path_bytes",
    "injected_files", "instances", "key_pairs", "metadata_items", "ram", "security_group_rules",
    "security_groups", "server_group_members", "server_groups",
)
# The API says injected_file_path_bytes; the setting (and Nova's config option) says _length.
_SETTING_NAMES = {"injected_file_path_bytes": "injected_file_path_length"}
# nova-network leftovers: unlimited unless an admin sets them.
_UNLIMITED_BY_DEFAULT = -1


def _by_api_name(limits: dict) -> dict:
    return {name: limits.get(_SETTING_NAMES.get(name, name), _UNLIMITED_BY_DEFAULT) for name in RESOURCES}


def project_quota_set(backend, project_id: str) -> dict:
    """Every quota resource -> the project's limit (-1 unlimited), by API name."""
    return _by_api_name(limits_for(backend, project_id))


def default_quota_set(backend) -> dict:
    return _by_api_name(defaults(backend))


def in_use(backend, project_id: str) -> dict:
    """Usage as the quota-sets detail and the limits API report it.

    Nova counts instances, cores, ram and server groups per project there; key pairs and server
    group members are per-user resources it always reports as 0, and the rest are not countable.
    """
    counted = usage_for(backend, project_id)
    used = dict.fromkeys(RESOURCES, 0)
    for name in ("instances", "cores", "ram", "server_groups"):
        used[name] = counted[name]
    return used


def update_project(backend, project_id: str, requested: dict, *, force: bool = False) -> None:
    """Set limits from a PUT body's quota_set (API names, ints or digit strings; "force" excluded).

    All values are checked first (below current usage -> 400 with Nova's text, unless ``force``),
    then all are stored.
    """
    with backend.store.lock:
        used = in_use(backend, project_id)
        values = {}
        for name, value in requested.items():
            value = int(value)
            if not force and _unlimited_as_inf(value) < used[name]:
                raise BadRequest(f"Quota limit {value} for {name} must be greater than or equal to "
                                 f"already used and reserved {used[name]}.")
            values[_SETTING_NAMES.get(name, name)] = value
        backend.store.quotas.setdefault(project_id, {}).update(values)


def class_quota_set(backend, name: str) -> dict:
    """QUOTAS.get_class_quotas: the defaults overlaid with the class's own values, by API name."""
    return _by_api_name({**defaults(backend), **backend.store.quota_classes.get(name, {})})


def update_class(backend, name: str, requested: dict) -> None:
    """PUT /os-quota-class-sets/{name}: Quotas.update_class / create_class for each value given;
    no usage check (a class is no project)."""
    if len(name) > 255:
        raise BadRequest("quota_class_name has more than 255 characters.")
    with backend.store.lock:
        backend.store.quota_classes.setdefault(name, {}).update(
            {_SETTING_NAMES.get(key, key): int(value) for key, value in requested.items()})


def _unlimited_as_inf(value: int) -> float:
    return float("inf") if value == -1 else value


def reset_project(backend, project_id: str) -> None:
    """DELETE /os-quota-sets/{id}: the project is back on the defaults."""
    with backend.store.lock:
        backend.store.quotas.pop(project_id, None)


def verify_project(backend, context, project_id: str) -> None:
    """Quota sets check the project as flavor access does."""
    identity.verify_project_id(backend, context, project_id)
