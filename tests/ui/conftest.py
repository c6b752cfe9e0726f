"""UI test fixtures: a qasync event loop on the test's QApplication, and an app context."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import qasync
from PySide6.QtWidgets import QApplication

from fedidesk.core.context import AppContext


class LoopRunner:
    """Runs coroutines on a qasync loop so Qt events and asyncio tasks both progress."""

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 20) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def until(self, condition: Callable[[], bool], timeout: float = 20) -> None:
        async def wait() -> None:
            while not condition():
                await asyncio.sleep(0.02)

        self.run(wait(), timeout)


@pytest.fixture
def aloop(qapp: QApplication) -> Iterator[LoopRunner]:
    qapp.setQuitOnLastWindowClosed(False)  # as in the app: closing a dialog must not quit
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    errors: list[dict[str, Any]] = []
    tearing_down = False

    def on_error(_loop: Any, context: dict[str, Any]) -> None:
        # Errors while the test runs fail it; cancelled HTTP clean-up that finishes after
        # the test (connections closed outside a running loop) is shutdown noise.
        if not tearing_down:
            errors.append(context)

    loop.set_exception_handler(on_error)
    try:
        yield LoopRunner(loop)
    finally:
        tearing_down = True
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(asyncio.sleep(0.05))
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
