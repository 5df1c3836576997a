"""Nova's router matches paths exactly: a trailing slash is no route (routes.Mapper as Nova builds it
in nova/api/openstack/__init__.py ProjectMapper.create_route; checked with routes 2.5: '/x' matches,
'/x/' does not). So GET /os-simple-tenant-usage/ (an empty tenant id) is 404, never the list."""

from __future__ import annotations

import re

import pytest

from fakenova import create_app

API = "/compute/v2.1"


def _compute_rules():
    app = create_app()
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/") or rule.rule.endswith("/"):
            continue
        path = re.sub(r"<[^>]+>", "x", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            rules.append((method, path))
    return sorted(set(rules))


RULES = _compute_rules()


def test_every_compute_route_was_checked():
    assert len(RULES) > 80


@pytest.mark.parametrize("method,path", RULES)
def test_a_trailing_slash_is_no_route(api, method, path):
    response = api.request(method, path + "/", user="admin", json={} if method in ("POST", "PUT") else None)
    assert response.status_code == 404, (method, path, response.get_data(as_text=True))
    # Nova's own answer, word for word: the fake serves the path, so this is no gap of the fake and
    # carries no "fakenova does not model" note.
    assert response.get_json() == {"itemNotFound": {"code": 404, "message": "The resource could not be found."}}


def test_empty_tenant_id_in_simple_tenant_usage_is_404(api):
    """Tempest: TenantUsagesNegativeTestJSON.test_get_usage_tenant_with_empty_tenant_id."""
    assert api.get(f"{API}/os-simple-tenant-usage/", user="admin").status_code == 404
    assert api.get(f"{API}/os-simple-tenant-usage", user="admin").status_code == 200


def test_a_path_the_fake_does_not_serve_still_says_so(api):
    response = api.get(f"{API}/os-cells", user="admin")
    assert response.status_code == 404
    assert "fakenova does not model GET /compute/v2.1/os-cells." in response.get_json()["itemNotFound"]["message"]
