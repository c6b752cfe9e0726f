"""Step 2: sign in through the browser, or create an account on the chosen server."""

from __future__ import annotations

import asyncio
import html
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QStackedWidget, QWidget

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.ui.wizard.base import WizardPage, error_text, label


class AccountPage(WizardPage):
    key = "account"
    title = N_("Your account")
    intro = N_("Sign in if you already have an account on this server — fedidesk opens your "
               "web browser, so your password is never typed here. New to Mastodon? Create an "
               "account without leaving fedidesk.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._code_future: asyncio.Future[str] | None = None
        self.server_label = label(name="accountServer")
        self.have_button = QPushButton(_("I have an account — sign in with my browser"))
        self.have_button.setObjectName("signInButton")
        self.have_button.clicked.connect(self.sign_in)
        self.new_button = QPushButton(_("Create a new account here"))
        self.new_button.setObjectName("signUpButton")
        self.new_button.clicked.connect(self.show_signup)
        choice = QHBoxLayout()
        choice.addWidget(self.have_button)
        choice.addWidget(self.new_button)
        choice.addStretch(1)
        self.status = label(name="accountStatus")
        self.link_edit = QLineEdit()
        self.link_edit.setReadOnly(True)
        self.link_edit.setAccessibleName(_("Sign-in link"))
        self.link_edit.hide()
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setPlaceholderText(_("Paste the code the server shows"))
        self.code_button = QPushButton(_("Use this code"))
        self.code_button.clicked.connect(self._submit_code)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_edit)
        code_row.addWidget(self.code_button)
        self.code_box = QWidget()
        self.code_box.setLayout(code_row)
        self.code_box.hide()
        self.stack = QStackedWidget()
        self.stack.addWidget(QWidget())
        self.signup: Any = None
        self.body.addWidget(self.server_label)
        self.body.addLayout(choice)
        self.body.addWidget(self.status)
        self.body.addWidget(self.link_edit)
        self.body.addWidget(self.code_box)
        self.body.addWidget(self.stack, 1)

    def entered(self) -> None:
        server = self.shared.state.server
        handle = self.shared.state.handle
        if handle and self.shared.ctx.accounts.find(handle) is not None:
            self.server_label.setText(
                _("You are signed in as <b>{handle}</b>. Continue, or sign in to another "
                  "account.").format(handle=html.escape(handle)))
        elif server:
            self.server_label.setText(
                _("Server: <b>{server}</b>").format(server=html.escape(server)))
        else:
            self.server_label.setText("<span style='color:#c00'>{}</span>".format(
                _("Choose a server first (step 1), or type its address there.")))
        self.have_button.setEnabled(bool(server))
        self.new_button.setEnabled(bool(server))
        if self.signup is not None:
            self.signup.entered()

    # ---- browser sign-in -----------------------------------------------------------------
    def sign_in(self) -> None:
        server = self.shared.state.server
        if not server or self.busy():
            return
        self.have_button.setEnabled(False)
        self.status.setText(_("Contacting {server}…").format(server=html.escape(server)))
        self.run(self._sign_in(server))

    def _open_browser(self, url: str) -> object:
        self.link_edit.setText(url)
        self.link_edit.show()
        self.status.setText(_("Your browser should now show the server's sign-in page. "
                              "Approve access there, then come back. If no browser opened, "
                              "copy the link below into one."))
        return self.shared.open_url(url)

    async def _ask_code(self) -> str:
        self.code_box.show()
        self.status.setText(_("This server shows a code instead of returning to fedidesk. "
                              "Copy it from your browser and paste it here."))
        self._code_future = asyncio.get_running_loop().create_future()
        try:
            return await self._code_future
        finally:
            self._code_future = None

    def _submit_code(self) -> None:
        code = self.code_edit.text().strip()
        if code and self._code_future is not None and not self._code_future.done():
            self._code_future.set_result(code)

    async def _sign_in(self, server: str) -> None:
        try:
            entry = await self.shared.login(server, self._open_browser, self._ask_code)
        except FedideskError as exc:
            self.status.setText(f"<span style='color:#c00'>{html.escape(error_text(exc))}"
                                "</span>")
            return
        finally:
            self.have_button.setEnabled(True)
            self.code_box.hide()
        self.signed_in(entry)

    def signed_in(self, entry: AccountEntry) -> None:
        self.shared.state.handle = entry.handle
        self.link_edit.hide()
        self.status.setText(_("Signed in as <b>{handle}</b>. Continue with the next step.")
                            .format(handle=html.escape(entry.handle)))
        self.changed.emit()
        self.entered()

    # ---- sign-up ---------------------------------------------------------------------------
    def show_signup(self) -> None:
        if self.signup is None:
            from fedidesk.ui.wizard.signupform import SignupWidget

            self.signup = SignupWidget(self.shared, self)
            self.signup.changed.connect(self.changed)
            self.signup.signedIn.connect(self.signed_in)
            self.signup.pickAnother.connect(lambda: self.goTo.emit("server"))
            self.stack.addWidget(self.signup)
        self.stack.setCurrentWidget(self.signup)
        self.signup.entered()
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        data: dict[str, Any] = {"mode": "signup" if self.signup is not None
                                and self.stack.currentWidget() is self.signup else "signin"}
        if self.signup is not None:
            data["signup"] = self.signup.values()
        return data

    def restore(self, values: dict[str, Any]) -> None:
        if values.get("mode") == "signup":
            self.show_signup()
            saved = values.get("signup")
            if isinstance(saved, dict):
                self.signup.restore(saved)
