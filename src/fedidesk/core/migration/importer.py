"""Carry out an import plan through the API, resumably and within the server's limits.

``record_plan`` writes a ``Plan`` into the journal; ``run_import`` then works through the
open rows (``pending``/``resolved``) category by category, committing every step:

* requests go out at ``BACKGROUND`` priority (the rate-limit governor keeps a reserve for
  the person using the app); a 429 waits and is reported as "continues at HH:MM";
* follows and hashtag follows share the 400-per-UTC-day ``FollowBudget``; when it runs out
  (or only ``reserve`` is left: the ``api`` choice keeps some for the person) the rest stays
  open and ``resumes_at`` says when the next run can continue (after 00:00 UTC);
* **before every follow the relationship is read**: already following or requested means
  done, without a POST; a follow that got no answer (``UncertainOutcomeError``) is never
  re-sent blindly but reconciled through the relationship. So a killed and resumed run
  sends exactly one follow request per account, and a finished import sends nothing;
* list members are followed first (Mastodon only lists followed accounts), lists are
  reused by title or created; bookmarks use the status found by ``search(resolve)``;
  filters are created (v2, with keywords) unless an identical one exists; mutes, blocks and
  domain blocks are checked before they are sent too;
* a domain that keeps timing out is deferred by the per-domain breaker; its rows stay
  open for a later run while everything else finishes;
* only a refusal is final: a 4xx answer (422 …) marks the row ``failed`` with the server's
  words. A server error (5xx, an unreadable answer), a timeout or a lost connection leaves
  the row open with a deferred reason (``DEFERRED_SERVER``, ``DEFERRED_NETWORK``,
  ``NO_ANSWER``), so the next run (or the assistant's *Continue*) tries it again. A write
  that may have happened (a follow, a new list, a filter) is checked before it is sent
  again. After ``MAX_SERVER_ERRORS`` server errors in a row a category stops for this run;
  a revoked sign-in (401) stops the whole run with every row still open.

Merge only: nothing is ever unfollowed, unblocked, unmuted or deleted.

Row reasons are ``reasons.Reason`` codes (stored in the journal, worded when shown);
``ImportProgress.message`` and ``ImportSummary.notes`` are translated text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import Clock
from fedidesk.core.contacts.follow import FollowBudget
from fedidesk.core.entities import Relationship
from fedidesk.core.errors import (
    ApiError,
    AuthExpiredError,
    NetworkError,
    RateLimitedError,
    ServerUnavailableError,
    UncertainOutcomeError,
    ValidationError,
)
from fedidesk.core.i18n import _
from fedidesk.core.migration import formats
from fedidesk.core.migration.importjournal import (
    DONE,
    FAILED,
    PENDING,
    REQUESTED,
    RESOLVED,
    SKIPPED,
    ImportJournal,
    Job,
    JobRow,
)
from fedidesk.core.migration.plan import (
    CATEGORIES,
    RELATIONSHIP_BATCH,
    SERVER,
    VIA_API,
    Plan,
    PlanItem,
    relationships,
    split_list_item,
)
from fedidesk.core.migration.reasons import (
    ALREADY,
    AWAITS_APPROVAL,
    BLOCKED,
    DAILY_LIMIT,
    DAILY_LIMIT_TAGS,
    DEFERRED_NETWORK,
    DEFERRED_SERVER,
    FOLLOWS_REFUSED,
    MEMBER_BLOCKED,
    MEMBER_NOT_FOLLOWED,
    MEMBER_REQUESTED,
    MOVED,
    NO_ANSWER,
    NOT_IN_EXPORT,
    RATE_LIMITED,
    SERVER_IMPORT,
    SERVER_TROUBLE,
    Reason,
    category_label,
    describe,
    message,
)
from fedidesk.core.migration.resolve import Resolver, domain_of, resolver_for
from fedidesk.core.migration.source import FilterRow, FollowRow, ImportSource, MuteRow

ACCOUNT_CATEGORIES = ("follows", "mutes", "blocks", "lists")
MAX_RATE_RETRIES = 3
#: Server errors in a row after which a category waits for the next run.
MAX_SERVER_ERRORS = 3
#: Errors after which a write may or may not have happened: check before sending again.
MAYBE_DONE = (UncertainOutcomeError, ServerUnavailableError)


def hhmm(epoch: float) -> str:
    """Local ``HH:MM`` for messages like "continues at 10:42"."""
    return datetime.fromtimestamp(epoch).strftime("%H:%M")


@dataclass(frozen=True)
class ImportProgress:
    """Reported after every row (and when a wait starts, with ``message``)."""

    category: str
    item: str
    state: str
    reason: Reason | None
    done: int
    total: int
    message: str = ""


@dataclass
class ImportSummary:
    job_id: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    writes: int = 0
    open_rows: int = 0
    cancelled: bool = False
    #: When the daily follow budget resets, if it stopped follows.
    resumes_at: float | None = None
    notes: list[str] = field(default_factory=list)

    def total(self, state: str) -> int:
        """Rows in ``state`` over all categories (e.g. ``FAILED``: refused by the server)."""
        return sum(states.get(state, 0) for states in self.counts.values())


Progress = Callable[[ImportProgress], None]
Cancel = Callable[[], bool]


def record_plan(journal: ImportJournal, job: Job, plan: Plan) -> None:
    """Journal every planned row; final rows from earlier runs are left as they are."""
    for name, cat in plan.categories.items():
        every = [*cat.to_add, *cat.already_there, *cat.unresolvable, *cat.deferred]
        journal.add_rows(job.id, name, [i.item for i in every])
        open_items = {r.item for r in journal.rows(job.id, name, open_only=True)}
        if name == "follows" and plan.follows_via == VIA_API:
            # Handed to the server's import earlier, now back to the API (plan.py).
            open_items |= {r.item for r in journal.rows(job.id, name) if r.handed_to_server}

        def put(items: list[PlanItem], state: str, reason: Reason | None = None, *,
                name: str = name, open_items: set[str] = open_items) -> None:
            for i in items:
                if i.item in open_items:
                    journal.set_state(job.id, name, i.item, state, target_id=i.target_id or None,
                                      reason=reason if reason is not None else i.note)
        put(cat.already_there, DONE, Reason(ALREADY))
        put(cat.unresolvable, SKIPPED)
        put(cat.deferred, PENDING)
        if name == "follows" and plan.follow_path == SERVER and cat.to_add:
            _write_server_csv(plan, cat.to_add)
            put(cat.to_add, REQUESTED, Reason(SERVER_IMPORT))
        else:
            put(cat.to_add, RESOLVED)
    journal.set_job_state(job.id, "planned")


def _write_server_csv(plan: Plan, items: list[PlanItem]) -> None:
    options = {r.acct: r for r in plan.source.follows}
    rows = []
    for i in items:
        base = options.get(i.item, FollowRow(i.item))
        new = i.note.get("handle") if i.note is not None and i.note.code == MOVED else i.item
        rows.append(FollowRow(new, base.show_boosts, base.notify, base.languages))
    plan.server_csv.parent.mkdir(parents=True, exist_ok=True)
    formats.write_following(plan.server_csv, rows)


class _StopCategory(Exception):
    """Nothing more can be done in this category in this run, and why."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.code)
        self.reason = reason


@dataclass
class _Runner:
    api: MastodonApi
    journal: ImportJournal
    job: Job
    source: ImportSource
    budget: FollowBudget
    resolver: Resolver
    clock: Clock
    progress: Progress | None
    summary: ImportSummary
    done: int = 0
    total: int = 0
    #: Follows a day left unused for the person (the ``api`` choice).
    reserve: int = 0
    lists_by_title: dict[str, str] | None = None
    existing_domains: set[str] | None = None
    filter_titles: set[str] | None = None
    follow_stop: Reason | None = None
    #: Server errors (5xx) in a row in the current category.
    server_errors: int = 0
    #: This category's resolved target ids in run order, and relationships read ahead.
    upcoming: list[str] = field(default_factory=list)
    read_ahead: dict[str, Relationship] = field(default_factory=dict)

    # --- bookkeeping ----------------------------------------------------------------------

    def set(self, row: JobRow, state: str, reason: Reason | None = None, *,
            target_id: str | None = None, attempt: bool = False) -> None:
        self.journal.set_state(self.job.id, row.category, row.item, state, reason=reason,
                               target_id=target_id, attempt=attempt)
        self.done += 1 if state not in (PENDING, RESOLVED) else 0
        if self.progress is not None:
            self.progress(ImportProgress(row.category, row.item, state, reason,
                                         self.done, self.total))

    def say(self, text: str) -> None:
        """Tell the person something that is not about one row (``text`` is translated)."""
        if self.progress is not None:
            self.progress(ImportProgress("", "", "", None, self.done, self.total, text))

    async def write(self, call: Callable[[], Awaitable[object]]) -> None:
        self.summary.writes += 1
        await call()

    # --- resolution -----------------------------------------------------------------------

    def acct_of(self, row: JobRow) -> str:
        return split_list_item(row.item)[1] if row.category == "lists" else row.item

    async def target(self, row: JobRow) -> str | None:
        """The row's account id, resolving a pending row first; ``None`` = left for later."""
        if row.target_id:
            return row.target_id
        found = await self.resolver.account(self.acct_of(row))
        if found.deferred:
            self.set(row, PENDING, found.reason, attempt=True)
            return None
        if found.account is None:
            self.set(row, SKIPPED, found.reason)
            return None
        note = (Reason.of(MOVED, handle=self.resolver.handle(found.account))
                if found.moved_from else None)
        self.journal.set_state(self.job.id, row.category, row.item, RESOLVED,
                               target_id=found.account.id, reason=note)
        return found.account.id

    # --- follows --------------------------------------------------------------------------

    async def relationship(self, account_id: str) -> Relationship:
        """Read before every write; one request covers the next ``RELATIONSHIP_BATCH`` rows.

        A read-ahead entry is used once (popped); the row being handled is never kept, so a
        later row for the same account (another list) and every reconcile read fresh.
        """
        if (ahead := self.read_ahead.pop(account_id, None)) is not None:
            return ahead
        pos = self.upcoming.index(account_id) if account_id in self.upcoming else -1
        batch = [account_id, *(self.upcoming[pos + 1:pos + RELATIONSHIP_BATCH] if pos >= 0
                               else ())]
        found = await relationships(self.api, batch)
        self.read_ahead.update((i, r) for i, r in found.items() if i != account_id)
        return found.get(account_id, Relationship())

    async def ensure_follow(self, account_id: str, options: FollowRow | None) -> str:
        """``following``, ``requested``, ``blocked`` or a reason to wait ("" never)."""
        rel = await self.relationship(account_id)
        if rel.following or rel.requested:
            return "following" if rel.following else "requested"
        if rel.blocking or rel.blocked_by:
            return "blocked"
        if self.follow_stop is not None:
            raise _StopCategory(self.follow_stop)
        if self.budget.remaining() <= self.reserve:
            self.summary.resumes_at = self.budget.resets_at()
            self.follow_stop = Reason.of(DAILY_LIMIT, limit=self.budget.limit,
                                         time=hhmm(self.budget.resets_at()))
            raise _StopCategory(self.follow_stop)
        opts = options or FollowRow("")
        try:
            self.summary.writes += 1
            rel = await self.api.follow(account_id, reblogs=opts.show_boosts,
                                        notify=opts.notify, languages=opts.languages or None)
        except MAYBE_DONE:
            # No answer, or a 5xx (a proxy's 502/504 may hide a follow that went through):
            # reconcile, never re-POST blindly. Not following yet → the row stays open.
            rel = await self.relationship(account_id)
            if not (rel.following or rel.requested):
                raise
        except ValidationError as exc:
            self.budget.exhaust()
            self.follow_stop = Reason.of(FOLLOWS_REFUSED, text=exc.user_message)
            raise _StopCategory(self.follow_stop) from exc
        self.budget.record()
        return "following" if rel.following else "requested"

    async def do_follows(self, row: JobRow) -> None:
        account_id = await self.target(row)
        if account_id is None:
            return
        options = {r.acct: r for r in self.source.follows}.get(row.item)
        outcome = await self.ensure_follow(account_id, options)
        if outcome == "blocked":
            self.set(row, SKIPPED, Reason(BLOCKED))
        elif outcome == "requested":
            self.set(row, REQUESTED, Reason(AWAITS_APPROVAL), attempt=True)
        else:
            self.set(row, DONE, attempt=True)

    async def do_tags(self, row: JobRow) -> None:
        tag = await self.api.tag(row.item)
        if tag.following:
            self.set(row, DONE, Reason(ALREADY))
            return
        if self.budget.remaining() <= self.reserve:
            self.summary.resumes_at = self.budget.resets_at()
            raise _StopCategory(Reason.of(DAILY_LIMIT_TAGS, limit=self.budget.limit))
        await self.write(lambda: self.api.follow_tag(row.item))
        self.budget.record()
        self.set(row, DONE, attempt=True)

    # --- mutes, blocks, domain blocks -------------------------------------------------------

    async def do_mutes(self, row: JobRow) -> None:
        account_id = await self.target(row)
        if account_id is None:
            return
        if (await self.relationship(account_id)).muting:
            self.set(row, DONE, Reason(ALREADY))
            return
        options = {r.acct: r for r in self.source.mutes}.get(row.item, MuteRow(row.item))
        await self.write(lambda: self.api.mute(account_id,
                                               notifications=options.hide_notifications))
        self.set(row, DONE, attempt=True)

    async def do_blocks(self, row: JobRow) -> None:
        account_id = await self.target(row)
        if account_id is None:
            return
        if (await self.relationship(account_id)).blocking:
            self.set(row, DONE, Reason(ALREADY))
            return
        await self.write(lambda: self.api.block(account_id))
        self.set(row, DONE, attempt=True)

    async def do_domain_blocks(self, row: JobRow) -> None:
        if self.existing_domains is None:
            self.existing_domains = set()
            async for page in self.api.paginate("/api/v1/domain_blocks", str, {"limit": 200}):
                self.existing_domains.update(d.lower() for d in page)
        if row.item in self.existing_domains:
            self.set(row, DONE, Reason(ALREADY))
            return
        await self.write(lambda: self.api.domain_block(row.item))
        self.set(row, DONE, attempt=True)

    # --- lists ----------------------------------------------------------------------------

    async def list_id(self, title: str) -> str:
        if self.lists_by_title is None:
            self.lists_by_title = {lst.title: lst.id for lst in await self.api.lists()}
        if title not in self.lists_by_title:
            self.summary.writes += 1
            try:
                self.lists_by_title[title] = (await self.api.create_list(title)).id
            except MAYBE_DONE:
                self.lists_by_title = None  # it may exist now: read the lists again first
                raise
        return self.lists_by_title[title]

    async def do_lists(self, row: JobRow) -> None:
        account_id = await self.target(row)
        if account_id is None:
            return
        title, _acct = split_list_item(row.item)
        try:
            outcome = await self.ensure_follow(account_id, None)
        except _StopCategory as stop:
            self.set(row, RESOLVED, Reason.of(MEMBER_NOT_FOLLOWED, cause=stop.reason))
            return
        if outcome == "blocked":
            self.set(row, SKIPPED, Reason(MEMBER_BLOCKED))
            return
        if outcome == "requested":
            self.set(row, RESOLVED, Reason(MEMBER_REQUESTED))
            return
        list_id = await self.list_id(title)
        try:
            await self.write(lambda: self.api.add_list_accounts(list_id, [account_id]))
        except ValidationError:
            members = await self.api.list_accounts(list_id, limit=0)
            if account_id not in {a.id for a in members.items}:
                raise
        self.set(row, DONE, attempt=True)

    # --- bookmarks and filters -------------------------------------------------------------

    async def do_bookmarks(self, row: JobRow) -> None:
        status_id = row.target_id
        if not status_id:
            status, reason = await self.resolver.status(row.item)
            if status is None:
                state = PENDING if reason is not None and reason.deferred else SKIPPED
                self.set(row, state, reason, attempt=state == PENDING)
                return
            status_id = status.id
        if (await self.api.status(status_id)).bookmarked:
            self.set(row, DONE, Reason(ALREADY), target_id=status_id)
            return
        await self.write(lambda: self.api.bookmark(status_id))
        self.set(row, DONE, target_id=status_id, attempt=True)

    async def do_filters(self, row: JobRow) -> None:
        if self.filter_titles is None:
            self.filter_titles = {f.title for f in await self.api.filters()}
        if row.item in self.filter_titles:
            self.set(row, DONE, Reason(ALREADY))
            return
        wanted = {f.title: f for f in self.source.filters}.get(row.item)
        if wanted is None:
            self.set(row, SKIPPED, Reason(NOT_IN_EXPORT))
            return
        try:
            await self.write(lambda: self.create_filter(wanted))
        except MAYBE_DONE:
            self.filter_titles = None  # it may exist now: read the filters again first
            raise
        self.filter_titles.add(row.item)
        self.set(row, DONE, attempt=True)

    async def create_filter(self, row: FilterRow) -> object:
        expires = (max(1, int(row.expires_at - self.clock.time()))
                   if row.expires_at is not None else None)
        return await self.api.create_filter(row.title, row.context, filter_action=row.action,
                                            expires_in=expires, keywords=row.keywords)

    # --- the loop -------------------------------------------------------------------------

    def domain(self, row: JobRow) -> str:
        if row.category in ACCOUNT_CATEGORIES:
            return domain_of(self.acct_of(row))
        return domain_of(row.item) if row.category == "bookmarks" else ""

    async def step(self, row: JobRow) -> None:
        handler = getattr(self, f"do_{row.category}")
        domain = self.domain(row)
        if domain and (reason := self.resolver.deferred(domain)):
            self.journal.set_state(self.job.id, row.category, row.item, row.state,
                                   reason=reason)
            return
        for _attempt in range(MAX_RATE_RETRIES):
            try:
                await handler(row)
                self.server_errors = 0
                return
            except RateLimitedError as exc:
                resume = exc.reset_at or self.clock.time() + 300
                self.say(_("The server asks to slow down; continues at {time}.").format(
                    time=hhmm(resume)))
                await self.clock.sleep(max(0.0, resume - self.clock.time()))
            except UncertainOutcomeError:
                self.set(row, row.state, Reason(NO_ANSWER), attempt=True)
                return
            except NetworkError as exc:
                if domain:
                    self.resolver.breaker.record_failure(domain)
                self.set(row, row.state, Reason.of(DEFERRED_NETWORK, text=exc.user_message),
                         attempt=True)
                return
            except (_StopCategory, AuthExpiredError):
                raise  # signed out: every row would fail; all stay open for later
            except ServerUnavailableError as exc:
                self.server_trouble(row, exc)
                return
            except ApiError as exc:  # a refusal (4xx): final, in the server's words
                self.set(row, FAILED, message(exc.user_message), attempt=True)
                return
        self.set(row, row.state, Reason(RATE_LIMITED))

    def server_trouble(self, row: JobRow, exc: ServerUnavailableError) -> None:
        """Leave ``row`` open for the next run; stop the category after a few in a row."""
        self.set(row, row.state, Reason.of(DEFERRED_SERVER, text=exc.user_message),
                 attempt=True)
        self.server_errors += 1
        if self.server_errors >= MAX_SERVER_ERRORS:
            raise _StopCategory(Reason(SERVER_TROUBLE))


async def run_import(api: MastodonApi, journal: ImportJournal, job: Job, source: ImportSource,
                     *, budget: FollowBudget, progress: Progress | None = None,
                     cancel: Cancel | None = None, clock: Clock | None = None,
                     only: tuple[str, ...] | None = None,
                     resolver: Resolver | None = None, reserve: int = 0) -> ImportSummary:
    """Work through the journal's open rows; safe to call again at any time. Follows stop
    when only ``reserve`` of the day's budget is left."""
    bg = api.background()
    runner = _Runner(bg, journal, job, source, budget, resolver or await resolver_for(bg),
                     clock or api.clock, progress, ImportSummary(job.id), reserve=reserve)
    unsubscribe = bg.governor.add_listener(
        lambda at: runner.say(_("Rate limited; continues at {time}.").format(time=hhmm(at))))
    journal.set_job_state(job.id, "running")
    journal.reopen_server_errors(job.id)  # stored as failed by older versions
    try:
        categories = [c for c in CATEGORIES if only is None or c in only]
        todo = {c: journal.rows(job.id, c, open_only=True) for c in categories}
        runner.total = sum(len(rows) for rows in todo.values())
        for category in categories:
            runner.upcoming = [r.target_id for r in todo[category] if r.target_id]
            runner.read_ahead.clear()
            runner.server_errors = 0
            for row in todo[category]:
                if cancel is not None and cancel():
                    runner.summary.cancelled = True
                    break
                try:
                    await runner.step(row)
                except _StopCategory as stop:
                    # TRANSLATORS: e.g. "Follows: 400 follows per day reached; …".
                    runner.summary.notes.append(_("{category}: {reason}").format(
                        category=category_label(category), reason=describe(stop.reason)))
                    if category != "lists" or stop.reason.code == SERVER_TROUBLE:
                        break
            if runner.summary.cancelled:
                break
    finally:
        unsubscribe()
        summary = runner.summary
        summary.counts = journal.counts(job.id)
        summary.open_rows = journal.open_count(job.id)
        state = ("cancelled" if summary.cancelled else
                 "finished" if summary.open_rows == 0 else "partial")
        journal.set_job_state(job.id, state)
    return summary
