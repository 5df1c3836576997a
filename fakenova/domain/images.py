"""Images (the Glance side): seeded public images; servers boot from them, snapshots add to them."""

from __future__ import annotations

import hashlib

from fakenova.config import ConfigError
from fakenova.errors import NotFound
from fakenova.seeds import stable_uuid


def seed(backend) -> None:
    store = backend.store
    admin_project = next((p["id"] for p in store.projects.values() if p["name"] == "admin"), None)
    created = backend.clock.time()
    for entry in backend.settings.images:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError(f"images: each entry needs a name: {entry!r}")
        image_id = entry.get("id") or stable_uuid("image", entry["name"])
        digest = hashlib.md5(entry["name"].encode()).hexdigest()
        store.images[image_id] = {
            "id": image_id,
            "name": entry["name"],
            "status": "active",
            "visibility": entry.get("visibility", "public"),
            "protected": False,
            "os_hidden": False,
            "container_format": entry.get("container_format", "bare"),
            "disk_format": entry.get("disk_format", "qcow2"),
            "size": int(entry.get("size", 21430272)),
            "virtual_size": int(entry.get("virtual_size", 117440512)),
            "min_disk": int(entry.get("min_disk", 0)),
            "min_ram": int(entry.get("min_ram", 0)),
            "checksum": digest,
            "os_hash_algo": "sha512",
            "os_hash_value": hashlib.sha512(entry["name"].encode()).hexdigest(),
            "owner": entry.get("owner", admin_project),
            "tags": list(entry.get("tags", [])),
            "properties": dict(entry.get("properties", {"hw_rng_model": "virtio"})),
            "created_at": created,
            "updated_at": created,
        }


def get(backend, image_id: str) -> dict:
    image = backend.store.images.get(image_id)
    if image is None:
        raise NotFound(f"No image found with ID {image_id}")
    return image
