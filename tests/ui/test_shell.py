"""The GUI shell: login through the (fake) system browser, accounts, settings, crashes."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QTabWidget

from fedidesk.core.auth.login import token_login
from fedidesk.core.context import AppContext
from fedidesk.ui import app as app_module
from fedidesk.ui.app import make_login
from fedidesk.ui.crash import CrashHandler
from fedidesk.ui.logindialog import LoginDialog
from fedidesk.ui.mainwindow import MainWindow
from fedidesk.ui.settingsdialog import SettingsDialog
from tests.helpers.mockserver import token_for
from tests.ui.conftest import LoopRunner, browser_for

pytestmark = pytest.mark.integration


def _window(ctx: AppContext, qtbot: object) -> MainWindow:
    window = MainWindow(ctx, make_login(ctx, lambda: window))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    return window


def test_first_run_opens_login_and_browser_login_adds_account(
        ctx: AppContext, qtbot: object, aloop: LoopRunner, mock: MockServer,
        profile_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    window = _window(ctx, qtbot)
    dialog = window.open_login()
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    dialog._open_url = browser_for("alice")
    dialog.server_edit.setText(mock.base_url)
    dialog.sign_in_button.click()
    aloop.until(lambda: bool(ctx.accounts.list()))
    (entry,) = ctx.accounts.list()
    assert entry.handle.startswith("alice@")
    assert window.account_switcher.currentData() == entry.handle
    assert dialog.authorize_url.startswith(mock.base_url + "/oauth/authorize")
    # The token lives in the keyring only: not in logs, not in any file of the profile.
    token = ctx.accounts.token(entry.handle)
    assert token
    assert token not in caplog.text
    for path in profile_dir.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def test_login_error_is_shown_in_the_dialog(ctx: AppContext, qtbot: object,
                                            aloop: LoopRunner) -> None:
    window = _window(ctx, qtbot)
    dialog = window.open_login()
    dialog.server_edit.setText("http://insecure.example")
    dialog.sign_in_button.click()
    aloop.until(lambda: dialog.sign_in_button.isEnabled())
    assert "https" in dialog.status.text()
    assert not ctx.accounts.list()


def test_switching_accounts_keeps_both_signed_in(ctx: AppContext, qtbot: object,
                                                 aloop: LoopRunner, mock: MockServer) -> None:
    for name in ("alice", "bob"):
        aloop.run(token_login(mock.base_url, token_for(mock, name), accounts=ctx.accounts))
    window = _window(ctx, qtbot)
    handles = [window.account_switcher.itemData(i) for i in range(window.account_switcher.count())]
    assert handles[0].startswith("alice@") and handles[1].startswith("bob@")
    window.account_switcher.setCurrentIndex(1)
    window.make_current_default()
    assert ctx.accounts.default is not None and ctx.accounts.default.handle.startswith("bob@")
    assert len(ctx.accounts.list()) == 2
    assert all(ctx.accounts.token(h) for h in handles[:2])


def test_sign_out_revokes_and_forgets(ctx: AppContext, qtbot: object, aloop: LoopRunner,
                                      mock: MockServer) -> None:
    entry = aloop.run(token_login(mock.base_url, token_for(mock, "alice"),
                                  accounts=ctx.accounts))
    window = _window(ctx, qtbot)

    def confirm() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                widget.button(QMessageBox.StandardButton.Yes).click()
                return
        QTimer.singleShot(20, confirm)

    QTimer.singleShot(20, confirm)
    window.sign_out_current()
    aloop.until(lambda: not ctx.accounts.list())
    assert ctx.accounts.find(entry.handle) is None
    assert window.account_switcher.currentData() == "__add__"


def test_connection_state_shows_signed_out_on_401(ctx: AppContext, qtbot: object,
                                                  aloop: LoopRunner, mock: MockServer) -> None:
    aloop.run(token_login(mock.base_url, token_for(mock, "alice"), accounts=ctx.accounts))
    handle = ctx.accounts.list()[0].handle
    ctx.secrets.set(f"token:{handle}", "revoked-token-000")

    async def check(h: str) -> object:
        return await ctx.accounts.api(h).verify_credentials()

    window = MainWindow(ctx, make_login(ctx, lambda: window), check_account=check)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.check_connections()
    aloop.until(lambda: window.connection.get(handle) == "signed-out")
    assert "sign in again" in window.connection_label.text()


def test_settings_dialog_is_wired_to_real_settings(ctx: AppContext, qtbot: object) -> None:
    dialog = SettingsDialog(ctx.settings)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    theme = dialog.findChild(QComboBox, "appearance.theme")
    assert theme is not None
    theme.setCurrentIndex(theme.findData("dark"))
    saved = json.loads(ctx.paths.settings_file.read_text())
    assert saved["values"]["appearance.theme"] == "dark"
    ctx.settings.set("network.timeout_s", 45.0)
    dialog.restore_defaults()  # on the Appearance page: only its settings
    assert ctx.settings.get("appearance.theme") == "system"
    assert theme.currentData() == "system"
    assert ctx.settings.get("network.timeout_s") == 45.0
    dialog.tabs.setCurrentIndex(3)  # Network
    dialog.restore_defaults()
    assert ctx.settings.get("network.timeout_s") == 20.0


def test_choosing_another_language_says_when_it_applies(ctx: AppContext, qtbot: object) -> None:
    dialog = SettingsDialog(ctx.settings)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    language = dialog.findChild(QComboBox, "general.language")
    assert language is not None and not dialog.language_note.isVisible()
    language.setCurrentIndex(language.findData("de"))
    assert dialog.language_note.isVisible()
    assert "starts again" in dialog.language_note.text()
    language.setCurrentIndex(language.findData("system"))
    assert not dialog.language_note.isVisible()


def test_crash_handler_shows_redacted_report(qtbot: object,
                                            caplog: pytest.LogCaptureFixture) -> None:
    handler = CrashHandler()
    secret = "access_token=abcdef1234567890"
    try:
        raise RuntimeError(f"boom {secret}")
    except RuntimeError as exc:
        handler.handle(type(exc), exc, exc.__traceback__)
    (box,) = handler.boxes
    assert "abcdef1234567890" not in box.detailedText()
    assert "[REDACTED]" in box.detailedText()
    assert "abcdef1234567890" not in caplog.text
    box.close()


def test_keyring_failure_offers_session_only(qtbot: object, aloop: LoopRunner,
                                            profile_dir: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    seen: list[str] = []

    def answer() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                widget.button(QMessageBox.StandardButton.Ignore).click()
                return
        QTimer.singleShot(20, answer)

    QTimer.singleShot(20, answer)
    ctx = aloop.run(app_module._open_context(argparse.Namespace(), str(profile_dir), False))
    assert ctx is not None and not ctx.secrets.persistent
    assert "keyring" in seen[0]
    ctx.secrets.set("token:x@y", "session-secret-123")
    aloop.run(ctx.aclose())
    for path in profile_dir.rglob("*"):
        if path.is_file():
            assert b"session-secret-123" not in path.read_bytes()


def test_settings_accounts_and_keyboard_pages(ctx: AppContext, qtbot: object,
                                              aloop: LoopRunner, mock: MockServer) -> None:
    for name in ("alice", "bob"):
        aloop.run(token_login(mock.base_url, token_for(mock, name), accounts=ctx.accounts))
    signed_out: list[str] = []
    dialog = SettingsDialog(ctx.settings, accounts=ctx.accounts, sign_out=signed_out.append)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.accounts_list.count() == 2
    assert "(default)" in dialog.accounts_list.item(0).text()
    dialog.accounts_list.setCurrentRow(1)
    dialog.default_button.click()
    assert ctx.accounts.default is not None and ctx.accounts.default.handle.startswith("bob@")
    dialog.accounts_list.setCurrentRow(0)
    dialog.sign_out_button.click()
    assert signed_out and signed_out[0].startswith("alice@")
    tabs = [dialog.findChild(QTabWidget).tabText(i)  # type: ignore[union-attr]
            for i in range(dialog.findChild(QTabWidget).count())]  # type: ignore[union-attr]
    assert "Accounts" in tabs and "Keyboard" in tabs


def test_language_choice_is_a_setting(ctx: AppContext, qtbot: object) -> None:
    dialog = SettingsDialog(ctx.settings)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    combo = dialog.findChild(QComboBox, "general.language")
    assert combo is not None and combo.findData("ja") >= 0
    combo.setCurrentIndex(combo.findData("ja"))
    assert ctx.settings.get("general.language") == "ja"


@pytest.mark.parametrize("language", ["fr", "de", "es"])
def test_every_settings_tab_title_fits(ctx: AppContext, qtbot: object, language: str) -> None:
    from fedidesk.core import i18n

    i18n.install(language)
    try:
        dialog = SettingsDialog(ctx.settings, accounts=ctx.accounts)
        qtbot.addWidget(dialog)  # type: ignore[attr-defined]
        dialog.show()
        bar = dialog.tabs.tabBar()
        assert bar.sizeHint().width() <= dialog.tabs.width(), "tabs behind scroll arrows"
    finally:
        i18n.install("en")
