"""Errors raised anywhere in fakenova, and the fault bodies each service renders them as.

Domain code raises ``APIError`` subclasses with Nova's message text; the HTTP layer decides the
shape: Nova's ``{"itemNotFound": {"code": 404, "message": ...}}``, Keystone's ``{"error": ...}``,
Neutron's ``{"NeutronError": ...}`` or Glance's WebOb page (plain text, HTML or JSON by Accept).
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


def glance_error(code: int, title: str, explanation: str, accept) -> tuple[str, str]:
    """(body, mimetype) of the WebOb exception Glance raises (webob/exc.py WSGIHTTPException,
    generate_response): Accept picks text/html or application/json, else text/plain. ``accept`` is
    werkzeug's MIMEAccept of the request; like WebOb's acceptable_offers it prefers the first offer
    on a tie, so ``*/*`` gets HTML. The body template is ``explanation<br /><br />\ndetail\ncomment\n``
    with no detail or comment; plain text turns newlines into spaces and <br /> into newlines."""
    import html
    import json
    import re

    status = f"{code} {title}"
    match = accept.best_match(["text/html", "application/json"]) if accept else None
    if match == "application/json":
        body = json.dumps({"message": f"{explanation}<br /><br />\n\n\n", "code": status, "title": title})
        return body, "application/json"
    if match == "text/html":
        return (f"<html>\n <head>\n  <title>{status}</title>\n </head>\n <body>\n  <h1>{status}</h1>\n"
                f"  {html.escape(explanation)}<br /><br />\n\n\n\n </body>\n</html>"), "text/html"
    # webob.exc.strip_tags: newlines become spaces, <br /> a newline, other tags go.
    plain = f"{explanation}<br /><br />\n\n\n".replace("\n", " ").replace("\r", "")
    plain = re.sub(r"<.*?>", "", re.sub(r"<!--|-->", "", re.sub(r"<br.*?>", "\n", plain, flags=re.I | re.S)),
                   flags=re.S)
    return f"{status}\n\n{plain}", "text/plain"
