"""Practice mode: a local mastodon-mock server with a small demo community.

``fedidesk --sandbox`` starts it on loopback, signs in two demo accounts (their tokens are
the mock's fixtures, not real credentials) and opens the app against it. The sandbox uses
its own temporary profile and session-only secrets, so it never mixes with real accounts.
Requires the optional extra ``fedidesk[sandbox]`` (the ``mastodon-mock`` package).
"""

from __future__ import annotations

import importlib.util
import logging
import random
import threading
from dataclasses import dataclass
from typing import Any

import httpx

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _

log = logging.getLogger("fedidesk.sandbox")

# (username, fixture token) of the demo accounts the sandbox signs in.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (("ada", "ada_token"), ("grace", "grace_token"))

_CHATTER = (
    "Just shipped a tiny fix and the test suite went green on the first try. Suspicious.",
    "Reading about the #AnalyticalEngine again. Still the best-designed machine nobody built.",
    "Reminder: you can follow #hashtags on Mastodon and they show up in your home timeline.",
    "Coffee, compiler, and a quiet morning. #programming",
    "Has anyone tried writing a desktop client in #Python with Qt? Asking for a friend.",
    "New blog post on debugging moths out of relays. Links in bio.",
    "The orbit math checks out. Launch window opens at dawn. #space",
    "Hot take: keyboard shortcuts are an accessibility feature. #a11y",
)


@dataclass(frozen=True)
class SandboxLogin:
    """A demo account to sign in."""

    username: str
    token: str


class SandboxUnavailable(FedideskError):
    """The sandbox extra is not installed."""

    user_message = N_(
        "Practice mode needs the optional sandbox package. Install it with "
        "`pip install 'fedidesk[sandbox]'` (it is included in the development setup)."
    )


class Sandbox:
    """A running demo server. Use as a context manager or call ``start``/``stop``."""

    def __init__(self, *, sample_posts: bool = True) -> None:
        self.sample_posts = sample_posts
        self._server: Any = None
        self._chatter_stop = threading.Event()
        self._chatter: threading.Thread | None = None

    @staticmethod
    def available() -> bool:
        return importlib.util.find_spec("mastodon_mock") is not None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("sandbox not started")
        return str(self._server.base_url)

    @property
    def logins(self) -> tuple[SandboxLogin, ...]:
        return tuple(SandboxLogin(u, t) for u, t in DEMO_LOGINS)

    def start(self) -> str:
        if not self.available():
            raise SandboxUnavailable()
        from mastodon_mock.config import DatabaseConfig, StreamingConfig, demo_config
        from mastodon_mock.testing.server import MockServer

        config = demo_config()
        config.database = DatabaseConfig(path=":memory:")
        config.streaming = StreamingConfig(heartbeat_seconds=10.0)
        config.title = "fedidesk sandbox"
        config.description = _("A practice server that lives only on this computer.")
        self._server = MockServer(config=config).start()
        if self.sample_posts:
            self._seed_posts()
        log.info("Sandbox running at %s", self.base_url)
        return self.base_url

    def _seed_posts(self) -> None:
        """Give every demo account a few posts so timelines are never empty."""
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            rng = random.Random(7)  # noqa: S311 (demo text, not security)
            for _username, token in (*DEMO_LOGINS, ("alan", "alan_token"),
                                    ("katherine", "katherine_token")):
                for text in rng.sample(_CHATTER, 3):
                    client.post("/api/v1/statuses", data={"status": text},
                                headers={"Authorization": f"Bearer {token}"})

    def start_chatter(self, interval_s: float = 20.0) -> None:
        """Post now and then as the other demo users, so live columns have something to show."""
        if self._chatter is not None:
            return
        self._chatter_stop.clear()

        def loop() -> None:
            rng = random.Random()  # noqa: S311 (demo text, not security)
            with httpx.Client(base_url=self.base_url, timeout=10) as client:
                while not self._chatter_stop.wait(interval_s):
                    user = rng.choice(("alan", "katherine"))
                    try:
                        client.post("/api/v1/statuses",
                                    data={"status": rng.choice(_CHATTER)},
                                    headers={"Authorization": f"Bearer {user}_token"})
                    except httpx.HTTPError:
                        log.debug("sandbox chatter post failed", exc_info=True)

        self._chatter = threading.Thread(target=loop, name="sandbox-chatter", daemon=True)
        self._chatter.start()

    def stop(self) -> None:
        self._chatter_stop.set()
        if self._chatter is not None:
            self._chatter.join(timeout=2)
            self._chatter = None
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
