"""Composer fixtures: a qasync loop per test, a draft store, alice's API against mastodon-mock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import qasync
import shiboken6
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.api import MastodonApi
from fedidesk.core.drafts import DraftStore
from fedidesk.core.http import RetryPolicy, make_client
from fedidesk.core.storage import Database
from fedidesk.ui.compose import ComposeWindow
from tests.helpers.mockserver import token_for

Run = Callable[[Coroutine[Any, Any, Any]], Any]


# Closed loops are never garbage-collected: Python's GC may run in another thread (the
# mock server's), and a qasync timer object freed there leaves its Qt timers registered,
# which crashes the next test that processes events.
_CLOSED_LOOPS: list[qasync.QEventLoop] = []


@pytest.fixture(scope="package")
def session_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """One qasync loop for all composer tests."""
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    yield event_loop
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    event_loop.close()
    _CLOSED_LOOPS.append(event_loop)


@pytest.fixture
def loop(session_loop: qasync.QEventLoop, qapp: QApplication
         ) -> Iterator[qasync.QEventLoop]:
    """The shared loop, current for this test; afterwards closed windows are deleted and
    leftover tasks cancelled while it can still run them."""
    qapp.setQuitOnLastWindowClosed(False)  # a closing composer must not end the loop
    asyncio.set_event_loop(session_loop)
    try:
        yield session_loop
    finally:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        pending = [t for t in asyncio.all_tasks(session_loop) if not t.done()]
        for task in pending:
            task.cancel()
        session_loop.run_until_complete(asyncio.gather(*pending, asyncio.sleep(0.05),
                                                       return_exceptions=True))
        asyncio.set_event_loop(None)


@pytest.fixture
def run(loop: qasync.QEventLoop) -> Run:
    def runner(coro: Coroutine[Any, Any, Any]) -> Any:
        return loop.run_until_complete(asyncio.wait_for(coro, 30))

    return runner


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the loop run until ``predicate()`` is true (fails the test after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.fixture
def drafts() -> Iterator[DraftStore]:
    db = Database(":memory:")
    yield DraftStore(db)
    db.close()


class Server:
    """The mock server plus what the tests need to look at: alice's statuses, sent keys."""

    def __init__(self, mock: MockServer) -> None:
        self.mock = mock
        self.base_url = mock.base_url
        self.token = token_for(mock, "alice")
        headers = {"Authorization": f"Bearer {self.token}"}
        me = httpx.get(f"{self.base_url}/api/v1/accounts/verify_credentials",
                       headers=headers, timeout=10).json()
        self.alice = AccountEntry(handle="alice@mock.local", base_url=self.base_url,
                                  account_id=str(me["id"]), display_name="Alice", acct="alice")
        self.sent_keys: list[str] = []
        #: (method, path, body) of every request the APIs made.
        self.requests: list[tuple[str, str, bytes]] = []
        self.apis: list[MastodonApi] = []
        self.policy = RetryPolicy(max_attempts=1, base=0.01, cap=0.05)
        self.read_timeout = 20.0

    def api_for(self, handle: str) -> MastodonApi:
        assert handle == self.alice.handle
        client = make_client(timeout=self.read_timeout)
        hooks = client.event_hooks
        hooks["request"].append(self._record)
        client.event_hooks = hooks
        api = MastodonApi(self.base_url, self.token, client=client, policy=self.policy)
        self.apis.append(api)
        return api

    async def _record(self, request: httpx.Request) -> None:
        try:
            body = request.content
        except httpx.RequestNotRead:  # a streamed upload
            body = b""
        self.requests.append((request.method, request.url.path, body))
        if request.method == "POST" and request.url.path == "/api/v1/statuses":
            self.sent_keys.append(request.headers.get("Idempotency-Key", ""))

    def statuses(self, username: str = "alice") -> list[dict[str, Any]]:
        token = token_for(self.mock, username)
        headers = {"Authorization": f"Bearer {token}"}
        me = httpx.get(f"{self.base_url}/api/v1/accounts/verify_credentials",
                       headers=headers, timeout=10).json()
        return list(httpx.get(f"{self.base_url}/api/v1/accounts/{me['id']}/statuses",
                              headers=headers, timeout=10).json())

    def post_as(self, username: str, **body: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token_for(self.mock, username)}"}
        response = httpx.post(f"{self.base_url}/api/v1/statuses", json=body, headers=headers,
                              timeout=10)
        response.raise_for_status()
        return dict(response.json())

    async def aclose(self) -> None:
        for api in self.apis:
            await api.aclose()


@pytest.fixture
def server(mock: MockServer, run: Run) -> Iterator[Server]:
    srv = Server(mock)
    yield srv
    run(srv.aclose())


@pytest.fixture
def make_window(server: Server, drafts: DraftStore, tmp_path: Path, qtbot: Any
                ) -> Iterator[Callable[..., ComposeWindow]]:
    windows: list[ComposeWindow] = []

    def factory(**kw: Any) -> ComposeWindow:
        args: dict[str, Any] = {
            "api_for": server.api_for, "accounts": [server.alice], "limits": None,
            "drafts": drafts, "media_dir": tmp_path / "draft-media", "autosave_ms": 50,
            "search_debounce_ms": 20, "media_poll_interval": 0.05}
        args.update(kw)
        window = ComposeWindow(**args)
        windows.append(window)
        window.show()
        return window

    yield factory
    for window in windows:
        if shiboken6.isValid(window):
            window.close()
    ComposeWindow.open_drafts.clear()
