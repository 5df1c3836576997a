"""Servers: create, look up, list, update and delete server records (no Flask here).

A record in ``store.servers`` is JSON-ready (times are epoch seconds on the fake clock). Its state
fields (vm_state, task_state, power_state, progress, transition) belong to ``lifecycle``; this module
decides who may see a server, validates what Nova validates beyond the JSON schema, allocates Neutron
ports, and filters/sorts/pages lists as Nova's DB API does.

Behaviour checked against nova/api/openstack/compute/servers.py and nova/compute/api.py (2025.x).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import ipaddress
import re

from fakenova.domain import policy
from fakenova.domain.compute import (availability_zones, block_devices, boot_checks, flavors, instance_actions,
                                     keypairs, lifecycle, numa_cells, quotas, scheduler, server_groups,
                                     server_order)
from fakenova.domain.image import images
from fakenova.domain.network import network_quotas, networks, ports, security_groups
from fakenova.errors import APIError, BadRequest, Conflict, Forbidden, NotFound
from fakenova.validation import nova_boolean

RESERVATION_CHARS = "01234567890abcdefghijklmnopqrstuvwxyz"  # nova.utils.generate_uid
PASSWORD_CHARS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"  # nova.utils.generate_password
PASSWORD_LENGTH = 12


def not_found(server_id: str) -> NotFound:
    return NotFound(f"Instance {server_id} could not be found.")


# --- lookup --------------------------------------------------------------------------------------

def get(backend, context, server_id: str) -> dict:
    """The live server, or Nova's 404; another project's server is 404 for non-admins."""
    server = backend.store.servers.get(server_id)
    if server is None or server.get("deleted"):
        raise not_found(server_id)
    if not context.is_admin and server["project_id"] != context.project_id:
        raise not_found(server_id)
    return server


# --- create --------------------------------------------------------------------------------------

def create(backend, context, body: dict, *, description_is_name: bool):
    """POST /servers after schema validation. Returns (servers, reservation_id, admin_pass).

    ``description_is_name``: below 2.19 Nova stores the display name as the description.
    """
    store = backend.store
    request = body["server"]
    policy.authorize(context, "os_compute_api:servers:create", context.project_id)
    if request.get("trusted_image_certificates"):
        policy.authorize(context, "os_compute_api:servers:create:trusted_certs", context.project_id)

    min_count = int(request.get("min_count", 1))
    max_count = int(request.get("max_count", min_count))
    if min_count > max_count:
        raise BadRequest("min_count must be <= max_count")

    availability_zone, forced_host = _parse_availability_zone(context, request.get("availability_zone"))
    requested_host = request.get("host") or request.get("hypervisor_hostname")
    if requested_host:
        policy.authorize(context, "compute:servers:create:requested_destination", context.project_id)
        if forced_host:
            raise BadRequest("One mechanism with host and/or hypervisor_hostname and another mechanism "
                             "with zone:host:node are mutually exclusive.")
        if requested_host not in lifecycle.COMPUTE_HOSTS:
            raise BadRequest(f"Compute host {requested_host} could not be found.")

    bdms = _block_devices(request)
    image_ref = request.get("imageRef")
    if not image_ref and not (request.get("block_device_mapping") or request.get("block_device_mapping_v2")):
        raise BadRequest("Missing imageRef attribute")
    requested_networks = _requested_networks(request.get("networks"))

    flavor_id = _id_from_href(request["flavorRef"])
    flavor = store.flavors.get(flavor_id)
    # A private flavor the project has no access to is not found, as a disabled one is.
    if flavor is None or flavor.get("disabled") or not flavors.visible(flavor, context):
        raise BadRequest(f"Flavor {flavor_id} could not be found.")

    if requested_networks and max_count > 1:
        for wanted in requested_networks:
            if wanted.get("port"):
                raise BadRequest("Failed to launch instances: Unable to launch multiple instances with a single "
                                 "configured port ID. Please launch your instance one by one with different ports.")
            if wanted.get("fixed_ip"):
                raise BadRequest("Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip "
                                 "is specified.")
    if request.get("hostname") and max_count > 1:
        raise BadRequest("Unable to allocate a single hostname to multiple instances")
    if availability_zone and not forced_host and availability_zone not in availability_zones.zone_names(backend):
        raise BadRequest("The requested availability zone is not available")

    with store.lock:
        image = _image(backend, context, image_ref) if image_ref else None
        if image is not None and not bdms:
            # A snapshot of a volume-backed server boots from the volume snapshots it names.
            bdms = block_devices.from_image_mappings(image)
        group_ids = _security_group_ids(backend, context, request.get("security_groups"))
        plan = _network_plan(backend, context, request.get("networks"), requested_networks)
        key_name = request.get("key_name")
        if key_name is not None:
            _keypair(backend, context, key_name)
        numa_cells.cells(flavor)
        limits = quotas.limits_for(backend, context.project_id)
        _check_metadata_quota(request.get("metadata") or {}, limits)
        _check_personality_quota(request.get("personality") or [], limits)
        if image is not None:
            boot_checks.check_active(image, image_ref)
            root_volume, root_volume_size = _root_volume(request)
            root_volume = root_volume or any(m["boot_index"] == 0 for m in bdms)
            boot_checks.check_flavor_fits_image(context, image, flavor, image_size=int(image.get("size") or 0),
                                                volume_root=root_volume, volume_size_gb=root_volume_size)
        group = server_groups.requested(backend, _scheduler_hints(body))
        count = _instances_within_quota(backend, context.project_id, flavor, min_count, max_count)
        count = _instances_within_port_quota(backend, context.project_id, plan, min_count, count)
        block_devices.check_boot_volumes(backend, context, bdms, count, flavor)
        # A volume-backed server's image properties come from its root volume (get_bdm_image_metadata).
        root_image_properties = block_devices.root_image_properties(backend, context, bdms) if image is None else None
        if group is not None:
            server_groups.check_member_quota(backend, context, group, count)
        hosts = scheduler.select_hosts(backend, count=count, forced_host=forced_host, requested_host=requested_host,
                                       group=group, hints=_scheduler_hints(body), zone=availability_zone)
        unplaceable = server_groups.NO_VALID_HOST if hosts is None else None

        reservation_id = "r-" + store.ids.choice(RESERVATION_CHARS, 8)
        admin_pass = request.get("adminPass") or store.ids.choice(PASSWORD_CHARS, PASSWORD_LENGTH)
        created = []
        for index in range(count):
            server = _new_record(backend, context, request, flavor=flavor, image=image,
                                 availability_zone=availability_zone, forced_host=forced_host,
                                 reservation_id=reservation_id, index=index, count=count,
                                 description_is_name=description_is_name, admin_pass=admin_pass,
                                 hints=_scheduler_hints(body))
            if group_ids is not None:
                # Nova shows the groups by name, whether they were asked for by name or by id.
                server["security_groups"] = sorted({store.security_groups[g]["name"] for g in group_ids})
            store.servers[server["id"]] = server
            if root_image_properties is not None:
                server["image_properties"] = dict(root_image_properties)
            # Nova's compute host makes the volumes a server boots from: not for a server never placed.
            failure = block_devices.connect_boot_volumes(backend, context, server, bdms, make_volumes=not unplaceable)
            failure = unplaceable or failure
            if failure:
                # The scheduler refuses at once (or Cinder refused a volume): no ports, ERROR with its fault.
                lifecycle.fail(backend, server, failure)
            else:
                server["requested_host"] = hosts[index]
                lifecycle.start(backend, server, "build", fault=_build_fault(backend, server))
                _allocate_ports(backend, server, plan, group_ids)
            instance_actions.begin(backend, server, "create", context)
            created.append(server)
        if group is not None:
            server_groups.add_members(group, [server["id"] for server in created])
    return created, reservation_id, admin_pass


def _scheduler_hints(body: dict) -> dict:
    hints = body.get("os:scheduler_hints", body.get("OS-SCH-HNT:scheduler_hints")) or {}
    # Nova drops its internal "_nova*" hints before storing them.
    return {key: value for key, value in hints.items() if not key.startswith("_nova")}


def _build_fault(backend, server: dict) -> dict | None:
    """A fault rule (the control plane's ``backend.faults``) may doom this build to end in ERROR."""
    rules = getattr(backend, "faults", None)
    if rules is None:
        return None
    failure = rules.build_failure(backend.store.projects, server)
    if failure is None:
        return None
    return {"code": failure["code"], "message": failure["message"], "details": ""}


def _security_group_ids(backend, context, requested) -> list[str] | None:
    """The Neutron groups (by name or id, in the caller's project) Nova puts the new ports in; None:
    Neutron's default group. An unknown name is Nova's 400 (nova/network/neutron.py)."""
    if not requested:
        return None
    ids = []
    for entry in requested:
        name = entry.get("name")
        if not name:
            continue
        mine = [g for g in backend.store.security_groups.values()
                if g["project_id"] == context.project_id or (context.is_admin and g["id"] == name)]
        if name == "default" and not any(g["name"] == "default" for g in mine):
            mine.append(security_groups.default_group(backend, context.project_id))
        by_id = [g for g in mine if g["id"] == name]
        by_name = [g for g in mine if g["name"] == name]
        if by_id:
            found = by_id[0]
        elif len(by_name) > 1:
            raise Conflict(f"Multiple security groups found matching '{name}'. Use an ID to be more specific.")
        elif by_name:
            found = by_name[0]
        else:
            raise BadRequest(f"Security group {name} not found.")
        if found["id"] not in ids:
            ids.append(found["id"])
    return ids


def _parse_availability_zone(context, requested: str | None) -> tuple[str | None, str | None]:
    """"az", "az:host" or "az:host:node" (the latter two admin-only, as forced_host)."""
    if not requested or ":" not in requested:
        return requested, None
    policy.authorize(context, "os_compute_api:servers:create:forced_host", context.project_id)
    zone, _, rest = requested.partition(":")
    host = rest.split(":", 1)[0] or None
    if host and host not in lifecycle.COMPUTE_HOSTS:
        raise BadRequest(f"Compute host {host} could not be found.")
    return zone or None, host


def _id_from_href(ref) -> str:
    return str(ref).rstrip("/").rsplit("/", 1)[-1]


def _block_devices(request: dict) -> list[dict]:
    """The volume mappings of a create request, checked as nova/block_device.py from_api and
    compute/api.py _validate_bdm do without looking anything up: one entry per volume the server
    will have, {source (volume, image, snapshot, blank), uuid, size, delete_on_termination, tag,
    boot_index, volume_type}. Local destinations (ephemeral, swap) stay on the server."""
    legacy, v2 = request.get("block_device_mapping") or [], request.get("block_device_mapping_v2") or []
    if legacy and v2:
        raise BadRequest("Using different block_device_mapping syntaxes is not allowed in the same request.")
    mappings = []
    for bdm in legacy:
        source = "volume" if bdm.get("volume_id") else "snapshot" if bdm.get("snapshot_id") else None
        if source:
            on_root = str(bdm.get("device_name") or "").rsplit("/", 1)[-1] == "vda"
            mappings.append(_mapping(bdm, source, bdm.get("volume_id") or bdm.get("snapshot_id"),
                                     0 if on_root else None))
    boot_indexes = []
    for bdm in v2:
        source = bdm.get("source_type") or "volume"
        destination = bdm.get("destination_type") or ("volume" if source == "volume" else "local")
        boot_index = _boot_index(bdm.get("boot_index"))
        uuid = bdm.get("uuid") or bdm.get("volume_id") or bdm.get("snapshot_id") or bdm.get("image_id")
        if source != "blank" and not uuid:
            raise BadRequest("Block Device Mapping is Invalid: Missing device UUID.")
        if source == "blank" and uuid:
            raise BadRequest("Block Device Mapping is Invalid: Invalid device UUID.")
        if bdm.get("volume_type") and destination == "local":
            raise BadRequest("Block Device Mapping is Invalid: Specifying a volume_type with destination_type=local "
                             "is not supported.")
        if bdm.get("volume_type") and source == "volume":
            raise BadRequest("Block Device Mapping is Invalid: Specifying volume type to existing volume is not "
                             "supported.")
        if boot_index is not None and boot_index >= 0:
            boot_indexes.append(boot_index)
        if destination != "volume":
            if source == "image" and not (boot_index == 0 and uuid == request.get("imageRef")):
                raise BadRequest("Block Device Mapping is Invalid: Mapping image to local is not supported.")
            continue
        size = _volume_size(bdm.get("volume_size"))
        if source == "image" and not size:
            raise BadRequest("Images with destination_type 'volume' need to have a non-zero size specified")
        if source == "blank" and not size:
            raise BadRequest("Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size")
        mappings.append(_mapping(bdm, source, uuid, boot_index, size=size))
    if v2:
        if request.get("imageRef") and 0 not in boot_indexes:
            boot_indexes.append(0)  # the image's own root disk
        if sorted(boot_indexes) != list(range(len(boot_indexes))) or not boot_indexes:
            raise BadRequest("Block Device Mapping is Invalid: Boot sequence for the instance and image/block device "
                             "mapping combination is not valid.")
    return mappings


def _mapping(bdm: dict, source: str, uuid, boot_index, *, size=None) -> dict:
    return {"source": source, "uuid": uuid, "size": size, "boot_index": boot_index, "tag": bdm.get("tag"),
            "delete_on_termination": nova_boolean(bdm.get("delete_on_termination")),
            "volume_type": bdm.get("volume_type")}


def _volume_size(raw) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _boot_index(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _requested_networks(networks) -> list[dict] | None:
    """Nova's own checks on the networks list (beyond the schema); "auto"/"none" pass through."""
    if networks is None or isinstance(networks, str):
        return None
    ports_seen = []
    for wanted in networks:
        port = wanted.get("port")
        if port:
            if port in ports_seen:
                raise BadRequest(f"Port ID '{port}' was specified twice: you cannot attach a port multiple times.")
            if wanted.get("fixed_ip") is not None:
                raise BadRequest(f"Specified Fixed IP '{wanted['fixed_ip']}' cannot be used with port '{port}': "
                                 "the two cannot be specified together.")
            ports_seen.append(port)
            continue
        if "uuid" not in wanted:
            raise BadRequest("Bad network format: missing 'uuid'")
        if not _is_uuid_like(wanted["uuid"]):
            raise BadRequest(f"Bad networks format: network uuid is not in proper format ({wanted['uuid']})")
    return networks


def _is_uuid_like(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", str(value)))


def _image(backend, context, image_ref: str) -> dict:
    try:
        return images.get(backend, image_ref, context)
    except NotFound:
        raise BadRequest("Can not find requested image") from None


def _root_volume(request: dict) -> tuple[bool, int | None]:
    """(is the root disk a volume, its requested size in GB or None) for a server booted with an
    imageRef: a block_device_mapping_v2 entry with boot_index 0 and a volume destination, or a
    legacy mapping on the root device (/dev/vda) makes it one."""
    for bdm in request.get("block_device_mapping_v2") or ():
        if str(bdm.get("boot_index")) == "0" and bdm.get("destination_type") == "volume":
            size = bdm.get("volume_size")
            return True, int(size) if size not in (None, "") else None
    for bdm in request.get("block_device_mapping") or ():
        if str(bdm.get("device_name") or "").rsplit("/", 1)[-1] == "vda":
            return True, None
    return False, None


def _keypair(backend, context, name: str) -> dict:
    try:
        return keypairs.get(backend, context.user_id, name)
    except NotFound:
        raise BadRequest("Invalid key_name provided.") from None


def _check_metadata_quota(metadata: dict, limits: dict) -> None:
    allowed = limits["metadata_items"]
    if allowed >= 0 and len(metadata) > allowed:
        raise Forbidden(f"Maximum number of metadata items exceeds {allowed}")


def _check_personality_quota(files: list, limits: dict) -> None:
    if not files:
        return
    if limits["injected_files"] >= 0 and len(files) > limits["injected_files"]:
        raise Forbidden("Personality file limit exceeded")
    max_path = max(len(f.get("path", "")) for f in files)
    max_content = max(len(_b64decode(f.get("contents", ""))) for f in files)
    if limits["injected_file_path_length"] >= 0 and max_path > limits["injected_file_path_length"]:
        raise Forbidden(f"Personality file path exceeds maximum {limits['injected_file_path_length']}")
    if limits["injected_file_content_bytes"] >= 0 and max_content > limits["injected_file_content_bytes"]:
        raise Forbidden(f"Personality file content exceeds maximum {limits['injected_file_content_bytes']}")


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text)
    except (binascii.Error, ValueError):
        return text.encode()


def _instances_within_port_quota(backend, project_id: str, plan: list[dict], min_count: int, count: int) -> int:
    """Nova asks Neutron how many ports the project may still create (nova/network/neutron.py
    validate_networks): fewer than min_count servers need is 403 PortLimitExceeded, otherwise as
    many servers as the ports allow."""
    per_server = sum(1 for item in plan if "network_id" in item)
    room = network_quotas.room(backend, project_id, "port")
    if not per_server or room is None:
        return count
    if room < min_count * per_server:
        raise Forbidden("Maximum number of ports exceeded")
    return min(count, room // per_server)


def _instances_within_quota(backend, project_id: str, flavor: dict, min_count: int, max_count: int) -> int:
    """As many as max_count if quota allows, else the most that fit (at least min_count, or 403)."""
    for count in range(max_count, min_count - 1, -1):
        try:
            quotas.check_servers(backend, project_id, instances=count, cores=count * flavor["vcpus"],
                                 ram=count * flavor["ram"])
            return count
        except Forbidden:
            if count == min_count:
                raise
    raise AssertionError("unreachable")


# --- networks ------------------------------------------------------------------------------------

def _network_plan(backend, context, asked, requested) -> list[dict]:
    """What to allocate per server: [{"network_id", "fixed_ip", "tag"} | {"port_id", "tag"}]."""
    store = backend.store
    if asked == "none":
        return []
    if requested is None:
        # No list (or "auto"): the project's own networks plus shared ones; more than one is ambiguous.
        candidates = [n for n in store.networks.values()
                      if (n["project_id"] == context.project_id and not n["shared"]) or n["shared"]]
        if len(candidates) > 1:
            raise Conflict("More than one possible network found. Specify network ID(s) to select which one(s) "
                           "to connect to.")
        if not candidates:
            if asked == "auto":
                raise BadRequest(f"Unable to automatically allocate a network for project {context.project_id}")
            return []
        return [{"network_id": candidates[0]["id"], "fixed_ip": None, "tag": None}]
    plan = []
    for wanted in requested:
        if wanted.get("port"):
            port = store.ports.get(wanted["port"])
            if port is None or (not context.is_admin and port["project_id"] != context.project_id):
                raise BadRequest(f"Port id {wanted['port']} could not be found.")
            if port.get("device_id"):
                raise Conflict(f"Port {port['id']} is still in use.")
            plan.append({"port_id": port["id"], "tag": wanted.get("tag")})
            continue
        network = store.networks.get(wanted["uuid"])
        if network is None or not networks.visible(backend, network, context):
            raise BadRequest(f"Network {wanted['uuid']} could not be found.")
        if network["router:external"] and not network["shared"] and not context.is_admin:
            raise Forbidden(f"It is not allowed to create an interface on external network {network['id']}")
        if not network["subnets"]:
            raise BadRequest(f"Network {network['id']} requires a subnet in order to boot instances on.")
        fixed_ip = wanted.get("fixed_ip")
        if fixed_ip:
            for port in store.ports.values():
                if port["network_id"] == network["id"] and any(ip["ip_address"] == fixed_ip
                                                               for ip in port["fixed_ips"]):
                    raise BadRequest(f"Fixed IP address {fixed_ip} is already in use on instance "
                                     f"{port['device_id']}.")
        plan.append({"network_id": network["id"], "fixed_ip": fixed_ip, "tag": wanted.get("tag")})
    return plan


def _allocate_ports(backend, server: dict, plan: list[dict], group_ids: list[str] | None = None) -> None:
    server["ports"] = []
    for item in plan:
        if "port_id" in item:
            ports.bind_port(backend, item["port_id"], server["id"], server.get("host") or "")
            server["ports"].append({"id": item["port_id"], "tag": item["tag"], "preexisting": True})
            continue
        try:
            fixed_ips = [{"ip_address": item["fixed_ip"]}] if item["fixed_ip"] else None
            network = backend.store.networks[item["network_id"]]
            port = ports.create_port(backend, item["network_id"], project_id=server["project_id"],
                                     device_id=server["id"], device_owner="compute:nova", fixed_ips=fixed_ips,
                                     security_group_ids=group_ids if network.get("port_security_enabled", True)
                                     else None)
        except APIError:
            # Neutron refused the address: in Nova the build then fails on the compute host.
            lifecycle.fail(backend, server, "Build of instance {} aborted: Failed to allocate the network(s), "
                           "not rescheduling.".format(server["id"]))
            return
        port["binding:host_id"] = server.get("host") or ""
        server["ports"].append({"id": port["id"], "tag": item["tag"], "preexisting": False})


def _release_network(backend, server: dict) -> None:
    """A deleted server gives its ports back: ports Nova created go, ports the user brought stay."""
    store = backend.store
    for entry in server.get("ports", ()):
        port = store.ports.get(entry["id"])
        if port is None:
            continue
        if entry.get("preexisting"):
            ports.unbind_port(backend, entry["id"])
        else:
            ports.remove_port(backend, entry["id"])


lifecycle.EFFECTS["release_network"] = _release_network


def addresses(backend, server: dict) -> dict[str, list[dict]]:
    """{network name: [{addr, version, type, mac}]} from the server's ports and their floating IPs."""
    store = backend.store
    result: dict[str, list[dict]] = {}
    for entry in server.get("ports", ()):
        port = store.ports.get(entry["id"])
        if port is None:
            continue
        network = store.networks.get(port["network_id"])
        name = network["name"] if network else port["network_id"]
        items = result.setdefault(name, [])
        for fixed in port["fixed_ips"]:
            # Neutron stored a valid address: only IPv6 has colons (ipaddress would parse it again).
            version = 6 if ":" in fixed["ip_address"] else 4
            items.append({"addr": fixed["ip_address"], "version": version, "type": "fixed",
                          "mac": port["mac_address"]})
        for floating in store.floatingips.values():
            if floating.get("port_id") == port["id"] and floating.get("floating_ip_address"):
                items.append({"addr": floating["floating_ip_address"], "version": 4, "type": "floating",
                              "mac": port["mac_address"]})
    return result


def host_id(server: dict) -> str:
    """Nova's obfuscated host id: sha224(project_id + host), "" before scheduling."""
    if not server.get("host"):
        return ""
    return _host_id(server["project_id"], server["host"])


@functools.lru_cache(maxsize=1024)
def _host_id(project_id: str, host: str) -> str:
    return hashlib.sha224((project_id + host).encode()).hexdigest()


# --- the record ----------------------------------------------------------------------------------

def _new_record(backend, context, request: dict, *, flavor, image, availability_zone, forced_host,
                reservation_id, index, count, description_is_name, admin_pass, hints) -> dict:
    store = backend.store
    now = backend.clock.time()
    server_id = store.ids.uuid()
    name = request["name"] if count == 1 else f"{request['name']}-{index + 1}"
    # Nova's autoincrement key: never one an archived server had.
    internal_id = 1 + max(server_order.max_internal_id(store), store.archived_ids.get("instances", 0))
    hostname = request.get("hostname") or sanitize_hostname(name, f"Server-{server_id}")
    config_drive = request.get("config_drive")
    return {
        "id": server_id,
        "internal_id": internal_id,
        "name": name,
        "description": name if description_is_name else request.get("description"),
        "hostname": hostname,
        "project_id": context.project_id,
        "user_id": context.user_id,
        "image_ref": image["id"] if image else "",
        "image_properties": dict(image.get("properties") or {}) if image else {},
        "flavor": {key: flavor.get(key) for key in ("id", "name", "vcpus", "ram", "disk", "ephemeral", "swap")}
        | {"extra_specs": dict(flavor.get("extra_specs") or {})},
        "key_name": request.get("key_name"),
        "metadata": dict(request.get("metadata") or {}),
        "security_groups": sorted({g["name"] for g in request.get("security_groups") or [{"name": "default"}]
                                   if g.get("name")}),
        "requested_security_groups": request.get("security_groups"),
        "config_drive": "True" if config_drive is not None and nova_boolean(config_drive) else "",
        "access_ip_v4": access_ip(request.get("accessIPv4")),
        "access_ip_v6": access_ip(request.get("accessIPv6")),
        "auto_disk_config": request.get("OS-DCF:diskConfig", "MANUAL") == "AUTO",
        "availability_zone": availability_zone,
        "pinned_availability_zone": availability_zone,
        "requested_host": forced_host or request.get("host") or request.get("hypervisor_hostname"),
        "user_data": request.get("user_data"),
        "admin_pass": admin_pass,
        "reservation_id": reservation_id,
        "launch_index": index,
        "tags": list(dict.fromkeys(request.get("tags") or [])),
        "trusted_certs": request.get("trusted_image_certificates"),
        "scheduler_hints": hints,
        "server_groups": [],
        "volumes_attached": [],  # filled by block_devices.connect_boot_volumes
        "locked_by": None,
        "locked_reason": None,
        "host": None,
        "node": None,
        "kernel_id": "",
        "ramdisk_id": "",
        "root_device_name": "/dev/vda",
        "vm_state": lifecycle.BUILDING,
        "task_state": None,
        "power_state": lifecycle.NOSTATE,
        "progress": 0,
        "fault": None,
        "transition": None,
        "ports": [],
        "created_at": now,
        "updated_at": now,
        "launched_at": None,
        "terminated_at": None,
        "deleted_at": None,
        "deleted": False,
    }


def sanitize_hostname(name: str, default: str) -> str:
    """nova.utils.sanitize_hostname: what a server is called inside unless ``hostname`` is given."""
    hostname = name.encode("latin-1", "ignore").decode("latin-1")[:63]
    hostname = re.sub(r"[ _.]", "-", hostname)
    hostname = re.sub(r"[^\w.-]+", "", hostname).lower().strip(".-")
    return hostname or default[:63]


# --- update and delete ---------------------------------------------------------------------------

ACCESS_IPS = ("accessIPv4", "accessIPv6")


def access_ip(value):
    """Nova keeps access IPs as netaddr addresses (IPV4AddressField/IPV6AddressField in
    nova/objects/fields.py) and shows their text: '0000:...:babe:220.12.22.2' reads back as
    '::babe:dc0c:1602'. The schema already checked the format."""
    if not value:
        return value
    return str(ipaddress.ip_address(value))


UPDATABLE = {"name": "name", "description": "description", "hostname": "hostname",
             "accessIPv4": "access_ip_v4", "accessIPv6": "access_ip_v6"}


def update(backend, context, server_id: str, changes: dict) -> dict:
    with backend.store.lock:
        server = get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:servers:update", server["project_id"])
        if "pinned_availability_zone" in changes:
            _repin(server, changes["pinned_availability_zone"])
        for key, field in UPDATABLE.items():
            if key in changes:
                server[field] = access_ip(changes[key]) if key in ACCESS_IPS else changes[key]
        if "OS-DCF:diskConfig" in changes:
            server["auto_disk_config"] = changes["OS-DCF:diskConfig"] == "AUTO"
        server["updated_at"] = backend.clock.time()
        return server


def _repin(server: dict, requested: str | None) -> None:
    current = server.get("pinned_availability_zone")
    if requested is None:
        server["pinned_availability_zone"] = None
        return
    if current is not None and requested != current:
        raise Conflict("Cannot change pinned availability zone directly. Unpin first by setting "
                       "pinned_availability_zone to null.")
    instance_az = server.get("availability_zone") or ""
    if current is None and requested != instance_az:
        raise Conflict(f"Server can only be pinned to its current availability zone '{instance_az}', but "
                       f"'{requested}' was requested.")
    server["pinned_availability_zone"] = requested


def delete(backend, context, server_id: str) -> None:
    """DELETE /servers/{id}: soft delete when reclaim_instance_interval > 0 and the server ever ran."""
    with backend.store.lock:
        server = get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:servers:delete", server["project_id"])
        lifecycle.check_lock(server, context)
        if server["task_state"] == "deleting":
            return  # already on its way out
        soft = backend.settings.reclaim_instance_interval > 0
        if soft:
            try:
                lifecycle.check(server, "soft_delete")
            except Conflict:
                soft = False  # never active (or busy): Nova falls back to a real delete
        if soft:
            lifecycle.start(backend, server, "soft_delete")
        else:
            lifecycle.check(server, "delete")
            lifecycle.start(backend, server, "delete")
        instance_actions.begin(backend, server, "delete", context)
