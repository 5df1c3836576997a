"""Server records -> Nova's JSON bodies (nova/api/openstack/compute/views/servers.py).

``show`` builds the full representation; which groups of fields it includes is said by a ``Shown``
(GET and list detail show everything; PUT below 2.75 shows less). Fields that appear at a microversion
are declared once in ``SINCE``; ``since(version)`` says which exist at a version.
"""

from __future__ import annotations

import collections
import functools

from fakenova.clock import db_time, isotime
from fakenova.domain import policy
from fakenova.domain.compute import lifecycle, server_groups, servers as server_domain
from fakenova.microversion import APIVersion, between
from fakenova.views.links import collection_links

SINCE = {
    "admin_extras": between("2.3"),          # more OS-EXT-SRV-ATTR:*, volumes delete_on_termination
    "locked": between("2.9"),
    "host_status": between("2.16"),
    "description": between("2.19"),
    "tags": between("2.26"),
    "embedded_flavor": between("2.47"),
    "trusted_certs": between("2.63"),
    "server_groups": between("2.71"),
    "locked_reason": between("2.73"),
    "full_update": between("2.75"),
    "hostname_for_all": between("2.90"),
    "pinned_az": between("2.96"),
    "image_properties": between("2.98"),
    "scheduler_hints": between("2.100"),
}

PROGRESS_STATUSES = ("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING")
FAULT_STATUSES = ("ERROR", "DELETED")


class Env:
    """Everything a view needs besides the record: who asks, at which version, where ("base", e.g.
    "http://host:port/compute"), and when. (A plain class: dataclasses cost start-up time.)"""

    __slots__ = ("backend", "context", "version", "base", "now", "allowed", "at")

    def __init__(self, *, backend, context, version: APIVersion, base: str, now: float):
        self.backend, self.context, self.version, self.base, self.now = backend, context, version, base, now
        # Policy answers already worked out for this request: a page of servers asks the same few.
        self.allowed: dict = {}
        self.at = since(version)   # which SINCE fields exist at this version

    def may(self, rule: str, project_id: str | None) -> bool:
        key = (rule, project_id)
        answer = self.allowed.get(key)
        if answer is None:
            answer = self.allowed[key] = policy.allowed(self.context, rule, project_id)
        return answer


@functools.lru_cache(maxsize=128)
def since(version: APIVersion) -> dict[str, bool]:
    """Which of ``SINCE``'s fields exist at ``version``: worked out once per version, not per server."""
    return {name: version in versions for name, versions in SINCE.items()}


# Groups of fields a response includes (the keyword flags of Nova's ViewBuilder.show).
# extended_attributes and host_status: None means as policy says; user_data: OS-EXT-SRV-ATTR:user_data
# (rebuild answers it top-level). A named tuple (``_replace`` for a variant): quick to define.
Shown = collections.namedtuple("Shown", (
    "extended_addresses", "availability_zone", "config_drive", "key_name", "usage", "security_groups",
    "extended_status", "volumes", "extended_attributes", "host_status", "server_groups", "user_data"),
    defaults=(True, True, True, True, True, True, True, True, None, None, False, True))


FULL = Shown()
# PUT below 2.75 (and rebuild) answer with the basic fields only.
BASIC = Shown(False, False, False, False, False, False, False, False, False, False)


def links(env: Env, collection: str, item_id: str) -> list[dict]:
    return [{"rel": "self", "href": f"{env.base}/v2.1/{collection}/{item_id}"},
            {"rel": "bookmark", "href": f"{env.base}/{collection}/{item_id}"}]


def _bookmark(env: Env, collection: str, item_id: str) -> list[dict]:
    return [{"rel": "bookmark", "href": f"{env.base}/{collection}/{item_id}"}]


# --- bodies --------------------------------------------------------------------------------------

def created(env: Env, server: dict, request: dict, admin_pass: str | None) -> dict:
    body = {"id": server["id"], "links": links(env, "servers", server["id"]),
            "OS-DCF:diskConfig": "AUTO" if server["auto_disk_config"] else "MANUAL",
            "security_groups": request.get("security_groups", [{"name": "default"}])}
    if admin_pass is not None:
        body["adminPass"] = admin_pass
    return {"server": body}


def index_item(env: Env, server: dict) -> dict:
    return {"id": server["id"], "name": server["name"], "links": links(env, "servers", server["id"])}


def collection(env: Env, items: list[dict], records: list[dict], limit: int, path: str,
               params: dict[str, list[str]]) -> dict:
    """{"servers": [...]} plus servers_links when the page of ``records`` is full."""
    body = {"servers": items}
    next_links = collection_links(f"{env.base}/v2.1/{path}", params, records, id_key="id", page_size=limit)
    if next_links:
        body["servers_links"] = next_links
    return body


def show(env: Env, server: dict, shown: Shown = FULL) -> dict:
    context, at = env.context, env.at
    status = lifecycle.status(server)
    body = {
        "accessIPv4": server.get("access_ip_v4") or "",
        "accessIPv6": server.get("access_ip_v6") or "",
        "addresses": _addresses(env, server, shown.extended_addresses),
        "created": isotime(server["created_at"]),
        "flavor": _flavor(env, server),
        "hostId": server_domain.host_id(server),
        "id": server["id"],
        "image": _image(env, server),
        "links": links(env, "servers", server["id"]),
        "metadata": dict(server["metadata"]),
        "name": server["name"],
        "status": status,
        "tenant_id": server["project_id"] or "",
        "user_id": server["user_id"] or "",
        "updated": isotime(server["updated_at"]),
        "OS-DCF:diskConfig": "AUTO" if server["auto_disk_config"] else "MANUAL",
    }
    if status in FAULT_STATUSES and server.get("fault"):
        body["fault"] = _fault(server["fault"], context)
    if status in PROGRESS_STATUSES:
        body["progress"] = lifecycle.progress(server, env.now)
    if shown.availability_zone:
        body["OS-EXT-AZ:availability_zone"] = _availability_zone(server)
    if shown.config_drive:
        body["config_drive"] = server["config_drive"]
    if shown.key_name:
        body["key_name"] = server["key_name"]
    if shown.usage:
        body["OS-SRV-USG:launched_at"] = db_time(server["launched_at"])
        body["OS-SRV-USG:terminated_at"] = db_time(server["terminated_at"])
    if shown.security_groups and server.get("ports") and server["security_groups"]:
        # Nova reads them from the server's Neutron ports: no ports (or no groups on them), no key.
        body["security_groups"] = [{"name": name} for name in server["security_groups"]]
    extended = shown.extended_attributes
    if extended is None:
        extended = env.may("os_compute_api:os-extended-server-attributes", server["project_id"])
    if extended:
        body["OS-EXT-SRV-ATTR:host"] = server["host"]
        body["OS-EXT-SRV-ATTR:instance_name"] = "instance-%08x" % server["internal_id"]
        body["OS-EXT-SRV-ATTR:hypervisor_hostname"] = server["node"]
        if at["admin_extras"]:
            for field in ("hostname", "kernel_id", "launch_index", "ramdisk_id", "reservation_id",
                          "root_device_name", "user_data"):
                if field != "user_data" or shown.user_data:
                    body[f"OS-EXT-SRV-ATTR:{field}"] = server[field]
    if shown.extended_status:
        body["OS-EXT-STS:task_state"] = server["task_state"]
        body["OS-EXT-STS:vm_state"] = server["vm_state"]
        body["OS-EXT-STS:power_state"] = server["power_state"]
    if shown.volumes:
        body["os-extended-volumes:volumes_attached"] = [_volume(env, v) for v in server["volumes_attached"]]
    if at["locked"]:
        body["locked"] = bool(server["locked_by"])
    if at["host_status"]:
        show_host_status = shown.host_status
        if show_host_status is None:
            show_host_status = env.may("os_compute_api:servers:show:host_status", server["project_id"])
        if show_host_status:
            body["host_status"] = "UP" if server["host"] else ""
    if at["description"]:
        body["description"] = server["description"]
    if at["tags"]:
        body["tags"] = list(server["tags"])
    if at["trusted_certs"]:
        body["trusted_image_certificates"] = server["trusted_certs"] or None
    if shown.server_groups and at["server_groups"]:
        body["server_groups"] = server_groups.of_server(env.backend, server["id"])
    if at["locked_reason"]:
        body["locked_reason"] = server["locked_reason"]
    if at["hostname_for_all"] and not extended:
        body["OS-EXT-SRV-ATTR:hostname"] = server["hostname"]
    if shown.availability_zone and at["pinned_az"]:
        body["pinned_availability_zone"] = server["pinned_availability_zone"]
    if at["scheduler_hints"]:
        body["scheduler_hints"] = dict(server["scheduler_hints"])
    return body


def _availability_zone(server: dict) -> str:
    if server.get("host"):
        return server.get("availability_zone") or lifecycle.DEFAULT_AZ
    return server.get("availability_zone") or ""


def _addresses(env: Env, server: dict, extended: bool) -> dict:
    if server["vm_state"] == lifecycle.BUILDING:
        return {}
    result = {}
    for network, items in server_domain.addresses(env.backend, server).items():
        entries = []
        for item in items:
            entry = {"version": item["version"], "addr": item["addr"]}
            if extended:
                entry["OS-EXT-IPS:type"] = item["type"]
                entry["OS-EXT-IPS-MAC:mac_addr"] = item["mac"]
            entries.append(entry)
        result[network] = entries
    return result


def _flavor(env: Env, server: dict) -> dict:
    flavor = server["flavor"]
    if env.at["embedded_flavor"]:
        body = {"vcpus": flavor["vcpus"], "ram": flavor["ram"], "disk": flavor["disk"],
                "ephemeral": flavor.get("ephemeral") or 0, "swap": flavor.get("swap") or 0,
                "original_name": flavor["name"]}
        if env.may("os_compute_api:servers:show:flavor-extra-specs", server["project_id"]):
            body["extra_specs"] = dict(flavor.get("extra_specs") or {})
        return body
    return {"id": str(flavor["id"]), "links": _bookmark(env, "flavors", str(flavor["id"]))}


def _image(env: Env, server: dict):
    if not server["image_ref"]:
        return ""
    image = {"id": server["image_ref"], "links": _bookmark(env, "images", server["image_ref"])}
    if env.at["image_properties"]:
        image["properties"] = {key: str(value) for key, value in server["image_properties"].items()
                               if value is not None}
    return image


def _volume(env: Env, volume: dict) -> dict:
    body = {"id": volume["id"]}
    if env.at["admin_extras"]:
        body["delete_on_termination"] = bool(volume.get("delete_on_termination"))
    return body


def _fault(fault: dict, context) -> dict:
    body = {"code": fault["code"], "created": isotime(fault["created"]), "message": fault["message"]}
    if fault.get("details") and (context.is_admin or fault["code"] != 500):
        body["details"] = fault["details"]
    return body


def updated(env: Env, server: dict) -> dict:
    """PUT /servers/{id}: the basic fields below 2.75, the full show from 2.75 on."""
    if env.version in SINCE["full_update"]:
        return {"server": show(env, server, FULL._replace(server_groups=True))}
    return {"server": show(env, server, BASIC._replace(server_groups=True))}


REBUILD_KEY_NAME = between("2.54")
REBUILD_USER_DATA = between("2.57")


def rebuilt(env: Env, server: dict, admin_pass: str | None) -> dict:
    """POST rebuild: the PUT view plus key_name (2.54), adminPass, and user_data top-level (2.57)."""
    if env.version in SINCE["full_update"]:
        shown = FULL._replace(server_groups=True, user_data=False)
    else:
        shown = BASIC._replace(server_groups=True, key_name=env.version in REBUILD_KEY_NAME)
    body = show(env, server, shown)
    if admin_pass is not None:
        body["adminPass"] = admin_pass
    if env.version in REBUILD_USER_DATA:
        body["user_data"] = server["user_data"]
    return {"server": body}
