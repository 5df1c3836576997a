"""Glance image members (sharing a ``shared`` image with other projects) and image tags.
No Flask here.

A shared image's members live in the image record: ``members`` = {project id: {status, created_at,
updated_at}}; status is pending until the member accepts or rejects. A member sees the image by id at
once, and in its list once it has accepted (the list's default ``member_status=accepted``).

Checked against glance/api/v2/image_members.py, image_tags.py, glance/domain/__init__.py and the
storage facts file A.5-A.6 (Glance master, 2026).
"""

from __future__ import annotations

from fakenova.domain.image import images
from fakenova.errors import BadRequest, Conflict, Forbidden, NotFound, RequestTooLarge

STATUSES = ("pending", "accepted", "rejected")
MEMBER_QUOTA = 128  # image_member_quota
TAG_QUOTA = 128     # image_tag_quota


def _owned_shared(backend, context, image_id: str, *, action: str) -> dict:
    image = images.get(backend, image_id, context)
    if not context.is_admin and image["owner"] != context.project_id:
        raise Forbidden(f"You are not permitted to {action} image {image_id}.") if action else NotFound(
            f"No image found with ID {image_id}")
    if image["visibility"] != "shared":
        raise Forbidden("Only shared images have members.")
    return image


def _view(image: dict, member_id: str) -> dict:
    return {"member_id": member_id, "image_id": image["id"], **image["members"][member_id]}


def add(backend, context, image_id: str, member_id) -> dict:
    if not isinstance(member_id, str) or not member_id:
        raise BadRequest("Member to be added not specified")
    with backend.store.lock:
        image = _owned_shared(backend, context, image_id, action="")
        members = image.setdefault("members", {})
        if member_id in members:
            raise Conflict(f"Member {member_id} is duplicated for image {image_id}")
        if len(members) >= MEMBER_QUOTA:
            raise RequestTooLarge(f"Image member limit exceeded for image {image_id}: {MEMBER_QUOTA}")
        now = backend.clock.time()
        members[member_id] = {"status": "pending", "created_at": now, "updated_at": now}
        return _view(image, member_id)


def listed(backend, context, image_id: str) -> list[dict]:
    """The owner sees every member, a member only itself; others 404."""
    with backend.store.lock:
        image = images.get(backend, image_id, context)
        members = image.get("members") or {}
        if context.is_admin or image["owner"] == context.project_id:
            if image["visibility"] != "shared":
                raise Forbidden("Only shared images have members.")
            return [_view(image, member) for member in members]
        if context.project_id in members:
            return [_view(image, context.project_id)]
        raise NotFound(f"No image found with ID {image_id}")


def get(backend, context, image_id: str, member_id: str) -> dict:
    with backend.store.lock:
        image = images.get(backend, image_id, context)
        members = image.get("members") or {}
        allowed = context.is_admin or image["owner"] == context.project_id or context.project_id == member_id
        if not allowed or image["visibility"] != "shared":
            raise NotFound(f"No image found with ID {image_id}")  # Glance turns every 403 here into 404
        if member_id not in members:
            raise NotFound(f"{member_id} not found in the member list of the image {image_id}.")
        return _view(image, member_id)


def update(backend, context, image_id: str, member_id: str, status) -> dict:
    """Only the member (or an admin) accepts or rejects."""
    with backend.store.lock:
        image = images.get(backend, image_id, context)
        members = image.get("members") or {}
        if image["visibility"] != "shared":
            raise Forbidden("Only shared images have members.")
        if member_id not in members:
            raise NotFound(f"{member_id} not found in the member list of the image {image_id}.")
        if not context.is_admin and context.project_id != member_id:
            raise Forbidden(f"Not allowed to update members for image {image_id}.")
        if status not in STATUSES:
            raise BadRequest(f"Provided object does not match schema 'member': '{status}' is not one of "
                             f"{list(STATUSES)}")
        members[member_id].update(status=status, updated_at=backend.clock.time())
        return _view(image, member_id)


def remove(backend, context, image_id: str, member_id: str) -> None:
    with backend.store.lock:
        image = _owned_shared(backend, context, image_id, action="")
        if member_id not in (image.get("members") or {}):
            raise NotFound(f"{member_id} not found in the member list of the image {image_id}.")
        del image["members"][member_id]


# --- tags ------------------------------------------------------------------------------------------

def _tag_target(backend, context, image_id: str) -> dict:
    try:
        image = images.get(backend, image_id, context)
    except NotFound:
        raise NotFound(f"Image {image_id} not found.") from None
    if not context.is_admin and image["owner"] != context.project_id:
        raise Forbidden(f"Not allowed to update tags for image {image_id}.")
    return image


def add_tag(backend, context, image_id: str, tag: str) -> None:
    with backend.store.lock:
        image = _tag_target(backend, context, image_id)
        if tag in image["tags"]:
            return
        if len(tag) > 255:
            raise BadRequest(f"Provided object does not match schema 'image': '{tag}' is too long")
        if len(image["tags"]) >= TAG_QUOTA:
            raise RequestTooLarge(f"Image tag limit exceeded for image {image_id}: {TAG_QUOTA}")
        image["tags"].append(tag)
        image["updated_at"] = backend.clock.time()


def remove_tag(backend, context, image_id: str, tag: str) -> None:
    with backend.store.lock:
        image = _tag_target(backend, context, image_id)
        if tag not in image["tags"]:
            raise NotFound(f"Tag {tag} not found.")
        image["tags"].remove(tag)
        image["updated_at"] = backend.clock.time()


# --- deactivate / reactivate (glance/api/v2/image_actions.py) ---------------------------------------

def set_active(backend, context, image_id: str, active: bool) -> None:
    with backend.store.lock:
        image = images.get(backend, image_id, context)
        if not context.is_admin and image["owner"] != context.project_id:
            raise Forbidden(f"You are not authorized to complete {'reactivate' if active else 'deactivate'} action.")
        if image["status"] not in ("active", "deactivated"):
            action = "reactivate" if active else "deactivate"
            raise Forbidden(f"Not allowed to {action} image in status '{image['status']}'")
        image.update(status="active" if active else "deactivated", updated_at=backend.clock.time())
