"""Unsent posts, saved locally as they are typed so a crash never loses them.

A ``Draft`` lives in the database's ``kv`` table (namespace ``drafts``, key = draft id,
value = JSON). The composer saves it (debounced) on every change, deletes it after a
successful post, and offers leftovers for restoring when it opens again.

Each draft gets one ``idempotency_key`` when it is created. Every attempt to post that
draft sends the same ``Idempotency-Key`` header, so a retry after a timeout or a 5xx can
never publish the post twice: the server answers a repeated key with the first status.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fedidesk.core.storage import Database

NAMESPACE = "drafts"
VISIBILITIES = ("public", "unlisted", "private", "direct")
# The poll durations a composer offers (5 minutes … 7 days), in seconds.
POLL_DURATIONS: tuple[int, ...] = (300, 1800, 3600, 21_600, 43_200, 86_400, 259_200, 604_800)
# Mastodon's shortest poll (``PollExpirationValidator``: 5 minutes).
POLL_MIN_EXPIRATION = 300


def new_id() -> str:
    """A fresh random identifier (draft ids and idempotency keys)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class DraftMedia:
    """One attachment: the local file, its alt text and, once uploaded, the server's id.

    An attachment taken over from a published post (edit, delete and redraft) has no local
    file: ``path`` is its URL on the server and ``preview_url`` its thumbnail.
    """

    path: str
    description: str = ""
    media_id: str | None = None
    uploaded_description: str | None = None  # what the server has, to know when to PUT
    preview_url: str | None = None

    @property
    def uploaded(self) -> bool:
        return self.media_id is not None

    @property
    def on_server_only(self) -> bool:
        """Attached by id from a published post; there is no file to upload again."""
        return self.path.startswith(("https://", "http://"))


@dataclass(frozen=True)
class DraftPoll:
    """A poll: option texts, lifetime in seconds, single or multiple choice."""

    options: tuple[str, ...] = ("", "")
    expires_in: int = 86_400
    multiple: bool = False
    hide_totals: bool = False

    def to_api(self) -> dict[str, Any]:
        """The ``poll`` object of ``POST /api/v1/statuses``."""
        return {"options": [o.strip() for o in self.options], "expires_in": self.expires_in,
                "multiple": self.multiple, "hide_totals": self.hide_totals}


@dataclass(frozen=True)
class Draft:
    """Everything needed to post (or re-post) a status."""

    account: str  # handle of the posting account, user@domain
    text: str = ""
    spoiler: str = ""
    visibility: str = "public"
    language: str | None = None
    sensitive: bool = False
    in_reply_to_id: str | None = None
    media: tuple[DraftMedia, ...] = ()
    poll: DraftPoll | None = None
    edit_of: str | None = None  # id of the own post this draft edits (PUT, not POST)
    id: str = field(default_factory=new_id)
    idempotency_key: str = field(default_factory=new_id)
    updated_at: float = 0.0

    @property
    def is_empty(self) -> bool:
        """Nothing worth keeping: no text, no content warning, no media, no poll options."""
        poll_text = any(o.strip() for o in self.poll.options) if self.poll else False
        return not (self.text.strip() or self.spoiler.strip() or self.media or poll_text)

    def replace(self, **changes: Any) -> Draft:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["media"] = [dataclasses.asdict(m) for m in self.media]
        if self.poll is not None:
            data["poll"]["options"] = list(self.poll.options)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["media"] = tuple(
            DraftMedia(**{k: v for k, v in m.items()
                          if k in {f.name for f in dataclasses.fields(DraftMedia)}})
            for m in data.get("media") or () if isinstance(m, dict) and "path" in m)
        poll = data.get("poll")
        if isinstance(poll, dict):
            values["poll"] = DraftPoll(
                options=tuple(str(o) for o in poll.get("options") or ()),
                expires_in=int(poll.get("expires_in", 86_400)),
                multiple=bool(poll.get("multiple", False)),
                hide_totals=bool(poll.get("hide_totals", False)))
        else:
            values["poll"] = None
        if values.get("visibility") not in VISIBILITIES:
            values["visibility"] = "public"
        return cls(**values)


class DraftStore:
    """Drafts in the ``kv`` table; every method is a single short SQLite statement."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def save(self, draft: Draft) -> Draft:
        """Insert or replace ``draft``; returns it with ``updated_at`` set to now."""
        saved = draft.replace(updated_at=self._clock())
        self._db.execute(
            "INSERT OR REPLACE INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)",
            (NAMESPACE, saved.id, json.dumps(saved.to_json()), saved.updated_at))
        return saved

    def load(self, draft_id: str) -> Draft | None:
        rows = self._db.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?",
                                (NAMESPACE, draft_id))
        return _parse(rows[0]["value"]) if rows else None

    def list(self, account: str | None = None) -> list[Draft]:
        """All readable drafts, newest first; only ``account``'s when given."""
        rows = self._db.execute(
            "SELECT value FROM kv WHERE namespace = ? ORDER BY updated_at DESC", (NAMESPACE,))
        drafts = [d for d in (_parse(r["value"]) for r in rows) if d is not None]
        return [d for d in drafts if account is None or d.account == account]

    def delete(self, draft_id: str) -> None:
        self._db.execute("DELETE FROM kv WHERE namespace = ? AND key = ?", (NAMESPACE, draft_id))


def _parse(value: str) -> Draft | None:
    """A stored draft; ``None`` if the row is corrupt (never crash the composer over it)."""
    try:
        data = json.loads(value)
        return Draft.from_json(data) if isinstance(data, dict) else None
    except (ValueError, TypeError, KeyError):
        return None
