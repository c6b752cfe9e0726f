"""The browser sign-in controls of the login dialog and the wizard's account step.

fedidesk signs in through the system browser, never an embedded web view. The flow itself
(PKCE, loopback redirect, code exchange, keyring) lives in ``fedidesk.core.auth.login`` and
is handed in as a ``LoginFn``. ``BrowserLoginPanel`` shows how it goes: a status line
(progress, then "Signed in as …", the failure or the cancellation), the sign-in link with
"Copy link" (for when no browser opened) and, when the server shows a code instead of
returning to fedidesk, a field to paste that code. The window around it asks for the server
and owns the task that awaits ``sign_in``: cancelling that task stops the wait for the
browser.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _

log = logging.getLogger("fedidesk.ui.login")

#: ``login(server, open_browser, ask_code)``: signs in and returns the stored account.
LoginFn = Callable[[str, Callable[[str], object], Callable[[], Awaitable[str]]],
                   Awaitable[AccountEntry]]


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    for widget in widgets:
        row.addWidget(widget)
    return box


class BrowserLoginPanel(QWidget):
    """Status, sign-in link and paste-the-code field of a browser sign-in; ``sign_in`` runs
    it. ``open_url`` opens the sign-in page in the user's browser."""

    def __init__(self, login: LoginFn, open_url: Callable[[str], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._login = login
        self._open_url = open_url
        self._code_future: asyncio.Future[str] | None = None
        self.authorize_url = ""

        self.status = QLabel()
        self.status.setObjectName("loginStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.link_edit = QLineEdit()
        self.link_edit.setReadOnly(True)
        self.link_edit.setAccessibleName(_("Sign-in link"))
        self.copy_button = QPushButton(_("Copy link"))
        self.copy_button.clicked.connect(self._copy_link)
        self.link_box = _row(self.link_edit, self.copy_button)
        self.link_box.hide()

        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setPlaceholderText(_("Paste the code the server shows"))
        self.code_edit.setAccessibleName(_("Authorization code"))
        self.code_button = QPushButton(_("Use this code"))
        self.code_button.clicked.connect(self._submit_code)
        self.code_box = _row(self.code_edit, self.code_button)
        self.code_box.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.link_box)
        layout.addWidget(self.code_box)

    # ---- what the host shows -----------------------------------------------------------
    def show_status(self, text: str) -> None:
        """Show ``text`` (rich text: escape what people typed) in the status line."""
        self.status.setText(text)

    def show_error(self, message: str) -> None:
        self.status.setText(f"<span style='color:#c00'>{html.escape(message)}</span>")

    def reset(self, text: str = "") -> None:
        """Hide the link and the code field and show ``text`` (rich text)."""
        self.link_box.hide()
        self.code_box.hide()
        self.status.setText(text)

    def show_signed_in(self, handle: str) -> None:
        """The success state: link and code field hidden, "Signed in as …" shown. The one
        signed-in message of the window (the wizard's account step shows no other)."""
        self.reset(_("Signed in as <b>{handle}</b>.").format(handle=html.escape(handle)))

    # ---- the sign-in ---------------------------------------------------------------------
    async def sign_in(self, server: str) -> AccountEntry | None:
        """Sign in on ``server``; the stored account (shown as signed in), or ``None`` once
        the reason it failed is shown. Cancelling stops the wait for the browser and says
        so."""
        self.show_status(_("Contacting {server}…").format(server=html.escape(server)))
        try:
            entry = await self._login(server, self._open_browser, self._ask_code)
        except asyncio.CancelledError:
            if shiboken6.isValid(self.status):
                self.show_status(_("Sign-in cancelled."))
            raise
        except FedideskError as exc:
            log.info("Login failed: %s", exc)
            self.show_error(exc.user_message)
            return None
        finally:
            if shiboken6.isValid(self.code_box):
                self.code_box.hide()
        if shiboken6.isValid(self.status):
            self.show_signed_in(entry.handle)
        return entry

    def _open_browser(self, url: str) -> object:
        self.authorize_url = url
        self.link_edit.setText(url)
        self.link_box.show()
        self.show_status(
            _("Your browser should now show the server's sign-in page. Approve access there, "
              "then come back. If no browser opened, copy the link below into one."))
        return self._open_url(url)

    async def _ask_code(self) -> str:
        self.code_box.show()
        self.show_status(
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

    def _copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.authorize_url)
