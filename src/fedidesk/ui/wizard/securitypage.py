"""Step 3: two-factor authentication, set up on the server's website, explained step by step."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton

from fedidesk.core.i18n import N_, _
from fedidesk.ui.wizard.base import WizardPage, label

OTP_PATH = "/settings/otp_authentication"

# TRANSLATORS: <b>Set up</b> and <b>Enable</b> are buttons on the Mastodon website; use the
# words the server's web interface shows in your language.
STEPS = (
    N_("Click <b>Open two-factor settings</b>. Your browser opens your server's security "
       "page; sign in there if asked and confirm your password."),
    N_("Press <b>Set up</b>. The page shows a QR code and, under it, a plain-text secret."),
    N_("Scan the QR code with an authenticator app on your phone (for example Aegis, Google "
       "Authenticator or 2FAS)."),
    N_("Type the six-digit code the app shows into the page and press <b>Enable</b>."),
    N_("The server then shows <b>recovery codes</b> once. Write them down or print them and "
       "keep them somewhere safe: they are the only way back in if you lose your phone."),
)


class SecurityPage(WizardPage):
    key = "security"
    title = N_("Secure your account")
    intro = N_("Two-factor authentication asks for a short code from your phone in addition "
               "to your password, so a stolen password alone cannot open your account. "
               "Mastodon sets it up on its website; fedidesk guides you through it.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.steps = label("<ol>" + "".join(f"<li>{_(s)}</li>" for s in STEPS) + "</ol>",
                           name="securitySteps")
        self.open_button = QPushButton(_("Open two-factor settings in the browser"))
        self.open_button.setObjectName("openOtpSettings")
        self.open_button.clicked.connect(self.open_settings)
        self.status = label(name="securityStatus")
        self.body.addWidget(self.steps)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addWidget(self.status)
        self.authenticator: Any = None
        try:
            from fedidesk.ui.wizard.totpbox import AuthenticatorBox
        except ImportError:  # the core authenticator is not available in this build
            pass
        else:
            self.authenticator = AuthenticatorBox(self.shared, self)
            self.authenticator.changed.connect(self.changed)
            self.body.addWidget(self.authenticator)
        self.body.addStretch(1)

    def settings_url(self) -> str:
        base = self.shared.base_url
        return f"{base}{OTP_PATH}" if base else ""

    def entered(self) -> None:
        url = self.settings_url()
        self.open_button.setEnabled(bool(url))
        if not url:
            self.status.setText(_("Choose your server in step 1 first."))
        if self.authenticator is not None:
            self.authenticator.entered()

    def open_settings(self) -> None:
        url = self.settings_url()
        if url:
            self.shared.open_url(url)
            link = f"<a href='{html.escape(url)}'>{html.escape(url)}</a>"
            self.status.setText(_("Opened {link}. Follow the steps above, then come back "
                                  "here.").format(link=link))

    def values(self) -> dict[str, Any]:
        return self.authenticator.values() if self.authenticator is not None else {}

    def restore(self, values: dict[str, Any]) -> None:
        if self.authenticator is not None:
            self.authenticator.restore(values)
