"""Following through the API: the 400 per UTC day budget, already-followed skipped, progress."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.contacts.follow import FollowBudget, FollowProgress, follow_selected
from fedidesk.core.contacts.resolve import resolve_on_server
from fedidesk.core.entities import Account
from fedidesk.core.http import make_client
from fedidesk.core.storage import Database
from tests.helpers.mockserver import token_for

T = TypeVar("T")
# 2026-03-10 23:00 UTC: one hour before the window resets.
LATE = datetime(2026, 3, 10, 23, 0, tzinfo=UTC).timestamp()


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def db() -> Database:
    return Database(":memory:")


def test_budget_counts_per_utc_day(db: Database) -> None:
    clock = FakeClock(LATE)
    budget = FollowBudget(db, "@Alice@Example.Social", clock=clock)
    assert budget.remaining() == 400
    budget.record(3)
    budget.record()
    assert budget.used_today() == 4
    assert budget.resets_at() == datetime(2026, 3, 11, tzinfo=UTC).timestamp()
    other = FollowBudget(db, "bob@example.social", clock=clock)
    assert other.remaining() == 400
    clock.now += 3600  # 00:00 UTC: a new window
    assert budget.remaining() == 400
    budget.record()
    rows = db.execute("SELECT key FROM kv WHERE key LIKE 'alice@example.social/%'")
    assert [r["key"] for r in rows] == ["alice@example.social/2026-03-11"]  # old day pruned
    budget.exhaust()
    assert budget.remaining() == 0


async def _resolve_all(api: MastodonApi, handles: list[str]) -> list[Account]:
    found = [await resolve_on_server(api, h) for h in handles]
    assert all(a is not None for a in found)
    return [a for a in found if a is not None]


def test_follow_against_mock_honours_budget_and_skips_followed(
        mock: MockServer, db: Database) -> None:
    clock = FakeClock(LATE)
    budget = FollowBudget(db, "alice@127.0.0.1", clock=clock)
    budget.record(399)  # one follow left today
    progress: list[FollowProgress] = []

    async def main() -> tuple[Any, Any, list[Any]]:
        async with MastodonApi(mock.base_url, token_for(mock, "alice")) as api:
            # bob is already followed in the seed; carol is locked; dave is remote.
            accounts = await _resolve_all(api, ["bob@127.0.0.1", "carol@127.0.0.1",
                                                "dave@remote.example"])
            first = await follow_selected(api, [*accounts, accounts[0]], budget,
                                          progress=progress.append)
            clock.now += 3600  # the next UTC day
            second = await follow_selected(api, accounts, budget)
            rels = await api.relationships([a.id for a in accounts])
            return first, second, rels

    first, second, rels = run(main())
    assert [(o.handle, o.state) for o in first.outcomes] == [
        ("bob@127.0.0.1", "already"), ("carol@127.0.0.1", "requested"),
        ("dave@remote.example", "deferred")]
    assert "400 follows per day" in first.outcomes[2].reason
    assert first.resets_at == datetime(2026, 3, 11, tzinfo=UTC).timestamp()
    assert [p.done for p in progress] == [1, 2, 3]
    assert progress[-1].total == 3
    assert progress[-1].followed == 1
    assert progress[-1].eta_seconds == 0
    assert [(o.handle, o.state) for o in second.outcomes] == [
        ("bob@127.0.0.1", "already"), ("carol@127.0.0.1", "already"),
        ("dave@remote.example", "followed")]
    assert budget.used_today() == 1
    assert [(r.following, r.requested) for r in rels] == [(True, False), (False, True),
                                                          (True, False)]


class FollowServer:
    """A MockTransport server: relationships and follow, with scripted follow answers."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.follows: list[str] = []
        self.following: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v1/accounts/relationships":
            ids = request.url.params.get_list("id[]")
            return httpx.Response(200, json=[{"id": i, "following": i in self.following}
                                             for i in ids])
        account_id = path.split("/")[-2]
        self.follows.append(account_id)
        answer = self.answers.get(account_id, "ok")
        if answer == "timeout-but-done":
            self.following.add(account_id)
            raise httpx.ReadTimeout("slow", request=request)
        if answer == "timeout":
            raise httpx.ReadTimeout("slow", request=request)
        if isinstance(answer, int):
            return httpx.Response(answer, json={"error": "Nope"})
        self.following.add(account_id)
        return httpx.Response(200, json={"id": account_id, "following": True})


def _follow(server: FollowServer, ids: list[str], budget: FollowBudget) -> list[str]:
    async def main() -> list[str]:
        client = make_client(transport=httpx.MockTransport(server))
        async with MastodonApi("https://example.social", "tok", client=client) as api:
            report = await follow_selected(
                api, [Account(id=i, acct=f"u{i}@x.social") for i in ids], budget)
        await client.aclose()
        return [o.state for o in report.outcomes]

    return run(main())


def test_timed_out_follow_is_reconciled_not_resent(db: Database) -> None:
    server = FollowServer({"1": "timeout-but-done", "2": "timeout"})
    budget = FollowBudget(db, "me@example.social", clock=FakeClock(LATE))
    assert _follow(server, ["1", "2", "3"], budget) == ["followed", "failed", "followed"]
    assert server.follows == ["1", "2", "3"]  # each POSTed once
    assert budget.used_today() == 2


def test_server_limit_stops_the_run(db: Database) -> None:
    server = FollowServer({"2": 422})
    budget = FollowBudget(db, "me@example.social", clock=FakeClock(LATE))
    assert _follow(server, ["1", "2", "3"], budget) == ["followed", "deferred", "deferred"]
    assert server.follows == ["1", "2"]
    assert budget.remaining() == 0


def test_other_errors_fail_one_account_only(db: Database) -> None:
    server = FollowServer({"2": 403})
    budget = FollowBudget(db, "me@example.social", clock=FakeClock(LATE))
    assert _follow(server, ["1", "2", "3"], budget) == ["followed", "failed", "followed"]
