"""Key pairs: scoped to a user (not a project), named uniquely per user, listed in name order.

Records live in ``store.keypairs`` under ``"<user_id>/<name>"``. Each carries the creator's
``project_id`` so quota usage can be reported per project, while the key_pairs limit is enforced
per user, as Nova counts it (nova/compute/api.py ``KeypairAPI``, nova/objects/keypair.py).
"""

from __future__ import annotations

from fakenova.domain import policy
from fakenova.domain.compute import key_material, quotas
from fakenova.domain.context import RequestContext
from fakenova.errors import BadRequest, Conflict, Forbidden, NotFound

SSH = key_material.SSH
X509 = key_material.X509

_POLICY = "os_compute_api:os-keypairs:{action}"


def _key(user_id: str, name: str) -> str:
    return f"{user_id}/{name}"


def authorize(context: RequestContext, action: str, user_id: str) -> None:
    """Nova's default rule for every keypair call: admin, or the key pairs' own user (policy table)."""
    policy.authorize(context, _POLICY.format(action=action), target_user_id=user_id)


def get(backend, user_id: str, name: str) -> dict:
    """The key pair, or 404 "Keypair {name} not found for user {user_id}" (server create turns
    this into its own 400)."""
    keypair = backend.store.keypairs.get(_key(user_id, name))
    if keypair is None:
        raise NotFound(f"Keypair {name} not found for user {user_id}")
    return keypair


def list_for_user(backend, user_id: str, *, limit: int | None = None, marker: str | None = None) -> list[dict]:
    """The user's key pairs sorted by name, after ``marker`` (a name) and at most ``limit``."""
    with backend.store.lock:
        if marker is not None and _key(user_id, marker) not in backend.store.keypairs:
            raise BadRequest(f"Marker {marker} could not be found.")
        owned = sorted((k for k in backend.store.keypairs.values() if k["user_id"] == user_id),
                       key=lambda k: k["name"])
    if marker is not None:
        owned = [k for k in owned if k["name"] > marker]
    if limit is not None:
        owned = owned[:limit]
    return owned


def count_for_user(backend, user_id: str) -> int:
    return sum(1 for k in backend.store.keypairs.values() if k["user_id"] == user_id)


def _check_quota(backend, project_id: str | None, user_id: str) -> None:
    limit = quotas.limits_for(backend, project_id)["key_pairs"]
    if limit >= 0 and count_for_user(backend, user_id) + 1 > limit:
        raise Forbidden("Quota exceeded, too many key pairs.")


def create(backend, *, context: RequestContext, user_id: str, name: str, key_type: str = SSH,
           public_key: str | None = None) -> tuple[dict, str | None]:
    """Import ``public_key``, or generate a key pair when it is None.

    Returns the record and the private key (None for an import). Checks run in Nova's order:
    quota (403), key data (400), then the name (409)."""
    store = backend.store
    with store.lock:
        _check_quota(backend, context.project_id, user_id)
    # Generating an RSA key takes a while: do it outside the lock, then re-check before storing.
    if public_key is None:
        material = key_material.generate(key_type, user_id, backend.clock.now())
        public_key, fingerprint, private_key = material.public_key, material.fingerprint, material.private_key
    else:
        fingerprint, private_key = key_material.fingerprint(public_key, key_type), None
    with store.lock:
        if _key(user_id, name) in store.keypairs:
            raise Conflict(f"Key pair '{name}' already exists.")
        _check_quota(backend, context.project_id, user_id)
        record = {
            "id": _next_id(store),
            "name": name,
            "user_id": user_id,
            "project_id": context.project_id,
            "type": key_type,
            "public_key": public_key,
            "fingerprint": fingerprint,
            "created_at": backend.clock.time(),
            # Nova never updates nor soft-deletes key pairs; these stay as the API shows them.
            "updated_at": None,
            "deleted": False,
            "deleted_at": None,
        }
        store.keypairs[_key(user_id, name)] = record
    return record, private_key


def _next_id(store) -> int:
    # Stands in for the API database's autoincrement key.
    return max((k["id"] for k in store.keypairs.values()), default=0) + 1


def delete(backend, user_id: str, name: str) -> None:
    with backend.store.lock:
        get(backend, user_id, name)
        del backend.store.keypairs[_key(user_id, name)]
