"""Migration benchmark: export speed against bare paging, and import requests per follow.

Run: ``uv run python bench/migrate.py [--quick] [--rounds N] [--latency-ms MS]``; prints one
JSON object.

Server: mastodon-mock runs in a **child process** (``multiprocessing``, spawn), like a real
server would: its request handling does not compete with the client for this process's GIL,
so the client's own work (parsing, journal fsyncs, CSV) overlaps the server's. The child
starts ``MockServer`` (uvicorn on a free loopback port, SQLite), seeds it, sends back the base
URL and the seed facts over a pipe, and serves until the parent tells it to stop.

Unlike a real server the mock handles one request at a time: it is one Python process (sync
endpoints in a thread pool, one GIL), so two requests in flight share its one core instead
of running side by side, and loopback has no network latency to hide. ``server_cpu_s``
(the child's user + system CPU per run, from ``/proc``; ``null`` elsewhere) shows that
bound: the export cannot take less wall time than the server needs CPU for it.
``--latency-ms`` adds that much response latency to every request (the mock's ``latency``
fault, an ``asyncio.sleep`` that costs the server no CPU), closer to a server across the
network; the headline figures are taken without it.

The machine is shared and noisy (2 cores; server and client each get roughly one, other
jobs run too): compare ratios, not absolute seconds, and run it more than once. Rounds are
interleaved (raw, raw with relationships, export, raw, …) and the best of each counts;
``runs_s`` lists every run.

Data: the mock's sample-data generator (``generate_sample_data``, the engine behind
``POST /api/v1/_mock/sample_data``, called directly on the server's SQLAlchemy engine
``app.state.engine`` to skip the endpoint's size cap) makes the target accounts with one
post each; the old account's follows, mutes and blocks (``relationships`` rows), lists
(``user_lists``/``user_list_accounts``) and bookmarks are then bulk-inserted through a
SQLAlchemy session on that engine. Through the API the 5,000 follows alone would take
minutes.

* ``export_s``: ``export_account`` for follows, mutes, blocks, lists and bookmarks;
* ``raw_fetch_s``: the same lists paged with plain ``httpx`` GETs at the same page sizes,
  one request at a time (``raw_with_relationships_s`` adds the ``relationships`` reads the
  export needs for follow and mute options, batched as the export batches them, i.e.
  exactly the export's requests, still one at a time); best of ``--rounds`` runs each;
* ``requests``: requests each kind of run sent (the export adds ``verify_credentials`` and
  ``instance``);
* ``import_requests_per_follow``: requests sent by ``run_import`` (after the plan resolved
  every account) for a second account importing follows, counted with an httpx event hook.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable
from multiprocessing.connection import Connection
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
from fedidesk.core.migration.export import PAGE_SIZES, RELATIONSHIP_BATCH, export_account
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


def serve(n: dict[str, int], conn: Connection) -> None:
    """Child process: start and seed the mock, report ``base_url`` and seed facts, serve."""
    server = MockServer(seed=SEED)
    server.start()
    try:
        facts = seed(server, n)
        conn.send({"base_url": server.base_url, **facts})
        conn.recv()  # blocks (without the GIL) until the parent says stop
    finally:
        server.stop()
        conn.close()


async def raw_fetch(base: str, token: str, old_id: str, *, relationships: bool
                    ) -> tuple[float, int]:
    """Page through the same endpoints with bare httpx GETs, one at a time.

    Returns seconds and the number of requests.

    With ``relationships``, also the lookups the export makes for follow and mute options,
    batched like the export (``RELATIONSHIP_BATCH`` ids a request, across pages).
    """
    headers = {"Authorization": f"Bearer {token}"}
    paths = {"follows": f"/api/v1/accounts/{old_id}/following", "mutes": "/api/v1/mutes",
             "blocks": "/api/v1/blocks", "bookmarks": "/api/v1/bookmarks"}
    sent = 0

    async def count(_request: httpx.Request) -> None:
        nonlocal sent
        sent += 1

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30,
                                 event_hooks={"request": [count]}) as client:

        async def lookup(ids: list[str]) -> None:
            for at in range(0, len(ids), RELATIONSHIP_BATCH):
                await client.get("/api/v1/accounts/relationships", params={
                    "id[]": ids[at:at + RELATIONSHIP_BATCH], "with_suspended": "true"})

        for name, path in paths.items():
            params: dict[str, Any] = {"limit": PAGE_SIZES[name]}
            pending: list[str] = []
            while True:
                response = await client.get(path, params=params)
                page = response.json()
                cursor = link_params(response, "next") if page else None
                if relationships and name in ("follows", "mutes"):
                    pending.extend(str(a["id"]) for a in page)
                    if cursor is None or len(pending) >= RELATIONSHIP_BATCH:
                        await lookup(pending)
                        pending = []
                if cursor is None:
                    break
                params = {"limit": PAGE_SIZES[name], **cursor}
        for lst in (await client.get("/api/v1/lists")).json():
            await client.get(f"/api/v1/lists/{lst['id']}/accounts", params={"limit": 0})
    return time.perf_counter() - start, sent


async def timed_export(base: str, token: str, dest: Path) -> tuple[float, int, dict[str, int]]:
    """``export_account`` of the bench categories: seconds, requests, manifest counts."""
    sent = 0

    async def count(_request: httpx.Request) -> None:
        nonlocal sent
        sent += 1

    client = make_client()
    client.event_hooks["request"].append(count)
    async with MastodonApi(base, token, client=client) as api:
        start = time.perf_counter()
        result = await export_account(api, dest, categories=CATEGORIES)
        seconds = time.perf_counter() - start
    await client.aclose()
    return seconds, sent, dict(result.manifest.counts)


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system) the server process has used so far; Linux only."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


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


async def main(quick: bool, rounds: int = 2, latency_ms: int = 0) -> dict[str, Any]:
    n = QUICK if quick else FULL
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=serve, args=(n, theirs), name="mastodon-mock", daemon=True)
    child.start()
    tmp = Path(tempfile.mkdtemp(prefix="fedidesk-bench-"))
    try:
        if not ours.poll(300):
            raise RuntimeError("the mock server process did not start")
        facts = ours.recv()
        base = facts.pop("base_url")
        out: dict[str, Any] = {"quick": quick, "counts": {k: v for k, v in n.items()},
                               "server": "separate process"}
        out.update(facts)
        out["latency_ms"] = latency_ms
        latency = None
        if latency_ms:
            async with httpx.AsyncClient(base_url=base, timeout=10) as control:
                latency = (await control.post("/api/v1/_mock/faults", json={
                    "match": {"path_regex": "^/api/"},
                    "effect": {"type": "latency", "delay_ms": latency_ms}})).json()["id"]
        # (seconds, requests, server CPU seconds) of every run, rounds interleaved.
        runs: dict[str, list[tuple[float, int, float | None]]] = {
            "raw_fetch": [], "raw_with_relationships": [], "export": []}

        async def measure(name: str, job: Awaitable[tuple[float, int]]) -> None:
            before = server_cpu(child.pid)
            seconds, sent = await job
            after = server_cpu(child.pid)
            cpu = after - before if before is not None and after is not None else None
            runs[name].append((seconds, sent, cpu))

        async def export(i: int) -> tuple[float, int]:
            seconds, sent, counts = await timed_export(base, "old_token", tmp / f"export{i}")
            out["exported"] = counts
            return seconds, sent

        for i in range(rounds):
            await measure("raw_fetch", raw_fetch(base, "old_token", out["old_id"],
                                                 relationships=False))
            await measure("raw_with_relationships", raw_fetch(
                base, "old_token", out["old_id"], relationships=True))
            await measure("export", export(i))
        best = {name: min(r[0] for r in done) for name, done in runs.items()}
        out["export_s"] = round(best["export"], 3)
        out["raw_fetch_s"] = round(best["raw_fetch"], 3)
        out["raw_with_relationships_s"] = round(best["raw_with_relationships"], 3)
        out["export_over_raw"] = round(best["export"] / best["raw_fetch"], 3)
        out["export_over_raw_with_relationships"] = round(
            best["export"] / best["raw_with_relationships"], 3)
        out["export_goal_met"] = out["export_over_raw"] <= 1.3
        out["requests"] = {name: done[0][1] for name, done in runs.items()}
        out["runs_s"] = {name: [round(r[0], 3) for r in done] for name, done in runs.items()}
        out["server_cpu_s"] = {name: [None if r[2] is None else round(r[2], 2) for r in done]
                               for name, done in runs.items()}
        if latency is not None:
            async with httpx.AsyncClient(base_url=base, timeout=10) as control:
                await control.delete(f"/api/v1/_mock/faults/{latency}")
        out.update(await import_requests(base, tmp / "export0", n["import_follows"]))
        out["import_goal_met"] = out["import_requests_per_follow"] <= 1.2
        return out
    finally:
        with contextlib.suppress(OSError):
            ours.send("stop")
        child.join(10)
        if child.is_alive():
            child.terminate()
            child.join(5)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, a few seconds")
    parser.add_argument("--rounds", type=int, default=2,
                        help="timed runs of each kind (best counts; default 2)")
    parser.add_argument("--latency-ms", type=int, default=0,
                        help="response latency added to every request (default 0)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.quick, max(1, args.rounds), max(0, args.latency_ms))),
                     indent=2))
