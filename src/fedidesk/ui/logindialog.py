"""Sign in to a server through the system browser (never an embedded web view).

The dialog only collects the server address; the sign-in controls (progress, the link to
copy if the browser does not open, the field for a code the server shows instead of
returning to fedidesk) are ``BrowserLoginPanel``'s, the flow itself is the ``login``
function handed in (``fedidesk.core.auth.login`` behind it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from fedidesk.core.i18n import _
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.browserlogin import BrowserLoginPanel
from fedidesk.ui.browserlogin import LoginFn as LoginFn


class LoginDialog(QDialog):
    """Asks for a server and runs the browser login.

    Signals:
        loggedIn(object): the new ``AccountEntry`` once the account is stored.
    """

    loggedIn = Signal(object)

    def __init__(self, login: LoginFn, parent: QWidget | None = None,
                 open_url: Callable[[str], object] | None = None) -> None:
        super().__init__(parent)
        self._open_url = open_url or (lambda url: QDesktopServices.openUrl(QUrl(url)))
        self._task: asyncio.Task[Any] | None = None
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
        # ``_open_url`` is looked up at each sign-in, so it can be replaced (tests do).
        self.browser_login = BrowserLoginPanel(login, lambda url: self._open_url(url))
        self.status = self.browser_login.status

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
        layout.addWidget(self.browser_login)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @property
    def authorize_url(self) -> str:
        """The sign-in page's address, once the server gave it."""
        return self.browser_login.authorize_url

    def start(self) -> None:
        server = self.server_edit.text().strip()
        if not server:
            self.browser_login.show_status(_("Please type your server's address first."))
            return
        if self._task is not None and not self._task.done():
            return
        self.sign_in_button.setEnabled(False)
        self.server_edit.setEnabled(False)
        self._task = spawn(self._run(server), owner=self)

    async def _run(self, server: str) -> None:
        entry = await self.browser_login.sign_in(server)
        if entry is None:
            self.sign_in_button.setEnabled(True)
            self.server_edit.setEnabled(True)
            return
        self.loggedIn.emit(entry)
        self.accept()

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.reject()
