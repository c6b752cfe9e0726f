"""The newest rows of each column, kept in SQLite so a column shows something at once.

Rows live in ``timeline_cache`` keyed by ``ColumnSpec.key``: the raw API JSON (entities carry
``.raw``), the item kind and its ``sort_id``. ``save`` replaces a column's rows with the newest
``limit`` items; ``load`` rebuilds entities. Conversations carry no raw JSON and are skipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Notification, Status, from_dict, status_sort_key
from fedidesk.core.storage import Database

log = logging.getLogger("fedidesk.cache")

DEFAULT_LIMIT = 40


def _sort_key(sort_id: str) -> str:
    # Zero-pad numeric ids so SQLite's text ordering matches numeric ordering.
    length, text = status_sort_key(sort_id)
    return f"{length:04d}:{text}"


class TimelineCache:
    """Bounded per-column cache of the newest items."""

    def __init__(self, db: Database, *, limit: int = DEFAULT_LIMIT) -> None:
        self.db = db
        self.limit = limit

    def save(self, column_key: str, items: Sequence[TimelineItem]) -> int:
        """Replace ``column_key``'s rows with the first ``limit`` cacheable ``items``."""
        rows = []
        for item in items:
            if item.kind == "conversation" or not item.raw:
                continue
            payload = json.dumps({"kind": item.kind, "sort_id": item.sort_id, "raw": item.raw},
                                 separators=(",", ":"), default=str)
            rows.append((column_key, item.id, _sort_key(item.sort_id), payload))
            if len(rows) >= self.limit:
                break
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM timeline_cache WHERE column_key = ?", (column_key,))
            conn.executemany(
                "INSERT OR REPLACE INTO timeline_cache (column_key, item_id, sort_key, payload)"
                " VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    def load(self, column_key: str) -> list[TimelineItem]:
        """The cached items, newest first; unreadable rows are skipped."""
        rows = self.db.execute(
            "SELECT payload FROM timeline_cache WHERE column_key = ? ORDER BY sort_key DESC"
            " LIMIT ?", (column_key, self.limit))
        items: list[TimelineItem] = []
        for row in rows:
            item = _decode(str(row["payload"]))
            if item is not None:
                items.append(item)
        return items

    def clear(self, column_key: str) -> None:
        self.db.execute("DELETE FROM timeline_cache WHERE column_key = ?", (column_key,))


def _decode(payload: str) -> TimelineItem | None:
    try:
        data = json.loads(payload)
        raw = data["raw"]
        kind = data["kind"]
        if not isinstance(raw, dict):
            return None
        if kind == "status":
            return TimelineItem("status", from_dict(Status, raw), str(data["sort_id"]))
        if kind == "notification":
            return TimelineItem("notification", from_dict(Notification, raw),
                                str(data["sort_id"]))
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("skipping an unreadable cached row: %s", exc)
    return None
