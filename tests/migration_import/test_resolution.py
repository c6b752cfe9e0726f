"""Moved, suspended and domain-blocked accounts; a follow without an answer is reconciled."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.entities import Account
from fedidesk.core.http import make_client
from fedidesk.core.migration.assistant import import_folder, parse_only
from fedidesk.core.migration.plan import following_limit
from fedidesk.core.migration.reasons import (
    DOMAIN_BLOCKED,
    MOVED,
    NOT_FOUND,
    SUSPENDED,
    Reason,
    describe,
)
from fedidesk.core.ratelimit import RateLimitGovernor
from fedidesk.core.storage import Database
from tests.migration_import.conftest import write_folder

ACCOUNTS: dict[str, dict[str, Any]] = {
    "old@old.example": {"id": "1", "acct": "old@old.example",
                        "moved": {"id": "9", "acct": "new@new.example"}},
    "gone@old.example": {"id": "2", "acct": "gone@old.example", "suspended": True},
    "x@blocked.example": {"id": "3", "acct": "x@blocked.example"},
    "ok@fine.example": {"id": "4", "acct": "ok@fine.example"},
}


class FakeServer:
    """Just enough of a Mastodon server; the first follow POST times out after arriving."""

    def __init__(self) -> None:
        self.following: set[str] = set()
        self.posts: list[str] = []
        self.timeout_once = True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        if path == "/api/v2/instance":
            return httpx.Response(200, json={"domain": "home.example"})
        if path == "/api/v1/accounts/verify_credentials":
            return httpx.Response(200, json={"id": "100", "acct": "me",
                                             "followers_count": 10_000,
                                             "following_count": 7_999})
        if path == "/api/v1/domain_blocks":
            return httpx.Response(200, json=["blocked.example"])
        if path == "/api/v1/accounts/lookup":
            found = ACCOUNTS.get(request.url.params["acct"])
            return httpx.Response(200, json=found) if found else httpx.Response(
                404, json={"error": "Record not found"})
        if path == "/api/v1/accounts/relationships":
            ids = request.url.params.get_list("id[]")
            return httpx.Response(200, json=[{"id": i, "following": i in self.following}
                                             for i in ids])
        if method == "POST" and path.endswith("/follow"):
            account_id = path.split("/")[-2]
            self.posts.append(account_id)
            self.following.add(account_id)
            if self.timeout_once:
                self.timeout_once = False
                raise httpx.ReadTimeout("no answer", request=request)
            return httpx.Response(200, json={"id": account_id, "following": True})
        return httpx.Response(404, json={"error": "Record not found"})


def test_moved_suspended_blocked_and_uncertain_follow(tmp_path: Path) -> None:
    server = FakeServer()
    clock = FakeClock(1_780_000_000.0)
    folder = write_folder(tmp_path / "export", {"following_accounts.csv": "\n".join(
        ["Account address,Show boosts,Notify on new posts,Languages", *ACCOUNTS,
         "nobody@old.example"]) + "\n"})
    db = Database(":memory:")

    async def main() -> Any:
        client = make_client(transport=httpx.MockTransport(server))
        api = MastodonApi("https://home.example", "t", client=client, clock=clock,
                          governor=RateLimitGovernor(clock=clock))
        try:
            return await import_folder(api, db, "me@home.example", folder,
                                       only=parse_only("follows"), clock=clock)
        finally:
            await client.aclose()

    outcome = asyncio.run(main())
    follows = outcome.plan.categories["follows"]
    assert [(i.item, i.target_id, i.note) for i in follows.to_add] == [
        ("old@old.example", "9", Reason.of(MOVED, handle="new@new.example")),
        ("ok@fine.example", "4", None)]
    assert describe(follows.to_add[0].note) == "moved to new@new.example"
    reasons = {i.item: i.note for i in follows.unresolvable}
    assert reasons["gone@old.example"] == Reason(SUSPENDED)
    assert reasons["x@blocked.example"] == Reason.of(DOMAIN_BLOCKED, domain="blocked.example")
    assert reasons["nobody@old.example"] == Reason(NOT_FOUND)
    assert describe(reasons["gone@old.example"]) == "the account is suspended"
    assert describe(reasons["x@blocked.example"]) == "you block the domain blocked.example"
    assert describe(reasons["nobody@old.example"]).startswith("not found")
    # The first POST timed out after reaching the server: reconciled, never sent again.
    assert server.posts == ["9", "4"]
    assert outcome.summary is not None and outcome.summary.counts["follows"]["done"] == 2
    assert outcome.plan.following_limit == 11_000
    assert following_limit(Account(followers_count=100)) == 7_500
    json.dumps(outcome.plan.summary())
