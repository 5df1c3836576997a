"""GET /limits: the caller's (or, for an admin, ?tenant_id='s) absolute limits and usage
(nova/api/openstack/compute/limits.py)."""

from __future__ import annotations

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import query, route, version
from fakenova.domain import policy
from fakenova.domain.compute import quotas
from fakenova.views import limits as views


@route("/limits", methods=["GET"])
def show_limits():
    args = query("limits", "index")
    policy.authorize(context(), "os_compute_api:limits")
    project_id = context().project_id
    if "tenant_id" in args:
        # Any tenant_id, even the caller's own, needs the admin rule; the last one given counts.
        policy.authorize(context(), "os_compute_api:limits:other_project")
        project_id = args["tenant_id"][-1]
    return views.limits(quotas.project_quota_set(backend(), project_id), quotas.in_use(backend(), project_id),
                        version())
