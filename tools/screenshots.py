"""Regenerate the README screenshots from the sandbox (``uv run python tools/screenshots.py``).

Starts the practice server, signs in its demo accounts, builds the real window with a deck,
waits until every column is live, and saves PNGs of the deck, each onboarding wizard step
and the migration assistant into ``docs/screenshots/`` (or the folder given). Offscreen:
no display is needed.

The windows are driven through their own controls, as a person would: the wizard gets the
sandbox's address typed on step 1 and signs in a demo account through the browser sign-in
(the "browser" here is ``SandboxBrowser``, which approves on the practice server's own
sign-in page); the migration assistant copies ada@mock.local to grace@mock.local, downloads
into a temporary folder and runs its dry run. A step that does not get where it should
stops the script with an error instead of saving a picture of the failure.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
import qasync
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

from fedidesk.core.auth.login import token_login
from fedidesk.core.context import AppContext
from fedidesk.core.sandbox import DEMO_LOGINS, Sandbox
from fedidesk.ui.app import make_application, make_login
from fedidesk.ui.deck import DeckWidget
from fedidesk.ui.deckcontroller import DeckController
from fedidesk.ui.mainwindow import MainWindow
from fedidesk.ui.migration.assistant import MigrationAssistant
from fedidesk.ui.stepwindow import StepPage
from fedidesk.ui.windows import WindowManager
from fedidesk.ui.wizard.wizard import OnboardingWizard

log = logging.getLogger("screenshots")

#: The demo account the wizard signs in (the sandbox has already signed in ada and grace).
WIZARD_USER = "katherine"
#: What the wizard's contacts step gets pasted: people from the demo community.
CONTACTS_TEXT = ("Ada Lovelace — @ada@mock.local\n"
                 "Grace Hopper (compilers, nanoseconds): @grace@mock.local\n"
                 "Alan Turing · @alan@mock.local")
#: (old, new) accounts of the migration assistant's "Copy only".
MIGRATION = ("ada@mock.local", "grace@mock.local")
STEP_SIZE = (980, 680)


class SandboxBrowser(QObject):
    """The desktop's web browser for ``QDesktopServices.openUrl``: a sign-in page of the
    practice server is approved as ``username`` (its account picker, then the redirect back
    to fedidesk), like a person clicking there; any other page is only noted."""

    def __init__(self, server: str, username: str) -> None:
        super().__init__()
        self.server = httpx.URL(server)
        self.username = username
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        text = url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
        self.opened.append(text)
        target = httpx.URL(text)
        if target.netloc == self.server.netloc and target.path == "/oauth/authorize":
            threading.Thread(target=self._approve, args=(target,), daemon=True).start()
        else:
            log.info("browser: not opening %s", text)

    def _approve(self, url: httpx.URL) -> None:
        with httpx.Client(timeout=10) as client:
            client.get(url).raise_for_status()  # the account picker
            params = url.params
            form = {"username": self.username, "redirect_uri": params["redirect_uri"],
                    "client_id": params["client_id"], "scope": params.get("scope", ""),
                    "state": params.get("state", "")}
            answer = client.post(url.copy_with(query=None), data=form)
            client.get(answer.headers["location"])  # back to fedidesk's loopback listener


def give_ada_more_to_bring(server: str) -> None:
    """Make the demo accounts look lived in before the migration: ada follows katherine
    and two hashtags, keeps a list and a bookmark; grace already follows one of the
    hashtags. Done on the practice server through its API, as any client would."""
    tokens = dict(DEMO_LOGINS) | {"alan": "alan_token", "katherine": "katherine_token"}

    with httpx.Client(base_url=server, timeout=10) as client:
        def call(user: str, method: str, path: str, **kw: Any) -> Any:
            response = client.request(method, path, headers={
                "Authorization": f"Bearer {tokens[user]}"}, **kw)
            response.raise_for_status()
            return response.json()

        ids = {u: call("ada", "GET", "/api/v1/accounts/lookup", params={"acct": u})["id"]
               for u in ("alan", "katherine")}
        call("ada", "POST", f"/api/v1/accounts/{ids['katherine']}/follow")
        for tag in ("computing", "python"):
            call("ada", "POST", f"/api/v1/tags/{tag}/follow")
        pioneers = call("ada", "POST", "/api/v1/lists", data={"title": "Pioneers"})
        call("ada", "POST", f"/api/v1/lists/{pioneers['id']}/accounts",
             data={"account_ids[]": [ids["alan"], ids["katherine"]]})
        post = call("ada", "GET", f"/api/v1/accounts/{ids['alan']}/statuses",
                    params={"limit": 1})[0]
        call("ada", "POST", f"/api/v1/statuses/{post['id']}/bookmark")
        call("grace", "POST", "/api/v1/tags/python/follow")


async def settle(seconds: float) -> None:
    """Let Qt paint and the feeds deliver for ``seconds``."""
    await asyncio.sleep(seconds)


async def wait_until(done: Callable[[], bool], what: str, seconds: float = 30) -> None:
    """Wait until ``done()``; fail, naming ``what``, after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await settle(0.1)


async def idle(page: StepPage, what: str, seconds: float = 30) -> None:
    """Wait until ``page``'s background work is finished."""
    await settle(0.1)
    await wait_until(lambda: not page.busy(), what, seconds)


async def press_next(window: Any) -> None:
    """Click Next once the window has enabled it, as a person would.

    A page's work ends a moment before the window hears of it (the task's done callback
    runs on the next loop turn), so the button can still be greyed out right after
    ``idle``; clicking a disabled button does nothing.
    """
    await wait_until(window.next_button.isEnabled,
                     f"Next on {window.current_page.key} ({window.next_button.toolTip()})", 10)
    window.next_button.click()


def type_into(edit: QLineEdit, text: str) -> None:
    """Type ``text`` into ``edit`` and press Return, as a person would."""
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def no_red_text(window: QWidget, name: str) -> None:
    """Refuse a picture with an error (red text) in a visible label."""
    for child in window.findChildren(QLabel):
        if child.isVisibleTo(window) and "color:#c00" in child.text().replace(" ", ""):
            raise RuntimeError(f"{name}: error shown: {child.text()}")


def save(window: QWidget, path: Path, saved: list[Path]) -> None:
    no_red_text(window, path.name)
    window.grab().save(str(path))
    saved.append(path)


async def shoot_wizard(window: MainWindow, server_url: str, out: Path,
                       saved: list[Path]) -> None:
    wizard: OnboardingWizard = window.open_wizard()
    wizard.resize(*STEP_SIZE)
    shots = iter(range(1, len(wizard.pages) + 1))

    async def shoot() -> None:
        await settle(0.5)
        name = f"wizard-{next(shots)}-{wizard.current_page.key}.png"
        save(wizard, out / name, saved)

    # 1: the built-in server list (no network needed), then the sandbox's address typed in.
    server: Any = wizard.page("server")
    await idle(server, "the server list")
    server.offline.click()
    await idle(server, "the offline server list")
    type_into(server.address, server_url)
    await idle(server, "the sandbox's details")
    if server.details is None:
        raise RuntimeError(f"server step: {server.status.text()}")
    await shoot()

    # 2: sign in through the browser.
    await press_next(wizard)
    account: Any = wizard.current_page
    account.have_button.click()
    await idle(account, "the browser sign-in")
    if not wizard.shared.state.handle:
        raise RuntimeError(f"account step: {account.status.text()}")
    await shoot()

    # 3: two-factor authentication, explained for the chosen server.
    await press_next(wizard)
    await shoot()

    # 4: the rel=me snippet for the signed-in profile.
    await press_next(wizard)
    links: Any = wizard.current_page
    await idle(links, "the profile address")
    await shoot()

    # 5: follow two of the hashtags shown.
    await press_next(wizard)
    follow: Any = wizard.current_page
    await idle(follow, "the hashtag and people suggestions")
    for row in range(min(2, follow.tags.topLevelItemCount())):
        name = follow.tags.topLevelItem(row).data(0, Qt.ItemDataRole.UserRole)
        follow.tag_button(name).click()
        await idle(follow, f"following #{name}")
    if not wizard.shared.state.followed_tags:
        raise RuntimeError(f"follow step: {follow.status.text()}")
    await shoot()

    # 6: people from pasted text, looked up on the server.
    await press_next(wizard)
    contacts: Any = wizard.current_page
    QGuiApplication.clipboard().setText(CONTACTS_TEXT)
    contacts.paste.setFocus()
    contacts.paste.paste()
    contacts.find_button.click()
    await idle(contacts, "the contacts lookup")
    await shoot()

    # 7: the proposed deck, with the followed hashtags.
    await press_next(wizard)
    await idle(wizard.current_page, "the followed hashtags")
    await shoot()
    wizard.close()


async def shoot_migration(window: MainWindow, server_url: str, export_dir: str, out: Path,
                          saved: list[Path]) -> None:
    assistant: MigrationAssistant = window.open_migration()
    assistant.resize(*STEP_SIZE)
    old, new = MIGRATION

    await asyncio.get_running_loop().run_in_executor(
        None, give_ada_more_to_bring, server_url)

    # 1: "Copy only", from ada to grace.
    accounts: Any = assistant.page("accounts")
    accounts.mode_buttons["copy"].click()
    for combo, handle in ((accounts.old_combo, old), (accounts.new_combo, new)):
        combo.setCurrentIndex(combo.findData(handle))
    if not accounts.ready()[0]:
        raise RuntimeError(f"accounts step: {accounts.ready()[1]}")
    await settle(0.5)
    save(assistant, out / "migration-assistant.png", saved)

    # 2: everything; 3: download into a temporary folder.
    await press_next(assistant)
    await press_next(assistant)
    export: Any = assistant.current_page
    type_into(export.folder_edit, export_dir)
    export.start_button.click()
    await idle(export, "the download", seconds=120)
    if not export.ready()[0]:
        raise RuntimeError(f"download step: {export.result.text()}")

    # 5 ("Move the account" does not apply to copying): the dry run.
    await press_next(assistant)
    plan: Any = assistant.current_page
    if plan.key != "plan":
        raise RuntimeError(f"expected the plan step, got {plan.key}")
    await idle(plan, "the dry run", seconds=120)
    if plan.plan is None:
        raise RuntimeError(f"plan step: {plan.status.text()}")
    await settle(0.5)
    save(assistant, out / "migration-plan.png", saved)
    assistant.close()


async def shoot(out: Path) -> list[Path]:
    saved: list[Path] = []
    sandbox = Sandbox()
    await asyncio.get_running_loop().run_in_executor(None, sandbox.start)
    profile = tempfile.mkdtemp(prefix="fedidesk-shots-")
    ctx = AppContext.create(profile, allow_session_only=True)
    controller = DeckController(ctx)
    windows = WindowManager(ctx)
    browser = SandboxBrowser(sandbox.base_url, WIZARD_USER)
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, browser, "open")  # type: ignore[arg-type]
    try:
        deck = DeckWidget(ctx.settings, controller.make_column)

        async def check(handle: str) -> Any:  # as the app checks the connection
            return await ctx.accounts.api(handle).verify_credentials()

        window = MainWindow(ctx, make_login(ctx, lambda: window), check_account=check,
                            deck=deck, compose=windows.compose)
        for login in sandbox.logins:
            entry = await token_login(sandbox.base_url, login.token, accounts=ctx.accounts)
            window.ensure_starter_columns(entry.handle)
        window.refresh_accounts()
        # Wide enough for every column of the deck side by side.
        window.resize(max(1400, deck.splitter.minimumWidth() + 40), 860)
        window.show()
        window.check_connections()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not all(c.state == "live" for c in deck.columns):
            await settle(0.2)
        await settle(1.5)
        save(window, out / "main-window.png", saved)

        await shoot_wizard(window, sandbox.base_url, out, saved)
        with tempfile.TemporaryDirectory(prefix="fedidesk-shots-export-") as export_dir:
            await shoot_migration(window, sandbox.base_url, export_dir, out, saved)
        window.quit_app()
    finally:
        for scheme in ("http", "https"):
            QDesktopServices.unsetUrlHandler(scheme)
        windows.close_all()
        await controller.aclose()
        await ctx.aclose()
        await asyncio.get_running_loop().run_in_executor(None, sandbox.stop)
        shutil.rmtree(profile, ignore_errors=True)
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
