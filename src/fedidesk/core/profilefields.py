"""Put a verifiable link into the profile's extra fields, and wait for the green check.

``add_verified_field(api, url)`` (``mastodon.md`` §4.5): ``update_credentials`` replaces
the **whole** field set, so the current plain values are read from
``verify_credentials().source["fields"]`` and sent back with the new one appended. The
server's ``max_profile_fields`` (``ServerInfo.limits``, default 4) is respected: a full
profile is a clear ``ProfileFieldsFullError``, never a silently dropped field.

``wait_for_verification(api, url)`` (§4.4, §4.6): verification runs once, in the
background, after the save; fedidesk polls ``verified_at``. Mastodon never re-checks a
verified or failed link by itself; ``RETRIGGER_HELP`` explains how to make it try again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from typing import Any, Protocol

from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.entities import Account, Json
from fedidesk.core.errors import FedideskError
from fedidesk.core.html import plain_text
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.links import field_problem
from fedidesk.core.probe import Limits, ServerInfo, build_server_info

RETRIGGER_HELP = N_(
    "Mastodon checks a link once, right after the profile is saved, and never again on its "
    "own. Make sure the page now links back with rel=\"me\", then make the server check "
    "again: change or remove the field, save, put the link back exactly and save again "
    "(the server runs at most one check per account per hour, so wait an hour if you "
    "already tried). Sites behind bot protection (e.g. Cloudflare) may block the check."
)


class ProfileApi(Protocol):
    """What this module needs from ``MastodonApi`` (tests may pass a fake)."""

    base_url: str

    async def verify_credentials(self) -> Account: ...

    async def instance(self) -> Json: ...

    async def update_credentials(
        self, display_name: str | None = None, note: str | None = None,
        fields: Sequence[tuple[str, str]] | None = None,
    ) -> Account: ...


class ProfileFieldsFullError(FedideskError):
    """Every extra profile field is in use."""


@dataclass(frozen=True)
class AddedField:
    """The outcome of ``add_verified_field``."""

    account: Account
    fields: tuple[tuple[str, str], ...]
    added: bool  # False: the link was already a field value, nothing was saved


@dataclass(frozen=True)
class VerificationStatus:
    """The outcome of ``wait_for_verification``."""

    verified: bool
    verified_at: datetime | None
    message: str
    attempts: int


def current_fields(account: Account) -> list[tuple[str, str]]:
    """The plain ``(name, value)`` pairs, from ``source.fields`` (HTML-free) when present."""
    source = account.source.get("fields") if isinstance(account.source, dict) else None
    if isinstance(source, list):
        return [(str(f.get("name", "")), str(f.get("value", ""))) for f in source
                if isinstance(f, dict)]
    # No source (should not happen with verify_credentials): the rendered values, de-tagged.
    return [(f.name, unescape(plain_text(f.value))) for f in account.fields]


async def _limits(api: ProfileApi, server: ServerInfo | None) -> Limits:
    if server is not None:
        return server.limits
    return build_server_info(api.base_url, await api.instance(), 2, None, None).limits


async def add_verified_field(
    api: ProfileApi, url: str, label: str = "Website", *, server: ServerInfo | None = None,
) -> AddedField:
    """Append ``(label, url)`` to the profile fields, keeping every existing field."""
    problem = field_problem(url)
    if problem is not None:
        raise FedideskError(problem.message, detail=str(problem.reason_code))
    label = label.strip()
    if not label:
        raise FedideskError(_("The field needs a label, such as Website."))
    limits = await _limits(api, server)
    if len(label) > limits.profile_field_name_limit:
        raise FedideskError(_("The label is too long: at most {count} characters.").format(
            count=limits.profile_field_name_limit))
    if len(url) > limits.profile_field_value_limit:
        raise FedideskError(_("The link is too long for a profile field: at most {count} "
                              "characters.").format(count=limits.profile_field_value_limit))
    account = await api.verify_credentials()
    fields = current_fields(account)
    if any(value == url for _name, value in fields):
        return AddedField(account, tuple(fields), added=False)
    # Trailing empty rows are what web forms leave behind; they are not real fields.
    while fields and not any(fields[-1]):
        fields.pop()
    if len(fields) >= limits.max_profile_fields:
        names = ", ".join(name or _("(no label)") for name, _value in fields)
        limit = limits.max_profile_fields
        raise ProfileFieldsFullError(ngettext(
            "The server allows {count} profile field, and it is in use ({names}). Remove or "
            "replace it, then add the link again.",
            "All {count} profile fields are in use ({names}). Remove or replace one, then "
            "add the link again.", limit).format(count=limit, names=names))
    fields.append((label, url))
    updated = await api.update_credentials(fields=fields)
    return AddedField(updated, tuple(fields), added=True)


def field_verified_at(account: Account, url: str) -> tuple[bool, datetime | None]:
    """``(found, verified_at)`` for the field whose plain value is ``url``."""
    plain = current_fields(account)
    for index, (_name, value) in enumerate(plain):
        if value == url and index < len(account.fields):
            return True, account.fields[index].verified_at
    for shown in account.fields:  # no source: match the rendered link
        if f'href="{url}"' in unescape(shown.value) or unescape(shown.value) == url:
            return True, shown.verified_at
    return False, None


async def wait_for_verification(
    api: ProfileApi, url: str, attempts: int = 10, delay: float = 3.0, *,
    clock: Clock | None = None,
) -> VerificationStatus:
    """Poll ``verify_credentials`` until the field with ``url`` has ``verified_at``."""
    clock = clock or SystemClock()
    for attempt in range(1, max(1, attempts) + 1):
        found, verified_at = field_verified_at(await api.verify_credentials(), url)
        if not found:
            return VerificationStatus(False, None, _("No profile field has the value {url}. "
                                                     "Add it first.").format(url=url), attempt)
        if verified_at is not None:
            return VerificationStatus(True, verified_at,
                                      _("{url} is verified.").format(url=url), attempt)
        if attempt < attempts:
            await clock.sleep(delay)
    return VerificationStatus(False, None, _("{url} is not verified yet.").format(url=url)
                              + " " + _(RETRIGGER_HELP),
                              max(1, attempts))


def as_json(status: VerificationStatus) -> dict[str, Any]:
    """JSON-able form for the CLI."""
    return {"verified": status.verified, "message": status.message,
            "verified_at": status.verified_at.isoformat() if status.verified_at else None,
            "attempts": status.attempts}
