"""HTTP plumbing shared by every network call: secure URLs, the client, retries, breaker.

Rules (``security.md`` items 7, 16, 20):

* https only, except loopback (a local test server or the OAuth callback);
* explicit connect/read/write/pool timeouts;
* idempotent requests (GET/HEAD/PUT/DELETE/OPTIONS, or a POST carrying an
  ``Idempotency-Key``) are retried on 5xx, timeouts and connection errors with capped
  exponential *full jitter* backoff; a non-idempotent request that may have reached the
  server is never re-sent: ``UncertainOutcomeError`` lets the caller reconcile;
* a 429 waits on the token's ``RateLimitGovernor`` (bounded), for every method, because a
  throttled request was rejected before the server acted on it;
* retries are logged at DEBUG on ``fedidesk.http``, never with headers, URLs redacted.
"""

from __future__ import annotations

import ipaddress
import logging
import random
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from fedidesk import __version__
from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.errors import (
    InsecureUrlError,
    NetworkError,
    RateLimitedError,
    ServerUnavailableError,
    UncertainOutcomeError,
)
from fedidesk.core.i18n import _
from fedidesk.core.ratelimit import MAX_RATE_WAIT, Priority, RateLimitGovernor
from fedidesk.core.redact import redact

log = logging.getLogger("fedidesk.http")

USER_AGENT = f"fedidesk/{__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: After this many 429s for one request we stop waiting and report it.
MAX_429_RETRIES = 3
#: Largest API answer read (decoded). Mastodon's biggest (a server's custom emoji list)
#: stay far below; a larger one is refused instead of filling memory.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1``."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_secure_url(url: str | httpx.URL) -> str:
    """Return ``url`` if it is https (or http on loopback); raise ``InsecureUrlError`` else."""
    text = str(url)
    parts = urlsplit(text)
    host = parts.hostname or ""
    if not host:
        raise InsecureUrlError(_("That is not a valid server address."), detail=redact(text))
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host)):
        return text
    raise InsecureUrlError(detail=f"refused {parts.scheme}://{host}")


async def _enforce_secure(request: httpx.Request) -> None:
    # Runs for every request, redirects included, so a server cannot bounce us to http.
    require_secure_url(request.url)


#: Seconds before a request without progress is given up (the setting ``network.timeout_s``).
DEFAULT_TIMEOUT = 20.0


def client_timeouts(timeout: float) -> httpx.Timeout:
    """Give up on a request after ``timeout`` seconds without progress (connecting: 10 s
    at most)."""
    return httpx.Timeout(connect=min(10.0, timeout), read=timeout, write=timeout, pool=timeout)


def make_client(
    timeout: float = DEFAULT_TIMEOUT, *, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` with explicit timeouts, our User-Agent and https enforcement."""
    return httpx.AsyncClient(
        timeout=client_timeouts(timeout),
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        follow_redirects=True,
        max_redirects=5,
        event_hooks={"request": [_enforce_secure]},
        transport=transport,
    )


@dataclass
class RetryPolicy:
    """Capped exponential backoff with full jitter (AWS architecture blog)."""

    max_attempts: int = 4
    base: float = 0.5
    cap: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def ceiling(self, retry: int) -> float:
        """The upper bound of the delay before retry number ``retry`` (0-based)."""
        return float(min(self.cap, self.base * (2**retry)))

    def delay(self, retry: int) -> float:
        """A random delay in ``[0, ceiling(retry)]``."""
        return self.rng.uniform(0.0, self.ceiling(retry))


class CircuitBreaker:
    """Per-host breaker: ``threshold`` consecutive failures defer the host for ``cool_off``."""

    def __init__(
        self, *, threshold: int = 5, cool_off: float = 300.0, clock: Clock | None = None
    ) -> None:
        self.threshold = threshold
        self.cool_off = cool_off
        self.clock: Clock = clock or SystemClock()
        self._failures: dict[str, int] = {}
        self._open_until: dict[str, float] = {}

    def deferred_until(self, host: str) -> float | None:
        """When ``host`` may be tried again, or ``None`` if it may be tried now."""
        until = self._open_until.get(host)
        if until is None or self.clock.time() >= until:
            self._open_until.pop(host, None)
            return None
        return until

    def check(self, host: str) -> None:
        """Raise ``NetworkError`` while ``host`` is deferred."""
        if self.deferred_until(host) is not None:
            raise NetworkError(
                _("{host} is not answering; fedidesk will try it again in a few minutes.")
                .format(host=host),
                detail="circuit open",
            )

    def record_failure(self, host: str) -> None:
        count = self._failures.get(host, 0) + 1
        self._failures[host] = count
        if count >= self.threshold:
            self._open_until[host] = self.clock.time() + self.cool_off
            self._failures[host] = 0

    def record_success(self, host: str) -> None:
        self._failures.pop(host, None)


def is_idempotent(request: httpx.Request) -> bool:
    """Safe to send twice: an idempotent method, or a POST with an ``Idempotency-Key``."""
    return request.method in IDEMPOTENT_METHODS or "Idempotency-Key" in request.headers


def _never_sent(exc: httpx.TransportError) -> bool:
    # The connection was never made, so the server cannot have acted on the request.
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def _network_error(exc: httpx.TransportError, request: httpx.Request) -> NetworkError:
    host = request.url.host
    if isinstance(exc, httpx.TimeoutException):
        message = _("{host} did not answer in time. Check your connection or try again "
                    "later.").format(host=host)
    else:
        message = _("Could not reach {host}. Check your internet connection.").format(host=host)
    return NetworkError(message, detail=redact(f"{type(exc).__name__}: {exc}"))


@dataclass
class Sender:
    """Everything ``send`` needs besides the request; one per ``MastodonApi``."""

    client: httpx.AsyncClient
    governor: RateLimitGovernor | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Clock = field(default_factory=SystemClock)
    breaker: CircuitBreaker | None = None
    max_rate_wait: float = MAX_RATE_WAIT
    max_429: int = MAX_429_RETRIES
    max_response_bytes: int = MAX_RESPONSE_BYTES


async def _read_capped(response: httpx.Response, limit: int) -> httpx.Response:
    """``response`` with its whole body read, refusing one larger than ``limit`` bytes
    (decoded) as soon as it gets there: a hostile or broken server must not fill memory."""
    chunks: list[bytes] = []
    size = 0
    try:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(response, limit)
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(response, limit)
            chunks.append(chunk)
    finally:
        await response.aclose()
    # Already decoded: the copy must not claim an encoding or the old length.
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks),
                          request=response.request, extensions=response.extensions)


def _too_large(response: httpx.Response, limit: int) -> ServerUnavailableError:
    return ServerUnavailableError(
        _("{host} sent an incomplete or unreadable answer. Try again in a moment.").format(
            host=response.url.host),
        status=response.status_code,
        detail=f"{response.request.method} {response.url.path}: answer over {limit} bytes")


async def send(
    sender: Sender, request: httpx.Request, *, priority: Priority = Priority.USER
) -> httpx.Response:
    """Send ``request`` with rate limiting, bounded retries and the safety rules above.

    Returns the final response (which may still be a 4xx/5xx for the caller to map);
    raises ``NetworkError``/``UncertainOutcomeError`` for transport failures and
    ``RateLimitedError`` when the rate limit would take too long.
    """
    idempotent = is_idempotent(request)
    host = request.url.host
    retries = 0
    throttled = 0
    while True:
        if sender.breaker is not None:
            sender.breaker.check(host)
        if sender.governor is not None:
            await sender.governor.acquire(priority)
        try:
            response = await _read_capped(await sender.client.send(request, stream=True),
                                          sender.max_response_bytes)
        except httpx.TransportError as exc:
            _record_transport_failure(sender, host, exc)
            if not (idempotent or _never_sent(exc)):
                raise UncertainOutcomeError(detail=redact(f"{type(exc).__name__}: {exc}")) from exc
            if retries + 1 >= sender.policy.max_attempts:
                raise _network_error(exc, request) from exc
            await _backoff(sender, request, retries, type(exc).__name__)
            retries += 1
            continue
        if sender.breaker is not None:
            sender.breaker.record_success(host)
        if sender.governor is not None:
            sender.governor.observe(response.status_code, response.headers)
        if response.status_code == 429:
            throttled += 1
            await response.aclose()
            await _wait_throttled(sender, request, response, throttled)
            continue
        if response.status_code >= 500 and idempotent and retries + 1 < sender.policy.max_attempts:
            await response.aclose()
            await _backoff(sender, request, retries, f"HTTP {response.status_code}")
            retries += 1
            continue
        return response


def _record_transport_failure(sender: Sender, host: str, exc: httpx.TransportError) -> None:
    if sender.breaker is not None and isinstance(exc, httpx.TimeoutException):
        sender.breaker.record_failure(host)


async def _backoff(sender: Sender, request: httpx.Request, retry: int, reason: str) -> None:
    delay = sender.policy.delay(retry)
    log.debug(
        "retrying %s %s after %s (retry %d of %d) in %.2fs",
        request.method, redact(str(request.url)), reason, retry + 1,
        sender.policy.max_attempts - 1, delay,
    )
    await sender.clock.sleep(delay)


async def _wait_throttled(
    sender: Sender, request: httpx.Request, response: httpx.Response, throttled: int
) -> None:
    governor = sender.governor or RateLimitGovernor(clock=sender.clock)
    if throttled > sender.max_429:
        delay = governor.delay_after_429(response.headers)
        raise RateLimitedError(reset_at=sender.clock.time() + delay,
                               detail=f"still throttled after {sender.max_429} waits")
    log.debug("rate limited on %s %s; waiting (429 #%d)",
              request.method, redact(str(request.url)), throttled)
    await governor.wait_after_429(response.headers, max_wait=sender.max_rate_wait)
