"""Everything a person wants to know about one server before joining it, from the server.

``fetch_server_details("fosstodon.org")`` gathers, concurrently and without a token
(``mastodon.md`` §1.3):

* the ``probe_server`` view (instance document, NodeInfo, OAuth metadata) as ``info``;
* ``/api/v1/instance/rules`` (falling back to the instance document's rules);
* ``/api/v1/instance/extended_description`` as plain text;
* ``/api/v1/instance/domain_blocks``: how many servers it blocks, or "not published" when
  the admin hides the list (404, or 401/403 when only signed-in users may see it);
* the contact e-mail and account, and the about / terms / privacy web pages;
* a live response-time check (``GET /health``, Mastodon's liveness endpoint);
* warnings, including a clear one when the server does not run Mastodon.

All bodies are untrusted and read with a size cap.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from fedidesk.core.entities import Json, Rule, from_dict
from fedidesk.core.errors import FedideskError
from fedidesk.core.fetchlimit import read_limited
from fedidesk.core.html import is_web_url, plain_text
from fedidesk.core.http import make_client
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.probe import (
    ServerInfo,
    build_server_info,
    fetch_instance,
    fetch_nodeinfo,
    normalize_address,
)

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_DOMAIN_BLOCKS_BYTES = 8 * 1024 * 1024
MAX_DESCRIPTION_CHARS = 20_000
MAX_RULES = 100


@dataclass(frozen=True)
class DomainBlocks:
    """The server's public moderation list, summarised."""

    published: bool
    count: int | None = None
    suspended: int = 0
    silenced: int = 0
    note: str = ""  # why it is not shown: one of the texts below, marked with N_

    def describe(self) -> str:
        """The summary in people's words, in the language in use."""
        if not self.published:
            return _(self.note or NOT_PUBLISHED)
        count = self.count or 0
        # TRANSLATORS: the server's public list of servers it blocks: {n} in all, of which
        # {suspended} are cut off entirely and {limited} are limited (hidden from timelines).
        return ngettext("{n} blocked server ({suspended} suspended, {limited} limited)",
                        "{n} blocked servers ({suspended} suspended, {limited} limited)",
                        count).format(n=count, suspended=self.suspended,
                                      limited=self.silenced)


NOT_PUBLISHED = N_("not published")
PRIVATE = N_("not published (the admins keep the list private or show it to signed-in "
             "members only)")
UNREADABLE = N_("could not be read")


@dataclass(frozen=True)
class ServerDetails:
    """``ServerInfo`` plus rules, description, moderation list, contact, policies, speed."""

    info: ServerInfo
    rules: tuple[Rule, ...] = ()
    extended_description: str = ""
    domain_blocks: DomainBlocks = field(default_factory=lambda: DomainBlocks(False))
    contact_email: str = ""
    contact_account: str = ""
    about_url: str = ""
    terms_url: str = ""
    privacy_url: str = ""
    response_ms: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def is_mastodon(self) -> bool:
        return self.info.is_mastodon

    def to_json(self) -> dict[str, Any]:
        return {
            "domain": self.info.domain,
            "rules": [{"id": r.id, "text": r.text, "hint": r.hint} for r in self.rules],
            "extended_description": self.extended_description,
            "domain_blocks": {"published": self.domain_blocks.published,
                              "count": self.domain_blocks.count,
                              "suspended": self.domain_blocks.suspended,
                              "silenced": self.domain_blocks.silenced,
                              "summary": self.domain_blocks.describe()},
            "contact_email": self.contact_email, "contact_account": self.contact_account,
            "about_url": self.about_url, "terms_url": self.terms_url,
            "privacy_url": self.privacy_url, "response_ms": self.response_ms,
            "is_mastodon": self.is_mastodon, "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class _Fetched:
    status: int | None  # None: no answer at all
    data: Any = None
    elapsed_ms: int = 0


async def _fetch(client: httpx.AsyncClient, url: str, max_bytes: int = MAX_DOCUMENT_BYTES
                 ) -> _Fetched:
    """GET a JSON document; never raises (a failure is a status of ``None`` or an error code)."""
    started = time.monotonic()
    try:
        request = client.build_request("GET", url, headers={"Accept": "application/json"})
        body = await read_limited(client, request, max_bytes=max_bytes)
    except (httpx.HTTPError, FedideskError):
        return _Fetched(None)
    elapsed = int((time.monotonic() - started) * 1000)
    if body.status != 200 or body.truncated:
        return _Fetched(body.status, None, elapsed)
    try:
        return _Fetched(200, json.loads(body.body), elapsed)
    except ValueError:
        return _Fetched(200, None, elapsed)


def summarize_domain_blocks(fetched_status: int | None, data: Any) -> DomainBlocks:
    """Interpret ``/api/v1/instance/domain_blocks`` (see ``mastodon.md`` §1.3)."""
    if fetched_status in (401, 403, 404):
        return DomainBlocks(False, note=PRIVATE)
    if fetched_status != 200 or not isinstance(data, list):
        return DomainBlocks(False, note=UNREADABLE)
    blocks = [b for b in data if isinstance(b, dict)]
    suspended = sum(1 for b in blocks if b.get("severity") == "suspend")
    silenced = sum(1 for b in blocks if b.get("severity") == "silence")
    return DomainBlocks(True, len(blocks), suspended, silenced)


def _web_url(value: Any) -> str:
    return value if isinstance(value, str) and is_web_url(value) and len(value) < 2000 else ""


def _contact_account(instance: Json) -> str:
    contact = instance.get("contact")
    account = contact.get("account") if isinstance(contact, dict) else None
    if not isinstance(account, dict):
        account = instance.get("contact_account")
    if isinstance(account, dict):
        acct = account.get("acct")
        return str(acct)[:300] if isinstance(acct, str) else ""
    return ""


def _rules(fetched: _Fetched, info: ServerInfo) -> tuple[Rule, ...]:
    if fetched.status == 200 and isinstance(fetched.data, list):
        return tuple(from_dict(Rule, r) for r in fetched.data[:MAX_RULES] if isinstance(r, dict))
    return info.rules


def _description(fetched: _Fetched) -> str:
    content = fetched.data.get("content") if isinstance(fetched.data, dict) else None
    if not isinstance(content, str):
        return ""
    return plain_text(content)[:MAX_DESCRIPTION_CHARS]


def _policy_url(configured: Any, api: _Fetched, fallback: str) -> str:
    """The configured web page; else the standard page when the API says a policy exists."""
    return _web_url(configured) or (fallback if api.status == 200 else "")


async def fetch_server_details(address: str, *, client: httpx.AsyncClient | None = None
                               ) -> ServerDetails:
    """Probe ``address`` and gather the details listed in the module docstring."""
    base = normalize_address(address)
    own = client is None
    http = client or make_client(timeout=15)
    try:
        started = time.monotonic()
        instance_task = asyncio.ensure_future(fetch_instance(http, base))
        nodeinfo_task = asyncio.ensure_future(fetch_nodeinfo(http, base))
        health_task = asyncio.ensure_future(_health(http, base))
        oauth, rules, extended, blocks, privacy, terms = await asyncio.gather(
            _fetch(http, f"{base}/.well-known/oauth-authorization-server"),
            _fetch(http, f"{base}/api/v1/instance/rules"),
            _fetch(http, f"{base}/api/v1/instance/extended_description"),
            _fetch(http, f"{base}/api/v1/instance/domain_blocks", MAX_DOMAIN_BLOCKS_BYTES),
            _fetch(http, f"{base}/api/v1/instance/privacy_policy"),
            _fetch(http, f"{base}/api/v1/instance/terms_of_service"))
        nodeinfo, health = await nodeinfo_task, await health_task
        instance, instance_api = await instance_task
        elapsed = int((time.monotonic() - started) * 1000)
    finally:
        if own:
            await http.aclose()
    info = build_server_info(base, instance, instance_api, nodeinfo,
                             oauth.data if isinstance(oauth.data, dict) else None, elapsed)
    urls = (instance.get("configuration") or {}).get("urls") or {}
    urls = urls if isinstance(urls, dict) else {}
    warnings = list(info.warnings)
    if health is None:
        warnings.append(_("The server did not answer a quick health check; it may be slow "
                          "or overloaded right now."))
    return ServerDetails(
        info=info,
        rules=_rules(rules, info),
        extended_description=_description(extended),
        domain_blocks=summarize_domain_blocks(blocks.status, blocks.data),
        contact_email=info.contact_email[:300],
        contact_account=_contact_account(instance),
        about_url=_web_url(urls.get("about")) or f"{base}/about",
        terms_url=_policy_url(urls.get("terms_of_service"), terms, f"{base}/terms-of-service"),
        privacy_url=_policy_url(urls.get("privacy_policy"), privacy, f"{base}/privacy-policy"),
        response_ms=health,
        warnings=tuple(warnings),
    )


async def _health(client: httpx.AsyncClient, base: str, tries: int = 2) -> int | None:
    """Milliseconds for the fastest of ``tries`` ``GET /health`` answers (any status counts)."""
    best: int | None = None
    for _attempt in range(tries):
        started = time.monotonic()
        try:
            request = client.build_request("GET", f"{base}/health")
            await read_limited(client, request, max_bytes=4096)
        except (httpx.HTTPError, FedideskError):
            continue
        ms = int((time.monotonic() - started) * 1000)
        best = ms if best is None else min(best, ms)
    return best

