"""Sign in to a server through the system browser (never an embedded web view).

The dialog only collects the server address and shows progress; the flow itself (PKCE,
loopback redirect, code exchange, keyring) lives in ``fedidesk.core.auth.login`` and is
handed in as ``login``. If the browser does not open, the link can be copied; if the server
refuses the loopback redirect, the dialog asks for the code the server shows instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.ui.asynctools import spawn

log = logging.getLogger("fedidesk.ui.login")

LoginFn = Callable[[str, Callable[[str], object], Callable[[], Awaitable[str]]], Awaitable[Any]]


class LoginDialog(QDialog):
    """Asks for a server and runs the browser login.

    Signals:
        loggedIn(object): the new ``AccountEntry`` once the account is stored.
    """

    loggedIn = Signal(object)

    def __init__(self, login: LoginFn, parent: QWidget | None = None,
                 open_url: Callable[[str], object] | None = None) -> None:
        super().__init__(parent)
        self._login = login
        self._open_url = open_url or (lambda url: QDesktopServices.openUrl(QUrl(url)))
        self._task: asyncio.Task[Any] | None = None
        self._code_future: asyncio.Future[str] | None = None
        self.authorize_url = ""
        self.setWindowTitle(_("Sign in to a Mastodon server"))
        self.setObjectName("loginDialog")
        self.setMinimumWidth(460)

        intro = QLabel(
            _("Type the address of your server, for example {example}. "
              "fedidesk opens your web browser, where you sign in and allow access. "
              "Your password is never typed into fedidesk.").format(
                  example="<b>mastodon.social</b>")
        )
        intro.setWordWrap(True)
        self.server_edit = QLineEdit()
        self.server_edit.setObjectName("serverEdit")
        self.server_edit.setPlaceholderText("mastodon.social")
        self.server_edit.setAccessibleName(_("Server address"))
        self.server_edit.returnPressed.connect(self.start)
        self.status = QLabel()
        self.status.setObjectName("loginStatus")
        self.status.setWordWrap(True)
        self.link_edit = QLineEdit()
        self.link_edit.setReadOnly(True)
        self.link_edit.setAccessibleName(_("Sign-in link"))
        self.copy_button = QPushButton(_("Copy link"))
        self.copy_button.clicked.connect(self._copy_link)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_edit)
        link_row.addWidget(self.copy_button)
        self.link_box = QWidget()
        self.link_box.setLayout(link_row)
        self.link_box.hide()

        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setPlaceholderText(_("Paste the code the server shows"))
        self.code_edit.setAccessibleName(_("Authorization code"))
        self.code_button = QPushButton(_("Use this code"))
        self.code_button.clicked.connect(self._submit_code)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_edit)
        code_row.addWidget(self.code_button)
        self.code_box = QWidget()
        self.code_box.setLayout(code_row)
        self.code_box.hide()

        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton(
            _("Sign in with browser"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.start)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.clicked.connect(self.cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.server_edit)
        layout.addWidget(self.status)
        layout.addWidget(self.link_box)
        layout.addWidget(self.code_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def start(self) -> None:
        server = self.server_edit.text().strip()
        if not server:
            self.status.setText(_("Please type your server's address first."))
            return
        if self._task is not None and not self._task.done():
            return
        self.sign_in_button.setEnabled(False)
        self.server_edit.setEnabled(False)
        self.status.setText(_("Contacting {server}…").format(server=server))
        self._task = spawn(self._run(server), owner=self)

    def _open_browser(self, url: str) -> object:
        self.authorize_url = url
        self.link_edit.setText(url)
        self.link_box.show()
        self.status.setText(
            _("Your browser should now show the server's sign-in page. Approve access there, "
              "then come back. If no browser opened, copy the link below into one."))
        return self._open_url(url)

    async def _ask_code(self) -> str:
        self.code_box.show()
        self.status.setText(
            _("This server shows a code instead of returning to fedidesk automatically. "
              "Copy the code from your browser and paste it here."))
        self._code_future = asyncio.get_running_loop().create_future()
        try:
            return await self._code_future
        finally:
            self._code_future = None

    def _submit_code(self) -> None:
        code = self.code_edit.text().strip()
        if code and self._code_future is not None and not self._code_future.done():
            self._code_future.set_result(code)

    async def _run(self, server: str) -> None:
        try:
            entry = await self._login(server, self._open_browser, self._ask_code)
        except asyncio.CancelledError:
            self.status.setText(_("Sign-in cancelled."))
            raise
        except FedideskError as exc:
            log.info("Login failed: %s", exc)
            self.status.setText(exc.user_message)
            self.sign_in_button.setEnabled(True)
            self.server_edit.setEnabled(True)
            return
        self.loggedIn.emit(entry)
        self.accept()

    def _copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.authorize_url)

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.reject()
