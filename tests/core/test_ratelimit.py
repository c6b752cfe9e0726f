"""RateLimitGovernor: header parsing, clock skew, reserve for the user, 429 waits."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from fedidesk.core.clock import FakeClock
from fedidesk.core.errors import RateLimitedError
from fedidesk.core.ratelimit import (
    BACKGROUND,
    USER,
    RateLimitGovernor,
    governor_for,
    governor_key,
    parse_reset,
    parse_retry_after,
)

NOW = 1_700_000_000.0
SKEW = 600.0  # the server's clock runs 10 minutes ahead of ours


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def http_date(epoch: float) -> str:
    return format_datetime(datetime.fromtimestamp(epoch, UTC), usegmt=True)


def headers(limit: int, remaining: int, reset_in: float, *, epoch: bool = False) -> dict[str, str]:
    server_now = NOW + SKEW
    reset = server_now + reset_in
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(reset)) if epoch else iso(reset),
        "Date": http_date(server_now),
    }


def governor(clock: FakeClock) -> RateLimitGovernor:
    return RateLimitGovernor(clock=clock, rng=random.Random(1), max_jitter=0.5)


def test_parse_reset_iso_and_epoch() -> None:
    assert parse_reset("2023-11-14T22:13:20.000Z") == NOW
    assert parse_reset("2023-11-14T22:13:20+00:00") == NOW
    assert parse_reset("1700000000") == NOW
    assert parse_reset("garbage") is None
    assert parse_reset(None) is None


def test_parse_retry_after_seconds_and_date() -> None:
    assert parse_retry_after("12", NOW, None) == 12
    assert parse_retry_after(http_date(NOW + SKEW + 30), NOW, NOW + SKEW) == pytest.approx(30)
    assert parse_retry_after("soon", NOW, None) is None


@pytest.mark.parametrize("epoch", [False, True], ids=["iso", "epoch"])
def test_observe_corrects_clock_skew(epoch: bool) -> None:
    clock = FakeClock(NOW)
    gov = governor(clock)
    gov.observe(200, headers(300, 42, 30, epoch=epoch))
    assert gov.limit == 300
    assert gov.remaining == 42
    assert gov.next_reset == pytest.approx(NOW + 30, abs=1)


def test_user_waits_only_when_exhausted_background_keeps_reserve() -> None:
    clock = FakeClock(NOW)
    gov = governor(clock)
    gov.observe(200, headers(300, 30, 60))  # reserve is max(5, 10% of 300) = 30
    assert gov.reserve == 30
    assert gov.delay_for(USER) == 0
    assert gov.delay_for(BACKGROUND) == pytest.approx(60, abs=1)
    gov.observe(200, headers(300, 0, 60))
    assert gov.delay_for(USER) == pytest.approx(60, abs=1)


def test_background_acquire_sleeps_until_reset_and_notifies() -> None:
    clock = FakeClock(NOW)
    gov = governor(clock)
    seen: list[float] = []
    gov.add_listener(seen.append)
    gov.observe(200, headers(100, 5, 20))
    asyncio.run(gov.acquire(BACKGROUND))
    assert len(clock.sleeps) == 1
    assert 20 <= clock.sleeps[0] <= 21.5
    assert seen == [pytest.approx(NOW + clock.sleeps[0])]
    assert gov.remaining == 99  # refilled to the limit, then one taken
    assert gov.waiting_until is None


def test_acquire_without_headers_never_waits() -> None:
    clock = FakeClock(NOW)
    asyncio.run(governor(clock).acquire(BACKGROUND))
    assert clock.sleeps == []


def test_wait_after_429_with_skew_waits_about_reset() -> None:
    clock = FakeClock(NOW)
    gov = governor(clock)
    waited = asyncio.run(gov.wait_after_429(headers(300, 0, 30)))
    assert 30 <= waited <= 31
    assert clock.now == pytest.approx(NOW + waited)


def test_wait_after_429_prefers_the_longer_hint() -> None:
    clock = FakeClock(NOW)
    gov = governor(clock)
    waited = asyncio.run(gov.wait_after_429({**headers(300, 0, 5), "Retry-After": "40"}))
    assert 40 <= waited <= 41


def test_wait_after_429_too_long_raises_with_reset_time() -> None:
    clock = FakeClock(NOW)
    gov = governor(clock)
    with pytest.raises(RateLimitedError) as info:
        asyncio.run(gov.wait_after_429(headers(300, 0, 3600), max_wait=900))
    assert info.value.reset_at == pytest.approx(NOW + 3600, abs=1)
    assert clock.sleeps == []


def test_governor_registry_keys_hash_tokens() -> None:
    key = governor_key("https://example.social", "secret-token-123")
    assert "secret-token-123" not in key
    assert governor_key("https://Example.social/", None) == "anon:example.social"
    same = governor_for("https://a.example", "tok-abcdef")
    assert governor_for("https://b.example", "tok-abcdef") is same
