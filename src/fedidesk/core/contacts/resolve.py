"""Verify candidates: WebFinger, then the user's own server (``mastodon.md`` §6.3).

* ``WebFinger.check``: ``GET https://host/.well-known/webfinger?resource=acct:user@host``
  (https only, loopback excepted for tests), explicit timeouts, a capped response size, at
  most ``per_host`` requests in flight per host, and a host that failed ``max_failures``
  times (timeouts, connection errors, 5xx) is *deferred*: not asked again in this run
  (``security.md`` item 20). A hit needs a ``subject`` and a ``rel=self`` ActivityPub link.
* ``resolve_on_server``: ``/api/v2/search?q=…&type=accounts&resolve=true`` (the server runs
  WebFinger for accounts it does not know yet), falling back to ``/api/v1/accounts/lookup``
  (which never does WebFinger); accounts on the user's own domain are looked up by name.
  A ``moved`` account is replaced by the account it moved to.
* ``resolve_candidates`` runs either or both for many candidates, concurrently. Given the
  signed-in account's handle, a candidate that turns out to be that account (people often
  posted their own new address) is ``yourself``: shown, but not offered for following.

``follow_selected`` (``follow``) and ``write_following_csv`` (``export``) are re-exported
here: resolving is what comes before either.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import httpx

from fedidesk.core.api import MastodonApi
from fedidesk.core.contacts.export import write_following_csv
from fedidesk.core.contacts.extract import Candidate
from fedidesk.core.contacts.follow import FollowBudget, follow_selected
from fedidesk.core.entities import Account
from fedidesk.core.errors import (
    InsecureUrlError,
    NetworkError,
    NotFoundError,
    NotSupportedError,
    ServerUnavailableError,
)
from fedidesk.core.http import make_client, require_secure_url
from fedidesk.core.i18n import N_, _

__all__ = [
    "FollowBudget",
    "HostGate",
    "Resolution",
    "WebFinger",
    "WebFingerResult",
    "follow_selected",
    "resolve_candidates",
    "resolve_on_server",
    "write_following_csv",
]

MAX_WEBFINGER_BYTES = 256 * 1024
ACTIVITY_TYPES = ("application/activity+json", "application/ld+json")
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"


class HostGate:
    """Per-host concurrency limit and dead-host short-circuit for one run."""

    def __init__(self, *, per_host: int = 2, max_failures: int = 3) -> None:
        self.per_host = per_host
        self.max_failures = max_failures
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._failures: dict[str, int] = {}
        self.attempts: dict[str, int] = {}

    def slot(self, host: str) -> asyncio.Semaphore:
        return self._slots.setdefault(host, asyncio.Semaphore(self.per_host))

    def dead(self, host: str) -> bool:
        return self._failures.get(host, 0) >= self.max_failures

    def failure(self, host: str) -> None:
        self._failures[host] = self._failures.get(host, 0) + 1

    def success(self, host: str) -> None:
        self._failures.pop(host, None)


@dataclass(frozen=True)
class WebFingerResult:
    """What a host said about ``acct:handle``."""

    handle: str
    status: str  # found, not_found, invalid, unreachable, deferred
    subject: str = ""  # the canonical user@host from the subject, when found
    actor_url: str = ""
    profile_url: str = ""
    detail: str = ""


def _split(handle: str) -> tuple[str, str]:
    user, _sep, host = handle.lstrip("@").rpartition("@")
    return user, host.lower()


def _default_base(host: str) -> str:
    return f"https://{host}"


class WebFinger:
    """A WebFinger checker with timeouts, per-host limits and dead-host deferral."""

    def __init__(self, client: httpx.AsyncClient | None = None, *, timeout: float = 10.0,
                 per_host: int = 2, max_failures: int = 3,
                 base_url_for: Callable[[str], str] | None = None,
                 max_bytes: int = MAX_WEBFINGER_BYTES) -> None:
        self._owns_client = client is None
        self.client = client or make_client(timeout)
        self.gate = HostGate(per_host=per_host, max_failures=max_failures)
        self.base_url_for = base_url_for or _default_base
        self.max_bytes = max_bytes

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    async def __aenter__(self) -> WebFinger:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def check(self, handle: str) -> WebFingerResult:
        """Ask ``handle``'s host whether the account exists."""
        user, host = _split(handle)
        if not user or not host:
            return WebFingerResult(handle, "invalid", detail=_("not user@host"))
        if self.gate.dead(host):
            return _deferred(handle, host)
        async with self.gate.slot(host):
            if self.gate.dead(host):
                return _deferred(handle, host)
            self.gate.attempts[host] = self.gate.attempts.get(host, 0) + 1
            return await self._ask(handle, user, host)

    async def _ask(self, handle: str, user: str, host: str) -> WebFingerResult:
        try:
            url = require_secure_url(f"{self.base_url_for(host).rstrip('/')}/.well-known/webfinger")
            status, body = await self._get(url, f"acct:{user}@{host}")
        except InsecureUrlError as exc:
            return WebFingerResult(handle, "invalid", detail=exc.user_message)
        except (httpx.TransportError, httpx.InvalidURL, NetworkError) as exc:
            self.gate.failure(host)
            return WebFingerResult(handle, "unreachable",
                                   detail=_("{host} did not answer ({error})").format(
                                       host=host, error=type(exc).__name__))
        except ValueError as exc:  # the response was too large
            return WebFingerResult(handle, "invalid", detail=str(exc))
        if status in (404, 410):
            self.gate.success(host)
            return WebFingerResult(handle, "not_found",
                                   detail=_("{host} has no such account").format(host=host))
        if status >= 500:
            self.gate.failure(host)
            return WebFingerResult(handle, "unreachable",
                                   detail=_("{host} answered {status}").format(host=host,
                                                                               status=status))
        self.gate.success(host)
        if status != 200:
            return WebFingerResult(handle, "invalid",
                                   detail=_("{host} answered {status}").format(host=host,
                                                                               status=status))
        return _parse_jrd(handle, body)

    async def _get(self, url: str, resource: str) -> tuple[int, bytes]:
        headers = {"Accept": "application/jrd+json, application/json"}
        async with self.client.stream("GET", url, params={"resource": resource},
                                      headers=headers) as response:
            data = bytearray()
            if response.status_code == 200:
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > self.max_bytes:
                        raise ValueError(_("the WebFinger answer is too large"))
            return response.status_code, bytes(data)


def _deferred(handle: str, host: str) -> WebFingerResult:
    return WebFingerResult(handle, "deferred",
                           detail=_("{host} kept failing; skipped for now, try again later")
                           .format(host=host))


def _parse_jrd(handle: str, body: bytes) -> WebFingerResult:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return WebFingerResult(handle, "invalid", detail=_("the answer is not JSON"))
    if not isinstance(data, dict) or not isinstance(data.get("subject"), str):
        return WebFingerResult(handle, "invalid", detail=_("no subject in the answer"))
    actor = profile = ""
    for link in data.get("links") or []:
        if not isinstance(link, dict):
            continue
        rel, kind, href = link.get("rel"), str(link.get("type") or ""), link.get("href")
        if rel == "self" and kind.startswith(ACTIVITY_TYPES) and isinstance(href, str):
            actor = actor or href
        elif rel == PROFILE_PAGE and isinstance(href, str):
            profile = profile or href
    if not actor:
        return WebFingerResult(handle, "invalid", detail=_("no ActivityPub actor in the answer"))
    subject = data["subject"].removeprefix("acct:")
    canonical = subject if "@" in subject else handle
    return WebFingerResult(handle, "found", canonical, actor, profile)


# -- the user's server ----------------------------------------------------------------------


def server_domain(api: MastodonApi) -> str:
    """The host name of ``api``'s server (its local accounts have no domain in ``acct``)."""
    return (urlsplit(api.base_url).hostname or "").lower()


async def resolve_on_server(api: MastodonApi, handle: str, *,
                            local_domain: str | None = None) -> Account | None:
    """The account for ``handle`` as ``api``'s server knows it, or ``None``."""
    domain = local_domain or server_domain(api)
    user, host = _split(handle)
    wanted = f"{user}@{host}".casefold()
    if host == domain:
        found = await _lookup(api, user)
        if found is not None:
            return found
    results = await api.search(f"{user}@{host}", type="accounts", resolve=True, limit=5)
    for account in results.accounts:
        if account.full_handle(domain).casefold() == wanted:
            return account
    return await _lookup(api, f"{user}@{host}")


async def _lookup(api: MastodonApi, acct: str) -> Account | None:
    try:
        return await api.lookup(acct)
    except (NotFoundError, NotSupportedError):
        return None


# -- many candidates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """A candidate after verification."""

    candidate: Candidate
    status: str  # a key of STATUS_TEXTS
    handle: str  # the account to follow: the canonical handle, or the moved-to account
    confidence: float
    reason: str
    account: Account | None = None  # as the user's server knows it (for follows)
    profile_url: str = ""

    @property
    def resolved(self) -> bool:
        return self.status in ("found", "moved")

    @property
    def account_id(self) -> str:
        return self.account.id if self.account is not None else ""


#: People's words for each ``Resolution.status``.
STATUS_TEXTS: dict[str, str] = {
    "found": N_("found"), "moved": N_("moved"),
    "not_found": N_("not found"), "invalid": N_("not a valid address"),
    # TRANSLATORS: the account's server did not answer when fedidesk checked the address.
    "unreachable": N_("server not answering"),
    # TRANSLATORS: not checked in this run because the server failed several times before.
    "deferred": N_("deferred"), "unchecked": N_("not verified"),
    # TRANSLATORS: the address found is the signed-in account itself.
    "yourself": N_("you"),
}


def status_text(status: str) -> str:
    """``status`` in people's words (an unknown one as it is)."""
    known = STATUS_TEXTS.get(status)
    return _(known) if known else status.replace("_", " ")


_SCALE = {"not_found": 0.2, "invalid": 0.3}
ResolveProgress = Callable[[int, int, Resolution], None]


def _from_webfinger(candidate: Candidate, result: WebFingerResult) -> Resolution:
    if result.status == "found":
        return Resolution(candidate, "found", result.subject or candidate.handle,
                          max(candidate.confidence, 0.9), _("exists (WebFinger)"),
                          profile_url=result.profile_url or result.actor_url)
    confidence = round(candidate.confidence * _SCALE.get(result.status, 1.0), 2)
    return Resolution(candidate, result.status, candidate.handle, confidence, result.detail)


async def _on_server(api: MastodonApi, candidate: Candidate, handle: str,
                     local_domain: str | None) -> Resolution:
    domain = local_domain or server_domain(api)
    try:
        account = await resolve_on_server(api, handle, local_domain=domain)
    except (NetworkError, ServerUnavailableError) as exc:
        return Resolution(candidate, "unreachable", handle, candidate.confidence,
                          exc.user_message)
    if account is None:
        return Resolution(candidate, "not_found", handle,
                          round(candidate.confidence * _SCALE["not_found"], 2),
                          _("your server could not find this account"))
    confidence = max(candidate.confidence, 0.9)
    if account.moved is not None and account.moved.id:
        target = account.moved
        return Resolution(candidate, "moved", target.full_handle(domain), confidence,
                          _("moved from {handle}").format(handle=account.full_handle(domain)),
                          target, target.url)
    return Resolution(candidate, "found", account.full_handle(domain), confidence,
                      _("found by your server"), account, account.url)


async def resolve_candidates(
    candidates: Sequence[Candidate], *, api: MastodonApi | None = None,
    webfinger: WebFinger | None = None, concurrency: int = 8,
    progress: ResolveProgress | None = None, local_domain: str | None = None,
    own_handle: str | None = None,
) -> list[Resolution]:
    """Verify every candidate (in input order) by WebFinger and/or the user's server.

    With both, WebFinger goes first and only accounts it found are asked of the server.
    With neither, every result is ``unchecked``. A candidate that is ``own_handle`` (the
    signed-in ``user@domain``), or moved to it, comes back as ``yourself``.
    """
    own = (own_handle or "").strip().lstrip("@").lower()
    limit = asyncio.Semaphore(max(1, concurrency))
    done = 0

    async def one(candidate: Candidate) -> Resolution:
        nonlocal done
        async with limit:
            result = await _resolve_one(candidate, api, webfinger, local_domain)
        if own and result.handle.strip().lstrip("@").lower() == own:
            result = replace(result, status="yourself",
                             reason=_("this is the account you are signed in with"))
        done += 1
        if progress is not None:
            progress(done, len(candidates), result)
        return result

    return list(await asyncio.gather(*(one(c) for c in candidates)))


async def _resolve_one(candidate: Candidate, api: MastodonApi | None,
                       webfinger: WebFinger | None, local_domain: str | None) -> Resolution:
    handle = candidate.handle
    if webfinger is not None:
        checked = _from_webfinger(candidate, await webfinger.check(handle))
        if api is None or checked.status != "found":
            return checked
        handle = checked.handle
    if api is None:
        return Resolution(candidate, "unchecked", handle, candidate.confidence, _("not verified"))
    result = await _on_server(api, candidate, handle, local_domain)
    if webfinger is not None and result.status == "found":
        result = replace(result, reason=_("exists (WebFinger); found by your server"))
    return result
