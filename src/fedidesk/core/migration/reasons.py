"""Why an import row is where it is: a stable code with parameters, worded only when shown.

A ``Reason`` is what the resolver, the plan, the importer and ``verify`` pass around and what
the import journal stores (``encode`` → ``{"code": "deferred_timeout", "params": {"domain":
"example.org"}}``, ``decode`` back). Code compares ``Reason.code`` (or ``Reason.deferred``);
people see ``describe(reason)``, translated into the language in use at that moment.

Rows written by fedidesk before this existed hold plain English text. ``decode`` maps the two
texts that carried logic (``requested via server import``, ``already there``) to their codes
and keeps any other text as a ``legacy`` reason that is shown as it is; a legacy text starting
with ``deferred`` still counts as deferred.

Also here: people's words for the journal states and report statuses (``state_text``) and for
the import categories (``category_label``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fedidesk.core.i18n import N_, _

# --- codes -----------------------------------------------------------------------------------
#: Text stored before reasons had codes, shown as it is (param ``text``).
LEGACY = "legacy"
#: A message that is already worded, e.g. the server's error (param ``text``).
MESSAGE = "message"
NOT_FOUND = "not_found"
POST_NOT_FOUND = "post_not_found"
SUSPENDED = "suspended"
DEFERRED_TIMEOUT = "deferred_timeout"  # domain
DEFERRED_DOMAIN = "deferred_domain"  # domain
DEFERRED_NETWORK = "deferred_network"  # text
#: The new server answered with a 5xx (or an unreadable answer): retried by the next run.
DEFERRED_SERVER = "deferred_server"  # text
DOMAIN_BLOCKED = "domain_blocked"  # domain
MOVED = "moved"  # handle
NEW_LIST = "new_list"
FILTER_CONFLICT = "filter_conflict"
FILTER_EXPIRED = "filter_expired"
OVER_FOLLOW_LIMIT = "over_follow_limit"  # limit
EARLIER = "earlier"  # state, cause
ALREADY = "already_there"
SERVER_IMPORT = "server_import"
BLOCKED = "blocked"
AWAITS_APPROVAL = "awaits_approval"
DAILY_LIMIT = "daily_limit"  # limit, time
DAILY_LIMIT_TAGS = "daily_limit_tags"  # limit
FOLLOWS_REFUSED = "follows_refused"  # text
MEMBER_NOT_FOLLOWED = "member_not_followed"  # cause
MEMBER_BLOCKED = "member_blocked"
MEMBER_REQUESTED = "member_requested"
NOT_IN_EXPORT = "not_in_export"
NO_ANSWER = "no_answer"
RATE_LIMITED = "rate_limited"
#: A category stopped for this run after several server errors in a row.
SERVER_TROUBLE = "server_trouble"
NOT_IMPORTED = "not_imported"
SELF = "self"
STATE = "state"  # state

DEFERRED_CODES = frozenset({DEFERRED_TIMEOUT, DEFERRED_DOMAIN, DEFERRED_NETWORK,
                            DEFERRED_SERVER})
#: Old journal texts that carried logic, and their codes.
LEGACY_CODES = {"requested via server import": SERVER_IMPORT, "already there": ALREADY}

TEXTS: dict[str, str] = {
    NOT_FOUND: N_("not found (deleted, or unknown to the new server)"),
    POST_NOT_FOUND: N_("post not found (deleted, or not visible from the new server)"),
    SUSPENDED: N_("the account is suspended"),
    DEFERRED_TIMEOUT: N_("deferred: {domain} did not answer in time"),
    DEFERRED_DOMAIN: N_("deferred: {domain} is not answering; a later run tries again"),
    # TRANSLATORS: {text} is an error message that is already translated.
    DEFERRED_NETWORK: N_("deferred: {text}"),
    # TRANSLATORS: {text} is the server's error message, already translated.
    DEFERRED_SERVER: N_("deferred: {text}"),
    DOMAIN_BLOCKED: N_("you block the domain {domain}"),
    # TRANSLATORS: the account moved; {handle} is its new address.
    MOVED: N_("moved to {handle}"),
    NEW_LIST: N_("new list"),
    FILTER_CONFLICT: N_("a filter with this title already exists with other keywords; left "
                        "unchanged"),
    # TRANSLATORS: a filter whose end date has passed.
    FILTER_EXPIRED: N_("expired"),
    OVER_FOLLOW_LIMIT: N_("over the following limit ({limit})"),
    ALREADY: N_("already there"),
    SERVER_IMPORT: N_("requested via server import"),
    BLOCKED: N_("a block is in the way"),
    AWAITS_APPROVAL: N_("follow request awaits approval"),
    # TRANSLATORS: {limit} follows a day; {time} is the local time of 00:00 UTC.
    DAILY_LIMIT: N_("{limit} follows per day reached; continues after 00:00 UTC ({time})"),
    DAILY_LIMIT_TAGS: N_("{limit} follows per day reached (hashtags count too)"),
    # TRANSLATORS: {text} is the server's (translated) error message.
    FOLLOWS_REFUSED: N_("the server refused more follows: {text}"),
    # TRANSLATORS: a list member; {reason} says why following has to wait.
    MEMBER_NOT_FOLLOWED: N_("waiting: the member must be followed first ({reason})"),
    MEMBER_BLOCKED: N_("a block is in the way of following this member"),
    MEMBER_REQUESTED: N_("waiting: follow request not yet approved"),
    NOT_IN_EXPORT: N_("no longer in the export"),
    NO_ANSWER: N_("no answer; checked: not done yet; next run retries"),
    RATE_LIMITED: N_("still rate limited; a later run continues"),
    SERVER_TROUBLE: N_("the new server keeps answering with errors; the rest waits for the "
                       "next run"),
    NOT_IMPORTED: N_("not imported yet"),
    # TRANSLATORS: the old account followed (muted, listed…) the account being moved to.
    SELF: N_("this is the new account itself: nothing to do"),
}
#: ``EARLIER`` by state: (without, with) the earlier row's own reason.
EARLIER_TEXTS: dict[str, tuple[str, str]] = {
    "done": (N_("done earlier"), N_("done earlier: {reason}")),
    "requested": (N_("requested earlier"), N_("requested earlier: {reason}")),
    "failed": (N_("failed earlier"), N_("failed earlier: {reason}")),
    "skipped": (N_("skipped earlier"), N_("skipped earlier: {reason}")),
}
#: Journal row and job states and report statuses, for people.
STATE_TEXTS: dict[str, str] = {
    # TRANSLATORS: import row states: not looked up yet / found on the new server / …
    "pending": N_("pending"), "resolved": N_("resolved"), "done": N_("done"),
    "requested": N_("requested"), "failed": N_("failed"), "skipped": N_("skipped"),
    # TRANSLATORS: import report statuses.
    "arrived": N_("arrived"), "missing": N_("missing"), "unresolvable": N_("unresolvable"),
    "deferred": N_("deferred"),
    # TRANSLATORS: import job states.
    "new": N_("new"), "planned": N_("planned"), "running": N_("running"),
    "partial": N_("partly done"), "finished": N_("finished"), "cancelled": N_("cancelled"),
}
#: The import categories, for people.
CATEGORY_LABELS: dict[str, str] = {
    "follows": N_("Follows"), "tags": N_("Followed hashtags"), "mutes": N_("Mutes"),
    "blocks": N_("Blocks"), "domain_blocks": N_("Blocked domains"),
    "lists": N_("List members"), "bookmarks": N_("Bookmarks"), "filters": N_("Filters")}


def _params(values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in values.items()))


@dataclass(frozen=True)
class Reason:
    """A reason ``code`` with string ``params`` and, for some codes, the reason behind it."""

    code: str
    params: tuple[tuple[str, str], ...] = ()
    cause: Reason | None = None

    @classmethod
    def of(cls, code: str, /, cause: Reason | None = None, **params: object) -> Reason:
        return cls(code, _params(params), cause)

    def get(self, name: str) -> str:
        """The parameter ``name`` (``""`` if missing)."""
        return dict(self.params).get(name, "")

    @property
    def deferred(self) -> bool:
        """Left open because a server is not answering (a later run tries again)."""
        return self.code in DEFERRED_CODES or (
            self.code == LEGACY and self.get("text").startswith("deferred"))

    def __str__(self) -> str:
        return describe(self)


def legacy(text: str) -> Reason:
    """A reason from an old journal's English text."""
    if text in LEGACY_CODES:
        return Reason(LEGACY_CODES[text])
    return Reason.of(LEGACY, text=text)


def message(text: str) -> Reason:
    """A reason that is already worded (an error message)."""
    return Reason.of(MESSAGE, text=text)


def _to_json(reason: Reason) -> dict[str, Any]:
    data: dict[str, Any] = {"code": reason.code}
    if reason.params:
        data["params"] = dict(reason.params)
    if reason.cause is not None:
        data["cause"] = _to_json(reason.cause)
    return data


def _from_json(data: Any) -> Reason | None:
    if not isinstance(data, dict) or not isinstance(data.get("code"), str):
        return None
    params = data.get("params")
    cause = _from_json(data["cause"]) if "cause" in data else None
    return Reason(data["code"], _params(params if isinstance(params, dict) else {}), cause)


def encode(reason: Reason | None) -> str | None:
    """The journal's text for ``reason`` (``None`` stays ``None``)."""
    if reason is None:
        return None
    return json.dumps(_to_json(reason), ensure_ascii=False, separators=(",", ":"))


def decode(text: str | None) -> Reason | None:
    """A ``Reason`` from the journal: encoded, or an old English text (``legacy``)."""
    if not text:
        return None
    if text.startswith("{"):
        try:
            found = _from_json(json.loads(text))
        except ValueError:
            found = None
        if found is not None:
            return found
    return legacy(text)


def state_text(state: str) -> str:
    """People's word for a journal state or report status (unknown ones as they are)."""
    known = STATE_TEXTS.get(state)
    return _(known) if known else state


def category_label(name: str) -> str:
    """People's name of an import category (unknown ones as they are)."""
    known = CATEGORY_LABELS.get(name)
    return _(known) if known else name


def _template(reason: Reason) -> str | None:
    if reason.code == EARLIER:
        state = reason.get("state")
        pair = EARLIER_TEXTS.get(state)
        if pair is None:
            return state_text(state) + (": {reason}" if reason.cause else "")
        return _(pair[1] if reason.cause else pair[0])
    known = TEXTS.get(reason.code)
    return _(known) if known else None


def describe(reason: Reason | None) -> str:
    """``reason`` in words, in the current language (``""`` for none)."""
    if reason is None:
        return ""
    if reason.code in (LEGACY, MESSAGE):
        return reason.get("text")
    if reason.code == STATE:
        return state_text(reason.get("state"))
    template = _template(reason)
    if template is None:  # a code from a newer fedidesk
        return reason.code.replace("_", " ")
    values = dict(reason.params)
    if reason.cause is not None:
        values["reason"] = describe(reason.cause)
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template

