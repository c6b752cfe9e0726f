"""Migration benchmark: export speed against bare paging, and import requests per follow.

Run: ``uv run python bench/migrate.py [--quick]``; prints one JSON object.

Data: mastodon-mock runs in-process (``MockServer``). Its sample-data generator
(``generate_sample_data``, the engine behind ``POST /api/v1/_mock/sample_data``, called
directly on the server's SQLAlchemy engine ``app.state.engine`` to skip the endpoint's size
cap) makes the target accounts with one post each; the old account's follows, mutes and
blocks (``relationships`` rows), lists (``user_lists``/``user_list_accounts``) and bookmarks
are then bulk-inserted through a SQLAlchemy session on that engine. Through the API the
5,000 follows alone would take minutes.

* ``export_s``: ``export_account`` for follows, mutes, blocks, lists and bookmarks;
* ``raw_fetch_s``: the same lists paged with plain ``httpx`` GETs at the same page sizes
  (``raw_with_relationships_s`` adds the per-page ``relationships`` reads the export needs
  for follow and mute options, i.e. exactly the export's requests); best of two runs each;
* ``import_requests_per_follow``: requests sent by ``run_import`` (after the plan resolved
  every account) for a second account importing follows, counted with an httpx event hook.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from mastodon_mock.config import SampleDataConfig, SeedAccount, SeedConfig
from mastodon_mock.db.models import Account as DbAccount
from mastodon_mock.db.models import Bookmark, Relationship, Status, UserList, UserListAccount
from mastodon_mock.db.sample_data import generate_sample_data
from mastodon_mock.ids import next_id
from mastodon_mock.testing.server import MockServer
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fedidesk.core.api import MastodonApi, link_params
from fedidesk.core.clock import FakeClock
from fedidesk.core.contacts.follow import FollowBudget
from fedidesk.core.http import make_client
from fedidesk.core.migration.export import PAGE_SIZES, export_account
from fedidesk.core.migration.importer import record_plan, run_import
from fedidesk.core.migration.importjournal import ImportJournal
from fedidesk.core.migration.plan import build_plan
from fedidesk.core.migration.resolve import resolver_for
from fedidesk.core.migration.source import read_source
from fedidesk.core.storage import Database

FULL = {"follows": 5000, "mutes": 500, "blocks": 200, "lists": 20, "bookmarks": 1000,
        "import_follows": 300}
QUICK = {"follows": 400, "mutes": 60, "blocks": 30, "lists": 4, "bookmarks": 100,
         "import_follows": 60}
CATEGORIES = ("follows", "mutes", "blocks", "lists", "bookmarks")
MEMBERS_PER_LIST = 10
SEED = SeedConfig(accounts=[SeedAccount(username="old", access_token="old_token"),  # noqa: S106 (mock token)
                            SeedAccount(username="imp", access_token="imp_token")])  # noqa: S106 (mock token)


def _rel(source: int, target: int, **flags: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": next_id(), "source_account_id": source, "target_account_id": target,
        "following": False, "showing_reblogs": True, "notifying": False, "followed_by": False,
        "blocking": False, "blocked_by": False, "muting": False, "muting_notifications": True,
        "endorsed": False, "requested": False, "requested_by": False, "note": ""}
    row.update(flags)
    return row


def seed(server: MockServer, n: dict[str, int]) -> dict[str, Any]:
    """Generate targets with the mock's generator, then insert the old account's data."""
    engine = server._server.config.app.state.engine
    t0 = time.perf_counter()
    targets = n["follows"] + n["mutes"] + n["blocks"]
    generate_sample_data(engine, SampleDataConfig(
        accounts=targets, followers_per_account=0, statuses_per_account=1,
        favourites_per_account=0, reply_ratio=0.0, seed=1))
    with Session(engine) as session:
        old_id = session.scalar(select(DbAccount.id).where(DbAccount.username == "old"))
        ids = list(session.scalars(select(DbAccount.id).where(
            DbAccount.username.like("gen_%")).order_by(DbAccount.id)))
        follows = ids[:n["follows"]]
        mutes = ids[n["follows"]:n["follows"] + n["mutes"]]
        blocks = ids[n["follows"] + n["mutes"]:targets]
        rels = ([_rel(old_id, t, following=True) for t in follows]
                + [_rel(old_id, t, muting=True) for t in mutes]
                + [_rel(old_id, t, blocking=True) for t in blocks])
        session.execute(insert(Relationship.__table__), rels)
        lists = [{"id": next_id(), "account_id": old_id, "title": f"List {i}",
                  "replies_policy": "list", "exclusive": False} for i in range(n["lists"])]
        session.execute(insert(UserList.__table__), lists)
        members = [{"id": next_id(), "list_id": lst["id"], "account_id": follows[i * 7 + j]}
                   for i, lst in enumerate(lists) for j in range(MEMBERS_PER_LIST)]
        session.execute(insert(UserListAccount.__table__), members)
        statuses = list(session.scalars(select(Status.id).order_by(Status.id)
                                        .limit(n["bookmarks"])))
        session.execute(insert(Bookmark.__table__), [
            {"id": next_id(), "account_id": old_id, "status_id": s} for s in statuses])
        session.commit()
    return {"old_id": str(old_id), "seed_s": round(time.perf_counter() - t0, 3),
            "list_members": len(members)}


async def raw_fetch(base: str, token: str, old_id: str, *, relationships: bool) -> float:
    """Page through the same endpoints with bare httpx GETs; returns seconds."""
    headers = {"Authorization": f"Bearer {token}"}
    paths = {"follows": f"/api/v1/accounts/{old_id}/following", "mutes": "/api/v1/mutes",
             "blocks": "/api/v1/blocks", "bookmarks": "/api/v1/bookmarks"}
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        for name, path in paths.items():
            params: dict[str, Any] = {"limit": PAGE_SIZES[name]}
            while True:
                response = await client.get(path, params=params)
                page = response.json()
                if not page:
                    break
                if relationships and name in ("follows", "mutes"):
                    await client.get("/api/v1/accounts/relationships", params={
                        "id[]": [a["id"] for a in page], "with_suspended": "true"})
                cursor = link_params(response, "next")
                if cursor is None:
                    break
                params = {"limit": PAGE_SIZES[name], **cursor}
        for lst in (await client.get("/api/v1/lists")).json():
            await client.get(f"/api/v1/lists/{lst['id']}/accounts", params={"limit": 0})
    return time.perf_counter() - start


async def timed_export(base: str, token: str, dest: Path) -> tuple[float, dict[str, int]]:
    async with MastodonApi(base, token) as api:
        start = time.perf_counter()
        result = await export_account(api, dest, categories=CATEGORIES)
        return time.perf_counter() - start, dict(result.manifest.counts)


async def import_requests(base: str, folder: Path, count: int) -> dict[str, Any]:
    """Plan and run an import of ``count`` follows for ``imp``; count the run's requests."""
    lines = (folder / "following_accounts.csv").read_text(encoding="utf-8").splitlines()
    sub = folder.parent / "import"
    sub.mkdir()
    (sub / "following_accounts.csv").write_text("\n".join(lines[:count + 1]) + "\n",
                                                encoding="utf-8")
    sent: list[str] = []

    async def hook(request: httpx.Request) -> None:
        sent.append(f"{request.method} {request.url.path}")

    client = make_client()
    client.event_hooks["request"].append(hook)
    db = Database(":memory:")
    clock = FakeClock(time.time())
    async with MastodonApi(base, "imp_token", client=client, clock=clock) as api:
        source = read_source(sub)
        journal = ImportJournal(db, clock=clock)
        job = journal.open_job("imp@mock.local", source.directory)
        budget = FollowBudget(db, "imp@mock.local", clock=clock)
        resolver = await resolver_for(api.background())
        plan = await build_plan(api.background(), source, account="imp@mock.local",
                                budget_left=budget.remaining(), only=("follows",),
                                journal_rows=(), resolver=resolver)
        record_plan(journal, job, plan)
        planned = len(sent)
        summary = await run_import(api, journal, job, source, budget=budget, clock=clock,
                                   only=("follows",), resolver=resolver)
    await client.aclose()
    run = sent[planned:]
    done = summary.counts.get("follows", {}).get("done", 0)
    kinds: dict[str, int] = {}
    for line in run:
        key = line.split(" ")[0] + (" relationships" if "relationships" in line else
                                    " follow" if line.endswith("/follow") else " other")
        kinds[key] = kinds.get(key, 0) + 1
    return {"import_follows": count, "import_follows_done": done,
            "import_plan_requests": planned, "import_run_requests": len(run),
            "import_run_breakdown": kinds,
            "import_requests_per_follow": round(len(run) / max(1, done), 3)}


async def main(quick: bool) -> dict[str, Any]:
    n = QUICK if quick else FULL
    server = MockServer(seed=SEED)
    server.start()
    tmp = Path(tempfile.mkdtemp(prefix="fedidesk-bench-"))
    try:
        out: dict[str, Any] = {"quick": quick, "counts": {k: v for k, v in n.items()}}
        out.update(seed(server, n))
        base = server.base_url
        raw = [await raw_fetch(base, "old_token", out["old_id"], relationships=False)]
        full = [await raw_fetch(base, "old_token", out["old_id"], relationships=True)]
        exports = []
        for i in range(2):
            seconds, counts = await timed_export(base, "old_token", tmp / f"export{i}")
            exports.append(seconds)
            out["exported"] = counts
        raw.append(await raw_fetch(base, "old_token", out["old_id"], relationships=False))
        full.append(await raw_fetch(base, "old_token", out["old_id"], relationships=True))
        out["export_s"] = round(min(exports), 3)
        out["raw_fetch_s"] = round(min(raw), 3)
        out["raw_with_relationships_s"] = round(min(full), 3)
        out["export_over_raw"] = round(min(exports) / min(raw), 3)
        out["export_over_raw_with_relationships"] = round(min(exports) / min(full), 3)
        out["export_goal_met"] = out["export_over_raw"] <= 1.3
        out.update(await import_requests(base, tmp / "export0", n["import_follows"]))
        out["import_goal_met"] = out["import_requests_per_follow"] <= 1.2
        return out
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, a few seconds")
    print(json.dumps(asyncio.run(main(parser.parse_args().quick)), indent=2))
