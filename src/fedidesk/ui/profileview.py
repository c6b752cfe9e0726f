"""``ProfileWindow``: one account's profile, your relationship with it, and its posts.

Everything the account wrote is untrusted: the display name and field names are shown as
plain text, the note goes through ``core.html.sanitize`` into a ``PostDocument`` (which
cannot load files), and every link goes through ``ui.links`` rather than Qt's own opener.

Relationship changes are optimistic: the buttons flip at once and flip back, with the
server's message, if the request fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QLocale, Qt, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPixmap,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.api import MastodonApi, Page
from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Account, Relationship, Rule, Status, from_dict
from fedidesk.core.errors import FedideskError, UncertainOutcomeError
from fedidesk.core.html import escape_plain, plain_text, sanitize
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.ui.asynctools import ask, run_dialog
from fedidesk.ui.identities import IdentityCache
from fedidesk.ui.links import LinkRouter, configure_browser, open_external
from fedidesk.ui.postdocument import PostDocument
from fedidesk.ui.threadview import (
    MessageBar,
    PostListView,
    TaskGroup,
    avatar_color,
    make_post_view,
)
from fedidesk.ui.timelinemodel import TimelineModel

MUTE_DURATIONS: tuple[tuple[str, int | None], ...] = (
    (N_("Indefinitely"), None), (N_("5 minutes"), 300), (N_("30 minutes"), 1800),
    (N_("1 hour"), 3600), (N_("6 hours"), 6 * 3600), (N_("1 day"), 86400),
    (N_("3 days"), 3 * 86400), (N_("7 days"), 7 * 86400),
)

REPORT_CATEGORIES: tuple[tuple[str, str], ...] = (
    (N_("Spam"), "spam"), (N_("It breaks the server's rules"), "violation"),
    (N_("It's illegal"), "legal"), (N_("Something else"), "other"),
)

#: Profile tabs: title and the ``account_statuses`` options behind it.
TABS: tuple[tuple[str, dict[str, bool]], ...] = (
    (N_("Posts"), {"exclude_replies": True}),
    (N_("Posts and replies"), {}),
    (N_("Media"), {"only_media": True}),
)


async def instance_rules(api: MastodonApi) -> list[Rule]:
    """The server's rules (``/api/v1/instance/rules``); empty when it has none or no endpoint."""
    try:
        data = await api.get_json("/api/v1/instance/rules")
    except FedideskError:
        return []
    return [from_dict(Rule, r) for r in data or [] if isinstance(r, dict)]


def remote_domain(account: Account) -> str | None:
    """The account's server when it is not the signed-in one (``acct`` has a domain)."""
    return account.acct.split("@", 1)[1] if "@" in account.acct else None


def placeholder_avatar(account: Account, size: int) -> QPixmap:
    """A round, coloured avatar with the account's initial (until the image is loaded)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(avatar_color(f"@{account.acct}"))
    painter.drawEllipse(0, 0, size, size)
    font = QFont()
    font.setPixelSize(size // 2)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(pixmap.rect(), int(Qt.AlignmentFlag.AlignCenter), account.name[:1].upper())
    painter.end()
    return pixmap


# --- dialogs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MuteChoice:
    """What the mute dialog asked for."""

    duration: int | None
    notifications: bool


class MuteDialog(QDialog):
    """Mute someone: for how long, and whether to hide their notifications too."""

    def __init__(self, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Mute @{acct}").format(acct=account.acct))
        intro = QLabel(
            _("You won't see posts from @{acct} or posts that mention them. "
              "They won't know they're muted.").format(acct=account.acct), self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.duration = QComboBox(self)
        self.duration.setAccessibleName(_("Mute duration"))
        for label, seconds in MUTE_DURATIONS:
            self.duration.addItem(_(label), seconds)
        self.hide_notifications = QCheckBox(_("Hide notifications from this person"), self)
        self.hide_notifications.setAccessibleName(_("Hide notifications from this person"))
        self.hide_notifications.setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        # TRANSLATORS: button that mutes the account.
        mute = buttons.addButton(_("Mute"), QDialogButtonBox.ButtonRole.AcceptRole)
        mute.setAccessibleName(_("Mute"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Duration:"), self.duration)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hide_notifications)
        layout.addWidget(buttons)

    def choice(self) -> MuteChoice:
        """The chosen duration (seconds, ``None`` = indefinitely) and notifications flag."""
        return MuteChoice(self.duration.currentData(), self.hide_notifications.isChecked())


@dataclass(frozen=True)
class ReportChoice:
    """What the report dialog asked for."""

    comment: str
    forward: bool
    category: str
    rule_ids: tuple[str, ...]


class ReportDialog(QDialog):
    """Report an account to the moderators: reason, rules broken, comment, forwarding."""

    MAX_COMMENT = 1000

    def __init__(self, account: Account, rules: Sequence[Rule],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Report @{acct}").format(acct=account.acct))
        self.category = QComboBox(self)
        self.category.setAccessibleName(_("Reason for the report"))
        for label, value in REPORT_CATEGORIES:
            if value != "violation" or rules:
                self.category.addItem(_(label), value)
        self.rules = QListWidget(self)
        self.rules.setAccessibleName(_("Server rules broken"))
        for rule in rules:
            item = QListWidgetItem(rule.text, self.rules)
            item.setData(Qt.ItemDataRole.UserRole, rule.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.rules_label = QLabel(_("Which rules are broken?"), self)
        self.comment = QPlainTextEdit(self)
        self.comment.setAccessibleName(_("Additional comments for the moderators"))
        self.comment.setPlaceholderText(_("Additional comments (optional)"))
        domain = remote_domain(account)
        self.forward = QCheckBox(
            _("Also send an anonymous copy of the report to {domain}").format(domain=domain)
            if domain else "", self)
        self.forward.setAccessibleName(_("Forward the report to the remote server"))
        self.forward.setVisible(domain is not None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        send = buttons.addButton(_("Send report"), QDialogButtonBox.ButtonRole.AcceptRole)
        send.setAccessibleName(_("Send report"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Reason:"), self.category)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rules_label)
        layout.addWidget(self.rules)
        layout.addWidget(self.comment)
        layout.addWidget(self.forward)
        layout.addWidget(buttons)
        self.category.currentIndexChanged.connect(self._update_rules)
        self._update_rules()

    def _update_rules(self) -> None:
        show = self.category.currentData() == "violation"
        self.rules.setVisible(show)
        self.rules_label.setVisible(show)

    def choice(self) -> ReportChoice:
        """The report as entered."""
        category = str(self.category.currentData())
        rule_ids = tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for i in range(self.rules.count())
            if (item := self.rules.item(i)).checkState() == Qt.CheckState.Checked
        ) if category == "violation" else ()
        return ReportChoice(self.comment.toPlainText()[:self.MAX_COMMENT],
                            self.forward.isVisible() and self.forward.isChecked(),
                            category, rule_ids)


# --- the window -------------------------------------------------------------------------


class _StatusesTab:
    """One profile tab: a model fed page by page from ``account_statuses``."""

    def __init__(self, window: ProfileWindow, options: dict[str, bool]) -> None:
        self.window = window
        self.options = options
        self.model = TimelineModel(window.identities, self.load_older,
                                   filter_context="account", parent=window)
        self.view: PostListView = make_post_view(self.model, window)
        self.next: dict[str, str] | None = None
        self.started = False

    def load_older(self) -> asyncio.Task[None] | None:
        """Fetch the next page (the first one when nothing is loaded yet), as a window task."""
        # Views ask for more rows while being torn down too; a closed window starts nothing.
        if self.window.jobs.closed:
            return None
        return self.window.jobs.spawn(self._load_older())

    async def _load_older(self) -> None:
        if self.started and self.next is None:
            self.model.set_state("end")
            return
        self.started = True
        try:
            page: Page[Status] = await self.window.api.account_statuses(
                self.window.account_id, **self.options, **self.next or {})  # type: ignore[arg-type]
        except FedideskError as exc:
            self.started = self.next is not None
            self.window.message.show_error(
                _("Could not load posts. {reason}").format(reason=exc.user_message))
            return
        self.next = page.next_params if page.items else None
        self.model.append_older([TimelineItem.of(s) for s in page.items])
        self.model.set_state("idle" if self.next else "end")


class ProfileWindow(QWidget):
    """An account's profile as a top-level window. Esc closes it.

    Args:
        api: the signed-in account's API.
        account_id: the account to show (its id on ``api``'s server).
        open_profile: called with an account id (a mention in the note).
        open_thread: called with a status id (activating a post).
        open_tag: called with a hashtag name (a tag in the note), if the app has tag views.
        my_id: the signed-in account's id; its own profile gets no relationship buttons.
        identities: the account's shared author cache (a private one otherwise).
        load_avatar: fetches an avatar URL as a ``QPixmap`` (``None`` keeps the placeholder).

    Signals:
        loaded(): the account and relationship are shown.
        relationshipChanged(Relationship): the relationship shown changed.
        relationshipConfirmed(Relationship): the server confirmed a change (follow, mute,
            block…); the deck hides a muted or blocked account's rows.
        failed(str): loading or an action failed; the message shown.
    """

    loaded = Signal()
    relationshipChanged = Signal(object)
    relationshipConfirmed = Signal(object)
    failed = Signal(str)

    AVATAR = 88

    def __init__(self, api: MastodonApi, account_id: str, *,
                 open_profile: Callable[[str], None], open_thread: Callable[[str], None],
                 open_tag: Callable[[str], None] | None = None, my_id: str | None = None,
                 identities: IdentityCache | None = None,
                 load_avatar: Callable[[str], Awaitable[QPixmap | None]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.api = api
        self.account_id = account_id
        self.open_profile = open_profile
        self.open_thread = open_thread
        self.open_tag = open_tag
        self.my_id = my_id
        self.identities = identities if identities is not None else IdentityCache(self)
        self.load_avatar = load_avatar
        self.account: Account | None = None
        self.relationship: Relationship | None = None
        self.busy = False
        self.jobs = TaskGroup(self)
        self._note_links: tuple[Any, ...] = ()
        self.router = LinkRouter(self)
        self.router.openAccount.connect(self.open_profile)
        if open_tag is not None:
            self.router.openTag.connect(open_tag)
        self.router.confirmExternal.connect(
            lambda url, host: self.jobs.spawn(self._confirm_external(url, host)))
        self.setObjectName("profileWindow")
        self.setWindowTitle(_("Profile"))
        self.setAccessibleName(_("Profile"))
        self.resize(600, 820)
        self._build()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self.close)
        self._task: asyncio.Task[object] | None = None
        self.reload()

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        self.avatar = QLabel(self)
        self.avatar.setFixedSize(self.AVATAR, self.AVATAR)
        self.avatar.setAccessibleName(_("Avatar"))
        self.name = QLabel(self)
        self.name.setTextFormat(Qt.TextFormat.PlainText)  # display names are untrusted
        self.name.setObjectName("displayName")
        self.name.setStyleSheet("font-size: 17pt; font-weight: 600;")
        self.name.setWordWrap(True)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.handle = QLabel(self)
        self.handle.setTextFormat(Qt.TextFormat.PlainText)
        self.handle.setStyleSheet("color: palette(placeholder-text);")
        self.handle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badges = QLabel(self)
        self.badges.setTextFormat(Qt.TextFormat.PlainText)
        self.badges.setObjectName("badges")
        self.badges.setAccessibleName(_("Account badges"))
        self.badges.setStyleSheet(
            "QLabel#badges { color: #3c4043; background: #eceff1; border-radius: 4px;"
            " padding: 2px 6px; }")
        self.relation = QLabel(self)
        self.relation.setTextFormat(Qt.TextFormat.PlainText)
        self.relation.setObjectName("relationState")
        self.relation.setAccessibleName(_("Relationship"))
        self.relation.setStyleSheet(
            "QLabel#relationState { color: #0b57d0; background: #e8f0fe; border-radius: 4px;"
            " padding: 2px 6px; }")

        self.note = QTextBrowser(self)
        self.note.setAccessibleName(_("Profile description"))
        self.note.setObjectName("profileNote")
        configure_browser(self.note)
        # Parented to the window, not the browser: the browser must never delete a
        # document it did not create while its text control still points at it.
        self.note_document = PostDocument(parent=self)
        self.note.setDocument(self.note_document)
        self.note.setFrameShape(QFrame.Shape.NoFrame)
        self.note.setStyleSheet("QTextBrowser#profileNote { background: transparent; }")
        self.note.anchorClicked.connect(self._on_note_link)
        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(12)
        self.counts = QLabel(self)
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.counts.setAccessibleName(_("Counts"))

        self.follow_button = self._button(_("Follow"), _("Follow this account"), self._on_follow)
        self.follow_button.setDefault(True)
        self.mute_button = self._button(_("Mute…"), _("Mute this account"), self._on_mute)
        self.block_button = self._button(_("Block"), _("Block this account"), self._on_block)
        self.report_button = self._button(_("Report…"), _("Report this account"),
                                          self._on_report)
        self.domain_button = self._button(_("Block domain"),
                                          _("Block this account's whole server"),
                                          self._on_domain)
        self.browser_button = self._button(_("Open in browser"),
                                           _("Open the profile in the browser"),
                                           self._on_browser)
        self.message = MessageBar(self)
        self.message.actionClicked.connect(self.reload)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(_("Posts by this account"))
        self.tab_pages: list[_StatusesTab] = []
        for title, options in TABS:
            page = _StatusesTab(self, options)
            page.view.setAccessibleName(_(title))
            page.view.openThread.connect(
                lambda item_id, m=page.model: self._open_post(getattr(m.find(item_id), "status",
                                                                     None)))
            self.tabs.addTab(page.view, _(title))
            self.tab_pages.append(page)
        self.tabs.currentChanged.connect(self._start_tab)

        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self.name)
        names.addWidget(self.handle)
        chips = QHBoxLayout()
        chips.addWidget(self.badges)
        chips.addWidget(self.relation)
        chips.addStretch(1)
        names.addLayout(chips)
        names.addWidget(self.counts)
        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(names, 1)
        actions = QHBoxLayout()
        for button in (self.follow_button, self.mute_button, self.block_button,
                       self.report_button, self.domain_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.browser_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addLayout(self.fields)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)

    def _button(self, text: str, accessible: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(accessible)
        button.clicked.connect(slot)
        button.setEnabled(False)
        return button

    # --- loading -------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while the account and relationship are being fetched."""
        return self._task is not None and not self._task.done()

    def reload(self) -> None:
        """(Re)load the account, the relationship and the current tab."""
        if not self.loading:
            self.message.show_info(_("Loading the profile…"))
            self._task = self.jobs.spawn(self._load())

    async def _load(self) -> None:
        try:
            account, relationships = await asyncio.gather(
                self.api.account(self.account_id), self.api.relationships([self.account_id]))
        except FedideskError as exc:
            self._fail(_("Could not load this profile. {reason}").format(
                reason=exc.user_message), action=_("Retry"))
            return
        self.message.hide()
        self.show_account(account)
        rel = next((r for r in relationships if r.id == self.account_id), None)
        self.set_relationship(rel or Relationship(id=self.account_id))
        self.loaded.emit()
        for page in self.tab_pages:
            page.model.clear()
            page.started, page.next = False, None
        self._start_tab(self.tabs.currentIndex())
        if self.load_avatar is not None and (account.avatar_static or account.avatar):
            pixmap = await self.load_avatar(account.avatar_static or account.avatar)
            if pixmap is not None and not pixmap.isNull():
                self.avatar.setPixmap(pixmap.scaled(
                    self.AVATAR, self.AVATAR, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))

    def _start_tab(self, index: int) -> None:
        if 0 <= index < len(self.tab_pages) and self.account is not None:
            page = self.tab_pages[index]
            if not page.started:
                page.model.fetchMore()

    def _fail(self, text: str, action: str = "") -> None:
        self.message.show_error(text, action)
        self.failed.emit(text)

    def show_account(self, account: Account) -> None:
        """Fill the header from ``account`` (all of it treated as untrusted)."""
        self.account = account
        self.identities.update(account)
        self.setWindowTitle(f"{account.name} (@{account.acct})")
        self.name.setText(account.name)
        self.name.setAccessibleName(_("Display name: {name}").format(name=account.name))
        self.handle.setText(f"@{account.acct}")
        self.handle.setAccessibleName(_("Handle: @{acct}").format(acct=account.acct))
        self.avatar.setPixmap(placeholder_avatar(account, self.AVATAR))
        badges = [b for b, on in ((_("Bot"), account.bot), (_("Locked"), account.locked),
                                  (_("Group"), account.group)) if on]
        self.badges.setText("  ·  ".join(badges))
        self.badges.setVisible(bool(badges))
        safe = sanitize(account.note)
        self._note_links = safe.links
        self.note_document.set_content(safe, account.emojis)
        self.note.setVisible(bool(plain_text(safe.html)))
        self._fit_note()
        locale = QLocale()
        self.counts.setText("   ·   ".join((
            ngettext("{n} post", "{n} posts", account.statuses_count).format(
                n=locale.toString(account.statuses_count)),
            # TRANSLATORS: how many accounts this profile follows ("12 following").
            ngettext("{n} following", "{n} following", account.following_count).format(
                n=locale.toString(account.following_count)),
            ngettext("{n} follower", "{n} followers", account.followers_count).format(
                n=locale.toString(account.followers_count)))))
        self._show_fields(account)
        mine = account.id == self.my_id
        for button in (self.follow_button, self.mute_button, self.block_button,
                       self.report_button, self.domain_button):
            button.setVisible(not mine)
        self.domain_button.setVisible(not mine and remote_domain(account) is not None)
        self.browser_button.setEnabled(bool(account.url))

    def _show_fields(self, account: Account) -> None:
        while self.fields.count():
            item = self.fields.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        for row, field in enumerate(account.fields):
            name = QLabel(field.name, self)
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setStyleSheet("color: palette(placeholder-text); font-weight: 600;")
            value = QLabel(self)
            # Rich text built here from escaped text and checked http(s) links only, so the
            # label's document never sees remote markup (no <img>, no file: resources).
            safe = sanitize(field.value)
            links = [link for link in safe.links if link.href.startswith(("http:", "https:"))]
            value.setText(" ".join(
                f'<a href="{escape_plain(link.href)}">{escape_plain(link.text)}</a>'
                for link in links) if links else escape_plain(plain_text(safe.html)))
            value.setTextFormat(Qt.TextFormat.RichText)
            value.setOpenExternalLinks(False)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            value.linkActivated.connect(
                lambda href, links=tuple(links): self.router.activate_in(href, Status(), links))
            # TRANSLATORS: screen-reader text of a profile field: its name and its value.
            value.setAccessibleName(_("{name}: {value}").format(name=field.name,
                                                               value=plain_text(safe.html)))
            tick = QLabel(_("✓ Verified") if field.verified_at else "", self)
            tick.setObjectName("verifiedTick")
            tick.setStyleSheet("color: #188038; font-weight: 600;")
            tick.setAccessibleName(_("Verified link") if field.verified_at else "")
            tick.setVisible(field.verified_at is not None)
            self.fields.addWidget(name, row, 0)
            self.fields.addWidget(value, row, 1)
            self.fields.addWidget(tick, row, 2)
        self.fields.setColumnStretch(3, 1)

    def _fit_note(self) -> None:
        """Size the note to its text (up to a limit; longer notes scroll)."""
        self.note_document.setTextWidth(max(100, self.note.viewport().width()))
        height = int(self.note_document.size().height()) + 2 * self.note.frameWidth() + 4
        self.note.setFixedHeight(min(height, 160))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.jobs.cancel()
        super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_note()

    # --- relationship --------------------------------------------------------------------

    def set_relationship(self, rel: Relationship) -> None:
        """Show ``rel`` in the buttons and the relationship line."""
        self.relationship = rel
        account = self.account
        locked = account.locked if account is not None else False
        if rel.following:
            follow = (_("Unfollow"), _("Stop following this account"))
        elif rel.requested:
            follow = (_("Cancel request"), _("Withdraw the follow request"))
        elif locked:
            follow = (_("Request to follow"), _("Ask to follow this locked account"))
        else:
            follow = (_("Follow"), _("Follow this account"))
        self.follow_button.setText(follow[0])
        self.follow_button.setAccessibleName(follow[1])
        self.mute_button.setText(_("Unmute") if rel.muting else _("Mute…"))
        self.mute_button.setAccessibleName(_("Unmute this account") if rel.muting
                                           else _("Mute this account"))
        self.block_button.setText(_("Unblock") if rel.blocking else _("Block"))
        self.block_button.setAccessibleName(_("Unblock this account") if rel.blocking
                                            else _("Block this account"))
        self.domain_button.setText(_("Unblock domain") if rel.domain_blocking
                                   else _("Block domain"))
        states = [_(text) for text, on in (
            (N_("Follows you"), rel.followed_by), (N_("Following"), rel.following),
            (N_("Follow requested"), rel.requested),
            (N_("Requested to follow you"), rel.requested_by),
            (N_("Muted"), rel.muting),
            (N_("Notifications muted"), rel.muting and rel.muting_notifications),
            (N_("Blocked"), rel.blocking), (N_("Blocks you"), rel.blocked_by),
            (N_("Domain blocked"), rel.domain_blocking)) if on]
        self.relation.setText("  ·  ".join(states))
        self.relation.setVisible(bool(states))
        self._set_busy(self.busy)
        self.relationshipChanged.emit(rel)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        ready = not busy and self.account is not None and self.relationship is not None
        for button in (self.follow_button, self.mute_button, self.block_button,
                       self.report_button, self.domain_button):
            button.setEnabled(ready)
        self.follow_button.setEnabled(ready and not (self.relationship or Relationship()).blocking)

    def _change(self, what: str, optimistic: Relationship,
                call: Callable[[], Awaitable[Relationship]]) -> asyncio.Task[bool] | None:
        """Show ``optimistic`` at once; keep the server's answer, or roll back with a message.

        The switch happens before the task starts so a click shows its effect immediately.
        """
        before = self.relationship or Relationship(id=self.account_id)
        self._set_busy(True)
        self.set_relationship(optimistic)
        return self.jobs.spawn(self._settle(what, before, call))

    async def _changed(self, what: str, optimistic: Relationship,
                       call: Callable[[], Awaitable[Relationship]]) -> bool:
        """``_change`` awaited: whether the server confirmed it."""
        task = self._change(what, optimistic, call)
        return bool(await task) if task is not None else False

    async def _settle(self, what: str, before: Relationship,
                      call: Callable[[], Awaitable[Relationship]]) -> bool:
        rel: Relationship | None
        try:
            rel = await call()
        except UncertainOutcomeError:
            rel = await self._reconcile(before, what)
        except FedideskError as exc:
            self.set_relationship(before)
            # TRANSLATORS: {failed} is e.g. "Could not follow", {reason} the server's message.
            self._fail(_("{failed}. {reason}").format(failed=what, reason=exc.user_message))
            return False
        finally:
            self._set_busy(False)
        if rel is None:
            return False
        self.message.hide()
        self.set_relationship(rel)
        self.relationshipConfirmed.emit(rel)
        return True

    async def _reconcile(self, before: Relationship, what: str) -> Relationship | None:
        """After a request with no answer: read what the server really did."""
        try:
            rels = await self.api.relationships([self.account_id])
        except FedideskError:
            rels = []
        rel = next((r for r in rels if r.id == self.account_id), None)
        if rel is None:
            self.set_relationship(before)
            self._fail(_("{failed}: the server did not answer. Check and try again.").format(
                failed=what))
        return rel

    def _on_follow(self) -> None:
        rel = self.relationship
        if rel is None:
            return
        if rel.following or rel.requested:
            self._change(_("Could not unfollow"), replace(rel, following=False, requested=False),
                         lambda: self.api.unfollow(self.account_id))
            return
        locked = self.account is not None and self.account.locked
        self._change(_("Could not follow"), replace(rel, following=not locked, requested=locked),
                     lambda: self.api.follow(self.account_id))

    def _on_mute(self) -> None:
        self.jobs.spawn(self._mute())

    async def _mute(self) -> None:
        rel, account = self.relationship, self.account
        if rel is None or account is None:
            return
        if rel.muting:
            await self._changed(_("Could not unmute"),
                                replace(rel, muting=False, muting_notifications=False),
                               lambda: self.api.unmute(self.account_id))
            return
        dialog = MuteDialog(account, self)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        choice = dialog.choice()
        await self.mute(choice)

    async def mute(self, choice: MuteChoice) -> bool:
        """Mute with ``choice`` (what the mute dialog does after "Mute")."""
        rel = self.relationship or Relationship(id=self.account_id)
        return await self._changed(
            _("Could not mute"),
            replace(rel, muting=True, muting_notifications=choice.notifications),
            lambda: self.api.mute(self.account_id, duration=choice.duration,
                                  notifications=choice.notifications))

    def _on_block(self) -> None:
        self.jobs.spawn(self._block())

    async def _block(self) -> None:
        rel, account = self.relationship, self.account
        if rel is None or account is None:
            return
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        if rel.blocking:
            if await ask(self, _("Unblock"), _("Unblock @{acct}?").format(acct=account.acct),
                         yes | no, yes) != yes:
                return
            await self._changed(_("Could not unblock"), replace(rel, blocking=False),
                               lambda: self.api.unblock(self.account_id))
            return
        answer = await ask(
            self, _("Block"), _("Block @{acct}?").format(acct=account.acct), yes | no, no,
            icon=QMessageBox.Icon.Warning,
            informative=_("They won't be able to follow you or see your posts, and you "
                          "won't see theirs. They can see that you blocked them."))
        if answer != yes:
            return
        await self._changed(_("Could not block"), replace(rel, blocking=True, following=False,
                                            requested=False, followed_by=False),
                           lambda: self.api.block(self.account_id))

    def _on_domain(self) -> None:
        self.jobs.spawn(self._domain())

    async def _domain(self) -> None:
        rel, account = self.relationship, self.account
        domain = remote_domain(account) if account is not None else None
        if rel is None or domain is None:
            return
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        blocking = rel.domain_blocking
        question = (_("Unblock {domain}?") if blocking
                    else _("Block everything from {domain}?")).format(domain=domain)
        informative = "" if blocking else _(
            "You won't see posts or notifications from anyone on that server, and your "
            "followers there will be removed.")
        if await ask(self, _("Block domain"), question, yes | no, no,
                     icon=QMessageBox.Icon.Warning, informative=informative) != yes:
            return

        async def call() -> Relationship:
            if blocking:
                await self.api.domain_unblock(domain)
            else:
                await self.api.domain_block(domain)
            rels = await self.api.relationships([self.account_id])
            fallback = replace(rel, domain_blocking=not blocking)
            return next((r for r in rels if r.id == self.account_id), fallback)

        what = (_("Could not unblock {domain}") if blocking
                else _("Could not block {domain}")).format(domain=domain)
        await self._changed(what, replace(rel, domain_blocking=not blocking), call)

    def _on_report(self) -> None:
        self.jobs.spawn(self._report())

    async def _report(self) -> None:
        account = self.account
        if account is None:
            return
        self._set_busy(True)
        try:
            rules = await instance_rules(self.api)
        finally:
            self._set_busy(False)
        dialog = ReportDialog(account, rules, self)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        await self.report(dialog.choice())

    async def report(self, choice: ReportChoice) -> bool:
        """Send a report (what the report dialog does after "Send report")."""
        self._set_busy(True)
        try:
            await self.api.report(self.account_id, comment=choice.comment,
                                  forward=choice.forward, category=choice.category,
                                  rule_ids=choice.rule_ids)
        except FedideskError as exc:
            self._fail(_("Could not send the report. {reason}").format(reason=exc.user_message))
            return False
        finally:
            self._set_busy(False)
        self.message.show_info(_("Thanks: your report was sent to the moderators."))
        return True

    # --- links and posts -----------------------------------------------------------------

    def _on_browser(self) -> None:
        if self.account is not None and self.account.url:
            open_external(self.account.url)

    def _on_note_link(self, url: QUrl) -> None:
        self.router.activate_in(url, Status(), self._note_links)

    async def _confirm_external(self, url: str, host: str) -> None:
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        if await ask(self, _("Open link"), _("This link goes to {host}. Open it?").format(
                host=host), yes | no,
                     no, informative=url) == yes:
            open_external(url)

    def _open_post(self, status: object) -> None:
        if isinstance(status, Status):
            self.open_thread(status.id)
