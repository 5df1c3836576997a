"""Migration records as JSON: the os-migrations list item and the server migrations item.

os-migrations (nova/api/openstack/compute/migrations.py ``_output``): Nova's columns; from 2.23
``migration_type`` and, for an in-progress live migration, ``links`` to it under the server; from
2.59 ``uuid``; from 2.80 ``user_id`` / ``project_id``. Without ``index:host`` the host fields are
null. Server migrations (server_migrations.py ``output``): ``server_uuid``, the memory and disk
counters with a ``_bytes`` suffix, the same version additions.
"""

from __future__ import annotations

from fakenova.clock import db_time
from fakenova.microversion import between

WITH_TYPE = between("2.23")
WITH_UUID = between("2.59")
WITH_USER_PROJECT = between("2.80")

_HOST_FIELDS = ("dest_compute", "dest_host", "dest_node", "source_compute", "source_node")
_COUNTERS = ("memory_total", "memory_processed", "memory_remaining", "disk_total", "disk_processed",
             "disk_remaining")


def list_item(migration: dict, version, *, with_hosts: bool, links=None) -> dict:
    """One os-migrations item; ``links(migration)`` gives the links of an in-progress live migration."""
    item = {
        "created_at": db_time(migration["created_at"]),
        "id": migration["id"],
        "instance_uuid": migration["instance_uuid"],
        # .get: records saved by an older fakenova (a state file) lack these columns
        "new_instance_type_id": migration.get("new_instance_type_id"),
        "old_instance_type_id": migration.get("old_instance_type_id"),
        "status": migration["status"],
        "updated_at": db_time(migration["updated_at"]),
        **_hosts(migration, with_hosts),
    }
    if version in WITH_TYPE:
        item["migration_type"] = migration["migration_type"]
        if links is not None:
            found = links(migration)
            if found:
                item["links"] = found
    _add_version_fields(item, migration, version)
    return item


def server_item(migration: dict, version, *, with_hosts: bool = True) -> dict:
    """One in-progress live migration of a server (with its memory/disk counters)."""
    item = {
        "created_at": db_time(migration["created_at"]),
        "id": migration["id"],
        "server_uuid": migration["instance_uuid"],
        "status": migration["status"],
        "updated_at": db_time(migration["updated_at"]),
        **{f"{name}_bytes": migration.get(name) for name in _COUNTERS},
        **_hosts(migration, with_hosts),
    }
    _add_version_fields(item, migration, version)
    return item


def _hosts(migration: dict, with_hosts: bool) -> dict:
    return {name: migration.get(name) if with_hosts else None for name in _HOST_FIELDS}


def _add_version_fields(item: dict, migration: dict, version) -> None:
    if version in WITH_UUID:
        item["uuid"] = migration["uuid"]
    if version in WITH_USER_PROJECT:
        item["user_id"] = migration["user_id"]
        item["project_id"] = migration["project_id"]
