"""MastodonApi: error mapping, pagination, idempotency, rate limits; then against mastodon-mock."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, TypeVar

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi, Page, encode_params
from fedidesk.core.clock import FakeClock
from fedidesk.core.entities import Account, Status
from fedidesk.core.errors import (
    AuthExpiredError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    NotSupportedError,
    ServerUnavailableError,
    UncertainOutcomeError,
    ValidationError,
)
from fedidesk.core.http import RetryPolicy, make_client
from fedidesk.core.ratelimit import RateLimitGovernor
from tests.helpers.mockserver import add_fault, token_for

T = TypeVar("T")
BASE = "https://example.social"
TOKEN = "tok_SECRET_api_987654321"
Handler = Callable[[httpx.Request], httpx.Response]


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class Harness:
    """A MastodonApi on a MockTransport and a fake clock, recording every request."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self.clock = FakeClock()
        self._handler = handler

    def _record(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._handler(request)

    async def call(self, action: Callable[[MastodonApi], Coroutine[Any, Any, T]]) -> T:
        client = make_client(transport=httpx.MockTransport(self._record))
        governor = RateLimitGovernor(clock=self.clock, max_jitter=0.2, rng=random.Random(3))
        api = MastodonApi(BASE, TOKEN, client=client, governor=governor, clock=self.clock,
                          policy=RetryPolicy(rng=random.Random(5)))
        try:
            return await action(api)
        finally:
            await client.aclose()


def harness_run(handler: Handler, action: Callable[[MastodonApi], Coroutine[Any, Any, T]]
                ) -> tuple[T, Harness]:
    harness = Harness(handler)
    return run(harness.call(action)), harness


def fails(handler: Handler, action: Callable[[MastodonApi], Coroutine[Any, Any, Any]],
          error: type[Exception]) -> tuple[Any, Harness]:
    harness = Harness(handler)
    with pytest.raises(error) as info:
        run(harness.call(action))
    return info.value, harness


def status_json(status_id: str) -> dict[str, Any]:
    return {"id": status_id, "content": f"<p>{status_id}</p>", "account": {"id": "1"}}


# --- error mapping ----------------------------------------------------------------


def test_401_is_one_request_and_auth_expired() -> None:
    err, h = fails(lambda r: httpx.Response(401, json={"error": "The access token is invalid"}),
                   lambda api: api.timeline_home(), AuthExpiredError)
    assert len(h.requests) == 1
    assert err.server_error == "The access token is invalid"
    assert "sign in again" in err.user_message


def test_html_404_means_not_supported() -> None:
    html = httpx.Response(404, text="<html><body>Not found</body></html>",
                          headers={"Content-Type": "text/html"})
    err, _ = fails(lambda r: html, lambda api: api.markers(), NotSupportedError)
    assert "not supported by example.social" in err.user_message


def test_json_404_is_not_found_and_quotes_server() -> None:
    err, _ = fails(lambda r: httpx.Response(404, json={"error": "Record not found"}),
                   lambda api: api.status("9"), NotFoundError)
    assert "Record not found" in err.user_message


def test_403_quotes_server_text() -> None:
    text = "Your login is missing a confirmed e-mail address"
    err, _ = fails(lambda r: httpx.Response(403, json={"error": text}),
                   lambda api: api.verify_credentials(), ForbiddenError)
    assert text in err.user_message


def test_422_keeps_error_and_details() -> None:
    body = {"error": "Validation failed: Username has already been taken",
            "details": {"username": [{"error": "ERR_TAKEN", "description": "is taken"}]}}
    err, _ = fails(lambda r: httpx.Response(422, json=body),
                   lambda api: api.post_status("hi"), ValidationError)
    assert err.details == body["details"]
    assert "Username has already been taken" in err.user_message
    assert err.status == 422


def test_malformed_json_is_server_unavailable() -> None:
    err, _ = fails(lambda r: httpx.Response(200, text='{"error": "truncated',
                                            headers={"Content-Type": "application/json"}),
                   lambda api: api.verify_credentials(), ServerUnavailableError)
    assert "incomplete or unreadable" in err.user_message


def test_5xx_after_retries_is_server_unavailable() -> None:
    err, h = fails(lambda r: httpx.Response(503, json={"error": "Down for maintenance"}),
                   lambda api: api.verify_credentials(), ServerUnavailableError)
    assert len(h.requests) == 4
    assert "Down for maintenance" in err.user_message
    assert all(0 < s <= 30 for s in h.clock.sleeps)


def test_transport_error_is_network_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("dns failure", request=request)

    fails(handler, lambda api: api.verify_credentials(), NetworkError)


def test_follow_that_times_out_is_not_resent() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    _, h = fails(handler, lambda api: api.follow("42"), UncertainOutcomeError)
    assert len(h.requests) == 1


def test_instance_falls_back_to_v1() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/instance":
            return httpx.Response(404, text="<html>nope</html>")
        return httpx.Response(200, json={"uri": "old.example", "version": "3.5.3"})

    data, h = harness_run(handler, lambda api: api.instance())
    assert data["uri"] == "old.example"
    assert [r.url.path for r in h.requests] == ["/api/v2/instance", "/api/v1/instance"]


# --- requests ---------------------------------------------------------------------


def test_requests_carry_bearer_token_and_user_agent() -> None:
    _, h = harness_run(lambda r: httpx.Response(200, json={"id": "1", "acct": "me"}),
                       lambda api: api.verify_credentials())
    assert h.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert h.requests[0].headers["User-Agent"].startswith("fedidesk/")


def test_post_status_always_sends_an_idempotency_key() -> None:
    _, h = harness_run(lambda r: httpx.Response(200, json=status_json("5")),
                       lambda api: api.post_status("hello", visibility="unlisted"))
    key = h.requests[0].headers["Idempotency-Key"]
    assert len(key) == 36
    assert json.loads(h.requests[0].content) == {"status": "hello", "visibility": "unlisted"}
    _, h2 = harness_run(lambda r: httpx.Response(200, json=status_json("5")),
                        lambda api: api.post_status("hello", idempotency_key="fixed-key"))
    assert h2.requests[0].headers["Idempotency-Key"] == "fixed-key"


def test_post_status_with_key_is_retried_with_the_same_key_after_503() -> None:
    responses = iter([httpx.Response(503), httpx.Response(200, json=status_json("7"))])
    status, h = harness_run(lambda r: next(responses), lambda api: api.post_status("x"))
    assert status.id == "7"
    keys = {r.headers["Idempotency-Key"] for r in h.requests}
    assert len(h.requests) == 2
    assert len(keys) == 1


def test_param_encoding() -> None:
    pairs = encode_params({"types": ["mention", "follow"], "local": True, "x": None, "n": 3})
    assert pairs == [("types[]", "mention"), ("types[]", "follow"), ("local", "true"), ("n", "3")]


def test_429_with_skewed_clock_waits_about_30s_then_resumes() -> None:
    clock_start = FakeClock().now
    server_now = clock_start + 600  # the server is 10 minutes ahead
    reset = datetime.fromtimestamp(server_now + 30, UTC).isoformat().replace("+00:00", "Z")
    limited = httpx.Response(429, json={"error": "Too many requests"}, headers={
        "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset,
        "Date": format_datetime(datetime.fromtimestamp(server_now, UTC), usegmt=True)})
    responses = iter([limited, httpx.Response(200, json={"id": "1"})])
    account, h = harness_run(lambda r: next(responses), lambda api: api.verify_credentials())
    assert account.id == "1"
    assert len(h.requests) == 2
    assert sum(h.clock.sleeps) == pytest.approx(30, abs=0.5)


def test_no_token_in_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    responses = iter([httpx.Response(503), httpx.Response(429, headers={"Retry-After": "1"}),
                      httpx.Response(401, json={"error": "bad"})])
    fails(lambda r: next(responses), lambda api: api.verify_credentials(), AuthExpiredError)
    assert any(r.name == "fedidesk.http" for r in caplog.records)
    assert TOKEN not in caplog.text


# --- pagination -------------------------------------------------------------------


def paged_handler(pages: dict[str | None, list[str]]) -> Handler:
    order = list(pages)

    def handler(request: httpx.Request) -> httpx.Response:
        max_id = request.url.params.get("max_id")
        ids = pages.get(max_id, [])
        headers = {}
        if ids:
            position = order.index(max_id)
            links = [f'<{BASE}{request.url.path}?min_id={ids[0]}>; rel="prev"']
            if position + 1 < len(order):
                links.insert(0, f'<{BASE}{request.url.path}?limit=2&max_id={ids[-1]}>; '
                                'rel="next"')
            headers["Link"] = ", ".join(links)
        return httpx.Response(200, json=[status_json(i) for i in ids], headers=headers)

    return handler


def test_page_parses_link_header() -> None:
    page, _ = harness_run(paged_handler({None: ["9", "8"], "8": ["7"]}),
                          lambda api: api.timeline_home(limit=2))
    assert isinstance(page, Page)
    assert [s.id for s in page.items] == ["9", "8"]
    assert page.next_params == {"max_id": "8"}
    assert page.prev_params == {"min_id": "9"}


def test_paginate_follows_next_and_respects_max_pages() -> None:
    pages = {None: ["9", "8"], "8": ["7", "6"], "6": ["5"]}

    async def collect(api: MastodonApi, max_pages: int | None) -> list[list[str]]:
        return [[s.id for s in items] async for items in
                api.paginate("/api/v1/timelines/home", Status, {"limit": 2}, max_pages)]

    everything, h = harness_run(paged_handler(pages), lambda api: collect(api, None))
    assert everything == [["9", "8"], ["7", "6"], ["5"]]
    assert h.requests[1].url.params["limit"] == "2"
    two, _ = harness_run(paged_handler(pages), lambda api: collect(api, 2))
    assert two == [["9", "8"], ["7", "6"]]


# --- integration against mastodon-mock -------------------------------------------


def mock_api(server: MockServer, user: str = "alice", *, clock: FakeClock | None = None
             ) -> MastodonApi:
    clock = clock or FakeClock()
    return MastodonApi(server.base_url, token_for(server, user), clock=clock,
                       governor=RateLimitGovernor(clock=clock, max_jitter=0.1),
                       policy=RetryPolicy(rng=random.Random(1)))


@pytest.mark.integration
def test_verify_credentials_against_mock(mock: MockServer) -> None:
    async def go() -> Account:
        async with mock_api(mock) as api:
            return await api.verify_credentials()

    me = run(go())
    assert me.username == "alice"
    assert me.display_name == "Alice"


@pytest.mark.integration
def test_home_timeline_pagination_against_mock(mock: MockServer) -> None:
    async def go() -> tuple[list[str], list[list[str]]]:
        async with mock_api(mock, "bob") as bob, mock_api(mock) as alice:
            posted = [(await bob.post_status(f"post {i}")).id for i in range(5)]
            pages = [[s.id for s in items] async for items in
                     alice.paginate("/api/v1/timelines/home", Status, {"limit": 2})]
            return posted, pages

    posted, pages = run(go())
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for page in pages for i in page] == list(reversed(posted))


@pytest.mark.integration
def test_post_status_idempotency_key_against_mock(mock: MockServer) -> None:
    async def go() -> tuple[str, str, str]:
        async with mock_api(mock) as api:
            first = await api.post_status("only once", idempotency_key="same-key")
            again = await api.post_status("only once", idempotency_key="same-key")
            other = await api.post_status("only once")
            return first.id, again.id, other.id

    first, again, other = run(go())
    assert first == again
    assert other != first


@pytest.mark.integration
def test_503_fault_then_success_against_mock(mock: MockServer) -> None:
    add_fault(mock.base_url, {"match": {"path": "/api/v1/accounts/verify_credentials"},
                              "effect": {"type": "status", "status": 503}, "count": 2})
    clock = FakeClock()

    async def go() -> Account:
        async with mock_api(mock, clock=clock) as api:
            return await api.verify_credentials()

    assert run(go()).username == "alice"
    assert len(clock.sleeps) == 2


@pytest.mark.integration
def test_malformed_fault_against_mock(mock: MockServer) -> None:
    add_fault(mock.base_url, {"match": {"path": "/api/v1/timelines/home"},
                              "effect": {"type": "malformed"}, "count": 1})

    async def go() -> None:
        async with mock_api(mock) as api:
            await api.timeline_home()

    with pytest.raises(ServerUnavailableError):
        run(go())


@pytest.mark.integration
def test_ratelimit_fault_waits_on_fake_clock_against_mock(mock: MockServer) -> None:
    add_fault(mock.base_url, {
        "match": {"path": "/api/v1/timelines/home", "methods": ["GET"]},
        # Epoch reset on the server's real clock, while ours is a fake one in 2023: only the
        # Date-header skew correction makes this come out at ~4 s.
        "effect": {"type": "ratelimit", "headers": {
            "Retry-After": "4", "X-RateLimit-Reset": str(int(time.time()) + 4)}},
        "count": 1})
    clock = FakeClock()
    seen: list[float] = []

    async def go() -> Page[Status]:
        async with mock_api(mock, clock=clock) as api:
            api.governor.add_listener(seen.append)
            return await api.timeline_home()

    assert run(go()).items == []
    assert 3 <= sum(clock.sleeps) <= 5.2
    assert len(seen) == 1


def _answering(body: bytes | Callable[[], Any], headers: dict[str, str] | None = None
               ) -> MastodonApi:
    """An API whose every request gets ``body`` (bytes, or a stream of chunks)."""
    def handler(request: httpx.Request) -> httpx.Response:
        content = body() if callable(body) else body
        return httpx.Response(200, headers=headers or {}, content=content)

    client = make_client(transport=httpx.MockTransport(handler))
    return MastodonApi("https://example.social", "tok", client=client,
                       policy=RetryPolicy(max_attempts=1))


def test_an_endless_answer_is_refused_without_filling_memory() -> None:
    from fedidesk.core.http import MAX_RESPONSE_BYTES

    sent: list[int] = []

    def endless() -> Any:
        async def chunks() -> Any:
            while True:
                sent.append(1)
                yield b"[" + b"0," * 4096
        return chunks()

    api = _answering(endless)
    with pytest.raises(ServerUnavailableError) as caught:
        run(api.get_json("/api/v1/accounts/verify_credentials"))
    assert f"over {MAX_RESPONSE_BYTES} bytes" in caught.value.detail
    chunk = len(b"[" + b"0," * 4096)
    assert len(sent) * chunk < MAX_RESPONSE_BYTES + 4 * chunk  # stopped at the limit
    declared = _answering(b"{}", headers={"Content-Length": str(10 ** 9)})
    with pytest.raises(ServerUnavailableError):
        run(declared.get_json("/api/v1/instance"))


def test_deeply_nested_json_is_an_unreadable_answer_not_a_crash() -> None:
    api = _answering(b"[" * 200_000 + b"]" * 200_000)
    with pytest.raises(ServerUnavailableError, match="incomplete or unreadable"):
        run(api.get_json("/api/v1/instance"))


def test_compressed_answers_are_still_read() -> None:
    import gzip

    api = _answering(gzip.compress(json.dumps({"uri": "example.social"}).encode()),
                     headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert run(api.get_json("/api/v1/instance")) == {"uri": "example.social"}
