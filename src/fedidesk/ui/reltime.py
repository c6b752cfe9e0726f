"""Relative timestamps for timeline rows: compact ("5 m") for painting, spoken for readers."""

from __future__ import annotations

from datetime import UTC, datetime

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_WEEK = 7 * _DAY


def now_utc() -> datetime:
    """The current time, timezone-aware (the default clock of models and delegates)."""
    return datetime.now(UTC)


def short_age(when: datetime | None, now: datetime) -> str:
    """"now", "5 m", "2 h", "3 d", then a date ("12 Mar", or "12 Mar 2023" in another year)."""
    if when is None:
        return ""
    seconds = int((now - when).total_seconds())
    if seconds < _MINUTE:
        return "now"
    if seconds < _HOUR:
        return f"{seconds // _MINUTE} m"
    if seconds < _DAY:
        return f"{seconds // _HOUR} h"
    if seconds < _WEEK:
        return f"{seconds // _DAY} d"
    local = when.astimezone()
    day = f"{local.day} {local.strftime('%b')}"
    return day if local.year == now.astimezone().year else f"{day} {local.year}"


def spoken_age(when: datetime | None, now: datetime) -> str:
    """"just now", "5 minutes ago", "2 hours ago", "3 days ago" or "on 12 March 2023"."""
    if when is None:
        return ""
    seconds = int((now - when).total_seconds())

    def ago(n: int, unit: str) -> str:
        return f"{n} {unit}{'' if n == 1 else 's'} ago"

    if seconds < _MINUTE:
        return "just now"
    if seconds < _HOUR:
        return ago(seconds // _MINUTE, "minute")
    if seconds < _DAY:
        return ago(seconds // _HOUR, "hour")
    if seconds < _WEEK:
        return ago(seconds // _DAY, "day")
    local = when.astimezone()
    return f"on {local.day} {local.strftime('%B')} {local.year}"
