"""Nova at /compute. Importing the handler modules registers their routes on the blueprint."""

from fakenova.api.compute import versions  # noqa: F401
from fakenova.api.compute import keypairs  # noqa: F401
from fakenova.api.compute import flavors  # noqa: F401
from fakenova.api.compute import flavor_extra_specs  # noqa: F401
from fakenova.api.compute import flavor_access  # noqa: F401
from fakenova.api.compute import availability_zones  # noqa: F401
from fakenova.api.compute import limits  # noqa: F401
from fakenova.api.compute import quota_sets  # noqa: F401
from fakenova.api.compute import servers  # noqa: F401
from fakenova.api.compute import server_actions  # noqa: F401
from fakenova.api.compute import instance_actions  # noqa: F401
from fakenova.api.compute import server_metadata  # noqa: F401
from fakenova.api.compute import server_tags  # noqa: F401
from fakenova.api.compute import server_ips  # noqa: F401
from fakenova.api.compute import server_password  # noqa: F401
from fakenova.api.compute import interfaces  # noqa: F401
from fakenova.api.compute import server_groups  # noqa: F401
from fakenova.api.compute import server_diagnostics  # noqa: F401
from fakenova.api.compute import server_topology  # noqa: F401
from fakenova.api.compute import volume_attachments  # noqa: F401
from fakenova.api.compute import volume_proxies  # noqa: F401
from fakenova.api.compute import migrations  # noqa: F401
from fakenova.api.compute import server_migrations  # noqa: F401
from fakenova.api.compute import remote_consoles  # noqa: F401
from fakenova.api.compute import services  # noqa: F401
from fakenova.api.compute import hypervisors  # noqa: F401
from fakenova.api.compute import aggregates  # noqa: F401
from fakenova.api.compute import hosts  # noqa: F401
from fakenova.api.compute import quota_class_sets  # noqa: F401
from fakenova.api.compute import server_external_events  # noqa: F401
from fakenova.api.compute import extensions  # noqa: F401
from fakenova.api.compute import usage_audit_log  # noqa: F401
from fakenova.api.compute import images  # noqa: F401
from fakenova.api.compute import simple_tenant_usage  # noqa: F401
from fakenova.api.compute import server_security_groups  # noqa: F401
from fakenova.api.compute import security_group_proxy  # noqa: F401
from fakenova.api.compute import floating_ip_proxy  # noqa: F401
from fakenova.api.compute import network_proxy  # noqa: F401
from fakenova.api.compute import assisted_volume_snapshots  # noqa: F401
from fakenova.api.compute.blueprint import bp, prepare_request

__all__ = ["bp", "prepare_request"]
