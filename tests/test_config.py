"""Settings: file (YAML/TOML) < FAKENOVA_* environment < command line, with one-line errors."""

from __future__ import annotations

import pytest

from fakenova import create_app
from fakenova.config import ConfigError, Settings
from tests.conftest import password_auth


def test_defaults_without_file_or_environment():
    settings = Settings.load(environ={})
    assert (settings.host, settings.port, settings.token_ttl) == ("127.0.0.1", 8774, 3600)


def test_yaml_file_then_environment_then_overrides(tmp_path):
    path = tmp_path / "fakenova.yaml"
    path.write_text("port: 9000\nregion: RegionTwo\ntoken_ttl: 60\n")
    settings = Settings.load(path, environ={"FAKENOVA_REGION": "RegionThree"}, host="0.0.0.0")
    assert settings.port == 9000
    assert settings.region == "RegionThree"
    assert settings.token_ttl == 60
    assert settings.host == "0.0.0.0"


def test_toml_file(tmp_path):
    path = tmp_path / "fakenova.toml"
    path.write_text('port = 9100\n[quotas]\ninstances = 3\n')
    settings = Settings.load(path, environ={})
    assert settings.port == 9100
    assert settings.quotas["instances"] == 3


def test_config_file_from_environment(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("port: 9200\n")
    assert Settings.load(environ={"FAKENOVA_CONFIG": str(path)}).port == 9200


def test_structured_setting_from_environment_is_json():
    settings = Settings.load(environ={"FAKENOVA_DURATIONS": '{"build": 0}'})
    assert settings.durations == {"build": 0}


@pytest.mark.parametrize("text, message", [
    ("port: [1\n", "cannot parse"),
    ("prot: 1\n", "unknown setting 'prot'"),
    ("port: many\n", "'port' must be a number"),
    ("port: 70000\n", "'port' must be between 0 and 65535"),
    ("- 1\n- 2\n", "top level must be a mapping"),
    ("users: {}\n", "'users' must be a list"),
])
def test_bad_yaml_gives_one_line_error(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        Settings.load(path, environ={})
    assert message in str(raised.value)
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        Settings.load(tmp_path / "absent.yaml", environ={})


def test_bad_environment_value():
    with pytest.raises(ConfigError, match="FAKENOVA_DURATIONS must be JSON"):
        Settings.load(environ={"FAKENOVA_DURATIONS": "{build"})
    with pytest.raises(ConfigError, match="environment: 'token_ttl' must be a number"):
        Settings.load(environ={"FAKENOVA_TOKEN_TTL": "soon"})


def test_seed_users_are_configurable(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text(
        "projects:\n  - {name: team}\n"
        "users:\n  - {name: alice, password: s3cret, project: team, roles: [member, reader]}\n")
    client = create_app(Settings.load(path, environ={})).test_client()
    assert client.post("/identity/v3/auth/tokens", json=password_auth("alice", "s3cret", "team")).status_code == 201
    assert client.post("/identity/v3/auth/tokens", json=password_auth("demo")).status_code == 401


def test_seed_user_in_unknown_project_is_a_config_error():
    settings = Settings()
    settings.users = [{"name": "bob", "password": "x", "project": "nowhere"}]
    with pytest.raises(ConfigError, match="unknown project 'nowhere'"):
        create_app(settings)


def test_a_mapping_typo_stops_the_backend_and_names_its_source(tmp_path):
    from fakenova.backend import Backend

    path = tmp_path / "fakenova.yaml"
    path.write_text("quotas: {instances: 5, ram_mb: 1024}\n")
    with pytest.raises(ConfigError) as raised:
        Backend(Settings.load(path, environ={}))
    assert str(raised.value).startswith(f"{path}: quotas: unknown quota 'ram_mb' (known: cores, ")
    with pytest.raises(ConfigError) as raised:
        Backend(Settings(durations={"rebot": 1}))  # made in code: no source to name
    assert str(raised.value).startswith("durations: unknown duration 'rebot' (known: build, ")


def test_a_seed_time_error_names_the_file(tmp_path):
    path = tmp_path / "fakenova.yaml"
    path.write_text("users: [{name: bob, password: x, project: nowhere}]\n")
    with pytest.raises(ConfigError) as raised:
        create_app(Settings.load(path, environ={}))
    assert str(raised.value) == f"{path}: users: unknown project 'nowhere'"
