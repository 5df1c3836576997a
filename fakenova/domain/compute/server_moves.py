"""Moving and copying servers: resize (with confirm and revert), cold and live migration, evacuate,
rebuild, and snapshots (createImage, createBackup). No Flask here.

Each function checks what Nova's API checks, in Nova's order, under the store lock, then starts the
action's row in ``lifecycle.TRANSITIONS``; what happens later (the flavor switch, the image upload,
backup rotation, the migration record's status) are the named effects registered at the bottom.

Two compute hosts (``lifecycle.COMPUTE_HOSTS``): builds land on the first; a move without a named
destination goes to the other one (the scheduler leaves out the source), so the server's host,
hypervisor_hostname and hostId change when the move lands. A named destination is checked as Nova
does (the current host is refused, unknown hosts are not found). When the scheduler runs (no forced
destination) and the destination's compute service is disabled or forced down
(``compute_services``), the API still accepts the move and it then fails as Nova's conductor fails
it: NoValidHost, the server back in its vm_state, the migration in "error" (a 400 at once for a
synchronous live migration below 2.34). Evacuate needs its source compute service down (400
"Compute service of {host} is still in use."). The migration records themselves are
``fakenova.domain.compute.migrations``.

Checked against nova/api/openstack/compute/{servers,migrate_server,evacuate,create_backup}.py,
nova/compute/{api,manager,utils}.py and nova/conductor/manager.py (master, API 2.104).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from fakenova.domain import policy
from fakenova.domain.compute import (block_devices, boot_checks, compute_services, flavors, keypairs, lifecycle,
                                     migrations, numa_cells, quotas, servers)
from fakenova.domain.image import image_data, images
from fakenova.domain.volume import snapshots, volume_quotas, volumes
from fakenova.errors import BadRequest, Forbidden, NotFound

KNOWN_HOSTS = lifecycle.COMPUTE_HOSTS
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."
# Glance statuses an image that finished uploading never has again.
_GONE = images.HIDDEN_STATUSES


# --- resize, confirm, revert, cold migration ------------------------------------------------------

def resize(backend, context, server_id: str, flavor_ref, *, disk_config: str | None = None) -> None:
    """The resize action. Nova looks the flavorRef up as given (an href is not parsed here)."""
    store = backend.store
    with store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:servers:resize", server["project_id"])
        lifecycle.check(server, "resize", context=context)
        _check_auto_disk_config(server["image_properties"], disk_config, server["image_ref"])
        current = server["flavor"]
        flavor_id = str(flavor_ref)
        flavor = store.flavors.get(flavor_id)
        if flavor is None or not flavors.visible(flavor, context):
            raise BadRequest(f"Flavor {flavor_id} could not be found.")
        if flavor["disk"] == 0 and current["disk"] != 0 and server["image_ref"]:
            raise BadRequest("Server disk was unable to be resized because: Resize to zero disk flavor is not "
                             "allowed.")
        same_flavor = flavor["id"] == current["id"]
        if not same_flavor and flavor.get("disabled"):
            raise BadRequest(f"Flavor {flavor_id} could not be found.")
        if same_flavor:
            raise BadRequest("When resizing, instances must change flavor!")
        _check_upsize_quota(backend, server["project_id"], current, flavor)
        # Nova reads the image from the server's system metadata here, which records no size.
        boot_checks.check_flavor_fits_image(context, _boot_image(backend, server), flavor, image_size=0,
                                            volume_root=not server["image_ref"])
        numa_cells.cells(flavor)  # the new flavor's NUMA request must make sense (400 otherwise)

        # The libvirt driver refuses to shrink a root disk, after the API said yes: the resize runs,
        # fails on the source host and the server is back where it was (InstanceFaultRollback).
        doomed = None
        if flavor["disk"] < current["disk"]:
            doomed = {"code": 500, "message": "Resize error: Unable to resize disk down.", "details": "",
                      "rollback": True}
        server["auto_disk_config"] = disk_config == "AUTO"
        doomed = _unschedulable(backend, migrations.other_host(server["host"])) or doomed
        _start_resize(backend, context, server, "resize", _flavor_snapshot(flavor), fault=doomed)


def migrate(backend, context, server_id: str, host: str | None = None) -> None:
    """Cold migration (a resize to the same flavor); a named host needs the admin rule (2.56)."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        rule = "os_compute_api:os-migrate-server:migrate:host" if host else "os_compute_api:os-migrate-server:migrate"
        policy.authorize(context, rule, server["project_id"])
        lifecycle.check(server, "migrate", context=context)
        if host is not None:
            if host == server["host"]:
                raise BadRequest("Cannot migrate to the host where the server exists.")
            if host not in KNOWN_HOSTS:
                raise BadRequest(f"Compute host {host} could not be found.")
        server["auto_disk_config"] = False  # Nova resets it on every resize without OS-DCF:diskConfig
        doomed = _unschedulable(backend, host or migrations.other_host(server["host"]))
        _start_resize(backend, context, server, "migrate", dict(server["flavor"]), fault=doomed, host=host)


def _start_resize(backend, context, server: dict, action: str, new_flavor: dict, fault: dict | None = None,
                  host: str | None = None) -> None:
    """Resize and cold migration go to another host ([DEFAULT]allow_resize_to_same_host is False)."""
    _boot_image(backend, server)  # keep what the server booted with before its flavor changes
    server["old_flavor"] = dict(server["flavor"])
    server["new_flavor"] = new_flavor
    migrations.new(backend, context, server, "resize" if action == "resize" else "migration",
                   status="pre-migrating", dest=host or migrations.other_host(server["host"]),
                   old_flavor=server["old_flavor"], new_flavor=new_flavor, claimed=True)
    lifecycle.start(backend, server, action, fault=fault)


def confirm_resize(backend, context, server_id: str) -> None:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:servers:confirm_resize", server["project_id"])
        lifecycle.check(server, "confirmResize", context=context)
        migration = _finished_migration(backend, server)
        migrations.set_status(backend, migration, "confirming")
        lifecycle.start(backend, server, "confirmResize")


def revert_resize(backend, context, server_id: str) -> None:
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:servers:revert_resize", server["project_id"])
        lifecycle.check(server, "revertResize", context=context)
        migration = _finished_migration(backend, server)
        # Reverting a downsize grows the server again: Nova checks that growth against quota.
        _check_upsize_quota(backend, server["project_id"], server["flavor"], server["old_flavor"])
        migrations.set_status(backend, migration, "reverting")
        lifecycle.start(backend, server, "revertResize")


def _finished_migration(backend, server: dict) -> dict:
    """The resize waiting for confirm or revert (Nova looks for a migration in status "finished")."""
    migration = migrations.current(backend, server)
    if migration is None or migration["status"] != "finished":
        raise BadRequest("Instance has not been resized.")
    return migration


def _check_upsize_quota(backend, project_id: str, current: dict, new: dict) -> None:
    """Only growth counts (nova.compute.utils.upsize_quota_delta): extra cores and RAM."""
    cores = max(0, new["vcpus"] - current["vcpus"])
    ram = max(0, new["ram"] - current["ram"])
    if cores or ram:
        quotas.check_servers(backend, project_id, instances=0, cores=cores, ram=ram)


def _check_auto_disk_config(image_properties: dict, disk_config: str | None, image_ref: str) -> None:
    if disk_config != "AUTO":
        return
    if str(image_properties.get("auto_disk_config") or "").strip().lower() == "disabled":
        raise BadRequest(f"Requested image {image_ref} has automatic disk resize disabled.")


def _boot_image(backend, server: dict) -> dict:
    """What Nova keeps of the server's image in system metadata: min_ram, and min_disk raised to the
    flavor's disk at boot or rebuild, which is why a server cannot resize below its first flavor's disk.

    Recorded the first time a move needs it (before any flavor change), from the image and flavor."""
    if "boot_image" not in server:
        image = backend.store.images.get(server["image_ref"]) or {}
        server["boot_image"] = {"min_ram": int(image.get("min_ram") or 0),
                                "min_disk": max(int(image.get("min_disk") or 0), server["flavor"]["disk"]),
                                "container_format": image.get("container_format") or "bare",
                                "disk_format": image.get("disk_format") or "qcow2"}
    return server["boot_image"]


def _flavor_snapshot(flavor: dict) -> dict:
    """The copy of a flavor a server record keeps (the same keys servers.create stores)."""
    return {key: flavor.get(key) for key in ("id", "name", "vcpus", "ram", "disk", "ephemeral", "swap")} | {
        "extra_specs": dict(flavor.get("extra_specs") or {})}


# --- live migration and evacuation ---------------------------------------------------------------

def live_migrate(backend, context, server_id: str, *, host: str | None, force: bool | None,
                 synchronous: bool) -> None:
    """os-migrateLive. ``force`` is None below 2.30 (a named host is then used as is), the request's
    value from 2.30. ``synchronous`` (below 2.34) turns a refused destination into a 400; later the
    API says 202 and the migration fails afterwards, leaving the server as it was."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        rule = "os_compute_api:os-migrate-server:migrate_live" + (":host" if host else "")
        policy.authorize(context, rule, server["project_id"])
        if force and not host:
            raise BadRequest("Can't force to a non-provided destination")
        lifecycle.check(server, "os-migrateLive", context=context)
        if host and host not in KNOWN_HOSTS:
            raise BadRequest(f"Compute host {host} could not be found.")
        doomed = None
        if host and host == server["host"]:
            if force is None or force:
                doomed = {"code": 400, "message": f"Unable to migrate instance ({server['id']}) to current host "
                                                  f"({host}).", "details": "", "rollback": True}
            else:  # the scheduler leaves out the source host, and there is no other
                doomed = {"code": 500, "message": NO_VALID_HOST, "details": "", "rollback": True}
            if synchronous:
                raise BadRequest(doomed["message"])
        dest = host or migrations.other_host(server["host"])
        if doomed is None and not (host and (force is None or force)):  # a forced host skips the scheduler
            doomed = _unschedulable(backend, dest)
            if doomed and synchronous:
                raise BadRequest(doomed["message"])
        migrations.new(backend, context, server, migrations.LIVE, status="accepted", dest=dest)
        lifecycle.start(backend, server, "os-migrateLive", fault=doomed)


def evacuate(backend, context, server_id: str, *, host: str | None, admin_pass: str | None, force: bool | None,
             on_shared_storage: bool | None, end_stopped: bool) -> str | None:
    """evacuate; returns the admin password the rebuilt server gets (None on shared storage below 2.14).

    ``on_shared_storage`` is None from 2.14 on (the field is gone and a password is always set)."""
    store = backend.store
    with store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-evacuate", server["project_id"])
        if force and not host:
            raise BadRequest("Can't force to a non-provided destination")
        if on_shared_storage and admin_pass is not None:
            raise BadRequest("admin password can't be changed on existing disk")
        password = admin_pass
        if password is None and not on_shared_storage:
            password = store.ids.choice(servers.PASSWORD_CHARS, servers.PASSWORD_LENGTH)
        if host is not None and host not in KNOWN_HOSTS:
            raise NotFound(f"Compute host {host} not found.")
        if server["host"] == host:
            raise BadRequest("The target host can't be the same one.")
        action = "evacuate_to_stopped" if end_stopped else "evacuate"
        lifecycle.check(server, action, context=context, api_action="evacuate")
        compute_services.check_source_down(backend, server["host"])
        if password is not None:
            server["admin_pass"] = password
        dest = host or migrations.other_host(server["host"])
        # Below 2.29 a named host is used as is; from 2.29 only force=true skips the scheduler.
        forced = host is not None and (force is None or force)
        migrations.new(backend, context, server, "evacuation", status="accepted", dest=dest)
        lifecycle.start(backend, server, action, fault=None if forced else _unschedulable(backend, dest))
        return password


def _unschedulable(backend, dest: str) -> dict | None:
    """The conductor's NoValidHost when the scheduler's one candidate is disabled or down: the move
    ends with the server back where it was (the fault rolls back)."""
    if compute_services.schedulable(backend, dest):
        return None
    return {"code": 500, "message": NO_VALID_HOST, "details": "", "rollback": True}


# --- rebuild -------------------------------------------------------------------------------------

# Rebuild body key -> server record field, for the values stored as given.
_REBUILD_FIELDS = {"description": "description", "metadata": "metadata", "accessIPv4": "access_ip_v4",
                   "accessIPv6": "access_ip_v6", "user_data": "user_data",
                   "trusted_image_certificates": "trusted_certs", "hostname": "hostname"}


def rebuild(backend, context, server_id: str, request: dict, *, reimage_allowed: bool = False) -> tuple[dict, str]:
    """The rebuild action with its (schema-validated) body; returns (server, admin password).

    The schema for the request's microversion admits only that version's keys, so a key present
    here is one Nova would act on. The server keeps its id, ports and addresses."""
    store = backend.store
    with store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:servers:rebuild", server["project_id"])
        if "trusted_image_certificates" in request:
            policy.authorize(context, "os_compute_api:servers:rebuild:trusted_certs", server["project_id"])
        lifecycle.check(server, "rebuild", context=context)
        key_name = request.get("key_name")
        if key_name is not None:
            try:
                keypairs.get(backend, context.user_id, key_name)  # the caller's keys, as in Nova
            except NotFound:
                raise BadRequest("Invalid key_name provided.") from None
        image_ref = request["imageRef"]
        try:
            image = images.get(backend, image_ref, context)
        except NotFound:
            raise BadRequest("Cannot find image for rebuild") from None
        disk_config = request.get("OS-DCF:diskConfig")
        _check_auto_disk_config(image["properties"], disk_config, image_ref)
        limits = quotas.limits_for(backend, server["project_id"])
        servers._check_metadata_quota(request.get("metadata") or {}, limits)
        servers._check_personality_quota(request.get("personality") or [], limits)
        boot_checks.check_active(image, image_ref)
        volume_backed = block_devices.is_volume_backed(server)
        if volume_backed and image["id"] != _root_volume_image(backend, server) and not reimage_allowed:
            raise BadRequest(f"Image {image['id']} is unacceptable: Unable to rebuild with a different image for a "
                             "volume-backed server.")
        boot_checks.check_flavor_fits_image(context, image, server["flavor"], image_size=int(image.get("size") or 0),
                                            volume_root=volume_backed)

        password = request["adminPass"] if "adminPass" in request else store.ids.choice(
            servers.PASSWORD_CHARS, servers.PASSWORD_LENGTH)
        _apply_rebuild(server, request, image, disk_config, password)
        if volume_backed and image["id"] != _root_volume_image(backend, server):
            _reimage_root_volume(backend, server, image)
        lifecycle.start(backend, server, "rebuild")
        return server, password


def _reimage_root_volume(backend, server: dict, image: dict) -> None:
    """2.93+: Nova re-images the root volume through Cinder's os-reimage; it now holds the new image."""
    root = block_devices.root_mapping(server)
    volume = backend.store.volumes.get(root["id"]) if root else None
    if volume is not None:
        volume["image_metadata"] = volumes.image_metadata(image)


def _root_volume_image(backend, server: dict) -> str | None:
    """The image the root volume was made from (its volume_image_metadata image_id)."""
    root = block_devices.root_mapping(server)
    volume = backend.store.volumes.get(root["id"]) if root else None
    return (volume.get("image_metadata") or {}).get("image_id") if volume else None


def _apply_rebuild(server: dict, request: dict, image: dict, disk_config: str | None, password: str) -> None:
    """What Nova's API saves on the instance before casting the rebuild (the response shows it)."""
    properties = image["properties"]
    server.update(image_ref=image["id"], image_properties=dict(properties), admin_pass=password,
                  kernel_id=properties.get("kernel_id") or "", ramdisk_id=properties.get("ramdisk_id") or "")
    server["boot_image"] = {"min_ram": int(image.get("min_ram") or 0),
                            "min_disk": max(int(image.get("min_disk") or 0), server["flavor"]["disk"]),
                            "container_format": image.get("container_format") or "bare",
                            "disk_format": image.get("disk_format") or "qcow2"}
    if disk_config is not None:
        server["auto_disk_config"] = disk_config == "AUTO"
    else:  # inherited from the new image, off unless it says true
        server["auto_disk_config"] = str(properties.get("auto_disk_config")).lower() in ("true", "1", "yes", "on")
    if "name" in request:
        server["name"] = request["name"].strip()
    if "key_name" in request:
        server["key_name"] = request["key_name"]  # null clears it
    for key, field in _REBUILD_FIELDS.items():
        if key in request:
            value = request[key]
            server[field] = dict(value) if key == "metadata" else (
                servers.access_ip(value) if key in servers.ACCESS_IPS else value)


# --- snapshots and backups -----------------------------------------------------------------------

def create_image(backend, context, server_id: str, name: str, metadata: dict, *,
                 check_metadata_quota: bool) -> dict:
    """createImage: a private Glance image, queued now, saving during the upload, active at the end."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:servers:create_image", server["project_id"])
        if check_metadata_quota:
            _check_image_metadata_quota(backend, context, metadata)
        volume_backed = block_devices.is_volume_backed(server)
        if volume_backed:
            policy.authorize(context, "os_compute_api:servers:create_image:allow_volume_backed",
                             server["project_id"])
        lifecycle.check(server, "createImage", context=context)
        if volume_backed:
            return _snapshot_volume_backed(backend, context, server, name.strip(), metadata)
        image = _new_image(backend, context, server, name.strip(), "snapshot", metadata)
        server["image_upload"] = {"image_id": image["id"]}
        lifecycle.start(backend, server, "createImage")
        return image


def create_backup(backend, context, server_id: str, name: str, backup_type: str, rotation: int, metadata: dict, *,
                  check_metadata_quota: bool) -> dict:
    """createBackup: like createImage, then only the newest ``rotation`` backups of that type stay
    (rotation 0 removes them all, the new one included, as Nova's _rotate_backups does)."""
    with backend.store.lock:
        server = servers.get(backend, context, server_id)
        policy.authorize(context, "os_compute_api:os-create-backup", server["project_id"])
        if check_metadata_quota:
            _check_image_metadata_quota(backend, context, metadata)
        lifecycle.check(server, "createBackup", context=context)
        if block_devices.is_volume_backed(server):
            raise BadRequest("Backup is not supported for volume-backed instances.")
        image = _new_image(backend, context, server, name.strip(), "backup", dict(metadata, backup_type=backup_type))
        server["image_upload"] = {"image_id": image["id"], "backup_type": backup_type, "rotation": rotation}
        lifecycle.start(backend, server, "createBackup")
        return image


def _snapshot_volume_backed(backend, context, server: dict, name: str, metadata: dict) -> dict:
    """nova/compute/api.py snapshot_volume_backed: a Cinder snapshot of every volume (force), and an
    active, empty Glance image whose block_device_mapping property boots from those snapshots."""
    used = volume_quotas.usage(backend, context.project_id)["snapshots"]
    limit = volume_quotas.QUOTA_DEFAULTS["snapshots"]
    if 0 <= limit < used + len(server["volumes_attached"]):
        raise Forbidden("Quota exceeded for snapshots: Requested 1, but already used "
                        f"{used} of {limit} snapshots")
    mappings = []
    for bdm in server["volumes_attached"]:
        volume = backend.store.volumes.get(bdm["id"])
        if volume is None:
            continue
        snapshot = snapshots.create(backend, context, {"volume_id": volume["id"], "name": f"snapshot for {name}",
                                                       "description": volume["description"]},
                                    force=True, force_allowed=True)
        mappings.append({"source_type": "snapshot", "destination_type": "volume", "snapshot_id": snapshot["id"],
                         "volume_id": None, "image_id": None, "boot_index": bdm.get("boot_index"),
                         "volume_size": volume["size"], "delete_on_termination": bool(bdm["delete_on_termination"]),
                         "device_name": bdm.get("device"), "tag": None, "guest_format": None, "disk_bus": None,
                         "device_type": None, "no_device": None, "volume_type": None})
    image = _new_image(backend, context, server, name, "snapshot",
                       dict(metadata, block_device_mapping=json.dumps(mappings), bdm_v2="True",
                            root_device_name=block_devices.ROOT_DEVICE))
    image.update(container_format="bare", disk_format="raw")
    image_data.activate_empty(backend, image)
    return image


def _check_image_metadata_quota(backend, context, metadata: dict) -> None:
    allowed = quotas.limits_for(backend, context.project_id)["metadata_items"]
    if metadata and 0 <= allowed < len(metadata):
        raise Forbidden("Image metadata limit exceeded")


def _new_image(backend, context, server: dict, name: str, image_type: str, extra: dict) -> dict:
    """The Glance record Nova asks for (nova.compute.utils.create_image): the server's image properties,
    who made it and from what; a snapshot leaves the formats to the upload, a backup inherits them."""
    store = backend.store
    boot = _boot_image(backend, server)
    properties = dict(server["image_properties"])
    properties.update(instance_uuid=server["id"], user_id=context.user_id, image_type=image_type,
                      base_image_ref=server["image_ref"])
    visibility = "private"
    if context.project_id != server["project_id"]:
        # An admin snapshotting someone else's server: shared with the server's project.
        visibility = "shared"
        properties["instance_owner"] = server["project_id"]
    properties.update(extra)
    formats = ({"container_format": None, "disk_format": None} if image_type == "snapshot" else
               {"container_format": boot["container_format"], "disk_format": boot["disk_format"]})
    record = images.new_record(backend, image_id=store.ids.uuid(), name=name, owner=context.project_id,
                               status="queued", visibility=visibility, min_disk=boot["min_disk"],
                               min_ram=boot["min_ram"], properties=properties, **formats)
    store.images[record["id"]] = record
    return record


def _uploading(backend, server: dict) -> None:
    image = _uploaded_image(backend, server)
    if image is not None:
        image.update(status="saving", updated_at=backend.clock.time())


def _uploaded(backend, server: dict) -> None:
    """The upload finished: the image is active with its data; a backup then rotates."""
    image = _uploaded_image(backend, server)
    upload = server.pop("image_upload", None) or {}
    if image is not None:
        with_data = images.new_record(backend, image_id=image["id"], name=image["name"], owner=image["owner"])
        image.update({key: with_data[key] for key in ("size", "virtual_size", "checksum", "os_hash_algo",
                                                     "os_hash_value", "zero_data")})
        image.update(status="active", container_format=image["container_format"] or "bare",
                     disk_format=image["disk_format"] or "qcow2", updated_at=backend.clock.time())
    if "backup_type" in upload:
        _rotate_backups(backend, server, upload["backup_type"], upload["rotation"])


def _uploaded_image(backend, server: dict) -> dict | None:
    """The image being uploaded, unless someone deleted it meanwhile."""
    upload = server.get("image_upload") or {}
    image = backend.store.images.get(upload.get("image_id") or "")
    return image if image is not None and image["status"] not in _GONE else None


def _rotate_backups(backend, server: dict, backup_type: str, rotation: int) -> None:
    store = backend.store
    position = {image_id: index for index, image_id in enumerate(store.images)}
    backups = [image for image in store.images.values()
               if image["properties"].get("image_type") == "backup"
               and image["properties"].get("backup_type") == backup_type
               and image["properties"].get("instance_uuid") == server["id"]
               and image["status"] not in _GONE]
    # Newest first; creation order breaks ties between backups made in the same second.
    backups.sort(key=lambda image: (image["created_at"], position[image["id"]]), reverse=True)
    for image in backups[rotation:]:
        images.discard(backend, image["id"])


# --- effects: what happens when a step or a whole transition ends ----------------------------------

def _new_flavor_applied(backend, server: dict) -> None:
    """finish_resize on the destination: the server (and its quota usage) takes the new flavor."""
    if server.get("new_flavor"):
        server["flavor"] = dict(server["new_flavor"])


def _resized(backend, server: dict) -> None:
    migrations.set_status(backend, migrations.current(backend, server), "finished")
    if server.get("old_vm_state") == lifecycle.STOPPED:
        server["power_state"] = lifecycle.SHUTDOWN  # finish_resize does not power a stopped server on


def _resize_confirmed(backend, server: dict) -> None:
    migrations.set_status(backend, migrations.current(backend, server), "confirmed")
    server.update(old_flavor=None, new_flavor=None)


def _resize_reverted(backend, server: dict) -> None:
    if server.get("old_flavor"):
        server["flavor"] = dict(server["old_flavor"])
    migration = migrations.current(backend, server)
    migrations.set_status(backend, migration, "reverted")
    if migration is not None:  # finish_revert_resize runs on the source, which has the server again
        server.update(host=migration["source_compute"], node=migration["source_node"])
    server.update(old_flavor=None, new_flavor=None)


def _migration_completed(backend, server: dict) -> None:
    migration = migrations.current(backend, server)
    done = "done" if migration and migration["migration_type"] == "evacuation" else "completed"
    migrations.set_status(backend, migration, done)
    if migration is not None:
        server.update(host=migration["dest_compute"], node=migration["dest_node"])


def _migration_failed(backend, server: dict) -> None:
    migrations.set_status(backend, migrations.current(backend, server), "error")
    server.update(old_flavor=None, new_flavor=None)


def _shelved_image_created(backend, server: dict) -> None:
    """nova/compute/api.py shelve: an image-backed server gets the image "<name>-shelved", recorded
    as shelved_image_id in its system metadata; a volume-backed one keeps its volumes instead."""
    if block_devices.is_volume_backed(server):
        return
    owner = SimpleNamespace(user_id=server["user_id"], project_id=server["project_id"])
    image = _new_image(backend, owner, server, f"{server['name']}-shelved", "snapshot", {})
    server["image_upload"] = {"image_id": image["id"]}
    server["shelved_image_id"] = image["id"]


def _shelved_image_removed(backend, server: dict) -> None:
    """Unshelve deletes the shelved image (nova/compute/manager.py _delete_snapshot_of_shelved_instance)."""
    image_id = server.pop("shelved_image_id", None)
    if image_id:
        images.discard(backend, image_id)


lifecycle.EFFECTS.update({
    "shelved_image_created": _shelved_image_created,
    "shelved_image_removed": _shelved_image_removed,
    "new_flavor_applied": _new_flavor_applied,
    "resized": _resized,
    "resize_confirmed": _resize_confirmed,
    "resize_reverted": _resize_reverted,
    "migration_completed": _migration_completed,
    "migration_failed": _migration_failed,
    "image_upload_started": _uploading,
    "image_uploaded": _uploaded,
})
