"""StreamConnection against ``httpx.MockTransport`` SSE bodies, with a fake clock."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from fedidesk.core.clock import FakeClock
from fedidesk.core.columns import StreamSpec
from fedidesk.core.streaming import (
    ConversationEvent,
    Delete,
    FiltersChanged,
    NotificationEvent,
    NotificationsMerged,
    StatusUpdate,
    StreamConnection,
    StreamEvent,
    StreamState,
    Update,
    parse_event,
    streaming_base,
)

BASE = "https://social.example"
STATUS = {"id": "101", "content": "<p>hi</p>", "account": {"id": "1", "acct": "bob"}}


def frame(event: str, data: Any = None) -> bytes:
    text = f"event: {event}\n"
    if data is not None:
        text += f"data: {data if isinstance(data, str) else json.dumps(data)}\n"
    return (text + "\n").encode()


def sse(chunks: list[bytes], *, then_hang: bool = False, gap: float = 0.0,
        before: Callable[[], None] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    async def body() -> AsyncIterator[bytes]:
        if before is not None:
            before()
        for chunk in chunks:
            if gap:
                await asyncio.sleep(gap)
            yield chunk
        if then_hang:
            await asyncio.sleep(3600)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"},
                              content=body())
    return handler


class Recorder:
    def __init__(self) -> None:
        self.events: list[StreamEvent] = []
        self.states: list[StreamState] = []
        self.requests: list[httpx.Request] = []


def make(handler: Callable[[httpx.Request], httpx.Response], *, seed: int = 1,
         clock: FakeClock | None = None, **kw: Any) -> tuple[StreamConnection, Recorder]:
    rec = Recorder()

    def record(request: httpx.Request) -> httpx.Response:
        rec.requests.append(request)
        return handler(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(record))
    conn = StreamConnection(BASE, "secret-token", StreamSpec("user", "user"),
                            rec.events.append, rec.states.append, client=client,
                            clock=clock or FakeClock(), rng=random.Random(seed), **kw)
    return conn, rec


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


# --- parsing --------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("update", json.dumps(STATUS), Update),
    ("status.update", json.dumps(STATUS), StatusUpdate),
    ("status_update", json.dumps(STATUS), StatusUpdate),
    ("notification", json.dumps({"id": "7", "type": "mention", "account": {"id": "2"},
                                 "status": STATUS}), NotificationEvent),
    ("conversation", json.dumps({"id": "c1", "accounts": [], "last_status": STATUS}),
     ConversationEvent),
    ("delete", "103", Delete),
    ("filters_changed", "", FiltersChanged),
    ("notifications_merged", "", NotificationsMerged),
])
def test_known_events_parse(name: str, data: str, expected: type) -> None:
    assert isinstance(parse_event(name, data), expected)


def test_delete_payload_is_a_bare_id() -> None:
    assert parse_event("delete", "110123456789") == Delete("110123456789")
    assert parse_event("delete", '"110123"') == Delete("110123")
    assert parse_event("delete", "") is None
    assert parse_event("delete", '{"id": "1"}') is None


@pytest.mark.parametrize(("name", "data"), [
    ("update", "{not json"),
    ("update", '{"id": "1", "content": "trunc'),
    ("update", "[1, 2]"),
    ("update", '"just a string"'),
    ("update", "{}"),
    ("notification", "null"),
    ("announcement", '{"id": "1"}'),
    ("kill", ""),
    ("", "data without event"),
    ("encrypted_message", "xyz"),
])
def test_malformed_and_unknown_events_are_ignored(name: str, data: str) -> None:
    assert parse_event(name, data) is None


def test_streaming_base_prefers_another_host_only() -> None:
    inst = {"configuration": {"urls": {"streaming": "wss://streaming.example"}}}
    assert streaming_base(BASE, inst) == "https://streaming.example"
    same = {"configuration": {"urls": {"streaming": "wss://social.example"}}}
    assert streaming_base(BASE, same) == BASE
    insecure = {"configuration": {"urls": {"streaming": "ws://evil.example"}}}
    assert streaming_base(BASE, insecure) == BASE
    assert streaming_base(BASE, {"configuration": {"urls": {}}}) == BASE


# --- the connection -------------------------------------------------------------


def test_frames_become_events_and_bad_ones_are_skipped() -> None:
    chunks = [b":connected\n\n", frame("update", STATUS), frame("update", "{broken"),
              frame("mystery", {"id": "9"}), b":thump\n\n", frame("delete", "555"),
              frame("filters_changed"), frame("status.update", STATUS)]

    async def go() -> Recorder:
        conn, rec = make(sse(chunks, then_hang=True))
        conn.start()
        await until(lambda: len(rec.events) >= 4)
        await conn.close()
        return rec

    rec = asyncio.run(go())
    assert [type(e) for e in rec.events] == [Update, Delete, FiltersChanged, StatusUpdate]
    assert rec.events[1] == Delete("555")
    assert rec.states[:2] == [StreamState.CONNECTING, StreamState.CONNECTED]
    assert rec.states[-1] is StreamState.CLOSED


def test_token_in_header_never_in_url() -> None:
    async def go() -> Recorder:
        conn, rec = make(sse([frame("update", STATUS)]))
        conn.start()
        await until(lambda: len(rec.requests) >= 3)
        await conn.close()
        return rec

    rec = asyncio.run(go())
    for request in rec.requests:
        assert request.headers["Authorization"] == "Bearer secret-token"
        assert "access_token" not in str(request.url)
        assert "secret-token" not in str(request.url)
        assert request.url.path == "/api/v1/streaming/user"
        assert request.headers["Accept"] == "text/event-stream"


def test_heartbeat_keeps_the_connection_alive() -> None:
    heartbeats = [b":thump\n\n"] * 8

    async def go() -> tuple[StreamConnection, Recorder]:
        conn, rec = make(sse([*heartbeats, frame("update", STATUS)], gap=0.05, then_hang=True),
                         liveness_timeout=0.2)
        conn.start()
        await until(lambda: len(rec.events) == 1)
        await conn.close()
        return conn, rec

    conn, rec = asyncio.run(go())
    assert conn.connects == 1  # 0.4 s of heartbeats with a 0.2 s liveness timeout
    assert StreamState.DISCONNECTED not in rec.states


def test_silence_triggers_a_reconnect() -> None:
    async def go() -> tuple[StreamConnection, Recorder]:
        conn, rec = make(sse([b":connected\n\n"], then_hang=True), liveness_timeout=0.1)
        conn.start()
        await until(lambda: conn.connects >= 3)
        await conn.close()
        return conn, rec

    _conn, rec = asyncio.run(go())
    assert rec.states.count(StreamState.DISCONNECTED) >= 2


def flap_delays(seed: int, flaps: int = 10) -> tuple[list[float], StreamConnection]:
    def refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"error": "down"})

    async def go() -> tuple[list[float], StreamConnection]:
        conn, _rec = make(refused, seed=seed)
        conn.start()
        await until(lambda: len(conn.delays) >= flaps)
        await conn.close()
        return conn.delays[:flaps], conn

    return asyncio.run(go())


def test_ten_flaps_grow_capped_and_desynchronised() -> None:
    delays_a, conn = flap_delays(seed=1)
    delays_b, _ = flap_delays(seed=2)
    ceilings = [min(60.0, 2.0 ** n) for n in range(10)]
    assert len(delays_a) == 10
    for delay, ceiling in zip(delays_a, ceilings, strict=True):
        assert 0.0 <= delay <= ceiling <= 60.0
    assert max(delays_a[6:]) > max(delays_a[:3])  # the window grows
    assert delays_a != delays_b  # two clients do not reconnect in lockstep
    assert sum(abs(a - b) for a, b in zip(delays_a, delays_b, strict=True)) > 1.0
    assert conn.backoff.ceiling() == 60.0


def test_backoff_resets_after_a_stable_period() -> None:
    clock = FakeClock()
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] <= 6 or calls["n"] == 8:
            return httpx.Response(503)
        # connection 7 stays up for 61 (fake) seconds, then drops
        return sse([frame("update", STATUS)], before=lambda: setattr(
            clock, "now", clock.now + 61))(request)

    async def go() -> StreamConnection:
        conn, _ = make(handler, clock=clock, stable_after=60.0)
        conn.start()
        await until(lambda: len(conn.delays) >= 9)
        await conn.close()
        return conn

    conn = asyncio.run(go())
    # delays 0..5 grow (attempts 0..5); the 7th connection was stable → reset to attempt 0.
    assert conn.delays[6] <= 1.0
    assert conn.delays[7] <= 2.0
    assert max(conn.delays[:6]) > 2.0


@pytest.mark.parametrize(("status", "state"), [
    (401, StreamState.AUTH_EXPIRED), (404, StreamState.UNSUPPORTED),
    (400, StreamState.UNSUPPORTED),
])
def test_fatal_statuses_stop_the_loop(status: int, state: StreamState) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"error": "nope"})

    async def go() -> tuple[StreamConnection, Recorder]:
        conn, rec = make(handler)
        task = conn.start()
        await asyncio.wait_for(task, 2)
        await conn.close()
        return conn, rec

    conn, rec = asyncio.run(go())
    assert state in rec.states
    assert len(rec.requests) == 1
    assert conn.delays == []


def test_oversized_event_drops_the_connection() -> None:
    huge = b"data: " + b"x" * (3 * 1024 * 1024) + b"\n\n"

    async def go() -> StreamConnection:
        conn, _ = make(sse([b"event: update\n", huge, frame("update", STATUS)]))
        conn.start()
        await until(lambda: len(conn.delays) >= 1)
        await conn.close()
        return conn

    conn = asyncio.run(go())
    assert conn.delays
