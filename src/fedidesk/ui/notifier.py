"""Desktop notifications and the unread count for notification columns.

Opt-in (setting ``notifications.desktop``) and per type (``notifications.types``). Only
notifications that arrive while fedidesk runs pop up — a column's first page after start
is history, not news. Text is plain (names and posts are untrusted) and short; a grouped
notification's title is worded by ``postlayout.notification_text`` ("Ada and 2 others followed
you"), as in the columns. The unread count covers every notification column and is cleared when
the user looks at them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Notification
from fedidesk.core.html import plain_text
from fedidesk.core.i18n import N_
from fedidesk.core.settings import Settings
from fedidesk.ui.postlayout import notification_text

log = logging.getLogger("fedidesk.ui.notifier")

HEADLINES = {
    "mention": N_("{name} mentioned you"),
    "status": N_("{name} posted"),
    "reblog": N_("{name} boosted your post"),
    "follow": N_("{name} followed you"),
    "follow_request": N_("{name} asked to follow you"),
    "favourite": N_("{name} favourited your post"),
    "poll": N_("A poll has ended"),
    "update": N_("{name} edited a post"),
    "quote": N_("{name} quoted your post"),
}
MAX_BODY = 140


def describe(notification: Notification) -> tuple[str, str]:
    """(title, body) in plain text for a desktop notification."""
    name = notification.account.name or notification.account.acct
    headline = notification_text(notification.type, name, notification.notifications_count,
                                 HEADLINES)
    title = headline if headline is not None else f"{name}: {notification.type}"
    body = ""
    if notification.status is not None:
        status = notification.status.original
        body = status.spoiler_text or plain_text(status.content)
    body = " ".join(body.split())
    if len(body) > MAX_BODY:
        body = body[: MAX_BODY - 1] + "…"
    return title, body


class Notifier(QObject):
    """Pops up new notifications and counts unread ones.

    Signals:
        unreadChanged(int): the number of notifications not yet looked at.
        shown(str, str): (title, body) of each desktop notification (also for tests).
    """

    unreadChanged = Signal(int)
    shown = Signal(str, str)

    def __init__(self, settings: Settings, *, icon: QIcon | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.now = now
        self.started_at = now()
        self.unread = 0
        self._seen: set[str] = set()
        self._tray: QSystemTrayIcon | None = None
        self._icon = icon or QIcon()

    def set_tray(self, tray: QSystemTrayIcon) -> None:
        """Show notifications through the app's tray icon instead of a private one."""
        self._tray = tray

    def _tray_icon(self) -> QSystemTrayIcon | None:
        if self._tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self._tray = QSystemTrayIcon(self._icon, self)
            self._tray.setToolTip("fedidesk")
            self._tray.show()
        return self._tray

    def is_new(self, notification: Notification) -> bool:
        created = notification.created_at
        # A little slack for clocks that differ between server and computer.
        return created is None or created >= self.started_at - timedelta(minutes=1)

    def handle(self, items: Iterable[TimelineItem]) -> None:
        """Called with the rows a notification column received."""
        fresh = []
        for item in items:
            entity = item.entity
            # A group row comes back with a newer sort_id each time someone joins it.
            if not isinstance(entity, Notification) or item.sort_id in self._seen:
                continue
            self._seen.add(item.sort_id)
            if self.is_new(entity):
                fresh.append(entity)
        if not fresh:
            return
        self.unread += len(fresh)
        self.unreadChanged.emit(self.unread)
        if not self.settings.get("notifications.desktop"):
            return
        wanted = set(self.settings.get("notifications.types"))
        for notification in fresh:
            if notification.type in wanted:
                self._show(*describe(notification))

    def _show(self, title: str, body: str) -> None:
        self.shown.emit(title, body)
        tray = self._tray_icon()
        if tray is not None and QSystemTrayIcon.supportsMessages():
            tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 8000)
        else:
            log.debug("No system tray to show a notification: %s", title)

    def mark_read(self) -> None:
        if self.unread:
            self.unread = 0
            self.unreadChanged.emit(0)
