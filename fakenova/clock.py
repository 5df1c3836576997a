"""The one clock every part of fakenova reads.

Fake time runs from an anchor: ``now = anchor_fake + (wall - anchor_wall) * speed``. Freezing pins it,
advancing moves the anchor. The wall clock is read through ``time.time()`` on purpose: when a test
freezes time with freezegun, the wall stands still and so does fakenova.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time


class Clock:
    def __init__(self, *, frozen: bool = False, speed: float = 1.0, start: float | None = None):
        self._lock = threading.Lock()
        self._anchor_wall = time.time()
        self._anchor_fake = self._anchor_wall if start is None else float(start)
        self._frozen = frozen
        self._speed = float(speed)

    def _now_locked(self, wall: float | None = None) -> float:
        if self._frozen:
            return self._anchor_fake
        wall = time.time() if wall is None else wall
        return self._anchor_fake + (wall - self._anchor_wall) * self._speed

    def _reanchor_locked(self) -> None:
        # One reading of the wall for both anchors: two readings would put the anchors a few
        # microseconds apart, and a clock following the wall (freezegun) would then run that much
        # behind it, a second behind once Nova's times drop the fraction.
        wall = time.time()
        self._anchor_fake = self._now_locked(wall)
        self._anchor_wall = wall

    def time(self) -> float:
        """Seconds since the epoch, on the fake clock."""
        with self._lock:
            return self._now_locked()

    def now(self) -> dt.datetime:
        """The fake time as an aware UTC datetime."""
        return dt.datetime.fromtimestamp(self.time(), tz=dt.timezone.utc)

    @property
    def frozen(self) -> bool:
        return self._frozen

    @property
    def speed(self) -> float:
        return self._speed

    def freeze(self) -> None:
        with self._lock:
            self._reanchor_locked()
            self._frozen = True

    def unfreeze(self) -> None:
        with self._lock:
            self._reanchor_locked()
            self._frozen = False

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._reanchor_locked()
            self._anchor_fake += seconds

    def set_speed(self, speed: float) -> None:
        if speed < 0:
            raise ValueError("speed must be zero or more")
        with self._lock:
            self._reanchor_locked()
            self._speed = float(speed)

    def follow_wall(self) -> None:
        """Back to real time: unfrozen, speed 1, fake time equal to the wall clock (so freezegun's
        frozen instant is the fake clock's, exactly). For a fresh start, as the pytest fixture's:
        after a freeze or an advance this moves the clock, backwards too."""
        with self._lock:
            self._anchor_fake = self._anchor_wall = time.time()
            self._frozen = False
            self._speed = 1.0

    def state(self) -> dict:
        return {"now": isoformat(self.now()), "frozen": self._frozen, "speed": self._speed}

    def restore(self, when: float, *, frozen: bool, speed: float) -> None:
        """Jump to ``when`` (backwards too): only for importing a saved state."""
        if speed < 0:
            raise ValueError("speed must be zero or more")
        with self._lock:
            self._anchor_wall = time.time()
            self._anchor_fake = float(when)
            self._frozen = bool(frozen)
            self._speed = float(speed)


# How the services write a fake-clock time (epoch seconds) as text. Pure, and a list page asks for
# the same few hundred stamps again and again, hence the caches.

def isoformat(when: dt.datetime) -> str:
    """ISO 8601 with microseconds and a Z: Keystone's token times and the control plane's clock."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def micro_z(seconds: float) -> str:
    return isoformat(dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc))


@functools.lru_cache(maxsize=8192)
def isotime(seconds: float | None) -> str | None:
    """Nova's utils.isotime, also Glance's and Neutron's: second precision with a Z."""
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=8192)
def db_time(seconds: float | None) -> str | None:
    """A Nova DB datetime as its JSON serialiser writes it: naive, with microseconds."""
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
