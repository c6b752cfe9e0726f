"""Fediverse handle candidates in names, bios, locations, URLs and tweets (``mastodon.md`` §6.2).

The patterns follow what Debirdify, Fedifinder and Movetodon did:

* ``@user@host`` (also after ``🐘`` or ``Mastodon:``): explicit, lax host check;
* ``acct:user@host`` URIs;
* profile URLs ``https://host/@user``, ``host/web/@user``, ``https://host/@user@other``
  (a remote profile seen through ``host``) and ``https://host/users/user`` (actor URLs);
* bare ``user@host`` only with a fediverse hint, because otherwise it is an email address:
  the host looks like a fediverse server (labels with ``social``, ``masto``, ``mstdn``,
  ``toot``, ``fedi``…, or a known instance), or the text (or field) mentions Mastodon, the
  fediverse, toots or 🐘.

None of the projects decoded spelled-out obfuscations (``user at host dot social``), so
neither does fedidesk: they match too much ordinary prose. Text is NFKC-normalised first
(fancy Unicode letters, full-width ``＠``), zero-width characters are dropped, and hosts
known not to be fediverse servers (mail providers, Twitter/X, GitHub, Medium, …) are
rejected. Each hit becomes a ``Candidate`` with a confidence in [0, 1] and a reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from fedidesk.core.i18n import _

USER = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?"
HOST = r"(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.){1,10}[^\W\d_][\w\-]{0,61}[^\W_]"
_TRAILING = ".,;:!?)]}'\"»”’>"

URL_RE = re.compile(rf"(?<![\w@.\-/])(?:https?://)?(?P<host>{HOST})(?::\d{{1,5}})?"
                    r"(?P<path>/[^\s<>\"'|`]*)", re.IGNORECASE)
PATH_AT_RE = re.compile(rf"/(?:web/)?@(?P<user>{USER})(?:@(?P<host>{HOST}))?(?P<rest>/.*)?")
PATH_USERS_RE = re.compile(rf"/users/(?P<user>{USER})(?P<rest>/.*)?")
ACCT_RE = re.compile(rf"\bacct:(?P<user>{USER})@(?P<host>{HOST})", re.IGNORECASE)
HANDLE_RE = re.compile(rf"(?<![\w.@/:+\-])(?P<at>@)?(?P<user>{USER})@(?P<host>{HOST})")
HINT_RE = re.compile(r"mastodon|masto\b|fedi|toot|tröt|troet|mstdn|🐘|activitypub",
                     re.IGNORECASE)
#: Handles and URLs never contain whitespace, so longer tokens are skipped (bounds regex time).
MAX_TOKEN = 300
MAX_TEXT = 100_000
_LONG_TOKEN_RE = re.compile(rf"\S{{{MAX_TOKEN},}}")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

FORBIDDEN_HOSTS = frozenset({
    # mail providers
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
    "protonmail.com", "pm.me", "gmx.de", "gmx.net", "gmx.com", "web.de", "posteo.de",
    "mailbox.org", "fastmail.com", "hey.com", "tutanota.com", "tuta.io", "zoho.com",
    "yandex.ru", "mail.ru", "qq.com", "163.com", "orange.fr", "free.fr", "t-online.de",
    # other platforms (Debirdify's, Fedifinder's and Movetodon's lists)
    "twitter.com", "x.com", "t.co", "github.com", "gitlab.com", "linkedin.com", "medium.com",
    "substack.com", "youtube.com", "youtu.be", "tiktok.com", "instagram.com", "facebook.com",
    "fb.com", "linktr.ee", "pronouns.page", "tap.bio", "flipboard.com", "twitch.tv",
    "patreon.com", "ko-fi.com", "about.me", "bsky.app", "reddit.com", "google.com",
    "apple.com", "microsoft.com", "amazon.com", "wordpress.com", "blogspot.com",
    "tumblr.com", "example.com",
})
KNOWN_INSTANCES = frozenset({
    "mastodon.social", "mastodon.online", "mas.to", "mstdn.social", "fosstodon.org",
    "hachyderm.io", "infosec.exchange", "ioc.exchange", "chaos.social", "mastodon.world",
    "mstdn.jp", "social.coop", "sigmoid.social", "universeodon.com", "techhub.social",
    "tech.lgbt", "kolektiva.social", "masto.ai", "toot.community", "mastodon.xyz",
    "aus.social", "mastodon.scot", "mathstodon.xyz", "scholar.social", "journa.host",
    "newsie.social", "indieweb.social", "piaille.fr", "framapiaf.org", "mamot.fr",
    "troet.cafe", "det.social", "social.vivaldi.net", "mastodon.green", "pixelfed.social",
    "misskey.io", "threads.net", "hci.social", "mastodon.ie", "tooot.im", "todon.eu",
    "wandering.shop", "octodon.social", "qoto.org", "kolektiva.media", "bird.makeup",
})
FEDI_HOST_WORDS = ("social", "masto", "mstdn", "toot", "fedi", "pleroma", "misskey",
                   "akkoma", "gotosocial", "pixelfed", "troet", "xn--trt")


@dataclass(frozen=True)
class TextSource:
    """One piece of text to scan and where it came from."""

    text: str
    field: str  # "bio", "name", "url", "tweet 123", "line 4", …
    account: str = ""  # whose text it is (a Twitter screen name), "" when unknown
    hinted: bool = False  # the field itself is about the fediverse (e.g. a "Mastodon" column)
    weight: float = 1.0  # scales every confidence (e.g. lower for the owner's tweets)


@dataclass(frozen=True)
class Candidate:
    """A possible fediverse account of ``source_account``."""

    handle: str  # user@host, host lowercased, no leading @
    source_field: str
    source_account: str
    confidence: float
    reason: str

    @property
    def key(self) -> str:
        """Case-insensitive identity of the handle."""
        return self.handle.casefold()

    @property
    def username(self) -> str:
        return self.handle.rsplit("@", 1)[0]

    @property
    def host(self) -> str:
        return self.handle.rsplit("@", 1)[1]


def normalise_text(text: str) -> str:
    """NFKC (fancy letters, full-width ``＠``), no zero-width characters, bounded length."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT]).translate(_INVISIBLE)
    return _LONG_TOKEN_RE.sub(" ", text)


def normalise_host(host: str) -> str | None:
    """Lowercase ASCII (punycode) host, or ``None`` when it cannot be a host name."""
    host = host.strip().rstrip(_TRAILING).lower()
    if "_" in host or "." not in host or len(host) > 253:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if any(not label or len(label) > 63 for label in labels):
        return None
    tld = labels[-1]
    if not (tld.isalpha() or tld.startswith("xn--")) or len(tld) < 2:
        return None
    return ascii_host


def normalise_handle(handle: str) -> str | None:
    """``@Bob@Mastodon.Social.`` → ``Bob@mastodon.social``; ``None`` when not a handle."""
    text = normalise_text(handle).strip().removeprefix("acct:").lstrip("@").rstrip(_TRAILING)
    user, at, host = text.rpartition("@")
    if not at or not re.fullmatch(USER, user):
        return None
    clean = normalise_host(host)
    return f"{user}@{clean}" if clean else None


def is_forbidden_host(host: str) -> bool:
    """Known not to be a fediverse server (mail providers, Twitter/X, GitHub, …)."""
    return any(host == bad or host.endswith("." + bad) for bad in FORBIDDEN_HOSTS)


def looks_fediverse(host: str) -> bool:
    """A known instance, or a host whose labels say social/masto/mstdn/toot/fedi…."""
    return host in KNOWN_INSTANCES or any(word in host for word in FEDI_HOST_WORDS)


@dataclass(frozen=True)
class _Hit:
    user: str
    host: str
    base: float
    form: str
    bare: bool = False  # user@host without @: needs a fediverse hint
    post_link: bool = False


def _score(hit: _Hit, source: TextSource, hinted: bool) -> tuple[float, str] | None:
    fedi = looks_fediverse(hit.host)
    if hit.bare and not (fedi or hinted):
        return None  # an email address
    score, reasons = hit.base, [hit.form]
    if fedi:
        score += 0.2 if hit.bare else 0.15
        reasons.append(_("the host looks like a fediverse server"))
    if hinted:
        score += 0.1 if hit.bare else 0.05
        reasons.append(_("Mastodon/fediverse mentioned nearby"))
    if hit.post_link:
        score -= 0.2
        reasons.append(_("a link to a post, maybe by someone else"))
    return round(max(0.05, min(0.99, score) * source.weight), 2), "; ".join(reasons)


def _url_hits(text: str) -> tuple[list[_Hit], str]:
    hits: list[_Hit] = []

    def blank(match: re.Match[str]) -> str:
        path = match.group("path").rstrip(_TRAILING)
        host = match.group("host")
        if (found := PATH_AT_RE.fullmatch(path)) is not None:
            if found.group("host"):  # host/@user@other: a remote profile seen through host
                hits.append(_Hit(found.group("user"), found.group("host"), 0.7,
                                 _("remote profile link"), post_link=bool(found.group("rest"))))
            else:
                hits.append(_Hit(found.group("user"), host, 0.65, _("profile link /@user"),
                                 post_link=bool(found.group("rest"))))
        elif (found := PATH_USERS_RE.fullmatch(path)) is not None:
            hits.append(_Hit(found.group("user"), host, 0.5, _("actor link /users/user"),
                             post_link=bool(found.group("rest"))))
        return " " * len(match.group(0))

    return hits, URL_RE.sub(blank, text)


def _text_hits(text: str) -> tuple[list[_Hit], str]:
    hits: list[_Hit] = []

    def acct(match: re.Match[str]) -> str:
        hits.append(_Hit(match.group("user"), match.group("host"), 0.85, _("acct: URI")))
        return " " * len(match.group(0))

    def handle(match: re.Match[str]) -> str:
        if match.group("at"):
            hits.append(_Hit(match.group("user"), match.group("host"), 0.8, "@user@host"))
        else:
            hits.append(_Hit(match.group("user"), match.group("host"), 0.5, "user@host",
                             bare=True))
        return " " * len(match.group(0))

    return hits, HANDLE_RE.sub(handle, ACCT_RE.sub(acct, text))


def candidates_in(source: TextSource) -> list[Candidate]:
    """Every candidate in one piece of text (not deduplicated)."""
    url_hits, rest = _url_hits(normalise_text(source.text))
    text_hits, rest = _text_hits(rest)
    # Hint words count only outside the matches ("mastodon.social" is no hint by itself).
    hinted = source.hinted or bool(HINT_RE.search(rest))
    result = []
    for hit in [*url_hits, *text_hits]:
        host = normalise_host(hit.host)
        if host is None or is_forbidden_host(host):
            continue
        scored = _score(_Hit(hit.user, host, hit.base, hit.form, hit.bare, hit.post_link),
                        source, hinted)
        if scored is not None:
            result.append(Candidate(f"{hit.user}@{host}", source.field, source.account,
                                    *scored))
    return result


def extract_candidates(sources: Iterable[TextSource]) -> list[Candidate]:
    """Candidates from all ``sources``, one per handle (the most confident), best first."""
    best: dict[str, Candidate] = {}
    for source in sources:
        for candidate in candidates_in(source):
            kept = best.get(candidate.key)
            if kept is None or candidate.confidence > kept.confidence:
                best[candidate.key] = candidate
    return sorted(best.values(), key=lambda c: (-c.confidence, c.key))
