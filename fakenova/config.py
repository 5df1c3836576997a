"""Settings: defaults, then a config file (YAML or TOML), then FAKENOVA_* environment variables.

A bad setting raises ``ConfigError`` with one line that names the file and the key; the CLI prints it
and exits, never a traceback.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from fakenova import seeds


class ConfigError(Exception):
    pass


# Numeric settings where -1 means "never", as in Nova's own options.
MAY_BE_MINUS_ONE = ("shelved_offload_time",)


@dataclasses.dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8774
    region: str = "RegionOne"
    token_ttl: int = 3600  # seconds, on the fake clock
    seed: int = 0  # seeds the id generator, so the same requests give the same ids
    log_level: str = "INFO"
    control_token: str | None = None
    max_body_size: int = 114688  # oslo.middleware's default max_request_body_size
    reclaim_instance_interval: int = 0
    # Seconds of fake time a deleted server stays visible (changes-since, deleted=true, its instance
    # actions) before it is archived away with its records, as `nova-manage db archive_deleted_rows`.
    deleted_retention: int = 86400
    # Seconds a shelved server waits before it is offloaded: 0 = at once, -1 = never (Nova's option).
    shelved_offload_time: int = 0
    # Per-action transition durations in seconds; missing actions use lifecycle defaults.
    durations: dict = dataclasses.field(default_factory=dict)
    domains: list = dataclasses.field(default_factory=lambda: copy.deepcopy(seeds.DOMAINS))
    projects: list = dataclasses.field(default_factory=lambda: copy.deepcopy(seeds.PROJECTS))
    users: list = dataclasses.field(default_factory=lambda: copy.deepcopy(seeds.USERS))
    flavors: list = dataclasses.field(default_factory=lambda: copy.deepcopy(seeds.FLAVORS))
    images: list = dataclasses.field(default_factory=lambda: copy.deepcopy(seeds.IMAGES))
    networks: list = dataclasses.field(default_factory=lambda: copy.deepcopy(seeds.NETWORKS))
    quotas: dict = dataclasses.field(default_factory=lambda: dict(seeds.QUOTAS))
    # Policy overrides: rule name -> admin|manager|member|reader|anyone|nobody|owner or a list of roles.
    policy: dict = dataclasses.field(default_factory=dict)
    # Console protocols the fake compute host serves (vnc, spice, serial); devstack enables noVNC only.
    consoles: list = dataclasses.field(default_factory=lambda: ["vnc"])

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, environ: dict | None = None, **overrides) -> "Settings":
        """Defaults < config file < environment < explicit overrides (the CLI's flags)."""
        environ = os.environ if environ is None else environ
        settings = cls()
        path = path or environ.get("FAKENOVA_CONFIG")
        if path:
            settings.update(read_config_file(Path(path)), source=str(path))
        settings.update(_from_environ(environ), source="environment")
        settings.update({k: v for k, v in overrides.items() if v is not None}, source="command line")
        return settings

    def update(self, values: dict, *, source: str) -> None:
        fields = {f.name: f for f in dataclasses.fields(self)}
        for key, value in values.items():
            name = key.replace("-", "_")
            if name not in fields:
                raise ConfigError(f"{source}: unknown setting '{key}'")
            setattr(self, name, _coerce(name, value, getattr(self, name), fields[name], source))


def read_config_file(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    text = path.read_text()
    try:
        if path.suffix in (".toml",):
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib
            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # the parsers raise their own types; all mean "bad file"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"{path}: cannot parse: {first_line}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of settings")
    return data


def _from_environ(environ) -> dict:
    values = {}
    for field in dataclasses.fields(Settings):
        raw = environ.get(f"FAKENOVA_{field.name.upper()}")
        if raw is None:
            continue
        if isinstance(getattr(Settings(), field.name), (dict, list)):
            try:
                raw = json.loads(raw)
            except ValueError:
                raise ConfigError(f"environment: FAKENOVA_{field.name.upper()} must be JSON") from None
        values[field.name] = raw
    return values


def _coerce(name: str, value: Any, current: Any, field, source: str) -> Any:
    # The annotation is a string under `from __future__ import annotations`; use the default's type.
    if name == "control_token":
        return None if value in (None, "") else str(value)
    expected = type(current)
    if expected is bool:
        return _as_bool(value, name, source)
    if expected in (int, float):
        if isinstance(value, bool):
            raise ConfigError(f"{source}: '{name}' must be a number, not {value!r}")
        try:
            number = expected(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{source}: '{name}' must be a number, not {value!r}") from None
        if name == "port" and not 0 <= number <= 65535:
            raise ConfigError(f"{source}: 'port' must be between 0 and 65535, not {value!r}")
        if number < 0 and not (name in MAY_BE_MINUS_ONE and number == -1):
            raise ConfigError(f"{source}: '{name}' must not be negative")
        return number
    if expected is str:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ConfigError(f"{source}: '{name}' must be a string, not {value!r}")
        return str(value)
    if expected is dict and not isinstance(value, dict):
        raise ConfigError(f"{source}: '{name}' must be a mapping")
    if expected is list and not isinstance(value, list):
        raise ConfigError(f"{source}: '{name}' must be a list")
    return value


def _as_bool(value: Any, name: str, source: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{source}: '{name}' must be true or false, not {value!r}")
