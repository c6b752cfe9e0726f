"""Relative timestamps for timeline rows: compact ("5 m") for painting, spoken for readers."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDate, QLocale

from fedidesk.core.i18n import _, ngettext

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_WEEK = 7 * _DAY


def now_utc() -> datetime:
    """The current time, timezone-aware (the default clock of models and delegates)."""
    return datetime.now(UTC)


def _date(when: datetime, pattern: str) -> str:
    """``when`` (local time) written with the Qt date ``pattern`` in the user's locale."""
    local = when.astimezone()
    return QLocale().toString(QDate(local.year, local.month, local.day), pattern)


def short_age(when: datetime | None, now: datetime) -> str:
    """"now", "5 m", "2 h", "3 d", then a date ("12 Mar", or "12 Mar 2023" in another year)."""
    if when is None:
        return ""
    seconds = int((now - when).total_seconds())
    if seconds < _MINUTE:
        # TRANSLATORS: compact age of a post in a timeline row (less than a minute old).
        return _("now")
    if seconds < _HOUR:
        # TRANSLATORS: compact age of a post in a timeline row: {n} minutes ("5 m").
        return _("{n} m").format(n=seconds // _MINUTE)
    if seconds < _DAY:
        # TRANSLATORS: compact age of a post in a timeline row: {n} hours ("2 h").
        return _("{n} h").format(n=seconds // _HOUR)
    if seconds < _WEEK:
        # TRANSLATORS: compact age of a post in a timeline row: {n} days ("3 d").
        return _("{n} d").format(n=seconds // _DAY)
    if when.astimezone().year == now.astimezone().year:
        # TRANSLATORS: Qt date pattern for a post's date this year ("12 Mar"): d = day,
        # MMM = short month name. Reorder for your language; keep the letters.
        return _date(when, _("d MMM"))
    # TRANSLATORS: Qt date pattern for a post's date in another year ("12 Mar 2023"): d = day,
    # MMM = short month name, yyyy = year. Reorder for your language; keep the letters.
    return _date(when, _("d MMM yyyy"))


def widest_short_age() -> str:
    """A sample of the widest ``short_age`` (a date in another year), to size the time column."""
    return QLocale().toString(QDate(2000, 9, 30), _("d MMM yyyy"))


def spoken_age(when: datetime | None, now: datetime) -> str:
    """"just now", "5 minutes ago", "2 hours ago", "3 days ago" or "on 12 March 2023"."""
    if when is None:
        return ""
    seconds = int((now - when).total_seconds())
    if seconds < _MINUTE:
        return _("just now")
    if seconds < _HOUR:
        n = seconds // _MINUTE
        return ngettext("{n} minute ago", "{n} minutes ago", n).format(n=n)
    if seconds < _DAY:
        n = seconds // _HOUR
        return ngettext("{n} hour ago", "{n} hours ago", n).format(n=n)
    if seconds < _WEEK:
        n = seconds // _DAY
        return ngettext("{n} day ago", "{n} days ago", n).format(n=n)
    # TRANSLATORS: how a screen reader says an older post's date ("on 12 March 2023");
    # {date} follows the pattern below.
    return _("on {date}").format(
        # TRANSLATORS: Qt date pattern for a spoken date ("12 March 2023"): d = day,
        # MMMM = full month name, yyyy = year. Reorder for your language; keep the letters.
        date=_date(when, _("d MMMM yyyy")))
