"""Export against mastodon-mock: every file, manifest counts, 429 waits, cancel and resume."""

from __future__ import annotations

import asyncio
import json
import random
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.http import RetryPolicy
from fedidesk.core.migration import export as export_mod
from fedidesk.core.migration import formats as fmt
from fedidesk.core.migration.bundle import read_extras, read_manifest
from fedidesk.core.migration.export import ExportCancelled, ExportProgress, export_account
from fedidesk.core.migration.journal import STATE_DIR
from fedidesk.core.ratelimit import RateLimitGovernor
from tests.helpers.mockserver import add_fault, token_for

pytestmark = pytest.mark.integration


def api_for(server: MockServer, user: str = "alice", clock: FakeClock | None = None
            ) -> MastodonApi:
    clock = clock or FakeClock()
    return MastodonApi(server.base_url, token_for(server, user), clock=clock,
                       governor=RateLimitGovernor(clock=clock, max_jitter=0.1,
                                                  rng=random.Random(2)),
                       policy=RetryPolicy(rng=random.Random(1)))


def call(server: MockServer, method: str, path: str, user: str = "alice", **kw: Any) -> Any:
    response = httpx.request(method, server.base_url + path, timeout=10,
                             headers={"Authorization": f"Bearer {token_for(server, user)}"},
                             **kw)
    response.raise_for_status()
    return response.json() if response.content else None


def account_id(server: MockServer, name: str) -> str:
    return str(call(server, "GET", "/api/v1/accounts/lookup", params={"acct": name})["id"])


def seed(server: MockServer) -> dict[str, Any]:
    """alice follows bob (no boosts) and three generated accounts; mutes, blocks, lists, …"""
    httpx.post(f"{server.base_url}/api/v1/_mock/sample_data", timeout=60, json={
        "accounts": 3, "followers_per_account": 0, "statuses_per_account": 0,
        "favourites_per_account": 0, "seed": 7}).raise_for_status()
    directory = call(server, "GET", "/api/v1/directory", params={"limit": 40, "local": True})
    gens = sorted((a["acct"], str(a["id"])) for a in directory if a["acct"].startswith("gen_"))
    bob, carol = account_id(server, "bob"), account_id(server, "carol")
    call(server, "POST", f"/api/v1/accounts/{bob}/follow", json={"reblogs": False})
    for _name, gen_id in gens:
        call(server, "POST", f"/api/v1/accounts/{gen_id}/follow", json={})
    call(server, "POST", f"/api/v1/accounts/{carol}/mute", json={"notifications": False})
    call(server, "POST", f"/api/v1/accounts/{bob}/mute", json={"notifications": True})
    call(server, "POST", f"/api/v1/accounts/{carol}/block")
    for domain in ("Spam.example", "bad.example", "worse.example"):
        call(server, "POST", "/api/v1/domain_blocks", data={"domain": domain})
    friends = call(server, "POST", "/api/v1/lists", json={"title": "=cmd friends"})
    call(server, "POST", "/api/v1/lists", json={"title": "empty"})
    call(server, "POST", f"/api/v1/lists/{friends['id']}/accounts",
         json={"account_ids": [bob]})
    statuses = [call(server, "POST", "/api/v1/statuses", "bob", json={"status": f"post {i}"})
                for i in range(3)]
    for status in statuses:
        call(server, "POST", f"/api/v1/statuses/{status['id']}/bookmark")
    for tag in ("python", "fediverse"):
        call(server, "POST", f"/api/v1/tags/{tag}/follow")
    call(server, "POST", "/api/v1/featured_tags", data={"name": "desk"})
    call(server, "POST", "/api/v2/filters", json={
        "title": "spoilers", "context": ["home", "public"], "filter_action": "hide",
        "keywords_attributes": [{"keyword": "finale", "whole_word": True}]})
    call(server, "POST", f"/api/v1/accounts/{bob}/endorse")
    return {"bob": bob, "carol": carol, "statuses": statuses, "gens": [g for g, _ in gens]}


def host(server: MockServer) -> str:
    return str(call(server, "GET", "/api/v2/instance")["domain"]).lower()


def run_export(server: MockServer, dest: Path, **kw: Any) -> export_mod.ExportResult:
    async def go() -> export_mod.ExportResult:
        async with api_for(server, clock=kw.pop("clock", None)) as api:
            return await export_account(api, dest, **kw)
    return asyncio.run(go())


def test_full_export_writes_every_file(mock: MockServer, tmp_path: Path) -> None:
    seeded = seed(mock)
    domain = host(mock)
    reports: list[ExportProgress] = []
    result = run_export(mock, tmp_path, progress=reports.append)

    assert result.complete
    following = (tmp_path / "following_accounts.csv").read_text(encoding="utf-8")
    lines = following.splitlines()
    assert lines[0] == "Account address,Show boosts,Notify on new posts,Languages"
    assert f"bob@{domain},false,false," in lines
    assert sorted(lines[1:]) == sorted([f"bob@{domain},false,false,"] + [
        f"{gen}@{domain},true,false," for gen in seeded["gens"]])
    muted = (tmp_path / "muted_accounts.csv").read_text().splitlines()
    assert muted[0] == "Account address,Hide notifications"
    assert sorted(muted[1:]) == [f"bob@{domain},true", f"carol@{domain},false"]
    assert (tmp_path / "blocked_accounts.csv").read_text() == f"carol@{domain}\n"
    assert sorted((tmp_path / "blocked_domains.csv").read_text().splitlines()) == [
        "bad.example", "spam.example", "worse.example"]
    bookmarks = (tmp_path / "bookmarks.csv").read_text().splitlines()
    assert sorted(bookmarks) == sorted(s["uri"] for s in seeded["statuses"])
    assert (tmp_path / "lists.csv").read_text() == f"'=cmd friends,bob@{domain}\n"
    assert fmt.read_lists(tmp_path / "lists.csv").rows == [
        fmt.ListRow("=cmd friends", f"bob@{domain}")]

    extras = read_extras(tmp_path)
    assert sorted(extras.followed_tags) == ["fediverse", "python"]
    assert extras.featured_tags == ["desk"]
    assert extras.endorsements == [f"bob@{domain}"]
    assert [(f.title, f.filter_action, f.context) for f in extras.filters] == [
        ("spoilers", "hide", ("home", "public"))]
    assert [(k.keyword, k.whole_word) for k in extras.filters[0].keywords] == [("finale", True)]
    assert extras.profile is not None and extras.profile.display_name == "Alice"

    manifest = read_manifest(tmp_path)
    assert manifest.complete and manifest.source_account == f"alice@{domain}"
    assert manifest.counts == {
        "following_accounts.csv": 4, "muted_accounts.csv": 2, "blocked_accounts.csv": 1,
        "blocked_domains.csv": 3, "lists.csv": 1, "bookmarks.csv": 3, "extras.json": 6}
    assert manifest.account_counters["following_count"] == 4
    assert any("empty list" in note for note in manifest.notes)
    assert not (tmp_path / STATE_DIR).exists()
    assert reports and reports[-1].finished
    assert {r.category for r in reports} >= {"follows", "mutes", "lists", "profile"}


def test_only_some_categories(mock: MockServer, tmp_path: Path) -> None:
    seed(mock)
    result = run_export(mock, tmp_path, categories={"blocks", "followed_tags"})
    assert set(result.manifest.counts) == {"blocked_accounts.csv", "extras.json"}
    assert not (tmp_path / "following_accounts.csv").exists()
    with pytest.raises(ValueError, match="unknown"):
        run_export(mock, tmp_path, categories={"posts"})


def test_429_during_export_waits_and_continues(mock: MockServer, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    seed(mock)
    monkeypatch.setitem(export_mod.PAGE_SIZES, "domain_blocks", 1)
    add_fault(mock.base_url, {
        "match": {"path": "/api/v1/domain_blocks", "methods": ["GET"]},
        "effect": {"type": "ratelimit", "headers": {
            "Retry-After": "5", "X-RateLimit-Reset": str(int(time.time()) + 5)}},
        "count": 1})
    clock = FakeClock()
    reports: list[ExportProgress] = []
    result = run_export(mock, tmp_path, clock=clock, progress=reports.append,
                        categories={"domain_blocks"})
    assert result.manifest.counts == {"blocked_domains.csv": 3}
    assert 4 <= sum(clock.sleeps) <= 7
    assert any(r.waiting_until is not None for r in reports)


class CancelAfter:
    """Sets itself once ``n`` progress reports of ``category`` with items were seen."""

    def __init__(self, category: str, n: int) -> None:
        self.category, self.n, self.flag = category, n, False

    def is_set(self) -> bool:
        return self.flag

    def __call__(self, p: ExportProgress) -> None:
        if p.category == self.category and p.done >= self.n:
            self.flag = True


def test_cancel_then_resume_finishes_without_duplicates(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(mock)
    for category in ("follows", "domain_blocks", "bookmarks"):
        monkeypatch.setitem(export_mod.PAGE_SIZES, category, 1)
    stop = CancelAfter("bookmarks", 2)
    with pytest.raises(ExportCancelled):
        run_export(mock, tmp_path, progress=stop, cancel=stop)
    partial = read_manifest(tmp_path)
    assert not partial.complete
    assert partial.counts["following_accounts.csv"] == 4
    assert "bookmarks.csv" not in partial.counts
    assert any("Not finished" in note for note in partial.notes)
    state = json.loads((tmp_path / STATE_DIR / "state.json").read_text())
    assert "bookmarks" not in state["finished"] and "follows" in state["finished"]

    requested: list[str] = []
    original = MastodonApi.get_page

    async def spy(self: MastodonApi, path: str, *args: Any, **kw: Any) -> Any:
        requested.append(path)
        return await original(self, path, *args, **kw)

    monkeypatch.setattr(MastodonApi, "get_page", spy)
    result = run_export(mock, tmp_path)
    assert result.complete and result.resumed
    assert "/api/v1/mutes" not in requested  # finished categories are not fetched again
    assert requested.count("/api/v1/bookmarks") == 2  # page 3, then the empty end page
    bookmarks = (tmp_path / "bookmarks.csv").read_text().splitlines()
    assert len(bookmarks) == len(set(bookmarks)) == 3
    assert result.manifest.counts["bookmarks.csv"] == 3
    assert not (tmp_path / STATE_DIR).exists()


def test_resume_refuses_another_accounts_folder(mock: MockServer, tmp_path: Path) -> None:
    stop = CancelAfter("follows", 0)
    stop.flag = True
    with pytest.raises(ExportCancelled):
        run_export(mock, tmp_path, cancel=stop)

    async def as_bob() -> None:
        async with api_for(mock, "bob") as api:
            await export_account(api, tmp_path)

    from fedidesk.core.migration.journal import JournalMismatchError
    with pytest.raises(JournalMismatchError):
        asyncio.run(as_bob())


def test_follow_options_come_from_relationships(mock: MockServer, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock ignores notify/languages on follow, so widen its relationship answer."""
    original = export_mod._relationships

    async def richer(run: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
        rels = await original(run, ids)
        return {i: {**r, "notifying": True, "languages": ["en", "de"]} for i, r in rels.items()}

    monkeypatch.setattr(export_mod, "_relationships", richer)
    result = run_export(mock, tmp_path, categories={"follows"})
    rows = fmt.read_following(tmp_path / "following_accounts.csv").rows
    assert rows and all(r.notify and r.languages == ("en", "de") for r in rows)
    assert '"en, de"' in (tmp_path / "following_accounts.csv").read_text()
    assert result.manifest.counts["following_accounts.csv"] == len(rows)
