"""Host aggregates (os-aggregates) and the availability zones Nova derives from their metadata.

A compute host's zone is the ``availability_zone`` metadata of an aggregate holding it, else
Nova's default zone "nova" (nova/availability_zones.py get_host_availability_zone). Changing a zone
is refused as Nova's AggregateAPI refuses it (nova/compute/api.py is_safe_to_update_az,
ensure_no_instances_need_to_move_az_when_host_added/removed); the texts are nova/exception.py's.
Checked against nova master (API 2.104) nova/api/openstack/compute/aggregates.py.
"""

from __future__ import annotations

import uuid

from fakenova.domain import policy
from fakenova.domain.compute import compute_services, lifecycle
from fakenova.errors import BadRequest, Conflict, NotFound

_RULE = "os_compute_api:os-aggregates:"
ADD, REMOVE, UPDATE, UPDATE_META, DELETE = "add", "remove", "update", "update_meta", "delete"
_ACTION_TEXT = {
    ADD: "Cannot add host to aggregate {id}. Reason: {reason}.",
    DELETE: "Cannot remove host from aggregate {id}. Reason: {reason}.",
    UPDATE: "Cannot update aggregate {id}. Reason: {reason}.",
    UPDATE_META: "Cannot update metadata of aggregate {id}. Reason: {reason}.",
}


def authorize(context, action: str) -> None:
    policy.authorize(context, _RULE + action)


def _id(aggregate_id: str) -> int:
    """nova.utils.validate_integer(id, 'id')."""
    try:
        return int(str(aggregate_id))
    except ValueError:
        raise BadRequest("Invalid input received: id must be an integer") from None


def get(backend, aggregate_id: str) -> dict:
    number = _id(aggregate_id)
    aggregate = backend.store.aggregates.get(str(number))
    if aggregate is None:
        raise NotFound(f"Aggregate {number} could not be found.")
    return aggregate


def list_all(backend) -> list[dict]:
    return sorted(backend.store.aggregates.values(), key=lambda a: a["id"])


def zone(aggregate: dict) -> str | None:
    return aggregate["metadata"].get("availability_zone")


def host_zone(backend, host: str) -> str:
    """The host's availability zone: its aggregates' zone metadata, else the default zone."""
    zones = sorted({zone(a) for a in backend.store.aggregates.values() if host in a["hosts"] and zone(a)})
    return zones[0] if zones else lifecycle.DEFAULT_AZ


def create(backend, name: str, availability_zone: str | None) -> dict:
    store = backend.store
    with store.lock:
        if any(a["name"] == name for a in store.aggregates.values()):
            raise Conflict(f"Aggregate {name} already exists.")
        number = max((a["id"] for a in store.aggregates.values()), default=0) + 1
        now = backend.clock.time()
        aggregate = {"id": number, "uuid": str(uuid.UUID(int=store.ids.randbits(128), version=4)), "name": name,
                     "hosts": [], "metadata": {"availability_zone": availability_zone} if availability_zone else {},
                     "created_at": now, "updated_at": None}
        store.aggregates[str(number)] = aggregate
        return aggregate


def update(backend, aggregate_id: str, changes: dict) -> dict:
    store = backend.store
    with store.lock:
        aggregate = get(backend, aggregate_id)
        values = dict(changes)
        if "name" in values:
            name = values.pop("name")
            if any(a["name"] == name and a["id"] != aggregate["id"] for a in store.aggregates.values()):
                raise Conflict(f"Aggregate {name} already exists.")
            aggregate["name"] = name
        _check_zone_change(backend, values, aggregate, UPDATE, check_instances=True)
        if values:
            _update_metadata(aggregate, values)
        aggregate["updated_at"] = backend.clock.time()
        _refresh_service_zones(backend)
        return aggregate


def set_metadata(backend, aggregate_id: str, metadata: dict) -> dict:
    with backend.store.lock:
        aggregate = get(backend, aggregate_id)
        _check_zone_change(backend, metadata, aggregate, UPDATE_META, check_instances=True)
        _update_metadata(aggregate, metadata)
        aggregate["updated_at"] = backend.clock.time()
        _refresh_service_zones(backend)
        return aggregate


def delete(backend, aggregate_id: str) -> None:
    with backend.store.lock:
        aggregate = get(backend, aggregate_id)
        if aggregate["hosts"]:
            raise BadRequest(_ACTION_TEXT[DELETE].format(id=aggregate["id"], reason="Host aggregate is not empty"))
        del backend.store.aggregates[str(aggregate["id"])]


def add_host(backend, aggregate_id: str, host: str) -> dict:
    with backend.store.lock:
        if compute_services.compute_service(backend, host) is None:
            raise NotFound(f"Host '{host}' is not mapped to any cell")
        aggregate = get(backend, aggregate_id)
        _check_zone_change(backend, aggregate["metadata"], aggregate, ADD, hosts=[host], conflict=True)
        new_zone = zone(aggregate)
        old_zone = next(iter(sorted({zone(a) for a in backend.store.aggregates.values()
                                     if host in a["hosts"] and zone(a)})), None)
        instances = _instances_on(backend, [host])
        if instances and new_zone and old_zone != new_zone:
            raise Conflict(_ACTION_TEXT[ADD].format(id=aggregate["id"], reason=(
                "The host cannot be added to the aggregate as the availability zone of the host would change "
                f"from '{old_zone}' to '{new_zone}' but the host already has {instances} instance(s). Changing "
                "the AZ of an existing instance is not supported by this action. Move the instances away from "
                "this host then try again. If you need to move the instances between AZs then you can use "
                "shelve_offload and unshelve to achieve this.")))
        if host in aggregate["hosts"]:
            raise Conflict(f"Aggregate {aggregate['id']} already has host {host}.")
        aggregate["hosts"].append(host)
        _refresh_service_zones(backend)
        return aggregate


def remove_host(backend, aggregate_id: str, host: str) -> dict:
    with backend.store.lock:
        try:
            aggregate = get(backend, aggregate_id)
        except NotFound:
            aggregate = None
        if (aggregate is None or compute_services.compute_service(backend, host) is None
                or host not in aggregate["hosts"]):
            raise NotFound(f"Cannot remove host {host} in aggregate {aggregate_id}")
        instances = _instances_on(backend, [host])
        if instances and zone(aggregate):
            remaining = sorted({zone(a) for a in backend.store.aggregates.values()
                                if host in a["hosts"] and zone(a) and a["id"] != aggregate["id"]})
            new_zone = remaining[0] if remaining else lifecycle.DEFAULT_AZ
            if new_zone != zone(aggregate):
                raise Conflict(_ACTION_TEXT[DELETE].format(id=aggregate["id"], reason=(
                    "The host cannot be removed from the aggregate as the availability zone of the host would "
                    f"change from '{zone(aggregate)}' to '{new_zone}' but the host already has {instances} "
                    "instance(s). Changing the AZ of an existing instance is not supported by this action. Move "
                    "the instances away from this host then try again. If you need to move the instances between "
                    "AZs then you can use shelve_offload and unshelve to achieve this.")))
        aggregate["hosts"].remove(host)
        _refresh_service_zones(backend)
        return aggregate


def _update_metadata(aggregate: dict, metadata: dict) -> None:
    """Aggregate.update_metadata: a None value deletes the key."""
    for key, value in metadata.items():
        if value is None:
            aggregate["metadata"].pop(key, None)
        else:
            aggregate["metadata"][key] = value


def _check_zone_change(backend, metadata: dict, aggregate: dict, action: str, *, hosts=None,
                       check_instances: bool = False, conflict: bool = False) -> None:
    """is_safe_to_update_az: no empty zone name, no host in two zones, no instance changing zone."""
    if "availability_zone" not in metadata:
        return
    error = Conflict if conflict else BadRequest
    wanted = metadata["availability_zone"]
    if not wanted:
        raise error(_ACTION_TEXT[action].format(id=aggregate["id"], reason=(
            f"Aggregate {aggregate['name']} does not support empty named availability zone")))
    hosts = hosts or aggregate["hosts"]
    conflicting = [zone(a) for a in list_all(backend)
                   if zone(a) and zone(a) != wanted and a["id"] != aggregate["id"]
                   and any(h in a["hosts"] for h in hosts)]
    if conflicting:
        raise error(_ACTION_TEXT[action].format(id=aggregate["id"], reason=(
            f"One or more hosts already in availability zone(s) {conflicting}")))
    if check_instances and zone(aggregate) != wanted and _instances_on(backend, hosts):
        raise error(_ACTION_TEXT[action].format(id=aggregate["id"], reason=(
            "One or more hosts contain instances in this zone")))


def _instances_on(backend, hosts: list[str]) -> int:
    return sum(1 for s in backend.store.servers.values() if s.get("host") in hosts and not s.get("deleted"))


def _refresh_service_zones(backend) -> None:
    """os-services shows each nova-compute service in its host's zone."""
    for service in backend.store.services.values():
        if service["binary"] == compute_services.COMPUTE:
            service["zone"] = host_zone(backend, service["host"])
