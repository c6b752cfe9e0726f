"""The GUI entry point: one qasync event loop, the crash handler, start-up and shutdown.

``run_gui(args)`` is called lazily by the CLI when no subcommand is given. Everything runs
on a single asyncio loop integrated with Qt's (qasync); nothing here blocks the UI thread,
and shutdown closes every HTTP client before the loop ends.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from fedidesk import APP_NAME, __version__
from fedidesk.core import i18n
from fedidesk.core.accounts import AccountEntry
from fedidesk.core.auth.login import browser_login, token_login
from fedidesk.core.context import AppContext
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.core.paths import resolve_paths
from fedidesk.core.sandbox import Sandbox
from fedidesk.core.secrets import KeyringUnavailable
from fedidesk.ui import qtmessages
from fedidesk.ui.appicon import app_icon
from fedidesk.ui.asynctools import ask
from fedidesk.ui.crash import CrashHandler
from fedidesk.ui.deck import DeckWidget
from fedidesk.ui.deckcontroller import DeckController
from fedidesk.ui.idlegc import IdleCollector
from fedidesk.ui.mainwindow import MainWindow
from fedidesk.ui.singleinstance import SingleInstance, hand_over, server_name
from fedidesk.ui.theme import ThemeManager
from fedidesk.ui.tray import Tray
from fedidesk.ui.windows import WindowManager

log = logging.getLogger("fedidesk.ui")
QT_TRANSLATOR = "fedideskQtTranslator"


def make_application(argv: list[str] | None = None) -> QApplication:
    """Create (or reuse) the QApplication with fedidesk's identity set."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("fedidesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("org.fedidesk.fedidesk")
    app.setWindowIcon(app_icon())
    if i18n.is_right_to_left():
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    install_qt_translations(app, i18n.current_language())
    qtmessages.install()
    return app


def install_qt_translations(app: QApplication, language: str) -> bool:
    """Qt's own texts (standard dialog buttons such as Cancel and Close, text field menus)
    in ``language``, from the translations that come with Qt. Returns whether they loaded;
    without them Qt's texts stay English, the rest of fedidesk is unaffected."""
    for old in app.findChildren(QTranslator, QT_TRANSLATOR):
        app.removeTranslator(old)
        old.deleteLater()
    if language == "en":
        return True
    translator = QTranslator(app)
    translator.setObjectName(QT_TRANSLATOR)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{language}", folder):
        log.info("Qt's own texts stay English: no qtbase_%s in %s", language, folder)
        translator.deleteLater()
        return False
    app.installTranslator(translator)
    return True


def run_gui(args: argparse.Namespace) -> int:
    """Start the desktop app and return its exit code."""
    app = make_application()
    instance: SingleInstance | None = None
    if not getattr(args, "sandbox", False):
        name = server_name(str(resolve_paths(getattr(args, "profile_dir", None)).config_dir))
        if hand_over(name, list(getattr(args, "open_urls", []) or [])):
            return 0  # the running fedidesk comes to the front and opens the links
        instance = SingleInstance(name)
        if not instance.listen():
            log.warning("Could not listen for other launches on %s", name)
    crash = CrashHandler()
    crash.install()
    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            return runner.run(_main(app, args, crash, instance))
    finally:
        crash.uninstall()
        if instance is not None:
            instance.close()


def make_login(ctx: AppContext, window_getter: Callable[[], Any]) -> Callable[
        [str, Callable[[str], object], Callable[[], Awaitable[str]]], Awaitable[AccountEntry]]:
    """The login function the dialog calls: the core's browser login with GUI prompts."""

    async def confirm_host(host: str) -> bool:
        answer = await ask(
            window_getter(), _("Sign in on another site?"),
            _("Your server sends you to {host} to sign in.").format(host=host),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
            informative=_("Only continue if you trust this site with your account."))
        return answer == QMessageBox.StandardButton.Yes

    async def login(server: str, open_browser: Callable[[str], object],
                    prompt_code: Callable[[], Awaitable[str]]) -> AccountEntry:
        return await browser_login(server, open_browser=open_browser, secrets=ctx.secrets,
                                   accounts=ctx.accounts, prompt_code=prompt_code,
                                   confirm_host=confirm_host)

    return login


async def _open_context(args: argparse.Namespace, profile_dir: str | None,
                        session_only: bool) -> AppContext | None:
    try:
        return AppContext.create(profile_dir, allow_session_only=session_only)
    except KeyringUnavailable as exc:
        answer = await ask(
            None, _("No system keyring"),
            _("fedidesk could not find a working system keyring, so it cannot keep your "
              "sign-in safely on this computer."),
            QMessageBox.StandardButton.Ignore | QMessageBox.StandardButton.Close,
            QMessageBox.StandardButton.Close, icon=QMessageBox.Icon.Warning,
            informative=_("Reason: {reason}.").format(reason=exc.reason) + "\n\n"
            + _("Choose Ignore to continue in session-only mode: nothing is written to disk "
                "and you sign in again next time. Install or unlock a keyring (GNOME Keyring, "
                "KWallet, KeePassXC) to stay signed in."))
        if answer != QMessageBox.StandardButton.Ignore:
            return None
        return AppContext.create(profile_dir, allow_session_only=True)


async def _main(app: QApplication, args: argparse.Namespace, crash: CrashHandler,
                instance: SingleInstance | None = None) -> int:
    # QApplication.quit() would stop the qasync loop under our feet; closing the last
    # window ends the coroutine instead, so shutdown can still await the HTTP clients.
    quit_event = asyncio.Event()
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(quit_event.set)
    loop = asyncio.get_running_loop()

    sandbox: Sandbox | None = None
    profile_dir: str | None = getattr(args, "profile_dir", None)
    session_only = bool(getattr(args, "session_only", False))
    if getattr(args, "sandbox", False):
        sandbox = Sandbox()
        try:
            await loop.run_in_executor(None, sandbox.start)
        except FedideskError as exc:
            crash.handle(type(exc), exc, exc.__traceback__)
            return 2
        profile_dir = profile_dir or tempfile.mkdtemp(prefix="fedidesk-sandbox-")
        session_only = True

    ctx = await _open_context(args, profile_dir, session_only)
    if ctx is None:
        if sandbox is not None:
            sandbox.stop()
        return 1
    ThemeManager(app, ctx.settings)  # owned by the app; follows Settings and the system
    window: MainWindow | None = None
    collector = IdleCollector(app)
    controller = DeckController(ctx)
    windows = WindowManager(ctx)
    try:
        async def check(handle: str) -> Any:
            return await ctx.accounts.api(handle).verify_credentials()

        deck = DeckWidget(ctx.settings, controller.make_column)
        window = MainWindow(ctx, make_login(ctx, lambda: window), check_account=check,
                            deck=deck, compose=windows.compose,
                            extra_windows={"moderation": windows.moderation,
                                           "profile": windows.profile})
        windows.parent_widget = window
        controller.message.connect(lambda text: window.statusBar().showMessage(text, 8000)
                                   if window is not None else None)
        controller.notifier.unreadChanged.connect(
            lambda n: window.setWindowTitle(
                f"({QLocale().toString(n)}) fedidesk" if n else "fedidesk")
            if window is not None and sandbox is None else None)
        controller.composeRequested.connect(windows.compose)
        controller.editRequested.connect(windows.edit)
        controller.redraftRequested.connect(windows.redraft)
        controller.threadRequested.connect(windows.open_thread)
        windows.relationshipConfirmed.connect(controller.relationship_confirmed)
        windows.filtersChanged.connect(controller.refilter)
        controller.connectionChanged.connect(window.set_connection)
        controller.profileRequested.connect(windows.profile)
        crash.parent_widget = window
        if sandbox is not None:
            window.setWindowTitle(_("fedidesk — sandbox (practice server on this computer)"))
            for login in sandbox.logins:  # their columns are added below, after the layout
                await token_login(sandbox.base_url, login.token, accounts=ctx.accounts)
            sandbox.start_chatter()
            window.refresh_accounts()
        if Tray.available():
            window.tray = Tray(window, app.windowIcon(), compose=window.compose,
                               quit_app=window.quit_app)
            window.tray.show()
            controller.notifier.set_tray(window.tray)
            controller.notifier.unreadChanged.connect(window.tray.set_unread)

        def bring_to_front(urls: list[str]) -> None:
            assert window is not None
            window.showNormal()
            window.raise_()
            window.activateWindow()
            for url in urls:
                windows.open_link(url)

        if instance is not None:
            instance.activated.connect(bring_to_front)
        deck.load()
        for entry in ctx.accounts.list():
            window.ensure_starter_columns(entry.handle)
        window.refresh_accounts()
        window.show()
        collector.install()
        for url in getattr(args, "open_urls", []) or []:
            windows.open_link(url)
        if not ctx.accounts.list():
            window.open_wizard()
        else:
            window.check_connections()
        screenshot = getattr(args, "screenshot", None)
        if screenshot:
            QTimer.singleShot(int(float(getattr(args, "screenshot_delay", 2.0)) * 1000),
                              lambda: _grab_and_quit(window, Path(screenshot)))
        await quit_event.wait()
        return 0
    finally:
        collector.uninstall()
        windows.close_all()
        await controller.aclose()
        await ctx.aclose()
        if sandbox is not None:
            await loop.run_in_executor(None, sandbox.stop)


def _grab_and_quit(window: MainWindow | None, path: Path) -> None:
    if window is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(path))
        log.info("Saved a screenshot to %s", path)
    for widget in QApplication.topLevelWidgets():
        widget.close()
