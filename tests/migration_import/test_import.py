"""Merge-only plans, resumable follows, rate limits, dead domains and every category."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.contacts.follow import FollowBudget
from fedidesk.core.migration.assistant import import_folder
from fedidesk.core.migration.importer import ImportProgress
from fedidesk.core.migration.importjournal import SERVER_IMPORT, ImportJournal
from fedidesk.core.migration.reasons import (
    DEFERRED_DOMAIN,
    DEFERRED_TIMEOUT,
    NOT_FOUND,
    SELF,
    Reason,
    describe,
)
from fedidesk.core.migration.verify import REPORT_JSON, REPORT_TEXT, verify
from fedidesk.core.storage import Database
from tests.helpers.mockserver import add_fault
from tests.migration_import.conftest import Harness, write_folder

T = TypeVar("T")
ACCOUNT = "neo@mock.local"
FOLLOW_HEADER = "Account address,Show boosts,Notify on new posts,Languages\n"
UNDO = ("unfollow", "unblock", "unmute", "unbookmark")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def follows_csv(*names: str) -> str:
    return FOLLOW_HEADER + "".join(f"{n}@mock.local,true,false,\n" for n in names)


async def following(h: Harness) -> set[str]:
    async with h.api() as api:
        me = await api.verify_credentials()
        page = await api.get_page(f"/api/v1/accounts/{me.id}/following", dict)
        return {str(a["acct"]) for a in page.items}


def test_merge_plan_adds_only_what_is_missing(harness: Harness, db: Database,
                                              tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv":
                                                follows_csv("ben", "cat", "dan")})

    async def main() -> Any:
        async with harness.api() as api:
            dry = await import_folder(api, db, ACCOUNT, folder, dry_run=True,
                                      clock=harness.clock)
            assert harness.writes() == []  # the dry run writes nothing
            done = await import_folder(api, db, ACCOUNT, folder, clock=harness.clock)
            return dry, done

    dry, done = run(main())
    follows = dry.plan.categories["follows"]
    assert [i.item for i in follows.to_add] == ["dan@mock.local"]
    assert sorted(i.item for i in follows.already_there) == ["ben@mock.local", "cat@mock.local"]
    assert done.summary.open_rows == 0
    assert len(harness.follow_posts()) == 1
    assert not [p for _m, p in harness.writes() if p.rsplit("/", 1)[-1] in UNDO]
    assert not [m for m, _p in harness.writes() if m == "DELETE"]
    assert run(following(harness)) == {"amy", "ben", "cat", "dan"}  # amy kept: merge


def test_the_new_account_itself_is_nothing_to_do(harness: Harness, db: Database,
                                                 tmp_path: Path) -> None:
    # The old account followed, muted and listed the account it moves to.
    folder = write_folder(tmp_path / "export", {
        "following_accounts.csv": follows_csv("neo", "dan"),
        "muted_accounts.csv": "Account address,Hide notifications\nneo@mock.local,true\n",
        "lists.csv": "Friends,neo@mock.local\n"})

    async def main() -> Any:
        async with harness.api() as api:
            return await import_folder(api, db, ACCOUNT, folder, clock=harness.clock)

    done = run(main())
    for category, item in (("follows", "neo@mock.local"), ("mutes", "neo@mock.local"),
                           ("lists", "Friends\tneo@mock.local")):
        there = {i.item: i.note for i in done.plan.categories[category].already_there}
        assert there[item] is not None and there[item].code == SELF, category
        assert item not in {i.item for i in done.plan.categories[category].to_add}
    assert done.summary.open_rows == 0
    assert len(harness.follow_posts()) == 1  # dan only: never a request to follow oneself
    assert not [p for _m, p in harness.writes() if p.endswith("/mute")]


def test_killed_run_resumes_with_one_follow_per_account(harness: Harness, db: Database,
                                                        tmp_path: Path) -> None:
    names = ["dan", "eve", "fay", "gus", "hal"]
    folder = write_folder(tmp_path / "export", {"following_accounts.csv": follows_csv(*names)})

    def killer(event: ImportProgress) -> None:
        if event.state == "done" and event.done == 2:
            raise KeyboardInterrupt  # the process dies right after the 2nd follow

    async def main() -> Any:
        async with harness.api() as api:
            with pytest.raises(KeyboardInterrupt):
                await import_folder(api, db, ACCOUNT, folder, progress=killer,
                                    clock=harness.clock)
            assert len(harness.follow_posts()) == 2
            # Simulate a kill between the POST and the journal write for the 3rd account.
            me = await api.verify_credentials()
            del me
            fay = await api.lookup("fay")
            await api.follow(fay.id)
            harness.requests.clear()
            resumed = await import_folder(api, db, ACCOUNT, folder, clock=harness.clock)
            resumed_posts = harness.follow_posts()
            harness.requests.clear()
            again = await import_folder(api, db, ACCOUNT, folder, clock=harness.clock)
            return resumed, resumed_posts, again

    resumed, resumed_posts, again = run(main())
    assert len(resumed_posts) == 2  # gus, hal: fay was seen as already followed
    assert max(Counter(resumed_posts).values()) == 1
    assert resumed.summary.open_rows == 0
    assert harness.writes() == []  # re-running a finished import writes nothing
    assert again.summary.writes == 0
    assert run(following(harness)) >= set(names)
    journal = ImportJournal(db)
    job = journal.jobs(ACCOUNT)[0]
    assert journal.counts(job.id) == {"follows": {"done": 5}}


def test_cancel_then_resume(harness: Harness, db: Database, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv":
                                                follows_csv("dan", "eve", "fay")})
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 1  # one row, then stop

    async def main() -> Any:
        async with harness.api() as api:
            first = await import_folder(api, db, ACCOUNT, folder, cancel=cancel,
                                        clock=harness.clock)
            second = await import_folder(api, db, ACCOUNT, folder, clock=harness.clock)
            return first, second

    first, second = run(main())
    assert first.summary.cancelled and first.summary.open_rows == 2
    assert second.summary.open_rows == 0
    assert len(harness.follow_posts()) == 3 == len(set(harness.follow_posts()))


def test_429_waits_and_continues(harness: Harness, db: Database, tmp_path: Path,
                                 mig: MockServer) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv":
                                                follows_csv("dan", "eve")})
    add_fault(mig.base_url, {"match": {"methods": ["POST"],
                                       "path_regex": r"^/api/v1/accounts/\d+/follow$"},
                             "effect": {"type": "ratelimit"}, "count": 1})
    events: list[ImportProgress] = []
    start = harness.clock.now

    async def main() -> Any:
        async with harness.api() as api:
            return await import_folder(api, db, ACCOUNT, folder, progress=events.append,
                                       clock=harness.clock)

    outcome = run(main())
    assert outcome.summary.open_rows == 0
    assert harness.clock.now - start >= 290  # waited for the reset on the fake clock
    assert any("continues at" in e.message for e in events)
    assert len(set(harness.follow_posts())) == 2
    assert run(following(harness)) >= {"dan", "eve"}


def test_dead_domain_is_deferred_while_the_rest_finishes(harness: Harness, db: Database,
                                                         tmp_path: Path) -> None:
    rows = FOLLOW_HEADER + "".join(f"h{i}@hang.example,true,false,\n" for i in range(1, 5))
    folder = write_folder(tmp_path / "export", {
        "following_accounts.csv": rows + "dan@mock.local\neve@mock.local\n",
        "muted_accounts.csv": "Account address,Hide notifications\nrob@remote.example,true\n"})

    async def main() -> Any:
        async with harness.api() as api:
            return await import_folder(api, db, ACCOUNT, folder, clock=harness.clock)

    outcome = run(main())
    follows = outcome.plan.categories["follows"]
    assert sorted(i.item for i in follows.deferred) == [f"h{i}@hang.example"
                                                        for i in range(1, 5)]
    assert outcome.summary.counts["follows"] == {"done": 2, "pending": 4}
    assert outcome.summary.counts["mutes"] == {"done": 1}
    hung = {u.split("acct=")[-1] for u in harness.hung}
    assert "h4%40hang.example" not in hung and len(harness.hung) <= 12
    journal = ImportJournal(db)
    pending = journal.rows(journal.jobs(ACCOUNT)[0].id, "follows", open_only=True)
    assert all(r.reason is not None and r.reason.deferred for r in pending)
    assert {r.reason.code for r in pending if r.reason} <= {DEFERRED_TIMEOUT, DEFERRED_DOMAIN}


def test_big_batch_goes_to_the_server_import(harness: Harness, db: Database,
                                             tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv":
                                                follows_csv("dan", "eve", "fay")})
    budget = FollowBudget(db, ACCOUNT, clock=harness.clock)
    budget.record(398)  # two API follows left today, three wanted

    async def main() -> Any:
        async with harness.api() as api:
            return await import_folder(api, db, ACCOUNT, folder, budget=budget,
                                       clock=harness.clock)

    outcome = run(main())
    assert outcome.plan.follow_path == "server_import"
    assert harness.follow_posts() == []
    csv_text = (folder / "for-server-import" / "following_accounts.csv").read_text()
    assert csv_text.splitlines()[1:] == ["dan@mock.local,true,false,",
                                         "eve@mock.local,true,false,",
                                         "fay@mock.local,true,false,"]
    journal = ImportJournal(db)
    rows = journal.rows(journal.jobs(ACCOUNT)[0].id, "follows")
    assert {(r.state, r.reason) for r in rows} == {("requested", Reason(SERVER_IMPORT))}


def test_every_category_and_the_verify_report(harness: Harness, db: Database,
                                              tmp_path: Path) -> None:
    async def status_uri() -> str:
        async with harness.api() as api:
            amy = await api.lookup("amy")
            page = await api.account_statuses(amy.id)
            return page.items[0].uri

    uri = run(status_uri())
    filters = {"custom_filters": [{"title": "Spoilers", "context": ["home", "public"],
                                   "action": "hide", "expires_at": None,
                                   "keywords_attributes": [{"keyword": "finale",
                                                            "whole_word": True}]}]}
    folder = write_folder(tmp_path / "export", {
        "following_accounts.csv": follows_csv("dan", "ghost"),
        "lists.csv": "Friends,amy@mock.local\nFriends,eve@mock.local\nFar,rob@remote.example\n",
        "bookmarks.csv": f"{uri}\nhttps://mock.local/@amy/999999\n",
        "blocked_accounts.csv": "gus@mock.local\n",
        "blocked_domains.csv": "spam.example\n",
        "custom_filters.json": json.dumps(filters),
        "extras.json": json.dumps({"version": 1, "followed_tags": ["Python", "fediverse"]}),
    })

    async def main() -> Any:
        async with harness.api() as api:
            outcome = await import_folder(api, db, ACCOUNT, folder, clock=harness.clock)
            lists = {lst.title: lst.id for lst in await api.lists()}
            members = {t: {a.acct for a in (await api.list_accounts(i)).items}
                       for t, i in lists.items()}
            bookmarks = await api.bookmarks()
            made = await api.filters()
            tags = await api.followed_tags()
            report = await verify(api, folder, account=ACCOUNT, journal=ImportJournal(db))
            return outcome, members, bookmarks, made, tags, report

    outcome, members, bookmarks, made, tags, report = run(main())
    assert outcome.summary.open_rows == 0
    assert members == {"Friends": {"amy", "eve"}, "Far": {"rob@remote.example"}}
    assert [s.uri for s in bookmarks.items] == [uri]
    assert [(f.title, f.filter_action, [k.keyword for k in f.keywords]) for f in made] == [
        ("Spoilers", "hide", ["finale"])]
    assert {t.name.lower() for t in tags.items} == {"python", "fediverse"}
    assert run(following(harness)) >= {"dan", "eve", "rob@remote.example"}
    counts = report.counts()
    assert counts["follows"] == {"arrived": 1, "unresolvable": 1}
    assert counts["lists"] == {"arrived": 3}
    assert counts["bookmarks"] == {"arrived": 1, "unresolvable": 1}
    ghost = next(i for i in report.items if i.item == "ghost@mock.local")
    assert ghost.reason == Reason(NOT_FOUND)
    assert "not found" in describe(ghost.reason)
    saved = json.loads((folder / REPORT_JSON).read_text())
    assert saved["counts"] == counts
    text = (folder / REPORT_TEXT).read_text()
    assert "ghost@mock.local" in text and "What to do" in text
