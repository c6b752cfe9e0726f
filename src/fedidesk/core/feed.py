"""``TimelineFeed``: the Qt-free controller behind one deck column.

The UI model subscribes through plain callback attributes (all optional, called on the loop):

* ``on_insert_newer(items)``: rows newer than everything shown, newest first: put on top.
* ``on_append_older(items)``: rows older than everything shown, newest first: append.
* ``on_remove(item_id)``: drop the row whose ``TimelineItem.id`` is ``item_id``.
* ``on_replace(item)``: swap the row with the same ``id`` (edited post, poll update).
* ``on_gap(gap)``: insert a "load missing posts" row **at the top**; it always arrives
  between the two ``on_insert_newer`` batches it separates.
* ``on_gap_filled(gap, items, rest)``: replace the gap row by ``[rest] + items`` (``rest`` is
  the smaller ``Gap`` still missing above those items, or ``None``).
* ``on_state(state)``: a ``FeedState`` value; ``on_error(error)``: a ``FedideskError`` to show.
* ``on_filters_changed()``: the server's filters changed (refetch them).

Lifecycle: ``start()`` shows cached rows at once, catches up over REST, then streams (or
polls every 20–40 s where there is no stream, and while the stream is down). Every
(re)connect, ``resume()`` and poll runs ``refresh()``: page forward from the newest known id
with ``min_id`` (``Link rel="prev"``) until a page is empty or overlaps what the stream
delivered meanwhile (buffered, bounded, deduped), then deliver everything in order. After
``page_cap`` pages the rest becomes a visible ``Gap`` that ``fill_gap()`` closes later.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fedidesk.core.api import MastodonApi, Paging
from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.columns import (
    ColumnKind,
    ColumnSpec,
    TimelineItem,
    accepts,
    api_for,
    fetch_page,
    stream_for,
)
from fedidesk.core.entities import Notification, Status, status_sort_key
from fedidesk.core.errors import AuthExpiredError, FedideskError
from fedidesk.core.notifgroups import group_item, merge
from fedidesk.core.storage import Database
from fedidesk.core.streaming import (
    ConversationEvent,
    Delete,
    FiltersChanged,
    NotificationEvent,
    NotificationsMerged,
    StatusUpdate,
    StreamConnection,
    StreamEvent,
    StreamState,
    Update,
    has_streaming,
    streaming_base,
)
from fedidesk.core.timelinecache import TimelineCache

log = logging.getLogger("fedidesk.feed")

READ_NAMESPACE = "read_position"
_MARKER_TIMELINES = {ColumnKind.HOME: "home", ColumnKind.NOTIFICATIONS: "notifications"}


class FeedState(StrEnum):
    """What a column header can show."""

    LOADING = "loading"
    LIVE = "live"  # streaming
    POLLING = "polling"  # no stream (server without streaming, or reconnecting)
    OFFLINE = "offline"  # requests fail
    PAUSED = "paused"
    AUTH_EXPIRED = "auth_expired"
    CLOSED = "closed"


@dataclass(frozen=True)
class Gap:
    """Missing rows between ``older_id`` and ``newer_id`` (``sort_id`` values, exclusive)."""

    older_id: str
    newer_id: str

    @property
    def id(self) -> str:
        return f"gap:{self.older_id}:{self.newer_id}"


Row = TimelineItem | Gap


def _key(sort_id: str) -> tuple[int, str]:
    return status_sort_key(sort_id)


def _newest_first(items: Iterable[TimelineItem]) -> list[TimelineItem]:
    return sorted(items, key=lambda i: _key(i.sort_id), reverse=True)


def _noop(*_args: Any) -> None:
    return None


class TimelineFeed:
    """One column's rows, kept current over REST + streaming. See the module docstring."""

    def __init__(
        self,
        api: MastodonApi,
        spec: ColumnSpec,
        *,
        cache: TimelineCache | None = None,
        db: Database | None = None,
        token: str | None = None,
        streaming: bool = True,
        streaming_url: str | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        poll_interval: tuple[float, float] = (20.0, 40.0),
        page_cap: int = 10,
        page_limit: int = 40,
        max_buffer: int = 1000,
        max_rows: int = 5000,
        marker_debounce: float = 3.0,
        stream_options: dict[str, Any] | None = None,
    ) -> None:
        self.account_api = api
        self.api = api_for(spec, api)
        self.spec = spec
        self.cache = cache
        self.db = db if db is not None else (cache.db if cache is not None else None)
        self._token = token if token is not None else getattr(api, "_token", None)
        self.stream_spec = stream_for(spec) if streaming else None
        self._streaming_url = streaming_url
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self.poll_interval = poll_interval
        self.page_cap = page_cap
        self.page_limit = page_limit
        self.max_buffer = max_buffer
        self.max_rows = max(1, max_rows)
        self.marker_debounce = marker_debounce
        self.stream_options = stream_options or {}

        self.on_insert_newer: Callable[[list[TimelineItem]], None] = _noop
        self.on_append_older: Callable[[list[TimelineItem]], None] = _noop
        self.on_remove: Callable[[str], None] = _noop
        self.on_replace: Callable[[TimelineItem], None] = _noop
        self.on_gap: Callable[[Gap], None] = _noop
        self.on_gap_filled: Callable[[Gap, list[TimelineItem], Gap | None], None] = _noop
        self.on_state: Callable[[str], None] = _noop
        self.on_error: Callable[[FedideskError], None] = _noop
        self.on_filters_changed: Callable[[], None] = _noop

        self.rows: list[Row] = []  # newest first, exactly what the UI shows
        self._ids: set[str] = set()
        self._top: str | None = None  # newest sort_id fetched (filtered rows included)
        self._bottom: str | None = None  # oldest sort_id fetched
        self._older_params: dict[str, str] | None = None
        self._older_done = False
        self.state = FeedState.LOADING
        self.connection: StreamConnection | None = None
        self._lock = asyncio.Lock()
        self._older_lock = asyncio.Lock()
        self._filling = False
        self._refreshes = 0
        self._generation = 0  # bumped on every stream (re)connect
        self._refresh_generation = 0
        self._buffer: list[StreamEvent] = []
        self._overflowed = False
        self._poll_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._paused = False
        self._closed = False
        self._pending_marker: str | None = None
        self._marker_task: asyncio.Task[None] | None = None

    # --- public API -----------------------------------------------------------

    @property
    def items(self) -> list[TimelineItem]:
        """The shown items (gaps left out), newest first."""
        return [r for r in self.rows if isinstance(r, TimelineItem)]

    @property
    def gaps(self) -> list[Gap]:
        return [r for r in self.rows if isinstance(r, Gap)]

    async def start(self) -> None:
        """Show cached rows, catch up over REST, then stream or poll."""
        self._set_state(FeedState.LOADING)
        if self.cache is not None:
            cached = [i for i in self.cache.load(self.spec.key) if accepts(self.spec, i)]
            if cached:
                self._note_cursors(cached)
                self._insert_top(cached)
        await self.refresh()
        await self._go_live()

    async def refresh(self) -> None:
        """Catch up from the newest known row; never skips silently (see ``Gap``)."""
        self._refreshes += 1
        self._filling = True
        await self._run_refresh()

    def _request_refresh(self) -> None:
        # Counted synchronously so stream events stay buffered until the catch-up merges.
        self._refreshes += 1
        self._filling = True
        self._spawn(self._run_refresh())

    async def _run_refresh(self) -> None:
        try:
            async with self._lock:
                if self._closed:
                    return
                self._refresh_generation = self._generation
                try:
                    await self._catch_up()
                except AuthExpiredError as exc:
                    self._auth_expired(exc)
                except FedideskError as exc:
                    log.info("refreshing %s failed: %s", self.spec.key, exc)
                    self._flush_buffer_after_failure()
                    self._set_state(FeedState.OFFLINE)
                    self.on_error(exc)
                else:
                    if self.state in (FeedState.OFFLINE, FeedState.LOADING):
                        self._set_state(self._idle_state())
                    self._save_cache()
        finally:
            self._refreshes -= 1
            if self._refreshes <= 0:
                self._refreshes = 0
                self._filling = False
                leftover, self._buffer = self._buffer, []
                for event in leftover:
                    self._apply(event)
            if self._overflowed and not self._closed:
                self._overflowed = False
                self._request_refresh()

    async def load_older(self) -> list[TimelineItem]:
        """Append the next older page (``max_id``); ``[]`` at the end or on error (reported)."""
        async with self._older_lock:
            if self._older_done:
                return []
            paging: Paging = {"limit": self.page_limit}
            if self.spec.id_ordered and self._bottom is not None:
                paging["max_id"] = self._bottom
            elif not self.spec.id_ordered and self.rows:
                if self._older_params is None:
                    self._older_done = True
                    return []
                paging.update(self._older_params)  # type: ignore[typeddict-item]
            try:
                page = await fetch_page(self.api, self.spec, paging)
            except FedideskError as exc:
                log.info("loading older rows of %s failed: %s", self.spec.key, exc)
                if isinstance(exc, AuthExpiredError):
                    self._auth_expired(exc)
                self.on_error(exc)
                return []
            self._note_cursors(page.items)
            self._older_params = page.next_params
            if not page.items or (not self.spec.id_ordered and page.next_params is None):
                self._older_done = True
            fresh = [i for i in page.items if i.id not in self._ids and accepts(self.spec, i)]
            if fresh:
                self.rows.extend(fresh)
                self._ids.update(i.id for i in fresh)
                self._emit(self.on_append_older, fresh)
            return fresh

    async def fill_gap(self, gap: Gap) -> list[TimelineItem]:
        """Load what ``gap`` is missing (up to ``page_cap`` pages); see ``on_gap_filled``."""
        async with self._lock:
            if gap not in self.rows:
                return []
            try:
                items, closed, highest = await self._page_forward(gap.older_id, gap.newer_id)
            except FedideskError as exc:
                self.on_error(exc)
                return []
            fresh = _newest_first(i for i in items if accepts(self.spec, i))
            rest = None if closed else Gap(highest or gap.older_id, gap.newer_id)
            index = self.rows.index(gap)
            self.rows[index:index + 1] = [*([rest] if rest else []), *fresh]
            self._ids.update(i.id for i in fresh)
            self._emit(self.on_gap_filled, gap, fresh, rest)
            return fresh

    async def pause(self) -> None:
        """Stop streaming and polling (suspend, network loss, hidden column)."""
        self._paused = True
        await self._stop_live()
        self._save_cache()
        self._set_state(FeedState.PAUSED)

    async def resume(self) -> None:
        """Fill the gap since ``pause()`` and go live again."""
        if self._closed:
            return
        self._paused = False
        self._set_state(FeedState.LOADING)
        await self.refresh()
        await self._go_live()

    async def close(self) -> None:
        """Stop everything, save the cache and a pending read marker."""
        self._paused = True
        await self._stop_live()
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.flush_read_position()
        self._save_cache()
        if self.api is not self.account_api:
            await self.api.aclose()
        self._set_state(FeedState.CLOSED)

    # --- read position --------------------------------------------------------

    async def read_position(self) -> str | None:
        """The last read ``sort_id``: the server's marker (home/notifications) or local."""
        timeline = _MARKER_TIMELINES.get(self.spec.kind)
        if timeline is not None:
            try:
                markers = await self.account_api.markers([timeline])
            except FedideskError as exc:
                log.info("markers unavailable (%s); using the local read position", exc)
            else:
                marker = markers.get(timeline)
                if marker is not None and marker.last_read_id:
                    return marker.last_read_id
        return self._local_position()

    def save_read_position(self, sort_id: str) -> None:
        """Remember ``sort_id`` locally now; send the marker after ``marker_debounce`` s."""
        if self.db is not None:
            self.db.execute(
                "INSERT OR REPLACE INTO kv (namespace, key, value, updated_at) VALUES (?,?,?,?)",
                (READ_NAMESPACE, self.spec.key, sort_id, self.clock.time()))
        if self.spec.kind not in _MARKER_TIMELINES:
            return
        self._pending_marker = sort_id
        if self._marker_task is None or self._marker_task.done():
            self._marker_task = self._spawn(self._send_marker_later())

    async def flush_read_position(self) -> None:
        """Send a pending marker now."""
        sort_id, self._pending_marker = self._pending_marker, None
        timeline = _MARKER_TIMELINES.get(self.spec.kind)
        if sort_id is None or timeline is None:
            return
        try:
            await self.account_api.set_markers(**{timeline: sort_id})
        except FedideskError as exc:
            log.info("could not save the %s marker: %s", timeline, exc)

    def _local_position(self) -> str | None:
        if self.db is None:
            return None
        rows = self.db.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?",
                               (READ_NAMESPACE, self.spec.key))
        return str(rows[0]["value"]) if rows else None

    async def _send_marker_later(self) -> None:
        await self.clock.sleep(self.marker_debounce)
        await self.flush_read_position()

    # --- catching up ----------------------------------------------------------

    async def _catch_up(self) -> None:
        if not self.spec.id_ordered or self._top is None:
            await self._refresh_snapshot()
            return
        start = self._top
        items, closed, highest = await self._page_forward(start, None)
        above: list[TimelineItem] = []
        gap = None
        if not closed:
            page = await fetch_page(self.api, self.spec, {"limit": self.page_limit})
            self._note_cursors(page.items)
            seen = {i.id for i in items}
            above = [i for i in page.items if i.id not in seen]
            if highest is not None and (len(above) < len(page.items) or any(
                    _key(i.sort_id) <= _key(highest) for i in page.items)):
                above = [i for i in above if _key(i.sort_id) > _key(highest)]
            elif above:
                gap = Gap(highest or start, min((i.sort_id for i in above), key=_key))
        self._deliver(items, gap, above)

    async def _page_forward(
        self, start: str, stop: str | None
    ) -> tuple[list[TimelineItem], bool, str | None]:
        """Page newer than ``start`` (``min_id``) up to ``page_cap`` pages.

        Returns the items (deduped against shown rows and buffered stream items), whether
        the range is closed (empty page, overlap, or ``stop`` reached) and the highest
        ``sort_id`` fetched.
        """
        buffered = self._buffered_ids()
        collected: dict[str, TimelineItem] = {}
        cursor, highest = start, None
        for _ in range(self.page_cap):
            page = await fetch_page(self.api, self.spec, {"min_id": cursor,
                                                          "limit": self.page_limit})
            if not page.items:
                return list(collected.values()), True, highest
            self._note_cursors(page.items)
            overlap = False
            for item in page.items:
                if stop is not None and _key(item.sort_id) >= _key(stop):
                    overlap = True
                    continue
                if item.id in self._ids or item.id in buffered:
                    overlap = True
                    continue
                collected[item.id] = item
            newest = max((i.sort_id for i in page.items), key=_key)
            highest = newest if highest is None or _key(newest) > _key(highest) else highest
            if overlap:
                return list(collected.values()), True, highest
            prev = (page.prev_params or {}).get("min_id")
            cursor = prev if prev and _key(prev) > _key(cursor) else newest
        return list(collected.values()), False, highest

    async def _refresh_snapshot(self) -> None:
        page = await fetch_page(self.api, self.spec, {"limit": self.page_limit})
        self._note_cursors(page.items)
        if not self.rows:
            self._older_params = page.next_params
            self._older_done = page.next_params is None and not self.spec.id_ordered
        replaced = {i.id: i for i in page.items if i.id in self._ids}
        for item in replaced.values():
            self._replace_row(item)
        fresh = [i for i in page.items if i.id not in self._ids]
        self._deliver(fresh, None, [])

    def _deliver(self, below: list[TimelineItem], gap: Gap | None,
                 above: list[TimelineItem]) -> None:
        """Insert fetched rows (and buffered stream rows) on top, in order, with ``gap``."""
        pending = self._drain_buffer()
        stream_items = [i for i in pending if i.id not in self._ids]
        lower = [i for i in below if accepts(self.spec, i)]
        upper = {i.id: i for i in above if accepts(self.spec, i)}
        if gap is None:
            lower_map = {i.id: i for i in lower}
            lower_map.update({i.id: i for i in stream_items})
            merged = list(lower_map.values())
            self._insert_top(_newest_first(merged) if self.spec.id_ordered else merged)
            return
        upper.update({i.id: i for i in stream_items})
        self._insert_top(_newest_first(lower))
        self._insert_gap(gap)
        self._insert_top(_newest_first(upper.values()))

    # --- live -----------------------------------------------------------------

    async def _go_live(self) -> None:
        if self._paused or self._closed or self.state is FeedState.AUTH_EXPIRED:
            return
        base = await self._stream_base() if self.stream_spec is not None else None
        if base is None or self.stream_spec is None:
            self._start_polling()
            return
        self.connection = StreamConnection(
            base, self._token, self.stream_spec, self._on_stream_event, self._on_stream_state,
            client=self.account_api.client, clock=self.clock, rng=self.rng,
            **self.stream_options)
        self._start_polling()  # until the stream says CONNECTED
        self.connection.start()

    async def _stream_base(self) -> str | None:
        if self._streaming_url is not None:
            return self._streaming_url
        try:
            instance = await self.account_api.instance()
        except FedideskError:
            return self.account_api.base_url
        if not has_streaming(instance):
            return None
        self._streaming_url = streaming_base(self.account_api.base_url, instance)
        return self._streaming_url

    async def _stop_live(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            await connection.close()
        self._stop_polling()

    def _on_stream_state(self, state: StreamState) -> None:
        if self._closed or self._paused:
            return
        if state is StreamState.CONNECTED:
            self._stop_polling()
            self._set_state(FeedState.LIVE)
            self._generation += 1
            self._request_refresh()
        elif state in (StreamState.DISCONNECTED, StreamState.UNSUPPORTED):
            if state is StreamState.UNSUPPORTED:
                self.connection = None
            self._set_state(FeedState.POLLING)
            self._start_polling()
        elif state is StreamState.AUTH_EXPIRED:
            self._auth_expired(AuthExpiredError(detail="streaming: HTTP 401"))

    def _on_stream_event(self, event: StreamEvent) -> None:
        if self._closed:
            return
        if isinstance(event, FiltersChanged):
            self._emit(self.on_filters_changed)
            return
        if isinstance(event, NotificationsMerged):
            self._request_refresh()
            return
        if self._filling and isinstance(event, Update | NotificationEvent | ConversationEvent):
            if len(self._buffer) >= self.max_buffer:
                self._overflowed = True  # dropped; the follow-up refresh fetches it
            else:
                self._buffer.append(event)
            return
        self._apply(event)

    def _apply(self, event: StreamEvent) -> None:
        if isinstance(event, Delete):
            self._delete(event.id)
        elif isinstance(event, StatusUpdate):
            self._status_edited(event.status)
        elif isinstance(event, Update | NotificationEvent | ConversationEvent):
            item = _event_item(event, self.spec)
            if not accepts(self.spec, item):
                return
            if isinstance(event, NotificationEvent) and _grouped(self.spec):
                self._merge_notification(item, event.notification)
                return
            if isinstance(event, ConversationEvent):
                self._remove_where(lambda r: r.kind == "conversation"
                                   and r.entity_id == item.entity_id)
            if item.id in self._ids:
                return
            self._note_cursors([item])
            self._insert_top([item])

    def _merge_notification(self, item: TimelineItem, notification: Notification) -> None:
        """Fold a live notification into its group row (moved to the top), or add one."""
        existing = next((r for r in self.rows
                         if isinstance(r, TimelineItem) and r.id == item.id), None)
        if existing is not None:
            if _key(notification.id) <= _key(existing.sort_id):
                return  # already counted (delivered over REST and the stream)
            assert isinstance(existing.entity, Notification)
            item = TimelineItem("notification", merge(existing.entity, notification),
                                notification.id)
            self._remove_where(lambda r: r.id == existing.id)
        self._note_cursors([item])
        self._insert_top([item])

    def restate(self, change: Callable[[TimelineItem], TimelineItem]) -> int:
        """Swap each row for ``change(row)`` where that is a new object (e.g. new filter
        results); returns how many rows changed."""
        changed = 0
        for index, row in enumerate(self.rows):
            if isinstance(row, TimelineItem):
                new = change(row)
                if new is not row:
                    self.rows[index] = new
                    self._emit(self.on_replace, new)
                    changed += 1
        return changed

    def drop_account(self, account_id: str) -> None:
        """Remove the rows of ``account_id``: their posts and boosts, posts boosted from
        them, and notifications they caused (they were muted or blocked)."""
        def theirs(item: TimelineItem) -> bool:
            status = item.status
            if status is not None and account_id in (status.account.id,
                                                     status.original.account.id):
                return True
            cause = getattr(item.entity, "account", None)
            return getattr(cause, "id", None) == account_id

        self._remove_where(theirs)

    def drop_status(self, status_id: str) -> None:
        """Remove ``status_id``'s rows (and boosts of it): no longer in this column, e.g. a
        bookmark undone in a bookmarks column."""
        self._delete(status_id)

    def _delete(self, status_id: str) -> None:
        self._buffer = [e for e in self._buffer
                        if not (isinstance(e, Update) and e.status.id == status_id)]

        def doomed(item: TimelineItem) -> bool:
            status = item.status
            return status is not None and (status.id == status_id or (
                status.reblog is not None and status.reblog.id == status_id))

        self._remove_where(doomed)

    def _status_edited(self, status: Status) -> None:
        for row in list(self.rows):
            if not isinstance(row, TimelineItem) or row.status is None:
                continue
            entity, current = row.entity, row.status
            if current.id == status.id:
                new_status = status
            elif current.reblog is not None and current.reblog.id == status.id:
                new_status = dataclasses.replace(current, reblog=status)
            else:
                continue
            if isinstance(entity, Status):
                self._replace_row(dataclasses.replace(row, entity=new_status))
            elif isinstance(entity, Notification):
                self._replace_row(dataclasses.replace(
                    row, entity=dataclasses.replace(entity, status=new_status)))

    # --- polling --------------------------------------------------------------

    def _start_polling(self) -> None:
        if self._poll_task is None or self._poll_task.done():
            self._poll_task = asyncio.ensure_future(self._poll_loop())

    def _stop_polling(self) -> None:
        task, self._poll_task = self._poll_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _poll_loop(self) -> None:
        if self.state not in (FeedState.OFFLINE, FeedState.AUTH_EXPIRED):
            self._set_state(FeedState.POLLING)
        while not (self._closed or self._paused):
            await self.clock.sleep(self.rng.uniform(*self.poll_interval))
            if self.connection is not None and self.connection.state is StreamState.CONNECTED:
                return
            await self.refresh()
            if self.state is FeedState.AUTH_EXPIRED:
                return

    # --- rows -----------------------------------------------------------------

    def _note_cursors(self, items: Iterable[TimelineItem]) -> None:
        if not self.spec.id_ordered:
            return
        for item in items:
            key = _key(item.sort_id)
            if self._top is None or key > _key(self._top):
                self._top = item.sort_id
            if self._bottom is None or key < _key(self._bottom):
                self._bottom = item.sort_id

    def _insert_top(self, items: list[TimelineItem]) -> None:
        items = [i for i in items if i.id not in self._ids]
        if not items:
            return
        self._note_cursors(items)
        self.rows[:0] = items
        self._ids.update(i.id for i in items)
        self._trim_tail()
        self._emit(self.on_insert_newer, items)

    def _trim_tail(self) -> None:
        """Keep the newest ``max_rows`` rows: a column streaming all day must not grow
        without end (memory, and every delete or edit scans the rows). The UI model keeps
        no more (``DEFAULT_MAX_ROWS``); older rows load again over REST on scroll-back."""
        extra = len(self.rows) - self.max_rows
        if extra <= 0 or not self.spec.id_ordered:
            return
        for row in self.rows[-extra:]:
            self._ids.discard(row.id)
        del self.rows[-extra:]
        last = next((r for r in reversed(self.rows) if isinstance(r, TimelineItem)), None)
        self._bottom = last.sort_id if last is not None else None
        self._older_done = False

    def _insert_gap(self, gap: Gap) -> None:
        self.rows.insert(0, gap)
        self._emit(self.on_gap, gap)

    def _replace_row(self, item: TimelineItem) -> None:
        for index, row in enumerate(self.rows):
            if isinstance(row, TimelineItem) and row.id == item.id:
                self.rows[index] = item
                self._emit(self.on_replace, item)

    def _remove_where(self, predicate: Callable[[TimelineItem], bool]) -> None:
        for row in list(self.rows):
            if isinstance(row, TimelineItem) and predicate(row):
                self.rows.remove(row)
                self._ids.discard(row.id)
                self._emit(self.on_remove, row.id)

    def _buffered_ids(self) -> set[str]:
        return {_event_item(e, self.spec).id for e in self._buffer
                if isinstance(e, Update | NotificationEvent | ConversationEvent)}

    def _drain_buffer(self) -> list[TimelineItem]:
        """Buffered stream rows, but only for a catch-up that began after the last connect."""
        if self._refresh_generation != self._generation:
            return []
        events, self._buffer = self._buffer, []
        return [_event_item(e, self.spec) for e in events
                if isinstance(e, Update | NotificationEvent | ConversationEvent)
                and accepts(self.spec, _event_item(e, self.spec))]

    def _flush_buffer_after_failure(self) -> None:
        """The catch-up failed: show buffered stream rows above a visible gap."""
        pending = [i for i in self._drain_buffer() if i.id not in self._ids]
        if not pending:
            return
        if self.spec.id_ordered and self._top is not None:
            self._insert_gap(Gap(self._top, min((i.sort_id for i in pending), key=_key)))
        self._insert_top(_newest_first(pending) if self.spec.id_ordered else pending)

    def _save_cache(self) -> None:
        if self.cache is None:
            return
        contiguous: list[TimelineItem] = []
        for row in self.rows:
            if isinstance(row, Gap):
                break
            contiguous.append(row)
        try:
            self.cache.save(self.spec.key, contiguous)
        except Exception:
            log.exception("could not save the cache of %s", self.spec.key)

    # --- plumbing -------------------------------------------------------------

    def _idle_state(self) -> FeedState:
        if self.connection is not None and self.connection.state is StreamState.CONNECTED:
            return FeedState.LIVE
        return FeedState.POLLING

    def _set_state(self, state: FeedState) -> None:
        if state != self.state:
            self.state = state
            self._emit(self.on_state, state.value)

    def _auth_expired(self, exc: AuthExpiredError) -> None:
        self._set_state(FeedState.AUTH_EXPIRED)
        self._stop_polling()
        self.on_error(exc)

    def _emit(self, callback: Callable[..., None], *args: Any) -> None:
        try:
            callback(*args)
        except Exception:
            log.exception("a feed callback failed")

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("feed task failed", exc_info=task.exception())


def _grouped(spec: ColumnSpec) -> bool:
    return spec.kind is ColumnKind.NOTIFICATIONS and spec.grouped


def _event_item(event: Update | NotificationEvent | ConversationEvent,
                spec: ColumnSpec) -> TimelineItem:
    if isinstance(event, Update):
        return TimelineItem.of(event.status)
    if isinstance(event, NotificationEvent):
        if _grouped(spec):
            return group_item(event.notification)
        return TimelineItem.of(event.notification)
    return TimelineItem.of(event.conversation)
