"""Neutron's version list, the v2.0 resource index, and the extensions this fake really implements."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import base_url
from fakenova.api.network.blueprint import API_PREFIX, bp
from fakenova.domain.network.common import not_found

# (alias, name, description[, updated]): only features whose attributes or resources fakenova serves.
EXTENSIONS = [
    ("allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs"),
    ("availability_zone", "Availability Zone", "The availability zone extension."),
    ("binding", "Port Binding", "Expose port bindings of a virtual port to external application"),
    ("empty-string-filtering", "Empty String Filtering Extension",
     "Allow filtering by attributes with empty string value"),
    ("external-net", "Neutron external network", "Adds external network attribute to network resource."),
    ("extra_dhcp_opt", "Neutron Extra DHCP options",
     "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified "
     "(e.g. tftp-server, server-ip-address, bootfile-name)"),
    ("filter-validation", "Filter parameters validation", "Provides validation on filter parameters."),
    ("fip-port-details", "Floating IP Port Details Extension", "Add port_details attribute to Floating IP resource"),
    ("ip-substring-filtering", "IP address substring filtering",
     "Provides IP address substring filtering when listing ports"),
    ("network_availability_zone", "Network Availability Zone", "Availability zone support for network."),
    ("pagination", "Pagination support", "Extension that indicates that pagination is enabled."),
    ("port-security", "Port Security", "Provides port security"),
    ("project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."),
    ("provider", "Provider Network", "Expose mapping of virtual networks to physical networks"),
    # Extensions of neutron itself (not neutron-lib API definitions) carry their own "updated".
    ("quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project",
     "2017-02-10T10:00:00-00:00"),
    ("quotas", "Quota management support", "Expose functions for quotas management per project",
     "2012-07-29T10:00:00-00:00"),
    ("router", "Neutron L3 Router",
     "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks "
     "via a NAT gateway."),
    ("security-group", "security-group", "The security groups extension."),
    ("sorting", "Sorting support", "Extension that indicates that sorting is enabled."),
    ("standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"),
    ("standard-attr-revisions", "Resource revision numbers",
     "This extension will display the revision number of neutron resources."),
    ("standard-attr-tag",
     "Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, "
     "policy, subnetpool, port, security_group, floatingip",
     "Enables to set tag on resources with standard attribute."),
    ("standard-attr-timestamp", "Resource timestamps",
     "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."),
]
EXTENSIONS_UPDATED = "2013-02-03T10:00:00-00:00"
CORE_RESOURCES = (("network", "networks"), ("subnet", "subnets"), ("port", "ports"))


@bp.get("")
@bp.get("/")
def versions():
    href = f"{base_url()}/networking/v2.0/"
    return jsonify({"versions": [{"id": "v2.0", "status": "CURRENT", "links": [{"rel": "self", "href": href}]}]})


@bp.get(f"{API_PREFIX}/")
def resource_index():
    root = f"{base_url()}/networking{API_PREFIX}"
    return jsonify({"resources": [{"name": name, "collection": collection,
                                   "links": [{"rel": "self", "href": f"{root}/{collection}"}]}
                                  for name, collection in CORE_RESOURCES]})


def _extension(alias: str, name: str, description: str, updated: str = EXTENSIONS_UPDATED) -> dict:
    return {"alias": alias, "name": name, "description": description, "updated": updated, "links": []}


@bp.get(f"{API_PREFIX}/extensions")
def list_extensions():
    return jsonify({"extensions": [_extension(*entry) for entry in EXTENSIONS]})


@bp.get(f"{API_PREFIX}/extensions/<alias>")
def show_extension(alias):
    for entry in EXTENSIONS:
        if entry[0] == alias:
            return jsonify({"extension": _extension(*entry)})
    raise not_found("ExtensionNotFound", f"Extension with alias {alias} does not exist")
