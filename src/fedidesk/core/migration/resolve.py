"""Find the export's accounts and posts on the new server, one remote domain at a time.

Accounts: ``/api/v1/accounts/lookup`` first (no federation: the server already knows it),
then ``/api/v2/search?resolve=true`` (the server asks the remote by WebFinger). Posts:
``/api/v2/search?type=statuses&resolve=true`` with the status URI; a post of the new
server itself is also found by its id (``/@user/ID`` or ``/users/user/statuses/ID``).

A remote domain that times out is counted on a per-domain ``CircuitBreaker``
(``security.md`` item 20): after a few failures every further row on that domain is
*deferred* (left for a later run) instead of waiting on it, so the rest goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from fedidesk.core.api import MastodonApi
from fedidesk.core.entities import Account, Status
from fedidesk.core.errors import ApiError, NetworkError, NotFoundError, NotSupportedError
from fedidesk.core.http import CircuitBreaker
from fedidesk.core.migration.reasons import (
    DEFERRED_DOMAIN,
    DEFERRED_TIMEOUT,
    NOT_FOUND,
    POST_NOT_FOUND,
    SUSPENDED,
    Reason,
)

#: Consecutive timeouts before a domain is deferred, and for how long (Mastodon: 5 min).
BREAKER_THRESHOLD = 3
BREAKER_COOL_OFF = 300.0
_LOCAL_STATUS = re.compile(r"^/(?:@[^/]+|users/[^/]+/statuses)/(\d+)/?$")


@dataclass(frozen=True)
class Found:
    """How one account address resolved: ``account`` or a ``reason`` (``deferred`` if later)."""

    acct: str
    account: Account | None = None
    reason: Reason | None = None
    moved_from: str = ""
    deferred: bool = False


def domain_of(value: str) -> str:
    """The host of ``user@domain`` or of a URL."""
    if "://" in value:
        return (urlsplit(value).hostname or "").lower()
    return value.rsplit("@", 1)[-1].lower()


async def server_domain(api: MastodonApi) -> str:
    """The server's own domain (how its local accounts are written), from the instance."""
    try:
        info = await api.instance()
    except ApiError:
        info = {}
    domain = info.get("domain") or info.get("uri") or urlsplit(api.base_url).hostname or ""
    return str(domain).split("://")[-1].strip("/").lower()


async def resolver_for(api: MastodonApi, breaker: CircuitBreaker | None = None) -> Resolver:
    """A ``Resolver`` that knows the server's own domain."""
    return Resolver(api, local_domain=await server_domain(api), breaker=breaker)


class Resolver:
    """Resolves addresses and status URIs on ``api``'s server, with a per-domain breaker."""

    def __init__(self, api: MastodonApi, *, local_domain: str | None = None,
                 breaker: CircuitBreaker | None = None) -> None:
        self.api = api
        self.local_domain = (local_domain or urlsplit(api.base_url).hostname or "").lower()
        self.breaker = breaker or CircuitBreaker(threshold=BREAKER_THRESHOLD,
                                                 cool_off=BREAKER_COOL_OFF, clock=api.clock)

    def deferred(self, domain: str) -> Reason | None:
        """A reason if ``domain`` is deferred right now, else ``None``."""
        if self.breaker.deferred_until(domain) is None:
            return None
        return Reason.of(DEFERRED_DOMAIN, domain=domain)

    def handle(self, account: Account) -> str:
        return account.full_handle(self.local_domain).lower()

    async def account(self, acct: str) -> Found:
        """Resolve ``acct`` (``user@domain``)."""
        domain = domain_of(acct)
        if reason := self.deferred(domain):
            return Found(acct, reason=reason, deferred=True)
        try:
            account = await self._find(acct, domain)
        except NetworkError:
            self.breaker.record_failure(domain)
            return Found(acct, reason=Reason.of(DEFERRED_TIMEOUT, domain=domain),
                         deferred=True)
        self.breaker.record_success(domain)
        if account is None:
            return Found(acct, reason=Reason(NOT_FOUND))
        if account.suspended:
            return Found(acct, reason=Reason(SUSPENDED))
        if account.moved is not None and account.moved.id:
            return Found(acct, account.moved, moved_from=acct)
        return Found(acct, account)

    async def _find(self, acct: str, domain: str) -> Account | None:
        user = acct.split("@", 1)[0]
        try:
            return await self.api.lookup(user if domain == self.local_domain else acct)
        except (NotFoundError, NotSupportedError):
            pass
        if domain == self.local_domain:
            return None
        try:
            results = await self.api.search(acct, type="accounts", resolve=True, limit=5)
        except (NotFoundError, NotSupportedError):
            return None
        for account in results.accounts:
            if self.handle(account) == acct.lower():
                return account
        return None

    async def status(self, uri: str) -> tuple[Status | None, Reason | None]:
        """The status for ``uri`` on the new server, or ``None`` and why (maybe deferred)."""
        domain = domain_of(uri)
        if reason := self.deferred(domain):
            return None, reason
        try:
            found = await self._status(uri, domain)
        except NetworkError:
            self.breaker.record_failure(domain)
            return None, Reason.of(DEFERRED_TIMEOUT, domain=domain)
        self.breaker.record_success(domain)
        if found is None:
            return None, Reason(POST_NOT_FOUND)
        return found, None

    async def _status(self, uri: str, domain: str) -> Status | None:
        match = _LOCAL_STATUS.match(urlsplit(uri).path)
        if domain == self.local_domain and match:
            try:
                return await self.api.status(match.group(1))
            except (NotFoundError, NotSupportedError):
                return None
        try:
            results = await self.api.search(uri, type="statuses", resolve=True, limit=1)
        except ApiError:
            return None
        for status in results.statuses:
            if uri in (status.uri, status.url):
                return status
        return results.statuses[0] if len(results.statuses) == 1 else None
