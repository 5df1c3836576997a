"""GET /os-aggregates (nova/api/openstack/compute/aggregates.py): the fake defines no host
aggregates, so the list is empty. Clients read it alongside the hypervisors (``openstack
hypervisor show`` looks up the aggregates its host belongs to). Creating aggregates is not built.
"""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import context
from fakenova.api.compute.blueprint import route
from fakenova.domain import policy


@route("/os-aggregates")
def list_aggregates():
    ctx = context()
    policy.authorize(ctx, "os_compute_api:os-aggregates:index", ctx.project_id)
    return jsonify({"aggregates": []})
