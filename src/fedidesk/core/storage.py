"""The local SQLite database: caches and journals, with a versioned schema.

``pragma user_version`` holds the schema version; ``MIGRATIONS`` is an ordered list of SQL
scripts, each applied once in its own transaction. WAL mode so a crash never loses a
committed journal row. Never stores secrets.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MIGRATIONS: list[str] = [
    # 1: key/value cache and per-column timeline cache
    """
    CREATE TABLE kv (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (namespace, key)
    );
    CREATE TABLE timeline_cache (
        column_key TEXT NOT NULL,
        item_id TEXT NOT NULL,
        sort_key TEXT NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (column_key, item_id)
    );
    CREATE INDEX timeline_cache_order ON timeline_cache (column_key, sort_key);
    """,
    # 2: generic job journal (migration imports, bulk follows)
    """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        account TEXT NOT NULL,
        params TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE job_rows (
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        category TEXT NOT NULL,
        item TEXT NOT NULL,
        state TEXT NOT NULL,
        target_id TEXT,
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL,
        PRIMARY KEY (job_id, category, item)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class Database:
    """A thread-safe wrapper around one SQLite connection."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        self.migrate()

    @property
    def version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply every migration newer than the stored version."""
        with self._lock:
            current = self.version
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"The database at {self.path} was written by a newer fedidesk "
                    f"(schema {current}, this version knows {SCHEMA_VERSION})."
                )
            for number in range(current, SCHEMA_VERSION):
                self._conn.execute("BEGIN")
                try:
                    for statement in _split_sql(MIGRATIONS[number]):
                        self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {number + 1}")
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run statements atomically; commits on success, rolls back on error."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def execute(self, sql: str,
                params: tuple[object, ...] | dict[str, object] = ()) -> list[sqlite3.Row]:
        """Run one statement in autocommit mode and return all rows."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _split_sql(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
