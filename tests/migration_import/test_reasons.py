"""Reason codes: stored as code + parameters, worded when shown, old English rows still work."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fedidesk.core import i18n
from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.http import make_client
from fedidesk.core.migration.assistant import import_folder, parse_only
from fedidesk.core.migration.importjournal import DONE, REQUESTED, SKIPPED, ImportJournal
from fedidesk.core.migration.reasons import (
    DAILY_LIMIT,
    DEFERRED_TIMEOUT,
    EARLIER,
    LEGACY,
    MEMBER_NOT_FOLLOWED,
    MESSAGE,
    SERVER_IMPORT,
    SUSPENDED,
    Reason,
    decode,
    describe,
    encode,
    legacy,
    state_text,
)
from fedidesk.core.migration.verify import MISSING, Report, ReportItem, _advice
from fedidesk.core.ratelimit import RateLimitGovernor
from fedidesk.core.storage import Database
from tests.migration_import.conftest import write_folder
from tests.migration_import.test_resolution import ACCOUNTS, FakeServer

ACCOUNT = "me@home.example"


@pytest.fixture
def german() -> Iterator[None]:
    i18n.install("de")
    yield
    i18n.install("en")


def dry_run(folder: Path, db: Database) -> Any:
    """A dry run of the follows in ``folder`` against ``FakeServer``."""
    clock = FakeClock(1_780_000_000.0)

    async def main() -> Any:
        client = make_client(transport=httpx.MockTransport(FakeServer()))
        api = MastodonApi("https://home.example", "t", client=client, clock=clock,
                          governor=RateLimitGovernor(clock=clock))
        try:
            return await import_folder(api, db, ACCOUNT, folder, only=parse_only("follows"),
                                       dry_run=True, clock=clock)
        finally:
            await client.aclose()

    return asyncio.run(main())


def follows_folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "export", {"following_accounts.csv": "\n".join(
        ["Account address,Show boosts,Notify on new posts,Languages", *ACCOUNTS]) + "\n"})


def test_encode_decode_round_trip() -> None:
    stop = Reason.of(DAILY_LIMIT, limit=400, time="02:00")
    nested = Reason.of(MEMBER_NOT_FOLLOWED, cause=stop)
    odd = Reason.of(MESSAGE, text='{"quoted"}: ünïcode | and = signs')
    for reason in (Reason(SUSPENDED), stop, nested, odd):
        text = encode(reason)
        assert text is not None and decode(text) == reason
    assert encode(None) is None and decode(None) is None and decode("") is None
    assert describe(nested) == ("waiting: the member must be followed first (400 follows per "
                                "day reached; continues after 00:00 UTC (02:00))")
    assert describe(odd) == '{"quoted"}: ünïcode | and = signs'
    assert Reason.of(DEFERRED_TIMEOUT, domain="x.example").deferred
    assert not stop.deferred
    assert describe(Reason("from_a_newer_version")) == "from a newer version"
    assert str(Reason(SUSPENDED)) == "the account is suspended"


def test_old_english_rows_still_show_and_behave(tmp_path: Path) -> None:
    """Journals written before reason codes hold English text: shown as is, logic intact."""
    assert legacy("requested via server import") == Reason(SERVER_IMPORT)
    old_deferred = decode("deferred: hang.example did not answer in time")
    assert old_deferred is not None and old_deferred.code == LEGACY and old_deferred.deferred
    assert describe(old_deferred) == "deferred: hang.example did not answer in time"
    weird = decode("{not json, just text that starts with a brace")
    assert weird is not None and weird.code == LEGACY
    assert describe(weird) == "{not json, just text that starts with a brace"

    folder = follows_folder(tmp_path)
    db = Database(":memory:")
    journal = ImportJournal(db)
    job = journal.open_job(ACCOUNT, folder)
    journal.add_rows(job.id, "follows", list(ACCOUNTS))
    old_rows = {"old@old.example": (REQUESTED, "requested via server import"),
                "gone@old.example": (SKIPPED, "the account is suspended"),
                "ok@fine.example": (DONE, "already there")}
    for item, (state, text) in old_rows.items():
        db.execute("UPDATE job_rows SET state = ?, reason = ? WHERE job_id = ? AND item = ?",
                   (state, text, job.id, item))
    db.execute("UPDATE job_rows SET reason = ? WHERE job_id = ? AND item = ?",
               ("deferred: blocked.example did not answer in time", job.id, "x@blocked.example"))

    rows = {r.item: r for r in journal.rows(job.id)}
    assert rows["old@old.example"].reason == Reason(SERVER_IMPORT)  # still "server import"
    assert rows["x@blocked.example"].reason is not None
    assert rows["x@blocked.example"].reason.deferred and rows["x@blocked.example"].open
    assert describe(rows["gone@old.example"].reason) == "the account is suspended"

    # The plan shows the finished rows with their old text…
    outcome = dry_run(folder, db)
    notes = {i.item: i.note for i in outcome.plan.categories["follows"].finished}
    assert notes["gone@old.example"] == Reason.of(EARLIER, cause=legacy(
        "the account is suspended"), state=SKIPPED)
    assert describe(notes["gone@old.example"]) == "skipped earlier: the account is suspended"
    assert describe(notes["old@old.example"]) == ("requested earlier: requested via server "
                                                  "import")
    assert describe(notes["ok@fine.example"]) == "done earlier: already there"
    # …and verify still gives the server-import advice for the old text.
    reason, advice = _advice("follows", MISSING, rows["old@old.example"])
    assert reason == Reason(SERVER_IMPORT) and "following_accounts.csv" in advice


def test_new_rows_store_codes_not_text(tmp_path: Path) -> None:
    db = Database(":memory:")
    journal = ImportJournal(db)
    job = journal.open_job(ACCOUNT, tmp_path)
    journal.add_rows(job.id, "follows", ["a@b.example"])
    journal.set_state(job.id, "follows", "a@b.example", SKIPPED, reason=Reason(SUSPENDED))
    stored = db.execute("SELECT reason FROM job_rows WHERE job_id = ?", (job.id,))[0][0]
    assert "suspended" in stored and "the account" not in stored
    assert journal.rows(job.id)[0].reason == Reason(SUSPENDED)


def test_a_plan_reason_shows_in_german(tmp_path: Path, german: None) -> None:
    outcome = dry_run(follows_folder(tmp_path), Database(":memory:"))
    follows = outcome.plan.categories["follows"]
    notes = {i.item: i.note for i in follows.unresolvable}
    assert notes["gone@old.example"] == Reason(SUSPENDED)  # the code does not change
    assert describe(notes["gone@old.example"]) == "das Konto ist gesperrt"
    assert describe(notes["x@blocked.example"]) == "du blockierst die Domain blocked.example"
    moved = next(i.note for i in follows.to_add if i.item == "old@old.example")
    assert describe(moved) == "umgezogen zu new@new.example"
    assert state_text("skipped") == "übersprungen"
    report = Report(ACCOUNT, "/x", "2026-01-01T00:00:00+00:00", [ReportItem(
        "follows", "gone@old.example", "unresolvable", Reason(SUSPENDED), "…")])
    assert "das Konto ist gesperrt" in report.to_text()
    assert report.to_json()["items"] == [{  # machine-readable: the code next to the words
        "category": "follows", "item": "gone@old.example", "status": "unresolvable",
        "reason": "das Konto ist gesperrt", "reason_code": SUSPENDED, "advice": "…"}]
