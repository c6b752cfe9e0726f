"""Saved progress of a step window (onboarding wizard, migration assistant).

Each window keeps one JSON row in the database ``kv`` table under a namespace of its own:
the current step, the window's shared choices and what each page's fields held. Only
non-secret values go there. ``ProgressStore`` reads and writes that row; the state class
says what is in it (``to_json`` / ``from_json``, where ``from_json`` of anything that is not
a dict gives the empty state). No Qt here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from fedidesk.core.storage import Database


class StepProgress(Protocol):
    """What a step window needs of its saved state: the step shown and the pages' values."""

    step: str
    pages: dict[str, dict[str, Any]]

    def to_json(self) -> dict[str, Any]: ...


ProgressT = TypeVar("ProgressT", bound=StepProgress)


class ProgressStore(Generic[ProgressT]):
    """Reads and writes the one saved-progress row of ``namespace``/``key``.

    ``decode`` turns the stored JSON into the state; it is given ``None`` for a missing or
    unreadable row and must then return the empty state.
    """

    def __init__(self, db: Database, namespace: str, key: str,
                 decode: Callable[[Any], ProgressT]) -> None:
        self.db = db
        self.namespace = namespace
        self.key = key
        self.decode = decode

    def load(self) -> ProgressT:
        rows = self.db.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?",
                               (self.namespace, self.key))
        if not rows:
            return self.decode(None)
        try:
            return self.decode(json.loads(rows[0][0]))
        except ValueError:
            return self.decode(None)

    def save(self, state: ProgressT) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)",
            (self.namespace, self.key, json.dumps(state.to_json()), time.time()))

    def clear(self) -> None:
        self.db.execute("DELETE FROM kv WHERE namespace = ? AND key = ?",
                        (self.namespace, self.key))
