"""/servers/{id}/migrations[/{migration_id}[/action]] (nova/api/openstack/compute/server_migrations.py):
a server's in-progress live migrations (2.23), force_complete (2.22) and abort (2.24; queued and
preparing ones too from 2.65)."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import action_body, query, route, version
from fakenova.domain.compute import migrations
from fakenova.microversion import between
from fakenova.views import migrations as views

ABORT_QUEUED = between("2.65")


@route("/servers/<server_id>/migrations", versions=between("2.23"))
def list_server_migrations(server_id: str):
    query("server_migrations", "index")
    found, with_hosts = migrations.in_progress_live(backend(), context(), server_id)
    return jsonify({"migrations": [views.server_item(m, version(), with_hosts=with_hosts) for m in found]})


@route("/servers/<server_id>/migrations/<migration_id>", versions=between("2.23"))
def show_server_migration(server_id: str, migration_id: str):
    query("server_migrations", "show")
    migration = migrations.show_in_progress_live(backend(), context(), server_id, migration_id)
    return jsonify({"migration": views.server_item(migration, version())})


@route("/servers/<server_id>/migrations/<migration_id>", methods=["DELETE"], versions=between("2.24"))
def abort_server_migration(server_id: str, migration_id: str):
    migrations.abort(backend(), context(), server_id, migration_id, queued_too=version() in ABORT_QUEUED)
    return "", 202


@route("/servers/<server_id>/migrations/<migration_id>/action", methods=["POST"], versions=between("2.22"))
def server_migration_action(server_id: str, migration_id: str):
    """Nova's action dispatch: one body key, and force_complete is the only action here."""
    _name, data = action_body(("force_complete",))
    backend().schemas.validate_body(data, "compute", "server_migrations", "force_complete", version())
    migrations.force_complete(backend(), context(), server_id, migration_id)
    return "", 202
