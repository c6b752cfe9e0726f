"""Acting on posts: favourite, boost, bookmark — optimistic, rolled back on failure.

A change is shown at once in every column of the account that holds the post, then sent
to the server; the server's answer replaces the guess, and a failure restores the previous
state and says why. A mutation is published to models (each updates its own rows), never
patched into widgets.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from fedidesk.core.api import MastodonApi
from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Conversation, Notification, Status
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.ui.asynctools import spawn

log = logging.getLogger("fedidesk.ui.actions")

# action -> (flag attribute, count attribute, API method when turning on, when turning off)
TOGGLES: dict[str, tuple[str, str | None, str, str]] = {
    "favourite": ("favourited", "favourites_count", "favourite", "unfavourite"),
    "boost": ("reblogged", "reblogs_count", "reblog", "unreblog"),
    "bookmark": ("bookmarked", None, "bookmark", "unbookmark"),
}
# (action, turning on) -> the message shown when the server refuses
FAILURES: dict[tuple[str, bool], str] = {
    ("favourite", True): N_("Could not favourite: {reason}"),
    ("favourite", False): N_("Could not undo the favourite: {reason}"),
    ("boost", True): N_("Could not boost: {reason}"),
    ("boost", False): N_("Could not undo the boost: {reason}"),
    ("bookmark", True): N_("Could not bookmark: {reason}"),
    ("bookmark", False): N_("Could not undo the bookmark: {reason}"),
}


def with_status(item: TimelineItem, new: Status) -> TimelineItem:
    """``item`` with the post it shows (the boosted one for a boost) replaced by ``new``."""
    entity = item.entity
    if isinstance(entity, Status):
        entity = replace(entity, reblog=new) if entity.reblog is not None else new
    elif isinstance(entity, Notification) and entity.status is not None:
        status = entity.status
        status = replace(status, reblog=new) if status.reblog is not None else new
        entity = replace(entity, status=status)
    elif isinstance(entity, Conversation) and entity.last_status is not None:
        entity = replace(entity, last_status=new)
    return TimelineItem(item.kind, entity, item.sort_id)


def toggled(status: Status, action: str) -> Status:
    """The optimistic guess: flag flipped, counter moved by one."""
    flag, count, _on, _off = TOGGLES[action]
    on = not bool(getattr(status, flag))
    changes: dict[str, Any] = {flag: on}
    if count:
        changes[count] = max(0, int(getattr(status, count)) + (1 if on else -1))
    return replace(status, **changes)


class StatusActions(QObject):
    """Runs post actions for one deck.

    Args:
        api_for: the API client of an account handle.
        models_for: every timeline model showing that account's columns.

    Signals:
        message(str): a sentence for the status bar (failures, confirmations).
        confirmed(str, str, str, bool): the server confirmed a toggle: account, action
            (a ``TOGGLES`` key), the original post's id, and whether it is now on.
    """

    message = Signal(str)
    confirmed = Signal(str, str, str, bool)

    def __init__(self, api_for: Callable[[str], MastodonApi],
                 models_for: Callable[[str], Iterable[Any]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api_for = api_for
        self.models_for = models_for

    def _apply(self, account: str, status_id: str, new: Status) -> None:
        for model in self.models_for(account):
            for item_id in list(model.ids()):
                row = model.find(item_id)
                shown = row.status if isinstance(row, TimelineItem) else None
                if shown is not None and shown.original.id == status_id:
                    model.replace(with_status(row, new))

    def toggle(self, account: str, status: Status, action: str) -> asyncio.Task[Any] | None:
        """Flip favourite/boost/bookmark on ``status`` (the original post) for ``account``."""
        return spawn(self._toggle(account, status.original, action), owner=self)

    async def _toggle(self, account: str, original: Status, action: str) -> None:
        flag, _count, on_method, off_method = TOGGLES[action]
        guess = toggled(original, action)
        self._apply(account, original.id, guess)
        turning_on = bool(getattr(guess, flag))
        try:
            api = self.api_for(account)
            result: Status = await getattr(api, on_method if turning_on else off_method)(
                original.id)
        except FedideskError as exc:
            self._apply(account, original.id, original)
            self.message.emit(_(FAILURES[action, turning_on]).format(reason=exc.user_message))
            log.info("%s on %s failed: %s", action, original.id, exc)
            return
        # A boost answers with the new boost wrapping the original; show the original.
        confirmed = result.reblog if result.reblog is not None else result
        if confirmed.id == original.id:
            self._apply(account, original.id, confirmed)
        self.confirmed.emit(account, action, original.id, turning_on)
