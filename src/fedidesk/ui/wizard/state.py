"""Wizard progress, kept in the database ``kv`` table (namespace ``wizard``).

Only non-secret values are stored: the current step, the chosen server, the signed-in
handle and what each page's fields held. Passwords and authenticator seeds never go here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fedidesk.core.storage import Database
from fedidesk.ui.stepprogress import ProgressStore

NAMESPACE = "wizard"
KEY = "state"


@dataclass
class WizardState:
    """Everything needed to resume: step, shared choices and per-page values."""

    step: str = ""
    server: str = ""
    handle: str = ""
    followed_tags: list[str] = field(default_factory=list)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "server": self.server, "handle": self.handle,
                "followed_tags": list(self.followed_tags), "pages": self.pages,
                "finished": self.finished}

    @classmethod
    def from_json(cls, data: Any) -> WizardState:
        if not isinstance(data, dict):
            return cls()
        pages = data.get("pages")
        tags = data.get("followed_tags")
        return cls(step=str(data.get("step") or ""), server=str(data.get("server") or ""),
                   handle=str(data.get("handle") or ""),
                   followed_tags=[str(t) for t in tags] if isinstance(tags, list) else [],
                   pages={str(k): v for k, v in pages.items() if isinstance(v, dict)}
                   if isinstance(pages, dict) else {},
                   finished=bool(data.get("finished")))


class WizardStore(ProgressStore[WizardState]):
    """Reads and writes the one ``WizardState`` row."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, NAMESPACE, KEY, WizardState.from_json)
