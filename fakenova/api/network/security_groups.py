"""Security groups, read-only: each project's seeded ``default`` group (created on a project's
first list, as Neutron does). Their rules are listed and shown from the table in resources.py."""

from __future__ import annotations

from fakenova.api.common import backend, context
from fakenova.api.network import views
from fakenova.api.network.blueprint import API_PREFIX, bp
from fakenova.api.network.query import item_response, list_response
from fakenova.domain.network import security_groups


@bp.get(f"{API_PREFIX}/security-groups")
def list_security_groups():
    store, ctx = backend().store, context()
    with store.lock:
        if ctx.project_id:
            security_groups.default_group(backend(), ctx.project_id)
        items = [views.security_group(g, ctx) for g in store.security_groups.values()
                 if security_groups.visible(g, ctx)]
    return list_response("security_group", "security_groups", items,
                         not_found=lambda marker: security_groups.get(backend(), marker, ctx))


@bp.get(f"{API_PREFIX}/security-groups/<group_id>")
def show_security_group(group_id):
    group = security_groups.get(backend(), group_id, context())
    return item_response("security_group", views.security_group(group, context()))

