"""Neutron's quota API: /v2.0/quotas, /quotas/{project}, its /default and /details, PUT and DELETE
(neutron/extensions/quotasv2.py and quotasv2_detail.py). Policy first, then the body, as Neutron does."""

from __future__ import annotations

from flask import Response, jsonify

from fakenova.api.common import backend, context
from fakenova.api.network.attributes import parse_update
from fakenova.api.network.blueprint import API_PREFIX, bp
from fakenova.domain.network import network_quotas


@bp.get(f"{API_PREFIX}/quotas")
def list_quotas():
    network_quotas.authorize_list(context())
    return jsonify({"quotas": network_quotas.all_overridden(backend())})


@bp.get(f"{API_PREFIX}/quotas/project")
def show_own_project():
    # An old "who am I" of python-neutronclient, kept by Neutron.
    return jsonify({"project": {"project_id": context().project_id}})


@bp.get(f"{API_PREFIX}/quotas/<project_id>")
def show_quota(project_id):
    network_quotas.authorize_read(context(), project_id)
    return jsonify({"quota": network_quotas.limits(backend(), project_id)})


@bp.get(f"{API_PREFIX}/quotas/<project_id>/default")
def show_quota_default(project_id):
    network_quotas.authorize_read(context(), project_id)
    return jsonify({"quota": dict(network_quotas.DEFAULTS)})


@bp.get(f"{API_PREFIX}/quotas/<project_id>/details")
@bp.get(f"{API_PREFIX}/quotas/<project_id>/details.json")  # Tempest's QuotasClient asks with .json
def show_quota_details(project_id):
    network_quotas.authorize_details(context(), project_id)
    return jsonify({"quota": network_quotas.details(backend(), project_id)})


@bp.put(f"{API_PREFIX}/quotas/<project_id>")
def update_quota(project_id):
    network_quotas.authorize_write(context(), "update_quota")
    request = parse_update("quota")
    force = request.pop("force", None) is True
    request.pop("check_limit", None)
    return jsonify({"quota": network_quotas.update(backend(), project_id, request, force=force)})


@bp.delete(f"{API_PREFIX}/quotas/<project_id>")
def delete_quota(project_id):
    network_quotas.authorize_write(context(), "delete_quota")
    network_quotas.delete(backend(), project_id)
    return Response(status=204)
