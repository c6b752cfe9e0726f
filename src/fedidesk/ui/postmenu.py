"""The "more" menu of a post and the actions behind it.

``build_post_menu`` makes the ``QMenu`` (navigation, links, boost with a chosen visibility,
conversation mute, translation when the server offers it, poll, edit history, and for the
account's own posts edit / delete / delete and redraft). ``PostActions`` runs the actions:
changes are published to every timeline model of the account (optimistically, rolled back
on failure), never patched into widgets; dialogs open with ``show()``/``ask`` so no nested
event loop starts inside a coroutine.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from fedidesk.core.api import MastodonApi
from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Poll, Status
from fedidesk.core.errors import FedideskError
from fedidesk.core.html import is_web_url
from fedidesk.core.i18n import N_, _
from fedidesk.ui.actions import toggled, with_status
from fedidesk.ui.asynctools import ask, show_error, spawn
from fedidesk.ui.historydialog import HistoryDialog, TranslationDialog
from fedidesk.ui.links import open_external
from fedidesk.ui.pollvote import PollVoteDialog, can_vote

log = logging.getLogger("fedidesk.ui.postmenu")

# API value -> menu label; "direct" is never offered for a boost.
BOOST_VISIBILITIES = {"public": N_("Public"), "unlisted": N_("Unlisted (quiet public)"),
                      "private": N_("Followers only")}
# The status-bar sentence after a boost with each visibility.
BOOSTED = {"public": N_("Boosted (public)."),
           "unlisted": N_("Boosted (unlisted (quiet public))."),
           "private": N_("Boosted (followers only).")}
TRANSLATABLE = frozenset({"public", "unlisted"})
INSTANCE_TIMEOUT = 5.0

Removed = list[tuple[Any, TimelineItem]]


def can_boost(status: Status, own: bool) -> bool:
    """Public and unlisted posts can be boosted; followers-only ones only by their author."""
    return status.visibility in TRANSLATABLE or (own and status.visibility == "private")


class PostActions(QObject):
    """Runs the "more" menu's actions for one deck.

    Args:
        api_for: the API client of an account handle.
        models_for: every timeline model showing that account's posts.
        own_id_for: the account id of a handle (to know which posts are one's own).

    Signals:
        message(str): a sentence for the status bar.
        threadRequested(str, str): (account, status id).
        profileRequested(str, str): (account, account id).
        editRequested(str, object): (account, own ``Status`` to edit in the composer).
        redraftRequested(str, object): (account, deleted ``Status`` to open as a new draft).
    """

    message = Signal(str)
    threadRequested = Signal(str, str)
    profileRequested = Signal(str, str)
    editRequested = Signal(str, object)
    redraftRequested = Signal(str, object)

    def __init__(self, api_for: Callable[[str], MastodonApi],
                 models_for: Callable[[str], Iterable[Any]],
                 own_id_for: Callable[[str], str | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api_for = api_for
        self.models_for = models_for
        self.own_id_for = own_id_for
        self._translation: dict[str, bool] = {}

    # ---- models ------------------------------------------------------------------------
    def _rows(self, account: str, status_id: str) -> list[tuple[Any, TimelineItem]]:
        found = []
        for model in self.models_for(account):
            for item_id in list(model.ids()):
                row = model.find(item_id)
                shown = row.status if isinstance(row, TimelineItem) else None
                if shown is not None and shown.original.id == status_id:
                    found.append((model, row))
        return found

    def publish(self, account: str, status_id: str, new: Status) -> None:
        """Show ``new`` in place of the post ``status_id`` in every model of ``account``."""
        for model, row in self._rows(account, status_id):
            model.replace(with_status(row, new))

    def current(self, account: str, status: Status) -> Status:
        """The newest copy of ``status``'s original post held by the models."""
        for _model, row in self._rows(account, status.original.id):
            shown = row.status
            if shown is not None:
                return shown.original
        return status.original

    def _remove(self, account: str, status_id: str) -> Removed:
        removed = self._rows(account, status_id)
        for model, row in removed:
            model.remove(row.id)
        return removed

    @staticmethod
    def _restore(removed: Removed) -> None:
        for model, row in removed:
            # ``insert_gap`` places any row by its sort id, which is where it was.
            model.insert_gap(row)

    # ---- capabilities --------------------------------------------------------------------
    def is_own(self, account: str, status: Status) -> bool:
        own = self.own_id_for(account)
        return bool(own) and status.original.account.id == own

    async def translation_enabled(self, account: str) -> bool:
        """Whether ``account``'s server offers translation (cached; ``False`` on error)."""
        known = self._translation.get(account)
        if known is not None:
            return known
        try:
            instance = await asyncio.wait_for(self.api_for(account).instance(),
                                              INSTANCE_TIMEOUT)
        except (FedideskError, TimeoutError) as exc:
            log.info("Instance of %s not read: %s", account, exc)
            return False
        config = instance.get("configuration") if isinstance(instance, dict) else None
        translation = config.get("translation") if isinstance(config, dict) else None
        enabled = isinstance(translation, dict) and translation.get("enabled") is True
        self._translation[account] = enabled
        return enabled

    # ---- menu ----------------------------------------------------------------------------
    def menu(self, parent: QWidget, account: str, status: Status, *,
             translation_enabled: bool = False) -> QMenu:
        """``build_post_menu`` for this deck."""
        return build_post_menu(parent, self, account, status,
                               own=self.is_own(account, status),
                               translation_enabled=translation_enabled)

    async def show_menu(self, parent: QWidget, account: str, status: Status,
                        pos: QPoint | None = None) -> QMenu:
        """Find out whether translation is offered, then pop the menu up at ``pos``."""
        enabled = await self.translation_enabled(account)
        menu = self.menu(parent, account, status, translation_enabled=enabled)
        menu.popup(pos if pos is not None else QCursor.pos())
        return menu

    # ---- actions -------------------------------------------------------------------------
    async def boost(self, account: str, status: Status, visibility: str) -> bool:
        """Boost with ``visibility`` (public/unlisted/private); optimistic, rolled back."""
        if visibility not in BOOST_VISIBILITIES:
            raise ValueError(f"not a boost visibility: {visibility!r}")
        original = self.current(account, status)
        if original.reblogged:
            return False
        self.publish(account, original.id, toggled(original, "boost"))
        try:
            result = await self.api_for(account).reblog(original.id, visibility=visibility)
        except FedideskError as exc:
            self.publish(account, original.id, original)
            self.message.emit(_("Could not boost: {reason}").format(reason=exc.user_message))
            return False
        confirmed = result.reblog if result.reblog is not None else result
        if confirmed.id == original.id:
            self.publish(account, original.id, confirmed)
        self.message.emit(_(BOOSTED[visibility]))
        return True

    async def set_conversation_muted(self, account: str, status: Status, muted: bool) -> bool:
        """Mute or unmute the conversation of ``status``; optimistic, rolled back."""
        original = self.current(account, status)
        self.publish(account, original.id, replace(original, muted=muted))
        api = self.api_for(account)
        try:
            result = await (api.mute_conversation(original.id) if muted
                            else api.unmute_conversation(original.id))
        except FedideskError as exc:
            self.publish(account, original.id, original)
            failed = (_("Could not mute the conversation: {reason}") if muted
                      else _("Could not unmute the conversation: {reason}"))
            self.message.emit(failed.format(reason=exc.user_message))
            return False
        self.publish(account, original.id, result.original)
        self.message.emit(_("Conversation muted.") if muted else _("Conversation unmuted."))
        return True

    async def delete(self, parent: QWidget | None, account: str, status: Status, *,
                     redraft: bool = False, confirm: bool = True) -> bool:
        """Delete an own post after confirmation; removed at once, restored on failure.

        With ``redraft``, ``redraftRequested`` then carries the deleted post (with its
        source text from the server) for the composer.
        """
        original = self.current(account, status)
        if confirm:
            question = (_("Delete this post and open it again in the composer?") if redraft
                        else _("Delete this post?"))
            answer = await ask(parent, _("Delete post"), question,
                               QMessageBox.StandardButton.Yes
                               | QMessageBox.StandardButton.Cancel,
                               QMessageBox.StandardButton.Cancel, QMessageBox.Icon.Warning,
                               informative=_("Boosts, favourites and replies to it are lost."))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        removed = self._remove(account, original.id)
        try:
            deleted = await self.api_for(account).delete_status(original.id)
        except FedideskError as exc:
            self._restore(removed)
            self.message.emit(_("Could not delete the post: {reason}").format(
                reason=exc.user_message))
            return False
        self.message.emit(_("Post deleted."))
        if redraft:
            source = deleted.text if deleted.id == original.id and deleted.text else None
            self.redraftRequested.emit(account, replace(original,
                                                        text=source or original.text))
        return True

    async def translate(self, parent: QWidget | None, account: str,
                        status: Status) -> TranslationDialog | None:
        """Ask the server for a translation and show it with its provider."""
        original = status.original
        try:
            result = await self.api_for(account).translate(original.id)
        except FedideskError as exc:
            show_error(parent, _("Translation"),
                       _("Could not translate: {reason}").format(reason=exc.user_message))
            return None
        dialog = TranslationDialog(result, parent)
        dialog.show()
        return dialog

    def show_history(self, parent: QWidget | None, account: str,
                     status: Status) -> HistoryDialog:
        """Open the edit history of ``status``."""
        dialog = HistoryDialog(self.api_for(account), status.original.id, parent)
        dialog.show()
        return dialog

    def open_poll(self, parent: QWidget | None, account: str,
                  status: Status) -> PollVoteDialog:
        """Open the poll; a vote puts the updated poll into every model."""
        original = self.current(account, status)
        dialog = PollVoteDialog(self.api_for(account), original, parent)

        def voted(poll: Poll) -> None:
            latest = self.current(account, original)
            self.publish(account, original.id, replace(latest, poll=poll))
            self.message.emit(_("Vote counted."))

        dialog.voted.connect(voted)
        dialog.show()
        return dialog


def build_post_menu(parent: QWidget, actions: PostActions, account: str, status: Status, *,
                    own: bool, translation_enabled: bool) -> QMenu:
    """The "more" menu for ``status`` seen by ``account`` (actions named for tests)."""
    original = status.original
    menu = QMenu(parent)

    def add(name: str, text: str, slot: Callable[[], Any], target: QMenu = menu) -> None:
        action = target.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())

    def run(make: Callable[[], Any]) -> Callable[[], Any]:
        return lambda: spawn(make(), owner=actions)

    def boost_with(visibility: str) -> Callable[[], Any]:
        return lambda: actions.boost(account, original, visibility)

    add("openThread", _("Open thread"),
        lambda: actions.threadRequested.emit(account, original.id))
    add("openProfile", _("Open profile of @{acct}").format(acct=original.account.acct),
        lambda: actions.profileRequested.emit(account, original.account.id))
    link = original.url or original.uri
    if link and is_web_url(link):
        menu.addSeparator()
        add("copyLink", _("Copy link"), lambda: QGuiApplication.clipboard().setText(link))
        add("openInBrowser", _("Open in browser"), lambda: open_external(link))
    menu.addSeparator()
    if original.poll is not None:
        label = _("Vote…") if can_vote(original.poll) else _("Poll results…")
        add("poll", label, lambda: actions.open_poll(parent, account, original))
    if not original.reblogged and can_boost(original, own):
        boost = menu.addMenu(_("Boost with visibility"))
        boost.setObjectName("boostMenu")
        for visibility, text in BOOST_VISIBILITIES.items():
            add(f"boost:{visibility}", _(text), run(boost_with(visibility)), boost)
    if original.muted:
        add("unmuteConversation", _("Unmute conversation"),
            run(lambda: actions.set_conversation_muted(account, original, False)))
    else:
        add("muteConversation", _("Mute conversation"),
            run(lambda: actions.set_conversation_muted(account, original, True)))
    if translation_enabled and original.visibility in TRANSLATABLE and original.content:
        add("translate", _("Translate"),
            run(lambda: actions.translate(parent, account, original)))
    if original.edited_at is not None:
        add("editHistory", _("Edit history…"),
            lambda: actions.show_history(parent, account, original))
    if own:
        menu.addSeparator()
        add("edit", _("Edit…"), lambda: actions.editRequested.emit(account, original))
        add("redraft", _("Delete and redraft…"),
            run(lambda: actions.delete(parent, account, original, redraft=True)))
        add("delete", _("Delete…"), run(lambda: actions.delete(parent, account, original)))
    return menu
