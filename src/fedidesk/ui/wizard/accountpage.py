"""Step 2: sign in through the browser (``BrowserLoginPanel``, as in the login dialog), or
create an account on the chosen server."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QWidget

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.i18n import N_, _
from fedidesk.ui.browserlogin import BrowserLoginPanel
from fedidesk.ui.wizard.base import WizardPage, label


class AccountPage(WizardPage):
    key = "account"
    title = N_("Your account")
    intro = N_("Sign in if you already have an account on this server — fedidesk opens your "
               "web browser, so your password is never typed here. New to Mastodon? Create an "
               "account without leaving fedidesk.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
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
        self.browser_login = BrowserLoginPanel(self.shared.login, self.shared.open_url)
        self.status = self.browser_login.status
        self.stack = QStackedWidget()
        self.stack.addWidget(QWidget())
        self.signup: Any = None
        self.body.addWidget(self.server_label)
        self.body.addLayout(choice)
        self.body.addWidget(self.browser_login)
        self.body.addWidget(self.stack, 1)

    def entered(self) -> None:
        server = self.shared.state.server
        handle = self.shared.state.handle
        if handle and self.shared.ctx.accounts.find(handle) is not None and not self.busy():
            # The one signed-in message, in the sign-in status line (also when coming back
            # to this step or resuming the wizard); not while another sign-in is running.
            self.browser_login.show_signed_in(handle)
        if server:
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
        self.run(self._sign_in(server))

    async def _sign_in(self, server: str) -> None:
        try:
            entry = await self.browser_login.sign_in(server)
        finally:
            self.have_button.setEnabled(True)
        if entry is not None:
            self.signed_in(entry)

    def signed_in(self, entry: AccountEntry) -> None:
        """After a browser sign-in or a new account (the only "Signed in as …" shown)."""
        self.shared.state.handle = entry.handle
        self.browser_login.show_signed_in(entry.handle)
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
