"""The import journal: one job per (new account, source folder), one row per thing to import.

Stored in the ``jobs`` / ``job_rows`` tables (``core/storage.py``, SQLite in WAL mode) and
**committed after every step**, so a killed process loses at most the step in flight
(``security.md`` item 19). Row states::

    pending ──► resolved ──► done | requested | failed(reason) | skipped(reason)

``pending``: not yet looked up (or deferred: its domain, or the new server, is not answering
right now); ``resolved``:
the target's id on the new server is known (``target_id``); ``done``: it is there (made by
us, or already there); ``requested``: a follow request awaits approval, or the follow was
handed to the server's CSV import (reason ``SERVER_IMPORT``); ``failed`` (the server
refused it: a 4xx) and ``skipped`` carry a reason. ``pending``/``resolved`` are picked up
again by the next run; the final states never are, so re-running a finished import sends
nothing. A server error or a lost connection is not final: the row stays open with a
deferred reason. Versions before that stored a 5xx as ``failed``; ``reopen_server_errors``
opens those rows again.

Reasons are ``reasons.Reason`` values, stored encoded (a code and its parameters, see
``reasons.encode``); rows from older versions hold English text and read back as legacy
reasons (``reasons.decode``).

A job also keeps how its follows travel (``follows_via`` in its ``params``: ``auto``,
``api`` or ``server``; see ``plan.py``), so a resumed job keeps the choice it was started
with until the user changes it.

(``journal.py`` next to this module is the *export*'s file-based resume journal.)
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.migration.reasons import (
    DEFERRED_SERVER,
    LEGACY,
    MESSAGE,
    Reason,
    decode,
    encode,
)
from fedidesk.core.migration.reasons import SERVER_IMPORT as SERVER_IMPORT
from fedidesk.core.storage import Database

KIND = "migration-import"
PENDING, RESOLVED = "pending", "resolved"
DONE, REQUESTED, FAILED, SKIPPED = "done", "requested", "failed", "skipped"
OPEN_STATES = (PENDING, RESOLVED)
#: The server's error message for a 5xx, in every language: "… (HTTP 503) …".
SERVER_ERROR_TEXT = re.compile(r"\(HTTP 5\d\d\)")
FINAL_STATES = (DONE, REQUESTED, FAILED, SKIPPED)


@dataclass(frozen=True)
class Job:
    """One import job."""

    id: int
    account: str
    source: str
    state: str
    created_at: float
    updated_at: float
    follows_via: str = "auto"


@dataclass(frozen=True)
class JobRow:
    """One journal row."""

    job_id: int
    category: str
    item: str
    state: str
    target_id: str | None
    reason: Reason | None
    attempts: int

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def handed_to_server(self) -> bool:
        """A follow written to the CSV for the server's import page (not sent by us)."""
        return (self.state == REQUESTED and self.reason is not None
                and self.reason.code == SERVER_IMPORT)


def _account_key(account: str) -> str:
    return account.strip().lstrip("@").lower()


class ImportJournal:
    """Jobs and rows on a ``Database``; every write is its own committed transaction."""

    def __init__(self, db: Database, *, clock: Clock | None = None) -> None:
        self.db = db
        self.clock: Clock = clock or SystemClock()

    # --- jobs -----------------------------------------------------------------------------

    @staticmethod
    def _job(r: sqlite3.Row) -> Job:
        params = json.loads(r["params"])
        return Job(int(r["id"]), str(r["account"]), str(params.get("source", "")),
                   str(r["state"]), float(r["created_at"]), float(r["updated_at"]),
                   str(params.get("follows_via") or "auto"))

    def find_job(self, account: str, source: str | Path) -> Job | None:
        """The job for this account and folder, if one exists."""
        key = str(Path(source).resolve())
        for job in self.jobs(account):
            if job.source == key:
                return job
        return None

    def open_job(self, account: str, source: str | Path, *, follows_via: str = "auto") -> Job:
        """The job for this account and folder, created (state ``new``, with
        ``follows_via``) if missing; an existing job keeps its own choice."""
        found = self.find_job(account, source)
        if found is not None:
            return found
        now = self.clock.time()
        params = json.dumps({"source": str(Path(source).resolve()), "follows_via": follows_via})
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO jobs (kind, account, params, state, created_at, updated_at) "
                "VALUES (?, ?, ?, 'new', ?, ?)", (KIND, _account_key(account), params, now, now))
            job_id = int(cursor.lastrowid or 0)
        return Job(job_id, _account_key(account), str(Path(source).resolve()), "new", now, now,
                   follows_via)

    def set_follows_via(self, job_id: int, follows_via: str) -> None:
        """Store how this job's follows travel from now on (rows already made stay)."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT params FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return
            params = json.loads(row["params"])
            params["follows_via"] = follows_via
            conn.execute("UPDATE jobs SET params = ?, updated_at = ? WHERE id = ?",
                         (json.dumps(params), self.clock.time(), job_id))

    def jobs(self, account: str | None = None) -> list[Job]:
        """Import jobs, oldest first; only ``account``'s when given."""
        if account is None:
            rows = self.db.execute("SELECT * FROM jobs WHERE kind = ? ORDER BY id", (KIND,))
        else:
            rows = self.db.execute("SELECT * FROM jobs WHERE kind = ? AND account = ? "
                                   "ORDER BY id", (KIND, _account_key(account)))
        return [self._job(r) for r in rows]

    def set_job_state(self, job_id: int, state: str) -> None:
        self.db.execute("UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?",
                        (state, self.clock.time(), job_id))

    # --- rows -----------------------------------------------------------------------------

    def add_rows(self, job_id: int, category: str, items: list[str]) -> int:
        """Add ``items`` as ``pending`` unless already journaled; returns how many were new."""
        now = self.clock.time()
        with self.db.transaction() as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO job_rows (job_id, category, item, state, updated_at) "
                "VALUES (?, ?, ?, 'pending', ?)", [(job_id, category, i, now) for i in items])
            return conn.total_changes - before

    def rows(self, job_id: int, category: str | None = None, *,
             open_only: bool = False) -> list[JobRow]:
        """Rows in insertion order, optionally one category's and/or only the open ones."""
        sql = "SELECT * FROM job_rows WHERE job_id = ?"
        params: list[object] = [job_id]
        if category is not None:
            sql += " AND category = ?"
            params.append(category)
        if open_only:
            sql += " AND state IN ('pending', 'resolved')"
        rows = self.db.execute(sql + " ORDER BY rowid", tuple(params))
        return [JobRow(int(r["job_id"]), r["category"], r["item"], r["state"], r["target_id"],
                       decode(r["reason"]), int(r["attempts"])) for r in rows]

    def set_state(self, job_id: int, category: str, item: str, state: str, *,
                  target_id: str | None = None, reason: Reason | None = None,
                  attempt: bool = False) -> None:
        """Move one row to ``state`` (committed now); ``attempt`` counts a write attempt."""
        self.db.execute(
            "UPDATE job_rows SET state = ?, target_id = COALESCE(?, target_id), reason = ?, "
            "attempts = attempts + ?, updated_at = ? "
            "WHERE job_id = ? AND category = ? AND item = ?",
            (state, target_id, encode(reason), 1 if attempt else 0, self.clock.time(), job_id,
             category, item))

    def reopen_server_errors(self, job_id: int) -> int:
        """Open again the rows an earlier version marked ``failed`` for a server error (5xx):
        they were never refused, only not answered. Returns how many were opened."""
        reopened = 0
        for r in self.db.execute("SELECT * FROM job_rows WHERE job_id = ? AND state = ?",
                                 (job_id, FAILED)):
            reason = decode(r["reason"])
            text = reason.get("text") if reason is not None else ""
            if reason is None or reason.code not in (MESSAGE, LEGACY) or not (
                    SERVER_ERROR_TEXT.search(text)):
                continue
            self.set_state(job_id, r["category"], r["item"],
                           RESOLVED if r["target_id"] else PENDING,
                           reason=Reason.of(DEFERRED_SERVER, text=text))
            reopened += 1
        return reopened

    def counts(self, job_id: int) -> dict[str, dict[str, int]]:
        """``{category: {state: count}}``."""
        out: dict[str, dict[str, int]] = {}
        for r in self.db.execute("SELECT category, state, COUNT(*) AS n FROM job_rows "
                                 "WHERE job_id = ? GROUP BY category, state", (job_id,)):
            out.setdefault(r["category"], {})[r["state"]] = int(r["n"])
        return out

    def open_count(self, job_id: int) -> int:
        rows = self.db.execute("SELECT COUNT(*) AS n FROM job_rows WHERE job_id = ? AND "
                               "state IN ('pending', 'resolved')", (job_id,))
        return int(rows[0]["n"])
