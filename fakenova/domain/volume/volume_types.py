"""Cinder volume types: the default ``__DEFAULT__`` that every Cinder creates on install, and the
types admins create, update, delete, give extra specs and share with projects. No Flask here.

A record in ``store.volume_types`` holds id, name, description, is_public, extra_specs, qos_specs_id,
projects (the projects a private type is shared with), created_at and updated_at. Volumes name their
type (``volume["volume_type"]``), so a rename renames it on the volumes and snapshots too.

Visibility as in cinder/db/sqlalchemy/api.py (_volume_type_get_query, _process_volume_types_filters):
non-admins see public types and private types shared with their project; anything else is
"Volume type {id} could not be found.". Checked against cinder/volume/volume_types.py,
cinder/api/contrib/types_manage.py, types_extra_specs.py, volume_type_access.py, cinder/api/v3/types.py,
cinder/policies/volume_type.py, type_extra_specs.py, volume_access.py and cinder/exception.py
(Cinder master, 2026).
"""

from __future__ import annotations

from fakenova.domain.volume import volume_quotas
from fakenova.domain.volume.policy import require_admin
from fakenova.errors import BadRequest, Conflict, NotFound
from fakenova.seeds import stable_uuid
from fakenova.validation import is_uuid_like

DEFAULT_TYPE = "__DEFAULT__"
DEFAULT_TYPE_ID = stable_uuid("volume_type", DEFAULT_TYPE)
# cinder/policies/type_extra_specs.py: what non-admins may see of a type's extra specs.
USER_VISIBLE_EXTRA_SPECS = ("RESKEY:availability_zones", "multiattach", "replication_enabled")
_TRUE = ("true", "1", "on", "yes", "y", "t")


def seed(backend) -> None:
    now = backend.clock.time()
    backend.store.volume_types[DEFAULT_TYPE_ID] = {
        "id": DEFAULT_TYPE_ID, "name": DEFAULT_TYPE, "description": "Default Volume Type", "is_public": True,
        "extra_specs": {}, "qos_specs_id": None, "projects": [], "created_at": now, "updated_at": now}


def as_bool(value) -> bool:
    """oslo's bool_from_string(strict=True) after the schema let only its spellings through."""
    return value if isinstance(value, bool) else str(value).lower() in _TRUE


def visible_specs(context, volume_type: dict) -> dict:
    """The extra specs the caller may read (READ_SENSITIVE_POLICY is admin)."""
    specs = volume_type["extra_specs"]
    if context.is_admin:
        return dict(specs)
    return {key: specs[key] for key in USER_VISIBLE_EXTRA_SPECS if key in specs}


# --- lookup --------------------------------------------------------------------------------------

def _visible(context, volume_type: dict) -> bool:
    return context.is_admin or volume_type["is_public"] or context.project_id in volume_type["projects"]


def _by_name(backend, name: str) -> dict | None:
    return next((t for t in backend.store.volume_types.values() if t["name"] == name), None)


def named(backend, name: str | None) -> dict:
    """The type a volume names, whoever asks (volume views); the default when it has none."""
    return _by_name(backend, name or DEFAULT_TYPE) or backend.store.volume_types[DEFAULT_TYPE_ID]


def listed(backend, context, is_public: str | None = None) -> list[dict]:
    """GET /types: non-admins see public types and those shared with them; admins filter with
    ``is_public`` (cinder/api/api_utils.py _parse_is_public: absent = public, ``none`` = all)."""
    types = sorted(backend.store.volume_types.values(), key=lambda t: (t["created_at"], t["id"]))
    if not context.is_admin or is_public is None:
        wanted = True
    elif is_public.lower() == "none":
        return types
    elif is_public.lower() in _TRUE + ("false", "0", "off", "no", "n", "f"):
        wanted = is_public.lower() in _TRUE
    else:
        raise BadRequest(f"Invalid is_public filter [{is_public}]")
    return [t for t in types if t["is_public"] == wanted or (wanted and context.project_id in t["projects"])]


def shown(backend, context, type_id: str) -> dict:
    """GET /types/{id}: ``default`` is the default type there only (cinder/api/v3/types.py show)."""
    if type_id == "default":
        return backend.store.volume_types[DEFAULT_TYPE_ID]
    return get(backend, context, type_id)


def get(backend, context, type_id: str) -> dict:
    """A type by id, if the caller may see it (cinder/db/sqlalchemy/api.py _volume_type_get)."""
    found = backend.store.volume_types.get(type_id)
    if found is None or not _visible(context, found):
        raise NotFound(f"Volume type {type_id} could not be found.")
    return found


def find(backend, context, requested, *, default: str | None = None, elevated: bool = False) -> dict:
    """The type a new volume gets: the requested one (name or id), the origin's, or the default
    (cinder/volume/volume_types.py get_by_name_or_id). ``elevated``: any type, as Cinder's retype
    looks it up with context.elevated()."""
    wanted = requested or default
    if not wanted:
        return backend.store.volume_types[DEFAULT_TYPE_ID]
    visible = (lambda _type: True) if elevated else (lambda volume_type: _visible(context, volume_type))
    found = backend.store.volume_types.get(wanted)
    if found is None or not visible(found):
        found = _by_name(backend, wanted)
    if found is None or not visible(found):
        if is_uuid_like(wanted):
            raise NotFound(f"Volume type {wanted} could not be found.")
        raise NotFound(f"Volume type with name {wanted} could not be found.")
    return found


# --- manage (admin) ------------------------------------------------------------------------------

def create(backend, context, request: dict) -> dict:
    """POST /types after schema validation (types_manage.py _create)."""
    require_admin(context, "volume_extension:type_create")
    store = backend.store
    with store.lock:
        name = request["name"]
        if _by_name(backend, name) is not None:
            raise Conflict(f"Volume Type {name} already exists.")
        now = backend.clock.time()
        volume_type = {
            "id": store.ids.uuid(), "name": name, "description": request.get("description"),
            "is_public": as_bool(request.get("os-volume-type-access:is_public", True)),
            "extra_specs": {k: v for k, v in (request.get("extra_specs") or {}).items()},
            "qos_specs_id": None, "projects": [], "created_at": now, "updated_at": now}
        store.volume_types[volume_type["id"]] = volume_type
        return volume_type


def update(backend, context, type_id: str, request: dict) -> dict:
    """PUT /types/{id} after schema validation (types_manage.py _update)."""
    require_admin(context, "volume_extension:type_update")
    name, description, is_public = request.get("name"), request.get("description"), request.get("is_public")
    if name is not None and not name.strip():
        raise BadRequest("Volume type name can not be empty.")
    if name is None and description is None and is_public is None:
        raise BadRequest("Specify volume type name, description, is_public or a combination thereof.")
    store = backend.store
    with store.lock:
        volume_type = get(backend, context, type_id)
        if name and name != volume_type["name"]:
            if _by_name(backend, name) is not None:
                raise Conflict(f"Volume Type {name} already exists.")
            for record in (*store.volumes.values(), *store.volume_snapshots.values()):
                if record.get("volume_type") == volume_type["name"]:
                    record["volume_type"] = name
            volume_quotas.rename_type(backend, volume_type["name"], name)
            volume_type["name"] = name
        if description is not None:
            volume_type["description"] = description
        if is_public is not None:
            volume_type["is_public"] = as_bool(is_public)
        volume_type["updated_at"] = backend.clock.time()
        return volume_type


def _in_use(backend, volume_type: dict) -> bool:
    return any(v.get("volume_type") == volume_type["name"] for v in backend.store.volumes.values())


def delete(backend, context, type_id: str) -> None:
    """DELETE /types/{id} (types_manage.py _delete, volume_types.destroy, db volume_type_destroy)."""
    require_admin(context, "volume_extension:type_delete")
    store = backend.store
    with store.lock:
        volume_type = get(backend, context, type_id)
        if volume_type["id"] == DEFAULT_TYPE_ID:
            raise BadRequest(f"The volume type {volume_type['id']} is a default volume type and cannot be deleted.")
        if _in_use(backend, volume_type):
            raise BadRequest("Target volume type is still in use.")
        del store.volume_types[volume_type["id"]]


# --- extra specs ---------------------------------------------------------------------------------

def _check_specs_change(backend, context, type_id: str, rule: str) -> dict:
    require_admin(context, rule)
    volume_type = get(backend, context, type_id)
    if _in_use(backend, volume_type):
        raise BadRequest("Volume Type is currently in use.")
    return volume_type


def _check_cacheable(current: dict, specs: dict) -> None:
    merged = {**current, **specs}
    if specs and merged.get("multiattach") == "<is> True" and merged.get("cacheable") == "<is> True" and (
            "multiattach" in specs or "cacheable" in specs):
        raise BadRequest("cacheable cannot be set with multiattach.")


def set_specs(backend, context, type_id: str, specs: dict) -> dict:
    """POST /types/{id}/extra_specs: add or replace keys."""
    return _set_specs(backend, context, type_id, specs, "volume_extension:types_extra_specs:create")


def update_spec(backend, context, type_id: str, key: str, body: dict) -> dict:
    """PUT /types/{id}/extra_specs/{key} with {key: value}."""
    with backend.store.lock:
        if key not in body:
            _check_specs_change(backend, context, type_id, "volume_extension:types_extra_specs:update")
            raise BadRequest("Request body and URI mismatch")
        return _set_specs(backend, context, type_id, body, "volume_extension:types_extra_specs:update")


def _set_specs(backend, context, type_id: str, specs: dict, rule: str) -> dict:
    with backend.store.lock:
        volume_type = _check_specs_change(backend, context, type_id, rule)
        _check_cacheable(volume_type["extra_specs"], specs)
        volume_type["extra_specs"].update(specs)
        volume_type["updated_at"] = backend.clock.time()
        return volume_type


def spec(backend, context, type_id: str, key: str) -> str:
    specs = visible_specs(context, get(backend, context, type_id))
    if key not in specs:
        raise NotFound(f"Volume Type {type_id} has no extra specs with key {key}.")
    return specs[key]


def delete_spec(backend, context, type_id: str, key: str) -> None:
    with backend.store.lock:
        # Cinder looks the type up before the policy check (types_extra_specs.py delete).
        get(backend, context, type_id)
        volume_type = _check_specs_change(backend, context, type_id, "volume_extension:types_extra_specs:delete")
        if key not in volume_type["extra_specs"]:
            raise NotFound(f"Volume Type {type_id} has no extra specs with key {key}.")
        del volume_type["extra_specs"][key]
        volume_type["updated_at"] = backend.clock.time()


# --- access to private types ---------------------------------------------------------------------

def access_list(backend, context, type_id: str) -> list[str]:
    require_admin(context, "volume_extension:volume_type_access:get_all_for_type")
    volume_type = get(backend, context, type_id)
    if volume_type["is_public"]:
        raise NotFound("Access list not available for public volume types.")
    return list(volume_type["projects"])


def _private(backend, context, type_id: str) -> dict:
    volume_type = get(backend, context, type_id)
    if volume_type["is_public"]:
        raise BadRequest("Invalid volume type: Type access modification is not applicable to public volume "
                         "type.")
    return volume_type


def add_access(backend, context, type_id: str, project_id: str) -> None:
    require_admin(context, "volume_extension:volume_type_access:addProjectAccess")
    with backend.store.lock:
        volume_type = _private(backend, context, type_id)
        if project_id in volume_type["projects"]:
            raise Conflict(f"Volume type access for {volume_type['id']} / {project_id} combination already "
                           f"exists.")
        volume_type["projects"].append(project_id)


def remove_access(backend, context, type_id: str, project_id: str) -> None:
    require_admin(context, "volume_extension:volume_type_access:removeProjectAccess")
    with backend.store.lock:
        volume_type = _private(backend, context, type_id)
        if project_id not in volume_type["projects"]:
            raise NotFound(f"Volume type access not found for {volume_type['id']} / {project_id} combination.")
        volume_type["projects"].remove(project_id)
