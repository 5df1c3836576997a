"""/os-quota-class-sets/{class} (nova/api/openstack/compute/quota_classes.py): show and update,
admin-only. The "default" class is the default quota of every project without its own values."""

from __future__ import annotations

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import body, query, route, version
from fakenova.domain import policy
from fakenova.domain.compute import quotas
from fakenova.views import quota_sets as views

_RULE = "os_compute_api:os-quota-class-sets:"


@route("/os-quota-class-sets/<class_name>")
def show_quota_class_set(class_name: str):
    query("quota_class_sets", "show")
    policy.authorize(context(), _RULE + "show")
    return views.quota_class_set(quotas.class_quota_set(backend(), class_name), version(), class_name)


@route("/os-quota-class-sets/<class_name>", methods=["PUT"])
def update_quota_class_set(class_name: str):
    requested = body("quota_class_sets", "update")["quota_class_set"]
    policy.authorize(context(), _RULE + "update")
    quotas.update_class(backend(), class_name, requested)
    return views.quota_class_set(quotas.class_quota_set(backend(), class_name), version())
