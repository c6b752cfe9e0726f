"""Migration assistant fixtures: two signed-in accounts on mastodon-mock and a window factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtWidgets import QApplication

from fedidesk.core.auth.login import token_login
from fedidesk.core.context import AppContext
from fedidesk.ui.app import make_login
from fedidesk.ui.migration import MigrationAssistant
from tests.helpers.mockserver import token_for
from tests.ui.conftest import LoopRunner, aloop, ctx  # noqa: F401

SHOTS = Path("/tmp")  # noqa: S108 (screenshots asked for by the issue)


@dataclass
class Opened:
    urls: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class Accounts:
    old: str
    new: str


def _call(mock: MockServer, user: str, method: str, path: str, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token_for(mock, user)}"}
    response = httpx.request(method, f"{mock.base_url}{path}", headers=headers, timeout=10,
                             **kw)
    response.raise_for_status()
    return response.json()


def seed_old_account(mock: MockServer) -> None:
    """alice: follows dave (not bob, the new account), mutes carol, blocks spam.example,
    a list "Friends" with dave, follows #python."""
    def lookup(acct: str) -> str:
        return str(_call(mock, "alice", "GET", "/api/v1/accounts/lookup",
                         params={"acct": acct})["id"])

    bob, dave, carol = lookup("bob"), lookup("dave@remote.example"), lookup("carol")
    _call(mock, "alice", "POST", f"/api/v1/accounts/{bob}/unfollow")
    _call(mock, "alice", "POST", f"/api/v1/accounts/{dave}/follow")
    _call(mock, "alice", "POST", f"/api/v1/accounts/{carol}/mute")
    _call(mock, "alice", "POST", "/api/v1/domain_blocks", data={"domain": "spam.example"})
    friends = _call(mock, "alice", "POST", "/api/v1/lists", data={"title": "Friends"})
    _call(mock, "alice", "POST", f"/api/v1/lists/{friends['id']}/accounts",
          data={"account_ids[]": [dave]})
    _call(mock, "alice", "POST", "/api/v1/tags/python/follow")


@pytest.fixture
def accounts(mock: MockServer, ctx: AppContext, aloop: LoopRunner) -> Accounts:  # noqa: F811
    seed_old_account(mock)
    old = aloop.run(token_login(mock.base_url, token_for(mock, "alice"), accounts=ctx.accounts))
    new = aloop.run(token_login(mock.base_url, token_for(mock, "bob"), accounts=ctx.accounts))
    return Accounts(old.handle, new.handle)


@pytest.fixture
def make_assistant(ctx: AppContext, aloop: LoopRunner  # noqa: F811
                   ) -> Iterator[Callable[[], tuple[MigrationAssistant, Opened]]]:
    made: list[MigrationAssistant] = []

    def make() -> tuple[MigrationAssistant, Opened]:
        opened = Opened()

        def open_url(url: str) -> object:
            opened.urls.append(url)
            return True

        def open_file(path: str) -> object:
            opened.files.append(path)
            return True

        window: MigrationAssistant | None = None
        window = MigrationAssistant(ctx, make_login(ctx, lambda: window), open_url=open_url,
                                    open_file=open_file)
        window.resize(1000, 700)
        window.show()
        made.append(window)
        return window, opened

    yield make
    for window in made:
        window.close()
    QApplication.processEvents()


def shot(window: MigrationAssistant, name: str) -> None:
    QApplication.processEvents()
    window.grab().save(str(SHOTS / f"migration-{name}.png"))
