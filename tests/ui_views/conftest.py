"""Fixtures for the thread, profile and moderation windows against mastodon-mock."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator

import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.http import RetryPolicy
from fedidesk.core.ratelimit import RateLimitGovernor
from tests.helpers.mockserver import token_for
from tests.ui.conftest import LoopRunner, aloop, ctx  # noqa: F401

ApiFactory = Callable[[str], MastodonApi]


@pytest.fixture
def api_for(mock: MockServer, aloop: LoopRunner) -> Iterator[ApiFactory]:  # noqa: F811
    """``api_for("alice")``: a ``MastodonApi`` for that seeded user, closed after the test."""
    made: list[MastodonApi] = []

    def make(user: str = "alice") -> MastodonApi:
        clock = FakeClock()  # retries and rate-limit waits take no real time
        api = MastodonApi(mock.base_url, token_for(mock, user), clock=clock,
                          governor=RateLimitGovernor(clock=clock, max_jitter=0.1),
                          policy=RetryPolicy(rng=random.Random(1)))
        made.append(api)
        return api

    yield make
    # qtbot closes the windows only after the loop is gone: close them now, while it runs,
    # then stop what is left so nothing runs against a closed client or a closed loop.
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    # Let deferred deletes and zero-time timers (scroll anchors, loop timers) run now.
    aloop.run(asyncio.sleep(0.1))
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    pending = [t for t in asyncio.all_tasks(aloop.loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        aloop.run(asyncio.gather(*pending, return_exceptions=True))
    for api in made:
        aloop.run(api.aclose())


def screenshot(widget: QWidget, name: str) -> None:
    """Save ``widget`` as ``/tmp/<name>.png`` for a human to look at."""
    widget.grab().save(f"/tmp/{name}.png")  # noqa: S108 - the agreed place for screenshots
