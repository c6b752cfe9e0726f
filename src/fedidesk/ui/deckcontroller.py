"""Builds deck columns and routes what happens in them.

For each ``ColumnSpec`` it makes the Qt-free ``TimelineFeed`` (REST + streaming + gap fill),
a ``TimelineModel`` bound to it, a ``TimelineView`` with the ``PostDelegate`` and the
``ColumnWidget`` around them. Clicks in posts come back here as signals and become actions
(favourite, boost, bookmark, reply), windows (thread, profile) or safe link openings.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QWidget

from fedidesk.core.columns import ColumnKind, ColumnSpec, TimelineItem
from fedidesk.core.context import AppContext
from fedidesk.core.entities import Relationship, Status
from fedidesk.core.errors import FedideskError
from fedidesk.core.feed import TimelineFeed
from fedidesk.core.filtermatch import compile_filters, refiltered
from fedidesk.core.i18n import _
from fedidesk.core.media import MediaFetcher
from fedidesk.core.timelinecache import TimelineCache
from fedidesk.ui.actions import StatusActions
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.column import ColumnWidget
from fedidesk.ui.emojiloader import EmojiLoader
from fedidesk.ui.identities import IdentityCache
from fedidesk.ui.imagecache import RemoteImages
from fedidesk.ui.links import LinkRouter, open_external
from fedidesk.ui.mediaviewer import MediaViewer
from fedidesk.ui.notifier import Notifier
from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.postdocument import EmojiImages
from fedidesk.ui.postmenu import PostActions
from fedidesk.ui.reltime import now_utc
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineview import TimelineView
from fedidesk.ui.wakewatch import WakeWatch

log = logging.getLogger("fedidesk.ui.deck")

KEY_ACTIONS = {Qt.Key.Key_R: "reply", Qt.Key.Key_B: "boost", Qt.Key.Key_F: "favourite"}
NOTIFICATION_KINDS = ("notifications", "mentions")

FILTER_CONTEXT = {"home": "home", "list": "home", "notifications": "notifications",
                  "mentions": "notifications", "profile": "account"}


class DeckController(QObject):
    """Column factory and router.

    Signals:
        message(str): a sentence for the status bar.
        composeRequested(str, object): (account, status to reply to or ``None``).
        threadRequested(str, str): (account, status id).
        profileRequested(str, str): (account, account id).
    """

    message = Signal(str)
    composeRequested = Signal(str, object)
    editRequested = Signal(str, object)
    redraftRequested = Signal(str, object)
    threadRequested = Signal(str, str)
    profileRequested = Signal(str, str)
    #: (account handle, "online" | "offline" | "signed-out"): what the account's columns
    #: show together, for the status bar.
    connectionChanged = Signal(str, str)

    def __init__(self, ctx: AppContext, *, streaming: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.streaming = streaming
        self.cache = TimelineCache(ctx.db)
        self.fetcher = MediaFetcher(ctx.paths.cache_dir / "media")
        self.images = RemoteImages(
            self.fetcher,
            allowed=lambda: ctx.settings.get("privacy.load_remote_media") == "always",
            parent=self)
        self._identities: dict[str, IdentityCache] = {}
        self.columns: list[ColumnWidget] = []
        self._refilter_timers: dict[str, QTimer] = {}
        self._connection: dict[str, str] = {}
        self.actions = StatusActions(self._api, self.models_for, self)
        self.actions.message.connect(self.message)
        self.actions.confirmed.connect(self._toggle_confirmed)
        self.post_actions = PostActions(self._api, self.models_for, self._own_id, self)
        self.post_actions.message.connect(self.message)
        self.post_actions.threadRequested.connect(self.threadRequested)
        self.post_actions.profileRequested.connect(self.profileRequested)
        self.post_actions.editRequested.connect(self.editRequested)
        self.post_actions.redraftRequested.connect(self.redraftRequested)
        self.router = LinkRouter(self)
        self.router.refused.connect(
            lambda scheme: self.message.emit(
                _("fedidesk does not open {scheme} links.").format(scheme=scheme)))
        self.images.imageReady.connect(lambda _url: self._repaint())
        self.notifier = Notifier(ctx.settings, parent=self)
        self.emoji_images = EmojiImages()
        self.emoji = EmojiLoader(self.fetcher, self.emoji_images, self)
        self.wake = WakeWatch(parent=self)
        self.wake.woke.connect(lambda _s: self.resume_all())
        self.wake.online.connect(self.resume_all)
        self.wake.offline.connect(self.pause_all)

    # ---- plumbing ----------------------------------------------------------------------
    def _api(self, account: str) -> Any:
        return self.ctx.accounts.api(account)

    def _own_id(self, account: str) -> str | None:
        entry = self.ctx.accounts.find(account)
        return entry.account_id if entry is not None else None

    def identities(self, account: str) -> IdentityCache:
        cache = self._identities.get(account)
        if cache is None:
            cache = self._identities[account] = IdentityCache(self)
        return cache

    def _account_state_changed(self, account: str) -> None:
        """Sum up the account's columns: reachable if any column gets through, offline when
        none does, signed out when the server refused the token."""
        states = {str(getattr(c, "state", "")) for c in self.columns
                  if c.spec.account == account}
        if "auth_expired" in states:
            summary = "signed-out"
        elif states & {"live", "polling"}:
            summary = "online"
        elif "offline" in states:
            summary = "offline"
        else:
            return  # still loading, or paused: nothing new to say
        if self._connection.get(account) != summary:
            self._connection[account] = summary
            self.connectionChanged.emit(account, summary)

    def models_for(self, account: str) -> Iterable[TimelineModel]:
        return [c.model for c in self.columns if c.spec.account == account]

    def relationship_confirmed(self, account: str, rel: Relationship) -> None:
        """A muted or blocked account's rows leave ``account``'s columns at once, as they
        would from the server's next answers; their notifications too when those are
        muted. Their own profile column, bookmarks and favourites keep them."""
        if not (rel.muting or rel.blocking) or not rel.id:
            return
        kept = (ColumnKind.PROFILE, ColumnKind.BOOKMARKS, ColumnKind.FAVOURITES)
        notifications = (ColumnKind.NOTIFICATIONS, ColumnKind.MENTIONS)
        for column in self.columns:
            kind, feed = column.spec.kind, getattr(column, "feed", None)
            if column.spec.account != account or kind in kept or feed is None:
                continue
            if kind in notifications and not (rel.blocking or rel.muting_notifications):
                continue
            feed.drop_account(rel.id)

    def refilter(self, account: str) -> asyncio.Task[Any] | None:
        """The account's filters changed: read them and re-check the posts already shown
        in its columns ("hide" removes them, "warn" collapses them, deleted filters let
        them show again)."""
        return spawn(self._refilter(account), owner=self)

    def _filters_changed_on_stream(self, account: str) -> None:
        """Every column of the account hears ``filters_changed``: re-check once for all."""
        timer = self._refilter_timers.get(account)
        if timer is None:
            timer = self._refilter_timers[account] = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(500)
            timer.timeout.connect(lambda: self.refilter(account))
        timer.start()

    async def _refilter(self, account: str) -> None:
        try:
            filters = await self._api(account).filters()
        except FedideskError as exc:
            log.info("Could not read the filters of %s: %s", account, exc)
            return
        compiled = compile_filters(filters, now_utc())

        def change(item: TimelineItem) -> TimelineItem:
            status = item.status
            new = refiltered(status, compiled) if status is not None else None
            return item if new is None or new is status else item.with_status(new)

        for column in list(self.columns):
            feed = getattr(column, "feed", None)
            if column.spec.account == account and feed is not None:
                feed.restate(change)

    def _toggle_confirmed(self, account: str, action: str, status_id: str, on: bool) -> None:
        """An undone bookmark or favourite leaves that account's bookmarks or favourites."""
        kind = {"bookmark": ColumnKind.BOOKMARKS, "favourite": ColumnKind.FAVOURITES}.get(action)
        if on or kind is None:
            return
        for column in self.columns:
            feed = getattr(column, "feed", None)
            if column.spec.account == account and column.spec.kind is kind \
                    and feed is not None:
                feed.drop_status(status_id)

    def _repaint(self) -> None:
        for column in self.columns:
            view = column.view
            if isinstance(view, TimelineView):
                view.viewport().update()

    # ---- building ----------------------------------------------------------------------
    def make_column(self, spec: ColumnSpec) -> ColumnWidget:
        model = TimelineModel(self.identities(spec.account), streaming=True,
                              filter_context=FILTER_CONTEXT.get(spec.kind.value, "public"))
        delegate = PostDelegate(avatar_provider=self.images.provider,
                                media_provider=self.images.media_provider,
                                emoji_images=self.emoji_images)
        view = TimelineView(delegate=delegate)
        view.setModel(model)
        self.emoji.attach(model, delegate)
        column = ColumnWidget(spec, model, view)
        delegate.setParent(column)
        self.columns.append(column)
        column.destroyed.connect(lambda *_: self._forget(column))
        view.newPostsCountChanged.connect(column.set_new_posts)

        feed = self._make_feed(spec)
        if feed is None:
            column.set_state("auth_expired")
            return column
        model.bind_feed(feed)
        model.loader = feed.load_older

        # Set when the column is removed or rebuilt: the widgets go at once, while the feed
        # closes in the background and still reports its last states.
        closing = False

        def on_state(state: str) -> None:
            if not closing:
                model.set_state(state)
                column.set_state(state)
                self._account_state_changed(spec.account)

        def on_error(exc: FedideskError) -> None:
            if not closing:
                self.message.emit(f"{spec.display_title} ({spec.account}): {exc.user_message}")

        def close_feed() -> None:
            nonlocal closing
            closing = True
            spawn(feed.close())

        feed.on_state = on_state
        feed.on_error = on_error
        feed.on_filters_changed = lambda: self._filters_changed_on_stream(spec.account)
        if spec.kind.value in NOTIFICATION_KINDS:
            deliver = feed.on_insert_newer

            def deliver_and_notify(items: list[TimelineItem]) -> None:
                deliver(items)
                self.notifier.handle(items)

            feed.on_insert_newer = deliver_and_notify
            column.focused.connect(self.notifier.mark_read)
        column.feed = feed
        column.close_feed = close_feed
        self._connect(spec, model, view, delegate, feed)
        self._track_read_position(model, view, feed)
        spawn(self._start(feed, column), owner=column)
        return column


    # ---- suspend / network ------------------------------------------------------------
    def _feeds(self) -> list[TimelineFeed]:
        return [c.feed for c in self.columns if isinstance(c.feed, TimelineFeed)]

    def pause_all(self) -> None:
        """Network lost: stop streaming and polling everywhere."""
        for feed in self._feeds():
            spawn(feed.pause(), owner=self)

    def resume_all(self) -> None:
        """Network back or woken from sleep: reconnect and fill every gap over REST."""
        for feed in self._feeds():
            spawn(feed.resume(), owner=self)

    # ---- read position -----------------------------------------------------------------
    def _track_read_position(self, model: TimelineModel, view: TimelineView,
                             feed: TimelineFeed) -> None:
        """Remember the top visible post (markers API for home/notifications, else local)."""
        timer = QTimer(view)
        timer.setSingleShot(True)
        timer.setInterval(1500)

        def save() -> None:
            index = view.indexAt(QPoint(4, 2))
            row = model.item(index.row()) if index.isValid() else None
            if isinstance(row, TimelineItem):
                feed.save_read_position(row.sort_id)

        timer.timeout.connect(save)
        view.verticalScrollBar().valueChanged.connect(lambda _v: timer.start())

    async def _restore_read_position(self, model: TimelineModel, view: TimelineView,
                                     feed: TimelineFeed) -> None:
        try:
            position = await feed.read_position()
        except FedideskError as exc:
            log.info("No read position for %s: %s", feed.spec.key, exc)
            return
        if not position:
            return
        marked = next((row for row in feed.rows
                       if isinstance(row, TimelineItem) and row.sort_id == position), None)
        if marked is not None:
            model.backfill_to(marked.id)  # a live column may have trimmed it
        for item_id in model.ids():
            row = model.find(item_id)
            if isinstance(row, TimelineItem) and row.sort_id == position:
                view.scrollTo(model.index(model.row_of(item_id)),
                              QAbstractItemView.ScrollHint.PositionAtTop)
                return

    def _forget(self, column: ColumnWidget) -> None:
        if column in self.columns:
            self.columns.remove(column)

    def _make_feed(self, spec: ColumnSpec) -> TimelineFeed | None:
        try:
            api = self._api(spec.account)
            token = self.ctx.accounts.token(spec.account)
        except FedideskError as exc:
            log.info("Column %s not started: %s", spec.key, exc)
            return None
        return TimelineFeed(api, spec, cache=self.cache, db=self.ctx.db, token=token,
                            streaming=self.streaming)

    async def _start(self, feed: TimelineFeed, column: ColumnWidget) -> None:
        try:
            await feed.start()
        except FedideskError as exc:
            column.set_state("offline")
            self.message.emit(f"{column.spec.display_title}: {exc.user_message}")
            return
        if isinstance(column.view, TimelineView):
            await self._restore_read_position(column.model, column.view, feed)

    # ---- routing -----------------------------------------------------------------------
    def _connect(self, spec: ColumnSpec, model: TimelineModel, view: TimelineView,
                 delegate: PostDelegate, feed: TimelineFeed) -> None:
        account = spec.account

        def status_of(item_id: str) -> Status | None:
            row = model.find(item_id)
            return row.status if isinstance(row, TimelineItem) else None

        def on_action(action: str, item_id: str) -> None:
            status = status_of(item_id)
            if status is None:
                return
            if action in ("favourite", "boost", "bookmark"):
                self.actions.toggle(account, status, action)
            elif action == "reply":
                self.composeRequested.emit(account, status)
            elif action == "more":
                spawn(self.post_actions.show_menu(view, account, status, QCursor.pos()),
                      owner=view)

        def on_link(href: str, item_id: str) -> None:
            status = status_of(item_id)
            if status is not None:
                self.router.activate(href, "", status.original)
            else:
                open_external(href)

        def on_gap(item_id: str) -> None:
            for gap in feed.gaps:
                if gap.id == item_id:
                    model.set_gap_loading(item_id, True)
                    spawn(feed.fill_gap(gap), owner=view)

        keys = _KeyActions(view, on_action)
        view.installEventFilter(keys)
        delegate.actionTriggered.connect(on_action)
        delegate.linkActivated.connect(on_link)
        delegate.mediaActivated.connect(
            lambda item_id, index: self._open_media(view, status_of(item_id), index))
        delegate.toggleSpoiler.connect(lambda item_id: model.set_expanded(item_id))
        delegate.revealMedia.connect(lambda item_id: model.set_revealed(item_id))
        delegate.loadGap.connect(on_gap)
        delegate.authorActivated.connect(lambda item_id: self._open_author(account, model,
                                                                           item_id))
        view.openThread.connect(lambda item_id: self._open_thread(account, status_of(item_id)))
        self.router.openAccount.connect(lambda acc_id: self.profileRequested.emit(account,
                                                                                  acc_id))

    def _open_thread(self, account: str, status: Status | None) -> None:
        if status is not None:
            self.threadRequested.emit(account, status.original.id)

    def _open_author(self, account: str, model: TimelineModel, item_id: str) -> None:
        row = model.find(item_id)
        if isinstance(row, TimelineItem) and row.status is not None:
            self.profileRequested.emit(account, row.status.original.account.id)

    def _open_media(self, parent: QWidget, status: Status | None, index: int) -> None:
        if status is None or not status.original.media_attachments:
            return
        viewer = MediaViewer(status, self.fetcher, index, parent=parent.window())
        viewer.show()
        viewer.raise_()
        viewer.activateWindow()

    async def aclose(self) -> None:
        for column in list(self.columns):
            feed = getattr(column, "feed", None)
            if feed is not None:
                await feed.close()
        await self.fetcher.aclose()


class _KeyActions(QObject):
    """r / b / f act on the selected post of a column (reply, boost, favourite)."""

    def __init__(self, view: TimelineView, act: Callable[[str, str], None]) -> None:
        super().__init__(view)
        self.view = view
        self.act = act

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            action = KEY_ACTIONS.get(Qt.Key(event.key()))
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            index = self.view.currentIndex()
            model = self.view.model()
            if action and plain and index.isValid() and isinstance(model, TimelineModel):
                item = model.item(index.row())
                if isinstance(item, TimelineItem):
                    self.act(action, item.id)
                    return True
        return super().eventFilter(watched, event)
