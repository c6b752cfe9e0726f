"""``TimelineModel``: one ``QAbstractListModel`` per timeline column (style.md §2 item 4).

Rows are the feed's items and gap rows, newest first. The model dedupes by id, keeps order,
drops items a "hide" filter matches, collapses "warn" ones, caps its length and emits
``dataChanged`` with exactly the roles a ``replace`` changed. Authors come from a shared
``IdentityCache`` so a renamed account repaints every row it appears in.

Feed wiring (``bind_feed``): ``on_insert_newer → insert_newer``, ``on_append_older →
append_older``, ``on_remove → remove``, ``on_replace → replace``, ``on_gap → insert_gap``,
``on_state → set_state``, ``on_gap_filled → gap_filled``; ``fetchMore`` calls the feed's
``load_older``.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from fedidesk.core.entities import Account, Status
from fedidesk.core.html import SafeContent, plain_text, sanitize
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.ui.identities import IdentityCache
from fedidesk.ui.postlayout import notification_text
from fedidesk.ui.reltime import now_utc, spoken_age
from fedidesk.ui.timelineroles import (
    AUTHOR_ROLES,
    ROLE_NAMES,
    DetachedIndex,
    Role,
    Row,
    is_gap,
    notification_of,
    sort_key,
    status_of,
)

DEFAULT_MAX_ROWS = 5000
#: While its view shows the newest post (``set_live``), a column bound to a feed keeps only
#: this many rows: Qt re-measures every row on each insert, so a column left streaming all
#: day would otherwise slow down with every post. Trimmed rows stay in the feed and come
#: back at once (no network) when the user scrolls down (``fetchMore``).
LIVE_WINDOW_ROWS = 300
#: Rows handed back from the feed per ``fetchMore`` after a trim.
BACKFILL_PAGE = 40
#: What a screen reader calls each notification type ("Ann: follow request notification.").
NOTIFICATION_KINDS = {
    "mention": N_("mention"), "status": N_("status"), "reblog": N_("reblog"),
    "follow": N_("follow"), "follow_request": N_("follow request"),
    "favourite": N_("favourite"), "poll": N_("poll"), "update": N_("update"),
    "quote": N_("quote"),
}
#: Streaming arrivals of one column are inserted together at most this often (ms): one
#: relayout per batch instead of one per event (QListView re-measures every row on insert).
STREAM_COALESCE_MS = 250
#: Sanitized content shared by every model (a post shown in several columns, a row trimmed
#: and fetched again): keyed by the raw HTML, which fully determines the result.
_SANITIZED_MAX = 4096
#: Time of the last coalesced streaming insert of any model (see ``_flush_due``).
_FRAME_S = 0.016
_stream_gate = [0.0]
_sanitized: OrderedDict[str, SafeContent] = OrderedDict()
Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[], object]

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_TEXT_ROLES = (int(Role.PlainTextRole), _DISPLAY, _ACCESSIBLE)


def sanitized(html: str) -> SafeContent:
    """``sanitize(html)``, computed once per distinct HTML (a bounded, process-wide LRU)."""
    safe = _sanitized.get(html)
    if safe is None:
        safe = _sanitized[html] = sanitize(html)
        if len(_sanitized) > _SANITIZED_MAX:
            _sanitized.popitem(last=False)
    else:
        _sanitized.move_to_end(html)
    return safe


def filter_match(status: Status | None, context: str | None) -> tuple[str, str] | None:
    """``(action, title)`` of the strongest filter matching ``status`` in ``context``."""
    if status is None:
        return None
    found: tuple[str, str] | None = None
    for candidate in (status, status.reblog):
        for result in candidate.filtered if candidate is not None else ():
            flt = result.filter
            if flt is None or (context and flt.context and context not in flt.context):
                continue
            if flt.filter_action == "hide":
                return ("hide", flt.title)
            if flt.filter_action == "warn" and found is None:
                found = ("warn", flt.title)
    return found


class _Derived:
    """Per-row values that are costly to compute, built on first use."""

    __slots__ = ("content", "text")

    def __init__(self) -> None:
        self.content: SafeContent | None = None
        self.text: str | None = None


class TimelineModel(QAbstractListModel):
    """Rows of one timeline, newest first.

    Args:
        identities: the shared author cache (a private one is made if omitted).
        loader: called by ``fetchMore`` (the feed's ``load_older``); may return an awaitable.
        max_rows: cap; the end opposite to where rows arrived is trimmed.
        filter_context: "home", "notifications", "public", "thread" or "account".
        now: clock for relative times in the screen-reader text.
        coalesce_ms: when > 0, ``insert_newer`` batches arrivals for that long before
            inserting (streaming: one relayout per batch instead of per event). The first
            rows of an empty model go in at once; any other change (``append_older``,
            ``replace``, ``remove``, gaps, ``ids``/``find``) inserts what is buffered first,
            so the order of the feed's callbacks is kept.
        streaming: a deck column fed by a stream: ``coalesce_ms`` defaults to
            ``STREAM_COALESCE_MS``.

    Signals:
        loadingChanged(bool): a ``load_older`` started/finished.
        rowsTrimmed(int): rows dropped to honour ``max_rows``.
        rowsBuffered(list): streaming arrivals buffered for the next coalesced insert.
    """

    loadingChanged = Signal(bool)
    rowsTrimmed = Signal(int)
    rowsBuffered = Signal(list)

    def __init__(
        self,
        identities: IdentityCache | None = None,
        loader: Loader | None = None,
        *,
        max_rows: int = DEFAULT_MAX_ROWS,
        filter_context: str | None = None,
        now: Callable[[], datetime] = now_utc,
        coalesce_ms: int = 0,
        streaming: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if streaming and coalesce_ms <= 0:
            coalesce_ms = STREAM_COALESCE_MS
        self.identities = identities if identities is not None else IdentityCache(self)
        self.identities.accountChanged.connect(self._on_account_changed)
        self.loader = loader
        self.max_rows = max(1, max_rows)
        self.filter_context = filter_context
        self.now = now
        self._rows: list[Row] = []
        self._ids: list[str] = []  # row ids, parallel to _rows (``Row.id`` may be computed)
        self._by_id: dict[str, Row] = {}
        self._row_of: dict[str, int] | None = None
        self._derived: dict[str, _Derived] = {}
        self._versions: dict[str, int] = {}
        self._expanded: set[str] = set()
        self._revealed: set[str] = set()
        self._gaps_loading: set[str] = set()
        self._authors: dict[str, set[str]] = {}
        self._loading = False
        self._at_end = False
        self._live = False
        self._source: Sequence[Row] | None = None  # the bound feed's rows (newest first)
        self._tail_trimmed = False  # rows below the last one are in _source, not here
        self._task: asyncio.Future[Any] | None = None
        self._getters = self._build_getters()
        self._pending: list[Sequence[Row]] = []  # arrivals, oldest first
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(max(0, coalesce_ms))
        self._flush_timer.timeout.connect(self._flush_due)
        self.coalesce_ms = coalesce_ms

    # --- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({role: QByteArray(name) for role, name in ROLE_NAMES.items()})
        return names

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | (
            Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        getter = self._getters.get(int(role))
        return getter(self._rows[index.row()]) if getter is not None else None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return self._tail_trimmed or (
            self.loader is not None and not self._loading and not self._at_end)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self._tail_trimmed and self._backfill(BACKFILL_PAGE):
            return
        if not self.canFetchMore(parent) or self.loader is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            # Qt asked outside the app's event loop (a layout during start-up or shutdown):
            # the next scroll inside the loop asks again; work started now might never run.
            return
        self._set_loading(True)
        pending = False
        try:
            result = self.loader()
            if inspect.isawaitable(result):
                self._task = loop.create_task(self._await_loader(result))
                pending = True
        finally:
            if not pending:
                self._set_loading(False)

    async def _await_loader(self, awaitable: Any) -> None:
        try:
            await awaitable
        finally:
            self._task = None
            self._set_loading(False)

    # --- state -----------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while ``load_older`` runs."""
        return self._loading

    def _set_loading(self, value: bool) -> None:
        if value != self._loading:
            self._loading = value
            self.loadingChanged.emit(value)

    def set_state(self, state: str) -> None:
        """Feed ``on_state``: "loading", "idle", "end" (no older posts) or an error name."""
        self._set_loading(state == "loading")
        if state in ("end", "exhausted"):
            self._at_end = True
        elif state == "idle":
            self._at_end = False

    def bind_feed(self, feed: object) -> None:
        """Point the feed's callbacks at this model and use its ``load_older`` as loader."""
        for attr, slot in (
            ("on_insert_newer", self.insert_newer), ("on_append_older", self.append_older),
            ("on_remove", self.remove), ("on_replace", self.replace),
            ("on_gap", self.insert_gap), ("on_state", self.set_state),
            ("on_gap_filled", self.gap_filled),
        ):
            setattr(feed, attr, slot)
        load_older = getattr(feed, "load_older", None)
        if callable(load_older):
            self.loader = load_older
        rows = getattr(feed, "rows", None)
        self._source = rows if isinstance(rows, list) else None

    @property
    def live(self) -> bool:
        """The view shows the newest post (see ``set_live``)."""
        return self._live

    def set_live(self, live: bool) -> None:
        """The view shows the newest post (True) or the user reads further down (False).

        A live model bound to a feed keeps at most ``LIVE_WINDOW_ROWS`` rows.
        """
        self._live = live

    def _backfill(self, count: int) -> bool:
        """Append up to ``count`` feed rows that a trim removed; False if there are none."""
        source = self._source
        after = -1
        if source is not None and self._ids:
            last = self._ids[-1]
            after = next((i for i, row in enumerate(source) if row.id == last), -1)
        if source is None or after < 0 or after + 1 >= len(source):
            self._tail_trimmed = False
            return False
        rows = source[after + 1:after + 1 + count]
        if after + 1 + count >= len(source):
            self._tail_trimmed = False
        self.append_older(rows)
        return True

    def backfill_to(self, item_id: str) -> bool:
        """Bring back trimmed feed rows down to ``item_id``; True if it is then a row."""
        while item_id not in self._by_id and self._tail_trimmed:
            self._backfill(BACKFILL_PAGE)
        return item_id in self._by_id

    # --- lookups ---------------------------------------------------------------------------

    def row_of(self, item_id: str) -> int:
        """Row of ``item_id``, or -1."""
        if item_id not in self._by_id:
            return -1
        if self._row_of is None:
            self._row_of = {row.id: i for i, row in enumerate(self._rows)}
        return self._row_of.get(item_id, -1)

    def item(self, row: int) -> Row | None:
        """The row object at ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def find(self, item_id: str) -> Row | None:
        """The row object with id ``item_id`` (buffered arrivals are inserted first)."""
        if self._pending:
            self.flush()
        return self._by_id.get(item_id)

    def detached(self, row: Row) -> DetachedIndex:
        """``row`` (a buffered arrival) readable like an index of this model."""
        return DetachedIndex(row, self._getters)

    def layout_key_at(self, row: int) -> tuple[str, tuple[object, ...]] | None:
        """``LayoutKeyRole`` of ``row`` without a trip through ``QVariant`` (delegate hot path)."""
        ids = self._ids
        if not 0 <= row < len(ids):
            return None
        rid = ids[row]
        if not (self._expanded or self._revealed or self._versions or self._gaps_loading):
            return (rid, _PLAIN_STATE)
        return (rid, (rid in self._expanded, rid in self._revealed, self._versions.get(rid, 0),
                      rid in self._gaps_loading))

    def ids(self) -> list[str]:
        """All row ids, top to bottom (buffered arrivals are inserted first)."""
        self.flush()
        return [row.id for row in self._rows]

    def newer_count_since(self, anchor_id: str) -> int:
        """How many posts (not gaps) sit above ``anchor_id``: the "N new posts" figure."""
        row = self.row_of(anchor_id)
        if row <= 0:
            return 0
        return sum(1 for r in self._rows[:row] if not is_gap(r))

    # --- ingest ----------------------------------------------------------------------------

    def _accept(self, items: Iterable[Row]) -> list[Row]:
        """New, non-hidden rows of ``items`` (existing ids are replaced in place instead)."""
        fresh: dict[str, Row] = {}
        for item in items:
            if item.id in self._by_id:
                self.replace(item)
                continue
            status = status_of(item)
            match = filter_match(status, self.filter_context)
            if match is not None and match[0] == "hide":
                continue
            fresh[item.id] = item
        return list(fresh.values())

    def insert_newer(self, items: Sequence[Row]) -> None:
        """Add newer items (feed ``on_insert_newer``) above the current ones."""
        if self.coalesce_ms > 0 and (self._rows or self._pending):
            self._pending.append(items)
            for item in items:
                # Sanitize now, spread over the arrivals, rather than all in the frame that
                # inserts and lays out the batch (the result waits in the shared cache).
                status = status_of(item)
                if status is not None and status.original.content:
                    sanitized(status.original.content)
            if not self._flush_timer.isActive():
                self._flush_timer.start(self.coalesce_ms)
            fresh = [item for item in items if item.id not in self._by_id]
            if fresh:
                self.rowsBuffered.emit(fresh)
            return
        self._insert_newer_now(items)

    def _flush_due(self) -> None:
        # One streaming batch per frame across all models: the relayout and repaint of two
        # columns never land in the same event-loop pass (the deck would stall for both).
        now = time.monotonic()
        wait = _stream_gate[0] + _FRAME_S - now
        if wait > 0:
            self._flush_timer.start(max(1, math.ceil(wait * 1000)))
            return
        _stream_gate[0] = now
        self.flush()

    def flush(self) -> None:
        """Insert the newer items buffered by ``coalesce_ms`` now."""
        if not self._pending:
            return
        self._flush_timer.stop()
        # Each arrival is newest first and later arrivals are newer: latest arrival on top,
        # exactly as if every arrival had been inserted on its own.
        batches, self._pending = self._pending, []
        self._insert_newer_now([row for batch in reversed(batches) for row in batch])

    def _insert_newer_now(self, items: Sequence[Row]) -> None:
        # The feed delivers newest first; the order given is kept (no re-sorting).
        fresh = self._accept(items)
        if fresh:
            self._insert_block(0, fresh)
            self._trim(keep_top=True)

    def append_older(self, items: Sequence[Row]) -> None:
        """Add items below the current ones, in the order given (feed ``on_append_older``).

        Thread views pass ancestors → post → descendants; the order is theirs to choose.
        """
        self.flush()
        fresh = self._accept(items)
        if fresh:
            self._insert_block(len(self._rows), fresh)
            self._trim(keep_top=False)

    def insert_gap(self, gap: Row) -> None:
        """Insert a "load missing posts" row at its place by ``sort_id`` (feed ``on_gap``)."""
        self.flush()
        if gap.id in self._by_id:
            self.replace(gap)
            return
        self._insert_block(self._position(gap), [gap])

    def _position(self, row: Row) -> int:
        key = sort_key(row)
        gap = is_gap(row)
        for i, existing in enumerate(self._rows):
            other = sort_key(existing)
            if other < key or (gap and other == key):
                return i
        return len(self._rows)

    def gap_filled(self, gap: Row, items: Sequence[Row], rest: Row | None) -> None:
        """Feed ``on_gap_filled``: replace ``gap`` by ``items`` (and a smaller gap ``rest``)."""
        self.flush()
        row = self.row_of(gap.id)
        if row < 0:
            self.insert_newer(items)
            return
        self._remove_rows(row, 1)
        fresh = self._accept(items)
        fresh.sort(key=sort_key, reverse=True)
        block = [*([rest] if rest is not None and rest.id not in self._by_id else []), *fresh]
        if block:
            self._insert_block(min(row, len(self._rows)), block)
        self._trim(keep_top=True)

    def _insert_block(self, at: int, rows: list[Row]) -> None:
        self.beginInsertRows(QModelIndex(), at, at + len(rows) - 1)
        self._rows[at:at] = rows
        self._ids[at:at] = [row.id for row in rows]
        for row in rows:
            self._register(row)
        self._row_of = None
        self.endInsertRows()

    def _register(self, row: Row) -> None:
        self._by_id[row.id] = row
        for account in self._accounts_of(row):
            self.identities.update(account)
            self._authors.setdefault(account.id, set()).add(row.id)

    def _unregister(self, row: Row) -> None:
        self._by_id.pop(row.id, None)
        self._derived.pop(row.id, None)
        self._versions.pop(row.id, None)
        self._expanded.discard(row.id)
        self._revealed.discard(row.id)
        self._gaps_loading.discard(row.id)
        for account in self._accounts_of(row):
            ids = self._authors.get(account.id)
            if ids is not None:
                ids.discard(row.id)
                if not ids:
                    del self._authors[account.id]

    @staticmethod
    def _accounts_of(row: Row) -> list[Account]:
        accounts: list[Account] = []
        note = notification_of(row)
        if note is not None:
            accounts.append(note.account)
        status = status_of(row)
        if status is not None:
            accounts.append(status.account)
            if status.reblog is not None:
                accounts.append(status.reblog.account)
        return [a for a in accounts if a.id]

    def _trim(self, *, keep_top: bool) -> None:
        cap = self.max_rows
        if keep_top and self._live and self._source is not None:
            cap = min(cap, LIVE_WINDOW_ROWS)
        extra = len(self._rows) - cap
        if extra <= 0:
            return
        first = len(self._rows) - extra if keep_top else 0
        self._remove_rows(first, extra)
        if keep_top and self._source is not None:
            self._tail_trimmed = True
        self.rowsTrimmed.emit(extra)

    def _remove_rows(self, first: int, count: int) -> None:
        self.beginRemoveRows(QModelIndex(), first, first + count - 1)
        removed = self._rows[first:first + count]
        del self._rows[first:first + count]
        del self._ids[first:first + count]
        for row in removed:
            self._unregister(row)
        self._row_of = None
        self.endRemoveRows()

    def clear(self) -> None:
        """Drop every row (and the buffered arrivals)."""
        self._flush_timer.stop()
        self._pending = []
        self.beginResetModel()
        for row in self._rows:
            self._unregister(row)
        self._rows.clear()
        self._ids.clear()
        self._row_of = None
        self._at_end = False
        self._tail_trimmed = False
        self.endResetModel()

    # --- mutations -------------------------------------------------------------------------

    def remove(self, item_id: str) -> bool:
        """Remove ``item_id`` (deleted status, filled gap; feed ``on_remove``)."""
        self.flush()
        row = self.row_of(item_id)
        if row < 0:
            return False
        self._remove_rows(row, 1)
        return True

    def replace(self, item: Row) -> None:
        """Swap in a newer version of a row; ``dataChanged`` names only the changed roles."""
        self.flush()
        row = self.row_of(item.id)
        if row < 0:
            return
        old = self._rows[row]
        match = filter_match(status_of(item), self.filter_context)
        if match is not None and match[0] == "hide":
            self._remove_rows(row, 1)
            return
        before = self._snapshot(old)
        self._unregister_authors(old)
        self._rows[row] = item
        self._by_id[item.id] = item
        self._derived.pop(item.id, None)
        self._register(item)
        after = self._snapshot(item)
        roles = [role for role, value in after.items() if before.get(role) != value]
        if old is not item:
            roles.insert(0, int(Role.ItemRole))
        if any(r in roles for r in (int(Role.ContentRole), int(Role.SpoilerRole))):
            roles.extend(_TEXT_ROLES)
        if any(r in roles for r in _LAYOUT_SNAPSHOT):
            self._versions[item.id] = self._versions.get(item.id, 0) + 1
            roles.append(int(Role.VersionRole))
        if roles:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, list(dict.fromkeys(roles)))

    def _unregister_authors(self, row: Row) -> None:
        for account in self._accounts_of(row):
            ids = self._authors.get(account.id)
            if ids is not None:
                ids.discard(row.id)

    def _snapshot(self, row: Row) -> dict[int, object]:
        status = status_of(row)
        shown = status.original if status is not None else None
        if shown is None:
            return {int(Role.KindRole): self._kind(row)}
        match = filter_match(status, self.filter_context)
        return {
            int(Role.KindRole): self._kind(row),
            int(Role.ContentRole): (shown.content, tuple(e.shortcode for e in shown.emojis)),
            int(Role.SpoilerRole): shown.spoiler_text,
            int(Role.MediaRole): shown.media_attachments,
            int(Role.SensitiveRole): shown.sensitive,
            int(Role.CountsRole): (shown.replies_count, shown.reblogs_count,
                                   shown.favourites_count),
            int(Role.FavouritedRole): bool(shown.favourited),
            int(Role.RebloggedRole): bool(shown.reblogged),
            int(Role.BookmarkedRole): bool(shown.bookmarked),
            int(Role.PollRole): shown.poll,
            int(Role.CardRole): shown.card,
            int(Role.FilterRole): match[1] if match is not None else "",
            int(Role.EditedRole): shown.edited_at,
            int(Role.QuoteRole): repr(shown.quote),
            int(Role.IsBoostRole): status is not None and status.is_boost,
            int(Role.VisibilityRole): shown.visibility,
        }

    def _change(self, item_id: str, roles: Sequence[int]) -> None:
        row = self.row_of(item_id)
        if row >= 0:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, list(roles))

    def set_expanded(self, item_id: str, expanded: bool | None = None) -> None:
        """Open/close the content warning (or filter warning) of ``item_id``; None toggles."""
        self._toggle(self._expanded, item_id, expanded, Role.ExpandedRole)

    def set_revealed(self, item_id: str, revealed: bool | None = None) -> None:
        """Show/hide sensitive media of ``item_id``; None toggles."""
        self._toggle(self._revealed, item_id, revealed, Role.SensitiveRevealedRole)

    def set_gap_loading(self, item_id: str, loading: bool) -> None:
        """Mark a gap row as being filled (it paints "Loading…")."""
        self._toggle(self._gaps_loading, item_id, loading, Role.GapLoadingRole)

    def _toggle(self, bucket: set[str], item_id: str, value: bool | None, role: Role) -> None:
        if item_id not in self._by_id:
            return
        new = (item_id not in bucket) if value is None else value
        if new == (item_id in bucket):
            return
        if new:
            bucket.add(item_id)
        else:
            bucket.discard(item_id)
        roles = [int(role)]
        if role is Role.ExpandedRole:
            derived = self._derived.get(item_id)
            if derived is not None:
                derived.text = None
            roles.extend(_TEXT_ROLES)
        self._change(item_id, roles)

    def _on_account_changed(self, account_id: str) -> None:
        for item_id in tuple(self._authors.get(account_id, ())):
            self._derived.pop(item_id, None)
            self._change(item_id, AUTHOR_ROLES)

    # --- role getters ----------------------------------------------------------------------

    def _layout_key(self, row: Row) -> tuple[str, tuple[object, ...]]:
        # One call per sizeHint: QListView asks for every row on each relayout.
        rid = row.id
        return (rid, (rid in self._expanded, rid in self._revealed, self._versions.get(rid, 0),
                      rid in self._gaps_loading))

    def _kind(self, row: Row) -> str:
        if notification_of(row) is not None:
            return "notification"
        return "gap" if is_gap(row) else "status"

    def _derived_of(self, row: Row) -> _Derived:
        derived = self._derived.get(row.id)
        if derived is None:
            derived = self._derived[row.id] = _Derived()
        return derived

    def content(self, row: Row) -> SafeContent | None:
        """Sanitized content of the shown status (computed once per version)."""
        status = status_of(row)
        if status is None:
            return None
        derived = self._derived_of(row)
        if derived.content is None:
            derived.content = sanitized(status.original.content)
        return derived.content

    def author(self, row: Row) -> Account | None:
        """Shared identity of the shown status' author (or the notification's account)."""
        status = status_of(row)
        if status is not None:
            return self.identities.get(status.original.account)
        note = notification_of(row)
        return self.identities.get(note.account) if note is not None else None

    def accessible_text(self, row: Row) -> str:
        """Screen-reader text: who, when, what (CW and filter respected)."""
        derived = self._derived_of(row)
        if derived.text is not None:
            return derived.text
        if is_gap(row):
            return _("Missing posts. Activate to load them.")
        status = status_of(row)
        note = notification_of(row)
        parts: list[str] = []
        if note is not None:
            who = self.identities.get(note.account).name
            count = int(getattr(note, "notifications_count", 1) or 1)
            kind = NOTIFICATION_KINDS.get(note.type)
            said = notification_text(note.type, who, count) if count > 1 else None
            if said is not None:  # a group: "Ada and 3 others favourited your post."
                parts.append(f"{said}.")
            else:
                # TRANSLATORS: screen-reader text; {kind} is e.g. "mention" or "follow
                # request".
                parts.append(_("{name}: {kind} notification.").format(
                    name=who, kind=_(kind) if kind is not None else note.type.replace("_", " ")))
        if status is not None:
            shown = status.original
            author = self.identities.get(shown.account)
            if status.is_boost:
                parts.append(_("{name} boosted.").format(
                    name=self.identities.get(status.account).name))
            age = spoken_age(shown.created_at, self.now())
            # TRANSLATORS: screen-reader text before a post; {age} is e.g. "5 minutes ago".
            parts.append(_("{name} (@{acct}), {age}:").format(
                name=author.name, acct=author.acct, age=age))
            match = filter_match(status, self.filter_context)
            opened = row.id in self._expanded
            if match is not None and not opened:
                parts.append(_("Filtered: {title}.").format(title=match[1]))
            elif shown.spoiler_text and not opened:
                parts.append(_("Content warning: {text}.").format(text=shown.spoiler_text))
            else:
                if shown.spoiler_text:
                    parts.append(_("Content warning: {text}.").format(text=shown.spoiler_text))
                safe = self.content(row)
                parts.append(plain_text(safe.html) if safe is not None else "")
            if shown.media_attachments:
                count = len(shown.media_attachments)
                parts.append(ngettext("{n} attachment.", "{n} attachments.", count).format(
                    n=QLocale().toString(count)))
        derived.text = " ".join(p for p in parts if p)
        return derived.text

    def _build_getters(self) -> dict[int, Callable[[Row], Any]]:
        def shown(row: Row) -> Status | None:
            status = status_of(row)
            return status.original if status is not None else None

        def attr(name: str, default: Any = None) -> Callable[[Row], Any]:
            def get(row: Row) -> Any:
                s = shown(row)
                return getattr(s, name) if s is not None else default
            return get

        def handle(row: Row) -> str:
            author = self.author(row)
            return f"@{author.acct}" if author is not None else ""

        def booster(row: Row) -> Account | None:
            status = status_of(row)
            return self.identities.get(status.account) if status and status.is_boost else None

        def reply_to(row: Row) -> str:
            s = shown(row)
            if s is None or not s.in_reply_to_id:
                return ""
            if s.in_reply_to_account_id == s.account.id:
                return f"@{s.account.acct}"
            for m in s.mentions:
                if m.id == s.in_reply_to_account_id:
                    return f"@{m.acct}"
            return "…"

        def filter_title(row: Row) -> str:
            match = filter_match(status_of(row), self.filter_context)
            return match[1] if match is not None else ""

        def created(row: Row) -> datetime | None:
            s = shown(row)
            note = notification_of(row)
            return note.created_at if note is not None else (s.created_at if s else None)

        def counts(row: Row) -> tuple[int, int, int]:
            s = shown(row)
            if s is None:
                return (0, 0, 0)
            return (s.replies_count, s.reblogs_count, s.favourites_count)

        def author_name(row: Row) -> str:
            author = self.author(row)
            return author.name if author is not None else ""

        def avatar(row: Row) -> str:
            author = self.author(row)
            return (author.avatar_static or author.avatar) if author is not None else ""

        def note_account(row: Row) -> Account | None:
            note = notification_of(row)
            return self.identities.get(note.account) if note is not None else None

        g: dict[int, Callable[[Row], Any]] = {
            int(Role.ItemRole): lambda r: r,
            int(Role.IdRole): lambda r: r.id,
            int(Role.KindRole): self._kind,
            int(Role.AuthorNameRole): author_name,
            int(Role.AuthorHandleRole): handle,
            int(Role.AvatarRole): avatar,
            int(Role.AuthorRole): self.author,
            int(Role.AuthorEmojisRole): lambda r: (a.emojis if (a := self.author(r)) else ()),
            int(Role.ContentRole): self.content,
            int(Role.PlainTextRole): self.accessible_text,
            _DISPLAY: self.accessible_text,
            _ACCESSIBLE: self.accessible_text,
            int(Role.CreatedAtRole): created,
            int(Role.IsBoostRole): lambda r: bool((s := status_of(r)) and s.is_boost),
            int(Role.BoostedByRole): booster,
            int(Role.SpoilerRole): attr("spoiler_text", ""),
            int(Role.ExpandedRole): lambda r: r.id in self._expanded,
            int(Role.MediaRole): attr("media_attachments", ()),
            int(Role.SensitiveRole): attr("sensitive", False),
            int(Role.SensitiveRevealedRole): lambda r: r.id in self._revealed,
            int(Role.CountsRole): counts,
            int(Role.FavouritedRole): lambda r: bool(attr("favourited")(r)),
            int(Role.RebloggedRole): lambda r: bool(attr("reblogged")(r)),
            int(Role.BookmarkedRole): lambda r: bool(attr("bookmarked")(r)),
            int(Role.PollRole): attr("poll"),
            int(Role.CardRole): attr("card"),
            int(Role.FilterRole): filter_title,
            int(Role.EditedRole): lambda r: attr("edited_at")(r) is not None,
            int(Role.QuoteRole): attr("quoted_status"),
            int(Role.ReplyToRole): reply_to,
            int(Role.NotificationTypeRole): lambda r: (n.type if (n := notification_of(r))
                                                       else ""),
            int(Role.NotificationAccountRole): note_account,
            int(Role.VersionRole): lambda r: self._versions.get(r.id, 0),
            int(Role.GapLoadingRole): lambda r: r.id in self._gaps_loading,
            int(Role.EmojisRole): attr("emojis", ()),
            int(Role.StatusRole): shown,
            int(Role.VisibilityRole): attr("visibility", ""),
            int(Role.LayoutKeyRole): self._layout_key,
        }
        return g


_PLAIN_STATE = (False, False, 0, False)
_LAYOUT_SNAPSHOT = (
    int(Role.ContentRole), int(Role.SpoilerRole), int(Role.MediaRole), int(Role.PollRole),
    int(Role.CardRole), int(Role.FilterRole), int(Role.EditedRole), int(Role.QuoteRole),
    int(Role.KindRole), int(Role.IsBoostRole),
)
