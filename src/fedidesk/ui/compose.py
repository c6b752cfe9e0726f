"""The composer: a non-modal window for a new post or a reply.

``ComposeWindow`` takes everything it needs explicitly (an ``api_for(handle)`` factory, the
signed-in accounts, the server's limits, a ``DraftStore`` and the post being replied to),
so it runs without the main window. It

* counts characters like the server (``fedidesk.core.textcount``) and disables *Post* when
  over the limit;
* saves the draft about a second after each change and offers leftovers when it opens;
* uploads attachments as soon as they are added (button, drag and drop, paste), waiting
  for the server's asynchronous processing, and PUTs alt-text edits before posting;
* posts with the draft's ``Idempotency-Key``, so retrying after an error never posts twice;
* keeps the draft and shows the server's own message when posting fails, and emits
  ``posted(Status)`` and closes when it succeeds.

All network work runs in ``asynctools.spawn`` tasks; no dialog is ever ``exec()``-ed.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import httpx
from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeySequence,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.api import MastodonApi
from fedidesk.core.drafts import Draft, DraftMedia, DraftStore
from fedidesk.core.entities import CustomEmoji, Status
from fedidesk.core.errors import FedideskError, ValidationError
from fedidesk.core.html import plain_text
from fedidesk.core.i18n import N_, _, current_language, ngettext
from fedidesk.core.paths import resolve_paths
from fedidesk.core.posting import (
    custom_emojis,
    limits_from,
    post_draft,
    sync_descriptions,
    wait_until_processed,
)
from fedidesk.core.probe import Limits, ServerInfo
from fedidesk.core.textcount import count_characters
from fedidesk.ui.asynctools import ask, show_error, spawn
from fedidesk.ui.composeedit import ComposeEdit
from fedidesk.ui.composeicons import compose_icon
from fedidesk.ui.composemedia import MediaStrip, MediaTile, media_from_mime, mime_has_media
from fedidesk.ui.composepoll import PollEditor
from fedidesk.ui.emojipicker import EmojiPicker

VISIBILITY: tuple[tuple[str, str, str], ...] = (
    # TRANSLATORS: post visibility
    ("public", N_("Public"),
     N_("Anyone can see this post, also in public timelines and search")),
    # TRANSLATORS: post visibility
    ("unlisted", N_("Unlisted"),
     N_("Anyone can see it, but it stays out of public timelines and trends")),
    ("private", N_("Followers only"),
     N_("Only your followers (and the people mentioned) can see it")),
    # TRANSLATORS: post visibility
    ("direct", N_("Direct"), N_("Only the people mentioned in the post can see it")),
)
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español"),
    ("it", "Italiano"), ("pt", "Português"), ("nl", "Nederlands"), ("pl", "Polski"),
    ("sv", "Svenska"), ("da", "Dansk"), ("nb", "Norsk"), ("fi", "Suomi"), ("cs", "Čeština"),
    ("uk", "Українська"), ("ru", "Русский"), ("tr", "Türkçe"), ("el", "Ελληνικά"),
    ("ar", "العربية"), ("he", "עברית"), ("hi", "हिन्दी"), ("ja", "日本語"), ("ko", "한국어"),
    ("zh", "中文"), ("id", "Bahasa Indonesia"), ("eo", "Esperanto"),
)
STYLE = """
QFrame#replyBanner, QFrame#restoreBar {
    background: palette(alternate-base); border-left: 3px solid palette(highlight);
    border-radius: 4px; padding: 4px 8px; }
QPlainTextEdit#composeText {
    border: 1px solid palette(mid); border-radius: 8px; padding: 6px;
    background: palette(base); }
QPlainTextEdit#composeText:focus, QLineEdit#contentWarning:focus {
    border-color: palette(highlight); }
QLineEdit#contentWarning {
    border: 1px solid rgba(214, 140, 0, 0.8); border-radius: 6px; padding: 5px 8px;
    background: rgba(255, 193, 7, 0.12); }
QLabel#counter { color: palette(placeholder-text); padding: 0 6px; }
QLabel#counter[over="true"] { color: #c62828; font-weight: bold; }
QPushButton#postButton {
    background: palette(highlight); color: palette(highlighted-text); border: none;
    border-radius: 6px; padding: 7px 22px; font-weight: bold; }
QPushButton#postButton:disabled { background: palette(midlight); color: palette(mid); }
QLabel#errorBanner {
    background: rgba(198, 40, 40, 0.10); border: 1px solid rgba(198, 40, 40, 0.45);
    border-radius: 6px; padding: 6px 10px; }
QFrame#mediaTile, QFrame#pollEditor { border: 1px solid palette(mid); border-radius: 6px; }
QLabel#mediaNote[kind="warning"] { color: #b26a00; }
QLabel#mediaNote[kind="error"] { color: #c62828; }
QLabel#mediaNote[kind="ok"] { color: #2e7d32; }
QToolButton { padding: 4px; border-radius: 4px; }
QToolButton:checked { background: palette(midlight); }
"""
ORDER = {"public": 0, "unlisted": 1, "private": 2, "direct": 3}
LimitsSource = Limits | ServerInfo | Mapping[str, Any]


def reply_mentions(status: Status, own: AccountEntry | None) -> str:
    """``@author @others `` for a reply, leaving out the replying account itself."""
    target = status.original
    own_names = {own.acct.lower(), own.handle.lower()} if own else set()
    own_id = own.account_id if own else None
    accts: list[str] = []
    people = [(target.account.id, target.account.acct)]
    people += [(m.id, m.acct) for m in target.mentions]
    for person_id, acct in people:
        if not acct or acct.lower() in own_names or (own_id and person_id == own_id):
            continue
        if acct.lower() not in (a.lower() for a in accts):
            accts.append(acct)
    return "".join(f"@{a} " for a in accts)


def failure_text(exc: FedideskError) -> str:
    """The person-facing reason, with a 422's per-field details from the server."""
    text = exc.user_message
    if isinstance(exc, ValidationError) and exc.details:
        lines = []
        for field_name, problems in exc.details.items():
            for problem in problems if isinstance(problems, list) else [problems]:
                what = problem.get("description") if isinstance(problem, dict) else problem
                lines.append(f"{field_name.replace('_', ' ').capitalize()} {what}")
        text += "\n" + "\n".join(lines)
    return text


#: The post text is set a little larger than the rest of the window (relative, so it
#: follows the text size setting).
EDITOR_FONT_SCALE = 1.2


class ComposeWindow(QWidget):
    """Write and send one post. Emits ``posted(Status)`` and closes on success."""

    posted = Signal(object)
    open_drafts: ClassVar[set[str]] = set()

    def __init__(
        self, *, api_for: Callable[[str], MastodonApi], accounts: Sequence[AccountEntry],
        limits: LimitsSource | None, drafts: DraftStore, reply_to: Status | None = None,
        account: str | None = None, draft: Draft | None = None, media_dir: Path | None = None,
        autosave_ms: int = 1000, search_debounce_ms: int = 300, media_poll_interval: float = 1.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        if not accounts:
            raise ValueError("ComposeWindow needs at least one signed-in account")
        self._api_for = api_for
        self._accounts = list(accounts)
        self.limits = limits_from(limits)
        self._drafts = drafts
        self._reply_to = reply_to.original if reply_to else None
        self._reply_account = account or self._accounts[0].handle
        self._media_dir = media_dir or resolve_paths().data_dir / "draft-media"
        self._poll_interval = media_poll_interval
        self._uploads: dict[MediaTile, asyncio.Task[Any]] = {}
        self._emoji_cache: dict[str, list[CustomEmoji]] = {}
        self._posting = False
        self._posted = False
        self._loading = False
        self._draft = draft or Draft(account=self._reply_account)
        self.open_drafts.add(self._draft.id)

        self.setObjectName("composeWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE)
        self._build(search_debounce_ms)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(autosave_ms)
        self._autosave.timeout.connect(self.save_draft_now)

        if draft is not None:
            self.load_draft(draft)
        else:
            self._prefill()
            self._offer_restore()
        self._update_state()
        self.editor.setFocus()

    # --- layout -------------------------------------------------------------------

    def _build(self, debounce_ms: int) -> None:
        self.setWindowTitle(_("Reply") if self._reply_to else _("New post"))
        self.setAccessibleName(_("Compose post"))
        self.resize(640, 460)
        self.setMinimumWidth(500)

        self.restore_bar = _named(QFrame(), "restoreBar")
        self.restore_bar.setAccessibleName(_("Unsent drafts"))
        self.restore_label = QLabel()
        self.restore_choice = QComboBox()
        self.restore_choice.setAccessibleName(_("Draft to restore"))
        # TRANSLATORS: button that restores an unsent draft
        self.restore_button = QPushButton(_("Restore"))
        self.restore_button.setAccessibleName(_("Restore the selected draft"))
        self.restore_button.clicked.connect(self._restore_selected)
        # TRANSLATORS: button that deletes an unsent draft
        self.discard_button = QPushButton(_("Discard"))
        self.discard_button.setAccessibleName(_("Discard the selected draft"))
        self.discard_button.clicked.connect(self._discard_selected)
        bar = QHBoxLayout(self.restore_bar)
        bar.setContentsMargins(8, 4, 4, 4)
        bar.addWidget(self.restore_label)
        bar.addWidget(self.restore_choice, 1)
        bar.addWidget(self.restore_button)
        bar.addWidget(self.discard_button)
        self.restore_bar.hide()

        self.reply_banner = _named(QFrame(), "replyBanner")
        self.reply_label = QLabel()
        self.reply_label.setWordWrap(True)
        self.reply_label.setTextFormat(Qt.TextFormat.PlainText)
        QVBoxLayout(self.reply_banner).addWidget(self.reply_label)
        self.reply_banner.setVisible(self._reply_to is not None)

        self.account_box = QComboBox()
        self.account_box.setAccessibleName(_("Post as"))
        self.account_box.setToolTip(_("Which of your accounts posts this"))
        for entry in self._accounts:
            name = entry.display_name or entry.handle.split("@")[0]
            self.account_box.addItem(f"{name}  (@{entry.handle})", entry.handle)
        self.account_box.setVisible(len(self._accounts) > 1)
        # TRANSLATORS: label before the account that posts, "From: <account>"
        from_label = QLabel(_("From"))
        from_label.setBuddy(self.account_box)
        from_label.setVisible(len(self._accounts) > 1)

        self.cw_edit = _named(QLineEdit(), "contentWarning")
        self.cw_edit.setPlaceholderText(_("Content warning (shown instead of the post)"))
        self.cw_edit.setAccessibleName(_("Content warning"))
        self.cw_edit.hide()

        self.editor = ComposeEdit(self._media_dir, debounce_ms=debounce_ms)
        self._scale_editor_font()
        self.editor.setObjectName("composeText")
        self.editor.setAccessibleName(_("Post text"))
        self.editor.setPlaceholderText(_("What's on your mind?"))
        self.editor.setMinimumHeight(150)
        self.editor.search = self._search
        self.editor.mediaReceived.connect(self.add_media)
        self.editor.submitRequested.connect(self.post)

        self.media_strip = MediaStrip()
        self.sensitive_box = QCheckBox(_("Mark media as sensitive"))
        self.sensitive_box.setAccessibleName(_("Mark media as sensitive"))
        self.sensitive_box.hide()
        self.poll_editor = PollEditor(self.limits)
        self.poll_editor.hide()
        self.error_label = _named(QLabel(), "errorBanner")
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(_("Error"))
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.media_button = self._tool("image", _("Add images, video or audio"))
        self.media_button.clicked.connect(self._choose_files)
        self.poll_button = self._tool("poll", _("Add a poll"), checkable=True)
        self.poll_button.toggled.connect(self._toggle_poll)
        self.cw_button = self._tool("warning", _("Add a content warning"), checkable=True)
        self.cw_button.toggled.connect(self._toggle_cw)
        self.emoji_button = self._tool("emoji", _("Insert custom emoji"))
        self.emoji_button.clicked.connect(self._open_emoji)
        self.emoji_picker = EmojiPicker(self)
        self.emoji_picker.picked.connect(self._insert_text)

        self.visibility = QComboBox()
        self.visibility.setAccessibleName(_("Visibility"))
        for index, (value, label, tip) in enumerate(VISIBILITY):
            self.visibility.addItem(compose_icon(value), _(label), value)
            self.visibility.setItemData(index, _(tip), Qt.ItemDataRole.ToolTipRole)
        self.visibility.setToolTip(_("Who can see this post"))
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language"))
        self.language.setToolTip(_("The language of this post"))
        for code, name in LANGUAGES:
            self.language.addItem(f"{name} ({code})", code)
        self.counter = _named(QLabel(), "counter")
        self.counter.setAccessibleName(_("Characters used"))
        # TRANSLATORS: button that publishes the post (verb)
        self.post_button = _named(QPushButton(_("Post")), "postButton")
        self.post_button.setAccessibleName(_("Post"))
        self.post_button.setToolTip(_("Post ({shortcut})").format(shortcut="Ctrl+Enter"))
        self.post_button.clicked.connect(self.post)

        top = QHBoxLayout()
        top.addWidget(from_label)
        top.addWidget(self.account_box, 1)
        # Visibility and language sit in the toolbar when everything fits in one row, and
        # move to a row of their own above it when not (long translations, narrow window),
        # so the counter and the Post button always show in full (``_arrange_toolbar``).
        self.choices = QWidget()
        choices = QHBoxLayout(self.choices)
        choices.setContentsMargins(0, 0, 0, 0)
        choices.setSpacing(6)
        choices.addWidget(self.visibility)
        choices.addWidget(self.language)
        self._tools = tools = QHBoxLayout()
        tools.setSpacing(2)
        for button in (self.media_button, self.poll_button, self.cw_button, self.emoji_button):
            tools.addWidget(button)
        tools.addSpacing(8)
        tools.addWidget(self.choices)
        tools.addStretch(1)
        tools.addWidget(self.counter)
        tools.addWidget(self.post_button)
        self._choices_row = QHBoxLayout()
        self._choices_row.addStretch(1)
        self.toolbar_wrapped = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(self.restore_bar)
        layout.addWidget(self.reply_banner)
        layout.addLayout(top)
        for widget in (self.cw_edit, self.editor, self.media_strip, self.sensitive_box,
                       self.poll_editor, self.error_label):
            layout.addWidget(widget)
        layout.setStretchFactor(self.editor, 1)
        layout.addLayout(self._choices_row)
        layout.addLayout(tools)

        for signal in (self.editor.textChanged, self.cw_edit.textChanged,
                       self.visibility.currentIndexChanged, self.language.currentIndexChanged,
                       self.sensitive_box.toggled, self.poll_editor.changed,
                       self.media_strip.changed):
            signal.connect(self._changed)
        self.account_box.currentIndexChanged.connect(self._account_changed)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.post, Qt.ShortcutContext.WindowShortcut)

    def _toolbar_width(self) -> int:
        """The width the bottom toolbar needs in one row (the window's margins included)."""
        tools = self._tools
        widgets: list[QWidget] = [self.media_button, self.poll_button, self.cw_button,
                                  self.emoji_button, self.choices, self.counter,
                                  self.post_button]
        margins = self.layout().contentsMargins()  # type: ignore[union-attr]
        return (sum(w.sizeHint().width() for w in widgets if not w.isHidden())
                + 8 + tools.spacing() * len(widgets) + margins.left() + margins.right())

    def _arrange_toolbar(self) -> None:
        """One toolbar row when it fits the window, else visibility and language above it."""
        wrap = self._toolbar_width() > self.width()
        if wrap == self.toolbar_wrapped:
            return
        self.toolbar_wrapped = wrap
        if wrap:
            self._tools.removeWidget(self.choices)
            self._choices_row.insertWidget(0, self.choices)
        else:
            self._choices_row.removeWidget(self.choices)
            self._tools.insertWidget(5, self.choices)  # after the four buttons and the gap

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange_toolbar()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the text size setting
            self._scale_editor_font()
            self._arrange_toolbar()

    def _scale_editor_font(self) -> None:
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * EDITOR_FONT_SCALE)
        self.editor.setFont(font)

    def _tool(self, icon: str, tip: str, *, checkable: bool = False) -> QToolButton:
        button = QToolButton()
        button.setIcon(compose_icon(icon))
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setCheckable(checkable)
        button.setAutoRaise(True)
        button.setIconSize(button.iconSize().expandedTo(button.iconSize() * 1.25))
        return button

    # --- state --------------------------------------------------------------------

    @property
    def account(self) -> str:
        """The handle of the account that will post."""
        return str(self.account_box.currentData())

    def _api(self) -> MastodonApi:
        return self._api_for(self.account)

    def _entry(self) -> AccountEntry | None:
        return next((a for a in self._accounts if a.handle == self.account), None)

    def _select(self, box: QComboBox, value: object) -> None:
        index = box.findData(value)
        if index < 0 and box is self.language and isinstance(value, str) and value:
            box.addItem(value, value)
            index = box.count() - 1
        if index >= 0:
            box.setCurrentIndex(index)

    def character_count(self) -> int:
        spoiler = self.cw_edit.text() if self.cw_button.isChecked() else ""
        return count_characters(self.editor.toPlainText(), spoiler,
                                url_length=self.limits.characters_reserved_per_url)

    def problem(self) -> str:
        """Why the post cannot be sent right now ('' when it can)."""
        tiles = self.media_strip.tiles()
        if self.character_count() > self.limits.max_characters:
            return _("The post is too long.")
        if len(tiles) > self.limits.max_media_attachments:
            maximum = self.limits.max_media_attachments
            return ngettext("At most {n} attachment is allowed.",
                            "At most {n} attachments are allowed.", maximum).format(
                                n=QLocale().toString(maximum))
        if self.poll_button.isChecked():
            return self.poll_editor.problem()
        if not (self.editor.toPlainText().strip() or tiles):
            return _("Write something first.")
        return ""

    def _update_state(self) -> None:
        used, limit = self.character_count(), self.limits.max_characters
        used_text, limit_text = QLocale().toString(used), QLocale().toString(limit)
        self.counter.setText(f"{used_text} / {limit_text}")
        self.counter.setProperty("over", used > limit)
        described = ngettext("{used} of {limit} character used",
                             "{used} of {limit} characters used", limit).format(
                                 used=used_text, limit=limit_text)
        if used > limit:
            described = _("{description}, over the limit").format(description=described)
        self.counter.setAccessibleDescription(described)
        self.counter.style().unpolish(self.counter)
        self.counter.style().polish(self.counter)
        problem = self.problem()
        self.post_button.setEnabled(not problem and not self._posting)
        self.post_button.setToolTip(
            problem or _("Post ({shortcut})").format(shortcut="Ctrl+Enter"))
        tiles = self.media_strip.tiles()
        self.sensitive_box.setVisible(bool(tiles))
        self.media_button.setEnabled(
            len(tiles) < self.limits.max_media_attachments and not self.poll_button.isChecked())
        self.poll_button.setEnabled(not tiles)
        self._update_account_box(tiles)
        self._arrange_toolbar()  # the counter or the button's text may have grown

    def _update_account_box(self, tiles: Sequence[MediaTile]) -> None:
        """Only the author can edit a post, and attachments taken over from a deleted
        post (attached by id) exist only on its account: both keep the account fixed."""
        if self.editing:
            why = _("An edit is saved by the account that published the post.")
        elif any(t.on_server_only for t in tiles):
            why = _("The attachments of the deleted post belong to this account. "
                    "Remove them to post from another account.")
        else:
            why = ""
        self.account_box.setEnabled(not why and not self._posting)
        self.account_box.setToolTip(why or _("Which of your accounts posts this"))

    def _changed(self) -> None:
        self._update_state()
        if not self._loading and not self._posted:
            self._autosave.start()

    # --- drafts -------------------------------------------------------------------

    def current_draft(self) -> Draft:
        """The draft as the window shows it now (same id and idempotency key as before)."""
        cw = self.cw_edit.text() if self.cw_button.isChecked() else ""
        return self._draft.replace(
            account=self.account, text=self.editor.toPlainText(), spoiler=cw,
            visibility=str(self.visibility.currentData()),
            language=str(self.language.currentData() or "") or None,
            sensitive=self.sensitive_box.isChecked(),
            media=tuple(t.to_draft() for t in self.media_strip.tiles()),
            poll=self.poll_editor.poll() if self.poll_button.isChecked() else None)

    def save_draft_now(self) -> Draft:
        """Save (or, when empty, forget) the draft immediately."""
        self._autosave.stop()
        draft = self.current_draft()
        if self._posted:
            return draft
        if draft.is_empty:
            self._drafts.delete(draft.id)
        else:
            draft = self._drafts.save(draft)
        self._draft = draft
        return draft

    def load_draft(self, draft: Draft) -> None:
        """Show ``draft`` in the window (it replaces what was there)."""
        self._loading = True
        try:
            if draft.id != self._draft.id:
                self.open_drafts.discard(self._draft.id)
                if self.current_draft().is_empty:
                    self._drafts.delete(self._draft.id)
            self._draft = draft
            self.open_drafts.add(draft.id)
            self._select(self.account_box, draft.account)
            self.editor.setPlainText(draft.text)
            self.cw_button.setChecked(bool(draft.spoiler))
            self.cw_edit.setText(draft.spoiler)
            self._select(self.visibility, draft.visibility)
            self._select(self.language, draft.language)
            self.sensitive_box.setChecked(draft.sensitive)
            self.media_strip.clear()
            for item in draft.media:
                self._add_tile(item)
            self.poll_button.setChecked(draft.poll is not None)
            if draft.poll is not None:
                self.poll_editor.set_poll(draft.poll)
            if draft.edit_of:
                # TRANSLATORS: button that saves the edited post
                self.post_button.setText(_("Save"))
                # Mastodon cannot change who sees a post after it is published.
                self.visibility.setEnabled(False)
            self._show_reply_state(draft)
        finally:
            self._loading = False
        self.restore_bar.hide()
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)
        self._update_state()

    def _show_reply_state(self, draft: Draft) -> None:
        """Title and reply banner that say what ``draft`` is: an edit, a reply or a new post."""
        reply = self._reply_to
        if reply is not None and draft.in_reply_to_id != reply.id:
            # Another draft was restored: the post this window was opened on is not its
            # target any more (and must not be looked up when posting from another account).
            self._reply_to = reply = None
        if draft.edit_of:
            self.setWindowTitle(_("Edit post"))
            self.reply_banner.hide()
        elif reply is not None:
            self.setWindowTitle(_("Reply to @{handle}").format(handle=reply.account.acct))
            self.reply_banner.show()
        elif draft.in_reply_to_id:
            self.setWindowTitle(_("Reply"))
            self.reply_label.setText(_("Replying to an earlier post"))
            self.reply_label.setAccessibleName(_("Replying to an earlier post"))
            self.reply_banner.show()
        else:
            self.setWindowTitle(_("New post"))
            self.reply_banner.hide()

    def _prefill(self) -> None:
        self._select(self.account_box, self._reply_account)
        self._select(self.language, _default_language())
        reply = self._reply_to
        if reply is None:
            return
        author = reply.account
        excerpt = plain_text(reply.content).strip().replace("\n", " ")
        excerpt = excerpt[:160] + ("…" if len(excerpt) > 160 else "")
        self.reply_label.setText(_("Replying to {name} (@{handle})").format(
            name=author.name, handle=author.acct) + f"\n{excerpt}")
        self.reply_label.setAccessibleName(_("Replying to {name}").format(name=author.name))
        self.setWindowTitle(_("Reply to @{handle}").format(handle=author.acct))
        self._draft = self._draft.replace(in_reply_to_id=reply.id)
        self._loading = True
        try:
            self.editor.setPlainText(reply_mentions(reply, self._entry()))
            self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)
            if ORDER.get(reply.visibility, 0) > ORDER["public"]:
                self._select(self.visibility, reply.visibility)
            if reply.spoiler_text:
                self.cw_button.setChecked(True)
                self.cw_edit.setText(reply.spoiler_text)
        finally:
            self._loading = False

    def _leftovers(self) -> list[Draft]:
        handles = {a.handle for a in self._accounts}
        found = [d for d in self._drafts.list()
                 if d.account in handles and d.id not in self.open_drafts]
        if self._reply_to is not None:
            found.sort(key=lambda d: d.in_reply_to_id != self._reply_to.id)  # type: ignore[union-attr]
        return found

    def _offer_restore(self) -> None:
        leftovers = self._leftovers()
        self.restore_choice.clear()
        for d in leftovers:
            preview = (d.spoiler or d.text).strip().replace("\n", " ")[:60] or _("(attachments)")
            self.restore_choice.addItem(preview, d.id)
        count = len(leftovers)
        self.restore_label.setText(ngettext(
            "{n} unsent draft:", "{n} unsent drafts:", count).format(n=QLocale().toString(count)))
        self.restore_bar.setVisible(count > 0)

    def _restore_selected(self) -> None:
        draft = self._drafts.load(str(self.restore_choice.currentData()))
        if draft is not None:
            self.load_draft(draft)

    def _discard_selected(self) -> None:
        draft = self._drafts.load(str(self.restore_choice.currentData()))
        if draft is not None:
            self._drafts.delete(draft.id)
            self._delete_pasted(draft)
        self._offer_restore()

    def _delete_pasted(self, draft: Draft) -> None:
        """Remove the PNGs we wrote for pasted images of ``draft``."""
        for item in draft.media:
            path = Path(item.path)
            if path.parent == self._media_dir and path.name.startswith("pasted-"):
                with contextlib.suppress(OSError):
                    path.unlink()

    # --- content warning, poll, emoji -------------------------------------------------

    def _toggle_cw(self, on: bool) -> None:
        self.cw_edit.setVisible(on)
        if on:
            self.cw_edit.setFocus()
        self._changed()

    def _toggle_poll(self, on: bool) -> None:
        self.poll_editor.setVisible(on)
        if on and self.poll_editor.option_edits():
            self.poll_editor.option_edits()[0].setFocus()
        self._changed()

    def _insert_text(self, text: str) -> None:
        cursor = self.editor.textCursor()
        before = self.editor.toPlainText()[: cursor.position()]
        cursor.insertText(("" if not before or before[-1].isspace() else " ") + text + " ")
        self.editor.setFocus()

    def _open_emoji(self) -> None:
        spawn(self._show_emoji(), owner=self)

    async def _show_emoji(self) -> None:
        api = self._api()
        emojis = self._emoji_cache.get(api.base_url)
        if emojis is None:
            try:
                emojis = await custom_emojis(api)
            except FedideskError as exc:
                self._show_error_banner(_("Could not load custom emoji: {reason}").format(
                    reason=exc.user_message))
                return
            self._emoji_cache[api.base_url] = emojis
            self.emoji_picker.set_emojis(emojis, self._fetch_image)
        self.emoji_picker.popup_below(self.emoji_button)

    async def _fetch_image(self, url: str) -> bytes:
        try:
            response = await self._api().client.get(url)
        except (httpx.HTTPError, FedideskError):
            return b""
        return response.content if response.is_success else b""

    async def _search(self, query: str, kind: str) -> list[str]:
        results = await self._api().search(query, type=kind, limit=8)
        if kind == "accounts":
            return [f"@{a.acct}" for a in results.accounts]
        return [f"#{t.name}" for t in results.hashtags]

    # --- media ------------------------------------------------------------------------

    def _choose_files(self) -> None:
        dialog = QFileDialog(self, _("Add attachments"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(_("Media") + " (*.png *.jpg *.jpeg *.gif *.webp *.avif *.heic *.mp4 "
                             "*.mov *.webm *.mp3 *.ogg *.wav *.m4a *.flac)")
        dialog.filesSelected.connect(self.add_media)
        dialog.open()

    def add_media(self, paths: Sequence[str]) -> list[MediaTile]:
        """Attach local files (up to the server's limit) and start uploading them."""
        if self.poll_button.isChecked():
            self._show_error_banner(_("A post can have a poll or attachments, not both."))
            return []
        room = self.limits.max_media_attachments - len(self.media_strip.tiles())
        if len(paths) > room:
            maximum = self.limits.max_media_attachments
            self._show_error_banner(ngettext(
                "Only {n} attachment fits in one post.", "Only {n} attachments fit in one post.",
                maximum).format(n=QLocale().toString(maximum)))
        return [self._add_tile(DraftMedia(str(p))) for p in list(paths)[: max(0, room)]]

    def _add_tile(self, item: DraftMedia) -> MediaTile:
        tile = self.media_strip.add(item)
        tile.destroyed.connect(lambda *_: self._uploads.pop(tile, None))
        if not item.media_id:
            self._start_upload(tile)
        if item.on_server_only and item.preview_url:
            spawn(self._show_preview(tile, item.preview_url), owner=tile)
        return tile

    async def _show_preview(self, tile: MediaTile, url: str) -> None:
        """The thumbnail of an attachment taken over from a published post."""
        data = await self._fetch_image(url)
        if data:
            tile.set_preview(data)

    def _start_upload(self, tile: MediaTile) -> None:
        previous = self._uploads.pop(tile, None)
        if previous is not None:
            previous.cancel()
        task = spawn(self._upload(tile, self._api()), owner=tile)
        if task is not None:
            self._uploads[tile] = task

    async def _upload(self, tile: MediaTile, api: MastodonApi) -> None:
        tile.set_state("uploading")
        path = Path(tile.path)
        try:
            data = await asyncio.to_thread(path.read_bytes)
            description = tile.description
            media = await api.upload_media(
                data, filename=path.name, mime_type=mimetypes.guess_type(path.name)[0],
                description=description or None)
            if media.url is None:
                tile.set_state("processing")
                media = await wait_until_processed(api, media, interval=self._poll_interval)
        except FedideskError as exc:
            tile.set_state("failed", exc.user_message)
        except OSError as exc:
            tile.set_state("failed", exc.strerror or str(exc))
        else:
            tile.set_uploaded(media, description)
        self._changed()

    def _account_changed(self) -> None:
        for tile in self.media_strip.tiles():
            tile.forget_upload()
            self._start_upload(tile)
        self._emoji_cache.clear()
        self._changed()

    async def _finish_uploads(self) -> None:
        for tile in self.media_strip.tiles():
            if tile.state == "failed" or (tile.media_id is None and tile not in self._uploads):
                self._start_upload(tile)
        pending = [t for t in self._uploads.values() if not t.done()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        failed = [t for t in self.media_strip.tiles() if t.media_id is None]
        if failed:
            raise FedideskError(ngettext("{n} attachment could not be uploaded.",
                                          "{n} attachments could not be uploaded.",
                                          len(failed)).format(n=QLocale().toString(len(failed))))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if mime_has_media(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = media_from_mime(event.mimeData(), self._media_dir)
        if paths:
            self.add_media(paths)
            event.acceptProposedAction()

    # --- posting ------------------------------------------------------------------------

    def post(self) -> None:
        """Send the post (no-op while one is being sent or the post is not valid)."""
        if self._posting or self.problem():
            return
        self._set_posting(True)
        spawn(self._post(), owner=self)

    @property
    def editing(self) -> bool:
        """Whether this window edits an existing own post."""
        return bool(self._draft.edit_of)

    def _set_posting(self, on: bool) -> None:
        self._posting = on
        idle = _("Save") if self.editing else _("Post")
        busy = _("Saving…") if self.editing else _("Posting…")
        self.post_button.setText(busy if on else idle)
        for widget in (self.editor, self.cw_edit, self.poll_editor):
            widget.setEnabled(not on)
        self._update_state()

    async def _post(self) -> None:
        try:
            if not await self._confirm_alt_text():
                return
            self.error_label.hide()
            self.save_draft_now()
            await self._finish_uploads()
            api = self._api()
            draft = await sync_descriptions(api, self.current_draft())
            for tile, item in zip(self.media_strip.tiles(), draft.media, strict=False):
                tile.uploaded_description = item.uploaded_description
            draft = await self._resolve_reply(api, draft)
            status = await post_draft(api, draft)
        except FedideskError as exc:
            self.save_draft_now()
            self._show_failure(exc)
            return
        finally:
            self._set_posting(False)
        self._posted = True
        self._drafts.delete(draft.id)
        self._delete_pasted(draft)
        self.posted.emit(status)
        self.close()

    async def _confirm_alt_text(self) -> bool:
        missing = [t for t in self.media_strip.tiles() if not t.description]
        if not missing:
            return True
        answer = await ask(
            self, _("Missing alt text"),
            ngettext("{n} attachment has no description.", "{n} attachments have no description.",
                     len(missing)).format(n=QLocale().toString(len(missing))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
            informative=_("Alt text lets blind and low-vision people follow your post. "
                          "Post anyway?"))
        return answer == QMessageBox.StandardButton.Yes

    async def _resolve_reply(self, api: MastodonApi, draft: Draft) -> Draft:
        """A reply posted from another account needs the post's id on *that* server."""
        reply = self._reply_to
        if reply is None or draft.account == self._reply_account:
            return draft
        results = await api.search(reply.uri or reply.url or "", type="statuses",
                                   resolve=True, limit=1)
        if not results.statuses:
            raise FedideskError(_("This account's server cannot find the post you are "
                                  "replying to."))
        return draft.replace(in_reply_to_id=results.statuses[0].id)

    def _show_error_banner(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _show_failure(self, exc: FedideskError) -> None:
        text = failure_text(exc)
        self._show_error_banner(
            _("Not posted — your draft is kept. {reason}").format(reason=text))
        box = show_error(self, _("Could not post"), text, exc.detail)
        box.setObjectName("postErrorBox")

    # --- closing ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._posted:
            self.save_draft_now()
        self.emoji_picker.close()
        for box in self.findChildren(QMessageBox):
            box.close()
        for task in self._uploads.values():
            task.cancel()
        self.open_drafts.discard(self._draft.id)
        super().closeEvent(event)


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget


def _default_language() -> str:
    """A new post's language: the app's own language (what its person reads and writes)."""
    return current_language() or "en"
