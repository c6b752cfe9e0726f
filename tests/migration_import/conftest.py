"""A mastodon-mock server seeded for migration imports, and an API that records requests.

``neo`` is the new account (follows amy, ben, cat). Local accounts are ``user@mock.local``;
``rob`` lives on remote.example, ``h1``…``h4`` on hang.example, which ``HangTransport``
makes time out, like a dead remote server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from mastodon_mock.config import SeedAccount, SeedConfig, SeedFollow, SeedStatus
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.http import make_client
from fedidesk.core.ratelimit import RateLimitGovernor
from fedidesk.core.storage import Database
from tests.helpers.mockserver import clear_faults, reset_server

LOCAL = ["amy", "ben", "cat", "dan", "eve", "fay", "gus", "hal"]
SEED = SeedConfig(
    accounts=[SeedAccount(username="neo", access_token="neo_token"),  # nosec B106
              *(SeedAccount(username=n) for n in LOCAL),
              SeedAccount(username="rob", domain="remote.example"),
              *(SeedAccount(username=f"h{i}", domain="hang.example") for i in range(1, 5))],
    follows=[SeedFollow(follower="neo", following=n) for n in ("amy", "ben", "cat")],
    statuses=[SeedStatus(account="amy", text="a post worth keeping"),
              SeedStatus(account="ben", text="another post worth keeping")],
)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="session")
def mig_server() -> Iterator[MockServer]:
    server = MockServer(seed=SEED)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mig(mig_server: MockServer) -> Iterator[MockServer]:
    reset_server(mig_server.base_url)
    yield mig_server
    clear_faults(mig_server.base_url)


class HangTransport(httpx.AsyncBaseTransport):
    """Requests that mention hang.example time out; the rest go to the mock server."""

    def __init__(self, hung: list[str]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.hung = hung

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "hang.example" in str(request.url):
            self.hung.append(str(request.url))
            raise httpx.ReadTimeout("timed out", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Harness:
    """An API for ``neo`` on a fake clock, recording every request it sends."""

    base_url: str
    clock: FakeClock = field(default_factory=lambda: FakeClock(1_780_000_000.0))
    hung: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def transport(self) -> httpx.AsyncBaseTransport:
        """What the API's requests go through (a subclass may lose or fake answers)."""
        return HangTransport(self.hung)

    @asynccontextmanager
    async def api(self) -> AsyncIterator[MastodonApi]:
        client = make_client(transport=self.transport())

        async def record(request: httpx.Request) -> None:
            self.requests.append((request.method, request.url.path))

        client.event_hooks["request"].append(record)
        try:
            yield MastodonApi(self.base_url, "neo_token", client=client, clock=self.clock,
                              governor=RateLimitGovernor(clock=self.clock, max_jitter=0.0))
        finally:
            await client.aclose()

    def writes(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] in WRITE_METHODS]

    def follow_posts(self) -> list[str]:
        return [p for m, p in self.requests if m == "POST" and p.endswith("/follow")
                and p.startswith("/api/v1/accounts/")]


@pytest.fixture
def harness(mig: MockServer) -> Harness:
    return Harness(mig.base_url)


@pytest.fixture
def db() -> Database:
    return Database(":memory:")


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
