"""GET /os-migrations (nova/api/openstack/compute/migrations.py): every move's record, for admins.

Filters: status, host (source or destination), source_compute, instance_uuid, migration_type,
hidden; from 2.59 limit, marker (a migration uuid), changes-since and ``migrations_links``, newest
first; from 2.66 changes-before; from 2.80 user_id and project_id (of whoever asked for the move).
"""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import links, query, route, self_link, version
from fakenova.domain.compute import migrations
from fakenova.microversion import between
from fakenova.validation import parse_iso8601
from fakenova.views import migrations as views
from fakenova.views.links import collection_links

PAGED = between("2.59")
CHANGES_BEFORE = between("2.66")


@route("/os-migrations")
def list_migrations():
    params = query("migrations", "index")
    # Nova reads each filter as one value: the last one given.
    last = {name: values[-1] for name, values in params.items() if values}
    for name in ("changes-since", "changes-before"):
        if name in last:
            last[name] = parse_iso8601(last[name])
    ctx = context()
    paged = version() in PAGED
    records = migrations.list_all(backend(), ctx, last, paged=paged, changes_before=version() in CHANGES_BEFORE)
    with_hosts = migrations.shows_hosts(ctx)
    body = {"migrations": [views.list_item(m, version(), with_hosts=with_hosts, links=_live_links)
                           for m in records]}
    if paged:
        next_links = collection_links(self_link("os-migrations"), params, records, id_key="uuid",
                                      page_size=migrations.page_size(last))
        if next_links:
            body["migrations_links"] = next_links
    return jsonify(body)


def _live_links(migration: dict) -> list[dict] | None:
    """Links to an in-progress live migration under its server (the only kind that has them)."""
    if migration["migration_type"] == migrations.LIVE and migration["status"] in migrations.IN_PROGRESS:
        return links("servers", migration["instance_uuid"], "migrations", str(migration["id"]))
    return None
