"""The dashboard under /_fake: ``/ui`` (a live page that polls the control plane and acts through it),
``/report`` (the same page with a snapshot inside: one HTML file that opens with no server, for CI
artifacts) and ``/overview`` (the read-only picture both draw).

The page, its style and its script ship in the wheel (``fakenova/ui/``) and are inlined into one
document, so it needs nothing but this process. With ``control_token`` set, a browser opens
``/_fake/ui?token=...`` once: the token becomes a same-site, HTTP-only cookie scoped to /_fake, and
the page's own calls carry it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from importlib import resources

from flask import Blueprint, Response, jsonify, redirect, request

from fakenova import __version__
from fakenova.api.common import backend
from fakenova.domain.control import forced_status, overview as overview_domain

bp = Blueprint("dashboard", __name__)

COOKIE = "fakenova_control_token"
PAGE = "/_fake/ui"
REPORT_REQUESTS = 1000  # the newest journal entries a report carries


def presented_token() -> str:
    """The control token a browser presents: the dashboard's cookie, or ``?token=`` on the page."""
    if request.method == "GET" and request.path.rstrip("/") == PAGE and "token" in request.args:
        return request.args["token"]
    return request.cookies.get(COOKIE, "")


@bp.get("/ui")
def ui():
    if "token" in request.args:
        # Keep the token out of the address bar and the history: a cookie carries it from now on.
        response = redirect(PAGE, code=303)
        if backend().settings.control_token:
            response.set_cookie(COOKIE, request.args["token"], httponly=True, samesite="Strict", path="/_fake")
        return response
    return _page(None)


@bp.get("/overview")
def overview():
    return jsonify(_overview())


@bp.get("/report")
def report():
    entries = backend().journal.entries()
    return _page({"overview": _overview(), "requests": entries[-REPORT_REQUESTS:], "requests_total": len(entries)})


def _overview() -> dict:
    fake = backend()
    return {"fakenova": __version__, **overview_domain.picture(fake), "faults": fake.faults.list(),
            "journal_size": len(fake.journal), "statuses": list(forced_status.STATUSES)}


def _page(snapshot: dict | None) -> Response:
    # "<" escaped: nothing in the data can close the script element it sits in.
    data = json.dumps(snapshot).replace("<", "\\u003c")
    response = Response(_template().replace("/*SNAPSHOT*/", data), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = _policy() + "; frame-ancestors 'none'"
    return response


def _asset(name: str) -> str:
    return resources.files("fakenova").joinpath("ui", name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _template() -> str:
    page = _asset("dashboard.html")
    page = page.replace("/*STYLE*/", _asset("dashboard.css")).replace("/*SCRIPT*/", _asset("dashboard.js"))
    # The same policy as a meta element, so a saved report is held to it too.
    return page.replace("<head>", f'<head>\n<meta http-equiv="Content-Security-Policy" content="{_policy()}">', 1)


@functools.lru_cache(maxsize=1)
def _policy() -> str:
    """Only this page's own style and script run (by hash), and it talks only to this server."""
    return (f"default-src 'none'; script-src '{_hash(_asset('dashboard.js'))}'; "
            f"style-src '{_hash(_asset('dashboard.css'))}'; connect-src 'self'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'none'")


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
