"""A server's volume block device mappings: device names, attaching a checked volume to a server
(Nova's record and Cinder's together), the boot volumes of a new server, and what a destroyed server
does with its volumes. ``volume_attachments`` serves the API on top of this; ``servers`` uses it at boot.

A mapping is an entry of ``server["volumes_attached"]``: {id (the volume id), device, tag,
delete_on_termination, attachment_id, bdm_uuid, boot_index}.
"""

from __future__ import annotations

import json
import string
import uuid as uuid_module

from fakenova.domain.compute import boot_checks, lifecycle
from fakenova.domain.image import images
from fakenova.domain.volume import snapshots, timing, volumes
from fakenova.errors import APIError, BadRequest, NotFound

ROOT_DEVICE = "/dev/vda"


def is_volume_backed(server: dict) -> bool:
    """Nova's is_volume_backed_instance: the root disk (boot index 0) is a volume."""
    return any(bdm.get("boot_index") == 0 for bdm in server.get("volumes_attached", ())) or not server["image_ref"]


def root_mapping(server: dict) -> dict | None:
    return next((bdm for bdm in server.get("volumes_attached", ()) if bdm.get("boot_index") == 0), None)


def mapping(server: dict, volume_id: str) -> dict | None:
    return next((bdm for bdm in server["volumes_attached"] if bdm["id"] == volume_id), None)


def check_not_attached(backend, volume: dict) -> None:
    """Nova's _check_volume_already_attached: a volume (never multiattach here) serves one server."""
    holders = [s["id"] for s in backend.store.servers.values()
               if not s.get("deleted") and mapping(s, volume["id"]) is not None]
    if holders:
        raise BadRequest(f"Invalid volume: volume {volume['id']} is already attached to instances: "
                         f"{' '.join(holders)}")


def reserve(volume: dict, *, request_id: str) -> None:
    """Cinder's answer to the attachment Nova asks for, as Nova words it (InvalidInput from a 400)."""
    refusal = volumes.reserve_failure(volume)
    if refusal:
        raise BadRequest(f"Invalid input received: {refusal} (HTTP 400) (Request-ID: {request_id})")


def connect(backend, server: dict, volume: dict, *, device: str | None, tag, boot_index,
             delete_on_termination: bool) -> dict:
    store = backend.store
    bdm = {"id": volume["id"], "device": device, "tag": tag, "delete_on_termination": delete_on_termination,
           "attachment_id": store.ids.uuid(), "bdm_uuid": store.ids.uuid(), "boot_index": boot_index}
    server["volumes_attached"].append(bdm)
    volumes.attach(backend, volume, server_id=server["id"], device=device, attachment_id=bdm["attachment_id"])
    return bdm


def next_device(server: dict) -> str:
    """The first /dev/vdX the server does not use; vda is the root disk (image or boot volume)."""
    used = {bdm.get("device") for bdm in server["volumes_attached"]} | {ROOT_DEVICE}
    for index in range(1, 26 * 27):
        name = "/dev/vd" + _letters(index)
        if name not in used:
            return name
    raise AssertionError("no free device name")  # 700 volumes: beyond any real server


def _letters(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: the way libvirt names disks past vdz."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = string.ascii_lowercase[rest] + letters
    return letters


def check_boot_volumes(backend, context, mappings: list[dict], count: int, flavor: dict | None = None) -> None:
    """Server create: what each mapping names must exist for the caller and be usable (400s with
    Nova's texts: VolumeNotFound from _get_volumes_for_bdms, Cinder's refusal via _validate_bdm,
    InvalidBDM* from block_device.py and get_bdm_image_metadata). Nova reserves existing volumes once
    per instance, so a second instance finds them "reserved"."""
    for mapping in mappings:
        source, uuid, root = mapping["source"], mapping["uuid"], mapping["boot_index"] == 0
        if source == "volume":
            try:
                volume = volumes.get(backend, context, uuid)
            except NotFound as exc:
                raise BadRequest(exc.message) from None
            refusal = volumes.reserve_failure(volume)
            if refusal is None and count > 1:
                refusal = volumes.reserve_failure(dict(volume, status="reserved"))
            if refusal:
                raise BadRequest(f"Invalid volume: Invalid input received: {refusal} (HTTP 400) "
                                 f"(Request-ID: req-{uuid_module.uuid4()})")
            if root and not volume["bootable"]:
                raise BadRequest(f"Block Device {uuid} is not bootable.")
        elif source == "snapshot":
            try:
                snapshot = snapshots.get(backend, context, uuid)
            except NotFound:
                raise BadRequest(f"Block Device Mapping is Invalid: failed to get snapshot {uuid}.") from None
            if root and not snapshot.get("bootable"):
                raise BadRequest(f"Block Device {snapshot['volume_id']} is not bootable.")
        elif source == "image":
            try:
                image = images.get(backend, uuid, context)
            except NotFound:
                raise BadRequest(f"Block Device Mapping is Invalid: failed to get image {uuid}.") from None
            boot_checks.check_active(image, uuid)
            if root and flavor is not None:
                boot_checks.check_flavor_fits_image(context, image, flavor, image_size=int(image.get("size") or 0),
                                                    volume_root=True, volume_size_gb=mapping["size"])


def from_image_mappings(image: dict) -> list[dict]:
    """The volume mappings an image carries (nova/compute/api.py _get_bdm_image_metadata and
    block_device.from_legacy_mapping on image_meta['properties']['block_device_mapping']): what
    createImage of a volume-backed server recorded, so a server booted from that image gets new
    volumes from the same snapshots."""
    properties = image.get("properties") or {}
    if str(properties.get("bdm_v2")).lower() != "true" or not properties.get("block_device_mapping"):
        return []
    try:
        recorded = json.loads(properties["block_device_mapping"])
    except (TypeError, ValueError):
        return []
    mappings = []
    for bdm in recorded if isinstance(recorded, list) else ():
        if not isinstance(bdm, dict) or bdm.get("destination_type") != "volume":
            continue
        source = bdm.get("source_type")
        uuid = bdm.get(f"{source}_id") if source in ("snapshot", "volume", "image") else None
        if source not in ("snapshot", "volume", "image", "blank"):
            continue
        mappings.append({"source": source, "uuid": uuid, "size": bdm.get("volume_size"),
                         "boot_index": bdm.get("boot_index"), "tag": bdm.get("tag"),
                         "delete_on_termination": bool(bdm.get("delete_on_termination")),
                         "volume_type": bdm.get("volume_type")})
    return mappings


def root_image_properties(backend, context, mappings: list[dict]) -> dict:
    """The image properties of a server booted from a volume (get_bdm_image_metadata): the root
    volume's (or snapshot's) volume_image_metadata, or the image the root volume is made from."""
    root = next((m for m in mappings if m["boot_index"] == 0), None)
    if root is None or root["source"] == "blank":
        return {}
    if root["source"] == "image":
        return dict(images.get(backend, root["uuid"], context).get("properties") or {})
    record = (volumes.get(backend, context, root["uuid"]) if root["source"] == "volume"
              else snapshots.get(backend, context, root["uuid"]))
    return {key: value for key, value in (record.get("image_metadata") or {}).items()
            if key not in volumes.IMAGE_METADATA_KEYS + ("image_id", "image_name")}


def connect_boot_volumes(backend, context, server: dict, mappings: list[dict], *, make_volumes: bool = True) -> str | None:
    """Attach a new server's volumes: existing ones at once; from an image, a snapshot or blank,
    Nova's compute host asks Cinder for the volume first (name "" or "<server>-blank-vol", and it
    waits for it to be available). Boot index 0 is /dev/vda, the rest follow. Returns the build's
    fault message if Cinder refused a volume, else None."""
    server["volumes_attached"] = []
    for mapping in sorted(mappings, key=lambda m: m["boot_index"] != 0):
        if mapping["source"] == "volume":
            volume = backend.store.volumes[mapping["uuid"]]
        elif not make_volumes:
            continue
        else:
            try:
                volume = _new_volume(backend, context, server, mapping)
            except APIError as exc:
                return f"Build of instance {server['id']} aborted: {exc.message}"
        device = ROOT_DEVICE if mapping["boot_index"] == 0 else next_device(server)
        connect(backend, server, volume, device=device, tag=mapping["tag"], boot_index=mapping["boot_index"],
                delete_on_termination=mapping["delete_on_termination"])
    return None


def _new_volume(backend, context, server: dict, mapping: dict) -> dict:
    """POST /v3/volumes as nova/volume/cinder.py create() sends it, then the volume is ready."""
    source = mapping["source"]
    request = {"size": mapping["size"], "description": "", "volume_type": mapping["volume_type"],
               "name": f"{server['id']}-blank-vol" if source == "blank" else "",
               "availability_zone": None, "metadata": {}}
    image = None
    if source == "snapshot":
        request["snapshot_id"] = mapping["uuid"]
    elif source == "image":
        image = images.get(backend, mapping["uuid"], context)
    volume = volumes.create(backend, context, request, image=image)
    timing.finish_now(volume)  # Nova polls until Cinder has made it; the build includes that wait
    return volume


def _release_volumes(backend, server: dict) -> None:
    """A destroyed server lets go of its volumes: delete_on_termination ones are deleted, the others
    are available again (nova-compute's _cleanup_volumes)."""
    for bdm in server.get("volumes_attached", ()):
        volume = volumes.detach(backend, bdm["id"], server["id"])
        if volume is not None and bdm.get("delete_on_termination") and not volume["attachments"]:
            volumes.remove(backend, volume["id"])


def _volumes_parked(backend, server: dict) -> None:
    """Shelve-offload: Nova swaps each attachment for one without a connector, so Cinder holds the
    volume ``reserved`` (no device) until the server is back on a host (_terminate_volume_connections)."""
    for bdm in server.get("volumes_attached", ()):
        volumes.set_connection(backend, bdm["id"], server["id"], device=None, attached=False)


def _volumes_reconnected(backend, server: dict) -> None:
    """Unshelve: every volume is connected on the new host; one attached while the server was
    offloaded gets its device name now (the root is /dev/vda)."""
    for bdm in server.get("volumes_attached", ()):
        if not bdm.get("device"):
            bdm["device"] = ROOT_DEVICE if bdm.get("boot_index") == 0 else next_device(server)
        volumes.set_connection(backend, bdm["id"], server["id"], device=bdm["device"], attached=True)


lifecycle.EFFECTS.update({"release_volumes": _release_volumes, "volumes_parked": _volumes_parked,
                          "volumes_reconnected": _volumes_reconnected})
