"""Server errors and lost answers are retried by the next run; only a refusal (4xx) is final.

The QA case: a 500 on a mute and 503s on domain blocks used to mark the rows ``failed``, so
running the import again sent nothing although the message said "try again".
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.errors import AuthExpiredError
from fedidesk.core.migration.assistant import ImportOutcome, import_folder
from fedidesk.core.migration.importer import MAX_SERVER_ERRORS
from fedidesk.core.migration.importjournal import FAILED, ImportJournal, JobRow
from fedidesk.core.migration.reasons import (
    DEFERRED_SERVER,
    MESSAGE,
    SERVER_TROUBLE,
    Reason,
    describe,
    message,
)
from fedidesk.core.migration.verify import verify
from fedidesk.core.storage import Database
from tests.helpers.mockserver import add_fault, clear_faults
from tests.migration_import.conftest import HangTransport, Harness, write_folder
from tests.migration_import.test_import import ACCOUNT, following, follows_csv

T = TypeVar("T")
MUTES = "Account address,Hide notifications\ndan@mock.local,true\n"
DOMAINS = "spam.example\njunk.example\n"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fault(mig: MockServer, methods: list[str], path_regex: str, status: int,
          count: int) -> None:
    add_fault(mig.base_url, {"match": {"methods": methods, "path_regex": path_regex},
                             "effect": {"type": "status", "status": status}, "count": count})


def import_once(h: Harness, db: Database, folder: Path) -> ImportOutcome:
    async def main() -> ImportOutcome:
        async with h.api() as api:
            return await import_folder(api, db, ACCOUNT, folder, clock=h.clock)
    return run(main())


def rows(db: Database, category: str) -> list[JobRow]:
    journal = ImportJournal(db)
    return journal.rows(journal.jobs(ACCOUNT)[0].id, category)


def posts(h: Harness, suffix: str) -> list[str]:
    return [p for m, p in h.requests if m == "POST" and p.endswith(suffix)]


def test_server_errors_stay_open_and_the_next_run_retries(harness: Harness, db: Database,
                                                          mig: MockServer,
                                                          tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"muted_accounts.csv": MUTES,
                                                "blocked_domains.csv": DOMAINS})
    fault(mig, ["POST"], "/mute$", 500, 1)
    fault(mig, ["POST"], "^/api/v1/domain_blocks$", 503, 30)

    first = import_once(harness, db, folder)
    assert first.summary is not None
    assert first.summary.total(FAILED) == 0 and first.summary.open_rows == 3
    for row in [*rows(db, "mutes"), *rows(db, "domain_blocks")]:
        assert row.open and row.reason is not None and row.reason.deferred, row
        assert row.reason.code == DEFERRED_SERVER
        assert "Try again in a few minutes" in describe(row.reason)

    clear_faults(mig.base_url)
    harness.requests.clear()
    second = import_once(harness, db, folder)
    assert second.summary is not None and second.summary.open_rows == 0
    assert second.summary.counts == {"mutes": {"done": 1}, "domain_blocks": {"done": 2}}
    assert len(posts(harness, "/mute")) == 1
    assert len(posts(harness, "/domain_blocks")) == 2

    harness.requests.clear()
    third = import_once(harness, db, folder)
    assert third.summary is not None and third.summary.writes == 0 == len(harness.writes())


def test_a_refusal_is_final_with_the_servers_words(harness: Harness, db: Database,
                                                   mig: MockServer, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"muted_accounts.csv": MUTES})
    add_fault(mig.base_url, {"match": {"methods": ["POST"], "path_regex": "/mute$"},
                             "effect": {"type": "status", "status": 422,
                                        "body": {"error": "Muting is not allowed"}},
                             "count": 1})
    first = import_once(harness, db, folder)
    assert first.summary is not None and first.summary.total(FAILED) == 1
    (row,) = rows(db, "mutes")
    assert row.state == FAILED and row.reason is not None and row.reason.code == MESSAGE
    assert "Muting is not allowed" in describe(row.reason)

    harness.requests.clear()
    second = import_once(harness, db, folder)
    assert second.summary is not None and second.summary.writes == 0 == len(harness.writes())

    async def report() -> Any:
        async with harness.api() as api:
            return await verify(api, folder, account=ACCOUNT, journal=ImportJournal(db))
    (item,) = [i for i in run(report()).items if i.category == "mutes"]
    assert "will not try it again" in item.advice  # no promise of a retry that never comes


class Swallow502Transport(HangTransport):
    """The first follow POST reaches the server, but its answer is replaced by a 502 (a
    proxy that gave up while the server did follow)."""

    def __init__(self, hung: list[str]) -> None:
        super().__init__(hung)
        self.swallowed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if (request.method == "POST" and request.url.path.endswith("/follow")
                and not self.swallowed):
            self.swallowed += 1
            await response.aread()
            return httpx.Response(502, json={"error": "Bad gateway"}, request=request)
        return response


@dataclass
class SwallowHarness(Harness):
    """A harness whose first follow answer is lost (see ``Swallow502Transport``)."""

    def transport(self) -> httpx.AsyncBaseTransport:
        return Swallow502Transport(self.hung)


def test_a_follow_that_went_through_behind_a_5xx_is_not_sent_again(
        db: Database, mig: MockServer, tmp_path: Path) -> None:
    harness = SwallowHarness(mig.base_url)
    folder = write_folder(tmp_path / "export", {"following_accounts.csv": follows_csv("dan")})
    first = import_once(harness, db, folder)  # followed, but the answer was a 502
    assert first.summary is not None and first.summary.open_rows == 0
    assert [r.state for r in rows(db, "follows")] == ["done"]  # reconciled: following
    harness.requests.clear()
    second = import_once(harness, db, folder)
    assert second.summary is not None and harness.follow_posts() == []
    assert "dan" in run(following(harness))


def test_a_follow_refused_with_5xx_is_sent_once_more_by_the_next_run(
        harness: Harness, db: Database, mig: MockServer, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv": follows_csv("dan")})
    fault(mig, ["POST"], r"^/api/v1/accounts/\d+/follow$", 500, 1)
    first = import_once(harness, db, folder)
    assert first.summary is not None and first.summary.open_rows == 1
    (row,) = rows(db, "follows")
    assert row.open and row.reason is not None and row.reason.code == DEFERRED_SERVER
    second = import_once(harness, db, folder)
    assert second.summary is not None and second.summary.open_rows == 0
    assert len(harness.follow_posts()) == 2  # the refused one and the one that worked
    assert "dan" in run(following(harness))


def test_a_category_waits_after_server_errors_in_a_row(harness: Harness, db: Database,
                                                       mig: MockServer, tmp_path: Path) -> None:
    domains = "".join(f"d{i}.example\n" for i in range(MAX_SERVER_ERRORS + 3))
    folder = write_folder(tmp_path / "export", {"blocked_domains.csv": domains,
                                                "muted_accounts.csv": MUTES})
    fault(mig, ["POST"], "^/api/v1/domain_blocks$", 503, 100)
    first = import_once(harness, db, folder)
    assert first.summary is not None
    assert len(posts(harness, "/domain_blocks")) == MAX_SERVER_ERRORS  # then it stops
    assert first.summary.counts["mutes"] == {"done": 1}  # the other categories go on
    assert first.summary.open_rows == MAX_SERVER_ERRORS + 3
    assert any(describe(Reason(SERVER_TROUBLE)) in note for note in first.summary.notes)
    clear_faults(mig.base_url)
    second = import_once(harness, db, folder)
    assert second.summary is not None and second.summary.open_rows == 0


def test_rows_an_older_version_failed_for_a_5xx_are_retried(harness: Harness, db: Database,
                                                            tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"muted_accounts.csv": MUTES})
    journal = ImportJournal(db)
    job = journal.open_job(ACCOUNT, folder)
    journal.add_rows(job.id, "mutes", ["dan@mock.local"])
    journal.set_state(job.id, "mutes", "dan@mock.local", FAILED, reason=message(
        "mock.local is having trouble (HTTP 500): “An unexpected error occurred”. Try again "
        "in a few minutes."))
    journal.add_rows(job.id, "blocks", ["eve@mock.local"])
    journal.set_state(job.id, "blocks", "eve@mock.local", FAILED,
                      reason=message("mock.local did not accept this"))
    outcome = import_once(harness, db, folder)
    assert outcome.summary is not None
    assert [r.state for r in rows(db, "mutes")] == ["done"]
    assert [r.state for r in rows(db, "blocks")] == [FAILED]  # a refusal stays final
    assert len(posts(harness, "/mute")) == 1


def test_signed_out_stops_the_run_with_every_row_open(harness: Harness, db: Database,
                                                      mig: MockServer, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"muted_accounts.csv": MUTES,
                                                "blocked_domains.csv": DOMAINS})
    fault(mig, ["POST"], "/mute$", 401, 1)
    with pytest.raises(AuthExpiredError):
        import_once(harness, db, folder)
    assert all(r.open for r in [*rows(db, "mutes"), *rows(db, "domain_blocks")])
