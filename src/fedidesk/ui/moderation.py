""""Mutes, blocks and filters": one window to review and undo what you hid, and add filters.

Tabs: muted accounts, blocked accounts, blocked domains (each page by page with "Load
more"), keyword filters (v2: create, edit, delete) and hashtag filters (filters whose
keywords are all ``#tags``, with a quick "mute a hashtag" form).

``PUT /api/v2/filters/:id`` does not change keywords on every server, so edits sync them
through the per-keyword endpoints (``/api/v2/filters/:id/keywords``, ``…/keywords/:id``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.api import PAGING_KEYS, MastodonApi, Page, Paging
from fedidesk.core.entities import Account, Filter
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.ui.asynctools import ask, run_dialog
from fedidesk.ui.threadview import MessageBar, TaskGroup

T = TypeVar("T")

CONTEXTS: tuple[tuple[str, str], ...] = (
    ("home", N_("Home and lists")), ("notifications", N_("Notifications")),
    ("public", N_("Public timelines")), ("thread", N_("Conversations")),
    ("account", N_("Profiles")),
)
EXPIRIES: tuple[tuple[str, int | None], ...] = (
    (N_("Never"), None), (N_("30 minutes"), 1800), (N_("1 hour"), 3600),
    (N_("6 hours"), 6 * 3600), (N_("12 hours"), 12 * 3600), (N_("1 day"), 86400),
    (N_("1 week"), 7 * 86400),
)
_KEEP = -1  # the expiry combo's "keep the current expiry" entry when editing


def is_hashtag_filter(flt: Filter) -> bool:
    """True when every keyword of ``flt`` is a ``#tag`` (and there is at least one)."""
    return bool(flt.keywords) and all(k.keyword.startswith("#") for k in flt.keywords)


def _local_time(when: datetime, pattern: str) -> str:
    """``when`` in local time, written with the Qt date/time ``pattern`` in the user's locale."""
    local = when.astimezone()
    return QLocale().toString(QDateTime(QDate(local.year, local.month, local.day),
                                        QTime(local.hour, local.minute)), pattern)


def _until(when: datetime, *, year: bool = False) -> str:
    """"until 12 Mar 2024 14:00" (the year only with ``year``)."""
    # TRANSLATORS: Qt date/time patterns for a filter's expiry ("12 Mar 2024 14:00"): dd = day,
    # MMM = short month name, yyyy = year, HH:mm = time. Reorder for your language.
    pattern = _("dd MMM yyyy HH:mm") if year else _("dd MMM HH:mm")
    # TRANSLATORS: when a filter stops applying; {when} is a date and time.
    return _("until {when}").format(when=_local_time(when, pattern))


def describe_filter(flt: Filter, now: datetime | None = None) -> str:
    """One line about a filter: keywords, where it applies, what it does, expiry."""
    names = dict(CONTEXTS)
    words = ", ".join(k.keyword for k in flt.keywords) or _("no keywords")
    where = ", ".join(_(names[c]) if c in names else c for c in flt.context) or _("nowhere")
    # TRANSLATORS: what a filter does with matching posts ("hidden in Home and lists").
    action = _("hidden") if flt.filter_action == "hide" else _("shown with a warning")
    expiry = " · " + _until(flt.expires_at, year=True) if flt.expires_at else ""
    # TRANSLATORS: {action} is "hidden" or "shown with a warning", {contexts} where it applies.
    return _("{keywords} — {action} in {contexts}").format(
        keywords=words, action=action, contexts=where) + expiry


# --- filter editing ---------------------------------------------------------------------


@dataclass(frozen=True)
class FilterDraft:
    """What the filter dialog produced. ``expires_in``: seconds, ``None`` never, -1 keep."""

    title: str
    keywords: tuple[tuple[str, bool], ...]
    context: tuple[str, ...]
    action: str
    expires_in: int | None


async def save_filter(api: MastodonApi, draft: FilterDraft, existing: Filter | None) -> Filter:
    """Create ``draft``, or update ``existing`` to match it (keywords synced one by one)."""
    expires = None if draft.expires_in == _KEEP else draft.expires_in
    if existing is None:
        return await api.create_filter(draft.title, draft.context, filter_action=draft.action,
                                       expires_in=expires, keywords=draft.keywords)
    body: dict[str, Any] = {"title": draft.title, "context": list(draft.context),
                            "filter_action": draft.action}
    if draft.expires_in != _KEEP:
        # An empty expires_in is how Mastodon is told "never expires".
        body["expires_in"] = expires if expires is not None else ""
    await api.request("PUT", f"/api/v2/filters/{existing.id}", json=body)
    wanted = dict(draft.keywords)
    for keyword in existing.keywords:
        if keyword.keyword not in wanted:
            await api.request("DELETE", f"/api/v2/filters/keywords/{keyword.id}")
        elif wanted[keyword.keyword] != keyword.whole_word:
            await api.request("PUT", f"/api/v2/filters/keywords/{keyword.id}",
                              json={"keyword": keyword.keyword,
                                    "whole_word": wanted[keyword.keyword]})
    have = {k.keyword for k in existing.keywords}
    for text, whole in draft.keywords:
        if text not in have:
            await api.request("POST", f"/api/v2/filters/{existing.id}/keywords",
                              json={"keyword": text, "whole_word": whole})
    return await api._one(Filter, "GET", f"/api/v2/filters/{existing.id}")


class FilterDialog(QDialog):
    """Create or edit a keyword filter."""

    def __init__(self, existing: Filter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Edit filter") if existing else _("New filter"))
        self.resize(520, 520)
        self.title = QLineEdit(existing.title if existing else "", self)
        self.title.setAccessibleName(_("Filter title"))
        self.title.setPlaceholderText(_("e.g. Spoilers"))
        self.keywords = QTableWidget(0, 2, self)
        self.keywords.setAccessibleName(_("Keywords"))
        self.keywords.setHorizontalHeaderLabels([_("Keyword or phrase"), _("Whole word")])
        header = self.keywords.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.keywords.verticalHeader().hide()
        for keyword in existing.keywords if existing else ():
            self.add_keyword(keyword.keyword, keyword.whole_word)
        add = QPushButton(_("Add keyword"), self)
        add.setAccessibleName(_("Add keyword"))
        add.clicked.connect(lambda: self.add_keyword("", True, edit=True))
        remove = QPushButton(_("Remove keyword"), self)
        remove.setAccessibleName(_("Remove the selected keyword"))
        remove.clicked.connect(lambda: self.keywords.removeRow(self.keywords.currentRow()))

        self.contexts: dict[str, QCheckBox] = {}
        where = QGroupBox(_("Filter in"), self)
        where_layout = QVBoxLayout(where)
        for value, label in CONTEXTS:
            box = QCheckBox(_(label), where)
            box.setAccessibleName(_("Filter in {context}").format(context=_(label)))
            box.setChecked(value in existing.context if existing else value != "account")
            self.contexts[value] = box
            where_layout.addWidget(box)

        what = QGroupBox(_("When a post matches"), self)
        self.warn = QRadioButton(_("Hide behind a warning that names the filter"), what)
        self.warn.setAccessibleName(_("Hide behind a warning"))
        self.hide_completely = QRadioButton(_("Hide completely"), what)
        self.hide_completely.setAccessibleName(_("Hide completely"))
        group = QButtonGroup(self)
        group.addButton(self.warn)
        group.addButton(self.hide_completely)
        (self.hide_completely if existing and existing.filter_action == "hide"
         else self.warn).setChecked(True)
        what_layout = QVBoxLayout(what)
        what_layout.addWidget(self.warn)
        what_layout.addWidget(self.hide_completely)

        self.expiry = QComboBox(self)
        self.expiry.setAccessibleName(_("Filter expires after"))
        if existing is not None:
            current = (_("Keep ({until})").format(until=_until(existing.expires_at))
                       if existing.expires_at else _("Keep (never)"))
            self.expiry.addItem(current, _KEEP)
        for label, seconds in EXPIRIES:
            self.expiry.addItem(_(label), seconds)

        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("Title:"), self.title)
        form.addRow(_("Expires:"), self.expiry)
        keyword_buttons = QHBoxLayout()
        keyword_buttons.addWidget(add)
        keyword_buttons.addWidget(remove)
        keyword_buttons.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(where)
        columns.addWidget(what)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keywords, 1)
        layout.addLayout(keyword_buttons)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def add_keyword(self, text: str, whole_word: bool, *, edit: bool = False) -> None:
        """Append a keyword row."""
        row = self.keywords.rowCount()
        self.keywords.insertRow(row)
        self.keywords.setItem(row, 0, QTableWidgetItem(text))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Checked if whole_word else Qt.CheckState.Unchecked)
        check.setData(Qt.ItemDataRole.AccessibleTextRole, _("Whole word"))
        self.keywords.setItem(row, 1, check)
        if edit:
            self.keywords.setCurrentCell(row, 0)
            self.keywords.editItem(self.keywords.item(row, 0) or QTableWidgetItem())

    def draft(self) -> FilterDraft:
        """The filter as entered."""
        keywords: dict[str, bool] = {}
        for row in range(self.keywords.rowCount()):
            text_item, check = self.keywords.item(row, 0), self.keywords.item(row, 1)
            text = text_item.text().strip() if text_item is not None else ""
            if text:
                keywords[text] = check is not None and check.checkState() == Qt.CheckState.Checked
        return FilterDraft(
            self.title.text().strip(), tuple(keywords.items()),
            tuple(v for v, box in self.contexts.items() if box.isChecked()),
            "hide" if self.hide_completely.isChecked() else "warn", self.expiry.currentData())

    def _accept(self) -> None:
        draft = self.draft()
        problem = (_("Give the filter a title.") if not draft.title else
                   _("Add at least one keyword.") if not draft.keywords else
                   _("Choose at least one place to filter in.") if not draft.context else "")
        self.error.setText(problem)
        if not problem:
            self.accept()


# --- list pages -------------------------------------------------------------------------


class _ListPage(QWidget, Generic[T]):
    """A list fetched page by page, with one "undo" action for the selected entry."""

    def __init__(self, window: ModerationWindow, *, empty: str, undo_label: str,
                 fetch: Callable[[dict[str, str]], Awaitable[Page[T]]],
                 undo: Callable[[T], Awaitable[object]], describe: Callable[[T], str],
                 confirm: Callable[[T], str], failure: str,
                 extra: Sequence[QWidget] = ()) -> None:
        super().__init__(window)
        self.window_ = window
        self.failure = failure  # shown when undoing fails; ``{reason}`` is the server's word
        self.fetch, self.undo_call, self.describe, self.confirm = fetch, undo, describe, confirm
        self.items: list[T] = []
        self.next: dict[str, str] | None = None
        self.loaded = False
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        self.list.setAccessibleName(empty.split(".")[0])
        self.empty = QLabel(empty, self)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        self.empty.setWordWrap(True)
        self.undo_button = QPushButton(undo_label, self)
        self.undo_button.setAccessibleName(undo_label)
        self.undo_button.clicked.connect(lambda: self.window_.jobs.spawn(self.undo_selected()))
        self.more_button = QPushButton(_("Load more"), self)
        self.more_button.setAccessibleName(_("Load more"))
        self.more_button.clicked.connect(lambda: self.window_.jobs.spawn(self.load(more=True)))
        self.refresh_button = QPushButton(_("Refresh"), self)
        self.refresh_button.setAccessibleName(_("Refresh"))
        self.refresh_button.clicked.connect(lambda: self.window_.jobs.spawn(self.load()))
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        for widget in extra:
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.more_button)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def selected(self) -> T | None:
        """The entry selected in the list."""
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(self.selected() is not None)
        self.more_button.setVisible(self.next is not None)
        self.empty.setVisible(self.loaded and not self.items)

    async def load(self, *, more: bool = False) -> None:
        """Load the first page, or the next one with ``more``."""
        try:
            page = await self.fetch(self.next or {} if more else {})
        except FedideskError as exc:
            self.window_.fail(_("Could not load the list. {reason}").format(
                reason=exc.user_message))
            return
        if not more:
            self.items.clear()
            self.list.clear()
        self.loaded = True
        self.next = page.next_params if page.items else None
        for entry in page.items:
            self.items.append(entry)
            item = QListWidgetItem(self.describe(entry), self.list)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, self.describe(entry))
        self._update_buttons()

    async def undo_selected(self) -> bool:
        """Ask, then undo the selected mute/block and drop it from the list."""
        entry = self.selected()
        if entry is None:
            return False
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        if await ask(self, self.undo_button.text(), self.confirm(entry), yes | no, yes) != yes:
            return False
        try:
            await self.undo_call(entry)
        except FedideskError as exc:
            self.window_.fail(self.failure.format(reason=exc.user_message))
            return False
        row = self.items.index(entry)
        del self.items[row]
        self.list.takeItem(row)
        self._update_buttons()
        return True


def _paging(cursor: dict[str, str]) -> Paging:
    return cast(Paging, {k: v for k, v in cursor.items() if k in PAGING_KEYS})


def _account_line(account: Account) -> str:
    # A QListWidget item shows text as is: untrusted display names cannot inject markup.
    return f"{account.name}  (@{account.acct})"


# --- the window -------------------------------------------------------------------------


class ModerationWindow(QWidget):
    """Mutes, blocks and filters, as a top-level window. Esc closes it.

    Args:
        api: the signed-in account's API.
        open_profile: called with an account id ("View profile").

    Signals:
        failed(str): an action failed; the message shown.
        filtersChanged(): a filter was created, edited or deleted.
    """

    failed = Signal(str)
    filtersChanged = Signal()

    def __init__(self, api: MastodonApi, *, open_profile: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.api = api
        self.open_profile = open_profile
        self.filters: list[Filter] = []
        self.jobs = TaskGroup(self)
        self.setWindowTitle(_("Mutes, blocks and filters"))
        self.setObjectName("moderationWindow")
        self.setAccessibleName(_("Mutes, blocks and filters"))
        self.resize(640, 520)
        self.message = MessageBar(self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(_("Mutes, blocks and filters"))

        self.mutes = self._account_page(
            _("Nobody is muted. Muted people's posts are hidden from you; they aren't told."),
            # TRANSLATORS: button: stop muting the selected account.
            _("Unmute"), lambda p: api.mutes(**_paging(p)), lambda a: api.unmute(a.id),
            lambda a: _("Unmute @{acct}? Their posts will show up again.").format(acct=a.acct),
            _("Could not unmute. {reason}"))
        self.blocks = self._account_page(
            # TRANSLATORS: "Unblock" is a button: stop blocking the selected account.
            _("Nobody is blocked."), _("Unblock"), lambda p: api.blocks(**_paging(p)),
            lambda a: api.unblock(a.id), lambda a: _("Unblock @{acct}?").format(acct=a.acct),
            _("Could not unblock. {reason}"))
        self.domains: _ListPage[str] = _ListPage(
            self, empty=_("No servers are blocked."), undo_label=_("Unblock domain"),
            fetch=lambda p: api.domain_blocks(**_paging(p)), undo=api.domain_unblock,
            describe=str,
            confirm=lambda d: _("Unblock {domain}? You'll see posts from there again.").format(
                domain=d),
            failure=_("Could not unblock domain. {reason}"))
        self.filter_list, filters_page = self._filters_page()
        self.tag_list, tags_page = self._tags_page()
        for page, title in ((self.mutes, _("Muted accounts")),
                            (self.blocks, _("Blocked accounts")),
                            (self.domains, _("Blocked domains")), (filters_page, _("Filters")),
                            (tags_page, _("Hashtag filters"))):
            self.tabs.addTab(page, title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        heading = QLabel(_("Mutes, blocks and filters"), self)
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        intro = QLabel(_("Everything you've hidden, in one place. Undo any of it at any time."),
                       self)
        intro.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self.close)
        self._task: asyncio.Task[object] | None = self.jobs.spawn(self.reload())

    def _account_page(self, empty: str, undo_label: str,
                      fetch: Callable[[dict[str, Any]], Awaitable[Page[Account]]],
                      undo: Callable[[Account], Awaitable[object]],
                      confirm: Callable[[Account], str], failure: str) -> _ListPage[Account]:
        view = QPushButton(_("View profile"), self)
        view.setAccessibleName(_("View the selected account's profile"))
        page: _ListPage[Account] = _ListPage(
            self, empty=empty, undo_label=undo_label, fetch=fetch, undo=undo,
            describe=_account_line, confirm=confirm, failure=failure, extra=(view,))
        view.clicked.connect(lambda: (a := page.selected()) and self.open_profile(a.id))
        page.list.itemActivated.connect(lambda _i: (a := page.selected()) and
                                        self.open_profile(a.id))
        return page

    def _filters_page(self) -> tuple[QListWidget, QWidget]:
        page = QWidget(self)
        listing = QListWidget(page)
        listing.setAccessibleName(_("Keyword filters"))
        listing.setAlternatingRowColors(True)
        listing.setWordWrap(True)
        new = QPushButton(_("New filter…"), page)
        new.setAccessibleName(_("New filter"))
        new.clicked.connect(lambda: self.jobs.spawn(self._edit(None)))
        edit = QPushButton(_("Edit…"), page)
        edit.setAccessibleName(_("Edit the selected filter"))
        edit.clicked.connect(lambda: self._with_selected(listing, self._edit))
        listing.itemActivated.connect(lambda _i: self._with_selected(listing, self._edit))
        delete = QPushButton(_("Delete"), page)
        delete.setAccessibleName(_("Delete the selected filter"))
        delete.clicked.connect(lambda: self._with_selected(listing, self._delete))
        buttons = QHBoxLayout()
        for button in (new, edit, delete):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(listing, 1)
        layout.addLayout(buttons)
        return listing, page

    def _tags_page(self) -> tuple[QListWidget, QWidget]:
        page = QWidget(self)
        form = QGroupBox(_("Mute a hashtag"), page)
        self.tag_input = QLineEdit(form)
        self.tag_input.setPlaceholderText("#hashtag")
        self.tag_input.setAccessibleName(_("Hashtag to mute"))
        self.tag_action = QComboBox(form)
        self.tag_action.setAccessibleName(_("What to do with matching posts"))
        self.tag_action.addItem(_("Hide completely"), "hide")
        self.tag_action.addItem(_("Hide behind a warning"), "warn")
        self.tag_expiry = QComboBox(form)
        self.tag_expiry.setAccessibleName(_("Mute the hashtag for"))
        for label, seconds in EXPIRIES:
            self.tag_expiry.addItem(_("Forever") if seconds is None else _(label), seconds)
        mute = QPushButton(_("Mute hashtag"), form)
        mute.setAccessibleName(_("Mute hashtag"))
        mute.clicked.connect(lambda: self.jobs.spawn(self.mute_hashtag()))
        self.tag_input.returnPressed.connect(mute.click)
        # The hashtag gets a line of its own: the choices are long in some languages.
        rows = QVBoxLayout(form)
        rows.addWidget(self.tag_input)
        row = QHBoxLayout()
        row.addWidget(self.tag_action)
        row.addWidget(self.tag_expiry)
        row.addStretch(1)
        row.addWidget(mute)
        rows.addLayout(row)
        listing = QListWidget(page)
        listing.setAccessibleName(_("Muted hashtags"))
        listing.setAlternatingRowColors(True)
        unmute = QPushButton(_("Unmute hashtag"), page)
        unmute.setAccessibleName(_("Unmute the selected hashtag"))
        unmute.clicked.connect(lambda: self._with_selected(listing, self._delete))
        buttons = QHBoxLayout()
        buttons.addWidget(unmute)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(form)
        layout.addWidget(listing, 1)
        layout.addLayout(buttons)
        return listing, page

    def closeEvent(self, event: QCloseEvent) -> None:
        self.jobs.cancel()
        super().closeEvent(event)

    # --- loading -------------------------------------------------------------------------

    async def reload(self) -> None:
        """Load every tab's first page."""
        await asyncio.gather(self.mutes.load(), self.blocks.load(), self.domains.load(),
                             self.load_filters())

    async def load_filters(self) -> None:
        """(Re)load the filters of both filter tabs."""
        try:
            self.filters = await self.api.filters()
        except FedideskError as exc:
            self.fail(_("Could not load your filters. {reason}").format(reason=exc.user_message))
            return
        for listing, wanted in ((self.filter_list, False), (self.tag_list, True)):
            listing.clear()
            for flt in self.filters:
                if is_hashtag_filter(flt) != wanted:
                    continue
                text = (f"{flt.title}\n{describe_filter(flt)}" if not wanted else
                        f"{', '.join(k.keyword for k in flt.keywords)}  —  "
                        + (_("hidden") if flt.filter_action == "hide" else _("warned"))
                        + (" " + _until(flt.expires_at) if flt.expires_at else ""))
                item = QListWidgetItem(text, listing)
                item.setData(Qt.ItemDataRole.UserRole, flt.id)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", ": "))

    def fail(self, text: str) -> None:
        """Show an error message in the window."""
        self.message.show_error(text)
        self.failed.emit(text)

    # --- filters -------------------------------------------------------------------------

    def _with_selected(self, listing: QListWidget,
                       action: Callable[[Filter], Coroutine[Any, Any, object]]) -> None:
        item = listing.currentItem()
        flt = next((f for f in self.filters if item is not None
                    and f.id == item.data(Qt.ItemDataRole.UserRole)), None)
        if flt is not None:
            self.jobs.spawn(action(flt))

    async def _edit(self, existing: Filter | None) -> None:
        dialog = FilterDialog(existing, self)
        if await run_dialog(dialog) == QDialog.DialogCode.Accepted:
            await self.save(dialog.draft(), existing)

    async def save(self, draft: FilterDraft, existing: Filter | None = None) -> Filter | None:
        """Create or update a filter from ``draft`` and refresh the lists."""
        try:
            saved = await save_filter(self.api, draft, existing)
        except FedideskError as exc:
            self.fail(_("Could not save the filter. {reason}").format(reason=exc.user_message))
            return None
        self.message.hide()
        await self.load_filters()
        self.filtersChanged.emit()
        return saved

    async def _delete(self, flt: Filter) -> None:
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        if await ask(self, _("Delete filter"),
                     _("Delete the filter “{title}”?").format(title=flt.title),
                     yes | no, no) == yes:
            await self.delete(flt)

    async def delete(self, flt: Filter) -> bool:
        """Delete ``flt`` (no questions) and refresh the lists."""
        try:
            await self.api.delete_filter(flt.id)
        except FedideskError as exc:
            self.fail(_("Could not delete the filter. {reason}").format(
                reason=exc.user_message))
            return False
        await self.load_filters()
        self.filtersChanged.emit()
        return True

    async def mute_hashtag(self) -> Filter | None:
        """Create a hashtag filter from the quick form."""
        tag = self.tag_input.text().strip().lstrip("#")
        if not tag or any(c.isspace() for c in tag):
            self.fail(_("Type one hashtag, like #spoilers."))
            return None
        draft = FilterDraft(f"#{tag}", ((f"#{tag}", True),), tuple(v for v, _label in CONTEXTS),
                            str(self.tag_action.currentData()), self.tag_expiry.currentData())
        saved = await self.save(draft)
        if saved is not None:
            self.tag_input.clear()
        return saved
