"""Creating an account in the app: rules and terms, checked fields, then e-mail confirmation."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core import signup
from fedidesk.core.auth.oauth import AppStore
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.core.probe import Registrations
from fedidesk.core.server_details import ServerDetails
from fedidesk.ui.wizard.base import Shared, error_text, label

FIELDS = ("username", "email", "password", "agreement", "reason", "date_of_birth")


def _error_label(name: str) -> QLabel:
    widget = QLabel()
    widget.setObjectName(f"error_{name}")
    widget.setWordWrap(True)
    widget.setStyleSheet("color: #c00")
    widget.hide()
    return widget


class SignupWidget(QWidget):
    """The sign-up form and the confirmation wait.

    Signals:
        changed(): a non-secret value changed.
        signedIn(object): the stored ``AccountEntry`` once the e-mail is confirmed.
        pickAnother(): registrations are closed; go back to choosing a server.
    """

    changed = Signal()
    signedIn = Signal(object)
    pickAnother = Signal()

    def __init__(self, shared: Shared, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shared = shared
        self.setObjectName("signupWidget")
        self.details: ServerDetails | None = None
        self.result: signup.SignupResult | None = None
        self._loaded_for = ""
        self.errors = {name: _error_label(name) for name in FIELDS}
        self.rules = QTextBrowser()
        self.rules.setObjectName("signupRules")
        self.rules.setOpenLinks(False)
        self.rules.anchorClicked.connect(lambda url: self.shared.open_url(url.toString()))
        self.rules.setMaximumHeight(130)
        self.agreement = QCheckBox(_("I have read and agree to the server's rules, terms "
                                     "of service and privacy policy"))
        self.agreement.setObjectName("agreement")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.textEdited.connect(self._username_edited)
        self.email = QLineEdit()
        self.email.setObjectName("email")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.textChanged.connect(self._password_changed)
        self.meter = QProgressBar()
        self.meter.setObjectName("strengthMeter")
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.meter.setFormat("")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaximumHeight(60)
        self.birth = QDateEdit()
        self.birth.setObjectName("dateOfBirth")
        self.birth.setCalendarPopup(True)
        self.birth.setDisplayFormat("yyyy-MM-dd")
        self.birth.setDate(QDate(2000, 1, 1))
        for widget in (self.username, self.email):
            widget.textEdited.connect(lambda _t: self.changed.emit())
        self.reason.textChanged.connect(self.changed)
        self.agreement.toggled.connect(lambda _on: self.changed.emit())

        form = QFormLayout()
        form.addRow(_("Username"), self._with_error(self.username, "username"))
        form.addRow(_("E-mail"), self._with_error(self.email, "email"))
        form.addRow(_("Password"), self._with_error(self.password, "password", self.meter))
        self.reason_row = self._with_error(self.reason, "reason")
        form.addRow(_("Why join?"), self.reason_row)
        self.birth_row = self._with_error(self.birth, "date_of_birth")
        form.addRow(_("Date of birth"), self.birth_row)
        self.form_layout = form
        self.create_button = QPushButton(_("Create account"))
        self.create_button.setObjectName("createAccount")
        self.create_button.clicked.connect(self.submit)
        self.status = label(name="signupStatus")
        self.another = QPushButton(_("Pick another server"))
        self.another.setObjectName("pickAnother")
        self.another.clicked.connect(self.pickAnother)
        self.another.hide()
        form_page = QWidget()
        form_box = QVBoxLayout(form_page)
        form_box.setContentsMargins(0, 0, 0, 0)
        form_box.addWidget(self.rules)
        form_box.addWidget(self.agreement)
        form_box.addWidget(self.errors["agreement"])
        form_box.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.another)
        buttons.addStretch(1)
        form_box.addLayout(buttons)
        form_box.addStretch(1)

        self.wait_text = label(name="confirmText")
        self.resend_button = QPushButton(_("Send the e-mail again"))
        self.resend_button.setObjectName("resendEmail")
        self.resend_button.clicked.connect(self.resend)
        self.check_button = QPushButton(_("Check again"))
        self.check_button.setObjectName("checkAgain")
        self.check_button.clicked.connect(self.check_again)
        wait_page = QWidget()
        wait_box = QVBoxLayout(wait_page)
        wait_box.addWidget(self.wait_text)
        wait_row = QHBoxLayout()
        wait_row.addWidget(self.check_button)
        wait_row.addWidget(self.resend_button)
        wait_row.addStretch(1)
        wait_box.addLayout(wait_row)
        wait_box.addStretch(1)
        self.pages = QStackedWidget()
        self.pages.addWidget(form_page)
        self.pages.addWidget(wait_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.status)
        self._password_changed("")

    def _with_error(self, field: QWidget, name: str, extra: QWidget | None = None) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        if extra is not None:
            column.addWidget(extra)
        column.addWidget(self.errors[name])
        return box

    # ---- server facts ---------------------------------------------------------------------
    @property
    def registrations(self) -> Registrations:
        return self.details.info.registrations if self.details else Registrations(enabled=True)

    def entered(self) -> None:
        server = self.shared.state.server
        if server and server != self._loaded_for:
            self._loaded_for = server
            self.rules.setHtml("<p>{}</p>".format(_("Loading the server's rules…")))
            self.shared_task(self._load(server))

    def shared_task(self, coro: Any) -> None:
        from fedidesk.ui.asynctools import spawn

        spawn(coro, owner=self)

    async def _load(self, server: str) -> None:
        try:
            details = await self.shared.details(server)
        except FedideskError as exc:
            self.rules.setHtml(f"<p>{html.escape(error_text(exc))}</p>")
            return
        self.details = details
        self._show_server()

    def _show_server(self) -> None:
        if self.details is None:
            return
        e = html.escape
        regs = self.registrations
        rules = "".join(f"<li>{e(r.text)}</li>" for r in self.details.rules)
        links = " · ".join(f"<a href='{e(u)}'>{t}</a>" for t, u in (
            (_("Terms of service"), self.details.terms_url),
            (_("Privacy policy"), self.details.privacy_url)) if u)
        heading = _("<b>Rules of {server}</b>").format(server=e(self.details.info.domain))
        none = "<p>{}</p>".format(_("No rules published."))
        self.rules.setHtml(heading + (f"<ol>{rules}</ol>" if rules else none)
                           + f"<p>{links}</p>")
        self.reason_row.setVisible(regs.approval_required or regs.reason_required)
        self.form_layout.labelForField(self.reason_row).setVisible(self.reason_row.isVisible())
        self.birth_row.setVisible(bool(regs.min_age))
        self.form_layout.labelForField(self.birth_row).setVisible(self.birth_row.isVisible())
        if not regs.enabled:
            self.closed(signup.closed_error(self.details.info.domain, regs.message).user_message)
        elif regs.approval_required:
            self.status.setText(_("This server reviews new accounts: a moderator approves "
                                  "yours before you can use it."))

    def closed(self, message: str) -> None:
        self.status.setText(f"<span style='color:#c00'>{html.escape(message)}</span>")
        self.create_button.setEnabled(False)
        self.another.show()

    # ---- live checks ----------------------------------------------------------------------
    def _username_edited(self, text: str) -> None:
        problem = signup.check_username(text) if text else None
        self.set_error("username", problem or "")

    def _password_changed(self, text: str) -> None:
        strength = signup.password_strength(text)
        self.meter.setValue(strength.score if text else 0)
        self.meter.setFormat(strength.label if text else _("Password strength"))
        hint = strength.hints[0] if strength.hints and text else ""
        self.set_error("password", hint)

    def set_error(self, name: str, message: str) -> None:
        widget = self.errors.get(name)
        if widget is not None:
            widget.setText(message)
            widget.setVisible(bool(message))

    def form(self) -> signup.SignupForm:
        regs = self.registrations
        qdate = self.birth.date()
        return signup.SignupForm(
            username=self.username.text().strip(), email=self.email.text().strip(),
            password=self.password.text(), agreement=self.agreement.isChecked(),
            reason=self.reason.toPlainText().strip(),
            date_of_birth=date(qdate.year(), qdate.month(), qdate.day()) if regs.min_age
            else None)

    # ---- sign-up ---------------------------------------------------------------------------
    def submit(self) -> None:
        for name in FIELDS:
            self.set_error(name, "")
        form = self.form()
        problems = signup.validate_form(form, self.registrations)
        if problems:
            for name, message in problems.items():
                self.set_error(name, message)
            self.status.setText(_("Please check the highlighted fields."))
            return
        base = self.shared.base_url
        if not base:
            self.status.setText(_("Choose a server first."))
            return
        self.create_button.setEnabled(False)
        self.status.setText(_("Creating your account…"))
        self.shared_task(self._submit(base, form))

    async def _submit(self, base: str, form: signup.SignupForm) -> None:
        apps = AppStore(self.shared.ctx.db, self.shared.ctx.secrets)
        try:
            self.result = await signup.sign_up(
                base, form, registrations=self.details.info.registrations
                if self.details else None, apps=apps)
        except signup.SignupError as exc:
            for name, message in exc.field_errors.items():
                self.set_error(name, message)
            if exc.closed:
                self.closed(exc.user_message)
            else:
                self.status.setText(f"<span style='color:#c00'>"
                                    f"{html.escape(exc.user_message)}</span>")
            return
        except FedideskError as exc:
            self.status.setText(f"<span style='color:#c00'>{html.escape(error_text(exc))}"
                                "</span>")
            return
        finally:
            self.create_button.setEnabled(True)
        self.password.clear()
        approval = (" " + _("After that, a moderator reviews your account; you get another "
                            "e-mail when it is approved.")
                    if self.result.approval_pending else "")
        self.wait_text.setText(
            # TRANSLATORS: {server} is the server's address, {email} the address the link
            # was sent to; {approval} is an optional extra sentence (or nothing).
            _("<h3>Check your e-mail</h3><p>{server} sent a confirmation link to "
              "<b>{email}</b>. Open it, then press <b>Check again</b>.{approval}</p>"
              "<p>No e-mail? Look in your spam folder, or send it again.</p>").format(
                server=html.escape(self.shared.state.server), email=html.escape(form.email),
                approval=html.escape(approval)))
        self.status.clear()
        self.pages.setCurrentIndex(1)

    def resend(self) -> None:
        if self.result is not None:
            self.shared_task(self._resend(self.result))

    async def _resend(self, result: signup.SignupResult) -> None:
        try:
            await signup.resend_confirmation(result.base_url, result.token)
        except FedideskError as exc:
            self.status.setText(html.escape(error_text(exc)))
            return
        self.status.setText(_("Sent. It may take a few minutes to arrive."))

    def check_again(self) -> None:
        if self.result is not None:
            self.status.setText(_("Checking…"))
            self.shared_task(self._check(self.result))

    async def _check(self, result: signup.SignupResult) -> None:
        try:
            state = await signup.confirmation_state(result.base_url, result.token)
            if not state.confirmed:
                self.status.setText(html.escape(state.message))
                return
            entry = await signup.complete_signup(self.shared.ctx.accounts, result)
        except FedideskError as exc:
            self.status.setText(html.escape(error_text(exc)))
            return
        self.status.setText(_("Your account is ready."))
        self.signedIn.emit(entry)

    # ---- persistence (never the password) -------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {"username": self.username.text(), "email": self.email.text(),
                "reason": self.reason.toPlainText(), "agreement": self.agreement.isChecked(),
                "date_of_birth": self.birth.date().toString(Qt.DateFormat.ISODate)}

    def restore(self, values: dict[str, Any]) -> None:
        self.username.setText(str(values.get("username") or ""))
        self.email.setText(str(values.get("email") or ""))
        self.reason.setPlainText(str(values.get("reason") or ""))
        self.agreement.setChecked(bool(values.get("agreement")))
        born = QDate.fromString(str(values.get("date_of_birth") or ""), Qt.DateFormat.ISODate)
        if born.isValid():
            self.birth.setDate(born)
