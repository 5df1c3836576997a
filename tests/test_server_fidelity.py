"""Server details Nova shows its own way: access IPs as netaddr prints them, no security_groups key
once the last group is gone. Each test names the Nova source it follows."""

from __future__ import annotations

import pytest

from tests import server_helpers as h

TEMPEST_V6 = "0000:0000:0000:0000:0000:babe:220.12.22.2"


@pytest.mark.parametrize("version", ["2.1", "2.75"])
def test_access_ipv6_is_normalised_on_create_update_and_rebuild(api, version):
    """nova/objects/fields.py IPV6AddressField coerces through netaddr.IPAddress: Tempest's
    test_verify_server_details sends the long form and expects '::babe:dc0c:1602' back."""
    server = h.create(api, version="2.1", accessIPv4="1.1.1.1", accessIPv6=TEMPEST_V6)
    api.backend.clock.advance(60)  # built
    shown = h.show(api, server["id"], version=version)
    assert shown["accessIPv6"] == "::babe:dc0c:1602" and shown["accessIPv4"] == "1.1.1.1"

    updated = api.put(f"{h.SERVERS}/{server['id']}", json={"server": {"accessIPv6": "2001:DB8:0:0:0:0:0:1"}},
                      version=version)
    assert updated.status_code == 200
    assert updated.get_json()["server"]["accessIPv6"] == "2001:db8::1"

    rebuilt = api.post(f"{h.SERVERS}/{server['id']}/action", version=version, json={"rebuild": {
        "imageRef": h.image_id(api.backend), "accessIPv6": "fe80:0000::0001"}})
    assert rebuilt.status_code == 202, rebuilt.get_data(as_text=True)
    assert rebuilt.get_json()["server"]["accessIPv6"] == "fe80::1"
    assert h.show(api, server["id"], version=version)["accessIPv6"] == "fe80::1"


def test_security_groups_key_is_left_out_after_removing_the_last_group(api):
    """nova/api/openstack/compute/views/servers.py _add_security_grps sets the key only `if groups:`
    (Tempest: ServerActionsTestOtherA.test_remove_server_all_security_groups)."""
    server = h.create(api)
    api.backend.clock.advance(60)
    assert h.show(api, server["id"])["security_groups"] == [{"name": "default"}]
    response = api.post(f"{h.SERVERS}/{server['id']}/action", json={"removeSecurityGroup": {"name": "default"}})
    assert response.status_code == 202
    shown = h.show(api, server["id"])
    assert "security_groups" not in shown
    detail = api.get(f"{h.SERVERS}/detail").get_json()["servers"]
    assert "security_groups" not in detail[0]
