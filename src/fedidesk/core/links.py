"""Would Mastodon verify this profile link? A local replay of the server's rel=me check.

``check_link(url, profile_url)`` follows ``mastodon.md`` §4 (mastodon/mastodon
``app/services/verify_link_service.rb``, ``app/models/account/field.rb``):

* the field value itself must be verifiable: ``https`` only, no user/password, a lowercase
  ASCII host (IDN homograph protection), a normalised path, at most 255 characters;
* ``GET`` with ``Accept: text/html``, at most 3 redirects (a repeated URL is a loop),
  only HTTP 200 is parsed, and only the **first 1 MB** of the body;
* ``a`` and ``link`` elements whose ``rel`` tokens include ``me`` (case-insensitive) count,
  and verify when ``href.lower() == profile_url.lower()``;
* if rel=me links exist but none matches, a ``HEAD`` (no redirects) to the **first** one
  verifies only if its ``Location`` equals the profile URL exactly (link shorteners);
* no rel=me link at all never verifies (the docs' "first link" fallback is not in the code).

Like the server, fedidesk refuses private and loopback addresses (literal IPs and
``localhost``; the server also checks DNS answers). ``allow_private=True`` exists for
tests against local pages only; nothing in the app sets it. HTML is parsed with the stdlib
``html.parser``; scripts never run, so links added by JavaScript are not seen, as on the
server.
"""

from __future__ import annotations

import asyncio
import html
import ipaddress
import re
import ssl
from dataclasses import dataclass, field
from enum import StrEnum
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from fedidesk import __version__
from fedidesk.core.errors import InvalidAddressError
from fedidesk.core.fetchlimit import LimitedBody, read_limited
from fedidesk.core.html import is_web_url
from fedidesk.core.i18n import _

MAX_REDIRECTS = 3
MAX_PAGE_BYTES = 1024 * 1024  # Rails' 1.megabyte
MAX_FIELD_VALUE = 255
TOTAL_TIMEOUT = 30.0
USER_AGENT = f"fedidesk/{__version__} (rel=me link check, like Mastodon's)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")


class Reason(StrEnum):
    """Why a link verifies or not (``LinkCheck.reason_code``)."""

    OK = "ok"
    OK_VIA_REDIRECT = "ok_via_redirect"
    INVALID_URL = "invalid_url"
    NOT_HTTPS = "not_https"
    NOT_VERIFIABLE = "not_verifiable"
    PRIVATE_ADDRESS = "private_address"
    UNREACHABLE = "unreachable"
    HTTP_ERROR = "http_error"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    NOT_HTML = "not_html"
    NO_REL_ME = "no_rel_me"
    REL_ME_ELSEWHERE = "rel_me_elsewhere"
    PAGE_TOO_LARGE = "page_too_large"


@dataclass(frozen=True)
class LinkCheck:
    """The verdict. ``found_links`` are the page's rel=me targets, in document order."""

    ok: bool
    reason_code: Reason
    message: str
    found_links: list[str] = field(default_factory=list)
    final_url: str = ""
    status: int | None = None
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "reason": str(self.reason_code), "message": self.message,
                "found_links": list(self.found_links), "final_url": self.final_url,
                "status": self.status, "truncated": self.truncated}


def _fail(reason: Reason, message: str, **kw: Any) -> LinkCheck:
    return LinkCheck(False, reason, message, **kw)


# --- the field value ------------------------------------------------------------------------


_UNRESERVED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")


def _normalized_path(path: str) -> bool:
    """Roughly Addressable's ``normalized_path == path``: no dot segments, no escapes of
    unreserved characters, uppercase hex in escapes, ASCII only."""
    if not path.isascii():
        return False
    segments = path.split("/")
    if "." in segments or ".." in segments:
        return False
    for escape in re.findall(r"%(..)", path):
        if escape != escape.upper() or not re.fullmatch(r"[0-9A-F]{2}", escape):
            return False
        if chr(int(escape, 16)) in _UNRESERVED:
            return False
    return True


def field_problem(url: str) -> LinkCheck | None:
    """Why Mastodon would never try to verify ``url`` as a field value; ``None`` if it would."""
    text = url.strip()
    if text != url or not text:
        return _fail(Reason.INVALID_URL, _("The link must be the whole field value, with no "
                                           "spaces around it."))
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        return _fail(Reason.INVALID_URL, _("{address} is not a valid web address.").format(
            address=repr(text)))
    if parts.scheme.lower() == "http":
        return _fail(Reason.NOT_HTTPS, _("Mastodon only verifies https:// links. Change the "
                                         "address to https://{rest} (your site must serve "
                                         "https).").format(rest=text.split("://", 1)[1]))
    if parts.scheme.lower() != "https" or not host or not is_web_url(text):
        return _fail(Reason.INVALID_URL, _("{address} is not a web address; it must start "
                                           "with https://.").format(address=repr(text)))
    if parts.username is not None or parts.password is not None:
        return _fail(Reason.NOT_VERIFIABLE, _("Links with a user name or password in them "
                                              "are never verified. Remove the part before "
                                              "the @."))
    raw_host = parts.netloc.rpartition("@")[2]
    raw_host = raw_host[1:raw_host.find("]")] if raw_host.startswith("[") else (
        raw_host.partition(":")[0])
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    if raw_host != host or ascii_host != host:
        suggestion = (" " + _("Use {host} instead.").format(host=repr(ascii_host))
                      if ascii_host else "")
        return _fail(Reason.NOT_VERIFIABLE, _("Mastodon only verifies links whose server name "
                                              "is lowercase plain ASCII (it guards against "
                                              "look-alike letters).") + suggestion)
    if not _normalized_path(parts.path):
        return _fail(Reason.NOT_VERIFIABLE, _(
            "The path of the link is not in normal form (no ./ or ../ parts, no needless or "
            "lowercase %-escapes); Mastodon will not verify it."))
    if len(text) > MAX_FIELD_VALUE:
        return _fail(Reason.NOT_VERIFIABLE, _(
            "The link is {length} characters long; a profile field holds at most "
            "{limit}.").format(length=len(text), limit=MAX_FIELD_VALUE))
    return None


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local or reserved literal IPs, and ``localhost`` names."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return False
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
            or ip.is_unspecified or ip.is_multicast)


# --- HTML -------------------------------------------------------------------------------


class _RelMeParser(HTMLParser):
    """Collects ``a``/``link`` hrefs: those with a ``me`` rel token, and all the others."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rel_me: list[str] = []
        self.plain: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("a", "link"):
            return
        first: dict[str, str] = {}
        for name, value in attrs:  # HTML keeps the first of duplicate attributes
            first.setdefault(name, value or "")
        href = first.get("href", "")
        rel = first.get("rel")
        if rel is not None and "me" in _HTML_SPACE.split(rel.lower()):
            self.rel_me.append(href)
        elif href:
            self.plain.append(href)


def find_rel_me(page: str) -> tuple[list[str], list[str]]:
    """``(rel=me hrefs, other a/link hrefs)`` in document order."""
    parser = _RelMeParser()
    try:
        parser.feed(page)
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was found
        pass
    return parser.rel_me, parser.plain


# --- fetching -----------------------------------------------------------------------------


def _client(timeout: float) -> httpx.AsyncClient:
    # Not ``make_client``: like the server, a redirect to http is followed, by hand.
    return httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
                             headers={"User-Agent": USER_AGENT}, follow_redirects=False)


def _unreachable(url: str, exc: Exception) -> LinkCheck:
    host = urlsplit(url).hostname or url
    text = str(exc)
    if isinstance(exc, httpx.TimeoutException):
        why = _("it did not answer in time")
    elif isinstance(exc.__context__, ssl.SSLError) or "CERTIFICATE" in text.upper() or (
            "SSL" in text.upper()):
        why = _("its https certificate is not valid (Mastodon rejects it too)")
    else:
        why = _("the connection failed")
    return _fail(Reason.UNREACHABLE, _("Could not load {host}: {why}.").format(host=host, why=why),
                 final_url=url)


async def _load(client: httpx.AsyncClient, url: str, allow_private: bool
                ) -> LinkCheck | tuple[LimitedBody, str]:
    """Fetch ``url`` following at most ``MAX_REDIRECTS`` redirects, or fail precisely."""
    visited = [url]
    current = url
    while True:
        host = urlsplit(current).hostname or ""
        if not allow_private and is_private_host(host):
            return _fail(Reason.PRIVATE_ADDRESS, _(
                "{host} is a private or local address; Mastodon servers never fetch those, "
                "so the link cannot verify.").format(host=host),
                         final_url=current)
        request = client.build_request("GET", current, headers={"Accept": "text/html"})
        try:
            body = await read_limited(client, request, max_bytes=MAX_PAGE_BYTES,
                                      follow_redirects=False)
        except httpx.HTTPError as exc:
            return _unreachable(current, exc)
        location = body.headers.get("location")
        if body.status not in REDIRECT_STATUSES or not location:
            return body, current
        target = urljoin(current, location.strip())
        if target in visited:
            chain = " → ".join([*visited, target])
            return _fail(Reason.REDIRECT_LOOP,
                         _("The page redirects in a loop ({chain}).").format(chain=chain),
                         final_url=target, status=body.status)
        if len(visited) > MAX_REDIRECTS:
            return _fail(Reason.TOO_MANY_REDIRECTS, _(
                "The page redirects more than {count} times; Mastodon gives up after "
                "{count}. Use the final address in your profile instead.").format(
                    count=MAX_REDIRECTS),
                         final_url=target, status=body.status)
        if urlsplit(target).scheme not in ("http", "https"):
            return _fail(Reason.UNREACHABLE, _("The page redirects to {target}, which is "
                                               "not a web address.").format(target=repr(target)),
                         final_url=target)
        visited.append(target)
        current = target


async def _redirects_back(client: httpx.AsyncClient, href: str, profile_url: str,
                          allow_private: bool) -> bool:
    """The server's fallback: ``HEAD`` the first rel=me link; its Location must be exact."""
    if not is_web_url(href):
        return False
    if not allow_private and is_private_host(urlsplit(href).hostname or ""):
        return False
    try:
        response = await client.request("HEAD", href, follow_redirects=False)
    except httpx.HTTPError:
        return False
    return bool(response.headers.get("location") == profile_url)


def _status_message(status: int, url: str) -> str:
    message = _("{url} answered HTTP {status}; Mastodon only reads pages that answer "
                "200.").format(url=url, status=status)
    if status in (401, 403, 429, 503):
        message += " " + _("Bot protection (such as Cloudflare) or a login wall may be "
                           "blocking automated visitors; allow Mastodon's requests for this "
                           "page.")
    return message


async def check_link(
    url: str, profile_url: str, *, client: httpx.AsyncClient | None = None,
    allow_private: bool = False, time_budget: float = TOTAL_TIMEOUT,
) -> LinkCheck:
    """Check whether ``url`` would verify for the profile at ``profile_url``.

    ``profile_url`` is the Account's ``url`` (``https://server/@name``). ``client`` may be
    injected (tests trust a self-signed certificate with it); redirects are always handled
    here, not by the client.
    """
    if not is_web_url(profile_url):
        raise InvalidAddressError(_("The profile address must be a web address like "
                                    "https://mastodon.social/@you."))
    problem = field_problem(url)
    if problem is not None:
        return problem
    own = client is None
    http = client or _client(time_budget)
    try:
        async with asyncio.timeout(time_budget):
            return await _check(http, url, profile_url, allow_private)
    except TimeoutError:
        return _fail(Reason.UNREACHABLE, _(
            "Checking {url} took longer than {seconds} seconds; Mastodon would give up "
            "too.").format(url=url, seconds=f"{time_budget:.0f}"), final_url=url)
    finally:
        if own:
            await http.aclose()


async def _check(client: httpx.AsyncClient, url: str, profile_url: str,
                 allow_private: bool) -> LinkCheck:
    loaded = await _load(client, url, allow_private)
    if isinstance(loaded, LinkCheck):
        return loaded
    body, final = loaded
    common: dict[str, Any] = {"final_url": final, "status": body.status,
                              "truncated": body.truncated}
    if body.status != 200:
        return _fail(Reason.HTTP_ERROR, _status_message(body.status, final), **common)
    rel_me, plain = find_rel_me(body.text())
    found = [h for h in rel_me if h]
    common["found_links"] = found
    wanted = profile_url.lower()
    size_note = (" " + _("The page is larger than 1 MB; only its first megabyte is read, "
                         "as on the server.")) if body.truncated else ""
    if any(h.lower() == wanted for h in rel_me):
        return LinkCheck(True, Reason.OK, _(
            "The page links back to {profile} with rel=\"me\"; Mastodon will verify "
            "it.").format(profile=profile_url) + size_note, **common)
    if not rel_me:
        if body.content_type not in HTML_TYPES:
            served = body.content_type or _("an unknown type")
            return _fail(Reason.NOT_HTML, _(
                "The address serves {type}, not an HTML page, and no rel=\"me\" link was "
                "found in it. Link to a web page.").format(type=served),
                         **common)
        if body.truncated:
            return _fail(Reason.PAGE_TOO_LARGE, _(
                "The page is larger than 1 MB and its first megabyte has no rel=\"me\" "
                "link; Mastodon reads only that much. Put the link near the top, e.g. a "
                "<link rel=\"me\"> in <head>."),
                         **common)
        hint = (" " + _("The page does link to your profile, but without rel=\"me\"; add "
                        "rel=\"me\" to that link.")
                if any(h.lower() == wanted for h in plain) else "")
        return _fail(Reason.NO_REL_ME, _(
            "The page has no link with rel=\"me\"; Mastodon needs one pointing to "
            "{profile}.").format(profile=profile_url) + hint, **common)
    if await _redirects_back(client, rel_me[0], profile_url, allow_private):
        return LinkCheck(True, Reason.OK_VIA_REDIRECT, _(
            "The first rel=\"me\" link ({link}) redirects to {profile}; Mastodon accepts "
            "that.").format(link=rel_me[0], profile=profile_url),
                         **common)
    where = ", ".join(found) if found else _("links without an address")
    return _fail(Reason.REL_ME_ELSEWHERE, _(
        "The page's rel=\"me\" links point elsewhere ({where}), not to {profile}.").format(
            where=where, profile=profile_url) + size_note, **common)


# --- guidance -----------------------------------------------------------------------------


def snippet_for(profile_url: str) -> str:
    """The HTML to paste into one's web page."""
    return f'<a rel="me" href="{html.escape(profile_url, quote=True)}">Mastodon</a>'


def guidance_for(profile_url: str) -> str:
    """How to make a page (or a GitHub profile) link back, in plain words."""
    escaped = html.escape(profile_url, quote=True)
    return _(
        "Add this link to your web page (it may be hidden or in the footer):\n"
        "  {snippet}\n"
        "or, if you cannot change the visible page, this tag inside <head>:\n"
        "  {tag}\n"
        "Then put the page's https:// address, exactly, as the value of a profile field.\n"
        "GitHub: open Settings → Public profile → Social accounts and add "
        "{profile}. GitHub marks those links rel=\"me\", so the field value "
        "https://github.com/YOUR-NAME verifies."
    ).format(snippet=snippet_for(profile_url), tag=f'<link rel="me" href="{escaped}">',
             profile=profile_url)
