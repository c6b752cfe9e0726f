"""The optional authenticator on this computer: paste the secret, verify, show live codes."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core import totp
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.ui.wizard.base import Shared, error_text, label


class AuthenticatorBox(QGroupBox):
    """Secret in, phone's code checked, live code out; the seed goes only to the keyring.

    Signals:
        changed(): a (non-secret) value changed.
    """

    changed = Signal()

    def __init__(self, shared: Shared, parent: QWidget | None = None) -> None:
        super().__init__(_("Optional: an authenticator on this computer"), parent)
        self.shared = shared
        self.secret: totp.TotpSecret | None = None
        self.setObjectName("authenticatorBox")
        self.setCheckable(True)
        self.setChecked(False)
        warning = label(f"<i>{html.escape(_(totp.WEAKER_WARNING))}</i>", name="weakerWarning")
        self.secret_edit = QLineEdit()
        self.secret_edit.setObjectName("totpSecret")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setPlaceholderText(_("Paste the plain-text secret or an otpauth:// link"))
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("totpCode")
        self.code_edit.setPlaceholderText(_("6-digit code"))
        self.code_edit.setMaximumWidth(140)
        self.verify_button = QPushButton(_("Verify and keep"))
        self.verify_button.setObjectName("totpVerify")
        self.verify_button.clicked.connect(self.verify)
        row = QHBoxLayout()
        row.addWidget(self.code_edit)
        row.addWidget(self.verify_button)
        row.addStretch(1)
        self.result = label(name="totpResult")
        self.live_code = QLabel()
        self.live_code.setObjectName("totpLiveCode")
        self.live_code.setStyleSheet("font-size: 22pt; font-family: monospace")
        self.countdown = QProgressBar()
        self.countdown.setObjectName("totpCountdown")
        self.countdown.setRange(0, totp.PERIOD)
        # TRANSLATORS: seconds left for the current code; keep %v (the number).
        self.countdown.setFormat(_("%v s"))
        self.countdown.setMaximumWidth(180)
        live = QHBoxLayout()
        live.addWidget(self.live_code)
        live.addWidget(self.countdown)
        live.addStretch(1)
        self.live = QWidget()
        self.live.setLayout(live)
        self.live.hide()
        reminder = label(_("<b>Recovery codes.</b> {reminder}").format(
            reminder=html.escape(_(totp.RECOVERY_REMINDER))), name="recoveryReminder")
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addWidget(self.secret_edit)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(self.live)
        layout.addWidget(reminder)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.toggled.connect(lambda _on: self.changed.emit())

    def entered(self) -> None:
        handle = self.shared.state.handle
        if handle and self.secret is None:
            try:
                self.secret = totp.load(self.shared.ctx.secrets, handle)
            except FedideskError:
                self.secret = None
            if self.secret is not None:
                self.setChecked(True)
                self._show_live()

    def verify(self) -> None:
        try:
            secret = totp.parse_secret(self.secret_edit.text())
            check = totp.verify(secret, self.code_edit.text())
        except FedideskError as exc:
            self._show_problem(error_text(exc))
            return
        if not check.ok:
            self._show_problem(check.message)
            return
        self.secret = secret
        self.secret_edit.clear()
        stored = ""
        handle = self.shared.state.handle
        if handle:
            try:
                totp.store(self.shared.ctx.secrets, handle, secret)
                stored = " " + _("The secret is kept in your system keyring.")
            except FedideskError as exc:
                stored = " " + _("It could not be saved: {error}").format(error=error_text(exc))
        self.result.setText("<span style='color:#080'>{}</span>".format(
            html.escape(_("The code is correct.") + stored)))
        self._show_live()

    def _show_live(self) -> None:
        self.live.show()
        self.tick()
        self.timer.start()

    def _show_problem(self, message: str) -> None:
        self.result.setText(f"<span style='color:#c00'>{html.escape(message)}</span>")

    def tick(self) -> None:
        if self.secret is None:
            self.timer.stop()
            return
        try:
            code, left = totp.current_code(self.secret)
        except FedideskError as exc:  # a seed pyotp refuses: no live code, say why
            self.secret = None
            self.timer.stop()
            self.live.hide()
            self._show_problem(error_text(exc))
            return
        self.live_code.setText(f"{code[:3]} {code[3:]}")
        self.countdown.setValue(left)

    def values(self) -> dict[str, Any]:
        return {"local_authenticator": self.isChecked()}

    def restore(self, values: dict[str, Any]) -> None:
        self.setChecked(bool(values.get("local_authenticator")))
