"""Tenancy matrix: five personas against every compute route, checked against Nova's default policy.

Personas (fakenova/seeds.py): admin (role admin, project admin), demo (member of demo), reader
(reader only, project demo), manager (manager+member+reader, project demo) and alt_demo (member of
another project). The target of every call is something demo owns: a server, a key pair, project
demo's quota set. Each cell asserts the status and, for a denial, Nova's exact body:
403 "Policy doesn't allow {rule} to be performed." or, for another project's server, 404
"Instance {id} could not be found." before any policy check (nova/policies/*.py, facts §10).

The rows are matched against the Flask url_map and the registered server actions: a compute route or
an action without a row fails ``test_every_compute_route_has_a_row``. Cinder's deployment routes
(os-services, os-hosts, pools, capabilities, zones, extensions) have a table of their own at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from fakenova import create_app
from fakenova.api.compute import server_actions
from fakenova.backend import Backend
from fakenova.config import ConfigError, Settings
from fakenova.pytest_plugin import instant_durations
from fakenova.server import RunningServer
from tempest.lib.api_schema.response.compute.v2_1 import flavors_access, flavors_extra_specs
from tempest.lib.common.rest_client import RestClient
from tests.conftest import Api, LiveServer
from tests.server_helpers import force_down, image_id, network_id
from tests.tempest_schemas import _Resp, assert_valid

V21 = "/compute/v2.1"
USERS = ("admin", "demo", "reader", "manager", "alt_demo")
SERVERS = "servers_client.ServersClient"
SERVICES = "services_client.ServicesClient"
HYPERVISORS = "hypervisor_client.HypervisorClient"
AGGREGATES = "aggregates_client.AggregatesClient"
HOSTS = "hosts_client.HostsClient"
IMAGES = "images_client.ImagesClient"
SNAPSHOTS = "snapshots_client.SnapshotsClient"
VOLUMES = "volumes_client.VolumesClient"
SECURITY_GROUPS = "security_groups_client.SecurityGroupsClient"
FLOATING_IPS = "floating_ips_client.FloatingIPsClient"
TENANT_NETWORKS = "tenant_networks_client.TenantNetworksClient"
# FlavorsClient checks extra specs with a module of its own, outside its schema_versions_info.
EXTRA_SPECS = "flavors_extra_specs"
# ... and flavor access with another.
FLAVOR_ACCESS = "flavors_access"
OWN_SCHEMA_MODULES = {EXTRA_SPECS: flavors_extra_specs, FLAVOR_ACCESS: flavors_access}

# Who passes each kind of check when the target belongs to project demo (or to user demo).
ADMIN, READER, MEMBER, MANAGER, ANYONE, OWNER = "admin", "reader", "member", "manager", "anyone", "owner"
PASSES_ON_DEMO = {
    ADMIN: {"admin"},
    READER: {"admin", "demo", "reader", "manager"},
    MEMBER: {"admin", "demo", "manager"},
    MANAGER: {"admin", "manager"},
    ANYONE: set(USERS),
    OWNER: {"admin", "demo"},
}
# ... and when each caller acts on its own project.
PASSES_ON_OWN = {
    ADMIN: {"admin"},
    READER: set(USERS),
    MEMBER: {"admin", "demo", "manager", "alt_demo"},
    MANAGER: {"admin", "manager"},
    ANYONE: set(USERS),
    OWNER: set(USERS),
}

# What another project's caller meets on a target of project demo before any policy runs.
NOT_FOUND = "404"     # the server lookup is project-scoped (servers, most sub-resources, actions)
POLICY = "403"        # the lookup is not scoped, the policy check denies (tags, server groups)


@dataclass(frozen=True)
class Row:
    method: str
    rule: str                    # the Flask rule under /compute/v2.1
    path: str                    # formatted with the world's ids
    policy: str | None           # Nova's rule name; None: no policy (flavor reads)
    level: str
    ok: int | tuple              # the success status (a tuple: any of these, e.g. state-dependent actions)
    target: str = "demo"         # "demo": project demo's thing; "own": the caller's own project
    other: str = ""              # NOT_FOUND or POLICY; default: NOT_FOUND for a server's path, else POLICY
    version: str = "2.1"
    body: object = None          # dict, or a callable world -> dict
    tempest: tuple | None = None  # (client, schema name[, schema version]) for the success answer

    @property
    def key(self) -> tuple[str, str]:
        return self.method, _normal(self.rule)


def _normal(rule: str) -> str:
    """Converter names and types do not matter for matching: /servers/<server_id> == /servers/<id>."""
    return re.sub(r"<[^>]*>", "<>", rule)


S = "/servers/<server_id>"
P = "/servers/{server}"


def _server_create(world) -> dict:
    return {"server": {"name": "mine", "imageRef": world["image"], "flavorRef": "1",
                       "networks": [{"uuid": world["network"]}]}}


ROWS = [
    # servers (nova/policies/servers.py)
    Row("POST", "/servers", "/servers", "os_compute_api:servers:create", MEMBER, 202, target="own",
        version="2.37", body=_server_create, tempest=(SERVERS, "create_server_with_admin_pass", "2.1")),
    Row("GET", "/servers", "/servers", "os_compute_api:servers:index", READER, 200, target="own",
        tempest=(SERVERS, "list_servers")),
    Row("GET", "/servers", "/servers?all_tenants=1", "os_compute_api:servers:index:get_all_tenants", ADMIN,
        200, target="own", tempest=(SERVERS, "list_servers")),
    Row("GET", "/servers/detail", "/servers/detail", "os_compute_api:servers:detail", READER, 200,
        target="own", tempest=(SERVERS, "list_servers_detail")),
    Row("GET", "/servers/detail", "/servers/detail?all_tenants=true",
        "os_compute_api:servers:detail:get_all_tenants", ADMIN, 200, target="own",
        tempest=(SERVERS, "list_servers_detail")),
    Row("GET", S, P, "os_compute_api:servers:show", READER, 200, tempest=(SERVERS, "get_server")),
    Row("PUT", S, P, "os_compute_api:servers:update", MEMBER, 200, body={"server": {"name": "renamed"}},
        tempest=(SERVERS, "update_server")),
    Row("DELETE", S, P, "os_compute_api:servers:delete", MEMBER, 204, tempest=(SERVERS, "delete_server")),
    # sub-resources
    Row("GET", S + "/ips", P + "/ips", "os_compute_api:ips:index", READER, 200,
        tempest=(SERVERS, "list_addresses")),
    Row("GET", S + "/ips/<network>", P + "/ips/private", "os_compute_api:ips:show", READER, 200,
        tempest=(SERVERS, "list_addresses_by_network")),
    Row("GET", S + "/metadata", P + "/metadata", "os_compute_api:server-metadata:index", READER, 200,
        tempest=(SERVERS, "list_server_metadata")),
    Row("POST", S + "/metadata", P + "/metadata", "os_compute_api:server-metadata:create", MEMBER, 200,
        body={"metadata": {"a": "b"}}, tempest=(SERVERS, "update_server_metadata")),
    Row("PUT", S + "/metadata", P + "/metadata", "os_compute_api:server-metadata:update_all", MEMBER, 200,
        body={"metadata": {"a": "b"}}, tempest=(SERVERS, "set_server_metadata")),
    Row("GET", S + "/metadata/<key>", P + "/metadata/k", "os_compute_api:server-metadata:show", READER, 200,
        tempest=(SERVERS, "set_show_server_metadata_item")),
    Row("PUT", S + "/metadata/<key>", P + "/metadata/k", "os_compute_api:server-metadata:update", MEMBER,
        200, body={"meta": {"k": "v2"}}, tempest=(SERVERS, "set_show_server_metadata_item")),
    Row("DELETE", S + "/metadata/<key>", P + "/metadata/k", "os_compute_api:server-metadata:delete", MEMBER,
        204, tempest=(SERVERS, "delete_server_metadata_item")),
    # tags look the server up in the (unscoped) instance mapping, then ask the policy: 403 for others
    Row("GET", S + "/tags", P + "/tags", "os_compute_api:os-server-tags:index", READER, 200, other=POLICY,
        version="2.26", tempest=(SERVERS, "list_tags")),
    Row("PUT", S + "/tags", P + "/tags", "os_compute_api:os-server-tags:update_all", MEMBER, 200,
        other=POLICY, version="2.26", body={"tags": ["x"]}, tempest=(SERVERS, "update_all_tags")),
    Row("DELETE", S + "/tags", P + "/tags", "os_compute_api:os-server-tags:delete_all", MEMBER, 204,
        other=POLICY, version="2.26", tempest=(SERVERS, "delete_all_tags")),
    Row("GET", S + "/tags/<tag>", P + "/tags/t", "os_compute_api:os-server-tags:show", READER, 204,
        other=POLICY, version="2.26", tempest=(SERVERS, "check_tag_existence")),
    Row("PUT", S + "/tags/<tag>", P + "/tags/new", "os_compute_api:os-server-tags:update", MEMBER, 201,
        other=POLICY, version="2.26", tempest=(SERVERS, "update_tag")),
    Row("DELETE", S + "/tags/<tag>", P + "/tags/t", "os_compute_api:os-server-tags:delete", MEMBER, 204,
        other=POLICY, version="2.26", tempest=(SERVERS, "delete_tag")),
    Row("GET", S + "/os-instance-actions", P + "/os-instance-actions", "os_compute_api:os-instance-actions:list",
        READER, 200, tempest=(SERVERS, "list_instance_actions")),
    Row("GET", S + "/os-instance-actions/<request_id>", P + "/os-instance-actions/{request_id}",
        "os_compute_api:os-instance-actions:show", READER, 200, tempest=(SERVERS, "show_instance_action")),
    Row("GET", S + "/os-interface", P + "/os-interface", "os_compute_api:os-attach-interfaces:list", READER,
        200, tempest=("interfaces_client.InterfacesClient", "list_interfaces")),
    Row("POST", S + "/os-interface", P + "/os-interface", "os_compute_api:os-attach-interfaces:create",
        MEMBER, 200, body=lambda world: {"interfaceAttachment": {"net_id": world["network"]}},
        tempest=("interfaces_client.InterfacesClient", "get_create_interfaces")),
    Row("GET", S + "/os-interface/<port_id>", P + "/os-interface/{port}",
        "os_compute_api:os-attach-interfaces:show", READER, 200,
        tempest=("interfaces_client.InterfacesClient", "get_create_interfaces")),
    Row("DELETE", S + "/os-interface/<port_id>", P + "/os-interface/{port}",
        "os_compute_api:os-attach-interfaces:delete", MEMBER, 202,
        tempest=("interfaces_client.InterfacesClient", "delete_interface")),
    Row("GET", S + "/os-server-password", P + "/os-server-password", "os_compute_api:os-server-password:show",
        READER, 200, tempest=(SERVERS, "show_password")),
    Row("DELETE", S + "/os-server-password", P + "/os-server-password",
        "os_compute_api:os-server-password:clear", MEMBER, 204,
        tempest=(SERVERS, "server_actions_delete_password")),
    # volume attachments (nova/policies/volumes_attachments.py); the world has one volume attached
    Row("GET", S + "/os-volume_attachments", P + "/os-volume_attachments",
        "os_compute_api:os-volumes-attachments:index", READER, 200, tempest=(SERVERS, "list_volume_attachments")),
    Row("POST", S + "/os-volume_attachments", P + "/os-volume_attachments",
        "os_compute_api:os-volumes-attachments:create", MEMBER, 200,
        body=lambda world: {"volumeAttachment": {"volumeId": world["spare_volume"]}},
        tempest=(SERVERS, "attach_volume")),
    Row("GET", S + "/os-volume_attachments/<volume_id>", P + "/os-volume_attachments/{volume}",
        "os_compute_api:os-volumes-attachments:show", READER, 200, tempest=(SERVERS, "show_volume_attachment")),
    Row("PUT", S + "/os-volume_attachments/<volume_id>", P + "/os-volume_attachments/{volume}",
        "os_compute_api:os-volumes-attachments:update", MEMBER, 202, version="2.85",
        body=lambda world: {"volumeAttachment": {"volumeId": world["volume"], "delete_on_termination": True}},
        tempest=(SERVERS, "update_attached_volume", "2.1")),
    Row("DELETE", S + "/os-volume_attachments/<volume_id>", P + "/os-volume_attachments/{volume}",
        "os_compute_api:os-volumes-attachments:delete", MEMBER, 202, tempest=(SERVERS, "detach_volume", "2.1")),
    # Nova's Cinder proxies, 2.1-2.35 (nova/policies/volumes.py); another project's volume is Cinder's 404
    Row("GET", "/os-volumes", "/os-volumes", "os_compute_api:os-volumes:list", READER, 200, target="own",
        tempest=(VOLUMES, "list_volumes")),
    Row("GET", "/os-volumes/detail", "/os-volumes/detail", "os_compute_api:os-volumes:detail", READER, 200,
        target="own", tempest=(VOLUMES, "list_volumes")),
    Row("POST", "/os-volumes", "/os-volumes", "os_compute_api:os-volumes:create", MEMBER, 200, target="own",
        body={"volume": {"size": 1}}, tempest=(VOLUMES, "create_get_volume")),
    Row("GET", "/os-volumes/<volume_id>", "/os-volumes/{volume}", "os_compute_api:os-volumes:show", READER,
        (200, 404), target="own", tempest=(VOLUMES, "create_get_volume")),
    Row("DELETE", "/os-volumes/<volume_id>", "/os-volumes/{spare_volume}", "os_compute_api:os-volumes:delete",
        MEMBER, (202, 404), target="own", tempest=(VOLUMES, "delete_volume")),
    Row("GET", "/os-snapshots", "/os-snapshots", "os_compute_api:os-volumes:snapshots:list", READER, 200,
        target="own", tempest=(SNAPSHOTS, "list_snapshots")),
    Row("GET", "/os-snapshots/detail", "/os-snapshots/detail", "os_compute_api:os-volumes:snapshots:detail", READER,
        200, target="own", tempest=(SNAPSHOTS, "list_snapshots")),
    Row("POST", "/os-snapshots", "/os-snapshots", "os_compute_api:os-volumes:snapshots:create", MEMBER,
        (200, 404), target="own", body=lambda world: {"snapshot": {"volume_id": world["spare_volume"]}},
        tempest=(SNAPSHOTS, "create_get_snapshot")),
    Row("GET", "/os-snapshots/<snapshot_id>", "/os-snapshots/{snapshot}", "os_compute_api:os-volumes:snapshots:show",
        READER, (200, 404), target="own", tempest=(SNAPSHOTS, "create_get_snapshot")),
    Row("DELETE", "/os-snapshots/<snapshot_id>", "/os-snapshots/{snapshot}",
        "os_compute_api:os-volumes:snapshots:delete", MEMBER, (202, 404), target="own",
        tempest=(SNAPSHOTS, "delete_snapshot")),
    # Nova's Neutron security group proxies, 2.1-2.35 (nova/policies/security_groups.py): the policy
    # target is the caller's own project; another project's group is then Neutron's 404
    Row("GET", "/os-security-groups", "/os-security-groups", "os_compute_api:os-security-groups:get", READER, 200,
        target="own", tempest=(SECURITY_GROUPS, "list_security_groups")),
    Row("GET", "/os-security-groups/<group_id>", "/os-security-groups/{secgroup}",
        "os_compute_api:os-security-groups:show", READER, (200, 404), target="own",
        tempest=(SECURITY_GROUPS, "get_security_group")),
    Row("POST", "/os-security-groups", "/os-security-groups", "os_compute_api:os-security-groups:create", MEMBER,
        200, target="own", body={"security_group": {"name": "new", "description": ""}},
        tempest=(SECURITY_GROUPS, "get_security_group")),
    Row("PUT", "/os-security-groups/<group_id>", "/os-security-groups/{secgroup}",
        "os_compute_api:os-security-groups:update", MEMBER, (200, 404), target="own",
        body={"security_group": {"name": "renamed", "description": ""}},
        tempest=(SECURITY_GROUPS, "update_security_group")),
    Row("DELETE", "/os-security-groups/<group_id>", "/os-security-groups/{spare_secgroup}",
        "os_compute_api:os-security-groups:delete", MEMBER, (202, 404), target="own",
        tempest=(SECURITY_GROUPS, "delete_security_group")),
    Row("POST", "/os-security-group-rules", "/os-security-group-rules",
        "os_compute_api:os-security-groups:rule:create", MEMBER, (200, 404), target="own",
        body=lambda world: {"security_group_rule": {"parent_group_id": world["secgroup"], "ip_protocol": "udp",
                                                    "from_port": 53, "to_port": 53}},
        tempest=(SECURITY_GROUPS, "create_security_group_rule")),
    Row("DELETE", "/os-security-group-rules/<rule_id>", "/os-security-group-rules/{secgroup_rule}",
        "os_compute_api:os-security-groups:rule:delete", MEMBER, (202, 404), target="own",
        tempest=(SECURITY_GROUPS, "delete_security_group_rule")),
    # ... and the floating IP proxies (nova/policies/floating_ips.py, floating_ip_pools.py)
    Row("GET", "/os-floating-ip-pools", "/os-floating-ip-pools", "os_compute_api:os-floating-ip-pools", ANYONE,
        200, target="own"),
    Row("GET", "/os-floating-ips", "/os-floating-ips", "os_compute_api:os-floating-ips:list", READER, 200,
        target="own", tempest=(FLOATING_IPS, "list_floating_ips")),
    Row("POST", "/os-floating-ips", "/os-floating-ips", "os_compute_api:os-floating-ips:create", MEMBER, 200,
        target="own", body={"pool": "public"}, tempest=(FLOATING_IPS, "create_get_floating_ip")),
    Row("GET", "/os-floating-ips/<fip_id>", "/os-floating-ips/{fip}", "os_compute_api:os-floating-ips:show", READER,
        (200, 404), target="own", tempest=(FLOATING_IPS, "create_get_floating_ip")),
    Row("DELETE", "/os-floating-ips/<fip_id>", "/os-floating-ips/{fip}", "os_compute_api:os-floating-ips:delete",
        MEMBER, (202, 404), target="own"),
    # ... and what is left of nova-network (nova/policies/networks.py, tenant_networks.py): reads over
    # the Neutron networks, writes 410 Gone for everyone before any policy
    Row("GET", "/os-networks", "/os-networks", "os_compute_api:os-networks:list", READER, 200, target="own"),
    Row("GET", "/os-networks/<network_id>", "/os-networks/{network}", "os_compute_api:os-networks:show", READER,
        200, target="own"),
    Row("POST", "/os-networks", "/os-networks", None, ANYONE, 410, target="own", body={"network": {}}),
    Row("POST", "/os-networks/add", "/os-networks/add", None, ANYONE, 410, target="own", body={}),
    Row("DELETE", "/os-networks/<network_id>", "/os-networks/{network}", None, ANYONE, 410, target="own"),
    Row("POST", "/os-networks/<network_id>/action", "/os-networks/{network}/action", None, ANYONE, 410,
        target="own", body={"disassociate": None}),
    Row("GET", "/os-tenant-networks", "/os-tenant-networks", "os_compute_api:os-tenant-networks:list", READER, 200,
        target="own", tempest=(TENANT_NETWORKS, "list_tenant_networks")),
    Row("GET", "/os-tenant-networks/<network_id>", "/os-tenant-networks/{network}",
        "os_compute_api:os-tenant-networks:show", READER, 200, target="own",
        tempest=(TENANT_NETWORKS, "get_tenant_network")),
    Row("POST", "/os-tenant-networks", "/os-tenant-networks", None, ANYONE, 410, target="own", body={}),
    Row("DELETE", "/os-tenant-networks/<network_id>", "/os-tenant-networks/{network}", None, ANYONE, 410,
        target="own"),
    # assisted volume snapshots: the service role (none of the personas has it) or admin
    Row("POST", "/os-assisted-volume-snapshots", "/os-assisted-volume-snapshots",
        "os_compute_api:os-assisted-volume-snapshots:create", ADMIN, 200, target="own",
        body=lambda world: {"snapshot": {"volume_id": world["volume"], "create_info": {
            "snapshot_id": "s1", "type": "qcow2", "new_file": "f"}}}),
    Row("DELETE", "/os-assisted-volume-snapshots/<snapshot_id>",
        '/os-assisted-volume-snapshots/s1?delete_info={{"volume_id": "{volume}"}}',
        "os_compute_api:os-assisted-volume-snapshots:delete", ADMIN, 204, target="own"),
    # server groups: found first (not project-scoped), then the policy on the group's project
    Row("GET", "/os-server-groups", "/os-server-groups", "os_compute_api:os-server-groups:index", READER, 200,
        target="own", tempest=("server_groups_client.ServerGroupsClient", "list_server_groups")),
    # Nova asks the all_projects rule of admins only; anyone else silently gets their own groups.
    Row("GET", "/os-server-groups", "/os-server-groups?all_projects=True", "os_compute_api:os-server-groups:index",
        READER, 200, target="own", tempest=("server_groups_client.ServerGroupsClient", "list_server_groups")),
    Row("POST", "/os-server-groups", "/os-server-groups", "os_compute_api:os-server-groups:create", MEMBER,
        200, target="own", body={"server_group": {"name": "g2", "policies": ["affinity"]}},
        tempest=("server_groups_client.ServerGroupsClient", "create_show_server_group")),
    Row("GET", "/os-server-groups/<group_id>", "/os-server-groups/{group}", "os_compute_api:os-server-groups:show",
        READER, 200, other=POLICY,
        tempest=("server_groups_client.ServerGroupsClient", "create_show_server_group")),
    Row("DELETE", "/os-server-groups/<group_id>", "/os-server-groups/{group}",
        "os_compute_api:os-server-groups:delete", MEMBER, 204, other=POLICY,
        tempest=("server_groups_client.ServerGroupsClient", "delete_server_group")),
    # flavors: reads have no policy at all
    Row("GET", "/flavors", "/flavors", None, ANYONE, 200, target="own",
        tempest=("flavors_client.FlavorsClient", "list_flavors")),
    Row("GET", "/flavors/detail", "/flavors/detail", None, ANYONE, 200, target="own",
        tempest=("flavors_client.FlavorsClient", "list_flavors_details")),
    Row("GET", "/flavors/<flavor_id>", "/flavors/1", None, ANYONE, 200, target="own",
        tempest=("flavors_client.FlavorsClient", "create_update_get_flavor_details")),
    Row("POST", "/flavors", "/flavors", "os_compute_api:os-flavor-manage:create", ADMIN, 200, target="own",
        body={"flavor": {"name": "f.new", "ram": 64, "vcpus": 1, "disk": 1}},
        tempest=("flavors_client.FlavorsClient", "create_update_get_flavor_details")),
    Row("PUT", "/flavors/<flavor_id>", "/flavors/1", "os_compute_api:os-flavor-manage:update", ADMIN, 200,
        target="own", version="2.55", body={"flavor": {"description": "tiny"}},
        tempest=("flavors_client.FlavorsClient", "create_update_get_flavor_details")),
    Row("DELETE", "/flavors/<flavor_id>", "/flavors/5", "os_compute_api:os-flavor-manage:delete", ADMIN, 202,
        target="own", tempest=("flavors_client.FlavorsClient", "delete_flavor")),
    Row("GET", "/flavors/<flavor_id>/os-extra_specs", "/flavors/1/os-extra_specs",
        "os_compute_api:os-flavor-extra-specs:index", READER, 200, target="own",
        tempest=(EXTRA_SPECS, "set_get_flavor_extra_specs")),
    Row("POST", "/flavors/<flavor_id>/os-extra_specs", "/flavors/1/os-extra_specs",
        "os_compute_api:os-flavor-extra-specs:create", ADMIN, 200, target="own",
        body={"extra_specs": {"k2": "v2"}}, tempest=(EXTRA_SPECS, "set_get_flavor_extra_specs")),
    Row("GET", "/flavors/<flavor_id>/os-extra_specs/<key>", "/flavors/1/os-extra_specs/k1",
        "os_compute_api:os-flavor-extra-specs:show", READER, 200, target="own",
        tempest=(EXTRA_SPECS, "set_get_flavor_extra_specs_key")),
    Row("PUT", "/flavors/<flavor_id>/os-extra_specs/<key>", "/flavors/1/os-extra_specs/k1",
        "os_compute_api:os-flavor-extra-specs:update", ADMIN, 200, target="own", body={"k1": "v9"},
        tempest=(EXTRA_SPECS, "set_get_flavor_extra_specs_key")),
    Row("DELETE", "/flavors/<flavor_id>/os-extra_specs/<key>", "/flavors/1/os-extra_specs/k1",
        "os_compute_api:os-flavor-extra-specs:delete", ADMIN, 200, target="own",
        tempest=(EXTRA_SPECS, "unset_flavor_extra_specs")),
    # flavor access: admin only, whoever the flavor is shared with (nova/policies/flavor_access.py)
    Row("GET", "/flavors/<flavor_id>/os-flavor-access", "/flavors/{private_flavor}/os-flavor-access",
        "os_compute_api:os-flavor-access", ADMIN, 200, target="own",
        tempest=(FLAVOR_ACCESS, "add_remove_list_flavor_access")),
    Row("POST", "/flavors/<flavor_id>/action", "/flavors/{private_flavor}/action",
        "os_compute_api:os-flavor-access:add_tenant_access", ADMIN, 200, target="own",
        body=lambda world: {"addTenantAccess": {"tenant": world["alt_project"]}},
        tempest=(FLAVOR_ACCESS, "add_remove_list_flavor_access")),
    Row("POST", "/flavors/<flavor_id>/action", "/flavors/{private_flavor}/action",
        "os_compute_api:os-flavor-access:remove_tenant_access", ADMIN, 200, target="own",
        body=lambda world: {"removeTenantAccess": {"tenant": world["demo_project"]}},
        tempest=(FLAVOR_ACCESS, "add_remove_list_flavor_access")),
    # key pairs belong to a user: every caller owns its own, only admin may name demo's
    Row("GET", "/os-keypairs", "/os-keypairs", "os_compute_api:os-keypairs:index", OWNER, 200, target="own",
        tempest=("keypairs_client.KeyPairsClient", "list_keypairs")),
    Row("GET", "/os-keypairs", "/os-keypairs?user_id={demo_user}", "os_compute_api:os-keypairs:index", OWNER,
        200, version="2.10", tempest=("keypairs_client.KeyPairsClient", "list_keypairs")),
    Row("POST", "/os-keypairs", "/os-keypairs", "os_compute_api:os-keypairs:create", OWNER, 200, target="own",
        body={"keypair": {"name": "fresh"}}, tempest=("keypairs_client.KeyPairsClient", "create_keypair")),
    Row("POST", "/os-keypairs", "/os-keypairs", "os_compute_api:os-keypairs:create", OWNER, 201, version="2.10",
        body=lambda world: {"keypair": {"name": "fresh", "user_id": world["demo_user"]}},
        tempest=("keypairs_client.KeyPairsClient", "create_keypair")),
    Row("GET", "/os-keypairs/<name>", "/os-keypairs/demo-key?user_id={demo_user}",
        "os_compute_api:os-keypairs:show", OWNER, 200, version="2.10",
        tempest=("keypairs_client.KeyPairsClient", "get_keypair")),
    Row("DELETE", "/os-keypairs/<name>", "/os-keypairs/demo-key?user_id={demo_user}",
        "os_compute_api:os-keypairs:delete", OWNER, 204, version="2.10",
        tempest=("keypairs_client.KeyPairsClient", "delete_keypair")),
    # limits and quotas
    Row("GET", "/limits", "/limits", "os_compute_api:limits", ANYONE, 200, target="own",
        tempest=("limits_client.LimitsClient", "get_limit")),
    Row("GET", "/limits", "/limits?tenant_id={demo_project}", "os_compute_api:limits:other_project", ADMIN, 200,
        tempest=("limits_client.LimitsClient", "get_limit")),
    Row("GET", "/os-quota-sets/<project_id>", "/os-quota-sets/{demo_project}", "os_compute_api:os-quota-sets:show",
        READER, 200, other=POLICY, tempest=("quotas_client.QuotasClient", "get_quota_set")),
    Row("GET", "/os-quota-sets/<project_id>/detail", "/os-quota-sets/{demo_project}/detail",
        "os_compute_api:os-quota-sets:detail", READER, 200, other=POLICY,
        tempest=("quotas_client.QuotasClient", "get_quota_set_details")),
    Row("GET", "/os-quota-sets/<project_id>/defaults", "/os-quota-sets/{demo_project}/defaults",
        "os_compute_api:os-quota-sets:defaults", ANYONE, 200, other=POLICY,
        tempest=("quotas_client.QuotasClient", "get_quota_set")),
    Row("PUT", "/os-quota-sets/<project_id>", "/os-quota-sets/{demo_project}", "os_compute_api:os-quota-sets:update",
        ADMIN, 200, other=POLICY, body={"quota_set": {"instances": 20}},
        tempest=("quotas_client.QuotasClient", "update_quota_set")),
    Row("DELETE", "/os-quota-sets/<project_id>", "/os-quota-sets/{demo_project}",
        "os_compute_api:os-quota-sets:delete", ADMIN, 202, other=POLICY,
        tempest=("quotas_client.QuotasClient", "delete_quota")),
    # availability zones
    Row("GET", "/os-availability-zone", "/os-availability-zone", "os_compute_api:os-availability-zone:list",
        ANYONE, 200, target="own",
        tempest=("availability_zone_client.AvailabilityZoneClient", "list_availability_zone_list")),
    Row("GET", "/os-availability-zone/detail", "/os-availability-zone/detail",
        "os_compute_api:os-availability-zone:detail", ADMIN, 200, target="own",
        tempest=("availability_zone_client.AvailabilityZoneClient", "list_availability_zone_list_detail")),
    # diagnostics (admin) and topology (readers; Tempest keeps no schema for it)
    Row("GET", S + "/diagnostics", P + "/diagnostics", "os_compute_api:os-server-diagnostics", ADMIN, 200,
        tempest=(SERVERS, "show_server_diagnostics")),
    Row("GET", S + "/topology", P + "/topology", "compute:server:topology:index", READER, 200, version="2.78"),
    # migrations: os-migrations for project managers of their own project (index:all_projects, admin,
    # otherwise: see tests/test_migrations.py); a server's live migrations (the world has none running,
    # so an allowed caller meets the 404 / 409 of an idle server)
    Row("GET", "/os-migrations", "/os-migrations?project_id={demo_project}", "os_compute_api:os-migrations:index",
        MANAGER, 200, other=POLICY, version="2.80", tempest=("migrations_client.MigrationsClient", "list_migrations")),
    Row("GET", S + "/migrations", P + "/migrations", "os_compute_api:servers:migrations:index", MANAGER, 200,
        version="2.80", tempest=(SERVERS, "list_live_migrations")),
    Row("GET", S + "/migrations/<migration_id>", P + "/migrations/1", "os_compute_api:servers:migrations:show",
        ADMIN, (200, 404), version="2.80"),
    Row("DELETE", S + "/migrations/<migration_id>", P + "/migrations/1", "os_compute_api:servers:migrations:delete",
        MANAGER, (202, 409), version="2.24"),
    Row("POST", S + "/migrations/<migration_id>/action", P + "/migrations/1/action",
        "os_compute_api:servers:migrations:force_complete", MANAGER, (202, 409), version="2.22",
        body={"force_complete": None}),
    # a server's security groups (readers, every microversion) and usage (list: admin; show: the project's readers)
    Row("GET", S + "/os-security-groups", P + "/os-security-groups", "os_compute_api:os-security-groups:list",
        READER, 200),
    Row("GET", "/os-simple-tenant-usage", "/os-simple-tenant-usage", "os_compute_api:os-simple-tenant-usage:list",
        ADMIN, 200, target="own", tempest=("tenant_usages_client.TenantUsagesClient", "list_tenant_usage")),
    Row("GET", "/os-simple-tenant-usage/<project_id>", "/os-simple-tenant-usage/{demo_project}",
        "os_compute_api:os-simple-tenant-usage:show", READER, 200, other=POLICY),
    # remote consoles (members) and what their tokens unlock (admin; below 2.31 always a bare 400)
    Row("POST", S + "/remote-consoles", P + "/remote-consoles", "os_compute_api:os-remote-consoles", MEMBER, 200,
        version="2.6", body={"remote_console": {"protocol": "vnc", "type": "novnc"}},
        tempest=(SERVERS, "get_remote_consoles")),
    Row("GET", "/os-console-auth-tokens/<token>", "/os-console-auth-tokens/{console_token}",
        "os_compute_api:os-console-auth-tokens", ADMIN, 200, version="2.31",
        tempest=(SERVERS, "console_auth_tokens", "2.99")),
    # services and compute nodes: admin only (nova/policies/services.py, hypervisors.py)
    Row("GET", "/os-services", "/os-services", "os_compute_api:os-services:list", ADMIN, 200, target="own",
        tempest=(SERVICES, "list_services")),
    Row("PUT", "/os-services/<service_id>", "/os-services/{compute_service}", "os_compute_api:os-services:update",
        ADMIN, 200, target="own", version="2.53", body={"status": "disabled", "disabled_reason": "maintenance"},
        tempest=(SERVICES, "update_service")),
    Row("PUT", "/os-services/<service_id>", "/os-services/disable", "os_compute_api:os-services:update", ADMIN, 200,
        target="own", body={"host": "compute2", "binary": "nova-compute"},
        tempest=(SERVICES, "enable_disable_service")),
    Row("GET", "/os-hypervisors", "/os-hypervisors", "os_compute_api:os-hypervisors:list", ADMIN, 200,
        target="own", tempest=(HYPERVISORS, "list_search_hypervisors")),
    Row("GET", "/os-hypervisors/detail", "/os-hypervisors/detail", "os_compute_api:os-hypervisors:list-detail",
        ADMIN, 200, target="own", tempest=(HYPERVISORS, "list_hypervisors_detail")),
    Row("GET", "/os-hypervisors/<hypervisor_id>", "/os-hypervisors/{hypervisor}?with_servers=true",
        "os_compute_api:os-hypervisors:show", ADMIN, 200, target="own", version="2.53",
        tempest=(HYPERVISORS, "get_hypervisor")),
    Row("GET", "/os-hypervisors/<hypervisor_id>/uptime", "/os-hypervisors/1/uptime",
        "os_compute_api:os-hypervisors:uptime", ADMIN, 200, target="own",
        tempest=(HYPERVISORS, "get_hypervisor_uptime")),
    Row("GET", "/os-hypervisors/statistics", "/os-hypervisors/statistics", "os_compute_api:os-hypervisors:statistics",
        ADMIN, 200, target="own", tempest=(HYPERVISORS, "get_hypervisor_statistics")),
    Row("GET", "/os-hypervisors/<pattern>/search", "/os-hypervisors/compute/search",
        "os_compute_api:os-hypervisors:search", ADMIN, 200, target="own",
        tempest=(HYPERVISORS, "list_search_hypervisors")),
    Row("GET", "/os-hypervisors/<pattern>/servers", "/os-hypervisors/compute1/servers",
        "os_compute_api:os-hypervisors:servers", ADMIN, 200, target="own",
        tempest=(HYPERVISORS, "get_hypervisors_servers")),
    # the image proxy (2.1-2.35) has no policy of Nova's: Glance decides, and only its owner (admin's
    # project for the seeded images) or an admin may change or delete an image: 403 for the others
    Row("GET", "/images", "/images", None, ANYONE, 200, target="own", tempest=(IMAGES, "list_images")),
    Row("GET", "/images/detail", "/images/detail", None, ANYONE, 200, target="own",
        tempest=(IMAGES, "list_images_details")),
    Row("GET", "/images/<image_id>", "/images/{image}", None, ANYONE, 200, target="own",
        tempest=(IMAGES, "get_image")),
    Row("DELETE", "/images/<image_id>", "/images/{image}", None, ANYONE, (204, 403), target="own"),
    Row("GET", "/images/<image_id>/metadata", "/images/{image}/metadata", None, ANYONE, 200, target="own",
        tempest=(IMAGES, "image_metadata")),
    Row("POST", "/images/<image_id>/metadata", "/images/{image}/metadata", None, ANYONE, (200, 403), target="own",
        body={"metadata": {"k": "v"}}),
    Row("PUT", "/images/<image_id>/metadata", "/images/{image}/metadata", None, ANYONE, (200, 403), target="own",
        body={"metadata": {"k": "v"}}),
    Row("GET", "/images/<image_id>/metadata/<key>", "/images/{image}/metadata/hw_rng_model", None, ANYONE, 200,
        target="own", tempest=(IMAGES, "image_meta_item")),
    Row("PUT", "/images/<image_id>/metadata/<key>", "/images/{image}/metadata/k", None, ANYONE, (200, 403),
        target="own", body={"meta": {"k": "v"}}),
    Row("DELETE", "/images/<image_id>/metadata/<key>", "/images/{image}/metadata/hw_rng_model", None, ANYONE,
        (204, 403), target="own"),
    Row("GET", "/extensions", "/extensions", "os_compute_api:extensions", ANYONE, 200, target="own",
        tempest=("extensions_client.ExtensionsClient", "list_extensions")),
    Row("GET", "/extensions/<alias>", "/extensions/os-hosts", "os_compute_api:extensions", ANYONE, 200,
        target="own"),
    Row("GET", "/os-instance_usage_audit_log", "/os-instance_usage_audit_log",
        "os_compute_api:os-instance-usage-audit-log:list", ADMIN, 200, target="own"),
    Row("GET", "/os-instance_usage_audit_log/<before>", "/os-instance_usage_audit_log/2024-01-01 00:00:00",
        "os_compute_api:os-instance-usage-audit-log:show", ADMIN, 200, target="own"),
    # service_or_admin: of the five personas only admin holds either role
    Row("POST", "/os-server-external-events", "/os-server-external-events",
        "os_compute_api:os-server-external-events:create", ADMIN, 200, target="own",
        body=lambda world: {"events": [{"name": "network-changed", "server_uuid": world["server"]}]},
        tempest=("server_external_events_client.ServerExternalEventsClient", "create")),
    Row("GET", "/os-quota-class-sets/<class_name>", "/os-quota-class-sets/default",
        "os_compute_api:os-quota-class-sets:show", ADMIN, 200, target="own",
        tempest=("quota_classes_client.QuotaClassesClient", "get_quota_class_set")),
    Row("PUT", "/os-quota-class-sets/<class_name>", "/os-quota-class-sets/default",
        "os_compute_api:os-quota-class-sets:update", ADMIN, 200, target="own",
        body={"quota_class_set": {"instances": 12}},
        tempest=("quota_classes_client.QuotaClassesClient", "update_quota_class_set")),
    # os-hosts (2.1-2.42): admin only; the host actions are 501 past the policy (libvirt has none)
    Row("GET", "/os-hosts", "/os-hosts", "os_compute_api:os-hosts:list", ADMIN, 200, target="own",
        tempest=(HOSTS, "list_hosts")),
    Row("GET", "/os-hosts/<host>", "/os-hosts/compute1", "os_compute_api:os-hosts:show", ADMIN, 200, target="own",
        tempest=(HOSTS, "get_host_detail")),
    Row("PUT", "/os-hosts/<host>", "/os-hosts/compute1", "os_compute_api:os-hosts:update", ADMIN, 501,
        target="own", body={"status": "enable"}),
    Row("GET", "/os-hosts/<host>/startup", "/os-hosts/compute1/startup", "os_compute_api:os-hosts:start", ADMIN,
        501, target="own"),
    Row("GET", "/os-hosts/<host>/shutdown", "/os-hosts/compute1/shutdown", "os_compute_api:os-hosts:shutdown",
        ADMIN, 501, target="own"),
    Row("GET", "/os-hosts/<host>/reboot", "/os-hosts/compute1/reboot", "os_compute_api:os-hosts:reboot", ADMIN,
        501, target="own"),
    Row("GET", "/os-aggregates", "/os-aggregates", "os_compute_api:os-aggregates:index", ADMIN, 200, target="own",
        tempest=(AGGREGATES, "list_aggregates")),
    Row("POST", "/os-aggregates", "/os-aggregates", "os_compute_api:os-aggregates:create", ADMIN, 200, target="own",
        body={"aggregate": {"name": "fresh", "availability_zone": "az-fresh"}},
        tempest=(AGGREGATES, "create_aggregate")),
    Row("GET", "/os-aggregates/<aggregate_id>", "/os-aggregates/{aggregate}", "os_compute_api:os-aggregates:show",
        ADMIN, 200, target="own", tempest=(AGGREGATES, "get_aggregate")),
    Row("PUT", "/os-aggregates/<aggregate_id>", "/os-aggregates/{aggregate}", "os_compute_api:os-aggregates:update",
        ADMIN, 200, target="own", body={"aggregate": {"name": "renamed"}}, tempest=(AGGREGATES, "update_aggregate")),
    Row("DELETE", "/os-aggregates/<aggregate_id>", "/os-aggregates/{aggregate}",
        "os_compute_api:os-aggregates:delete", ADMIN, 200, target="own", tempest=(AGGREGATES, "delete_aggregate")),
    Row("POST", "/os-aggregates/<aggregate_id>/action", "/os-aggregates/{aggregate}/action",
        "os_compute_api:os-aggregates:set_metadata", ADMIN, 200, target="own",
        body={"set_metadata": {"metadata": {"ssd": "true"}}}, tempest=(AGGREGATES, "aggregate_set_metadata")),
]

# Routes that exist in Nova and may not be built yet: rows ready for when they are.
FUTURE_ROWS = []

# A policy decision happens before the state check, so an allowed caller may meet the action's own
# 400/404/409 (wrong state, nothing to confirm, no such security group on it); what matters here is
# that it was neither a policy 403 nor the server's 404, and never a 5xx.
PAST_POLICY = (200, 202, 204, 400, 404, 409)


@dataclass(frozen=True)
class ActionRow:
    name: str
    policy: str | None           # None: no policy check (the removed RDP action)
    level: str
    body: object = None
    version: str = "2.1"
    other: str = NOT_FOUND       # POLICY: the action answers before looking the server up
    setup: object = None         # callable(api, world) run before the call (a state the action needs)
    not_found: object = None     # callable world -> the 404 body alt_demo meets, when not the server's


def _associate_floating_ip(api, world) -> None:
    added = api.post(f"{V21}/servers/{world['server']}/action", json={"addFloatingIp": {
        "address": world["fip_address"]}})
    assert added.status_code == 202, added.get_data(as_text=True)


ACTION_ROWS = {row.name: row for row in [
    ActionRow("reboot", "os_compute_api:servers:reboot", MEMBER, {"type": "SOFT"}),
    ActionRow("os-stop", "os_compute_api:servers:stop", MEMBER),
    ActionRow("os-start", "os_compute_api:servers:start", MEMBER),
    ActionRow("pause", "os_compute_api:os-pause-server:pause", MEMBER),
    ActionRow("unpause", "os_compute_api:os-pause-server:unpause", MEMBER),
    ActionRow("suspend", "os_compute_api:os-suspend-server:suspend", MEMBER),
    ActionRow("resume", "os_compute_api:os-suspend-server:resume", MEMBER),
    ActionRow("lock", "os_compute_api:os-lock-server:lock", MEMBER),
    ActionRow("unlock", "os_compute_api:os-lock-server:unlock", MEMBER),
    ActionRow("rescue", "os_compute_api:os-rescue", MEMBER),
    ActionRow("unrescue", "os_compute_api:os-unrescue", MEMBER),
    ActionRow("shelve", "os_compute_api:os-shelve:shelve", MEMBER),
    ActionRow("shelveOffload", "os_compute_api:os-shelve:shelve_offload", ADMIN),
    ActionRow("unshelve", "os_compute_api:os-shelve:unshelve", MEMBER),
    ActionRow("os-resetState", "os_compute_api:os-admin-actions:reset_state", ADMIN, {"state": "active"}),
    ActionRow("injectNetworkInfo", "os_compute_api:os-admin-actions:inject_network_info", ADMIN),
    ActionRow("restore", "os_compute_api:os-deferred-delete:restore", MEMBER),
    ActionRow("forceDelete", "os_compute_api:os-deferred-delete:force", MEMBER),
    ActionRow("trigger_crash_dump", "os_compute_api:servers:trigger_crash_dump", MEMBER, version="2.17"),
    ActionRow("os-getConsoleOutput", "os_compute_api:os-console-output", MEMBER, {}),
    ActionRow("changePassword", "os_compute_api:os-admin-password", MEMBER, {"adminPass": "s3cret"}),
    ActionRow("addSecurityGroup", "os_compute_api:os-security-groups:add", MEMBER, {"name": "default"}),
    ActionRow("removeSecurityGroup", "os_compute_api:os-security-groups:remove", MEMBER, {"name": "default"}),
    ActionRow("addFloatingIp", "os_compute_api:os-floating-ips:add", MEMBER,
              lambda world: {"address": world["fip_address"]}),
    # removeFloatingIp finds the server through the floating IP (as the caller), not the URL
    ActionRow("removeFloatingIp", "os_compute_api:os-floating-ips:remove", MEMBER,
              lambda world: {"address": world["fip_address"]},
              setup=lambda api, world: _associate_floating_ip(api, world),
              not_found=lambda world: {"itemNotFound": {
                  "code": 404, "message": f"Floating IP not found for address {world['fip_address']}."}}),
    ActionRow("resize", "os_compute_api:servers:resize", MEMBER, {"flavorRef": "2"}),
    ActionRow("confirmResize", "os_compute_api:servers:confirm_resize", MEMBER),
    ActionRow("revertResize", "os_compute_api:servers:revert_resize", MEMBER),
    ActionRow("rebuild", "os_compute_api:servers:rebuild", MEMBER, lambda world: {"imageRef": world["image"]}),
    ActionRow("createImage", "os_compute_api:servers:create_image", MEMBER, {"name": "snap"}),
    ActionRow("createBackup", "os_compute_api:os-create-backup", MEMBER,
              {"name": "bk", "backup_type": "daily", "rotation": 1}),
    ActionRow("migrate", "os_compute_api:os-migrate-server:migrate", MANAGER),
    ActionRow("os-migrateLive", "os_compute_api:os-migrate-server:migrate_live", MANAGER,
              {"host": None, "block_migration": "auto"}, version="2.25"),
    # Nova evacuates only from a host whose compute service is down.
    ActionRow("evacuate", "os_compute_api:os-evacuate", ADMIN, {}, version="2.14",
              setup=lambda api, world: force_down(api, "compute1")),
    ActionRow("os-getVNCConsole", "os_compute_api:os-remote-consoles", MEMBER, {"type": "novnc"}),
    ActionRow("os-getSPICEConsole", "os_compute_api:os-remote-consoles", MEMBER, {"type": "spice-html5"}),
    ActionRow("os-getSerialConsole", "os_compute_api:os-remote-consoles", MEMBER, {"type": "serial"}),
    # Removed with Hyper-V: a bare 400 for everyone, no policy, no lookup.
    ActionRow("os-getRDPConsole", None, ANYONE, {"type": "rdp-html5"}, other=POLICY),
]}


def _compute_routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(V21 + "/") or rule.rule.rstrip("/") == V21:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, _normal(rule.rule[len(V21):])))
    return found


ROUTES = _compute_routes(create_app())


def test_every_compute_route_has_a_row():
    covered = {row.key for row in ROWS + FUTURE_ROWS} | {("POST", _normal(S + "/action"))}
    assert sorted(ROUTES - covered) == []
    assert sorted(set(server_actions.ACTIONS) - set(ACTION_ROWS)) == []


# --- the world every cell starts from --------------------------------------------------------------

@pytest.fixture
def settings() -> Settings:
    return Settings(durations=instant_durations())


def _id_of(collection: dict, name: str) -> str:
    return next(record["id"] for record in collection.values() if record["name"] == name)


@pytest.fixture
def world(api) -> dict:
    """Things demo owns (a server with metadata, a tag and a port; a key pair; a server group) and
    a flavor extra spec, built through the API as a client would."""
    store = api.backend.store
    ids = {"image": image_id(api.backend), "network": network_id(api.backend),
           "demo_user": _id_of(store.users, "demo"), "demo_project": _id_of(store.projects, "demo")}
    created = api.post(f"{V21}/servers", version="2.37", json={"server": {
        "name": "target", "imageRef": ids["image"], "flavorRef": "1", "networks": "auto", "metadata": {"k": "v"}}})
    assert created.status_code == 202, created.get_data(as_text=True)
    ids["server"] = server = created.get_json()["server"]["id"]
    assert api.get(f"{V21}/servers/{server}").get_json()["server"]["status"] == "ACTIVE"
    ids["port"] = next(p["id"] for p in store.ports.values() if p["device_id"] == server)
    if ("PUT", _normal(S + "/tags/<tag>")) in ROUTES:
        assert api.put(f"{V21}/servers/{server}/tags/t", version="2.26").status_code == 201
    if ("GET", _normal(S + "/os-instance-actions")) in ROUTES:
        actions = api.get(f"{V21}/servers/{server}/os-instance-actions").get_json()["instanceActions"]
        ids["request_id"] = actions[0]["request_id"]
    if ("POST", "/os-server-groups") in ROUTES:
        group = api.post(f"{V21}/os-server-groups", json={"server_group": {"name": "g", "policies": ["affinity"]}})
        assert group.status_code == 200, group.get_data(as_text=True)
        ids["group"] = group.get_json()["server_group"]["id"]
    if ("GET", _normal(S + "/os-volume_attachments")) in ROUTES:
        for name in ("volume", "spare_volume"):
            made = api.post(f"/volume/v3/{ids['demo_project']}/volumes", json={"volume": {"size": 1, "name": name}})
            assert made.status_code == 202, made.get_data(as_text=True)
            ids[name] = made.get_json()["volume"]["id"]
        attached = api.post(f"{V21}/servers/{server}/os-volume_attachments",
                            json={"volumeAttachment": {"volumeId": ids["volume"]}})
        assert attached.status_code == 200, attached.get_data(as_text=True)
    if ("GET", _normal("/os-snapshots/<snapshot_id>")) in ROUTES:
        origin = api.post(f"/volume/v3/{ids['demo_project']}/volumes", json={"volume": {"size": 1}})
        made = api.post(f"/volume/v3/{ids['demo_project']}/snapshots",
                        json={"snapshot": {"volume_id": origin.get_json()["volume"]["id"]}})
        assert made.status_code == 202, made.get_data(as_text=True)
        ids["snapshot"] = made.get_json()["snapshot"]["id"]
    if ("POST", "/os-security-groups") in ROUTES:
        for name in ("secgroup", "spare_secgroup"):
            made = api.post(f"{V21}/os-security-groups", json={"security_group": {"name": name, "description": ""}})
            assert made.status_code == 200, made.get_data(as_text=True)
            ids[name] = made.get_json()["security_group"]["id"]
        rule = api.post(f"{V21}/os-security-group-rules", json={"security_group_rule": {
            "parent_group_id": ids["secgroup"], "ip_protocol": "tcp", "from_port": 22, "to_port": 22}})
        assert rule.status_code == 200, rule.get_data(as_text=True)
        ids["secgroup_rule"] = rule.get_json()["security_group_rule"]["id"]
    if ("POST", "/os-floating-ips") in ROUTES:
        fip = api.post(f"{V21}/os-floating-ips", json={"pool": "public"})
        assert fip.status_code == 200, fip.get_data(as_text=True)
        ids["fip"], ids["fip_address"] = fip.get_json()["floating_ip"]["id"], fip.get_json()["floating_ip"]["ip"]
    assert api.post(f"{V21}/os-keypairs", json={"keypair": {"name": "demo-key"}}).status_code == 200
    if ("GET", _normal("/os-console-auth-tokens/<token>")) in ROUTES:
        console = api.post(f"{V21}/servers/{server}/remote-consoles", version="2.6",
                           json={"remote_console": {"protocol": "vnc", "type": "novnc"}})
        assert console.status_code == 200, console.get_data(as_text=True)
        ids["console_token"] = console.get_json()["remote_console"]["url"].rsplit("%3D", 1)[1]
    ids["alt_project"] = _id_of(store.projects, "alt_demo")
    if ("GET", "/os-services") in ROUTES:
        services = api.get(f"{V21}/os-services?host=compute2&binary=nova-compute", user="admin", version="2.53")
        ids["compute_service"] = services.get_json()["services"][0]["id"]
        nodes = api.get(f"{V21}/os-hypervisors", user="admin", version="2.53")
        ids["hypervisor"] = nodes.get_json()["hypervisors"][0]["id"]
    if ("GET", _normal("/flavors/<flavor_id>/os-flavor-access")) in ROUTES:
        flavor = api.post(f"{V21}/flavors", user="admin", json={"flavor": {
            "name": "demo-only", "id": "demo-only", "ram": 64, "vcpus": 1, "disk": 1,
            "os-flavor-access:is_public": False}})
        assert flavor.status_code == 200, flavor.get_data(as_text=True)
        ids["private_flavor"] = "demo-only"
        shared = api.post(f"{V21}/flavors/demo-only/action", user="admin",
                          json={"addTenantAccess": {"tenant": ids["demo_project"]}})
        assert shared.status_code == 200, shared.get_data(as_text=True)
    if ("GET", _normal("/os-aggregates/<aggregate_id>")) in ROUTES:
        aggregate = api.post(f"{V21}/os-aggregates", user="admin", json={"aggregate": {"name": "agg"}})
        assert aggregate.status_code == 200, aggregate.get_data(as_text=True)
        ids["aggregate"] = aggregate.get_json()["aggregate"]["id"]
    spec = api.post(f"{V21}/flavors/1/os-extra_specs", user="admin", json={"extra_specs": {"k1": "v1"}})
    assert spec.status_code == 200, spec.get_data(as_text=True)
    return ids


def _expected(row_level: str, target: str, other: str, user: str, rule: str | None, world: dict):
    """(status or None for success, fault body or None)."""
    if target == "demo" and user == "alt_demo" and other == NOT_FOUND:
        return 404, {"itemNotFound": {"code": 404, "message": f"Instance {world['server']} could not be found."}}
    passes = (PASSES_ON_DEMO if target == "demo" else PASSES_ON_OWN)[row_level]
    if user in passes:
        return None, None
    return 403, {"forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}}


def _check(response, expected_status, expected_body, ok, tempest, version):
    text = response.get_data(as_text=True)
    if expected_status is not None:
        assert (response.status_code, response.get_json()) == (expected_status, expected_body), text
        return
    oks = ok if isinstance(ok, tuple) else (ok,)
    assert response.status_code in oks, text
    if tempest is not None and response.status_code == oks[0]:
        client, schema, *schema_version = tempest
        body = response.get_json() if text else None
        if client in OWN_SCHEMA_MODULES:
            RestClient.validate_response(getattr(OWN_SCHEMA_MODULES[client], schema),
                                         _Resp(response.status_code, response.headers), body)
        else:
            assert_valid(client, schema, schema_version[0] if schema_version else version, response.status_code,
                         response.headers, body)


def _cells():
    for row in ROWS + FUTURE_ROWS:
        for user in USERS:
            marks = [] if row.key in ROUTES else [pytest.mark.skip(reason="route not built yet")]
            yield pytest.param(row, user, id=f"{row.method} {row.path} {row.policy or 'no-policy'} as {user}",
                               marks=marks)


@pytest.mark.parametrize("row, user", list(_cells()))
def test_route_matrix(api, world, row: Row, user: str):
    body = row.body(world) if callable(row.body) else row.body
    response = api.request(row.method, V21 + row.path.format(**world), user=user, version=row.version,
                           **({"json": body} if body is not None else {}))
    other = row.other or (NOT_FOUND if "{server}" in row.path else POLICY)
    status, fault = _expected(row.level, row.target, other, user, row.policy, world)
    _check(response, status, fault, row.ok, row.tempest, row.version)


def _action_cells():
    for name, row in ACTION_ROWS.items():
        for user in USERS:
            marks = [] if name in server_actions.ACTIONS else [pytest.mark.skip(reason="action not built yet")]
            yield pytest.param(row, user, id=f"{name} as {user}", marks=marks)


@pytest.mark.parametrize("row, user", list(_action_cells()))
def test_action_matrix(api, world, row: ActionRow, user: str):
    value = row.body(world) if callable(row.body) else row.body
    if row.setup is not None:
        row.setup(api, world)
    response = api.post(f"{V21}/servers/{world['server']}/action", user=user, version=row.version,
                        json={row.name: value})
    status, fault = _expected(row.level, "demo", row.other, user, row.policy, world)
    if user == "alt_demo" and row.not_found is not None:
        status, fault = 404, row.not_found(world)
    if status is not None:
        assert (response.status_code, response.get_json()) == (status, fault), response.get_data(as_text=True)
    else:
        text = response.get_data(as_text=True)
        assert response.status_code in PAST_POLICY, text
        assert "Policy doesn't allow" not in text and f"Instance {world['server']} could not" not in text, text


# --- what each persona sees ------------------------------------------------------------------------

def test_lists_are_scoped_to_the_callers_project(api, world):
    """Without all_tenants even admin sees only its own project's servers; alt_demo never sees demo's."""
    seen = {}
    for user in USERS:
        response = api.get(f"{V21}/servers/detail", user=user, version="2.37")
        assert_valid(SERVERS, "list_servers_detail", "2.37", 200, response.headers, response.get_json())
        seen[user] = [s["id"] for s in response.get_json()["servers"]]
    assert seen == {"admin": [], "demo": [world["server"]], "reader": [world["server"]],
                    "manager": [world["server"]], "alt_demo": []}
    everything = api.get(f"{V21}/servers?all_tenants=1", user="admin").get_json()["servers"]
    assert [s["id"] for s in everything] == [world["server"]]


def test_other_projects_server_is_404_even_for_an_action_it_could_not_do(api, world):
    """os-resetState is admin-only, yet alt_demo hears 404: the lookup comes before the policy."""
    if "os-resetState" not in server_actions.ACTIONS:
        pytest.skip("os-resetState not built yet")
    response = api.post(f"{V21}/servers/{world['server']}/action", user="alt_demo",
                        json={"os-resetState": {"state": "error"}})
    assert (response.status_code, response.get_json()) == (404, {"itemNotFound": {
        "code": 404, "message": f"Instance {world['server']} could not be found."}})


def test_an_unknown_server_is_404_for_every_persona(api):
    missing = "00000000-0000-4000-8000-000000000000"
    for user in USERS:
        response = api.put(f"{V21}/servers/{missing}", user=user, json={"server": {"name": "x"}})
        assert (response.status_code, response.get_json()) == (404, {"itemNotFound": {
            "code": 404, "message": f"Instance {missing} could not be found."}})


# --- policy overrides -----------------------------------------------------------------------------

def _api_with(policy: dict) -> Api:
    backend = Backend(Settings(durations=instant_durations(), policy=policy))
    return Api(create_app(backend=backend).test_client(), backend)


def test_override_forbids_members_to_create_servers():
    api = _api_with({"os_compute_api:servers:create": ["admin"]})
    body = {"server": {"name": "x", "imageRef": image_id(api.backend), "flavorRef": "1",
                       "networks": [{"uuid": network_id(api.backend)}]}}
    denied = api.post(f"{V21}/servers", json=body, version="2.37")
    assert (denied.status_code, denied.get_json()) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:servers:create to be performed."}})
    assert api.post(f"{V21}/servers", json=body, version="2.37", user="admin").status_code == 202


def test_override_with_a_level_name_lets_readers_write():
    api = _api_with({"os_compute_api:servers:create": "reader"})
    body = {"server": {"name": "x", "imageRef": image_id(api.backend), "flavorRef": "1", "networks": "auto"}}
    assert api.post(f"{V21}/servers", json=body, version="2.37", user="reader").status_code == 202
    # The project scoping stays: the reader's server is demo's, so alt_demo still cannot see it.
    assert api.get(f"{V21}/servers", user="alt_demo").get_json() == {"servers": []}


def test_override_roles_keep_project_scoping():
    """A role list means "that role on the target's project": manager of demo cannot touch alt_demo's."""
    api = _api_with({"os_compute_api:os-quota-sets:show": ["manager"]})
    demo = _id_of(api.backend.store.projects, "demo")
    alt = _id_of(api.backend.store.projects, "alt_demo")
    assert api.get(f"{V21}/os-quota-sets/{demo}", user="manager").status_code == 200
    for user, project in (("demo", demo), ("manager", alt)):
        response = api.get(f"{V21}/os-quota-sets/{project}", user=user)
        assert (response.status_code, response.get_json()) == (403, {"forbidden": {
            "code": 403, "message": "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed."}})


@pytest.mark.parametrize("policy, message", [
    ({"os_compute_api:servers:crate": "member"}, "policy: unknown rule 'os_compute_api:servers:crate'"),
    ({"os_compute_api:servers:create": "members"}, "policy: 'os_compute_api:servers:create' must be one of"),
    ({"os_compute_api:servers:create": []}, "policy: 'os_compute_api:servers:create' must be one of"),
    ({"os_compute_api:servers:create": [1]}, "policy: 'os_compute_api:servers:create' must be one of"),
])
def test_a_bad_override_fails_at_start(policy, message):
    with pytest.raises(ConfigError) as caught:
        Backend(Settings(policy=policy))
    assert str(caught.value).startswith(message)


def test_override_from_the_environment():
    settings = Settings.load(environ={"FAKENOVA_POLICY": '{"os_compute_api:limits": "nobody"}'})
    api = Api(create_app(backend=Backend(settings)).test_client(), Backend(settings))
    response = api.get(f"{V21}/limits", user="admin")
    assert (response.status_code, response.get_json()) == (403, {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:limits to be performed."}})


# --- the same answers through real clients ----------------------------------------------------------

def test_cli_reader_may_look_but_not_create(live):
    server = live.sdk("demo").compute.create_server(name="vm", image_id=image_id(live.backend), flavor_id="1",
                                                    networks="auto")
    listed = live.openstack("server", "list", "-f", "json", user="reader")
    assert [s["ID"] for s in listed] == [server.id]
    denied = live.openstack("server", "create", "--flavor", "1", "--image", image_id(live.backend),
                            "--network", "private", "x", user="reader", check=False)
    assert denied.returncode != 0
    assert denied.stderr.startswith("ForbiddenException: 403: ")
    assert denied.stderr.endswith("Policy doesn't allow os_compute_api:servers:create to be performed.\n")


def test_sdk_other_project_cannot_see_or_delete(live):
    import openstack.exceptions

    server = live.sdk("demo").compute.create_server(name="vm", image_id=image_id(live.backend), flavor_id="1",
                                                    networks="auto")
    alt = live.sdk("alt_demo")
    assert alt.compute.find_server(server.id, ignore_missing=True) is None
    with pytest.raises(openstack.exceptions.NotFoundException, match=f"Instance {server.id} could not be found"):
        alt.compute.delete_server(server.id, ignore_missing=False)
    assert live.sdk("demo").compute.get_server(server.id).id == server.id


def test_novaclient_manager_sees_the_project_and_migrate_is_manager_only(live):
    from novaclient import exceptions

    server = live.sdk("demo").compute.create_server(name="vm", image_id=image_id(live.backend), flavor_id="1",
                                                    networks="auto")
    manager = live.novaclient("manager", "2.60")
    assert [s.id for s in manager.servers.list()] == [server.id]
    if "migrate" in server_actions.ACTIONS:
        with pytest.raises(exceptions.Forbidden, match="os_compute_api:os-migrate-server:migrate"):
            live.novaclient("demo", "2.60").servers.migrate(server.id)


@pytest.fixture
def live_members_list_all():
    backend = Backend(Settings(durations=instant_durations(), policy={
        "os_compute_api:servers:index:get_all_tenants": "member",
        "os_compute_api:servers:detail:get_all_tenants": "member"}))
    server = RunningServer(create_app(backend=backend), port=0).start()
    yield LiveServer(backend, server)
    server.stop()


def test_cli_override_lets_members_list_all_projects(live_members_list_all):
    live = live_members_list_all
    theirs = live.sdk("alt_demo").compute.create_server(name="theirs", image_id=image_id(live.backend),
                                                         flavor_id="1", networks="auto")
    mine = live.sdk("demo").compute.create_server(name="mine", image_id=image_id(live.backend), flavor_id="1",
                                                  networks="auto")
    listed = live.openstack("server", "list", "--all-projects", "-f", "json", user="demo")
    assert sorted(s["ID"] for s in listed) == sorted([theirs.id, mine.id])
    denied = live.openstack("server", "list", "--all-projects", "-f", "json", user="reader", check=False)
    assert "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed." in denied.stderr


# --- Cinder's deployment routes (fakenova/api/volume/backends.py) ----------------------------------

@dataclass(frozen=True)
class VolumeRow:
    """A Cinder route under /volume/v3/{the caller's project}: Cinder's policy (cinder/policies/*.py)."""
    method: str
    rule: str                    # the Flask rule after /volume/v3/<project_id>
    path: str
    policy: str | None           # None: no policy (availability zones, extensions)
    level: str
    ok: int
    body: object = None


def _volume_types_world(api) -> dict:
    """A public type with a user-visible extra spec and a private one, made by the admin."""
    project = api.get("/identity/v3/auth/projects", user="admin").get_json()["projects"][0]["id"]
    made = {}
    for name, public in (("public", True), ("private", False)):
        response = api.post(f"/volume/v3/{project}/types", user="admin", json={"volume_type": {
            "name": f"matrix-{name}", "extra_specs": {"multiattach": "<is> False"},
            "os-volume-type-access:is_public": public}})
        assert response.status_code == 200, response.get_data(as_text=True)
        made[name] = response.get_json()["volume_type"]["id"]
    return made


VOLUME_ROWS = [
    VolumeRow("GET", "/extensions", "/extensions", None, ANYONE, 200),
    VolumeRow("GET", "/extensions/<alias>", "/extensions/os-hosts", None, ANYONE, 200),
    VolumeRow("GET", "/os-availability-zone", "/os-availability-zone", None, ANYONE, 200),
    VolumeRow("GET", "/os-services", "/os-services", "volume_extension:services:index", ADMIN, 200),
    VolumeRow("PUT", "/os-services/enable", "/os-services/enable", "volume_extension:services:update", ADMIN, 200,
              {"binary": "cinder-volume"}),
    VolumeRow("PUT", "/os-services/disable", "/os-services/disable", "volume_extension:services:update", ADMIN, 200,
              {"binary": "cinder-volume"}),
    VolumeRow("PUT", "/os-services/disable-log-reason", "/os-services/disable-log-reason",
              "volume_extension:services:update", ADMIN, 200, {"binary": "cinder-volume", "disabled_reason": "x"}),
    # freeze and thaw check volume_extension:services:update in Cinder's controller
    VolumeRow("PUT", "/os-services/freeze", "/os-services/freeze", "volume_extension:services:update", ADMIN, 200,
              {"host": "compute1"}),
    VolumeRow("PUT", "/os-services/thaw", "/os-services/thaw", "volume_extension:services:update", ADMIN, 200,
              {"host": "compute1"}),
    VolumeRow("GET", "/os-hosts", "/os-hosts", "volume_extension:hosts", ADMIN, 200),
    VolumeRow("GET", "/os-hosts/<host>", "/os-hosts/compute1", "volume_extension:hosts", ADMIN, 200),
    VolumeRow("GET", "/scheduler-stats/get_pools", "/scheduler-stats/get_pools",
              "scheduler_extension:scheduler_stats:get_pools", ADMIN, 200),
    VolumeRow("GET", "/capabilities/<host>", "/capabilities/compute1", "volume_extension:capabilities", ADMIN, 200),
    # volume types (fakenova/api/volume/types.py; cinder/policies/volume_type.py, type_extra_specs.py,
    # volume_access.py); {public} and {private} come from _volume_types_world
    VolumeRow("GET", "/types", "/types", "volume_extension:type_get_all", READER, 200),
    VolumeRow("POST", "/types", "/types", "volume_extension:type_create", ADMIN, 200,
              {"volume_type": {"name": "new"}}),
    VolumeRow("GET", "/types/<type_id>", "/types/{public}", "volume_extension:type_get", READER, 200),
    VolumeRow("PUT", "/types/<type_id>", "/types/{public}", "volume_extension:type_update", ADMIN, 200,
              {"volume_type": {"description": "d"}}),
    VolumeRow("DELETE", "/types/<type_id>", "/types/{public}", "volume_extension:type_delete", ADMIN, 202),
    VolumeRow("GET", "/types/<type_id>/extra_specs", "/types/{public}/extra_specs",
              "volume_extension:types_extra_specs:index", READER, 200),
    VolumeRow("POST", "/types/<type_id>/extra_specs", "/types/{public}/extra_specs",
              "volume_extension:types_extra_specs:create", ADMIN, 200, {"extra_specs": {"a": "b"}}),
    VolumeRow("GET", "/types/<type_id>/extra_specs/<key>", "/types/{public}/extra_specs/multiattach",
              "volume_extension:types_extra_specs:show", READER, 200),
    VolumeRow("PUT", "/types/<type_id>/extra_specs/<key>", "/types/{public}/extra_specs/multiattach",
              "volume_extension:types_extra_specs:update", ADMIN, 200, {"multiattach": "<is> True"}),
    VolumeRow("DELETE", "/types/<type_id>/extra_specs/<key>", "/types/{public}/extra_specs/multiattach",
              "volume_extension:types_extra_specs:delete", ADMIN, 202),
    VolumeRow("GET", "/types/<type_id>/os-volume-type-access", "/types/{private}/os-volume-type-access",
              "volume_extension:volume_type_access:get_all_for_type", ADMIN, 200),
    VolumeRow("POST", "/types/<type_id>/action", "/types/{private}/action",
              "volume_extension:volume_type_access:addProjectAccess", ADMIN, 202,
              {"addProjectAccess": {"project": "p1"}}),
]
VOLUME_ROW_MODULES = ("fakenova.api.volume.backends", "fakenova.api.volume.types")


def _volume_deployment_routes(app) -> set[tuple[str, str]]:
    prefix = "/volume/v3/<project_id>"
    found = set()
    for rule in app.url_map.iter_rules():
        if app.view_functions[rule.endpoint].__module__ in VOLUME_ROW_MODULES:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method, _normal(rule.rule[len(prefix):])))
    return found


def test_every_cinder_deployment_route_has_a_row():
    assert sorted(_volume_deployment_routes(create_app()) - {(r.method, _normal(r.rule)) for r in VOLUME_ROWS}) == []


@pytest.mark.parametrize("row, user", [pytest.param(row, user, id=f"volume {row.method} {row.path} as {user}")
                                       for row in VOLUME_ROWS for user in USERS])
def test_volume_route_matrix(api, row: VolumeRow, user: str):
    project = api.get("/identity/v3/auth/projects", user=user).get_json()["projects"][0]["id"]
    path = row.path.format(**_volume_types_world(api)) if "{" in row.path else row.path
    response = api.request(row.method, f"/volume/v3/{project}{path}", user=user,
                           **({"json": row.body} if row.body is not None else {}))
    if user in PASSES_ON_OWN[row.level]:
        assert response.status_code == row.ok, response.get_data(as_text=True)
    else:
        assert (response.status_code, response.get_json()) == (403, {"forbidden": {
            "code": 403, "message": f"Policy doesn't allow {row.policy} to be performed."}})
