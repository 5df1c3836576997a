"""Keystone's resource bodies: the stored record -> the JSON Keystone answers (extra keys echoed)."""

from __future__ import annotations

from fakenova.api.common import base_url


def _self(kind: str, record_id: str) -> dict:
    return {"self": f"{base_url()}/identity/v3/{kind}/{record_id}"}


def domain_view(domain: dict) -> dict:
    return {"id": domain["id"], "name": domain["name"], "description": domain.get("description", ""),
            "enabled": domain["enabled"], "tags": list(domain.get("tags", [])),
            "options": dict(domain.get("options", {})), "links": _self("domains", domain["id"])}


def project_view(project: dict) -> dict:
    return {
        **project.get("extra", {}),
        "id": project["id"],
        "name": project["name"],
        "domain_id": project["domain_id"],
        "description": project["description"],
        "enabled": project["enabled"],
        "parent_id": project["domain_id"],
        "is_domain": False,
        "tags": list(project.get("tags", [])),
        "options": dict(project.get("options", {})),
        "links": _self("projects", project["id"]),
    }


def user_view(user: dict) -> dict:
    body = {**user.get("extra", {}), "id": user["id"], "name": user["name"], "domain_id": user["domain_id"],
            "enabled": user["enabled"], "password_expires_at": None, "options": dict(user.get("options", {})),
            "links": _self("users", user["id"])}
    if user.get("default_project_id"):
        body["default_project_id"] = user["default_project_id"]
    return body


def role_view(role: dict) -> dict:
    return {**role.get("extra", {}), "id": role["id"], "name": role["name"], "domain_id": role["domain_id"],
            "description": role["description"], "options": dict(role["options"]), "links": _self("roles", role["id"])}
