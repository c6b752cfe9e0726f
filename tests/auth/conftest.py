"""Fixtures for the auth tests: a fake OAuth server, an account manager, a fake browser."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from fedidesk.core.accounts import AccountManager
from fedidesk.core.paths import resolve_paths
from fedidesk.core.secrets import SecretStore
from fedidesk.core.settings import Settings
from fedidesk.core.storage import Database
from tests.auth.fakeserver import FakeServer

Browser = Callable[[str], Coroutine[Any, Any, None]]


@pytest.fixture
def fake() -> FakeServer:
    server = FakeServer()
    server.metadata = server.standard_metadata()
    return server


@pytest.fixture
def accounts(fake: FakeServer, profile_dir: Path) -> Iterator[AccountManager]:
    paths = resolve_paths(profile_dir).ensure()
    db = Database(paths.database_file)
    manager = AccountManager(Settings(paths.settings_file), SecretStore.open(), db,
                             http_factory=fake.client)
    yield manager
    db.close()


class FakeBrowser:
    """Plays the user: approves on the "server" and follows the redirect to the listener.

    ``state`` overrides the state sent back (``""`` drops it); ``seen`` holds opened URLs.
    """

    def __init__(self, fake: FakeServer, *, state: str | None = None, repeat: int = 1,
                 extra: dict[str, str] | None = None) -> None:
        self.fake = fake
        self.state = state
        self.repeat = repeat
        self.extra = extra or {}
        self.seen: list[str] = []
        self.responses: list[int] = []

    async def __call__(self, url: str) -> None:
        self.seen.append(url)
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        code = f"code-{len(self.seen)}"
        self.fake.issued_codes.add(code)
        params = {"code": code, **self.extra}
        state = query["state"] if self.state is None else self.state
        if state:
            params["state"] = state
        async with httpx.AsyncClient() as client:
            for _ in range(self.repeat):
                try:
                    response = await client.get(f"{query['redirect_uri']}?{urlencode(params)}")
                    self.responses.append(response.status_code)
                except httpx.TransportError:
                    self.responses.append(0)

    def query(self, index: int = -1) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.seen[index]).query).items()}
