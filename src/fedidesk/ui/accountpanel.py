"""A summary of the current account: who is signed in, on which server, and its state.

Shown in the deck area while an account has no columns yet, and whenever no account is
signed in (then it explains how to start).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.i18n import N_, _

_STATE_TEXT = {
    "online": N_("Connected."),
    "offline": N_("The server cannot be reached right now; fedidesk keeps trying."),
    "signed-out": N_("This sign-in is no longer valid. Use Account → Add account… to sign in "
                     "again."),
}


class AccountPanel(QWidget):
    """Name, handle, server and connection state of one account."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountPanel")
        self.title = QLabel()
        self.title.setObjectName("accountTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("accountSubtitle")
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.state = QLabel()
        self.state.setObjectName("accountState")
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (self.title, self.subtitle, self.state):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)
        layout.addStretch(2)

    def show_account(self, entry: AccountEntry | None, state: str = "") -> None:
        if entry is None:
            self.title.setText(_("Welcome to fedidesk"))
            self.subtitle.setText(_("Sign in to your Mastodon server to start reading."))
            self.state.setText(
                _("Account → Add account… ({shortcut}).").format(shortcut="Ctrl+Shift+A") + " "
                + _("No account yet? Start fedidesk with --sandbox to practise."))
            return
        # Display names are remote, untrusted text: plain text only.
        self.title.setText(entry.display_name or entry.handle.split("@")[0])
        self.subtitle.setText(f"@{entry.handle} · {entry.base_url}")
        if entry.needs_sign_in:
            state = "signed-out"
        self.state.setText(_(_STATE_TEXT[state]) if state in _STATE_TEXT else _("Connecting…"))
