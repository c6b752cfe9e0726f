"""Read-only dialogs over server-provided versions of a post: edit history and translation.

Content is sanitized (``core.html.sanitize``) and rendered in a ``PostDocument`` (which never
loads files or URLs); content warnings, timestamps, providers and languages are plain
text. Links in the text open only through ``links.open_external`` (http/https).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QLocale, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.api import MastodonApi
from fedidesk.core.entities import Json, parse_datetime
from fedidesk.core.errors import FedideskError
from fedidesk.core.html import sanitize
from fedidesk.core.i18n import _, ngettext
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.links import configure_browser, open_external
from fedidesk.ui.postdocument import PostDocument

log = logging.getLogger("fedidesk.ui.historydialog")


@dataclass(frozen=True)
class Version:
    """One entry of ``GET /api/v1/statuses/:id/history``."""

    content: str
    spoiler_text: str
    created_at: datetime | None

    @classmethod
    def from_json(cls, data: Any) -> Version:
        data = data if isinstance(data, dict) else {}
        return cls(content=str(data.get("content") or ""),
                   spoiler_text=str(data.get("spoiler_text") or ""),
                   created_at=parse_datetime(data.get("created_at")))


def when(moment: datetime | None) -> str:
    """A local, readable timestamp ("unknown time" when missing)."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment is not None else _("unknown time")


def plain_label(text: str = "", name: str = "") -> QLabel:
    """A word-wrapped, selectable label that never interprets ``text`` as markup."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    if name:
        label.setObjectName(name)
    return label


class PostTextView(QTextBrowser):
    """Sanitized post HTML in a ``PostDocument``; links go to ``open_external`` only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        configure_browser(self)
        self.document_ = PostDocument(parent=self)
        self.setDocument(self.document_)
        self.anchorClicked.connect(self._open)

    def set_post_html(self, html: str) -> None:
        self.document_.set_content(sanitize(html))

    @staticmethod
    def _open(url: QUrl) -> None:
        open_external(url)


class HistoryDialog(QDialog):
    """Lists the versions of a post, newest first, loading them from ``api``.

    Signals:
        loaded(int): the number of versions shown.
        failed(str): the message shown when the history could not be loaded.
    """

    loaded = Signal(int)
    failed = Signal(str)

    def __init__(self, api: MastodonApi, status_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Edit history"))
        self.resize(640, 440)
        self.api = api
        self.status_id = status_id
        self.versions: list[Version] = []
        self.status_line = plain_label(_("Loading…"), "historyStatus")
        self.list = QListWidget()
        self.list.setObjectName("historyList")
        self.cw = plain_label("", "historyCw")
        self.text = PostTextView()
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.cw)
        detail_layout.addWidget(self.text, 1)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setSizes([200, 440])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_line)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self.show_version)
        spawn(self._load(), owner=self)

    async def _load(self) -> None:
        try:
            data = await self.api.status_history(self.status_id)
        except FedideskError as exc:
            text = _("The edit history could not be loaded: {reason}").format(
                reason=exc.user_message)
            self.status_line.setText(text)
            self.failed.emit(text)
            return
        self.set_versions([Version.from_json(item) for item in data]
                          if isinstance(data, list) else [])

    def set_versions(self, versions: list[Version]) -> None:
        """Show ``versions`` (oldest first, as the API sends them) newest first."""
        self.versions = list(reversed(versions))
        self.list.clear()
        last = len(self.versions) - 1
        for i, version in enumerate(self.versions):
            # TRANSLATORS: labels of the versions of an edited post
            kind = _("Current") if i == 0 else (_("Original") if i == last else _("Edited"))
            self.list.addItem(f"{kind} · {when(version.created_at)}")
        count = len(self.versions)
        self.status_line.setText(
            ngettext("{n} version", "{n} versions", count).format(n=QLocale().toString(count))
            if count else _("No history."))
        if self.versions:
            self.list.setCurrentRow(0)
        self.loaded.emit(count)

    def show_version(self, row: int) -> None:
        if not 0 <= row < len(self.versions):
            return
        version = self.versions[row]
        self.cw.setVisible(bool(version.spoiler_text))
        self.cw.setText(_("Content warning: {text}").format(text=version.spoiler_text))
        self.text.set_post_html(version.content)


def language_label(code: str) -> str:
    """A language code as its own name and the code, e.g. "français (fr)"; an unknown
    code as it is."""
    code = code.strip()[:20]
    if not code:
        return ""
    locale = QLocale(code)
    if locale.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return code
    name = "English" if locale.language() == QLocale.Language.English \
        else locale.nativeLanguageName()  # (Qt says "American English" for "en")
    return f"{name[:1].upper()}{name[1:]} ({code})"


class TranslationDialog(QDialog):
    """Shows a ``POST /api/v1/statuses/:id/translate`` result and who translated it."""

    def __init__(self, result: Json, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Translation"))
        self.resize(520, 360)
        language = language_label(str(result.get("detected_source_language") or "")) \
            or _("an unknown language")
        provider = str(result.get("provider") or _("an unnamed service"))
        self.source = plain_label(
            _("Translated from {language} by {provider}").format(
                language=language, provider=provider),
            "translationProvider")
        spoiler = str(result.get("spoiler_text") or "")
        self.cw = plain_label(_("Content warning: {text}").format(text=spoiler), "translationCw")
        self.cw.setVisible(bool(spoiler))
        self.text = PostTextView()
        self.text.set_post_html(str(result.get("content") or ""))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(self.cw)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
