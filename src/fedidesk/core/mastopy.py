"""A safe async door to Mastodon.py, for the few calls it encodes better than we would.

Mastodon.py is synchronous (``requests``) and its ``wait``/``pace`` rate-limit modes sleep in
the calling thread and are not thread-safe (``security.md`` item 16), so:

* it runs only in a bounded ``ThreadPoolExecutor`` (at most 4 workers) via
  ``loop.run_in_executor``, never on the event loop;
* it is built with ``ratelimit_method="throw"``; our ``RateLimitGovernor`` does the waiting,
  on the injected clock, and learns from Mastodon.py's ``ratelimit_*`` attributes;
* ``debug_requests`` stays off (it prints the Authorization header) and ``request_timeout``
  is always set;
* its exceptions become ours and its ``AttribAccessDict`` results become our entities before
  they leave this module.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any, TypeVar

from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.entities import from_dict
from fedidesk.core.errors import (
    ApiError,
    AuthExpiredError,
    FedideskError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerUnavailableError,
    UncertainOutcomeError,
    ValidationError,
)
from fedidesk.core.http import USER_AGENT, RetryPolicy, require_secure_url
from fedidesk.core.ratelimit import MAX_RATE_WAIT, Priority, RateLimitGovernor
from fedidesk.core.redact import redact, register_secret

log = logging.getLogger("fedidesk.http")

T = TypeVar("T")
MAX_WORKERS = 4
MAX_429_RETRIES = 3


def to_plain(value: Any) -> Any:
    """Mastodon.py results as plain JSON: dicts, lists, and ISO strings instead of datetimes."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _status_of(exc: MastodonAPIError) -> int:
    status = exc.args[1] if len(exc.args) > 1 else 0
    return status if isinstance(status, int) else 0


def _server_text(exc: MastodonAPIError) -> str:
    text = exc.args[3] if len(exc.args) > 3 else ""
    return str(text) if text else ""


def map_api_error(exc: MastodonAPIError) -> ApiError:
    """Translate a Mastodon.py API error into our hierarchy, quoting the server's text."""
    status, text = _status_of(exc), _server_text(exc)
    quoted = f": {text}" if text else "."
    if isinstance(exc, MastodonUnauthorizedError) or status == 401:
        return AuthExpiredError(status=401, server_error=text)
    if isinstance(exc, MastodonNotFoundError) or status in (404, 410):
        return NotFoundError(status=status or 404, server_error=text)
    if status == 403:
        return ForbiddenError(f"The server does not allow this{quoted}", status=403,
                              server_error=text)
    if status == 422:
        return ValidationError(f"The server did not accept the input{quoted}", status=422,
                               server_error=text)
    if isinstance(exc, MastodonServerError) or status >= 500 or status == 0:
        return ServerUnavailableError(status=status, server_error=text,
                                      detail=redact(str(exc.args[0]) if exc.args else ""))
    return ApiError(f"The server refused the request{quoted}", status=status, server_error=text)


class MastodonPyBridge:
    """Runs Mastodon.py calls in a bounded thread pool under our governor and error model."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        governor: RateLimitGovernor | None = None,
        clock: Clock | None = None,
        request_timeout: float = 20.0,
        policy: RetryPolicy | None = None,
        client_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.base_url = require_secure_url(base_url.rstrip("/"))
        register_secret(token)
        self._token = token
        self.clock: Clock = clock or SystemClock()
        self.governor = governor or RateLimitGovernor(clock=self.clock)
        self.request_timeout = request_timeout
        self.policy = policy or RetryPolicy()
        self._factory = client_factory or self._make_client
        self._client: Any = None
        self._executor = ThreadPoolExecutor(
            max_workers=MAX_WORKERS, thread_name_prefix="fedidesk-mastopy"
        )

    def _make_client(self) -> Any:
        return Mastodon(
            access_token=self._token,
            api_base_url=self.base_url,
            ratelimit_method="throw",
            request_timeout=self.request_timeout,
            debug_requests=False,
            version_check_mode="none",
            user_agent=USER_AGENT,
        )

    @property
    def client(self) -> Any:
        """The Mastodon.py instance (built on first use; its constructor does no I/O)."""
        if self._client is None:
            self._client = self._factory()
        return self._client

    async def call(
        self,
        method_name: str,
        *args: Any,
        idempotent: bool,
        priority: Priority = Priority.USER,
        **kwargs: Any,
    ) -> Any:
        """Call ``Mastodon.<method_name>(*args, **kwargs)``; returns plain JSON data."""
        if method_name.startswith("_") or not callable(getattr(self.client, method_name, None)):
            raise ValueError(f"Mastodon.py has no public method {method_name!r}")
        func = functools.partial(getattr(self.client, method_name), *args, **kwargs)
        return to_plain(await self._run(method_name, func, idempotent, priority))

    async def call_entity(
        self, entity_cls: type[T], method_name: str, *args: Any, idempotent: bool, **kwargs: Any
    ) -> T:
        """``call`` and convert the result into ``entity_cls``."""
        data = await self.call(method_name, *args, idempotent=idempotent, **kwargs)
        if not isinstance(data, dict):
            raise ServerUnavailableError(detail=f"{method_name} returned {type(data).__name__}")
        return from_dict(entity_cls, data)

    async def _run(
        self, name: str, func: Callable[[], Any], idempotent: bool, priority: Priority
    ) -> Any:
        loop = asyncio.get_running_loop()
        retries = throttled = 0
        while True:
            await self.governor.acquire(priority)
            try:
                try:
                    return await loop.run_in_executor(self._executor, func)
                finally:
                    self._feed_governor()
            except MastodonRatelimitError as exc:
                throttled += 1
                await self._wait_throttled(exc, throttled)
            except (MastodonNetworkError, MastodonServerError) as exc:
                if not idempotent or retries + 1 >= self.policy.max_attempts:
                    raise self._final_error(exc, idempotent) from exc
                await self._backoff(name, retries, type(exc).__name__)
                retries += 1
            except MastodonAPIError as exc:
                raise map_api_error(exc) from exc

    def _final_error(self, exc: Exception, idempotent: bool) -> FedideskError:
        detail = redact(f"{type(exc).__name__}: {exc}")
        if isinstance(exc, MastodonServerError):
            return map_api_error(exc)
        if not idempotent:
            return UncertainOutcomeError(detail=detail)
        return NetworkError(detail=detail)

    async def _wait_throttled(self, exc: MastodonRatelimitError, throttled: int) -> None:
        reset_in = self._reset_in()
        if throttled > MAX_429_RETRIES or (reset_in or 0) > MAX_RATE_WAIT:
            raise RateLimitedError(
                reset_at=self.clock.time() + (reset_in or 0), detail=redact(str(exc))
            ) from exc
        headers = {"Retry-After": f"{reset_in:.3f}"} if reset_in else {}
        await self.governor.wait_after_429(headers)
        # Mastodon.py only learns the new budget from the next response; assume it refilled.
        self.governor.remaining = self.governor.limit
        self.governor.next_reset = None

    async def _backoff(self, name: str, retry: int, reason: str) -> None:
        delay = self.policy.delay(retry)
        log.debug("retrying Mastodon.py %s after %s (retry %d) in %.2fs", name, reason,
                  retry + 1, delay)
        await self.clock.sleep(delay)

    def _reset_in(self) -> float | None:
        reset = getattr(self._client, "ratelimit_reset", None)
        if not isinstance(reset, int | float):
            return None
        # Mastodon.py keeps the reset on the real clock; re-base it onto ours.
        return max(0.0, float(reset) - time.time())

    def _feed_governor(self) -> None:
        if self._client is None:
            return
        limit = getattr(self._client, "ratelimit_limit", None)
        remaining = getattr(self._client, "ratelimit_remaining", None)
        self.governor.observe_values(
            limit=limit if isinstance(limit, int) else None,
            remaining=remaining if isinstance(remaining, int) else None,
            reset_in=self._reset_in(),
        )

    def close(self) -> None:
        """Stop the worker threads (waits for calls already running)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
