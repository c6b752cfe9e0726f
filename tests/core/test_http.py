"""HTTP plumbing: secure URLs, client settings, retries/backoff, 429 handling, breaker."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable

import httpx
import pytest

from fedidesk import __version__
from fedidesk.core.clock import FakeClock
from fedidesk.core.errors import (
    InsecureUrlError,
    NetworkError,
    RateLimitedError,
    UncertainOutcomeError,
)
from fedidesk.core.http import (
    CircuitBreaker,
    RetryPolicy,
    Sender,
    make_client,
    require_secure_url,
    send,
)
from fedidesk.core.ratelimit import RateLimitGovernor

TOKEN = "tok_SECRET_abcdef123456"
Handler = Callable[[httpx.Request], httpx.Response]


class MaxRandom(random.Random):
    """Full jitter always at its ceiling, so delays are predictable."""

    def uniform(self, a: float, b: float) -> float:
        return b


def run_send(handler: Handler, request_args: dict[str, object], *, clock: FakeClock | None = None,
             policy: RetryPolicy | None = None, breaker: CircuitBreaker | None = None,
             ) -> tuple[httpx.Response, FakeClock]:
    clock = clock or FakeClock()

    async def go() -> httpx.Response:
        async with make_client(transport=httpx.MockTransport(handler)) as client:
            sender = Sender(client, RateLimitGovernor(clock=clock, max_jitter=0.1), clock=clock,
                            policy=policy or RetryPolicy(rng=MaxRandom()), breaker=breaker)
            request = client.build_request(**request_args)  # type: ignore[arg-type]
            return await send(sender, request)

    return asyncio.run(go()), clock


def get(url: str = "https://example.social/api/v1/timelines/home") -> dict[str, object]:
    return {"method": "GET", "url": url, "headers": {"Authorization": f"Bearer {TOKEN}"}}


def post(**headers: str) -> dict[str, object]:
    return {"method": "POST", "url": "https://example.social/api/v1/accounts/1/follow",
            "headers": {"Authorization": f"Bearer {TOKEN}", **headers}}


@pytest.mark.parametrize("url", [
    "https://mastodon.social", "http://127.0.0.1:3000/x", "http://127.8.9.1", "http://[::1]:8080",
    "http://localhost:3000",
])
def test_secure_urls_accepted(url: str) -> None:
    assert require_secure_url(url) == url


@pytest.mark.parametrize("url", [
    "http://mastodon.social", "ftp://x.example", "http://10.0.0.1", "http://localhost.evil.com",
    "https://", "javascript:alert(1)",
])
def test_insecure_urls_refused(url: str) -> None:
    with pytest.raises(InsecureUrlError):
        require_secure_url(url)


def test_make_client_has_explicit_timeouts_and_user_agent() -> None:
    client = make_client(timeout=12)
    assert client.timeout.connect == 10
    assert client.timeout.read == client.timeout.write == client.timeout.pool == 12
    assert client.headers["User-Agent"] == f"fedidesk/{__version__}"
    asyncio.run(client.aclose())


def test_redirect_to_http_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://evil.example/steal"})

    with pytest.raises(InsecureUrlError):
        run_send(handler, get())


def test_503_three_times_then_200_backs_off_with_growing_bounded_delays() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503 if len(calls) <= 3 else 200, json=[])

    response, clock = run_send(handler, get())
    assert response.status_code == 200
    assert len(calls) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_full_jitter_delays_stay_under_their_ceiling() -> None:
    policy = RetryPolicy(rng=random.Random(7))
    for retry in range(12):
        assert 0 <= policy.delay(retry) <= min(30, 0.5 * 2**retry)
    assert policy.ceiling(20) == 30


def test_5xx_gives_up_after_max_attempts_and_returns_last_response() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(502, json={"error": "Bad gateway"})

    response, _ = run_send(handler, get())
    assert response.status_code == 502
    assert len(calls) == 4


def test_post_without_idempotency_key_that_times_out_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(UncertainOutcomeError):
        run_send(handler, post())
    assert len(calls) == 1


def test_post_without_idempotency_key_5xx_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500, json={"error": "boom"})

    response, _ = run_send(handler, post())
    assert response.status_code == 500
    assert len(calls) == 1


def test_post_with_idempotency_key_is_retried_after_timeout() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, json={"id": "1"})

    response, _ = run_send(handler, post(**{"Idempotency-Key": "k1"}))
    assert response.status_code == 200
    assert [c.headers["Idempotency-Key"] for c in calls] == ["k1", "k1"]


def test_post_connect_error_is_retried_because_it_was_never_sent() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    assert run_send(handler, post())[0].status_code == 200
    assert len(calls) == 2


def test_get_timeouts_exhaust_into_network_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("slow", request=request)

    with pytest.raises(NetworkError, match="did not answer in time"):
        run_send(handler, get())


def test_429_waits_for_reset_then_retries_even_a_post() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "Too many"})
        return httpx.Response(200, json={})

    response, clock = run_send(handler, post())
    assert response.status_code == 200
    assert len(calls) == 2
    assert 7 <= clock.sleeps[0] <= 7.1


def test_repeated_429_gives_up_with_reset_time() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "5"})

    with pytest.raises(RateLimitedError) as info:
        run_send(handler, get())
    assert info.value.reset_at is not None


def test_429_with_far_reset_is_not_waited_for() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3600"})

    with pytest.raises(RateLimitedError):
        run_send(handler, get())


def test_retry_logs_never_contain_the_token(caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503 if len(calls) < 3 else 200, json=[])

    caplog.set_level(logging.DEBUG)
    run_send(handler, get())
    retry_logs = [r for r in caplog.records if r.name == "fedidesk.http"]
    assert len(retry_logs) == 2
    assert TOKEN not in caplog.text
    assert "Bearer" not in caplog.text


def test_retry_logs_redact_a_token_in_the_url(caplog: pytest.LogCaptureFixture) -> None:
    # httpx itself logs full URLs at INFO, which is why fedidesk never puts tokens in URLs;
    # our own retry log must still scrub one if it ever gets there.
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503 if len(calls) < 2 else 200, json=[])

    caplog.set_level(logging.DEBUG, logger="fedidesk.http")
    run_send(handler, get(f"https://example.social/api/v1/x?access_token={TOKEN}"))
    ours = [r.getMessage() for r in caplog.records if r.name == "fedidesk.http"]
    assert ours
    assert all(TOKEN not in message for message in ours)


def test_circuit_breaker_defers_host_after_consecutive_timeouts() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=3, cool_off=300, clock=clock)
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(NetworkError):
        run_send(handler, get(), clock=clock, breaker=breaker,
                 policy=RetryPolicy(max_attempts=10, rng=MaxRandom()))
    assert len(calls) == 3
    assert breaker.deferred_until("example.social") is not None
    clock.now += 301
    assert breaker.deferred_until("example.social") is None
