"""Compute API microversions: negotiation from request headers and declared version ranges.

``VersionRange`` is the one mechanism that says which microversions a route, a schema file or a view
field applies to; nothing else compares versions by hand.
"""

from __future__ import annotations

import functools
import re

import microversion_parse

from fakenova.errors import BadRequest, NotAcceptable, NotFound

SERVICE_TYPE = "compute"
LEGACY_HEADER = "X-OpenStack-Nova-API-Version"
STANDARD_HEADER = "OpenStack-API-Version"
# Nova's own format check (nova/api/openstack/api_version_request.py).
_VERSION_RE = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")


class _Frozen:
    """Immutable after __init__, as a frozen dataclass is. (Plain classes with slots: these are
    built over a hundred times at import, where a dataclass's generated methods cost start-up.)"""

    __slots__ = ()

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name):
        raise AttributeError(f"{type(self).__name__} is immutable")


@functools.total_ordering
class APIVersion(_Frozen):
    __slots__ = ("major", "minor")

    def __init__(self, major: int, minor: int):
        object.__setattr__(self, "major", major)
        object.__setattr__(self, "minor", minor)

    @classmethod
    @functools.lru_cache(maxsize=512)
    def parse(cls, text: str) -> "APIVersion":
        match = _VERSION_RE.match(text)
        if not match:
            raise ValueError(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @staticmethod
    def coerce(value: "APIVersion | str") -> "APIVersion":
        return value if isinstance(value, APIVersion) else APIVersion.parse(value)

    def __lt__(self, other: "APIVersion | str") -> bool:
        other = APIVersion.coerce(other)
        return (self.major, self.minor) < (other.major, other.minor)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = APIVersion.parse(other)
            except ValueError:
                return False
        if not isinstance(other, APIVersion):
            return NotImplemented
        return (self.major, self.minor) == (other.major, other.minor)

    def __hash__(self) -> int:
        return hash((self.major, self.minor))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def __repr__(self) -> str:
        return f"APIVersion(major={self.major}, minor={self.minor})"

    def __reduce__(self):
        return APIVersion, (self.major, self.minor)


MIN_VERSION = APIVersion(2, 1)
MAX_VERSION = APIVersion(2, 104)


class VersionRange(_Frozen):
    """Inclusive microversion range; ``None`` means unbounded on that side."""

    # _low/_high: the bounds as plain tuples: views test a dozen ranges per server, on every list page.
    __slots__ = ("min", "max", "_low", "_high")

    def __init__(self, min: APIVersion | None = None, max: APIVersion | None = None):  # noqa: A002
        object.__setattr__(self, "min", min)
        object.__setattr__(self, "max", max)
        object.__setattr__(self, "_low", (min.major, min.minor) if min is not None else (0, 0))
        object.__setattr__(self, "_high", (max.major, max.minor) if max is not None else (1 << 31, 0))

    def __contains__(self, version: APIVersion | str) -> bool:
        if version.__class__ is not APIVersion:
            version = APIVersion.coerce(version)
        return self._low <= (version.major, version.minor) <= self._high

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VersionRange):
            return NotImplemented
        return (self.min, self.max) == (other.min, other.max)

    def __hash__(self) -> int:
        return hash((self.min, self.max))

    def __repr__(self) -> str:
        return f"VersionRange(min={self.min!r}, max={self.max!r})"

    def __reduce__(self):
        return VersionRange, (self.min, self.max)


def between(min_version: str | None = None, max_version: str | None = None) -> VersionRange:
    """``between("2.19")`` is 2.19 and later; ``between(None, "2.56")`` is up to 2.56."""
    return VersionRange(
        APIVersion.parse(min_version) if min_version else None,
        APIVersion.parse(max_version) if max_version else None,
    )


def negotiate(headers, *, service_types: tuple[str, ...] = (SERVICE_TYPE,), legacy_headers=(LEGACY_HEADER,),
              minimum: APIVersion | None = None, maximum: APIVersion | None = None) -> APIVersion:
    """Pick the request's microversion; 400 if malformed, 406 if outside [minimum, maximum].

    The defaults are Nova's; Cinder passes its own service types ("volume", then "block-storage")
    and range, with the same texts (cinder/api/openstack/api_version_request.py)."""
    return _negotiate(_version_headers(headers, legacy_headers), tuple(service_types), tuple(legacy_headers),
                      minimum or MIN_VERSION, maximum or MAX_VERSION)


def _version_headers(headers, legacy_headers) -> tuple:
    """The only headers negotiation reads, as (name, value) pairs: what the answer is cached on.
    A WSGI request has one value per name (the server joins repeated headers with commas)."""
    return tuple((name, value) for name in (STANDARD_HEADER, *legacy_headers)
                 if (value := headers.get(name)) is not None)


# Clients send the same few header values again and again; errors are not cached (lru_cache
# caches returns only), they are worked out each time.
@functools.lru_cache(maxsize=256)
def _negotiate(version_headers: tuple, service_types: tuple, legacy_headers: tuple, minimum: APIVersion,
               maximum: APIVersion) -> APIVersion:
    headers = dict(version_headers)
    requested = None
    for service_type in service_types:
        requested = microversion_parse.get_version(headers, service_type=service_type,
                                                   legacy_headers=list(legacy_headers))
        if requested is not None:
            break
    if requested is None or requested == "":
        return minimum
    requested = requested.strip()
    if requested == "latest":
        return maximum
    try:
        version = APIVersion.parse(requested)
    except ValueError:
        raise BadRequest(
            f"API Version String {requested} is of invalid format. Must be of format MajorNum.MinorNum."
        ) from None
    if not (minimum <= version <= maximum):
        raise NotAcceptable(
            f"Version {version} is not supported by the API. "
            f"Minimum is {minimum} and maximum is {maximum}."
        )
    return version


def ignored_header(headers, *, service_types: tuple[str, ...] = (SERVICE_TYPE,), legacy_headers=(LEGACY_HEADER,),
                   minimum: APIVersion | None = None) -> str | None:
    """When OpenStack-API-Version is sent but names only other services ("copmute 2.90") and no legacy
    header gives a version, the service ignores it and serves its minimum, as Nova does; this says
    so, for the request log."""
    if headers.get(STANDARD_HEADER) is None:
        return None
    return _ignored_header(_version_headers(headers, legacy_headers), tuple(service_types), tuple(legacy_headers),
                           minimum)


@functools.lru_cache(maxsize=256)
def _ignored_header(version_headers: tuple, service_types: tuple, legacy_headers: tuple,
                    minimum: APIVersion | None) -> str | None:
    headers = dict(version_headers)
    value = headers.get(STANDARD_HEADER)
    if (not value or any(headers.get(name) for name in legacy_headers)
            or any(microversion_parse.get_version(headers, service_type=service_type, legacy_headers=[])
                   for service_type in service_types)):
        return None
    named = sorted({part.split()[0] for part in value.split(",") if part.split()})
    return (f"{STANDARD_HEADER}: {value!r} names {', '.join(named) or 'no service'}, not "
            f"{service_types[0]}: served at {minimum or MIN_VERSION}")


def response_headers(version: APIVersion) -> list[tuple[str, str]]:
    """The headers Nova puts on every versioned response, faults included."""
    return [
        (STANDARD_HEADER, f"{SERVICE_TYPE} {version}"),
        (LEGACY_HEADER, str(version)),
        ("Vary", STANDARD_HEADER),
        ("Vary", LEGACY_HEADER),
    ]


def require(version_range: VersionRange, current: APIVersion) -> None:
    """404 for a method that does not exist at this microversion, as Nova answers."""
    if current not in version_range:
        raise NotFound("The resource could not be found.")
