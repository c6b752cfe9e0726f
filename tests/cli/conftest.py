"""CLI test fixtures: a fake "browser" that approves the sign-in on mastodon-mock."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest


class MockBrowser:
    """Opens the authorize URL, picks ``username`` in the mock's account picker, follows the
    302 to fedidesk's loopback listener. Runs in a thread, like a real browser process."""

    def __init__(self, username: str = "alice") -> None:
        self.username = username
        self.opened: list[str] = []
        self.final_status: list[int] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, url: str) -> object:
        self.opened.append(url)
        thread = threading.Thread(target=self._approve, args=(url,), daemon=True)
        self.threads.append(thread)
        thread.start()
        return None

    def _approve(self, url: str) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        with httpx.Client(timeout=10) as client:
            client.get(url).raise_for_status()  # the account picker page
            form = {"username": self.username, "redirect_uri": query["redirect_uri"],
                    "client_id": query["client_id"], "scope": query["scope"],
                    "state": query["state"]}
            action = f"{url.split('/oauth/authorize')[0]}/oauth/authorize"
            response = client.post(action, data=form, follow_redirects=True)
            self.final_status.append(response.status_code)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(10)


@pytest.fixture
def mock_browser(monkeypatch: pytest.MonkeyPatch) -> MockBrowser:
    browser = MockBrowser()
    monkeypatch.setattr("fedidesk.cli.main.open_browser", browser)
    return browser
