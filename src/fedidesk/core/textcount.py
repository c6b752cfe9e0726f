"""Count a post's length the way Mastodon's ``StatusLengthValidator`` does.

Before measuring, Mastodon rewrites the text:

* every ``http(s)://`` URL counts as ``characters_reserved_per_url`` characters (23 by
  default; the server says how many in ``configuration.statuses``, ``mastodon.md`` §1.3),
  however long it really is;
* a remote mention ``@user@domain`` counts as ``@user`` only;
* the content warning counts towards the same limit as the text;
* text and content warning are stripped first (``Status#prepare_contents`` runs Ruby's
  ``String#strip`` before validation), so leading and trailing ASCII whitespace and NUL
  (space, tab, line feed, vertical tab, form feed, carriage return) do not count. Other
  spaces (no-break space, ideographic space …) are not stripped and do count, except that
  a text made only of whitespace of any kind counts nothing (Rails' ``blank?``).

The rewritten string is then measured in Unicode code points (Ruby's ``String#length``),
so an emoji or a CJK ideograph is one character, not two UTF-16 units. Newer servers count
grapheme clusters, which is never more than the code points: counting code points can only
warn early on long emoji sequences, never let an over-long post through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_URL_LENGTH = 23
# What Ruby's ``String#strip`` removes at both ends: NUL and ASCII whitespace only.
RUBY_STRIPPED = "\0\t\n\v\f\r "

# http(s) URLs only (Mastodon extracts with ``extract_url_without_protocol: false``).
# Balanced parentheses stay inside (Wikipedia links); trailing punctuation does not.
_URL = re.compile(
    r"(?<![\w/@])https?://[^\s<>\"'()\[\]{}]*(?:\([^\s()<>]*\)[^\s<>\"'()\[\]{}]*)*",
    re.IGNORECASE,
)
_TRAILING = ".,:;!?'\"…"
# Mastodon's ``Account::MENTION_RE``: ``@user`` or ``@user@domain``, not after a word or ``/``.
_MENTION = re.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(@[\w.-]+\w)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Span:
    """One entity found in the text: ``[start, end)`` and what it counts as."""

    start: int
    end: int
    kind: str  # "url" or "mention"
    replacement: str


def _url_spans(text: str, url_length: int) -> list[Span]:
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        host = text[start:end].split("://", 1)[1]
        if not host or host.startswith(("/", ".")):
            continue
        spans.append(Span(start, end, "url", "x" * url_length))
    return spans


def _mention_spans(text: str, taken: list[Span]) -> list[Span]:
    spans = []
    for match in _MENTION.finditer(text):
        start, end = match.span()
        if any(s.start < end and start < s.end for s in taken):
            continue
        spans.append(Span(start, end, "mention", "@" + match.group(1)))
    return spans


def entities(text: str, url_length: int = DEFAULT_URL_LENGTH) -> list[Span]:
    """URLs and mentions in ``text``, in order, never overlapping (URLs win)."""
    urls = _url_spans(text, url_length)
    return sorted(urls + _mention_spans(text, urls), key=lambda s: s.start)


def countable_text(text: str, url_length: int = DEFAULT_URL_LENGTH) -> str:
    """``text`` with URLs replaced by ``url_length`` x's and remote mentions shortened."""
    parts: list[str] = []
    position = 0
    for span in entities(text, url_length):
        parts.append(text[position:span.start])
        parts.append(span.replacement)
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def count_characters(text: str, spoiler_text: str = "", *,
                     url_length: int = DEFAULT_URL_LENGTH) -> int:
    """How many characters of the server's ``max_characters`` this post uses."""
    text = "" if not text.strip() else ruby_strip(text)
    return len(ruby_strip(spoiler_text)) + len(countable_text(text, url_length))


def ruby_strip(text: str) -> str:
    """``text`` without what Ruby's ``String#strip`` removes (see ``RUBY_STRIPPED``)."""
    return text.strip(RUBY_STRIPPED)


def remaining(text: str, spoiler_text: str = "", *, max_characters: int = 500,
              url_length: int = DEFAULT_URL_LENGTH) -> int:
    """Characters left before the limit; negative when over it."""
    return max_characters - count_characters(text, spoiler_text, url_length=url_length)
