"""The main window: account switcher, the deck area, menus and the connection status bar.

The window owns no network code: it asks the ``AppContext`` services and reacts to their
results. Long work runs as tasks (``asynctools.spawn``); dialogs are opened with ``open()``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QSystemTrayIcon,
    QToolBar,
)

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.columns import ColumnKind, ColumnSpec, profile_account_id
from fedidesk.core.context import AppContext
from fedidesk.core.errors import AuthExpiredError, FedideskError, NetworkError
from fedidesk.core.i18n import _
from fedidesk.ui.aboutdialog import AboutDialog
from fedidesk.ui.accountpanel import AccountPanel
from fedidesk.ui.addcolumn import AddColumnDialog
from fedidesk.ui.asynctools import ask, show_error, spawn
from fedidesk.ui.deck import DeckWidget
from fedidesk.ui.logindialog import LoginDialog, LoginFn
from fedidesk.ui.migration import MigrationAssistant
from fedidesk.ui.settingsdialog import SettingsDialog
from fedidesk.ui.shortcutsdialog import ShortcutsDialog
from fedidesk.ui.wizard import OnboardingWizard, WizardDeps

log = logging.getLogger("fedidesk.ui")

ADD_ACCOUNT = "__add__"


class MainWindow(QMainWindow):
    """The application window.

    Signals:
        accountsChanged(): an account was added, removed or made the default.
        connectionChanged(str, str): (handle, state) with state online/offline/signed-out.
    """

    accountsChanged = Signal()
    connectionChanged = Signal(str, str)

    def __init__(self, ctx: AppContext, login: LoginFn,
                 check_account: Callable[[str], Awaitable[Any]] | None = None,
                 deck: DeckWidget | None = None,
                 compose: Callable[[str | None], object] | None = None,
                 extra_windows: dict[str, Callable[[str], object]] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.deck = deck
        self._compose = compose
        self._extra_windows = extra_windows or {}
        self.tray: QSystemTrayIcon | None = None
        self._quitting = False
        self._login = login
        self._check_account = check_account
        self.connection: dict[str, str] = {}
        self.setObjectName("mainWindow")
        self.setWindowTitle("fedidesk")
        self.resize(1200, 780)

        self.account_switcher = QComboBox()
        self.account_switcher.setObjectName("accountSwitcher")
        self.account_switcher.setAccessibleName(_("Current account"))
        self.account_switcher.setMinimumWidth(220)
        self.account_switcher.activated.connect(self._switcher_activated)
        toolbar = QToolBar(_("Accounts"))
        toolbar.setObjectName("accountsToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel(" " + _("Account:") + " "))
        toolbar.addWidget(self.account_switcher)
        self.addToolBar(toolbar)

        self.stack = QStackedWidget()
        self.stack.setObjectName("deckArea")
        self.account_panel = AccountPanel()
        self.stack.addWidget(self.account_panel)
        if deck is not None:
            self.stack.addWidget(deck)
            deck.layoutChanged.connect(self._show_current)
        self.setCentralWidget(self.stack)

        self.connection_label = QLabel()
        self.connection_label.setObjectName("connectionLabel")
        self.statusBar().addPermanentWidget(self.connection_label)
        if not ctx.secrets.persistent:
            warning = QLabel(_("Session-only: sign-ins are forgotten when fedidesk closes"))
            warning.setObjectName("sessionOnlyLabel")
            warning.setStyleSheet("color: palette(highlight); font-weight: bold")
            self.statusBar().addWidget(warning)

        self._build_menus()
        self._restore_geometry()
        self.refresh_accounts()

    # ---- menus -------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], object], shortcut: str | None = None,
                name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda *_: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        file_menu.addAction(self._action(_("&New post…"), self.compose, "Ctrl+N", "actionCompose"))
        file_menu.addAction(self._action(_("Add &column…"), self.open_add_column, "Ctrl+T",
                                         "actionAddColumn"))
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Export deck layout…"), self.export_layout, None,
                                         "actionExportLayout"))
        file_menu.addAction(self._action(_("&Import deck layout…"), self.import_layout, None,
                                         "actionImportLayout"))
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Settings…"), self.open_settings, "Ctrl+,",
                                         "actionSettings"))
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Quit"), self.quit_app, "Ctrl+Q", "actionQuit"))
        self.view_menu = bar.addMenu(_("&View"))
        self.view_menu.addAction(self._action(_("&Full screen"), self._toggle_full_screen, "F11",
                                              "actionFullScreen"))
        account_menu = bar.addMenu(_("&Account"))
        account_menu.addAction(self._action(_("&Add account…"), self.open_login, "Ctrl+Shift+A",
                                            "actionAddAccount"))
        account_menu.addAction(self._action(_("Make &default"), self.make_current_default, None,
                                            "actionMakeDefault"))
        account_menu.addAction(self._action(_("&Check connection"), self.check_connections, None,
                                            "actionCheckConnection"))
        account_menu.addSeparator()
        account_menu.addAction(self._action(_("&Sign out…"), self.sign_out_current, None,
                                            "actionSignOut"))
        for key, (text, name) in {
                "moderation": (_("&Mutes, blocks and filters…"), "actionModeration"),
                "profile": (_("My &profile"), "actionMyProfile")}.items():
            if key in self._extra_windows:
                opener = self._extra_windows[key]
                account_menu.addAction(self._action(
                    text, functools.partial(self._with_account, opener), None, name))
        account_menu.addAction(self._action(_("&Getting started…"), self.open_wizard, None,
                                            "actionWizard"))
        account_menu.addAction(self._action(_("Mo&ve to another server…"), self.open_migration,
                                            None, "actionMigrate"))
        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(self._action(_("Getting &started…"), self.open_wizard, None,
                                         "actionWizardHelp"))
        help_menu.addAction(self._action(_("&Keyboard shortcuts"), self.open_shortcuts, "?",
                                         "actionShortcuts"))
        # "n" writes a new post, as in Mastodon's web UI (text fields keep their letters).
        compose_key = QShortcut(QKeySequence("N"), self)
        compose_key.activated.connect(self.compose)
        help_menu.addAction(self._action(_("Open &log folder"), self._open_logs, None,
                                         "actionOpenLogs"))
        help_menu.addAction(self._action(_("&About fedidesk"), self.open_about, None,
                                         "actionAbout"))

    # ---- accounts ----------------------------------------------------------------------
    @property
    def current_handle(self) -> str | None:
        data = self.account_switcher.currentData()
        return str(data) if data and data != ADD_ACCOUNT else None

    def refresh_accounts(self) -> None:
        accounts = self.ctx.accounts.list()
        default = self.ctx.accounts.default
        keep = self.current_handle or (default.handle if default else None)
        self.account_switcher.blockSignals(True)
        self.account_switcher.clear()
        for entry in accounts:
            label = entry.handle + (" " + _("(default)")
                                    if default and entry.handle == default.handle else "")
            if entry.needs_sign_in:
                label += " " + _("— sign in again")
            self.account_switcher.addItem(label, entry.handle)
        self.account_switcher.addItem(_("Add account…"), ADD_ACCOUNT)
        index = self.account_switcher.findData(keep) if keep else 0
        self.account_switcher.setCurrentIndex(max(0, index))
        self.account_switcher.blockSignals(False)
        self._show_current()
        self._update_connection_label()

    def _switcher_activated(self, index: int) -> None:
        if self.account_switcher.itemData(index) == ADD_ACCOUNT:
            self.open_login()
            self.refresh_accounts()
            return
        self._show_current()
        self._update_connection_label()

    def _show_current(self) -> None:
        handle = self.current_handle
        entry = self.ctx.accounts.find(handle) if handle else None
        self.account_panel.show_account(entry, self.connection.get(handle or "", ""))
        if self.deck is not None and self.deck.columns:
            self.stack.setCurrentWidget(self.deck)
        else:
            self.stack.setCurrentWidget(self.account_panel)

    def _with_account(self, opener: Callable[[str], object]) -> None:
        handle = self.current_handle
        if handle:
            opener(handle)
        else:
            self.statusBar().showMessage(_("Sign in to an account first."), 5000)

    # ---- deck --------------------------------------------------------------------------
    def ensure_starter_columns(self, handle: str) -> None:
        """A freshly signed-in account gets Home and Notifications, never an empty deck."""
        if self.deck is None or any(s.account == handle for s in self.deck.specs()):
            return
        for kind in (ColumnKind.HOME, ColumnKind.NOTIFICATIONS):
            self.deck.add_column(ColumnSpec(account=handle, kind=kind))
        self._show_current()

    def open_add_column(self) -> AddColumnDialog | None:
        if self.deck is None:
            return None
        accounts = self.ctx.accounts.list()

        async def load_lists(handle: str) -> Any:
            return await self.ctx.accounts.api(handle).lists()

        async def find_account(handle: str, acct: str) -> str:
            return await profile_account_id(self.ctx.accounts.api(handle), ColumnSpec(
                account=handle, kind=ColumnKind.PROFILE, acct=acct))

        dialog = AddColumnDialog(accounts, self.current_handle, load_lists, self,
                                 find_account=find_account)
        dialog.accepted.connect(lambda: self._add_column_from(dialog))
        dialog.open()
        return dialog

    def _add_column_from(self, dialog: AddColumnDialog) -> None:
        spec = dialog.spec()
        if spec is not None and self.deck is not None:
            column = self.deck.add_column(spec)
            self._show_current()
            self.deck.focus_column(self.deck.index_of(column))

    def export_layout(self) -> QFileDialog | None:
        if self.deck is None:
            return None
        dialog = QFileDialog(self, _("Export deck layout"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(_("Deck layouts (*.json)"))
        dialog.setDefaultSuffix("json")
        dialog.selectFile("fedidesk-layout.json")
        dialog.fileSelected.connect(lambda path: self._export_to(Path(path)))
        dialog.open()
        return dialog

    def _export_to(self, path: Path) -> None:
        assert self.deck is not None
        try:
            self.deck.export_layout(path)
        except OSError as exc:
            show_error(self, _("Export failed"), _("Could not write {path}.").format(path=path),
                       str(exc))
            return
        self.statusBar().showMessage(_("Deck layout saved to {path}").format(path=path), 5000)

    def import_layout(self) -> QFileDialog | None:
        if self.deck is None:
            return None
        dialog = QFileDialog(self, _("Import deck layout"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(_("Deck layouts (*.json)"))
        dialog.fileSelected.connect(lambda path: self._import_from(Path(path)))
        dialog.open()
        return dialog

    def _import_from(self, path: Path) -> None:
        assert self.deck is not None
        known = {a.handle for a in self.ctx.accounts.list()}
        try:
            warnings = self.deck.import_layout(path, known)
        except (FedideskError, OSError) as exc:
            show_error(self, _("Import failed"), error_text(exc))
            return
        self._show_current()
        if warnings:
            show_error(self, _("Some columns were skipped"), "\n".join(warnings))

    def open_wizard(self) -> OnboardingWizard:
        """The onboarding wizard; its last step adds the proposed columns to the deck."""

        def finished(columns: list[ColumnSpec]) -> None:
            self.refresh_accounts()
            if self.deck is not None:
                known = {s.key for s in self.deck.specs()}
                for spec in columns:
                    if spec.key not in known:
                        self.deck.add_column(spec)
            for entry in self.ctx.accounts.list():
                self.ensure_starter_columns(entry.handle)
            self._show_current()
            self.accountsChanged.emit()

        self._wizard = OnboardingWizard(WizardDeps(self.ctx, self._login, finished))
        self._wizard.show()
        return self._wizard

    def open_migration(self) -> MigrationAssistant:
        """The migration assistant (export, move, import, report) in its own window."""
        self._migration = MigrationAssistant(self.ctx, self._login)
        self._migration.show()
        return self._migration

    def compose(self, handle: str | None = None) -> None:
        if self._compose is not None:
            self._compose(handle or self.current_handle)

    def open_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.open()
        return dialog

    def open_login(self) -> LoginDialog:
        dialog = LoginDialog(self._login, self)
        dialog.loggedIn.connect(self._logged_in)
        dialog.open()
        return dialog

    def _logged_in(self, entry: AccountEntry) -> None:
        self.connection[entry.handle] = "online"
        self.refresh_accounts()
        self.account_switcher.setCurrentIndex(self.account_switcher.findData(entry.handle))
        self._show_current()
        self._update_connection_label()
        self.ensure_starter_columns(entry.handle)
        self.statusBar().showMessage(_("Signed in as {handle}").format(handle=entry.handle), 5000)
        self.accountsChanged.emit()

    def make_current_default(self) -> None:
        handle = self.current_handle
        if handle:
            self.ctx.accounts.set_default(handle)
            self.refresh_accounts()
            self.accountsChanged.emit()

    def _sign_out_from_settings(self, handle: str) -> None:
        spawn(self._sign_out(handle), owner=self)

    def sign_out_current(self) -> None:
        handle = self.current_handle
        if handle:
            spawn(self._sign_out(handle), owner=self)

    async def _sign_out(self, handle: str) -> None:
        answer = await ask(
            self, _("Sign out"), _("Sign out {handle}?").format(handle=handle),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
            informative=_("fedidesk revokes its access at the server and forgets the sign-in "
                          "on this computer. Your other accounts stay signed in."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.deck is not None:
            for index in reversed(range(len(self.deck.columns))):
                if self.deck.columns[index].spec.account == handle:
                    self.deck.remove_column(index)
        result = await self.ctx.accounts.logout(handle)
        self.connection.pop(handle, None)
        self.refresh_accounts()
        self.accountsChanged.emit()
        if result.revoked:
            self.statusBar().showMessage(_("Signed out {handle}").format(handle=handle), 5000)
        else:
            show_error(self, _("Signed out on this computer only"),
                       _("{handle} was removed from fedidesk, but the server could not be told "
                         "to revoke access. You can revoke 'fedidesk' in your server's settings "
                         "under Account → Authorized apps.").format(handle=handle),
                       result.problem)

    # ---- connection state --------------------------------------------------------------
    def check_connections(self) -> None:
        for entry in self.ctx.accounts.list():
            spawn(self._check(entry.handle), owner=self)

    async def _check(self, handle: str) -> None:
        if self._check_account is None:
            return
        try:
            await self._check_account(handle)
        except AuthExpiredError:
            self.set_connection(handle, "signed-out")
        except NetworkError:
            self.set_connection(handle, "offline")
        except FedideskError as exc:
            log.info("Connection check for %s failed: %s", handle, exc)
            self.set_connection(handle, "offline")
        else:
            self.set_connection(handle, "online")

    def set_connection(self, handle: str, state: str) -> None:
        self.connection[handle] = state
        self.connectionChanged.emit(handle, state)
        if handle == self.current_handle:
            self._show_current()
        self._update_connection_label()

    def _update_connection_label(self) -> None:
        handle = self.current_handle
        if handle is None:
            self.connection_label.setText(_("Not signed in"))
            return
        state = self.connection.get(handle, "")
        text = {
            "online": _("Connected · {handle}"),
            "offline": _("Offline · {handle} — retrying"),
            "signed-out": _("Signed out · {handle} — sign in again"),
        }.get(state, _("Connecting · {handle}")).format(handle=handle)
        self.connection_label.setText(text)
        self.connection_label.setAccessibleName(text)

    # ---- dialogs & window --------------------------------------------------------------
    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.ctx.settings, self, accounts=self.ctx.accounts,
                                sign_out=self._sign_out_from_settings)
        self.accountsChanged.connect(dialog.refresh_accounts)
        dialog.open()
        return dialog

    def open_about(self) -> AboutDialog:
        dialog = AboutDialog(self.ctx.paths, self)
        dialog.open()
        return dialog

    def _open_logs(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.paths.log_dir)))

    def _toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def _restore_geometry(self) -> None:
        geometry = self.ctx.settings.get("window.geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        state = self.ctx.settings.get("window.state")
        if state:
            self.restoreState(QByteArray.fromBase64(state.encode("ascii")))

    def quit_app(self) -> None:
        """Really quit (also when closing the window would only hide it in the tray)."""
        self._quitting = True
        for widget in QApplication.topLevelWidgets():
            if widget is not self:
                widget.close()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        tray = self.tray
        if (tray is not None and tray.isVisible() and not self._quitting
                and self.ctx.settings.get("general.close_to_tray")):
            self.hide()
            event.ignore()
            self.statusBar().clearMessage()
            return
        try:
            self.ctx.settings.set("window.geometry",
                                  bytes(self.saveGeometry().toBase64().data()).decode("ascii"))
            self.ctx.settings.set("window.state",
                                  bytes(self.saveState().toBase64().data()).decode("ascii"))
        except OSError:
            log.warning("Could not save the window geometry", exc_info=True)
        super().closeEvent(event)


def error_text(exc: BaseException) -> str:
    """A person-readable message for any error shown in the window."""
    return exc.user_message if isinstance(exc, FedideskError) else str(exc)

