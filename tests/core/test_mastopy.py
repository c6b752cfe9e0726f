"""MastodonPyBridge: bounded executor, throw mode, error mapping, governor feeding."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from typing import Any

import pytest
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServiceUnavailableError,
    MastodonUnauthorizedError,
)
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.entities import Account
from fedidesk.core.errors import (
    AuthExpiredError,
    NetworkError,
    NotFoundError,
    ServerUnavailableError,
    UncertainOutcomeError,
    ValidationError,
)
from fedidesk.core.http import RetryPolicy
from fedidesk.core.mastopy import MAX_WORKERS, MastodonPyBridge, to_plain
from fedidesk.core.ratelimit import RateLimitGovernor
from tests.helpers.mockserver import token_for


class FakeMastodon:
    """Stands in for ``mastodon.Mastodon``: scripted outcomes, ratelimit attributes."""

    def __init__(self, outcomes: list[Any]) -> None:
        self.outcomes = outcomes
        self.calls = 0
        self.threads: set[str] = set()
        self.ratelimit_limit = 300
        self.ratelimit_remaining = 250
        self.ratelimit_reset = time.time() + 120

    def account_verify_credentials(self) -> Any:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        outcome = self.outcomes.pop(0) if self.outcomes else {"id": "1"}
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def bridge(fake: FakeMastodon, clock: FakeClock | None = None) -> MastodonPyBridge:
    clock = clock or FakeClock()
    return MastodonPyBridge("https://example.social", "tok_bridge_secret", clock=clock,
                            governor=RateLimitGovernor(clock=clock, max_jitter=0.1),
                            policy=RetryPolicy(rng=random.Random(2)),
                            client_factory=lambda: fake)


def call(b: MastodonPyBridge, *, idempotent: bool = True) -> Any:
    async def go() -> Any:
        return await b.call("account_verify_credentials", idempotent=idempotent)

    try:
        return asyncio.run(go())
    finally:
        b.close()


def test_real_client_is_built_in_throw_mode_with_timeout() -> None:
    b = MastodonPyBridge("https://example.social", "tok_bridge_secret")
    client = b.client
    assert client.ratelimit_method == "throw"
    assert client.debug_requests is False
    assert client.request_timeout == 20.0
    assert b._executor._max_workers == MAX_WORKERS == 4
    b.close()


def test_runs_off_the_event_loop_thread_and_feeds_governor() -> None:
    fake = FakeMastodon([{"id": "7", "created_at": None}])
    b = bridge(fake)
    assert call(b) == {"id": "7", "created_at": None}
    assert all(name.startswith("fedidesk-mastopy") for name in fake.threads)
    assert b.governor.limit == 300
    assert b.governor.remaining == 250
    assert b.governor.next_reset == pytest.approx(b.clock.time() + 120, abs=2)


def test_results_become_plain_json_and_entities() -> None:
    from datetime import UTC, datetime

    when = datetime(2024, 1, 2, tzinfo=UTC)
    assert to_plain({"a": [{"t": when}]}) == {"a": [{"t": "2024-01-02T00:00:00+00:00"}]}
    fake = FakeMastodon([{"id": "3", "username": "zoe", "created_at": when}])
    b = bridge(fake)

    async def go() -> Account:
        return await b.call_entity(Account, "account_verify_credentials", idempotent=True)

    account = asyncio.run(go())
    b.close()
    assert account.username == "zoe"
    assert account.created_at == when


@pytest.mark.parametrize(("exc", "error"), [
    (MastodonUnauthorizedError("Mastodon API returned error", 401, "Unauthorized", "bad token"),
     AuthExpiredError),
    (MastodonNotFoundError("Mastodon API returned error", 404, "Not Found", "nope"),
     NotFoundError),
    (MastodonAPIError("Mastodon API returned error", 422, "Unprocessable", "Too long"),
     ValidationError),
])
def test_api_errors_are_mapped_without_retry(exc: Exception, error: type[Exception]) -> None:
    fake = FakeMastodon([exc])
    with pytest.raises(error):
        call(bridge(fake))
    assert fake.calls == 1


def test_server_error_retried_when_idempotent() -> None:
    down = MastodonServiceUnavailableError("Mastodon API returned error", 503, "x", "down")
    fake = FakeMastodon([down, down, {"id": "1"}])
    clock = FakeClock()
    assert call(bridge(fake, clock)) == {"id": "1"}
    assert fake.calls == 3
    assert len(clock.sleeps) == 2


def test_server_error_exhausts_into_server_unavailable() -> None:
    down = MastodonServiceUnavailableError("Mastodon API returned error", 503, "x", "down")
    fake = FakeMastodon([down] * 4)
    with pytest.raises(ServerUnavailableError):
        call(bridge(fake))
    assert fake.calls == 4


def test_network_error_not_retried_when_not_idempotent() -> None:
    fake = FakeMastodon([MastodonNetworkError("timed out")])
    with pytest.raises(UncertainOutcomeError):
        call(bridge(fake), idempotent=False)
    assert fake.calls == 1


def test_network_error_retried_then_network_error() -> None:
    fake = FakeMastodon([MastodonNetworkError("timed out")] * 4)
    with pytest.raises(NetworkError):
        call(bridge(fake))
    assert fake.calls == 4


def test_ratelimit_waits_via_governor_and_retries() -> None:
    fake = FakeMastodon([MastodonRatelimitError("Hit rate limit."), {"id": "1"}])
    fake.ratelimit_remaining = 0
    fake.ratelimit_reset = time.time() + 10
    clock = FakeClock()
    assert call(bridge(fake, clock)) == {"id": "1"}
    assert fake.calls == 2
    assert 8 <= sum(clock.sleeps) <= 11


def test_unknown_method_is_refused() -> None:
    b = bridge(FakeMastodon([]))
    with pytest.raises(ValueError, match="no public method"):
        asyncio.run(b.call("_Mastodon__api_request", idempotent=True))
    b.close()


@pytest.mark.integration
def test_update_credentials_through_mastodon_py_against_mock(mock: MockServer) -> None:
    async def go() -> tuple[Account, Account]:
        async with MastodonApi(mock.base_url, token_for(mock)) as api:
            updated = await api.update_credentials(
                display_name="Alice Liddell", note="Down the rabbit hole",
                fields=[("Home", "https://example.org"), ("Pronouns", "she/her")])
            return updated, await api.verify_credentials()

    updated, fresh = asyncio.run(go())
    assert updated.display_name == "Alice Liddell"
    assert [(f.name, f.value) for f in fresh.fields] == [
        ("Home", "https://example.org"), ("Pronouns", "she/her")]
