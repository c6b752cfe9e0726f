"""Fixtures for the post menu, media viewer and poll tests against mastodon-mock."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Status
from fedidesk.core.http import RetryPolicy
from fedidesk.core.media import MediaFetcher
from fedidesk.core.ratelimit import RateLimitGovernor
from fedidesk.ui.postmenu import PostActions
from fedidesk.ui.timelinemodel import TimelineModel
from tests.helpers.mockserver import token_for
from tests.ui.conftest import LoopRunner, aloop, ctx  # noqa: F401

ApiFactory = Callable[[str], MastodonApi]
Sent = list[tuple[str, str, Any]]


@pytest.fixture
def sent() -> Sent:
    """(method, path, JSON body or None) of every API request made by ``api_for`` clients."""
    return []


@pytest.fixture
def api_for(mock: MockServer, aloop: LoopRunner, sent: Sent) -> Iterator[ApiFactory]:  # noqa: F811
    """``api_for("alice")``: one ``MastodonApi`` per seeded user, closed after the test."""
    made: dict[str, MastodonApi] = {}

    async def record(request: httpx.Request) -> None:
        body: Any = None
        if request.headers.get("content-type", "").startswith("application/json"):
            body = json.loads(request.content or b"null")
        sent.append((request.method, request.url.path, body))

    def make(user: str = "alice") -> MastodonApi:
        if user not in made:
            clock = FakeClock()  # retries and rate-limit waits take no real time
            api = MastodonApi(mock.base_url, token_for(mock, user), clock=clock,
                              governor=RateLimitGovernor(clock=clock, max_jitter=0.1),
                              policy=RetryPolicy(rng=random.Random(1)))
            api.client.event_hooks["request"].append(record)
            made[user] = api
        return made[user]

    yield make
    close_windows(aloop)
    for api in made.values():
        aloop.run(api.aclose())


def close_windows(aloop: LoopRunner) -> None:  # noqa: F811
    """Close every window while the loop runs, then stop the work left behind."""
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    aloop.run(asyncio.sleep(0.1))
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    pending = [t for t in asyncio.all_tasks(aloop.loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        aloop.run(asyncio.gather(*pending, return_exceptions=True))


@pytest.fixture
def fetcher(tmp_path: Path, aloop: LoopRunner) -> Iterator[MediaFetcher]:  # noqa: F811
    media = MediaFetcher(tmp_path / "media")
    yield media
    aloop.run(media.aclose())


class Deck:
    """One account's models and ``PostActions``, as the deck controller wires them."""

    def __init__(self, api_for: ApiFactory, aloop: LoopRunner, account: str) -> None:  # noqa: F811
        self.account = account
        self.model = TimelineModel()
        self.own_id = aloop.run(api_for(account).verify_credentials()).id
        self.actions = PostActions(api_for, lambda _acc: [self.model],
                                   lambda _acc: self.own_id)
        self.messages: list[str] = []
        self.actions.message.connect(self.messages.append)
        self.parent = QWidget()
        self.parent.resize(400, 300)

    def add(self, status: Status) -> None:
        self.model.insert_newer([TimelineItem.of(status)])

    def shown(self, status_id: str) -> Status | None:
        row = self.model.find(f"status:{status_id}")
        return row.status if isinstance(row, TimelineItem) else None

    def menu(self, status: Status, *, translation: bool = False) -> QMenu:
        return self.actions.menu(self.parent, self.account, status,
                                 translation_enabled=translation)


@pytest.fixture
def deck_for(api_for: ApiFactory, aloop: LoopRunner) -> Callable[[str], Deck]:  # noqa: F811
    return lambda account: Deck(api_for, aloop, account)


def names(menu: QMenu) -> list[str]:
    """Object names of every action in ``menu`` and its submenus."""
    out: list[str] = []
    for action in menu.actions():
        if action.objectName():
            out.append(action.objectName())
        sub = action.menu()
        if isinstance(sub, QMenu):
            out.extend(names(sub))
    return out


def trigger(menu: QMenu, name: str) -> None:
    """Trigger the action called ``name`` (searching submenus)."""
    for action in menu.actions():
        if action.objectName() == name:
            action.trigger()
            return
        sub = action.menu()
        if isinstance(sub, QMenu) and name in names(sub):
            trigger(sub, name)
            return
    raise AssertionError(f"no action {name!r} in {names(menu)}")


def screenshot(widget: QWidget, name: str) -> None:
    """Save ``widget`` as ``/tmp/<name>.png`` for a human to look at."""
    widget.grab().save(f"/tmp/{name}.png")  # noqa: S108 - the agreed place for screenshots
