"""Step 4: verified links (rel=me): snippet, check with reasons, add the field, wait."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.core.links import check_link, snippet_for
from fedidesk.core.profilefields import add_verified_field, wait_for_verification
from fedidesk.ui.wizard.base import WizardPage, error_text, label


def _red(text: str) -> str:
    return f"<span style='color:#c00'>{html.escape(text)}</span>"


def _green(text: str) -> str:
    return f"<span style='color:#080'>{html.escape(text)}</span>"


class LinksPage(WizardPage):
    key = "links"
    title = N_("Verify your website")
    intro = N_("Links on your profile get a green check mark when the page links back to "
               "your profile with <code>rel=\"me\"</code>. It shows people the website "
               "really is yours. Add the snippet below to your page, check it here, then add "
               "the link.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.profile_edit = QLineEdit()
        self.profile_edit.setObjectName("profileUrl")
        self.profile_edit.setPlaceholderText("https://your.server/@you")
        self.profile_edit.textChanged.connect(self._update_snippet)
        self.snippet = QPlainTextEdit()
        self.snippet.setObjectName("relMeSnippet")
        self.snippet.setReadOnly(True)
        self.snippet.setMaximumHeight(60)
        copy = QPushButton(_("Copy snippet"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(
            self.snippet.toPlainText()))
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("linkUrl")
        self.url_edit.setPlaceholderText("https://your-website.example/")
        self.url_edit.textEdited.connect(lambda _t: self.changed.emit())
        # TRANSLATORS: the default name of the profile field that holds the link.
        self.label_edit = QLineEdit(_("Website"))
        self.label_edit.setObjectName("linkLabel")
        self.label_edit.setAccessibleName(_("Link name"))
        self.label_edit.setMaximumWidth(140)
        self.check_button = QPushButton(_("Check the page"))
        self.check_button.setObjectName("checkLink")
        self.check_button.clicked.connect(self.check)
        self.add_button = QPushButton(_("Add to my profile and wait for the check mark"))
        self.add_button.setObjectName("addLink")
        self.add_button.clicked.connect(self.add)
        self.result = label(name="linkResult")
        row = QHBoxLayout()
        row.addWidget(self.label_edit)
        row.addWidget(self.url_edit, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        self.body.addWidget(label(_("Your profile address:")))
        self.body.addWidget(self.profile_edit)
        self.body.addWidget(label(_("Put this link on your web page (it may be hidden):")))
        self.body.addWidget(self.snippet)
        copy_row = QHBoxLayout()
        copy_row.addWidget(copy)
        copy_row.addStretch(1)
        self.body.addLayout(copy_row)
        self.body.addWidget(label(_("The page to verify:")))
        self.body.addLayout(row)
        self.body.addLayout(buttons)
        self.body.addWidget(self.result)
        self.body.addStretch(1)

    def _update_snippet(self) -> None:
        profile = self.profile_edit.text().strip()
        self.snippet.setPlainText(snippet_for(profile) if profile else "")
        self.changed.emit()

    def entered(self) -> None:
        api = self.shared.api()
        self.add_button.setEnabled(api is not None)
        if api is not None and not self.profile_edit.text().strip():
            self.run(self._load_profile())

    async def _load_profile(self) -> None:
        api = self.shared.api()
        if api is None:
            return
        try:
            account = await api.verify_credentials()
        except FedideskError as exc:
            self.result.setText(_red(error_text(exc)))
            return
        if not self.profile_edit.text().strip():
            self.profile_edit.setText(account.url)

    def check(self) -> None:
        url, profile = self.url_edit.text().strip(), self.profile_edit.text().strip()
        if not url or not profile:
            self.result.setText(_red(_("Fill in your profile address and the page to check.")))
            return
        self.result.setText(_("Checking the page the way your server will…"))
        self.run(self._check(url, profile))

    async def _check(self, url: str, profile: str) -> None:
        try:
            verdict = await check_link(url, profile)
        except FedideskError as exc:
            self.result.setText(_red(error_text(exc)))
            return
        self.result.setText(_green(verdict.message) if verdict.ok else _red(verdict.message))

    def add(self) -> None:
        api = self.shared.api()
        url = self.url_edit.text().strip()
        if api is None or not url:
            self.result.setText(_red(_("Sign in and type the page's address first.")))
            return
        self.result.setText(_("Adding the link to your profile…"))
        self.run(self._add(url, self.label_edit.text()))

    async def _add(self, url: str, name: str) -> None:
        api = self.shared.api()
        if api is None:
            return
        try:
            added = await add_verified_field(api, url, name)
            self.result.setText(_("Added. Waiting for the server to verify it…") if added.added
                                else _("The link is already on your profile. Waiting for the "
                                       "server to verify it…"))
            status = await wait_for_verification(api, url, attempts=10, delay=3.0)
        except FedideskError as exc:
            self.result.setText(_red(error_text(exc)))
            return
        self.result.setText(_green(status.message) if status.verified else _red(status.message))

    def values(self) -> dict[str, Any]:
        return {"profile": self.profile_edit.text(), "url": self.url_edit.text(),
                "label": self.label_edit.text()}

    def restore(self, values: dict[str, Any]) -> None:
        self.profile_edit.setText(str(values.get("profile") or ""))
        self.url_edit.setText(str(values.get("url") or ""))
        self.label_edit.setText(str(values.get("label") or _("Website")))
