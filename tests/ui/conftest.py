"""UI test fixtures: a qasync event loop on the test's QApplication, and an app context."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import qasync
from PySide6.QtCore import QEvent, QEventLoop
from PySide6.QtWidgets import QApplication

from fedidesk.core.context import AppContext

KEEP_ALIVE: list[qasync.QEventLoop] = []


class LoopRunner:
    """Drives a qasync loop that counts as running for the whole test, as in the app.

    In the app the loop runs from start to quit, so every Qt event (a layout that fetches
    more rows, a socket becoming readable) happens inside it. ``run_until_complete`` would
    leave gaps between calls in which Qt still fires qasync's timers, stepping tasks with
    no running loop. Here the loop is made "already running" and ``run`` pumps Qt events
    until the awaited work is done.
    """

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 20) -> Any:
        future = asyncio.ensure_future(asyncio.wait_for(coro, timeout), loop=self.loop)
        deadline = time.monotonic() + timeout + 5
        while not future.done():
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if not future.done():
                time.sleep(0.002)
            if time.monotonic() > deadline:
                future.cancel()
                raise TimeoutError("the coroutine did not finish")
        return future.result()

    def until(self, condition: Callable[[], bool], timeout: float = 20) -> None:
        async def wait() -> None:
            while not condition():
                await asyncio.sleep(0.02)

        self.run(wait(), timeout)


@pytest.fixture
def aloop(qapp: QApplication) -> Iterator[LoopRunner]:
    """A qasync loop for this test; leftovers are cancelled while it still runs.

    Closed loops are kept referenced for the whole session: a closed qasync loop freed by
    the garbage collector on another thread (the mock server's) leaves its Qt timers
    registered, and the next test that processes events crashes on them.
    """
    qapp.setQuitOnLastWindowClosed(False)  # as in the app: closing a dialog must not quit
    loop = qasync.QEventLoop(qapp, already_running=True)
    KEEP_ALIVE.append(loop)
    asyncio.set_event_loop(loop)
    runner = LoopRunner(loop)
    errors: list[dict[str, Any]] = []
    tearing_down = False

    def on_error(_loop: Any, context: dict[str, Any]) -> None:
        # Errors while the test runs fail it; cancelled HTTP clean-up that finishes after
        # the test is shutdown noise.
        if not tearing_down:
            errors.append(context)

    loop.set_exception_handler(on_error)
    try:
        yield runner
    finally:
        tearing_down = True
        for widget in QApplication.topLevelWidgets():
            widget.close()
        # Closing windows can start work of its own (a last fetch); repeat until quiet.
        for _round in range(5):
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            runner.run(asyncio.gather(*pending, asyncio.sleep(0.02),
                                      return_exceptions=True))
            if not pending:
                break
        asyncio.events._set_running_loop(None)
        # qasync has no public way to end an "already running" loop before closing it.
        loop._QEventLoop__is_running = False
        loop.close()
        asyncio.set_event_loop(None)
    assert not errors, errors


@pytest.fixture
def ctx(profile_dir: Path, aloop: LoopRunner) -> Iterator[AppContext]:
    context = AppContext.create(str(profile_dir))
    yield context
    aloop.run(context.aclose())


def browser_for(username: str = "alice") -> Callable[[str], object]:
    """A stand-in for the system browser on mastodon-mock: pick ``username`` and approve.

    Runs in a thread, like a real browser would, so the loopback listener on our event loop
    can answer the redirect.
    """

    def open_url(url: str) -> object:
        def approve() -> None:
            with httpx.Client(timeout=10) as client:
                page = client.get(url)
                page.raise_for_status()
                params = dict(httpx.URL(url).params)
                form = {"username": username, "redirect_uri": params["redirect_uri"],
                        "client_id": params["client_id"], "scope": params.get("scope", ""),
                        "state": params.get("state", "")}
                base = f"{httpx.URL(url).scheme}://{httpx.URL(url).netloc.decode()}"
                answer = client.post(f"{base}/oauth/authorize", data=form)
                location = answer.headers["location"]
                client.get(location)

        threading.Thread(target=approve, daemon=True).start()
        return True

    return open_url
