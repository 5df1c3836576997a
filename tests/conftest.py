"""Fixtures: a fresh app per test (Flask test client), and one real server per session (granian on a
free port) that the real clients (openstacksdk, novaclient, the openstack CLI) talk to."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fakenova import create_app
from fakenova.backend import Backend
from fakenova.config import Settings
from fakenova.server import RunningServer

BIN = Path(sys.executable).parent


# Seeded users whose project is not named after them (fakenova/seeds.py).
USER_PROJECTS = {"reader": "demo", "manager": "demo"}


def project_of(user: str) -> str:
    return USER_PROJECTS.get(user, user)


def password_auth(user: str, password: str | None = None, project: str | None = None) -> dict:
    scope = {"project": {"name": project or project_of(user), "domain": {"name": "Default"}}} if project != "" else None
    auth = {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "domain": {"name": "Default"}, "password": password or user}}}}
    if scope:
        auth["scope"] = scope
    return {"auth": auth}


class Api:
    """A thin HTTP helper over Flask's test client: tokens per user, microversion per call."""

    def __init__(self, client, backend: Backend):
        self.client = client
        self.backend = backend
        self._tokens: dict[str, str] = {}

    def token(self, user: str = "demo") -> str:
        if user not in self._tokens:
            response = self.client.post("/identity/v3/auth/tokens", json=password_auth(user))
            assert response.status_code == 201, response.get_data(as_text=True)
            self._tokens[user] = response.headers["X-Subject-Token"]
        return self._tokens[user]

    def request(self, method: str, path: str, *, user: str | None = "demo", version: str | None = None,
                headers: dict | None = None, **kwargs):
        headers = dict(headers or {})
        if user is not None:
            headers.setdefault("X-Auth-Token", self.token(user))
        if version is not None:
            headers.setdefault("OpenStack-API-Version", f"compute {version}")
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)


def pytest_addoption(parser):
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help="run tests/test_fuzz.py with many examples (minutes, not seconds)")


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def backend(settings) -> Backend:
    return Backend(settings)


@pytest.fixture
def app(backend):
    return create_app(backend=backend)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(client, backend) -> Api:
    return Api(client, backend)


@pytest.fixture
def instant_builds(backend) -> Backend:
    """Builds and deletes finish within the request (the other transitions keep their durations)."""
    backend.settings.durations = {"build": 0, "delete": 0}
    return backend


@pytest.fixture
def frozen(api) -> Api:
    """``api`` with its clock frozen: time moves only when the test advances it."""
    api.backend.clock.freeze()
    return api


class LiveServer:
    def __init__(self, backend: Backend, server: RunningServer):
        self.backend = backend
        self.server = server
        self.url = server.url
        self.auth_url = f"{server.url}/identity"

    def env(self, user: str = "demo") -> dict:
        """OS_* variables for the openstack CLI, overriding whatever the machine has."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        env.update({
            "OS_AUTH_URL": self.auth_url, "OS_USERNAME": user, "OS_PASSWORD": user,
            "OS_PROJECT_NAME": project_of(user), "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
            "OS_IDENTITY_API_VERSION": "3", "OS_REGION_NAME": "RegionOne", "OS_INTERFACE": "public",
        })
        return env

    def openstack(self, *args: str, user: str = "demo", check: bool = True):
        """Run the real `openstack` CLI; returns parsed JSON when `-f json` is among the args."""
        result = subprocess.run([str(BIN / "openstack"), *args], env=self.env(user), capture_output=True,
                                text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"openstack {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        if check and "json" in args:
            return json.loads(result.stdout or "null")
        return result

    def sdk(self, user: str = "demo", **kwargs):
        import openstack

        return openstack.connect(
            auth_url=self.auth_url, username=user, password=user, project_name=project_of(user),
            user_domain_name="Default", project_domain_name="Default", region_name="RegionOne",
            load_yaml_config=False, load_envvars=False, **kwargs,
        )

    def novaclient(self, user: str = "demo", version: str = "2.latest"):
        from keystoneauth1 import loading, session
        from novaclient import api_versions
        from novaclient import client as nova_client

        auth = loading.get_plugin_loader("password").load_from_options(
            auth_url=self.auth_url, username=user, password=user, project_name=project_of(user),
            user_domain_name="Default", project_domain_name="Default")
        sess = session.Session(auth=auth)
        if version.endswith(".latest"):
            # What the nova CLI does for "2.latest": ask the server, settle on the highest both know.
            probe = nova_client.Client("2.1", session=sess)
            version = api_versions.discover_version(probe, api_versions.APIVersion(version))
        return nova_client.Client(version, session=sess)


_SESSION_SETTINGS = Settings()


@pytest.fixture(scope="session")
def live_session():
    backend = Backend(copy.deepcopy(_SESSION_SETTINGS))
    server = RunningServer(create_app(backend=backend), port=0).start()
    yield LiveServer(backend, server)
    server.stop()


@pytest.fixture
def live(live_session) -> LiveServer:
    """The session's real server, back in its seeded state for this test, its clock running and its
    settings as at start (a test may have changed durations or quotas without undoing it)."""
    settings = live_session.backend.settings
    for field in dataclasses.fields(Settings):
        setattr(settings, field.name, copy.deepcopy(getattr(_SESSION_SETTINGS, field.name)))
    live_session.backend.clock.follow_wall()
    live_session.backend.reset()
    return live_session
