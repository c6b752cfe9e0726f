"""Match posts against the account's filters, as the server does, for posts already shown.

The server marks each post it sends with the filters it matches (``Status.filtered``). When
the filters change (fedidesk's own filter window, or the stream's ``filters_changed``
event), posts already on screen still carry the old results; ``refiltered`` works out the new
ones locally so a new "hide" filter removes them at once and a "warn" filter collapses them,
without fetching every column again.

It follows Mastodon's ``CustomFilter``: an expired filter matches nothing; keywords match
case-insensitively anywhere in the post's searchable text (content warning, text, poll
options, media descriptions); a whole-word keyword only where it starts and ends at a word
boundary (a boundary is only required on a side where the keyword begins or ends with a
word character). Filters on single posts ("filter this post") cannot be read back from a
post, so earlier results of those are kept for filters that still exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from fedidesk.core.entities import Filter, FilterResult, Status
from fedidesk.core.html import plain_text

#: Characters of a post's text that are searched (longer posts are cut, as for rendering).
MAX_SEARCHED_CHARS = 100_000


@dataclass(frozen=True)
class CompiledFilter:
    """One active filter and the pattern of its keywords (``None``: no keywords)."""

    filter: Filter
    pattern: re.Pattern[str] | None


def compile_filters(filters: Iterable[Filter], now: datetime) -> list[CompiledFilter]:
    """The filters in force at ``now`` with their keyword patterns."""
    compiled = []
    for flt in filters:
        if flt.expires_at is not None and flt.expires_at <= now:
            continue
        parts = [_keyword_pattern(k.keyword, k.whole_word) for k in flt.keywords if k.keyword]
        compiled.append(CompiledFilter(flt, re.compile("|".join(parts), re.IGNORECASE)
                                       if parts else None))
    return compiled


def _keyword_pattern(keyword: str, whole_word: bool) -> str:
    escaped = re.escape(keyword)
    if not whole_word:
        return escaped
    start = r"\b" if re.match(r"\w", keyword) else ""
    end = r"\b" if re.search(r"\w$", keyword) else ""
    return f"{start}{escaped}{end}"


def searchable_text(status: Status) -> str:
    """What the server searches in a post (Mastodon's ``Status#searchable_text``)."""
    shown = status.original
    parts = [shown.spoiler_text, plain_text(shown.content)]
    if shown.poll is not None:
        parts.append("\n\n".join(option.title for option in shown.poll.options))
    parts.append("\n\n".join(m.description or "" for m in shown.media_attachments))
    return "\n\n".join(p for p in parts if p)[:MAX_SEARCHED_CHARS]


def filter_results(status: Status, filters: Sequence[CompiledFilter]) -> tuple[FilterResult, ...]:
    """The filters ``status`` (or the post it boosts) matches, as the server would say."""
    if not filters:
        return ()
    text = searchable_text(status)
    earlier = {result.filter.id: result for result in _results_of(status)
               if result.filter is not None and result.status_matches}
    results = []
    for compiled in filters:
        match = compiled.pattern.search(text) if compiled.pattern is not None else None
        kept = earlier.get(compiled.filter.id)
        if match is None and kept is None:
            continue
        results.append(FilterResult(
            filter=compiled.filter,
            keyword_matches=(match.group(0),) if match is not None else (),
            status_matches=kept.status_matches if kept is not None else ()))
    return tuple(results)


def _results_of(status: Status) -> tuple[FilterResult, ...]:
    inner = status.reblog.filtered if status.reblog is not None else ()
    return (*status.filtered, *inner)


def refiltered(status: Status, filters: Sequence[CompiledFilter]) -> Status:
    """``status`` with the filter results of ``filters`` (the same object if unchanged)."""
    results = filter_results(status, filters)
    if results == status.filtered and (status.reblog is None or not status.reblog.filtered):
        return status
    reblog = replace(status.reblog, filtered=()) if status.reblog is not None else None
    return replace(status, filtered=results, reblog=reblog)


__all__ = ["CompiledFilter", "compile_filters", "filter_results", "refiltered",
           "searchable_text"]
