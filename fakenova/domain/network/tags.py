"""Tags on Neutron resources (/v2.0/{resources}/{id}/tags; neutron/extensions/tagging.py and
neutron/services/tag/tag_plugin.py): at most 50 per resource, each at most 255 characters; every
change bumps the resource's revision."""

from __future__ import annotations

from fakenova.domain.network import floating_ips, networks, ports, routers, security_groups, subnet_pools, subnets
from fakenova.domain.network.common import authorize_write, bad_request, invalid_input, not_found, touch

MAX_TAGS = 50
MAX_TAG_LENGTH = 255

# URL collection -> (store collection, lookup (404 with the resource's own text), singular name).
RESOURCES = {
    "networks": ("networks", networks.get_network, "network"),
    "subnets": ("subnets", subnets.get_subnet, "subnet"),
    "ports": ("ports", ports.get_port, "port"),
    "routers": ("routers", routers.get_router, "router"),
    "subnetpools": ("subnetpools", subnet_pools.get_pool, "subnetpool"),
    "floatingips": ("floatingips", lambda backend, rid, ctx: floating_ips.get(backend, rid, ctx), "floatingip"),
    "security-groups": ("security_groups", lambda backend, rid, ctx: security_groups.get(backend, rid, ctx),
                        "security_group"),
}


def _record(backend, context, collection: str, resource_id: str) -> dict:
    _, lookup, _ = RESOURCES[collection]
    return lookup(backend, resource_id, context)


def _checked(collection: str, tags) -> list[str]:
    if not isinstance(tags, list):
        raise invalid_input("Invalid tags body")
    for tag in tags:
        check_tag(tag)
    duplicates = sorted({t for t in tags if tags.count(t) > 1})
    if duplicates:
        raise invalid_input(f"Duplicate items in the list: '{', '.join(duplicates)}'")
    if len(tags) > MAX_TAGS:
        raise bad_request(RESOURCES[collection][2], f"The number of tags exceed the per-resource limit of {MAX_TAGS}")
    return list(tags)


def check_tag(tag) -> None:
    if not isinstance(tag, str) or not tag or len(tag) > MAX_TAG_LENGTH or "," in tag:
        raise invalid_input(f"'{tag}' is not a valid tag" if isinstance(tag, str) and tag
                            else f"'{tag}' is not a valid string")


def get_tags(backend, context, collection: str, resource_id: str) -> list[str]:
    with backend.store.lock:
        return list(_record(backend, context, collection, resource_id)["tags"])


def has_tag(backend, context, collection: str, resource_id: str, tag: str) -> None:
    with backend.store.lock:
        if tag not in _record(backend, context, collection, resource_id)["tags"]:
            raise not_found("TagNotFound", f"Tag {tag} could not be found.")


def _writable(backend, context, collection: str, resource_id: str) -> dict:
    record = _record(backend, context, collection, resource_id)
    authorize_write(context, record, f"update_{RESOURCES[collection][2]}s_tags")
    return record


def add_tag(backend, context, collection: str, resource_id: str, tag: str) -> None:
    check_tag(tag)
    with backend.store.lock:
        record = _writable(backend, context, collection, resource_id)
        if tag not in record["tags"]:
            if len(record["tags"]) >= MAX_TAGS:
                raise bad_request(RESOURCES[collection][2],
                                  f"The number of tags exceed the per-resource limit of {MAX_TAGS}")
            record["tags"].append(tag)
            touch(backend, record)


def replace_tags(backend, context, collection: str, resource_id: str, tags) -> list[str]:
    tags = _checked(collection, tags)
    with backend.store.lock:
        record = _writable(backend, context, collection, resource_id)
        record["tags"] = tags
        touch(backend, record)
        return list(tags)


def add_tags(backend, context, collection: str, resource_id: str, tags) -> list[str]:
    tags = _checked(collection, tags)
    with backend.store.lock:
        record = _writable(backend, context, collection, resource_id)
        merged = record["tags"] + [t for t in tags if t not in record["tags"]]
        _checked(collection, merged)
        record["tags"] = merged
        touch(backend, record)
        return list(merged)


def remove_tag(backend, context, collection: str, resource_id: str, tag: str) -> None:
    with backend.store.lock:
        record = _writable(backend, context, collection, resource_id)
        if tag not in record["tags"]:
            raise not_found("TagNotFound", f"Tag {tag} could not be found.")
        record["tags"].remove(tag)
        touch(backend, record)


def remove_all(backend, context, collection: str, resource_id: str) -> None:
    with backend.store.lock:
        record = _writable(backend, context, collection, resource_id)
        record["tags"] = []
        touch(backend, record)
