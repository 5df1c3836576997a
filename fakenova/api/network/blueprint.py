"""The networking blueprint and its authentication (request bodies: attributes.py)."""

from __future__ import annotations

from flask import Blueprint, request

from fakenova.api.common import authenticate

bp = Blueprint("networking", __name__, url_prefix="/networking")

API_PREFIX = "/v2.0"


def prepare_request() -> None:
    """Neutron's version list is public; everything under /v2.0 goes through Keystone first."""
    if request.path.rstrip("/") != "/networking":
        authenticate()
