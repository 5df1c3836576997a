"""Flavors: global records, seeded like devstack's."""

from __future__ import annotations

import re

from fakenova.config import ConfigError
from fakenova.errors import BadRequest, Conflict, NotFound

# Defaults for fields a seed entry may omit.
_DEFAULTS = {"ephemeral": 0, "swap": 0, "rxtx_factor": 1.0, "is_public": True, "disabled": False,
             "description": None, "extra_specs": {}}


def seed(backend) -> None:
    created = backend.clock.time()
    for index, entry in enumerate(backend.settings.flavors):
        if not isinstance(entry, dict) or not {"id", "name", "ram", "vcpus", "disk"} <= set(entry):
            raise ConfigError(f"flavors: each entry needs id, name, ram, vcpus, disk: {entry!r}")
        record = dict(_DEFAULTS, **entry)
        record["id"] = str(record["id"])
        record["extra_specs"] = dict(record["extra_specs"] or {})
        record["projects"] = list(record.get("projects") or [])
        # Insertion order stands in for Nova's autoincrement primary key.
        record["internal_id"] = index + 1
        record["created_at"] = created
        backend.store.flavors[record["id"]] = record


def get(backend, flavor_id: str) -> dict:
    """The flavor, or 404 "Flavor {id} could not be found." (callers turn it into 400 where Nova does)."""
    flavor = backend.store.flavors.get(str(flavor_id))
    if flavor is None:
        raise NotFound(f"Flavor {flavor_id} could not be found.")
    return flavor


# --- reads scoped to who asks (nova/objects/flavor.py) -------------------------------------------

# API sort_key -> record field (Nova's VALID_SORT_KEYS name the DB columns).
SORT_FIELDS = {
    "created_at": "created_at", "description": "description", "disabled": "disabled",
    "ephemeral_gb": "ephemeral", "flavorid": "id", "id": "internal_id", "is_public": "is_public",
    "memory_mb": "ram", "name": "name", "root_gb": "disk", "rxtx_factor": "rxtx_factor", "swap": "swap",
    "updated_at": "updated_at", "vcpu_weight": "vcpu_weight", "vcpus": "vcpus",
}


def visible(flavor: dict, context) -> bool:
    """Admins see every flavor; others public ones and private ones shared with their project."""
    return context.is_admin or flavor["is_public"] or _shared_with(flavor, context)


def _shared_with(flavor: dict, context) -> bool:
    return context.project_id is not None and context.project_id in flavor.get("projects", ())


def get_visible(backend, context, flavor_id: str) -> dict:
    """GET /flavors/{id}: 404 for flavors the caller may not see (disabled ones are still shown)."""
    flavor = backend.store.flavors.get(str(flavor_id))
    if flavor is None or not visible(flavor, context):
        raise NotFound(f"Flavor {flavor_id} could not be found.")
    return flavor


def list_for(backend, context, *, is_public: bool | None = True, disabled: bool | None = None,
             min_ram: int | None = None, min_disk: int | None = None, name: str | None = None,
             sort_key: str = "flavorid", sort_dir: str = "asc", limit: int | None = None,
             marker: str | None = None) -> list[dict]:
    """The flavors a listing returns, filtered, sorted by (sort_key, internal id) and paged.

    ``is_public``: True = public or shared with the caller's project, False = private only,
    None = both. 400 "marker [x] not found" when the marker is not a flavor the caller can see.
    """
    with backend.store.lock:
        seen = [f for f in backend.store.flavors.values() if visible(f, context)]
        chosen = [f for f in seen if _matches(f, context, is_public, disabled, min_ram, min_disk, name)]
        field = SORT_FIELDS[sort_key]
        descending = sort_dir == "desc"
        chosen.sort(key=lambda f: _sort_value(f, field), reverse=descending)
        if marker is not None:
            marker_row = next((f for f in sorted(seen, key=lambda f: f["internal_id"]) if f["id"] == marker), None)
            if marker_row is None:
                raise BadRequest(f"marker [{marker}] not found")
            after = _sort_value(marker_row, field)
            chosen = [f for f in chosen
                      if (_sort_value(f, field) < after if descending else _sort_value(f, field) > after)]
        return chosen if limit is None else chosen[:limit]


def _matches(flavor, context, is_public, disabled, min_ram, min_disk, name) -> bool:
    if min_ram is not None and flavor["ram"] < min_ram:
        return False
    if min_disk is not None and flavor["disk"] < min_disk:
        return False
    if disabled is not None and flavor["disabled"] != disabled:
        return False
    if name is not None and not _name_matches(name, flavor["name"]):
        return False
    if is_public is True:
        return flavor["is_public"] or _shared_with(flavor, context)
    if is_public is False:
        return not flavor["is_public"]
    return True


def _name_matches(pattern: str, name: str) -> bool:
    # Nova hands the filter to the database as a regular expression (unanchored).
    try:
        return re.search(pattern, name) is not None
    except re.error:
        return pattern in name


def _sort_value(flavor: dict, field: str) -> tuple:
    # The internal id breaks ties, as Nova's paginate_query does; NULLs sort first, as in MySQL.
    value = flavor.get(field)
    return (value is not None, value if value is not None else 0, flavor["internal_id"])


# --- admin flavor management (nova/compute/flavors.py) --------------------------------------------

MAX_INT = 0x7FFFFFFF
MAX_FLOAT = 3.40282e+38


def create(backend, *, name: str, ram, vcpus, disk, flavor_id=None, ephemeral=0, swap=0,
           rxtx_factor=1.0, is_public=True, description=None) -> dict:
    """A new flavor; 409 when the name or the id is taken, 400 for out-of-range numbers."""
    values = {"ram": _integer(ram, "ram", 1), "vcpus": _integer(vcpus, "vcpus", 1),
              "disk": _integer(disk, "disk", 0), "ephemeral": _integer(ephemeral, "ephemeral", 0),
              "swap": _integer(swap, "swap", 0)}
    try:
        factor = float(rxtx_factor)
        if not 0 < factor <= MAX_FLOAT:
            raise ValueError
    except (TypeError, ValueError):
        raise BadRequest("Invalid input received: 'rxtx_factor' argument must be a float between 0 and "
                         f"{MAX_FLOAT:g}") from None
    store = backend.store
    with store.lock:
        flavor_id = str(flavor_id) if flavor_id not in (None, "") else store.ids.uuid()
        name = name.strip()
        if flavor_id in store.flavors:
            raise Conflict(f"Flavor with ID {flavor_id} already exists.")
        if any(f["name"] == name for f in store.flavors.values()):
            raise Conflict(f"Flavor with name {name} already exists.")
        record = dict(_DEFAULTS, id=flavor_id, name=name, rxtx_factor=factor, is_public=bool(is_public),
                      description=description, extra_specs={}, **values)
        # Nova gives a new private flavor no access entries: not even the creator's project.
        record["projects"] = []
        record["internal_id"] = max((f["internal_id"] for f in store.flavors.values()), default=0) + 1
        record["created_at"] = backend.clock.time()
        store.flavors[flavor_id] = record
        return record


def _integer(value, name: str, minimum: int) -> int:
    # oslo's validate_integer, as Nova applies it after the schema (strings of digits pass the schema).
    try:
        number = int(str(value))
    except ValueError:
        raise BadRequest(f"Invalid input received: {name} must be an integer") from None
    if number < minimum:
        raise BadRequest(f"Invalid input received: {name} must be >= {minimum}")
    if number > MAX_INT:
        raise BadRequest(f"Invalid input received: {name} must be <= {MAX_INT}")
    return number


def delete(backend, flavor_id: str) -> None:
    with backend.store.lock:
        if backend.store.flavors.pop(str(flavor_id), None) is None:
            raise NotFound(f"Flavor {flavor_id} could not be found.")


def set_description(backend, flavor_id: str, description: str | None) -> dict:
    with backend.store.lock:
        flavor = get(backend, flavor_id)
        flavor["description"] = description
        flavor["updated_at"] = backend.clock.time()
        return flavor


# --- access to private flavors (nova/objects/flavor.py add_access / remove_access) -----------------

def access_list(backend, context, flavor_id: str) -> tuple[dict, list[str]]:
    """The flavor and the projects it is shared with, in the order they were added."""
    with backend.store.lock:
        flavor = get_visible(backend, context, flavor_id)
        return flavor, list(flavor.get("projects", ()))


def add_access(backend, context, flavor_id: str, project_id: str, *, refuse_public: bool) -> list[str]:
    """Share the flavor with ``project_id``; 409 when it already is (or, from 2.7, when it is public)."""
    with backend.store.lock:
        flavor = get_visible(backend, context, flavor_id)
        if refuse_public and flavor["is_public"]:
            raise Conflict("Can not add access to a public flavor.")
        if project_id in flavor.setdefault("projects", []):
            # Nova names the flavor by its internal (database) id in both access errors.
            raise Conflict(f"Flavor access already exists for flavor {flavor['internal_id']} and project "
                           f"{project_id} combination.")
        flavor["projects"].append(project_id)
        return list(flavor["projects"])


def remove_access(backend, context, flavor_id: str, project_id: str) -> list[str]:
    with backend.store.lock:
        flavor = get_visible(backend, context, flavor_id)
        if project_id not in flavor.setdefault("projects", []):
            raise NotFound(f"Flavor access not found for {flavor['internal_id']} / {project_id} combination.")
        flavor["projects"].remove(project_id)
        return list(flavor["projects"])


# --- extra specs (nova/api/openstack/compute/flavors_extraspecs.py) -------------------------------

def set_extra_specs(backend, context, flavor_id: str, specs: dict) -> None:
    """Merge ``specs`` into the flavor's extra specs; numbers are stored as strings, as in Nova's DB."""
    as_text = {key: value if isinstance(value, str) else str(value) for key, value in specs.items()}
    for value in as_text.values():
        if len(value) > 255:
            raise BadRequest("extra_specs value has more than 255 characters.")
    with backend.store.lock:
        flavor = get_visible(backend, context, flavor_id)
        flavor["extra_specs"] = dict(flavor["extra_specs"], **as_text)


def extra_spec(backend, context, flavor_id: str, key: str) -> str:
    return _specs_with(backend, context, flavor_id, key)[key]


def delete_extra_spec(backend, context, flavor_id: str, key: str) -> None:
    with backend.store.lock:
        del _specs_with(backend, context, flavor_id, key)[key]


def _specs_with(backend, context, flavor_id: str, key: str) -> dict:
    specs = get_visible(backend, context, flavor_id)["extra_specs"]
    if key not in specs:
        raise NotFound(f"Flavor {flavor_id} has no extra specs with key {key}.")
    return specs
