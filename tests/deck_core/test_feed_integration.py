"""TimelineFeed against a real mastodon-mock server: streaming, drops, gaps, polling."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.columns import ColumnKind, ColumnSpec
from fedidesk.core.errors import RateLimitedError, ServerUnavailableError
from fedidesk.core.feed import FeedState, TimelineFeed
from fedidesk.core.http import RetryPolicy
from fedidesk.core.ratelimit import RateLimitGovernor
from fedidesk.core.storage import Database
from fedidesk.core.timelinecache import TimelineCache
from tests.deck_core.helpers import UiModel, until
from tests.helpers.mockserver import add_fault, clear_faults

pytestmark = pytest.mark.integration

HOME = ColumnSpec("alice@mock", ColumnKind.HOME)
FAST_STREAM = {"backoff_base": 0.05, "backoff_cap": 0.2, "liveness_timeout": 5.0}


def api(server: MockServer, name: str) -> MastodonApi:
    return MastodonApi(server.base_url, f"{name}_token",
                       policy=RetryPolicy(base=0.01, cap=0.05),
                       governor=RateLimitGovernor(max_jitter=0.05))


def feed_for(server: MockServer, spec: ColumnSpec = HOME, **kw: Any) -> TimelineFeed:
    options: dict[str, Any] = {"poll_interval": (30.0, 40.0), "stream_options": FAST_STREAM,
                               "marker_debounce": 0.05}
    options.update(kw)
    return TimelineFeed(api(server, "alice"), spec, **options)


async def post(bob: MastodonApi, count: int, prefix: str) -> list[str]:
    return [(await bob.post_status(f"{prefix} {i}")).id for i in range(count)]


def test_dropped_stream_while_posts_arrive(mock: MockServer) -> None:
    async def go() -> tuple[list[str], UiModel, TimelineFeed]:
        bob = api(mock, "bob")
        feed = feed_for(mock)
        ui = UiModel(feed)
        await feed.start()
        await until(lambda: feed.state is FeedState.LIVE)
        posted = await post(bob, 3, "live")
        await until(lambda: set(posted) <= set(ui.status_ids))
        assert feed.connection is not None and feed.connection.connects == 1

        # The stream drops and cannot come back while five posts are written.
        fault = await asyncio.to_thread(add_fault, mock.base_url, {
            "match": {"path": "/api/v1/streaming/*"},
            "effect": {"type": "status", "status": 503}})
        feed.connection.reconnect_now()
        await until(lambda: feed.state is FeedState.POLLING)
        posted += await post(bob, 5, "outage")
        await asyncio.sleep(0.3)
        assert not set(posted[3:]) & set(ui.status_ids)  # nothing arrives during the outage
        await asyncio.to_thread(clear_faults, mock.base_url)
        del fault

        await until(lambda: set(posted) <= set(ui.status_ids))
        await until(lambda: feed.state is FeedState.LIVE)
        posted += await post(bob, 1, "after")  # and the stream is live again
        await until(lambda: set(posted) <= set(ui.status_ids))
        await feed.close()
        await bob.aclose()
        return posted, ui, feed

    posted, ui, feed = asyncio.run(go())
    counts = Counter(ui.inserted)
    assert all(counts[f"status:{i}"] == 1 for i in posted), counts
    assert ui.status_ids == list(reversed(posted))  # newest first, in order, once
    assert not ui.gaps
    assert feed.connection is None


def test_page_cap_leaves_a_gap_that_fill_gap_closes(mock: MockServer) -> None:
    async def go() -> tuple[list[str], UiModel]:
        bob = api(mock, "bob")
        posted = await post(bob, 2, "before")
        feed = feed_for(mock, streaming=False, page_limit=2, page_cap=2)
        ui = UiModel(feed)
        await feed.start()
        assert ui.status_ids == list(reversed(posted))
        posted += await post(bob, 10, "burst")
        await feed.refresh()
        assert len(ui.gaps) == 1
        gap = ui.gaps[0]
        # newest 2 on top, then the gap, then 4 filled forward, then the 2 old ones
        assert ui.rows[2] == gap
        assert ui.status_ids[:2] == list(reversed(posted))[:2]
        assert ui.status_ids[2:] == list(reversed(posted[:6]))
        for _ in range(4):
            if not feed.gaps:
                break
            await feed.fill_gap(feed.gaps[0])
        assert not feed.gaps
        assert ui.rows == feed.rows
        await feed.close()
        await bob.aclose()
        return posted, ui

    posted, ui = asyncio.run(go())
    assert ui.status_ids == list(reversed(posted))
    assert all(v == 1 for v in Counter(ui.inserted).values())


def test_scroll_back_survives_5xx_and_reports_429(mock: MockServer) -> None:
    async def go() -> tuple[list[str], UiModel]:
        bob = api(mock, "bob")
        posted = await post(bob, 7, "old")
        feed = feed_for(mock, streaming=False, page_limit=2)
        ui = UiModel(feed)
        await feed.start()
        # two 503s: retried inside the API, the page still arrives
        await asyncio.to_thread(add_fault, mock.base_url, {
            "match": {"methods": ["GET"], "path": "/api/v1/timelines/home"},
            "effect": {"type": "status", "status": 503}, "count": 2})
        assert len(await feed.load_older()) == 2
        # a 503 that outlasts the retries: a clear error, nothing appended
        await asyncio.to_thread(add_fault, mock.base_url, {
            "match": {"methods": ["GET"], "path": "/api/v1/timelines/home"},
            "effect": {"type": "status", "status": 503}, "count": 10})
        assert await feed.load_older() == []
        assert isinstance(ui.errors[-1], ServerUnavailableError)
        await asyncio.to_thread(clear_faults, mock.base_url)
        # a 429 with a short Retry-After is waited out
        await asyncio.to_thread(add_fault, mock.base_url, {
            "match": {"methods": ["GET"], "path": "/api/v1/timelines/home"},
            "effect": {"type": "ratelimit", "headers": {
                "Retry-After": "1", "X-RateLimit-Reset": str(int(time.time()) + 1)}},
            "count": 1})
        assert len(await feed.load_older()) == 2
        # a 429 asking for an hour is reported, not waited out
        await asyncio.to_thread(add_fault, mock.base_url, {
            "match": {"methods": ["GET"], "path": "/api/v1/timelines/home"},
            "effect": {"type": "ratelimit", "headers": {
                "Retry-After": "3600", "X-RateLimit-Remaining": "100",
                "X-RateLimit-Reset": str(int(time.time()) + 3600)}},
            "count": 1})
        assert await feed.load_older() == []
        assert isinstance(ui.errors[-1], RateLimitedError)
        await asyncio.to_thread(clear_faults, mock.base_url)
        await feed.load_older()
        assert await feed.load_older() == []  # the end
        await feed.close()
        await bob.aclose()
        return posted, ui

    posted, ui = asyncio.run(go())
    assert ui.status_ids == list(reversed(posted))
    assert all(v == 1 for v in Counter(ui.inserted).values())


def test_server_without_streaming_polls(mock: MockServer) -> None:
    async def go() -> tuple[list[str], UiModel, TimelineFeed]:
        await asyncio.to_thread(add_fault, mock.base_url, {
            "match": {"path": "/api/v1/streaming/*"},
            "effect": {"type": "status", "status": 404, "body": {"error": "Not found"}}})
        bob = api(mock, "bob")
        feed = feed_for(mock, poll_interval=(0.1, 0.2))
        ui = UiModel(feed)
        await feed.start()
        await until(lambda: feed.connection is None)
        posted = await post(bob, 3, "polled")
        await until(lambda: set(posted) <= set(ui.status_ids))
        state = feed.state
        await feed.close()
        await bob.aclose()
        assert state is FeedState.POLLING
        return posted, ui, feed

    posted, ui, _feed = asyncio.run(go())
    assert ui.status_ids == list(reversed(posted))


def test_live_delete_and_edit(mock: MockServer) -> None:
    async def go() -> UiModel:
        bob = api(mock, "bob")
        feed = feed_for(mock)
        ui = UiModel(feed)
        await feed.start()
        await until(lambda: feed.state is FeedState.LIVE)
        first, second = await post(bob, 2, "x")
        await until(lambda: second in ui.status_ids)
        await bob.edit_status(first, "edited text")
        await until(lambda: any(r.status is not None and "edited" in r.status.content
                                for r in feed.items))
        await bob.delete_status(second)
        await until(lambda: second not in ui.status_ids)
        await feed.close()
        await bob.aclose()
        return ui

    ui = asyncio.run(go())
    assert ui.status_ids == [ui.status_ids[0]]


def test_rows_are_capped_and_scroll_back_loads_the_dropped_ones_again(mock: MockServer) -> None:
    async def go() -> tuple[list[str], list[str], list[str]]:
        bob = api(mock, "bob")
        older = await post(bob, 6, "old")
        feed = feed_for(mock, max_rows=8, page_limit=40)
        ui = UiModel(feed)
        await feed.start()
        await until(lambda: feed.state is FeedState.LIVE)
        newer = await post(bob, 5, "new")
        await until(lambda: newer[-1] in ui.status_ids)
        kept = [r.entity_id for r in feed.items]
        again = [i.entity_id for i in await feed.load_older()]
        await feed.close()
        await bob.aclose()
        return older + newer, kept, again

    posted, kept, again = asyncio.run(go())
    assert len(kept) == 8 and kept == posted[::-1][:8]  # the newest eight stay
    dropped = posted[::-1][8:]
    assert dropped and all(i in again for i in dropped)  # scroll-back fetches them again


def test_cache_round_trip_survives_restart(mock: MockServer, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"

    async def first_run() -> list[str]:
        bob = api(mock, "bob")
        posted = await post(bob, 5, "cached")
        feed = feed_for(mock, streaming=False, cache=TimelineCache(Database(path), limit=4))
        await feed.start()
        await feed.close()
        await bob.aclose()
        return posted

    async def second_run() -> tuple[list[list[str]], list[str]]:
        db = Database(path)
        feed = feed_for(mock, streaming=False, cache=TimelineCache(db, limit=4))
        batches: list[list[str]] = []
        feed.on_insert_newer = lambda items: batches.append([i.entity_id for i in items])
        bob = api(mock, "bob")
        newer = await post(bob, 1, "new")
        await feed.start()
        await feed.close()
        await bob.aclose()
        return batches, newer

    posted = asyncio.run(first_run())
    batches, newer = asyncio.run(second_run())
    assert batches[0] == list(reversed(posted))[:4]  # from the cache, before the network
    assert batches[1] == newer  # then the catch-up, no duplicates


def test_read_position_markers_and_local(mock: MockServer, tmp_path: Path) -> None:
    async def go() -> tuple[str | None, str | None, str | None]:
        db = Database(tmp_path / "db.sqlite")
        home = feed_for(mock, streaming=False, db=db)
        home.save_read_position("12345")
        await asyncio.sleep(0.2)  # debounce elapses; the marker is sent
        server_side = await home.account_api.markers(["home"])
        local = feed_for(mock, ColumnSpec("alice@mock", ColumnKind.LOCAL), streaming=False,
                         db=db)
        local.save_read_position("777")
        result = (await home.read_position(), server_side["home"].last_read_id,
                  await local.read_position())
        await home.close()
        await local.close()
        return result

    assert asyncio.run(go()) == ("12345", "12345", "777")
