"""Roles of ``TimelineModel`` and the row shapes it accepts.

Rows are the feed's ``TimelineItem`` (``.id``, ``.sort_id``, ``.status``, optionally
``.notification``) or its ``Gap`` ("load missing posts"). They are described structurally
here so the Qt side does not depend on the feed module's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import Qt

from fedidesk.core.entities import Notification, Status, status_sort_key

_USER = int(Qt.ItemDataRole.UserRole)
_DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)


class Role(IntEnum):
    """Data roles of ``TimelineModel`` (``Qt.DisplayRole``/``AccessibleTextRole`` too).

    Status roles describe the *shown* status (``status.original``) except the boost ones.
    """

    ItemRole = _USER + 1  #: the row object (``TimelineItem`` or ``Gap``)
    IdRole = _USER + 2  #: row id (str)
    KindRole = _USER + 3  #: "status", "notification" or "gap" (str)
    AuthorNameRole = _USER + 4  #: display name, plain text, from the shared identity (str)
    AuthorHandleRole = _USER + 5  #: "@user@domain" (str)
    AvatarRole = _USER + 6  #: avatar URL (static) of the shared identity (str)
    AuthorRole = _USER + 7  #: the shared ``Account`` object of the author
    ContentRole = _USER + 8  #: ``SafeContent`` of the shown status (sanitized once, cached)
    PlainTextRole = _USER + 9  #: screen-reader text: author, relative time, text (str)
    CreatedAtRole = _USER + 10  #: ``datetime`` of the shown status (or notification)
    IsBoostRole = _USER + 11  #: bool
    BoostedByRole = _USER + 12  #: the booster's shared ``Account`` (or None)
    SpoilerRole = _USER + 13  #: content-warning text (str, "" when none)
    ExpandedRole = _USER + 14  #: CW opened / filter-warn shown by the user (bool)
    MediaRole = _USER + 15  #: tuple of ``MediaAttachment``
    SensitiveRevealedRole = _USER + 16  #: sensitive media revealed (bool)
    CountsRole = _USER + 17  #: (replies, boosts, favourites) ints
    FavouritedRole = _USER + 18  #: bool
    RebloggedRole = _USER + 19  #: bool
    BookmarkedRole = _USER + 20  #: bool
    PollRole = _USER + 21  #: ``Poll`` or None
    CardRole = _USER + 22  #: ``PreviewCard`` or None
    FilterRole = _USER + 23  #: title of the matching "warn" filter (str, "" when none)
    EditedRole = _USER + 24  #: bool
    QuoteRole = _USER + 25  #: the quoted ``Status`` or None
    ReplyToRole = _USER + 26  #: "@acct" replied to ("" when not a reply)
    SensitiveRole = _USER + 27  #: media marked sensitive (bool)
    NotificationTypeRole = _USER + 28  #: "mention", "follow", … ("" for plain statuses)
    NotificationAccountRole = _USER + 29  #: shared ``Account`` who caused the notification
    VersionRole = _USER + 30  #: content version, bumped when layout-affecting data changes
    GapLoadingRole = _USER + 31  #: a gap row is being filled (bool)
    EmojisRole = _USER + 32  #: custom emoji of the shown status (tuple)
    AuthorEmojisRole = _USER + 33  #: custom emoji of the author's display name (tuple)
    StatusRole = _USER + 34  #: the shown ``Status`` (``original``) or None
    VisibilityRole = _USER + 35  #: "public", "unlisted", "private", "direct"
    LayoutKeyRole = _USER + 36  #: (id, state) where state changes whenever the height may


ROLE_NAMES: dict[int, bytes] = {
    int(r): (r.name[0].lower() + r.name[1:-4]).encode() for r in Role
}

#: Roles that depend on the author identity (re-emitted on ``IdentityCache.accountChanged``).
AUTHOR_ROLES: tuple[int, ...] = (
    int(Role.AuthorNameRole), int(Role.AuthorHandleRole), int(Role.AvatarRole),
    int(Role.AuthorRole), int(Role.BoostedByRole), int(Role.NotificationAccountRole),
    int(Role.AuthorEmojisRole), int(Role.PlainTextRole),
    int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.AccessibleTextRole),
)

#: Roles whose change alters a row's height (the delegate drops cached layouts for them).
LAYOUT_ROLES: frozenset[int] = frozenset({
    int(Role.ItemRole), int(Role.ContentRole), int(Role.SpoilerRole), int(Role.ExpandedRole),
    int(Role.MediaRole), int(Role.PollRole), int(Role.CardRole), int(Role.FilterRole),
    int(Role.EditedRole), int(Role.QuoteRole), int(Role.VersionRole), int(Role.AuthorNameRole),
    int(Role.SensitiveRevealedRole), int(Role.GapLoadingRole), int(Role.ReplyToRole),
})


@runtime_checkable
class TimelineItemLike(Protocol):
    """What the model needs from the feed's ``TimelineItem``."""

    @property
    def id(self) -> str: ...

    @property
    def sort_id(self) -> str: ...

    @property
    def status(self) -> Status | None: ...


class GapLike(Protocol):
    """What the model needs from the feed's ``Gap``: an id (and ideally a ``sort_id``)."""

    @property
    def id(self) -> str: ...


Row = TimelineItemLike | GapLike


def is_gap(row: object) -> bool:
    """True for a gap row (the feed's ``Gap`` has ``older_id``/``newer_id``, no entity)."""
    return not hasattr(row, "status") and not hasattr(row, "entity")


def notification_of(row: object) -> Notification | None:
    """The row's notification, if it is one (``TimelineItem.entity`` or ``.notification``)."""
    value = getattr(row, "notification", None) or getattr(row, "entity", None)
    return value if isinstance(value, Notification) else None


def status_of(row: object) -> Status | None:
    """The row's status (a notification's status for notification rows)."""
    value = getattr(row, "status", None)
    if isinstance(value, Status):
        return value
    note = notification_of(row)
    return note.status if note is not None else None


def sort_key(row: object) -> tuple[int, str]:
    """Sort key of a row (newest compares greatest); a gap sorts like its ``older_id``."""
    key = getattr(row, "sort_id", "") or getattr(row, "older_id", "") or getattr(row, "id", "")
    return status_sort_key(str(key))


class DetachedIndex:
    """A row not in the model yet, readable like its future ``QModelIndex`` (``data``).

    Streaming arrivals wait in the model for the next coalesced insert; through this the
    view lays them out (and draws them) one by one as they come, so the insert of a batch
    only reads caches.
    """

    __slots__ = ("_getters", "_row")

    def __init__(self, row: Row, getters: dict[int, Callable[[Row], Any]]) -> None:
        self._row = row
        self._getters = getters

    def data(self, role: int = _DISPLAY_ROLE) -> Any:
        """What the model's ``data`` will answer for this row and ``role``."""
        getter = self._getters.get(int(role))
        return getter(self._row) if getter is not None else None
