"""``FakeNova``: the Python handle on a fake, with the control plane's operations as methods.

Three ways to get one:

- ``FakeNova()``: in-process, no socket. Calls go through ``WSGIAdapter`` straight into the WSGI app;
  ``connection(in_process=True)`` gives an openstacksdk Connection that does the same.
- ``FakeNova.start()``: in-process plus a real server on a free port (``url``), for CLIs and
  anything that needs a socket. ``stop()`` (or ``with``) ends it.
- ``FakeNova.remote(url, control_token=None)``: a fakenova running elsewhere (``fakenova serve``,
  the Docker image); every call goes over HTTP.

Every control call goes through the /_fake HTTP API in all three, so they behave the same; an
in-process handle also has ``backend`` and ``app`` for direct access.
"""

from __future__ import annotations

import io
import urllib.parse
from pathlib import Path

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

IN_PROCESS_URL = "http://fakenova.invalid"
DEFAULT_REGION = "RegionOne"
CLOUDS = {"fakenova": "demo", "fakenova-admin": "admin"}


class FakeNovaError(Exception):
    """A control call answered with an error status."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class WSGIAdapter(BaseAdapter):
    """A requests transport adapter that hands requests to a WSGI app in this process (no socket).

    Mount it on a ``requests.Session`` (or the one inside a keystoneauth Session) for a URL prefix:
    ``session.mount("http://fakenova.invalid", WSGIAdapter(app))``."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urllib.parse.urlsplit(request.url)
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, bytes):
            body = body.read() if hasattr(body, "read") else b"".join(body)
        headers = [(name, value) for name, value in request.headers.items() if name.lower() != "content-length"]
        environ = EnvironBuilder(path=url.path or "/", query_string=url.query, method=request.method,
                                 base_url=f"{url.scheme}://{url.netloc}", headers=headers,
                                 data=body or b"").get_environ()
        app_iter, status, response_headers = run_wsgi_app(self.app, environ, buffered=True)
        try:
            content = b"".join(app_iter)
        finally:
            getattr(app_iter, "close", lambda: None)()

        response = requests.Response()
        code, _, reason = status.partition(" ")
        response.status_code = int(code)
        response.reason = reason
        response.headers = CaseInsensitiveDict(response_headers.items())
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = io.BytesIO(content)
        response._content = content
        response._content_consumed = True
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        pass


class FakeNova:
    def __init__(self, settings=None, *, backend=None):
        """An in-process fake (no socket) with ``settings`` (``fakenova.Settings``) or ``backend``."""
        from fakenova.app import create_app
        from fakenova.backend import Backend

        self.backend = backend or Backend(settings)
        self.app = create_app(backend=self.backend)
        self.url = IN_PROCESS_URL
        self.control_token = self.backend.settings.control_token
        self._server = None
        self._http = requests.Session()
        self._http.mount(IN_PROCESS_URL, WSGIAdapter(self.app))

    @classmethod
    def start(cls, settings=None, *, host: str = "127.0.0.1", port: int = 0) -> "FakeNova":
        """An in-process fake that also listens on ``host:port`` (0 = a free port)."""
        from fakenova.server import RunningServer

        fake = cls(settings)
        fake._server = RunningServer(fake.app, host=host, port=port).start()
        fake.url = fake._server.url
        # Control calls still take the in-process path: same answers, no socket.
        fake._http.mount(fake.url, WSGIAdapter(fake.app))
        return fake

    @classmethod
    def remote(cls, url: str, control_token: str | None = None) -> "FakeNova":
        """A handle on a fakenova already running at ``url`` (e.g. http://127.0.0.1:8774)."""
        fake = cls.__new__(cls)
        fake.backend = fake.app = fake._server = None
        fake.url = url.rstrip("/")
        fake.control_token = control_token
        fake._http = requests.Session()
        return fake

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> "FakeNova":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def auth_url(self) -> str:
        return f"{self.url}/identity"

    @property
    def in_process(self) -> bool:
        return self.app is not None

    # --- the control plane ---------------------------------------------------------------------

    def _send(self, method: str, path: str, json=None, params=None) -> requests.Response:
        headers = {"X-Fake-Token": self.control_token} if self.control_token else {}
        response = self._http.request(method, f"{self.url}/_fake{path}", json=json, params=params,
                                      headers=headers, timeout=60)
        if response.status_code >= 400:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text
            raise FakeNovaError(response.status_code, message)
        return response

    def _call(self, method: str, path: str, json=None, params=None):
        response = self._send(method, path, json, params)
        return response.json() if response.content else None

    def reset(self) -> None:
        """Back to the seeded state; fault rules and the journal are cleared too."""
        if self.in_process:
            # What POST /_fake/reset does, without the HTTP round trip that would be most of the
            # time of a reset (the pytest fixture's, before every test).
            self.backend.reset()
            return
        self._call("POST", "/reset")

    def clock(self) -> dict:
        """``{"now": ISO 8601, "frozen": bool, "speed": number}``"""
        return self._call("GET", "/clock")

    def freeze(self) -> dict:
        return self._call("POST", "/clock", {"freeze": True})

    def unfreeze(self) -> dict:
        return self._call("POST", "/clock", {"freeze": False})

    def advance(self, seconds: float) -> dict:
        return self._call("POST", "/clock", {"advance": seconds})

    def set_speed(self, speed: float) -> dict:
        return self._call("POST", "/clock", {"speed": speed})

    def set_status(self, server_id: str, status: str, fault: dict | None = None, then: dict | None = None) -> dict:
        """Force a server's status (any of the 20), e.g. ``set_status(id, "ERROR", fault={"code": 500,
        "message": "boom"}, then={"after": 30, "status": "ACTIVE"})``."""
        body = {"status": status}
        if fault is not None:
            body["fault"] = fault
        if then is not None:
            body["then"] = then
        return self._call("POST", f"/servers/{server_id}/status", body)["server"]

    def add_fault(self, rule: dict | None = None, *, method=None, path=None, action=None, project=None,
                  server=None, status=None, message=None, latency=None, latency_clock=None, headers=None,
                  **options) -> dict:
        """Add a fault rule: a whole rule document, or keywords (``method``, ``path``, ``action``,
        ``project``, ``server`` to match; ``status``, ``message``, ``latency``, ``latency_clock``,
        ``headers`` to answer; ``times``, ``probability``, ``seed``, ``sequence``, ``after``,
        ``build`` as in the rule). Returns the rule with its ``id``."""
        document = dict(rule or {})
        match = {k: v for k, v in dict(method=method, path=path, action=action, project=project,
                                       server=server).items() if v is not None}
        response = {k: v for k, v in dict(status=status, message=message, latency=latency,
                                          latency_clock=latency_clock, headers=headers).items() if v is not None}
        if match:
            document["match"] = {**document.get("match", {}), **match}
        if response:
            document["response"] = {**document.get("response", {}), **response}
        document.update(options)
        return self._call("POST", "/faults", document)

    def faults(self) -> list[dict]:
        return self._call("GET", "/faults")["faults"]

    def delete_fault(self, rule_id: str) -> None:
        self._call("DELETE", f"/faults/{rule_id}")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def requests(self, **filters) -> list[dict]:
        """The journal, oldest first; filters: ``method``, ``path`` (glob or ^regex), ``status``,
        ``project`` (id or name)."""
        params = {k: v for k, v in filters.items() if v is not None}
        return self._call("GET", "/requests", params=params)["requests"]

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def report(self, path: str | Path) -> Path:
        """Write the dashboard's picture (GET /_fake/report) to ``path``: one HTML file with the
        servers, timeline, resources, fault rules and journal, that opens with no server (a CI
        artifact). Returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self._send("GET", "/report").content)
        return path

    def export_state(self) -> dict:
        return self._call("GET", "/state")

    def import_state(self, document: dict) -> dict:
        return self._call("PUT", "/state", document)

    # --- how clients reach it ------------------------------------------------------------------

    def credentials(self, user: str = "demo") -> dict:
        """Keyword arguments for keystoneauth / openstack.connect for a seeded user."""
        return {
            "auth_url": self.auth_url, "username": user, "password": self._password(user),
            "project_name": self._project(user), "user_domain_name": "Default",
            "project_domain_name": "Default",
        }

    def _seeded_user(self, user: str) -> dict:
        if self.backend is None:
            return {}
        return next((u for u in self.backend.settings.users if u["name"] == user), {})

    def _password(self, user: str) -> str:
        # A remote fake cannot tell us; the seeded users' passwords are their names.
        return str(self._seeded_user(user).get("password", user))

    def _project(self, user: str) -> str:
        record = self._seeded_user(user)
        return record.get("project") or next(iter(record.get("projects") or {}), None) or user

    def _region(self) -> str:
        return self.backend.settings.region if self.backend is not None else DEFAULT_REGION

    def os_environ(self, user: str = "demo") -> dict:
        """OS_* variables that point the openstack CLI (and anything reading them) at this fake."""
        creds = self.credentials(user)
        return {
            "OS_AUTH_URL": creds["auth_url"], "OS_USERNAME": user, "OS_PASSWORD": creds["password"],
            "OS_PROJECT_NAME": creds["project_name"], "OS_USER_DOMAIN_NAME": "Default",
            "OS_PROJECT_DOMAIN_NAME": "Default", "OS_IDENTITY_API_VERSION": "3",
            "OS_REGION_NAME": self._region(), "OS_INTERFACE": "public",
        }

    def clouds_yaml(self, path: str | Path | None = None) -> dict:
        """clouds.yaml content with clouds ``fakenova`` (demo) and ``fakenova-admin`` (admin);
        written to ``path`` too when given."""
        clouds = {}
        for cloud, user in CLOUDS.items():
            creds = self.credentials(user)
            clouds[cloud] = {
                "auth": {k: v for k, v in creds.items()},
                "region_name": self._region(), "interface": "public", "identity_api_version": 3,
            }
        document = {"clouds": clouds}
        if path is not None:
            import yaml

            Path(path).write_text(yaml.safe_dump(document, sort_keys=False))
        return document

    def connection(self, user: str = "demo", *, in_process: bool | None = None, **kwargs):
        """An openstacksdk Connection as ``user``. ``in_process`` (default: when there is no socket)
        sends its requests through ``WSGIAdapter`` instead of the network."""
        try:
            import openstack
        except ModuleNotFoundError:
            # openstacksdk is large and only this method needs it: not a dependency of fakenova.
            raise ModuleNotFoundError("FakeNova.connection() needs openstacksdk: pip install openstacksdk",
                                      name="openstack") from None

        if in_process is None:
            in_process = self.url == IN_PROCESS_URL
        if not in_process:
            return openstack.connect(region_name=self._region(), load_yaml_config=False, load_envvars=False,
                                     **self.credentials(user), **kwargs)
        if not self.in_process:
            raise ValueError("a remote FakeNova has no app to call in-process")
        from keystoneauth1 import loading
        from keystoneauth1 import session as ks_session
        from openstack import connection

        http = requests.Session()
        http.mount(self.url, WSGIAdapter(self.app))
        auth = loading.get_plugin_loader("password").load_from_options(**self.credentials(user))
        return connection.Connection(session=ks_session.Session(auth=auth, session=http),
                                     region_name=self._region(), **kwargs)
