"""Follow selected accounts through the API under the daily follow budget (``mastodon.md`` §8.2).

Mastodon allows **400 follows per account per UTC day** through the API (a fixed window
that resets at 00:00 UTC; CSV imports do not count, §8.4: prefer ``export`` for bulk).
fedidesk counts its own follows per account and UTC day in the database ``kv`` table, so
the budget holds across runs; follows made elsewhere are not counted, so a 429 or 422 from
the server also stops the run. Relationships are read first and accounts already followed
(or requested) are skipped without a POST. A follow that got no answer is never re-sent:
the relationship is read again to find out whether it happened (``security.md`` item 19).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.entities import Account, Relationship
from fedidesk.core.errors import ApiError, RateLimitedError, UncertainOutcomeError, ValidationError
from fedidesk.core.i18n import _, ngettext
from fedidesk.core.storage import Database

DAILY_FOLLOW_LIMIT = 400
NAMESPACE = "contacts.follows_per_utc_day"
RELATIONSHIP_BATCH = 40


class FollowBudget:
    """Follows left today (UTC) for one account, journaled in the ``kv`` table."""

    def __init__(self, db: Database, account: str, *, limit: int = DAILY_FOLLOW_LIMIT,
                 clock: Clock | None = None) -> None:
        self.db = db
        self.account = account.strip().lstrip("@").lower()
        self.limit = limit
        self.clock: Clock = clock or SystemClock()

    def day(self) -> str:
        """Today's UTC date, ``YYYY-MM-DD``."""
        return datetime.fromtimestamp(self.clock.time(), UTC).strftime("%Y-%m-%d")

    def _key(self) -> str:
        return f"{self.account}/{self.day()}"

    def used_today(self) -> int:
        rows = self.db.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?",
                               (NAMESPACE, self._key()))
        try:
            return int(rows[0]["value"]) if rows else 0
        except ValueError:
            return 0

    def remaining(self) -> int:
        return max(0, self.limit - self.used_today())

    def resets_at(self) -> float:
        """When the window resets: the next 00:00 UTC, as epoch seconds."""
        now = datetime.fromtimestamp(self.clock.time(), UTC)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return midnight.timestamp()

    def record(self, count: int = 1) -> None:
        """Count ``count`` follows made today; forgets this account's earlier days."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (namespace, key) DO UPDATE SET "
                "value = CAST(value AS INTEGER) + excluded.value, updated_at = excluded.updated_at",
                (NAMESPACE, self._key(), str(count), self.clock.time()))
            conn.execute("DELETE FROM kv WHERE namespace = ? AND key LIKE ? AND key != ?",
                         (NAMESPACE, f"{self.account}/%", self._key()))

    def exhaust(self) -> None:
        """The server said the limit is reached: nothing more today."""
        self.record(self.remaining())


@dataclass(frozen=True)
class FollowOutcome:
    """What happened to one account."""

    handle: str
    account_id: str
    state: str  # followed, requested, already, blocked, deferred, failed
    reason: str = ""


@dataclass(frozen=True)
class FollowProgress:
    """Reported after every account."""

    done: int
    total: int
    followed: int
    eta_seconds: float | None
    last: FollowOutcome


@dataclass
class FollowReport:
    """Every outcome, in input order."""

    outcomes: list[FollowOutcome] = field(default_factory=list)
    resets_at: float | None = None  # set when the daily budget deferred some accounts

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)


Progress = Callable[[FollowProgress], None]


async def _relationships(api: MastodonApi, ids: list[str]) -> dict[str, Relationship]:
    found: dict[str, Relationship] = {}
    for start in range(0, len(ids), RELATIONSHIP_BATCH):
        for rel in await api.relationships(ids[start:start + RELATIONSHIP_BATCH]):
            found[rel.id] = rel
    return found


@dataclass
class _Run:
    api: MastodonApi
    budget: FollowBudget
    report: FollowReport
    stop_reason: str = ""

    async def follow(self, account: Account, handle: str) -> FollowOutcome:
        if self.stop_reason:
            return FollowOutcome(handle, account.id, "deferred", self.stop_reason)
        if self.budget.remaining() <= 0:
            self.report.resets_at = self.budget.resets_at()
            return FollowOutcome(handle, account.id, "deferred",
                                 ngettext("{n} follow per day reached; the limit "
                                          "resets at 00:00 UTC",
                                          "{n} follows per day reached; the limit "
                                          "resets at 00:00 UTC",
                                          self.budget.limit).format(n=self.budget.limit))
        try:
            rel = await self.api.follow(account.id)
        except UncertainOutcomeError:
            rel = (await _relationships(self.api, [account.id])).get(account.id, Relationship())
            if not (rel.following or rel.requested):
                return FollowOutcome(handle, account.id, "failed",
                                     _("the server did not answer; not followed"))
        except RateLimitedError as exc:
            self.stop_reason = _("the server asks to slow down ({message})").format(
                message=exc.user_message)
            self.report.resets_at = exc.reset_at
            return FollowOutcome(handle, account.id, "deferred", self.stop_reason)
        except ValidationError as exc:
            self.stop_reason = _("the server refused more follows: {message}").format(
                message=exc.user_message)
            self.budget.exhaust()
            return FollowOutcome(handle, account.id, "deferred", self.stop_reason)
        except ApiError as exc:
            return FollowOutcome(handle, account.id, "failed", exc.user_message)
        self.budget.record()
        return FollowOutcome(handle, account.id, "requested" if rel.requested and not
                             rel.following else "followed")


def _skip(rel: Relationship | None, handle: str, account_id: str) -> FollowOutcome | None:
    if rel is None:
        return None
    if rel.following or rel.requested:
        return FollowOutcome(handle, account_id, "already",
                             _("already followed") if rel.following else _("already requested"))
    if rel.blocking or rel.blocked_by:
        return FollowOutcome(handle, account_id, "blocked", _("a block is in the way"))
    return None


async def follow_selected(api: MastodonApi, accounts: Sequence[Account], budget: FollowBudget,
                          *, progress: Progress | None = None,
                          local_domain: str | None = None) -> FollowReport:
    """Follow ``accounts`` (ids on ``api``'s server), skipping those already followed."""
    domain = local_domain or api.base_url.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
    unique = list({a.id: a for a in accounts if a.id}.values())
    rels = await _relationships(api, [a.id for a in unique])
    report = FollowReport()
    run = _Run(api, budget, report)
    started = time.monotonic()
    for done, account in enumerate(unique, start=1):
        handle = account.full_handle(domain)
        outcome = _skip(rels.get(account.id), handle, account.id)
        outcome = outcome or await run.follow(account, handle)
        report.outcomes.append(outcome)
        if progress is not None:
            per_item = (time.monotonic() - started) / done
            progress(FollowProgress(done, len(unique), report.count("followed")
                                    + report.count("requested"),
                                    per_item * (len(unique) - done), outcome))
    return report
