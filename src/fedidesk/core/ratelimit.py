"""The rate-limit governor: one budget per access token (or per unauthenticated host).

Mastodon announces its budget in ``X-RateLimit-Limit/Remaining/Reset`` (``mastodon.md`` §8;
``security.md`` item 16). The reset is ISO 8601 on Mastodon and an epoch number on
GoToSocial; both are server time, so we shift them onto our clock with the ``Date`` header:
``reset_local = now + (reset_server - date_server)``.

Background work (bulk follows, gap fill, polling) stops at a reserve so the person using the
app can still act; user work only waits when the budget is exhausted. Every wait goes through
the injected ``Clock`` so tests run on a fake clock, and listeners learn "waiting until X" so
the UI can say "continues at 10:42".
"""

from __future__ import annotations

import enum
import hashlib
import random
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.entities import parse_datetime
from fedidesk.core.errors import RateLimitedError

#: Wait used after a 429 that tells us nothing about when to come back.
DEFAULT_429_WAIT = 30.0
#: Give up instead of waiting longer than this for a rate limit (seconds).
MAX_RATE_WAIT = 15 * 60.0

WaitListener = Callable[[float], None]


class Priority(enum.Enum):
    """Who is waiting: a person (``USER``) or a job (``BACKGROUND``)."""

    USER = "user"
    BACKGROUND = "background"


USER = Priority.USER
BACKGROUND = Priority.BACKGROUND


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup that also works on plain dicts."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        for key, candidate in headers.items():
            if key.lower() == lowered:
                return candidate
    return value


def parse_reset(value: str | None) -> float | None:
    """``X-RateLimit-Reset`` as epoch seconds: an epoch number (GoToSocial) or ISO 8601."""
    if not value:
        return None
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        parsed = parse_datetime(text)
        return parsed.timestamp() if parsed else None


def parse_http_date(value: str | None) -> float | None:
    """An RFC 7231 ``Date`` header as epoch seconds, ``None`` when absent or invalid."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def parse_retry_after(value: str | None, now: float, date_server: float | None) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP date (skew-corrected)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        when = parse_http_date(value)
        if when is None:
            return None
        reference = date_server if date_server is not None else now
        return max(0.0, when - reference)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


class RateLimitGovernor:
    """Tracks one rate-limit budget and makes callers wait for it, fairly and visibly."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        reserve_fraction: float = 0.1,
        min_reserve: int = 5,
        max_jitter: float = 1.0,
        rng: random.Random | None = None,
        name: str = "",
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.name = name
        self.limit: int | None = None
        self.remaining: int | None = None
        #: When the budget refills, in local epoch seconds (skew-corrected), if known.
        self.next_reset: float | None = None
        #: When a current wait ends (local epoch seconds), ``None`` when nobody waits.
        self.waiting_until: float | None = None
        self._reserve_fraction = reserve_fraction
        self._min_reserve = min_reserve
        self._max_jitter = max_jitter
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._listeners: list[WaitListener] = []

    # --- listeners --------------------------------------------------------

    def add_listener(self, listener: WaitListener) -> Callable[[], None]:
        """Call ``listener(resume_at)`` whenever a wait starts; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, resume_at: float) -> None:
        self.waiting_until = resume_at
        for listener in list(self._listeners):
            listener(resume_at)

    # --- bookkeeping ------------------------------------------------------

    @property
    def reserve(self) -> int:
        """How many requests background work leaves for the user."""
        if self.limit is None:
            return self._min_reserve
        return max(self._min_reserve, int(self.limit * self._reserve_fraction))

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Learn the budget from a response's ``X-RateLimit-*`` and ``Date`` headers."""
        limit = _int_or_none(_header(headers, "X-RateLimit-Limit"))
        remaining = _int_or_none(_header(headers, "X-RateLimit-Remaining"))
        reset = self._local_reset(headers)
        if limit is not None:
            self.limit = limit
        if remaining is not None:
            self.remaining = max(0, remaining)
        elif status == 429:
            self.remaining = 0
        if reset is not None:
            self.next_reset = reset

    def observe_values(
        self, *, limit: int | None, remaining: int | None, reset_in: float | None
    ) -> None:
        """Learn the budget from parsed values (Mastodon.py's ``ratelimit_*`` attributes)."""
        if limit is not None:
            self.limit = limit
        if remaining is not None:
            self.remaining = max(0, remaining)
        if reset_in is not None:
            self.next_reset = self.clock.time() + reset_in

    def _local_reset(self, headers: Mapping[str, str]) -> float | None:
        reset_server = parse_reset(_header(headers, "X-RateLimit-Reset"))
        if reset_server is None:
            return None
        date_server = parse_http_date(_header(headers, "Date"))
        if date_server is None:
            return reset_server
        return self.clock.time() + (reset_server - date_server)

    def _refill_if_reset(self) -> None:
        if self.next_reset is not None and self.clock.time() >= self.next_reset:
            self.remaining = self.limit
            self.next_reset = None

    def delay_for(self, priority: Priority) -> float:
        """Seconds ``priority`` work must wait before its next request (0 = go now)."""
        self._refill_if_reset()
        if self.remaining is None or self.next_reset is None:
            return 0.0
        floor = 0 if priority is Priority.USER else self.reserve
        if self.remaining > floor:
            return 0.0
        return max(0.0, self.next_reset - self.clock.time())

    # --- waiting ----------------------------------------------------------

    async def acquire(self, priority: Priority = Priority.USER) -> None:
        """Wait until ``priority`` work may send one request, then take it from the budget."""
        while (delay := self.delay_for(priority)) > 0:
            await self._sleep(delay + self._jitter())
        if self.remaining is not None:
            # Optimistic: concurrent callers must not all see the same last request.
            self.remaining = max(0, self.remaining - 1)

    def delay_after_429(self, headers: Mapping[str, str]) -> float:
        """How long to back off after a 429 carrying ``headers`` (before jitter)."""
        self.observe(429, headers)
        now = self.clock.time()
        date_server = parse_http_date(_header(headers, "Date"))
        retry_after = parse_retry_after(_header(headers, "Retry-After"), now, date_server)
        until_reset = self.next_reset - now if self.next_reset is not None else None
        candidates = [d for d in (retry_after, until_reset) if d is not None and d > 0]
        return max(candidates) if candidates else DEFAULT_429_WAIT

    async def wait_after_429(
        self, headers: Mapping[str, str], *, max_wait: float = MAX_RATE_WAIT
    ) -> float:
        """Sleep until the server lets us in again; ``RateLimitedError`` if that is too far."""
        delay = self.delay_after_429(headers)
        if delay > max_wait:
            reset_at = self.clock.time() + delay
            raise RateLimitedError(reset_at=reset_at, detail=f"limit resets in {delay:.0f}s")
        delay += self._jitter()
        await self._sleep(delay)
        if self.next_reset is not None and self.clock.time() >= self.next_reset:
            self._refill_if_reset()
        return delay

    async def _sleep(self, delay: float) -> None:
        self._notify(self.clock.time() + delay)
        try:
            await self.clock.sleep(delay)
        finally:
            self.waiting_until = None

    def _jitter(self) -> float:
        return self._rng.uniform(0.0, self._max_jitter)


_registry: dict[str, RateLimitGovernor] = {}


def governor_key(base_url: str, token: str | None) -> str:
    """The registry key for a token (hashed: tokens never sit in dict keys) or a host."""
    host = base_url.split("://", 1)[-1].split("/", 1)[0].lower()
    if token is None:
        return f"anon:{host}"
    return "token:" + hashlib.sha256(token.encode()).hexdigest()


def governor_for(
    base_url: str, token: str | None, *, clock: Clock | None = None
) -> RateLimitGovernor:
    """The process-wide governor for this token (or for this host when unauthenticated)."""
    key = governor_key(base_url, token)
    governor = _registry.get(key)
    if governor is None:
        governor = RateLimitGovernor(clock=clock, name=key.split(":", 1)[0])
        _registry[key] = governor
    return governor
