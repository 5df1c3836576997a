"""Errors raised anywhere in fakenova, and the fault bodies each service renders them as.

Domain code raises ``APIError`` subclasses with Nova's message text; the HTTP layer decides the
shape: Nova's ``{"itemNotFound": {"code": 404, "message": ...}}``, Keystone's ``{"error": ...}``,
Neutron's ``{"NeutronError": ...}`` or Glance's plain text.
"""

from __future__ import annotations


class APIError(Exception):
    code = 500
    title = "Internal Server Error"

    def __init__(self, message: str, *, code: int | None = None, headers: dict | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.headers = dict(headers or {})
        # For the request log only, where the service's answer must stay as terse as the real one
        # (Keystone answers every failed login alike): which of the reasons it was.
        self.hint = hint


class BadRequest(APIError):
    code, title = 400, "Bad Request"


class Unauthorized(APIError):
    code, title = 401, "Unauthorized"


class Forbidden(APIError):
    code, title = 403, "Forbidden"


class NotFound(APIError):
    code, title = 404, "Not Found"


class MethodNotAllowed(APIError):
    code, title = 405, "Method Not Allowed"


class NotAcceptable(APIError):
    code, title = 406, "Not Acceptable"


class Conflict(APIError):
    code, title = 409, "Conflict"


class RequestTooLarge(APIError):
    code, title = 413, "Request Entity Too Large"


class UnsupportedMediaType(APIError):
    code, title = 415, "Unsupported Media Type"


# Nova's fault names by status code (nova/api/openstack/wsgi.py, Fault._fault_names).
NOVA_FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}


def nova_fault(code: int, message: str) -> dict:
    name = NOVA_FAULT_NAMES.get(code, "computeFault")
    return {name: {"code": code, "message": message}}


def keystone_error(code: int, title: str, message: str) -> dict:
    return {"error": {"code": code, "title": title, "message": message}}


def neutron_error(kind: str, message: str) -> dict:
    return {"NeutronError": {"type": kind, "message": message, "detail": ""}}
