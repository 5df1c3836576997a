"""Settings: defaults, then a config file (YAML or TOML), then FAKENOVA_* environment variables.

A bad setting raises ``ConfigError`` with one line that names the file and the key; the CLI prints it
and exits, never a traceback. Settings remember where each value came from, so a check made later
(when the backend seeds itself) still names the file or variable.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import importlib
import json
import os
from pathlib import Path
from typing import Any

from fakenova import seeds


class ConfigError(Exception):
    pass


# Numeric settings where -1 means "never", as in Nova's own options.
MAY_BE_MINUS_ONE = ("shelved_offload_time",)

# Mapping settings whose keys are a fixed set: a key outside it is a typo, and a typo must stop the
# fake rather than be ignored. setting -> (what a key is, module and attribute holding the known keys,
# what a value must be); the modules are imported when a check runs, so loading settings stays cheap.
KNOWN_KEYS = {
    "durations": ("duration", "fakenova.domain.compute.lifecycle", "DEFAULT_DURATIONS", "seconds"),
    "quotas": ("quota", "fakenova.seeds", "QUOTAS", "limit"),
    "policy": ("rule", "fakenova.domain.policy", "RULES", None),  # values: fakenova.domain.policy
}
# Beyond this many known keys, an error names the closest ones instead of all.
LISTED_KEYS = 40


def check_keys(name: str, mapping) -> None:
    """``ConfigError`` for the first unknown key (naming the known ones) or bad value of a mapping
    setting listed in ``KNOWN_KEYS``; the message starts with the setting's name."""
    noun, module, attribute, value_kind = KNOWN_KEYS[name]
    if not isinstance(mapping, dict):
        raise ConfigError(f"{name}: must be a mapping")
    known = getattr(importlib.import_module(module), attribute)
    for key, value in mapping.items():
        if key not in known:
            raise ConfigError(f"{name}: unknown {noun} {key!r} ({_known(str(key), known, noun)})")
        if value_kind == "seconds" and not _is_number(value, minimum=0):
            raise ConfigError(f"{name}: {key!r} must be a number of seconds >= 0, not {value!r}")
        if value_kind == "limit" and not (_is_number(value, minimum=-1) and float(value).is_integer()):
            raise ConfigError(f"{name}: {key!r} must be a whole number >= -1 (-1: unlimited), not {value!r}")


def _known(key: str, known, noun: str) -> str:
    names = sorted(known)
    if len(names) <= LISTED_KEYS:
        return "known: " + ", ".join(names)
    closest = difflib.get_close_matches(key, names, n=3, cutoff=0.6)
    hint = f"closest: {', '.join(closest)}; " if closest else ""
    return f"{hint}{len(names)} known {noun}s, e.g. {names[0]}"


def _is_number(value, *, minimum: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= minimum


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
    # Glance: the largest image upload (image_size_cap, Glance's default 1 TiB), and how many bytes of
    # uploaded image data fakenova keeps in memory across all images (beyond: size and hashes only).
    image_size_cap: int = 1099511627776
    image_data_memory: int = 67108864
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

    def __post_init__(self) -> None:
        self._sources: dict[str, str] = {}  # setting -> the file, variable or flag it came from

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
            self._sources[name] = source

    def validate(self) -> None:
        """Check what is not checked while loading (the key sets of mapping settings); the error
        names where the bad setting came from."""
        for name in KNOWN_KEYS:
            try:
                check_keys(name, getattr(self, name))
            except ConfigError as exc:
                raise self.locate(exc) from None

    def locate(self, exc: ConfigError) -> ConfigError:
        """``exc`` (whose message starts with a setting's name) with that setting's source in front."""
        source = self._sources.get(str(exc).split(":", 1)[0])
        return ConfigError(f"{source}: {exc}") if source else exc


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
