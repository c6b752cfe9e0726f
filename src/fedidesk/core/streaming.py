"""Mastodon streaming over HTTP Server-Sent Events (``security.md`` item 17).

``StreamConnection`` holds one ``GET /api/v1/streaming/<path>`` open with ``httpx-sse``:

* the token travels in the ``Authorization: Bearer`` header, never in the URL;
* frames become typed events (``Update``, ``Delete``, ``NotificationEvent``, ``StatusUpdate``,
  ``FiltersChanged``, ``ConversationEvent``, ``NotificationsMerged``); unknown events and
  malformed payloads are logged and ignored;
* no bytes (``:thump`` heartbeats included) for ``liveness_timeout`` → reconnect;
* reconnects wait a full-jitter exponential delay (base 1 s, cap 60 s) that resets once a
  connection has stayed up for ``stable_after`` seconds;
* 400/404 → ``UNSUPPORTED`` (the caller polls instead), 401 → ``AUTH_EXPIRED``; both stop;
* a line or an event larger than ``MAX_EVENT_BYTES`` drops the connection (bounded buffers).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_sse import aconnect_sse
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.columns import StreamSpec
from fedidesk.core.entities import Conversation, Notification, Status, from_dict
from fedidesk.core.http import make_client, require_secure_url
from fedidesk.core.redact import redact, register_secret

log = logging.getLogger("fedidesk.streaming")

#: Largest single SSE line / event we buffer before giving up on the connection.
MAX_EVENT_BYTES = 2 * 1024 * 1024


class StreamState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    UNSUPPORTED = "unsupported"
    AUTH_EXPIRED = "auth_expired"
    CLOSED = "closed"


# --- events -------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    status: Status


@dataclass(frozen=True)
class StatusUpdate:
    status: Status


@dataclass(frozen=True)
class Delete:
    id: str


@dataclass(frozen=True)
class NotificationEvent:
    notification: Notification


@dataclass(frozen=True)
class ConversationEvent:
    conversation: Conversation


@dataclass(frozen=True)
class FiltersChanged:
    pass


@dataclass(frozen=True)
class NotificationsMerged:
    pass


StreamEvent = (Update | StatusUpdate | Delete | NotificationEvent | ConversationEvent
               | FiltersChanged | NotificationsMerged)


def _object(data: str) -> dict[str, Any] | None:
    try:
        value = json.loads(data)
    except (json.JSONDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) and value.get("id") else None


def parse_event(name: str, data: str) -> StreamEvent | None:
    """The typed event for one SSE frame, or ``None`` (logged) when unknown or malformed."""
    if name == "filters_changed":
        return FiltersChanged()
    if name == "notifications_merged":
        return NotificationsMerged()
    if name == "delete":
        ident = data.strip().strip('"')
        if ident and ident.isprintable() and len(ident) < 256 and "{" not in ident:
            return Delete(ident)
        log.warning("ignoring malformed delete event")
        return None
    builders: dict[str, Callable[[dict[str, Any]], StreamEvent]] = {
        "update": lambda d: Update(from_dict(Status, d)),
        "status.update": lambda d: StatusUpdate(from_dict(Status, d)),
        "status_update": lambda d: StatusUpdate(from_dict(Status, d)),  # mastodon-mock spelling
        "notification": lambda d: NotificationEvent(from_dict(Notification, d)),
        "conversation": lambda d: ConversationEvent(from_dict(Conversation, d)),
    }
    build = builders.get(name)
    if build is None:
        log.debug("ignoring unknown streaming event %r", name[:40])
        return None
    obj = _object(data)
    if obj is None:
        log.warning("ignoring %s event with a malformed payload", name)
        return None
    try:
        return build(obj)
    except (TypeError, ValueError, AttributeError) as exc:
        log.warning("ignoring %s event that does not fit the entity: %s", name, exc)
        return None


# --- helpers ------------------------------------------------------------------


def streaming_base(api_base: str, instance: dict[str, Any] | None) -> str:
    """Where to stream: ``configuration.urls.streaming`` if it names another host, else the API.

    A ``wss://``/``ws://`` URL maps to ``https://``/``http://``; an insecure or malformed URL
    is ignored.
    """
    config = (instance or {}).get("configuration") or {}
    urls = (config.get("urls") if isinstance(config, dict) else None) or (
        (instance or {}).get("urls") or {})
    url = urls.get("streaming") or urls.get("streaming_api") if isinstance(urls, dict) else None
    if not isinstance(url, str) or not url:
        return api_base
    url = url.replace("wss://", "https://", 1).replace("ws://", "http://", 1)
    try:
        require_secure_url(url)
    except Exception:
        return api_base
    if urlsplit(url).netloc.lower() == urlsplit(api_base).netloc.lower():
        return api_base
    return url.rstrip("/")


def has_streaming(instance: dict[str, Any] | None) -> bool:
    """False when the instance document says there is no streaming (e.g. Takahē)."""
    config = (instance or {}).get("configuration")
    if isinstance(config, dict) and isinstance(config.get("urls"), dict):
        return bool(config["urls"].get("streaming"))
    urls = (instance or {}).get("urls")
    if isinstance(urls, dict):
        return bool(urls.get("streaming_api"))
    return True  # unknown: try, and fall back to polling on 404


class Backoff:
    """Full-jitter exponential delays: uniform(0, min(cap, base·2ⁿ)); ``reset()`` restarts."""

    def __init__(self, rng: random.Random, *, base: float = 1.0, cap: float = 60.0) -> None:
        self.rng, self.base, self.cap = rng, base, cap
        self.attempt = 0

    def ceiling(self) -> float:
        return float(min(self.cap, self.base * 2 ** min(self.attempt, 32)))

    def next_delay(self) -> float:
        delay = self.rng.uniform(0.0, self.ceiling())
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


class _Stop(Exception):
    """The server said: do not come back (unsupported stream or revoked token)."""

    def __init__(self, state: StreamState) -> None:
        self.state = state


class _Oversized(Exception):
    pass


# --- the connection -----------------------------------------------------------


class StreamConnection:
    """One self-reconnecting SSE stream. ``start()`` it; ``close()`` it when done."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        stream: StreamSpec,
        on_event: Callable[[StreamEvent], None],
        on_state: Callable[[StreamState], None],
        *,
        client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        liveness_timeout: float = 45.0,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        stable_after: float = 60.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self.base_url = require_secure_url(base_url.rstrip("/"))
        register_secret(token)
        self._token = token
        self.stream = stream
        self.on_event = on_event
        self.on_state = on_state
        self.clock: Clock = clock or SystemClock()
        rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self.backoff = Backoff(rng, base=backoff_base, cap=backoff_cap)
        self.liveness_timeout = liveness_timeout
        self.stable_after = stable_after
        self.connect_timeout = connect_timeout
        self._owns_client = client is None
        self.client = client or make_client()
        self.state = StreamState.DISCONNECTED
        self.delays: list[float] = []  # every reconnect delay, for logs and tests
        self.connects = 0
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._connected_at: float | None = None

    @property
    def url(self) -> str:
        return self.base_url + self.stream.url_path

    def start(self) -> asyncio.Task[None]:
        """Run the connect/read/reconnect loop in a task (idempotent)."""
        if self._task is None or self._task.done():
            self._closed = False
            self._task = asyncio.ensure_future(self.run())
        return self._task

    async def close(self) -> None:
        """Stop for good: cancel the loop and close our own HTTP client."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._owns_client:
            await self.client.aclose()
        self._set_state(StreamState.CLOSED)

    def reconnect_now(self) -> None:
        """Drop the current connection (e.g. after a network change); the loop reconnects."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            self._set_state(StreamState.DISCONNECTED)
            self._task = asyncio.ensure_future(self.run())

    def _set_state(self, state: StreamState) -> None:
        if state != self.state:
            self.state = state
            try:
                self.on_state(state)
            except Exception:
                log.exception("stream state callback failed")

    async def run(self) -> None:
        """Connect, read, reconnect with backoff, until closed or told to stop."""
        while not self._closed:
            self._set_state(StreamState.CONNECTING)
            self._connected_at = None
            try:
                await self._connect_and_read()
                reason = "stream ended"
            except _Stop as stop:
                self._set_state(stop.state)
                return
            except TimeoutError:
                reason = "no data (liveness timeout)"
            except (httpx.HTTPError, _Oversized) as exc:
                reason = redact(f"{type(exc).__name__}: {exc}")
            if self._closed:
                return
            connected_at = self._connected_at
            if connected_at is not None and self.clock.time() - connected_at >= self.stable_after:
                self.backoff.reset()
            self._set_state(StreamState.DISCONNECTED)
            delay = self.backoff.next_delay()
            self.delays.append(delay)
            log.info("stream %s dropped (%s); reconnecting in %.1fs",
                     self.stream.name, reason, delay)
            await self.clock.sleep(delay)

    async def _connect_and_read(self) -> None:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        timeout = httpx.Timeout(connect=self.connect_timeout, read=None, write=10.0, pool=10.0)
        async with aconnect_sse(self.client, "GET", self.url, params=self.stream.params,
                                headers=headers, timeout=timeout) as source:
            response = source.response
            self._check_status(response)
            self._connected_at = self.clock.time()
            self.connects += 1
            self._set_state(StreamState.CONNECTED)
            await self._read(response)

    def _check_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status == 401:
            raise _Stop(StreamState.AUTH_EXPIRED)
        if status in (400, 403, 404, 405, 410, 501):
            log.info("stream %s not available (HTTP %d); polling instead",
                     self.stream.name, status)
            raise _Stop(StreamState.UNSUPPORTED)
        if not response.is_success:
            raise httpx.HTTPStatusError(f"HTTP {status}", request=response.request,
                                        response=response)
        content_type = response.headers.get("content-type", "")
        if "text/event-stream" not in content_type:
            raise _Stop(StreamState.UNSUPPORTED)

    async def _read(self, response: httpx.Response) -> None:
        lines = SSELineDecoder()
        decoder = SSEDecoder()
        pending = 0
        chunks = response.aiter_text()
        async for text in _with_liveness(chunks, self.liveness_timeout):
            for line in lines.decode(text):
                pending += len(line)
                if pending > MAX_EVENT_BYTES:
                    raise _Oversized("event too large")
                sse = decoder.decode(line.rstrip("\n"))
                if sse is None:
                    continue
                pending = 0
                if sse.event:
                    self._dispatch(sse.event, sse.data)
            if sum(len(b) for b in lines.buffer) > MAX_EVENT_BYTES:
                raise _Oversized("line too long")

    def _dispatch(self, name: str, data: str) -> None:
        event = parse_event(name, data)
        if event is None:
            return
        try:
            self.on_event(event)
        except Exception:
            log.exception("stream event handler failed for %s", name)


async def _with_liveness(chunks: AsyncIterator[str], seconds: float) -> AsyncIterator[str]:
    """Yield from ``chunks``; ``TimeoutError`` if none arrives within ``seconds``."""
    iterator = chunks.__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(iterator.__anext__(), seconds)
        except StopAsyncIteration:
            return
        yield chunk
