"""Glance tasks: the ``api_image_import`` task an import leaves (GET /v2/images/{id}/tasks, Image API
2.12+) and the admin-only legacy tasks API (POST/GET /v2/tasks, GET /v2/tasks/{id}).

Sources: glance/api/v2/images.py (import_image: the task input, get_task_info: any refusal is 404),
glance/db/sqlalchemy/api.py (_task_format: the image-tasks keys), glance/api/v2/tasks.py
(TasksController, RequestDeserializer, ResponseSerializer._format_task/_format_task_stub, delete's 405),
glance/domain/__init__.py (Task.succeed/fail: expires_at after task_time_to_live, 48 h),
glance/common/scripts/utils.py (validate_legacy_import_from_uri), glance/policies/tasks.py
(tasks_api_access: admin), the api-ref samples, and Tempest's test_images.py / test_image_task.py /
waiters.wait_for_image_tasks_status; storage facts A.7."""

from __future__ import annotations

import os

from tests.test_image_data import IMAGES, OCTET, _new_image

IMAGE_TASK_KEYS = {"id", "type", "status", "owner", "expires_at", "created_at", "updated_at", "deleted_at",
                   "deleted", "image_id", "request_id", "user_id", "input", "result", "message"}


def _staged_and_imported(api, user="demo"):
    image_id = _new_image(api, user=user)
    assert api.put(f"{IMAGES}/{image_id}/stage", user=user, data=os.urandom(4096), headers=OCTET).status_code == 204
    imported = api.post(f"{IMAGES}/{image_id}/import", user=user, json={"method": {"name": "glance-direct"}})
    assert imported.status_code == 202
    return image_id, imported


def test_an_import_leaves_a_successful_task_that_names_its_request(frozen):
    api = frozen
    image_id, imported = _staged_and_imported(api)
    response = api.get(f"{IMAGES}/{image_id}/tasks")
    assert response.status_code == 200
    (task,) = response.get_json()["tasks"]
    assert set(task) == IMAGE_TASK_KEYS
    # Tempest: the task's request_id is the import answer's X-OpenStack-Request-Id.
    assert task["request_id"] == imported.headers["X-OpenStack-Request-Id"] and task["request_id"].startswith("req-")
    assert (task["type"], task["status"], task["image_id"]) == ("api_image_import", "success", image_id)
    assert task["input"] == {"image_id": image_id, "import_req": {"method": {"name": "glance-direct"}},
                             "backend": [None]}
    assert (task["result"], task["message"], task["deleted"], task["deleted_at"]) == (
        {"image_id": image_id}, "", False, None)
    project = api.get("/identity/v3/auth/tokens", headers={"X-Subject-Token": api.token("demo")}).get_json()
    assert task["owner"] == project["token"]["project"]["id"] and task["user_id"] == project["token"]["user"]["id"]
    # Times as Glance's DB layer writes them; a finished task expires 48 h after it ended.
    assert task["created_at"].count(".") == 1 and not task["created_at"].endswith("Z")
    api.backend.clock.advance(48 * 3600 + 1)
    api._tokens.clear()  # the tokens have expired too
    assert api.get(f"{IMAGES}/{image_id}/tasks").get_json() == {"tasks": []}


def test_an_uploaded_image_has_no_tasks_and_an_unseen_one_is_404(api):
    image_id = _new_image(api)
    assert api.put(f"{IMAGES}/{image_id}/file", data=b"abc", headers=OCTET).status_code == 204
    assert api.get(f"{IMAGES}/{image_id}/tasks").get_json() == {"tasks": []}  # Tempest's waiter passes
    assert api.get(f"{IMAGES}/{image_id}/tasks", user="alt_demo").status_code == 404  # not shared with alt_demo
    missing = api.get(f"{IMAGES}/00000000-0000-0000-0000-000000000000/tasks")
    assert missing.status_code == 404


def test_the_tasks_api_is_for_admins(api):
    for method, path in (("get", "/image/v2/tasks"), ("post", "/image/v2/tasks"),
                         ("get", "/image/v2/tasks/00000000-0000-0000-0000-000000000000")):
        response = getattr(api, method)(path, json={"type": "import", "input": {}} if method == "post" else None)
        assert response.status_code == 403, (method, path)
        assert "You are not authorized to complete tasks_api_access action." in response.get_data(as_text=True)


def test_a_legacy_import_task_fails_because_fakenova_fetches_nothing(frozen):
    api = frozen
    body = {"type": "import", "input": {"import_from": "http://tempest-dummy-img-file.qcow2",
                                        "import_from_format": "qcow2",
                                        "image_properties": {"container_format": "bare", "disk_format": "qcow2"}}}
    created = api.post("/image/v2/tasks", user="admin", json=body)
    assert created.status_code == 201
    task = created.get_json()
    assert created.headers["Location"] == f"/v2/tasks/{task['id']}"
    assert task["input"] == body["input"] and task["type"] == "import" and task["self"] == f"/v2/tasks/{task['id']}"
    # Tempest's test_task_create_fake_image_location waits for "failure".
    shown = api.get(f"/image/v2/tasks/{task['id']}", user="admin").get_json()
    assert shown["status"] == "failure" and "fakenova does not fetch image data" in shown["message"]
    assert shown["result"] is None and shown["expires_at"].endswith("Z")
    listed = api.get("/image/v2/tasks", user="admin").get_json()
    assert listed["first"] == "/v2/tasks" and listed["schema"] == "/v2/schemas/tasks"
    stub = next(t for t in listed["tasks"] if t["id"] == task["id"])
    assert not {"input", "result", "message"} & set(stub)
    assert api.get("/image/v2/tasks?status=failure&type=import", user="admin").get_json()["tasks"]
    assert api.get("/image/v2/tasks?status=success", user="admin").get_json()["tasks"] == []


def test_task_refusals_use_glance_texts(api):
    cases = [({"input": {}}, "Task 'type' is required"),
             ({"type": "import"}, "Task 'input' is required"),
             ({"type": "import", "input": {"import_from": "file:///etc/passwd"}},
              "File based imports are not allowed. Please use a non-local source of image data."),
             ({"type": "import", "input": {"import_from": "http://example.com:8080/x.img"}},
              "URI for legacy import task does not pass filtering: http://example.com:8080/x.img"),
             ({"type": "import", "input": {}}, "Invalid location: None")]
    for body, message in cases:
        response = api.post("/image/v2/tasks", user="admin", json=body)
        assert (response.status_code, message in response.get_data(as_text=True)) == (400, True), body
    for query, message in (("status=nope", "Invalid status value: nope"), ("sort_dir=up", "Invalid sort direction: up"),
                           ("marker=x", "Invalid marker format"), ("limit=-1", "limit param must be positive")):
        response = api.get(f"/image/v2/tasks?{query}", user="admin")
        assert (response.status_code, message in response.get_data(as_text=True)) == (400, True), query
    missing = api.get("/image/v2/tasks/00000000-0000-0000-0000-000000000000", user="admin")
    assert missing.status_code == 404 and "Task with the given id" in missing.get_data(as_text=True)
    refused = api.delete("/image/v2/tasks/00000000-0000-0000-0000-000000000000", user="admin")
    assert refused.status_code == 405 and refused.headers["Allow"] == "GET"


def test_the_sdk_and_cli_read_tasks(live):
    conn = live.sdk()
    image = conn.image.create_image(name="task-import", disk_format="raw", container_format="bare")
    conn.image.stage_image(image, data=b"staged bytes")
    conn.image.import_image(image, method="glance-direct")
    (task,) = list(conn.image.image_tasks(image))
    assert (task.status, task.type) == ("success", "api_image_import")
    admin = live.sdk("admin")
    legacy = admin.image.create_task(type="import", input={"import_from": "http://example.com/x.qcow2"})
    assert admin.image.get_task(legacy).status == "failure"
    shown = live.openstack("image", "task", "show", legacy.id, "-f", "json", user="admin")
    assert shown["status"] == "failure" and shown["type"] == "import"
