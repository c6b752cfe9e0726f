"""The export's speed work keeps its output exact: relationship batches, read-ahead, threads.

``export_account`` reads the next page (or list) while the current one's follow options are
looked up and journaled, batches relationship lookups across small pages, splits big pages
into ``RELATIONSHIP_BATCH`` ids a request, journals in a worker thread and reads accounts
straight from the JSON. None of that may change a file, a count, resuming or cancelling.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.entities import Account, from_dict
from fedidesk.core.errors import ApiError
from fedidesk.core.migration import export as export_mod
from fedidesk.core.migration.bundle import read_manifest
from fedidesk.core.migration.export import ExportCancelled
from fedidesk.core.migration.journal import STATE_DIR, ExportJournal
from tests.helpers.mockserver import add_fault
from tests.migration_export.test_export import CancelAfter, host, run_export, seed

pytestmark = pytest.mark.integration

RELATIONSHIPS = "/api/v1/accounts/relationships"


class _Requests:
    """Records every request's path and the most requests ever in flight at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        self.ids: list[list[str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        original = MastodonApi.request

        async def spy(api: MastodonApi, method: str, path: str, **kw: Any) -> Any:
            self.paths.append(path)
            if path == RELATIONSHIPS:
                self.ids.append([str(i) for i in (kw.get("params") or {}).get("id", [])])
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                return await original(api, method, path, **kw)
            finally:
                self.in_flight -= 1

        monkeypatch.setattr(MastodonApi, "request", spy)

    def count(self, path: str) -> int:
        return sum(1 for p in self.paths if p == path)


def _follow_lines(folder: Path) -> list[str]:
    return sorted((folder / "following_accounts.csv").read_text(encoding="utf-8")
                  .splitlines()[1:])


def test_small_pages_share_one_relationships_lookup(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = seed(mock)
    domain = host(mock)
    reference = tmp_path / "reference"
    run_export(mock, reference, categories={"follows"})

    monkeypatch.setitem(export_mod.PAGE_SIZES, "follows", 1)
    monkeypatch.setattr(export_mod, "RELATIONSHIP_BATCH", 2)
    requests = _Requests(monkeypatch)
    result = run_export(mock, tmp_path / "batched", categories={"follows"})

    # 4 follows in pages of 1 (+ the empty end page), options looked up 2 at a time.
    assert requests.count(RELATIONSHIPS) == 2
    assert sorted(len(ids) for ids in requests.ids) == [2, 2]
    assert len({i for ids in requests.ids for i in ids}) == 4
    assert _follow_lines(tmp_path / "batched") == _follow_lines(reference)
    assert f"bob@{domain},false,false," in _follow_lines(tmp_path / "batched")
    assert len(_follow_lines(reference)) == 1 + len(seeded["gens"])
    assert result.manifest.counts == {"following_accounts.csv": 4}
    assert requests.max_in_flight <= 2


def test_a_page_larger_than_the_batch_is_split(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(mock)
    domain = host(mock)
    monkeypatch.setattr(export_mod, "RELATIONSHIP_BATCH", 1)
    requests = _Requests(monkeypatch)
    result = run_export(mock, tmp_path, categories={"mutes"})
    assert [len(ids) for ids in requests.ids] == [1, 1]
    muted = (tmp_path / "muted_accounts.csv").read_text().splitlines()
    assert sorted(muted[1:]) == [f"bob@{domain},true", f"carol@{domain},false"]
    assert result.manifest.counts == {"muted_accounts.csv": 2}


def test_a_server_refusing_long_addresses_gets_fewer_ids(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """414 for a long lookup: half as many ids a request from then on, same files."""
    seed(mock)
    reference = tmp_path / "reference"
    run_export(mock, reference, categories={"follows", "mutes"})

    monkeypatch.setattr(export_mod, "RELATIONSHIP_BATCH", 4)
    monkeypatch.setattr(export_mod, "MIN_RELATIONSHIP_BATCH", 1)
    add_fault(mock.base_url, {"match": {"path": RELATIONSHIPS}, "count": 1,
                              "effect": {"type": "status", "status": 414,
                                         "body": {"error": "URI Too Long"}}})
    requests = _Requests(monkeypatch)
    result = run_export(mock, tmp_path / "halved", categories={"follows", "mutes"})

    # follows: 4 ids refused, then 2 + 2; mutes (2 ids) keep the smaller batch.
    assert [len(ids) for ids in requests.ids] == [4, 2, 2, 2]
    assert _follow_lines(tmp_path / "halved") == _follow_lines(reference)
    for name in ("muted_accounts.csv", "following_accounts.csv"):
        assert (tmp_path / "halved" / name).read_bytes() == (reference / name).read_bytes()
    assert result.complete


def test_a_refusal_that_halving_cannot_fix_is_reported(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Always 414: down to ``MIN_RELATIONSHIP_BATCH``, then the server's error, no loop."""
    seed(mock)
    monkeypatch.setattr(export_mod, "RELATIONSHIP_BATCH", 4)
    monkeypatch.setattr(export_mod, "MIN_RELATIONSHIP_BATCH", 2)
    add_fault(mock.base_url, {"match": {"path": RELATIONSHIPS},
                              "effect": {"type": "status", "status": 414,
                                         "body": {"error": "URI Too Long"}}})
    requests = _Requests(monkeypatch)
    with pytest.raises(ApiError, match="HTTP 414") as caught:
        run_export(mock, tmp_path, categories={"follows"})
    assert caught.value.status == 414
    assert [len(ids) for ids in requests.ids] == [4, 2]


def test_missing_relationships_are_asked_again_once(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that skips ids gets one more request for just those ids."""
    seed(mock)
    original = MastodonApi.get_json
    asked: list[list[str]] = []

    async def forgetful(api: MastodonApi, path: str, params: Any = None, **kw: Any) -> Any:
        data = await original(api, path, params, **kw)
        if path == RELATIONSHIPS:
            asked.append(list(params["id"]))
            if len(asked) == 1:
                return data[1:]  # drop the first id's relationship
        return data

    monkeypatch.setattr(MastodonApi, "get_json", forgetful)
    result = run_export(mock, tmp_path, categories={"follows"})
    assert len(asked) == 2 and asked[1] == asked[0][:1]
    assert result.manifest.counts == {"following_accounts.csv": 4}
    assert not any("no follow options" in note for note in result.manifest.notes)


def _follows_one_a_page(mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        *, batch: int) -> tuple[Path, Path]:
    """A reference export of the seeded follows, then follows paged one account at a time
    with ``batch`` ids a lookup; returns the reference folder and an empty one to use."""
    seed(mock)
    reference = tmp_path / "reference"
    run_export(mock, reference, categories={"follows"})
    monkeypatch.setitem(export_mod.PAGE_SIZES, "follows", 1)
    monkeypatch.setattr(export_mod, "RELATIONSHIP_BATCH", batch)
    return reference, tmp_path / "dest"


def test_cancel_inside_batched_follows_then_resume(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference, dest = _follows_one_a_page(mock, tmp_path, monkeypatch, batch=2)
    stop = CancelAfter("follows", 2)
    with pytest.raises(ExportCancelled):
        run_export(mock, dest, categories={"follows"}, progress=stop, cancel=stop)
    lines = (dest / STATE_DIR / "follows.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1  # one batch of two pages, with the second page's cursor
    assert not read_manifest(dest).complete

    requests = _Requests(monkeypatch)
    result = run_export(mock, dest, categories={"follows"})
    assert result.complete and result.resumed
    # Pages 3 and 4, then the empty end page; one lookup for the last two accounts.
    assert requests.count(f"/api/v1/accounts/{_alice_id(requests)}/following") == 3
    assert [len(ids) for ids in requests.ids] == [2]
    assert _follow_lines(dest) == _follow_lines(reference)
    assert result.manifest.counts == {"following_accounts.csv": 4}
    assert not (dest / STATE_DIR).exists()


def _alice_id(requests: _Requests) -> str:
    following = next(p for p in requests.paths if p.endswith("/following"))
    return following.split("/")[4]


def test_failure_mid_category_resumes_exactly(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lookup that fails after the first batch: the journal keeps that batch only."""
    reference, dest = _follows_one_a_page(mock, tmp_path, monkeypatch, batch=1)
    original = export_mod._relationships
    calls = 0

    async def flaky(run: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("connection lost")
        return await original(run, ids)

    monkeypatch.setattr(export_mod, "_relationships", flaky)
    with pytest.raises(RuntimeError):
        run_export(mock, dest, categories={"follows"})
    assert len((dest / STATE_DIR / "follows.jsonl").read_text().splitlines()) == 1

    monkeypatch.setattr(export_mod, "_relationships", original)
    result = run_export(mock, dest, categories={"follows"})
    assert result.complete and result.resumed
    assert _follow_lines(dest) == _follow_lines(reference)
    assert result.manifest.counts == {"following_accounts.csv": 4}


def test_cancel_between_lists_discards_the_read_ahead(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(mock)
    reference = tmp_path / "reference"
    run_export(mock, reference, categories={"lists"})

    stop = CancelAfter("lists", 1)
    dest = tmp_path / "dest"
    with pytest.raises(ExportCancelled):
        run_export(mock, dest, categories={"lists"}, progress=stop, cancel=stop)
    assert len((dest / STATE_DIR / "lists.jsonl").read_text().splitlines()) == 1

    requests = _Requests(monkeypatch)
    result = run_export(mock, dest, categories={"lists"})
    member_requests = [p for p in requests.paths if p.endswith("/accounts")]
    assert len(member_requests) == 1  # only the list that was not journaled
    assert (dest / "lists.csv").read_text() == (reference / "lists.csv").read_text()
    assert result.manifest.counts == {"lists.csv": 1}
    assert any("empty list" in note for note in result.manifest.notes)


def test_whole_export_keeps_two_requests_in_flight_at_most(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(mock)
    for category in ("follows", "bookmarks", "domain_blocks"):
        monkeypatch.setitem(export_mod.PAGE_SIZES, category, 1)
    monkeypatch.setattr(export_mod, "RELATIONSHIP_BATCH", 1)
    requests = _Requests(monkeypatch)
    result = run_export(mock, tmp_path)
    assert result.complete
    assert requests.max_in_flight == 2  # a page's lookup overlaps the next page's fetch
    assert result.manifest.counts["bookmarks.csv"] == 3
    assert result.manifest.counts["following_accounts.csv"] == 4


def test_journal_writes_run_off_the_event_loop(
        mock: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(mock)
    threads: list[str] = []
    original = ExportJournal.append

    def append(journal: ExportJournal, *args: Any, **kw: Any) -> None:
        threads.append(threading.current_thread().name)
        original(journal, *args, **kw)

    monkeypatch.setattr(ExportJournal, "append", append)
    run_export(mock, tmp_path, categories={"follows", "bookmarks", "lists"})
    assert threads and threading.main_thread().name not in threads


@pytest.mark.parametrize("data", [
    {"id": "1", "username": "ann", "acct": "ann"},
    {"id": 2, "username": "Bob", "acct": "Bob@Example.COM"},
    {"id": "3", "username": "cat", "acct": None},
    {"id": "4", "username": "dan"},
    {"id": None, "acct": "eve@remote.example", "moved": {"id": "9", "acct": "eve@new.example"}},
    {"id": "6", "acct": "", "username": ""},
    {"value": "not an account"},
    {},
])
def test_reading_accounts_from_json_matches_the_entity(data: dict[str, Any]) -> None:
    """The bulk path reads ``acct``/``id``/``moved`` as ``from_dict(Account, …)`` would."""
    run = export_mod._Run.__new__(export_mod._Run)
    run.domain = "home.example"
    account = from_dict(Account, data)
    assert run.acct(data) == run.acct(account)
    assert export_mod._text(data.get("id")) == account.id
    assert isinstance(data.get("moved"), dict) == (account.moved is not None)


def test_relationships_skip_empty_and_duplicate_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[list[str]] = []

    class Api:
        async def get_json(self, path: str, params: dict[str, Any], **kw: Any) -> Any:
            sent.append(list(params["id"]))
            return [{"id": i} for i in params["id"]]

    run = export_mod._Run.__new__(export_mod._Run)
    run.api = Api()  # type: ignore[assignment]
    monkeypatch.setattr(export_mod, "RELATIONSHIP_BATCH", 2)
    found = asyncio.run(export_mod._relationships(run, ["1", "", "2", "1", "3"]))
    assert sent == [["1", "2"], ["3"]]
    assert set(found) == {"1", "2", "3"}
