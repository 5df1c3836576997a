"""/os-quota-sets/{project_id}: show, detail, defaults, and the admin's update and delete
(nova/api/openstack/compute/quota_sets.py). ``?user_id=`` is accepted and ignored: per-user quotas
are not modelled, a user sees the project's.
"""

from __future__ import annotations

from flask import Response

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route, version
from fakenova.domain import policy
from fakenova.domain.compute import quotas
from fakenova.views import quota_sets as views

_RULE = "os_compute_api:os-quota-sets:"
_TRUE = ("1", "t", "true", "on", "y", "yes")


@route("/os-quota-sets/<project_id>", methods=["GET"])
def show_quota_set(project_id: str):
    query("quota_sets", "query")
    policy.authorize(context(), _RULE + "show", project_id)
    quotas.verify_project(backend(), context(), project_id)
    return views.quota_set(quotas.project_quota_set(backend(), project_id), version(), project_id)


@route("/os-quota-sets/<project_id>/detail", methods=["GET"])
def show_quota_set_detail(project_id: str):
    query("quota_sets", "query")
    policy.authorize(context(), _RULE + "detail", project_id)
    quotas.verify_project(backend(), context(), project_id)
    values = views.detailed(quotas.project_quota_set(backend(), project_id), quotas.in_use(backend(), project_id))
    return views.quota_set(values, version(), project_id)


@route("/os-quota-sets/<project_id>/defaults", methods=["GET"])
def show_default_quota_set(project_id: str):
    # Nova's defaults schema allows any parameter at every microversion.
    policy.authorize(context(), _RULE + "defaults", project_id)
    quotas.verify_project(backend(), context(), project_id)
    return views.quota_set(quotas.default_quota_set(backend()), version(), project_id)


@route("/os-quota-sets/<project_id>", methods=["PUT"])
def update_quota_set(project_id: str):
    requested = dict(body("quota_sets", "update")["quota_set"])
    query("quota_sets", "query")
    policy.authorize(context(), _RULE + "update", project_id)
    quotas.verify_project(backend(), context(), project_id)
    force = requested.pop("force", False)
    # oslo's lenient bool_from_string: anything but a true spelling is False.
    force = force if isinstance(force, bool) else force.strip().lower() in _TRUE
    quotas.update_project(backend(), project_id, requested, force=force)
    return views.quota_set(quotas.project_quota_set(backend(), project_id), version())


@route("/os-quota-sets/<project_id>", methods=["DELETE"])
def delete_quota_set(project_id: str):
    query("quota_sets", "query")
    policy.authorize(context(), _RULE + "delete", project_id)
    quotas.reset_project(backend(), project_id)
    response = Response(status=202)
    del response.headers["Content-Type"]  # no body, so no type
    return response
