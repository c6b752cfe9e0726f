"""The dry run: what an import would add, what is already there, and what cannot be found.

``build_plan`` resolves every row of the export on the new server (``resolve.Resolver``)
and compares it with what the new account already has, per category: follows, followed
hashtags, mutes, blocks, domain blocks, list memberships, bookmarks, filters. It sends no
write request.

**Merge only** (``security.md`` item 18): an import only ever *adds*. Nothing is unfollowed,
unblocked, unmuted, removed from a list or deleted, and the server's "overwrite" import
mode is never used. A *mirror* mode (make the new account match the file exactly) is
deliberately **not offered**.

Pre-flight (``mastodon.md`` §8): the following limit is ``max(7,500, followers × 1.1)``
minus the accounts already followed; rows beyond it are reported, not attempted. How the
follows travel is the user's choice, ``FollowsVia``:

* ``auto`` (the default): follows (plus hashtag follows) that fit in what is left of today's
  400-per-UTC-day budget go through the API; a larger batch is written as a ready
  ``following_accounts.csv`` for the server's own importer (Settings → Import and export →
  Import, type *Following*, mode **Merge**), which is not subject to the daily limit, and
  those rows are journaled with the reason ``SERVER_IMPORT`` for ``verify`` to check later;
* ``api``: always through the API, however many days it takes. The importer stops when the
  day's budget is used (leaving ``API_RESERVE`` follows a day for the person using the app)
  and the next run after 00:00 UTC continues; ``api_days`` estimates how long it takes.
  Rows an earlier run handed to the server's import are handed back to the API: the
  importer reads the relationship before every follow, so an upload that did arrive sends
  nothing;
* ``server``: always the CSV for the server's import page, even for a small set.

Switching never touches rows already finished (done, requested, failed, skipped): only the
open ones follow the new choice.

Rows the journal already finished are not resolved again (``finished``), so resuming a
large import does not repeat thousands of lookups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from math import ceil
from pathlib import Path
from typing import Literal

from fedidesk.core.api import MastodonApi
from fedidesk.core.contacts.follow import DAILY_FOLLOW_LIMIT
from fedidesk.core.entities import Account, Relationship
from fedidesk.core.i18n import ngettext
from fedidesk.core.migration.importjournal import JobRow
from fedidesk.core.migration.reasons import (
    DOMAIN_BLOCKED,
    EARLIER,
    FILTER_CONFLICT,
    FILTER_EXPIRED,
    MOVED,
    NEW_LIST,
    OVER_FOLLOW_LIMIT,
    SELF,
    Reason,
)
from fedidesk.core.migration.resolve import Found, Resolver, domain_of, resolver_for
from fedidesk.core.migration.source import ImportSource

CATEGORIES = ("follows", "tags", "mutes", "blocks", "domain_blocks", "lists", "bookmarks",
              "filters")
FOLLOW_THRESHOLD = 7_500
FOLLOW_RATIO = 1.1
RELATIONSHIP_BATCH = 40
SERVER_IMPORT_DIR = "for-server-import"
API, SERVER = "api", "server_import"

#: How follows are imported (the user's choice); ``follow_path`` is what a plan then does.
FollowsVia = Literal["auto", "api", "server"]
VIA_AUTO: FollowsVia = "auto"
VIA_API: FollowsVia = "api"
VIA_SERVER: FollowsVia = "server"
FOLLOWS_VIA: tuple[FollowsVia, ...] = (VIA_AUTO, VIA_API, VIA_SERVER)
#: Follows a UTC day the ``api`` choice leaves unused, so the person can still follow
#: someone while a days-long import runs.
API_RESERVE = 20


def parse_follows_via(value: object, default: FollowsVia = VIA_AUTO) -> FollowsVia:
    """``value`` as a ``FollowsVia`` (``default`` when it is not one)."""
    text = str(value or "").strip().lower()
    return next((v for v in FOLLOWS_VIA if v == text), default)


def list_item(title: str, acct: str) -> str:
    """The journal key of a list membership."""
    return f"{title}\t{acct}"


def split_list_item(item: str) -> tuple[str, str]:
    title, _, acct = item.rpartition("\t")
    return title, acct


def following_limit(account: Account) -> int:
    """``FollowLimitValidator.limit_for_account``: 7,500 or followers × 1.1, the larger."""
    return max(FOLLOW_THRESHOLD, round(account.followers_count * FOLLOW_RATIO))


@dataclass(frozen=True)
class PlanItem:
    """One row: its journal key, its id on the new server, and why (``describe`` for people)."""

    item: str
    target_id: str = ""
    note: Reason | None = None


@dataclass
class CategoryPlan:
    to_add: list[PlanItem] = field(default_factory=list)
    already_there: list[PlanItem] = field(default_factory=list)
    unresolvable: list[PlanItem] = field(default_factory=list)
    #: On a domain that is not answering: left pending for a later run.
    deferred: list[PlanItem] = field(default_factory=list)
    #: Finished by an earlier run (from the journal), not looked at again.
    finished: list[PlanItem] = field(default_factory=list)

    def total(self) -> int:
        return sum(len(x) for x in (self.to_add, self.already_there, self.unresolvable,
                                    self.deferred, self.finished))


@dataclass
class Plan:
    """The whole dry run. ``follows_via`` is the choice, ``follow_path`` what it led to:
    ``api`` or ``server_import``. ``follow_reserve`` is what the importer leaves of each
    day's budget (``API_RESERVE`` for the ``api`` choice, else 0)."""

    account: str
    source: ImportSource
    categories: dict[str, CategoryPlan] = field(default_factory=dict)
    following_count: int = 0
    following_limit: int = FOLLOW_THRESHOLD
    budget_left: int = 0
    follow_path: str = API
    follows_via: FollowsVia = VIA_AUTO
    follow_reserve: int = 0
    warnings: list[str] = field(default_factory=list)

    def category(self, name: str) -> CategoryPlan:
        return self.categories.setdefault(name, CategoryPlan())

    @property
    def server_csv(self) -> Path:
        return self.source.directory / SERVER_IMPORT_DIR / "following_accounts.csv"

    def api_follows(self) -> int:
        """Follows plus hashtag follows to add: what counts against the daily budget."""
        return sum(len(self.categories[c].to_add) for c in ("follows", "tags")
                   if c in self.categories)

    def api_per_day(self, reserve: int = API_RESERVE) -> int:
        """Follows a full UTC day brings through the API, keeping ``reserve``."""
        return max(1, DAILY_FOLLOW_LIMIT - reserve)

    def api_today(self, reserve: int = API_RESERVE) -> int:
        """How many of them the API path does today (what is left after ``reserve``)."""
        return min(self.api_follows(), max(0, self.budget_left - reserve))

    def api_days(self, reserve: int = API_RESERVE) -> int:
        """UTC days on which the API path follows for ``api_follows`` (0: none); today
        counts only when something is followed today."""
        wanted = self.api_follows()
        if not wanted:
            return 0
        today = self.api_today(reserve)
        return (1 if today else 0) + ceil((wanted - today) / self.api_per_day(reserve))

    def summary(self) -> dict[str, dict[str, int]]:
        return {name: {"to_add": len(c.to_add), "already_there": len(c.already_there),
                       "unresolvable": len(c.unresolvable), "deferred": len(c.deferred),
                       "finished": len(c.finished)}
                for name, c in self.categories.items()}


async def relationships(api: MastodonApi, ids: Iterable[str]) -> dict[str, Relationship]:
    """Relationships for ``ids``, 40 per request."""
    wanted = list(dict.fromkeys(i for i in ids if i))
    found: dict[str, Relationship] = {}
    for start in range(0, len(wanted), RELATIONSHIP_BATCH):
        for rel in await api.relationships(wanted[start:start + RELATIONSHIP_BATCH]):
            found[rel.id] = rel
    return found


@dataclass
class _Builder:
    api: MastodonApi
    resolver: Resolver
    plan: Plan
    known: dict[tuple[str, str], JobRow]
    blocked_domains: set[str] = field(default_factory=set)
    accounts: dict[str, Found] = field(default_factory=dict)
    me_id: str = ""  # the new account: it cannot follow, mute or list itself

    def split(self, category: str, items: Iterable[str]) -> list[str]:
        """Items not finished earlier; finished ones go to ``finished``."""
        todo: list[str] = []
        cat = self.plan.category(category)
        back_to_api = category == "follows" and self.plan.follows_via == VIA_API
        for item in items:
            row = self.known.get((category, item))
            if row is not None and not row.open and not (back_to_api and row.handed_to_server):
                cat.finished.append(PlanItem(item, row.target_id or "", Reason.of(
                    EARLIER, cause=row.reason, state=row.state)))
            else:
                todo.append(item)
        return todo

    async def resolve(self, category: str, acct: str, *, follow: bool) -> Found:
        row = self.known.get((category, acct))
        if row is not None and row.target_id:
            return Found(acct, Account(id=row.target_id, acct=acct))
        if acct not in self.accounts:
            self.accounts[acct] = await self.resolver.account(acct)
        found = self.accounts[acct]
        if follow and found.account is not None and domain_of(
                self.resolver.handle(found.account)) in self.blocked_domains:
            return Found(acct, reason=Reason.of(DOMAIN_BLOCKED, domain=domain_of(acct)))
        return found

    async def accounts_category(self, category: str, accts: list[str], *, follow: bool,
                                there: str) -> None:
        cat = self.plan.category(category)
        resolved: list[tuple[str, Found]] = []
        for acct in self.split(category, accts):
            found = await self.resolve(category, acct, follow=follow)
            if found.deferred:
                cat.deferred.append(PlanItem(acct, note=found.reason))
            elif found.account is None:
                cat.unresolvable.append(PlanItem(acct, note=found.reason))
            else:
                resolved.append((acct, found))
        rels = await relationships(self.api, (f.account.id for _, f in resolved if f.account))
        for acct, found in resolved:
            assert found.account is not None
            if found.account.id == self.me_id:
                cat.already_there.append(PlanItem(acct, found.account.id, Reason(SELF)))
                continue
            rel = rels.get(found.account.id, Relationship())
            note = (Reason.of(MOVED, handle=self.resolver.handle(found.account))
                    if found.moved_from else None)
            item = PlanItem(acct, found.account.id, note)
            exists = {"following": rel.following or rel.requested, "muting": rel.muting,
                      "blocking": rel.blocking}[there]
            (cat.already_there if exists else cat.to_add).append(item)


async def _paged(api: MastodonApi, path: str, entity: type[Account] | type[str]
                 ) -> list[object]:
    items: list[object] = []
    async for page in api.paginate(path, entity, {"limit": 80}):
        items.extend(page)
    return items


async def _domain_blocks(api: MastodonApi) -> set[str]:
    return {str(d).lower() for d in await _paged(api, "/api/v1/domain_blocks", str)}


async def _followed_tags(api: MastodonApi) -> set[str]:
    names: set[str] = set()
    async for page in api.paginate("/api/v1/followed_tags", lambda t: t, {"limit": 200}):
        names.update(str(t.get("name", "")).lower() for t in page if isinstance(t, dict))
    return names


async def _lists(b: _Builder, rows: list[tuple[str, str]]) -> None:
    cat = b.plan.category("lists")
    existing = {lst.title: lst.id for lst in await b.api.lists()}
    members: dict[str, set[str]] = {}
    for title, list_id in existing.items():
        if any(t == title for t, _ in rows):
            page = await b.api.list_accounts(list_id, limit=0)
            members[title] = {a.id for a in page.items}
    for item in b.split("lists", (list_item(t, a) for t, a in rows)):
        title, acct = split_list_item(item)
        found = await b.resolve("lists", acct, follow=True)
        if found.deferred:
            cat.deferred.append(PlanItem(item, note=found.reason))
        elif found.account is None:
            cat.unresolvable.append(PlanItem(item, note=found.reason))
        elif found.account.id in members.get(title, set()):
            cat.already_there.append(PlanItem(item, found.account.id))
        elif found.account.id == b.me_id:
            cat.already_there.append(PlanItem(item, found.account.id, Reason(SELF)))
        else:
            note = Reason(NEW_LIST) if title not in existing else None
            cat.to_add.append(PlanItem(item, found.account.id, note))


async def _bookmarks(b: _Builder, uris: list[str]) -> None:
    cat = b.plan.category("bookmarks")
    for uri in b.split("bookmarks", uris):
        status, reason = await b.resolver.status(uri)
        if status is None:
            target = cat.deferred if reason is not None and reason.deferred else cat.unresolvable
            target.append(PlanItem(uri, note=reason))
        elif status.bookmarked:
            cat.already_there.append(PlanItem(uri, status.id))
        else:
            cat.to_add.append(PlanItem(uri, status.id))


async def _filters(b: _Builder) -> None:
    cat = b.plan.category("filters")
    existing = {f.title: {(k.keyword.casefold(), k.whole_word) for k in f.keywords}
                for f in await b.api.filters()}
    wanted = {f.title: f for f in b.plan.source.filters}
    now = b.api.clock.time()
    for title in b.split("filters", wanted):
        row = wanted[title]
        keywords = {(k.casefold(), w) for k, w in row.keywords}
        if title in existing:
            if existing[title] == keywords:
                cat.already_there.append(PlanItem(title))
            else:
                cat.unresolvable.append(PlanItem(title, note=Reason(FILTER_CONFLICT)))
        elif row.expires_at is not None and row.expires_at <= now:
            cat.unresolvable.append(PlanItem(title, note=Reason(FILTER_EXPIRED)))
        else:
            cat.to_add.append(PlanItem(title))


def _preflight(plan: Plan, me: Account, budget_left: int) -> None:
    """The following limit, then the path the follows take (``plan.follows_via``)."""
    follows = plan.category("follows")
    plan.following_count = me.following_count
    plan.following_limit = following_limit(me)
    plan.budget_left = budget_left
    room = max(0, plan.following_limit - me.following_count)
    if len(follows.to_add) > room:
        over = follows.to_add[room:]
        follows.to_add = follows.to_add[:room]
        limit = Reason.of(OVER_FOLLOW_LIMIT, limit=plan.following_limit)
        follows.unresolvable.extend(PlanItem(i.item, i.target_id, limit) for i in over)
        # TRANSLATORS: Mastodon's following limit ({limit}) leaves room for {room} more
        # follows; the next message says how many accounts of the export are skipped.
        fits = ngettext("Only {room} more account can be followed (limit {limit});",
                        "Only {room} more accounts can be followed (limit {limit});",
                        room).format(room=room, limit=plan.following_limit)
        # TRANSLATORS: follows "Only … more accounts can be followed (limit …);": {over}
        # accounts of the export are skipped.
        skipped = ngettext("{over} is left out.", "{over} are left out.",
                           len(over)).format(over=len(over))
        plan.warnings.append(f"{fits} {skipped}")
    tags = len(plan.category("tags").to_add)
    if plan.follows_via == VIA_API:
        plan.follow_reserve = API_RESERVE
    elif plan.follows_via == VIA_SERVER:
        plan.follow_path = SERVER if follows.to_add else API
    elif len(follows.to_add) + tags > budget_left and follows.to_add:
        plan.follow_path = SERVER
        # TRANSLATORS: "Settings → Import and export → Import", "Following" and "Merge" are
        # the Mastodon website's words; use its words in your language.
        plan.warnings.append(ngettext(
            "{count} follow is more than today's API budget ({left} of {daily} per UTC day "
            "left): it is written to {file} for Settings → Import and export → Import (type "
            "Following, mode Merge).",
            "{count} follows are more than today's API budget ({left} of {daily} per UTC day "
            "left): they are written to {file} for Settings → Import and export → Import "
            "(type Following, mode Merge).",
            len(follows.to_add)).format(count=len(follows.to_add), left=budget_left,
                                        daily=DAILY_FOLLOW_LIMIT, file=plan.server_csv))


async def build_plan(api: MastodonApi, source: ImportSource, *, account: str,
                     budget_left: int, only: Iterable[str] | None = None,
                     journal_rows: Iterable[JobRow] = (),
                     resolver: Resolver | None = None,
                     follows_via: FollowsVia = VIA_AUTO) -> Plan:
    """Resolve and compare; no write requests. ``only`` limits the categories;
    ``follows_via`` chooses how follows travel (module docstring)."""
    chosen = set(only or CATEGORIES)
    resolver = resolver or await resolver_for(api)
    plan = Plan(account, source, follows_via=follows_via)
    known = {(r.category, r.item): r for r in journal_rows}
    b = _Builder(api, resolver, plan, known)
    b.blocked_domains = await _domain_blocks(api)
    me = await api.verify_credentials()
    b.me_id = me.id
    if "follows" in chosen:
        await b.accounts_category("follows", [r.acct for r in source.follows], follow=True,
                                  there="following")
    if "tags" in chosen:
        cat, followed = plan.category("tags"), await _followed_tags(api)
        for name in b.split("tags", source.tags):
            (cat.already_there if name in followed else cat.to_add).append(PlanItem(name))
    if "mutes" in chosen:
        await b.accounts_category("mutes", [r.acct for r in source.mutes], follow=False,
                                  there="muting")
    if "blocks" in chosen:
        await b.accounts_category("blocks", list(source.blocks), follow=False,
                                  there="blocking")
    if "domain_blocks" in chosen:
        cat = plan.category("domain_blocks")
        for domain in b.split("domain_blocks", source.domain_blocks):
            there = domain in b.blocked_domains
            (cat.already_there if there else cat.to_add).append(PlanItem(domain))
    if "lists" in chosen:
        await _lists(b, [(r.list_name, r.acct) for r in source.lists])
    if "bookmarks" in chosen:
        await _bookmarks(b, list(source.bookmarks))
    if "filters" in chosen:
        await _filters(b)
    _preflight(plan, me, budget_left)
    return plan
