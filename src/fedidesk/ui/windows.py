"""Opens the app's secondary windows (compose, thread, profile, moderation) and keeps them.

Windows are non-modal top-level widgets; this object holds a reference to each open one so
it is not garbage-collected, and forgets it when it closes. Server limits for the composer
come from the instance document, fetched once per account and cached.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from fedidesk.core.context import AppContext
from fedidesk.core.drafts import DraftStore
from fedidesk.core.entities import Status
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.core.posting import draft_for_edit, draft_for_redraft
from fedidesk.ui.asynctools import show_error, spawn
from fedidesk.ui.compose import ComposeWindow
from fedidesk.ui.profileview import ProfileWindow
from fedidesk.ui.threadview import ThreadWindow

log = logging.getLogger("fedidesk.ui.windows")


def link_query(url: str) -> str:
    """What to ask the server for: ``web+mastodon://`` links carry the real address."""
    if url.startswith("web+mastodon://"):
        rest = url[len("web+mastodon://"):]
        query = parse_qs(urlsplit("x://" + rest).query)
        for key in ("uri", "url", "acct"):
            if query.get(key):
                return query[key][0].strip()
        return unquote(rest.split("?", 1)[0]).strip("/")
    if url.startswith(("https://", "http://")) or url.startswith("@"):
        return url.strip()
    return ""


def link_is_account(url: str) -> bool:
    """Whether ``url`` names a person rather than a post: a ``web+mastodon://follow`` link,
    or a handle such as ``@user@server``."""
    if url.startswith("web+mastodon://"):
        return url[len("web+mastodon://"):].split("?", 1)[0].strip("/") == "follow"
    query = link_query(url)
    return query.startswith("@") or ("@" in query and "/" not in query)


class WindowManager(QObject):
    """Creates and tracks secondary windows for the main window.

    Signals:
        relationshipConfirmed(str, Relationship): in a profile window of the account
            (handle), the server confirmed a new relationship.
        filtersChanged(str): the account's filters were changed in its filter window.
    """

    relationshipConfirmed = Signal(str, object)
    filtersChanged = Signal(str)

    def __init__(self, ctx: AppContext, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.parent_widget = parent_widget
        self.drafts = DraftStore(ctx.db)
        self.open_windows: list[QWidget] = []
        self._limits: dict[str, Any] = {}

    def _keep(self, window: QWidget) -> QWidget:
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda *_: self._drop(window))
        self.open_windows.append(window)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _drop(self, window: QWidget) -> None:
        if window in self.open_windows:
            self.open_windows.remove(window)

    def compose(self, account: str | None, reply_to: Status | None = None) -> None:
        accounts = self.ctx.accounts.list()
        if not accounts:
            show_error(self.parent_widget, _("No account"), _("Sign in to an account to post."))
            return
        spawn(self._compose(account or accounts[0].handle, reply_to))

    async def _compose(self, account: str, reply_to: Status | None) -> None:
        limits = self._limits.get(account)
        if limits is None:
            try:
                limits = await self.ctx.accounts.api(account).instance()
                self._limits[account] = limits
            except FedideskError as exc:
                log.info("Using default limits for %s: %s", account, exc)
        window = ComposeWindow(api_for=self.ctx.accounts.api, accounts=self.ctx.accounts.list(),
                               limits=limits, drafts=self.drafts, reply_to=reply_to,
                               account=account,
                               media_dir=self.ctx.paths.data_dir / "draft-media")
        self._keep(window)

    def edit(self, account: str, status: Status) -> None:
        """Open the composer on an own post to edit it (its source text, not the HTML)."""
        spawn(self._edit(account, status.original))

    async def _edit(self, account: str, status: Status) -> None:
        try:
            api = self.ctx.accounts.api(account)
            source = await api.status_source(status.id)
        except FedideskError as exc:
            show_error(self.parent_widget, _("Cannot edit this post"), exc.user_message)
            return
        window = ComposeWindow(api_for=self.ctx.accounts.api, accounts=self.ctx.accounts.list(),
                               limits=self._limits.get(account), drafts=self.drafts,
                               account=account, draft=draft_for_edit(account, status, source),
                               media_dir=self.ctx.paths.data_dir / "draft-media")
        self._keep(window)

    def redraft(self, account: str, status: Status) -> None:
        """Open the composer on a deleted post's text, settings and attachments (with their
        alt text; attached again by id), as a new post."""
        draft = draft_for_redraft(account, status.original)
        window = ComposeWindow(api_for=self.ctx.accounts.api, accounts=self.ctx.accounts.list(),
                               limits=self._limits.get(account), drafts=self.drafts,
                               account=account, draft=draft,
                               media_dir=self.ctx.paths.data_dir / "draft-media")
        self._keep(window)

    def open_thread(self, account: str, status_id: str) -> None:
        try:
            api = self.ctx.accounts.api(account)
        except FedideskError as exc:
            show_error(self.parent_widget, _("Cannot open the conversation"), exc.user_message)
            return
        window = ThreadWindow(api, status_id,
                              open_profile=lambda acc_id: self.profile(account, acc_id),
                              open_thread=lambda sid: self.open_thread(account, sid))
        self._keep(window)

    def profile(self, account: str, account_id: str | None = None) -> None:
        entry = self.ctx.accounts.find(account)
        if entry is None:
            return
        try:
            api = self.ctx.accounts.api(account)
        except FedideskError as exc:
            show_error(self.parent_widget, _("Cannot open the profile"), exc.user_message)
            return
        window = ProfileWindow(api, account_id or entry.account_id,
                               open_profile=lambda acc_id: self.profile(account, acc_id),
                               open_thread=lambda sid: self.open_thread(account, sid),
                               my_id=entry.account_id)
        window.relationshipConfirmed.connect(
            lambda rel: self.relationshipConfirmed.emit(account, rel))
        self._keep(window)

    def open_link(self, url: str, account: str | None = None) -> None:
        """Open a profile or post link (or ``web+mastodon://``) inside the app."""
        entry = self.ctx.accounts.find(account) if account else self.ctx.accounts.default
        if entry is None:
            return
        spawn(self._open_link(entry.handle, link_query(url), account_first=link_is_account(url)))

    async def _open_link(self, account: str, query: str, *, account_first: bool = False) -> None:
        if not query:
            return
        try:
            results = await self.ctx.accounts.api(account).search(query, resolve=True)
        except FedideskError as exc:
            show_error(self.parent_widget, _("Cannot open the link"), exc.user_message)
            return
        if results.accounts and (account_first or not results.statuses):
            self.profile(account, results.accounts[0].id)
        elif results.statuses:
            self.open_thread(account, results.statuses[0].id)
        else:
            show_error(self.parent_widget, _("Nothing found"),
                       _("Your server found nothing at {query}.").format(query=query))

    def moderation(self, account: str) -> None:
        from fedidesk.ui.moderation import ModerationWindow

        try:
            api = self.ctx.accounts.api(account)
        except FedideskError as exc:
            show_error(self.parent_widget, _("Cannot open mutes and filters"), exc.user_message)
            return
        window = ModerationWindow(api, open_profile=lambda acc_id: self.profile(account, acc_id))
        window.filtersChanged.connect(lambda: self.filtersChanged.emit(account))
        window.setWindowTitle(_("Mutes, blocks and filters — {account}").format(account=account))
        self._keep(window)

    def close_all(self) -> None:
        for window in list(self.open_windows):
            window.close()
