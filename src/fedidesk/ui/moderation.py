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

from PySide6.QtCore import Qt, Signal
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
from fedidesk.ui.asynctools import ask, run_dialog
from fedidesk.ui.threadview import MessageBar, TaskGroup

T = TypeVar("T")

CONTEXTS: tuple[tuple[str, str], ...] = (
    ("home", "Home and lists"), ("notifications", "Notifications"),
    ("public", "Public timelines"), ("thread", "Conversations"), ("account", "Profiles"),
)
EXPIRIES: tuple[tuple[str, int | None], ...] = (
    ("Never", None), ("30 minutes", 1800), ("1 hour", 3600), ("6 hours", 6 * 3600),
    ("12 hours", 12 * 3600), ("1 day", 86400), ("1 week", 7 * 86400),
)
_KEEP = -1  # the expiry combo's "keep the current expiry" entry when editing


def is_hashtag_filter(flt: Filter) -> bool:
    """True when every keyword of ``flt`` is a ``#tag`` (and there is at least one)."""
    return bool(flt.keywords) and all(k.keyword.startswith("#") for k in flt.keywords)


def describe_filter(flt: Filter, now: datetime | None = None) -> str:
    """One line about a filter: keywords, where it applies, what it does, expiry."""
    names = dict(CONTEXTS)
    words = ", ".join(k.keyword for k in flt.keywords) or "no keywords"
    where = ", ".join(names.get(c, c) for c in flt.context) or "nowhere"
    action = "hidden" if flt.filter_action == "hide" else "shown with a warning"
    expiry = f" · until {flt.expires_at.astimezone():%d %b %Y %H:%M}" if flt.expires_at else ""
    return f"{words} — {action} in {where}{expiry}"


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
        self.setWindowTitle("Edit filter" if existing else "New filter")
        self.resize(520, 520)
        self.title = QLineEdit(existing.title if existing else "", self)
        self.title.setAccessibleName("Filter title")
        self.title.setPlaceholderText("e.g. Spoilers")
        self.keywords = QTableWidget(0, 2, self)
        self.keywords.setAccessibleName("Keywords")
        self.keywords.setHorizontalHeaderLabels(["Keyword or phrase", "Whole word"])
        header = self.keywords.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.keywords.verticalHeader().hide()
        for keyword in existing.keywords if existing else ():
            self.add_keyword(keyword.keyword, keyword.whole_word)
        add = QPushButton("Add keyword", self)
        add.setAccessibleName("Add keyword")
        add.clicked.connect(lambda: self.add_keyword("", True, edit=True))
        remove = QPushButton("Remove keyword", self)
        remove.setAccessibleName("Remove the selected keyword")
        remove.clicked.connect(lambda: self.keywords.removeRow(self.keywords.currentRow()))

        self.contexts: dict[str, QCheckBox] = {}
        where = QGroupBox("Filter in", self)
        where_layout = QVBoxLayout(where)
        for value, label in CONTEXTS:
            box = QCheckBox(label, where)
            box.setAccessibleName(f"Filter in {label}")
            box.setChecked(value in existing.context if existing else value != "account")
            self.contexts[value] = box
            where_layout.addWidget(box)

        what = QGroupBox("When a post matches", self)
        self.warn = QRadioButton("Hide behind a warning that names the filter", what)
        self.warn.setAccessibleName("Hide behind a warning")
        self.hide_completely = QRadioButton("Hide completely", what)
        self.hide_completely.setAccessibleName("Hide completely")
        group = QButtonGroup(self)
        group.addButton(self.warn)
        group.addButton(self.hide_completely)
        (self.hide_completely if existing and existing.filter_action == "hide"
         else self.warn).setChecked(True)
        what_layout = QVBoxLayout(what)
        what_layout.addWidget(self.warn)
        what_layout.addWidget(self.hide_completely)

        self.expiry = QComboBox(self)
        self.expiry.setAccessibleName("Filter expires after")
        if existing is not None:
            current = (f"Keep (until {existing.expires_at.astimezone():%d %b %H:%M})"
                       if existing.expires_at else "Keep (never)")
            self.expiry.addItem(current, _KEEP)
        for label, seconds in EXPIRIES:
            self.expiry.addItem(label, seconds)

        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Title:", self.title)
        form.addRow("Expires:", self.expiry)
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
        check.setData(Qt.ItemDataRole.AccessibleTextRole, "Whole word")
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
        problem = ("Give the filter a title." if not draft.title else
                   "Add at least one keyword." if not draft.keywords else
                   "Choose at least one place to filter in." if not draft.context else "")
        self.error.setText(problem)
        if not problem:
            self.accept()


# --- list pages -------------------------------------------------------------------------


class _ListPage(QWidget, Generic[T]):
    """A list fetched page by page, with one "undo" action for the selected entry."""

    def __init__(self, window: ModerationWindow, *, empty: str, undo_label: str,
                 fetch: Callable[[dict[str, str]], Awaitable[Page[T]]],
                 undo: Callable[[T], Awaitable[object]], describe: Callable[[T], str],
                 confirm: Callable[[T], str], extra: Sequence[QWidget] = ()) -> None:
        super().__init__(window)
        self.window_ = window
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
        self.more_button = QPushButton("Load more", self)
        self.more_button.setAccessibleName("Load more")
        self.more_button.clicked.connect(lambda: self.window_.jobs.spawn(self.load(more=True)))
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setAccessibleName("Refresh")
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
            self.window_.fail(f"Could not load the list. {exc.user_message}")
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
            self.window_.fail(f"Could not {self.undo_button.text().lower()}. "
                              f"{exc.user_message}")
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
        self.setWindowTitle("Mutes, blocks and filters")
        self.setObjectName("moderationWindow")
        self.setAccessibleName("Mutes, blocks and filters")
        self.resize(640, 520)
        self.message = MessageBar(self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Mutes, blocks and filters")

        self.mutes = self._account_page(
            "Nobody is muted. Muted people's posts are hidden from you; they aren't told.",
            "Unmute", lambda p: api.mutes(**_paging(p)), lambda a: api.unmute(a.id),
            lambda a: f"Unmute @{a.acct}? Their posts will show up again.")
        self.blocks = self._account_page(
            "Nobody is blocked.", "Unblock", lambda p: api.blocks(**_paging(p)),
            lambda a: api.unblock(a.id), lambda a: f"Unblock @{a.acct}?")
        self.domains: _ListPage[str] = _ListPage(
            self, empty="No servers are blocked.", undo_label="Unblock domain",
            fetch=lambda p: api.domain_blocks(**_paging(p)), undo=api.domain_unblock,
            describe=str, confirm=lambda d: f"Unblock {d}? You'll see posts from there again.")
        self.filter_list, filters_page = self._filters_page()
        self.tag_list, tags_page = self._tags_page()
        for page, title in ((self.mutes, "Muted accounts"), (self.blocks, "Blocked accounts"),
                            (self.domains, "Blocked domains"), (filters_page, "Filters"),
                            (tags_page, "Hashtag filters")):
            self.tabs.addTab(page, title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        heading = QLabel("Mutes, blocks and filters", self)
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        intro = QLabel("Everything you've hidden, in one place. Undo any of it at any time.",
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
                      confirm: Callable[[Account], str]) -> _ListPage[Account]:
        view = QPushButton("View profile", self)
        view.setAccessibleName("View the selected account's profile")
        page: _ListPage[Account] = _ListPage(
            self, empty=empty, undo_label=undo_label, fetch=fetch, undo=undo,
            describe=_account_line, confirm=confirm, extra=(view,))
        view.clicked.connect(lambda: (a := page.selected()) and self.open_profile(a.id))
        page.list.itemActivated.connect(lambda _i: (a := page.selected()) and
                                        self.open_profile(a.id))
        return page

    def _filters_page(self) -> tuple[QListWidget, QWidget]:
        page = QWidget(self)
        listing = QListWidget(page)
        listing.setAccessibleName("Keyword filters")
        listing.setAlternatingRowColors(True)
        listing.setWordWrap(True)
        new = QPushButton("New filter…", page)
        new.setAccessibleName("New filter")
        new.clicked.connect(lambda: self.jobs.spawn(self._edit(None)))
        edit = QPushButton("Edit…", page)
        edit.setAccessibleName("Edit the selected filter")
        edit.clicked.connect(lambda: self._with_selected(listing, self._edit))
        listing.itemActivated.connect(lambda _i: self._with_selected(listing, self._edit))
        delete = QPushButton("Delete", page)
        delete.setAccessibleName("Delete the selected filter")
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
        form = QGroupBox("Mute a hashtag", page)
        self.tag_input = QLineEdit(form)
        self.tag_input.setPlaceholderText("#hashtag")
        self.tag_input.setAccessibleName("Hashtag to mute")
        self.tag_action = QComboBox(form)
        self.tag_action.setAccessibleName("What to do with matching posts")
        self.tag_action.addItem("Hide completely", "hide")
        self.tag_action.addItem("Hide behind a warning", "warn")
        self.tag_expiry = QComboBox(form)
        self.tag_expiry.setAccessibleName("Mute the hashtag for")
        for label, seconds in EXPIRIES:
            self.tag_expiry.addItem("Forever" if seconds is None else label, seconds)
        mute = QPushButton("Mute hashtag", form)
        mute.setAccessibleName("Mute hashtag")
        mute.clicked.connect(lambda: self.jobs.spawn(self.mute_hashtag()))
        self.tag_input.returnPressed.connect(mute.click)
        row = QHBoxLayout(form)
        row.addWidget(self.tag_input, 1)
        row.addWidget(self.tag_action)
        row.addWidget(self.tag_expiry)
        row.addWidget(mute)
        listing = QListWidget(page)
        listing.setAccessibleName("Muted hashtags")
        listing.setAlternatingRowColors(True)
        unmute = QPushButton("Unmute hashtag", page)
        unmute.setAccessibleName("Unmute the selected hashtag")
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
            self.fail(f"Could not load your filters. {exc.user_message}")
            return
        for listing, wanted in ((self.filter_list, False), (self.tag_list, True)):
            listing.clear()
            for flt in self.filters:
                if is_hashtag_filter(flt) != wanted:
                    continue
                text = (f"{flt.title}\n{describe_filter(flt)}" if not wanted else
                        f"{', '.join(k.keyword for k in flt.keywords)}  —  "
                        f"{'hidden' if flt.filter_action == 'hide' else 'warned'}"
                        + (f" until {flt.expires_at.astimezone():%d %b %H:%M}"
                           if flt.expires_at else ""))
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
            self.fail(f"Could not save the filter. {exc.user_message}")
            return None
        self.message.hide()
        await self.load_filters()
        self.filtersChanged.emit()
        return saved

    async def _delete(self, flt: Filter) -> None:
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        if await ask(self, "Delete filter", f"Delete the filter “{flt.title}”?",
                     yes | no, no) == yes:
            await self.delete(flt)

    async def delete(self, flt: Filter) -> bool:
        """Delete ``flt`` (no questions) and refresh the lists."""
        try:
            await self.api.delete_filter(flt.id)
        except FedideskError as exc:
            self.fail(f"Could not delete the filter. {exc.user_message}")
            return False
        await self.load_filters()
        self.filtersChanged.emit()
        return True

    async def mute_hashtag(self) -> Filter | None:
        """Create a hashtag filter from the quick form."""
        tag = self.tag_input.text().strip().lstrip("#")
        if not tag or any(c.isspace() for c in tag):
            self.fail("Type one hashtag, like #spoilers.")
            return None
        draft = FilterDraft(f"#{tag}", ((f"#{tag}", True),), tuple(v for v, _ in CONTEXTS),
                            str(self.tag_action.currentData()), self.tag_expiry.currentData())
        saved = await self.save(draft)
        if saved is not None:
            self.tag_input.clear()
        return saved
