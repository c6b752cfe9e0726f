"""Regenerate the README screenshots from the sandbox (``uv run python tools/screenshots.py``).

Starts the practice server, signs in its demo accounts, builds the real window with a deck,
waits until every column is live, and saves PNGs of the deck, each onboarding wizard step
and the migration assistant into ``docs/screenshots/`` (or the folder given). Offscreen:
no display is needed.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication

from fedidesk.core.auth.login import token_login
from fedidesk.core.context import AppContext
from fedidesk.core.sandbox import Sandbox
from fedidesk.ui.app import make_application, make_login
from fedidesk.ui.deck import DeckWidget
from fedidesk.ui.deckcontroller import DeckController
from fedidesk.ui.mainwindow import MainWindow
from fedidesk.ui.windows import WindowManager


async def settle(seconds: float) -> None:
    """Let Qt paint and the feeds deliver for ``seconds``."""
    await asyncio.sleep(seconds)


async def shoot(out: Path) -> list[Path]:
    saved: list[Path] = []
    sandbox = Sandbox()
    await asyncio.get_running_loop().run_in_executor(None, sandbox.start)
    ctx = AppContext.create(tempfile.mkdtemp(prefix="fedidesk-shots-"), allow_session_only=True)
    controller = DeckController(ctx)
    windows = WindowManager(ctx)
    try:
        deck = DeckWidget(ctx.settings, controller.make_column)
        window = MainWindow(ctx, make_login(ctx, lambda: window), deck=deck,
                            compose=windows.compose)
        window.resize(1400, 860)
        for login in sandbox.logins:
            entry = await token_login(sandbox.base_url, login.token, accounts=ctx.accounts)
            window.ensure_starter_columns(entry.handle)
        window.refresh_accounts()
        window.show()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not all(c.state == "live" for c in deck.columns):
            await settle(0.2)
        await settle(1.5)
        saved.append(out / "main-window.png")
        window.grab().save(str(saved[-1]))

        wizard = window.open_wizard()
        wizard.resize(980, 680)
        for index in range(len(wizard.pages)):
            wizard.go_to(index)
            await settle(1.0)
            key = getattr(wizard.current_page, "key", str(index))
            saved.append(out / f"wizard-{index + 1}-{key}.png")
            wizard.grab().save(str(saved[-1]))
        wizard.close()

        opener = getattr(window, "open_migration", None)
        if callable(opener):
            assistant = opener()
            assistant.resize(980, 680)
            await settle(1.0)
            saved.append(out / "migration-assistant.png")
            assistant.grab().save(str(saved[-1]))
            assistant.close()
        window.quit_app()
    finally:
        windows.close_all()
        await controller.aclose()
        await ctx.aclose()
        await asyncio.get_running_loop().run_in_executor(None, sandbox.stop)
    return saved


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / \
        "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app: QApplication = make_application()
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        saved = runner.run(shoot(out))
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
