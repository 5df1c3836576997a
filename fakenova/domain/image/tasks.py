"""Glance tasks: the record an image import leaves (``api_image_import``, GET /v2/images/{id}/tasks,
Image API 2.12+) and the legacy, admin-only tasks API (POST/GET /v2/tasks).

A record in ``store.image_tasks`` holds the columns of Glance's tasks and task_info tables
(glance/db/sqlalchemy/models.py): id, type, status, owner, image_id, request_id, user_id, input,
result, message, created_at, updated_at, expires_at (epoch seconds; None until the task ends).

fakenova's imports finish within the request, so a glance-direct import's task is ``success`` as soon
as the import answers (Glance's ``_CompleteTask`` result ``{"image_id": ...}``); ``expires_at`` is then
``task_time_to_live`` (48 h) later, as ``Task.succeed``/``Task.fail`` set it (glance/domain/__init__.py).
A legacy ``import`` task would fetch ``import_from`` over HTTP; fakenova fetches nothing, so the task
fails at once with a message that says so (Glance itself fails such a task when the fetch fails).
"""

from __future__ import annotations

import logging
import re

from fakenova.domain.image import images
from fakenova.errors import BadRequest, Forbidden, NotFound

log = logging.getLogger("fakenova")

TASK_TIME_TO_LIVE = 48 * 3600  # glance/common/config.py [task] task_time_to_live (hours)
TYPES = ("import", "api_image_import", "location_import")  # glance/api/v2/tasks.py _TASK_SCHEMA
STATUSES = ("pending", "processing", "success", "failure")
SORT_KEYS = ("created_at", "updated_at", "id", "type", "status", "owner", "expires_at")  # the tasks columns
DEFAULT_LIMIT, MAX_LIMIT = 25, 1000  # glance's limit_param_default, api_limit_max
# glance/common/config.py import_filtering_opts defaults: allowed_schemes, allowed_ports.
ALLOWED_SCHEMES, ALLOWED_PORTS = ("http", "https"), (80, 443)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _new(backend, context, *, task_type: str, image_id: str | None, task_input) -> dict:
    now = backend.clock.time()
    task = {"id": backend.store.ids.uuid(), "type": task_type, "status": "pending", "owner": context.project_id,
            "image_id": image_id, "request_id": context.request_id or None, "user_id": context.user_id,
            "input": task_input, "result": None, "message": "", "created_at": now, "updated_at": now,
            "expires_at": None}
    backend.store.image_tasks[task["id"]] = task
    return task


def _end(backend, task: dict, status: str, *, result=None, message: str = "") -> None:
    now = backend.clock.time()
    task.update(status=status, result=result, message=message, updated_at=now, expires_at=now + TASK_TIME_TO_LIVE)


def record_import(backend, context, image: dict, body: dict) -> dict:
    """The ``api_image_import`` task of an import that has just completed (images.py import_image:
    input = image id, the request body, the target stores; fakenova has the one default store)."""
    with backend.store.lock:
        task = _new(backend, context, task_type="api_image_import", image_id=image["id"],
                    task_input={"image_id": image["id"], "import_req": body, "backend": [None]})
        _end(backend, task, "success", result={"image_id": image["id"]})
        return task


def for_image(backend, context, image_id: str) -> list[dict]:
    """GET /v2/images/{id}/tasks: the image's tasks that have not expired, for whoever may see the
    image (images.py get_task_info: any refusal is 404; db tasks_get_by_image drops expired ones)."""
    with backend.store.lock:
        try:
            image = images.get(backend, image_id, context)
        except NotFound:
            raise NotFound("The resource could not be found.") from None
        now = backend.clock.time()
        return [task for task in backend.store.image_tasks.values()
                if task["image_id"] == image["id"] and not _expired(task, now) and _visible(task, context)]


def _expired(task: dict, now: float) -> bool:
    return task["expires_at"] is not None and task["expires_at"] < now


def _visible(task: dict, context) -> bool:
    """glance/db/sqlalchemy/api.py _is_task_visible: admins see all, others their project's."""
    return context.is_admin or task["owner"] is None or task["owner"] == context.project_id


def require_access(context) -> None:
    """Policy ``tasks_api_access`` is ``role:admin`` (glance/policies/tasks.py)."""
    if not context.is_admin:
        raise Forbidden('You are not authorized to complete tasks_api_access action.')


def create(backend, context, body) -> dict:
    """POST /v2/tasks (tasks.py TasksController.create, RequestDeserializer.create)."""
    require_access(context)
    if not isinstance(body, dict):
        raise BadRequest("Body expected in request.")
    for name in ("type", "input"):
        if name not in body:
            raise BadRequest(f"Task '{name}' is required")
    if body["type"] not in TYPES:
        raise BadRequest(f"Provided object does not match schema 'task': {body['type']!r} is not one of "
                         f"{list(TYPES)}")
    task_input = body["input"]
    if task_input is not None and not isinstance(task_input, dict):
        raise BadRequest(f"Provided object does not match schema 'task': {task_input!r} is not of type "
                         "'null', 'object'")
    task_input = task_input or {}
    if body["type"] == "import":
        _check_import_from(task_input.get("import_from"))
    with backend.store.lock:
        task = _new(backend, context, task_type=body["type"], image_id=task_input.get("image_id"),
                    task_input=task_input)
        if body["type"] == "import":
            log.warning("image task %s: import from %s not run: fakenova fetches no URLs", task["id"],
                        task_input.get("import_from"))
            _end(backend, task, "failure", message=f"fakenova does not fetch image data from URLs: "
                                                   f"{task_input.get('import_from')} was not imported.")
        else:
            log.warning("image task %s: type %s is not run by fakenova", task["id"], body["type"])
            _end(backend, task, "failure", message=f"fakenova does not run {body['type']} tasks.")
        return task


def _check_import_from(uri) -> None:
    """glance/common/scripts/utils.py validate_legacy_import_from_uri, with the default filters."""
    from urllib.parse import urlparse

    if not uri:
        raise BadRequest(f"Invalid location: {uri}")
    if not isinstance(uri, str):
        raise BadRequest(f"Invalid location: {uri}")
    if uri.startswith(("file:///", "filesystem:///")):
        raise BadRequest("File based imports are not allowed. Please use a non-local source of image data.")
    if not uri.startswith(("http://", "https://")):
        raise BadRequest("The given uri is not valid. Please specify a valid uri from the following list of "
                         "supported uri ['http']")
    try:
        parsed = urlparse(uri)
        port = parsed.port
    except ValueError:
        port = -1
        parsed = None
    if (parsed is None or parsed.scheme not in ALLOWED_SCHEMES or not parsed.hostname
            or (port and port not in ALLOWED_PORTS)):
        raise BadRequest(f"URI for legacy import task does not pass filtering: {uri}")


def get(backend, context, task_id: str) -> dict:
    require_access(context)
    with backend.store.lock:
        task = backend.store.image_tasks.get(task_id)
        if task is None or not _visible(task, context):
            raise NotFound(f"Task with the given id {task_id} was not found")
        return task


def search(backend, context, *, filters: dict, marker: str | None, limit: int | None, sort_key: str,
           sort_dir: str) -> tuple[list[dict], bool]:
    """GET /v2/tasks: (the page, whether it is full) (tasks.py index, RequestDeserializer.index)."""
    require_access(context)
    status, task_type = filters.get("status"), filters.get("type")
    if status and status not in STATUSES:
        raise BadRequest(f"Invalid status value: {status}")
    if task_type and task_type not in ("import",):
        raise BadRequest(f"Invalid type value: {task_type}")
    if sort_dir not in ("asc", "desc"):
        raise BadRequest(f"Invalid sort direction: {sort_dir}")
    if sort_key not in SORT_KEYS:
        raise BadRequest(f"Invalid sort key: {sort_key}.")
    if marker is not None and not _UUID.match(marker):
        raise BadRequest("Invalid marker format")
    limit = DEFAULT_LIMIT if limit is None else min(limit, MAX_LIMIT)
    with backend.store.lock:
        now = backend.clock.time()
        found = [task for task in backend.store.image_tasks.values()
                 if _visible(task, context) and not _expired(task, now)
                 and (not status or task["status"] == status) and (not task_type or task["type"] == task_type)]
        found.sort(key=lambda task: (task[sort_key] is not None, task[sort_key] or 0, task["id"]),
                   reverse=sort_dir == "desc")
        if marker is not None:
            ids = [task["id"] for task in found]
            if marker not in ids:
                raise BadRequest(f"Task with the given id {marker} was not found")  # index: NotFound -> 400
            found = found[ids.index(marker) + 1:]
        page = found[:limit]
        return page, bool(page) and len(page) == limit
