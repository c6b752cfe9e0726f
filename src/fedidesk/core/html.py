"""Qt-free safety for remote post HTML: sanitize, budget, read as text, classify links.

Server HTML is untrusted (security.md items 9, 12, 13). ``sanitize`` cuts the input to a
budget, flattens absurd nesting cheaply, cleans it with nh3 against a tiny allow-list, then
re-walks the (now well-formed) result to enforce the exact depth/link/size caps and collect
the links. Its output is a fixed point: ``sanitize(sanitize(x).html).html == sanitize(x).html``.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3

from fedidesk.core.entities import CustomEmoji, Mention, Status

ALLOWED_TAGS = frozenset(
    {"p", "br", "a", "span", "strong", "b", "em", "i", "u", "del", "s", "code", "pre",
     "blockquote", "ul", "ol", "li"}
)
ALLOWED_CLASSES = frozenset({"mention", "hashtag", "ellipsis", "invisible"})
URL_SCHEMES = frozenset({"http", "https"})
VOID_TAGS = frozenset({"br"})

MAX_INPUT_CHARS = 64 * 1024
MAX_OUTPUT_CHARS = 64 * 1024
MAX_DEPTH = 32
MAX_LINKS = 200
MAX_EMOJI = 100

_ATTRIBUTES = {"a": {"href", "class"}, "span": {"class"}, "ol": {"start"}}
_RAW_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Link:
    """One kept ``<a href>``: the target, its full text (hidden parts included) and classes."""

    href: str
    text: str
    classes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SafeContent:
    """Sanitized post HTML plus what the budgets did to it."""

    html: str
    truncated: bool = False
    links: tuple[Link, ...] = ()


# --- sanitizing -------------------------------------------------------------------------


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace/control characters."""
    if _CONTROL.search(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in URL_SCHEMES and bool(host)


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        seen: list[str] = []
        for name in value.split():
            if name in ALLOWED_CLASSES and name not in seen:
                seen.append(name)
        return " ".join(seen) or None
    if attr == "href":
        return value if is_web_url(value) else None
    if attr == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 6 else None
    return None


def _nh3_clean(text: str) -> str:
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "template", "noscript", "textarea", "title"},
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=None,  # rel is meaningless to Qt; keeping it out keeps output stable
        strip_comments=True,
    )


def _cut(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    # Don't leave half a tag behind: nh3 would handle it safely, but it would show as text.
    lt = cut.rfind("<")
    if lt > cut.rfind(">"):
        cut = cut[:lt]
    return cut, True


def _preflatten(text: str, max_depth: int) -> str:
    """Drop tags nested deeper than ``max_depth`` before nh3 sees them.

    Only a budget for the parser (html5ever slows down sharply on very deep trees): it
    guesses at depth from raw tags. Correctness comes from nh3 and the walk afterwards.
    """
    depth = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal depth
        closing, name = match.group(1), match.group(2).lower()
        if name in VOID_TAGS or match.group(0).endswith("/>"):
            return match.group(0)
        if closing:
            depth = max(0, depth - 1)
            return match.group(0) if depth < max_depth else ""
        depth += 1
        return match.group(0) if depth <= max_depth else ""

    return _RAW_TAG.sub(replace, text)


def _escape_text(text: str) -> str:
    # Mirrors html5ever's serializer so a second nh3 pass leaves the output unchanged.
    return (
        text.replace("&", "&amp;").replace("\xa0", "&nbsp;").replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _fit(text: str, room: int) -> str:
    """The longest prefix of ``text`` whose escaped form fits in ``room`` characters."""
    used = 0
    for index, char in enumerate(text):
        used += len(_escape_text(char))
        if used > room:
            return text[:index]
    return text


def _escape_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("\xa0", "&nbsp;").replace('"', "&quot;")


class _BudgetWalker(HTMLParser):
    """Re-serializes nh3 output while enforcing depth, link and size caps."""

    def __init__(self, max_depth: int, max_links: int, max_chars: int) -> None:
        super().__init__(convert_charrefs=True)
        self.max_depth, self.max_links, self.max_chars = max_depth, max_links, max_chars
        self.out: list[str] = []
        self.size = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, emitted)
        self.depth = 0
        self.links: list[Link] = []
        self.link_count = 0
        self.current_link: tuple[str, frozenset[str], list[str]] | None = None
        self.full = False
        self.truncated = False

    def _emit(self, piece: str) -> None:
        self.out.append(piece)
        self.size += len(piece)

    def _room(self) -> int:
        # Reserve space for closing every open tag.
        closing = sum(len(tag) + 3 for tag, emitted in self.stack if emitted)
        return self.max_chars - self.size - closing

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.full:
            if tag not in VOID_TAGS:
                self.stack.append((tag, False))
            return
        attributes = {k: v for k, v in attrs if v is not None}
        emit = tag in ALLOWED_TAGS and (tag in VOID_TAGS or self.depth < self.max_depth)
        if tag == "a":
            href = attributes.get("href", "")
            emit = emit and is_web_url(href) and self.link_count < self.max_links
            emit = emit and self.current_link is None
        piece = ""
        if emit:
            kept = [(k, v) for k, v in attrs if k in _ATTRIBUTES.get(tag, ()) and v]
            piece = "<" + tag + "".join(f' {k}="{_escape_attr(v or "")}"' for k, v in kept) + ">"
            if len(piece) + len(tag) + 3 > self._room():
                self.full = self.truncated = True
                emit = False
        if tag in VOID_TAGS:
            if emit:
                self._emit(piece)
            return
        self.stack.append((tag, emit))
        if emit:
            self._emit(piece)
            self.depth += 1
            if tag == "a":
                self.link_count += 1
                classes = frozenset(attributes.get("class", "").split())
                self.current_link = (attributes["href"], classes, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS or not self.stack:
            return
        # nh3 output is well formed, so end tags match the stack; pop defensively anyway.
        while self.stack:
            name, emitted = self.stack.pop()
            if emitted:
                self._close(name)
            if name == tag:
                break

    def _close(self, name: str) -> None:
        self._emit(f"</{name}>")
        self.depth -= 1
        if name == "a" and self.current_link is not None:
            href, classes, text = self.current_link
            self.links.append(Link(href, "".join(text), classes))
            self.current_link = None

    def handle_data(self, data: str) -> None:
        if self.full or not data:
            return
        room = self._room()
        escaped = _escape_text(data)
        if len(escaped) > room:
            self.full = self.truncated = True
            data = _fit(data, room)
            escaped = _escape_text(data)
        if self.current_link is not None:
            self.current_link[2].append(data)
        self._emit(escaped)

    def finish(self) -> str:
        self.close()
        while self.stack:
            name, emitted = self.stack.pop()
            if emitted:
                self._close(name)
        return "".join(self.out)


def sanitize(
    html: str,
    *,
    max_input: int = MAX_INPUT_CHARS,
    max_depth: int = MAX_DEPTH,
    max_links: int = MAX_LINKS,
    max_output: int = MAX_OUTPUT_CHARS,
) -> SafeContent:
    """Clean untrusted post HTML down to the allow-list, within the rendering budgets."""
    text, truncated = _cut(html, max_input)
    text = _preflatten(text, max_depth)
    walker = _BudgetWalker(max_depth, max_links, max_output)
    walker.feed(_nh3_clean(text))
    # A final nh3 pass is defence in depth against a mistake in the walker's serializer.
    out = _nh3_clean(walker.finish())
    return SafeContent(out, truncated or walker.truncated, tuple(walker.links))


# --- plain text -------------------------------------------------------------------------


class _TextWalker(HTMLParser):
    _BLOCK = frozenset({"p", "blockquote", "pre", "ul", "ol", "div", "h1", "h2", "h3", "h4"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.stack: list[str] = []

    def _break(self, text: str) -> None:
        if self.parts:
            self.parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "br":
            self._break("\n")
            return
        if tag in self._BLOCK:
            self._break("\n\n")
        elif tag == "li":
            self._break("\n")
            self.parts.append("• ")
        self.stack.append("invisible" if "invisible" in classes else
                          "ellipsis" if "ellipsis" in classes else tag)
        if "invisible" in classes:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "br" or not self.stack:
            return
        marker = self.stack.pop()
        if marker == "invisible":
            self.hidden -= 1
        elif marker == "ellipsis":
            self.parts.append("…")
        elif tag in self._BLOCK:
            self._break("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def plain_text(html: str, *, max_input: int = MAX_INPUT_CHARS) -> str:
    """Readable text of post HTML (screen readers, notifications, previews).

    Paragraphs become blank lines, ``<br>`` a newline, entities are decoded, Mastodon's
    ``invisible`` URL parts are dropped and ``ellipsis`` parts get "…".
    """
    walker = _TextWalker()
    walker.feed(_cut(html, max_input)[0])
    walker.close()
    text = "".join(walker.parts)
    lines = [line.strip(" ") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- links ------------------------------------------------------------------------------


class LinkKind(Enum):
    """What activating a link does."""

    MENTION = "mention"
    HASHTAG = "hashtag"
    EXTERNAL = "external"
    REJECTED = "rejected"


@dataclass(frozen=True)
class LinkTarget:
    """Result of ``classify_link``: where a link goes and whether its text misleads."""

    kind: LinkKind
    href: str
    account: Mention | None = None
    tag: str | None = None
    warning: str | None = None


_DOMAIN_TEXT = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^\s/?#@]+@)?"
    r"((?:[\w-]+\.)+[^\W\d_]{2,}|\[[0-9a-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3})\.?"
    r"(?::\d+)?(?:[/?#]\S*)?$",
    re.IGNORECASE,
)
_EMBEDDED_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


def normalize_host(host: str) -> str:
    """Lower-cased, ``www.``-less, trailing-dot-less ASCII (punycode) form of a host name."""
    host = unicodedata.normalize("NFKC", host).strip().rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        # Not valid IDNA: keep a visibly escaped form so it never equals a real host.
        return host.encode("ascii", "backslashreplace").decode("ascii")


def url_host(url: str) -> str | None:
    """The normalized host of ``url`` (``None`` if it has none)."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return normalize_host(host) if host else None


def _text_host(text: str) -> str | None:
    candidate = text.strip().rstrip(".,;:!?)…")
    if not _DOMAIN_TEXT.match(candidate):
        return None
    if "://" not in candidate:
        candidate = "http://" + candidate
    return url_host(candidate)


def _same_url(a: str, b: str) -> bool:
    def norm(url: str) -> tuple[str, str, str, str]:
        try:
            p = urlsplit(url.strip())
        except ValueError:
            return ("", url, "", "")
        return (p.scheme.lower(), normalize_host(p.hostname or ""), unquote(p.path).rstrip("/"),
                p.query)

    return norm(a) == norm(b)


def _mention_for(href: str, text: str, status: Status) -> Mention | None:
    for mention in status.mentions:
        if mention.url and _same_url(href, mention.url):
            return mention
    # Pleroma/Misskey link the actor id rather than the profile URL: accept only when the
    # host matches the mention's and the text names the same user.
    name = text.strip().lstrip("@").split("@")[0].casefold()
    host = url_host(href)
    for mention in status.mentions:
        if name and name == mention.username.casefold() and host == url_host(mention.url):
            return mention
    return None


def _tag_for(href: str, text: str, status: Status) -> str | None:
    for tag in status.tags:
        if tag.url and _same_url(href, tag.url):
            return tag.name
    shown = text.strip()
    if not shown.startswith("#"):
        return None
    try:
        last = unquote(urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None
    for tag in status.tags:
        if tag.name.casefold() == shown[1:].casefold() == last.casefold():
            return tag.name
    return None


def spoof_warning(href: str, visible_text: str, status: Status | None = None) -> str | None:
    """The real host to show next to a link whose text misleads, else ``None``.

    Flags: text that is (or contains) a URL/domain other than the target's host; a target
    with ``user@`` in it (``https://good.com@evil.com``); and, given ``status``, ``@name``
    text whose target is not one of ``status.mentions``.
    """
    real = url_host(href)
    if real is None:
        return None
    try:
        has_userinfo = "@" in (urlsplit(href.strip()).netloc or "")
    except ValueError:
        has_userinfo = True
    if has_userinfo:
        return real
    text = visible_text.strip()
    if text.startswith("@"):
        if status is not None and _mention_for(href, text, status) is None:
            return real
        return None
    shown = _text_host(text)
    if shown is not None:
        return real if shown != real else None
    for match in _EMBEDDED_URL.finditer(text):
        embedded = url_host(match.group(0))
        if embedded is not None and embedded != real:
            return real
    return None


def classify_link(href: str, visible_text: str, status: Status) -> LinkTarget:
    """Decide what activating ``href`` (shown as ``visible_text``) in ``status`` does."""
    href = href.strip()
    if not is_web_url(href):
        return LinkTarget(LinkKind.REJECTED, href)
    mention = _mention_for(href, visible_text, status)
    if mention is not None and visible_text.strip().startswith("@"):
        return LinkTarget(LinkKind.MENTION, href, account=mention)
    if mention is not None and _same_url(href, mention.url):
        return LinkTarget(LinkKind.MENTION, href, account=mention)
    tag = _tag_for(href, visible_text, status)
    if tag is not None:
        return LinkTarget(LinkKind.HASHTAG, href, tag=tag)
    return LinkTarget(
        LinkKind.EXTERNAL, href, warning=spoof_warning(href, visible_text, status)
    )


# --- custom emoji -----------------------------------------------------------------------


@dataclass(frozen=True)
class EmojiSpan:
    """A ``:shortcode:`` at ``text[start:end]`` that is one of the post's emoji."""

    start: int
    end: int
    emoji: CustomEmoji


_SHORTCODE = re.compile(r":([A-Za-z0-9_]{1,64}):")


def emojify_plan(
    text: str, emojis: Iterable[CustomEmoji], *, limit: int = MAX_EMOJI
) -> list[EmojiSpan]:
    """Where custom emoji go in ``text``: only shortcodes in ``emojis``, at most ``limit``."""
    known = {e.shortcode: e for e in emojis if e.shortcode}
    spans: list[EmojiSpan] = []
    pos = 0
    while len(spans) < limit:
        match = _SHORTCODE.search(text, pos)
        if match is None:
            break
        emoji = known.get(match.group(1))
        if emoji is None:
            pos = match.end() - 1  # the closing colon may open the next shortcode
            continue
        spans.append(EmojiSpan(match.start(), match.end(), emoji))
        pos = match.end()
    return spans


class _DisplayWalker(HTMLParser):
    """Rewrites sanitized HTML for display: hides invisible parts, inserts emoji markup."""

    def __init__(self, emojis: Sequence[CustomEmoji], image: Callable[[CustomEmoji], str],
                 limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.emojis, self.image, self.left = emojis, image, limit
        self.out: list[str] = []
        self.stack: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag != "br":
            self.stack.append("invisible" if "invisible" in classes else
                              "ellipsis" if "ellipsis" in classes else tag)
            self.hidden += "invisible" in classes
        if not self.hidden:
            kept = "".join(f' {k}="{_escape_attr(v or "")}"' for k, v in attrs if k != "class")
            self.out.append(f"<{tag}{kept}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "br" or not self.stack:
            return
        marker = self.stack.pop()
        if marker == "invisible":
            self.hidden -= 1
            return
        if marker == "ellipsis":
            self.out.append("…")
        if not self.hidden:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        pos = 0
        for span in emojify_plan(data, self.emojis, limit=self.left):
            self.out.append(_escape_text(data[pos:span.start]))
            self.out.append(self.image(span.emoji))
            self.left -= 1
            pos = span.end
        self.out.append(_escape_text(data[pos:]))


def display_html(
    safe: SafeContent,
    emojis: Sequence[CustomEmoji] = (),
    image: Callable[[CustomEmoji], str] | None = None,
    *,
    limit: int = MAX_EMOJI,
) -> str:
    """Sanitized HTML ready for a rich-text view.

    ``image`` returns the (trusted, fedidesk-built) markup for one emoji; shortcodes not in
    ``emojis`` stay text. Mastodon's ``invisible`` spans are dropped, ``ellipsis`` gets "…".
    """
    walker = _DisplayWalker(emojis, image or (lambda e: _html.escape(f":{e.shortcode}:")), limit)
    walker.feed(safe.html)
    walker.close()
    return "".join(walker.out)


def escape_plain(text: str) -> str:
    """Escape plain text (display names, CWs, alt text) for embedding in fedidesk's markup."""
    return _html.escape(text, quote=True)
