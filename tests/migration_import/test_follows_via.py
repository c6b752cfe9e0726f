"""The "follows via" choice: auto, always the API, or always the server's import page.

Against mastodon-mock: the plan each choice makes, the CSV for a small set, the API path
waiting for the next UTC day (keeping the reserve) instead of writing the CSV, the choice
kept by a resumed job, and switching a half-done job without re-requesting finished rows.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fedidesk.core.contacts.follow import FollowBudget
from fedidesk.core.migration.assistant import ImportOutcome, import_folder
from fedidesk.core.migration.importjournal import DONE, RESOLVED, ImportJournal
from fedidesk.core.migration.plan import (
    API,
    API_RESERVE,
    SERVER,
    SERVER_IMPORT_DIR,
    CategoryPlan,
    FollowsVia,
    Plan,
    PlanItem,
    parse_follows_via,
)
from fedidesk.core.migration.source import ImportSource
from fedidesk.core.migration.verify import ARRIVED, MISSING, verify
from fedidesk.core.storage import Database
from tests.migration_import.conftest import Harness, write_folder

T = TypeVar("T")
ACCOUNT = "neo@mock.local"
FOLLOW_HEADER = "Account address,Show boosts,Notify on new posts,Languages\n"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def follows_csv(*names: str) -> str:
    return FOLLOW_HEADER + "".join(f"{n}@mock.local,true,false,\n" for n in names)


def server_csv(folder: Path) -> Path:
    return folder / SERVER_IMPORT_DIR / "following_accounts.csv"


def posted_to(harness: Harness, names: dict[str, str]) -> Counter[str]:
    """Follow POSTs per account name (``names`` maps account id → name)."""
    return Counter(names[p.split("/")[4]] for p in harness.follow_posts())


async def ids(api: Any, *names: str) -> dict[str, str]:
    return {(await api.lookup(n)).id: n for n in names}


def test_parse_follows_via_falls_back_to_auto() -> None:
    assert [parse_follows_via(v) for v in ("api", " SERVER ", "auto")] == ["api", "server",
                                                                            "auto"]
    assert parse_follows_via("csv") == "auto"
    assert parse_follows_via(None) == "auto"


def test_api_days_counts_today_the_reserve_and_hashtags(tmp_path: Path) -> None:
    plan = Plan(ACCOUNT, ImportSource(tmp_path), budget_left=400)
    assert plan.api_days() == 0  # nothing to follow
    plan.categories["follows"] = CategoryPlan(to_add=[PlanItem(f"a{i}@x") for i in range(1000)])
    plan.categories["tags"] = CategoryPlan(to_add=[PlanItem("python")])
    assert plan.api_follows() == 1001
    assert plan.api_per_day() == 400 - API_RESERVE
    assert plan.api_today() == 400 - API_RESERVE
    # 380 today, then 380 + 241 on two more UTC days.
    assert plan.api_days() == 3
    plan.budget_left = 10  # less than the reserve is left today: nothing today
    assert plan.api_today() == 0
    assert plan.api_days() == 3  # ceil(1001 / 380) = 3 days after today; today does not count
    assert plan.api_days(reserve=0) == 1 + 3  # 10 today, then ceil(991 / 400) = 3 days
    plan.budget_left = 0
    assert plan.api_days(reserve=0) == 3
    plan.budget_left = 400
    plan.categories["follows"].to_add = plan.categories["follows"].to_add[:5]
    assert plan.api_days() == 1


@pytest.mark.parametrize(("used", "via", "path", "reserve"), [
    (0, "auto", API, 0),  # fits in today's budget
    (398, "auto", SERVER, 0),  # 3 wanted, 2 left today: the server's import page
    (0, "api", API, API_RESERVE),
    (398, "api", API, API_RESERVE),  # waits for later days instead of writing the CSV
    (0, "server", SERVER, 0),  # even a small set
    (398, "server", SERVER, 0),
])
def test_plan_with_each_choice(harness: Harness, db: Database, tmp_path: Path, used: int,
                               via: FollowsVia, path: str, reserve: int) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv":
                                                follows_csv("dan", "eve", "fay")})
    budget = FollowBudget(db, ACCOUNT, clock=harness.clock)
    if used:
        budget.record(used)

    async def main() -> ImportOutcome:
        async with harness.api() as api:
            return await import_folder(api, db, ACCOUNT, folder, dry_run=True, budget=budget,
                                       clock=harness.clock, follows_via=via)

    outcome = run(main())
    plan = outcome.plan
    assert (plan.follows_via, plan.follow_path, plan.follow_reserve) == (via, path, reserve)
    assert len(plan.categories["follows"].to_add) == 3
    assert plan.budget_left == 400 - used
    assert plan.api_days() == 1  # today, or (nothing left today) the next UTC day
    assert harness.writes() == []  # a dry run writes nothing…
    assert outcome.job is None and ImportJournal(db).jobs() == []  # …and stores no choice
    assert not server_csv(folder).exists()


def test_server_choice_writes_the_csv_and_verify_sees_what_arrives(
        harness: Harness, db: Database, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv":
                                                follows_csv("dan", "eve")})

    async def main() -> tuple[ImportOutcome, Any, Any]:
        async with harness.api() as api:
            outcome = await import_folder(api, db, ACCOUNT, folder, clock=harness.clock,
                                          follows_via="server")
            before = await verify(api, folder, account=ACCOUNT, journal=ImportJournal(db))
            # The user uploads the file; the server's import has done dan so far.
            await api.follow((await api.lookup("dan")).id)
            after = await verify(api, folder, account=ACCOUNT, journal=ImportJournal(db))
            return outcome, before, after

    outcome, before, after = run(main())
    assert outcome.plan.follow_path == SERVER  # two follows would fit today: still the CSV
    assert outcome.summary is not None and outcome.summary.open_rows == 0
    assert len(harness.follow_posts()) == 1  # only the "upload"
    assert server_csv(folder).read_text().splitlines()[1:] == ["dan@mock.local,true,false,",
                                                               "eve@mock.local,true,false,"]
    journal = ImportJournal(db)
    job = journal.jobs(ACCOUNT)[0]
    assert job.follows_via == "server"
    assert all(r.handed_to_server for r in journal.rows(job.id, "follows"))
    status = {(i.item, i.status) for i in before.items if i.category == "follows"}
    assert status == {("dan@mock.local", MISSING), ("eve@mock.local", MISSING)}
    status = {(i.item, i.status) for i in after.items if i.category == "follows"}
    assert status == {("dan@mock.local", ARRIVED), ("eve@mock.local", MISSING)}


def test_api_choice_waits_for_the_next_utc_day_and_the_resumed_job_keeps_it(
        harness: Harness, db: Database, tmp_path: Path) -> None:
    names = ("dan", "eve", "fay")
    folder = write_folder(tmp_path / "export", {"following_accounts.csv": follows_csv(*names)})
    budget = FollowBudget(db, ACCOUNT, clock=harness.clock)
    budget.record(400 - API_RESERVE - 2)  # two follows left before the reserve
    midnight = budget.resets_at()

    async def main() -> tuple[ImportOutcome, ImportOutcome, dict[str, str]]:
        async with harness.api() as api:
            who = await ids(api, *names)
            first = await import_folder(api, db, ACCOUNT, folder, budget=budget,
                                        clock=harness.clock, follows_via="api")
            assert first.summary is not None and first.summary.resumes_at is not None
            harness.clock.now = first.summary.resumes_at + 60  # the next UTC day
            resumed = await import_folder(api, db, ACCOUNT, folder, budget=budget,
                                          clock=harness.clock)  # no choice given
            return first, resumed, who

    first, resumed, who = run(main())
    assert first.plan.follow_path == API and first.plan.api_days() == 2
    summary = first.summary
    assert summary is not None
    assert not server_csv(folder).exists() and not (folder / SERVER_IMPORT_DIR).exists()
    assert summary.open_rows == 1
    assert summary.resumes_at == midnight and midnight % 86_400 == 0  # the next 00:00 UTC
    assert resumed.plan.follows_via == "api"  # the job's stored choice
    assert resumed.plan.follow_reserve == API_RESERVE
    assert resumed.summary is not None and resumed.summary.open_rows == 0
    assert posted_to(harness, who) == Counter(names)  # one follow each, never two
    # The reserve was kept on the first day; the new day has used one follow so far.
    assert budget.remaining() == 400 - 1
    journal = ImportJournal(db)
    job = journal.jobs(ACCOUNT)[0]
    assert job.follows_via == "api" and job.state == "finished"


def test_api_choice_keeps_the_reserve(harness: Harness, db: Database, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv":
                                                follows_csv("dan", "eve")})
    budget = FollowBudget(db, ACCOUNT, clock=harness.clock)
    budget.record(400 - API_RESERVE)  # exactly the reserve left

    async def main() -> ImportOutcome:
        async with harness.api() as api:
            return await import_folder(api, db, ACCOUNT, folder, budget=budget,
                                       clock=harness.clock, follows_via="api")

    outcome = run(main())
    assert harness.follow_posts() == []
    assert budget.remaining() == API_RESERVE
    assert outcome.summary is not None and outcome.summary.open_rows == 2
    assert outcome.summary.resumes_at == budget.resets_at()
    journal = ImportJournal(db)
    rows = journal.rows(journal.jobs(ACCOUNT)[0].id, "follows")
    assert {r.state for r in rows} == {RESOLVED}  # waiting, not handed to the server


def test_switching_a_half_done_job_never_re_requests_finished_rows(
        harness: Harness, db: Database, tmp_path: Path) -> None:
    names = ("dan", "eve", "fay", "gus")
    folder = write_folder(tmp_path / "export", {"following_accounts.csv": follows_csv(*names)})
    budget = FollowBudget(db, ACCOUNT, clock=harness.clock)
    budget.record(400 - API_RESERVE - 2)  # the API does dan and eve today
    posts: Counter[str] = Counter()

    async def main() -> tuple[ImportOutcome, ImportOutcome, ImportOutcome, str]:
        async with harness.api() as api:
            who = await ids(api, *names)
            by_api = await import_folder(api, db, ACCOUNT, folder, budget=budget,
                                         clock=harness.clock, follows_via="api")
            posts.update(posted_to(harness, who))
            harness.requests.clear()
            to_server = await import_folder(api, db, ACCOUNT, folder, budget=budget,
                                            clock=harness.clock, follows_via="server")
            csv_text = server_csv(folder).read_text()
            assert harness.follow_posts() == []
            # The user uploads the file; the server's import has done fay so far.
            await api.follow(next(i for i, n in who.items() if n == "fay"))
            harness.requests.clear()
            harness.clock.now = budget.resets_at() + 60
            back_to_api = await import_folder(api, db, ACCOUNT, folder, budget=budget,
                                              clock=harness.clock, follows_via="api")
            posts.update(posted_to(harness, who))
            return by_api, to_server, back_to_api, csv_text

    by_api, to_server, back_to_api, csv_text = run(main())
    assert by_api.summary is not None and by_api.summary.open_rows == 2
    # api → server: only the open rows go into the file; dan and eve stay done.
    assert to_server.plan.follow_path == SERVER
    assert [i.item for i in to_server.plan.categories["follows"].finished] == [
        "dan@mock.local", "eve@mock.local"]
    assert csv_text.splitlines()[1:] == ["fay@mock.local,true,false,",
                                         "gus@mock.local,true,false,"]
    # server → api: the handed-over rows come back to the API; fay (uploaded) is seen as
    # already followed, only gus is sent; dan and eve are not looked at again.
    assert back_to_api.plan.follow_path == API
    assert [i.item for i in back_to_api.plan.categories["follows"].finished] == [
        "dan@mock.local", "eve@mock.local"]
    assert posts == Counter({"dan": 1, "eve": 1, "gus": 1})
    assert back_to_api.summary is not None and back_to_api.summary.open_rows == 0
    journal = ImportJournal(db)
    job = journal.jobs(ACCOUNT)[0]
    assert job.follows_via == "api"
    rows = {r.item.split("@")[0]: r for r in journal.rows(job.id, "follows")}
    assert {n: r.state for n, r in rows.items()} == dict.fromkeys(names, DONE)
    assert {n: r.attempts for n, r in rows.items()} == {"dan": 1, "eve": 1, "fay": 0,
                                                        "gus": 1}


def test_auto_after_server_leaves_handed_rows_alone(harness: Harness, db: Database,
                                                    tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"following_accounts.csv":
                                                follows_csv("dan", "eve")})

    async def main() -> ImportOutcome:
        async with harness.api() as api:
            await import_folder(api, db, ACCOUNT, folder, clock=harness.clock,
                                follows_via="server")
            return await import_folder(api, db, ACCOUNT, folder, clock=harness.clock,
                                       follows_via="auto")

    again = run(main())
    assert harness.follow_posts() == []  # still waiting for the upload, never sent twice
    assert len(again.plan.categories["follows"].finished) == 2
    journal = ImportJournal(db)
    job = journal.jobs(ACCOUNT)[0]
    assert job.follows_via == "auto"
    assert all(r.handed_to_server for r in journal.rows(job.id, "follows"))


def test_the_choice_is_stored_with_the_job(db: Database, tmp_path: Path) -> None:
    journal = ImportJournal(db)
    job = journal.open_job(ACCOUNT, tmp_path, follows_via="server")
    assert job.follows_via == "server"
    assert journal.open_job(ACCOUNT, tmp_path, follows_via="api").follows_via == "server"
    journal.set_follows_via(job.id, "api")
    restarted = ImportJournal(db)  # a new process reads the same database
    found = restarted.find_job(ACCOUNT, tmp_path)
    assert found is not None and found.follows_via == "api" and found.source == job.source
    old = ImportJournal(db).open_job(ACCOUNT, tmp_path / "other")
    assert old.follows_via == "auto"
