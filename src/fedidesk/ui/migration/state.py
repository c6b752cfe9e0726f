"""Migration assistant progress, kept in the database ``kv`` table (namespace ``migration``).

Only non-secret choices are stored: the step, the mode, the two account handles, the export
folder, the chosen categories, how follows are imported (``follows_via``) and how far export
and import got. Tokens stay in the keyring; the import's row-by-row progress (and the
job's own copy of ``follows_via``) lives in the core's journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fedidesk.core.i18n import N_, _
from fedidesk.core.migration.plan import VIA_AUTO, FollowsVia, parse_follows_via
from fedidesk.core.storage import Database
from fedidesk.ui.stepprogress import ProgressStore

NAMESPACE = "migration"
KEY = "state"

#: What the user can bring, in the order shown; keys are the assistant's own names.
CATEGORIES: tuple[str, ...] = ("follows", "lists", "mutes", "blocks", "domain_blocks",
                               "bookmarks", "hashtags", "filters")
#: People's names of the categories (marked only: translate with ``_()`` when shown).
LABELS: dict[str, str] = {
    "follows": N_("Accounts you follow"), "lists": N_("Lists"), "mutes": N_("Muted accounts"),
    "blocks": N_("Blocked accounts"), "domain_blocks": N_("Blocked servers (domains)"),
    "bookmarks": N_("Bookmarks"), "hashtags": N_("Followed hashtags"), "filters": N_("Filters"),
}
#: Assistant category → the export's category name.
EXPORT_NAMES: dict[str, str] = {"hashtags": "followed_tags"}
#: Assistant category → the import plan's category name.
IMPORT_NAMES: dict[str, str] = {"hashtags": "tags"}

#: People's names of the ``follows_via`` choices (marked only).
FOLLOWS_VIA_LABELS: dict[str, str] = {
    "auto": N_("Let fedidesk decide"),
    "api": N_("Through the API, over several days if needed"),
    "server": N_("With the new server's import page (a file to upload)"),
}

MOVE, COPY, GONE = "move", "copy", "gone"
MODES = (MOVE, COPY, GONE)


def export_categories(chosen: list[str]) -> list[str]:
    return [EXPORT_NAMES.get(c, c) for c in chosen]


def import_categories(chosen: list[str]) -> tuple[str, ...]:
    return tuple(IMPORT_NAMES.get(c, c) for c in chosen)


def label_for_import(name: str) -> str:
    """People's name of an import plan category (``tags`` → "Followed hashtags"), translated."""
    back = {v: k for k, v in IMPORT_NAMES.items()}
    known = LABELS.get(back.get(name, name))
    return _(known) if known else name.replace("_", " ").capitalize()


@dataclass
class MigrationState:
    """Everything needed to resume the assistant where it was left."""

    step: str = ""
    mode: str = MOVE
    old: str = ""
    new: str = ""
    folder: str = ""
    categories: list[str] = field(default_factory=lambda: list(CATEGORIES))
    exported: bool = False
    planned: bool = False
    import_state: str = ""  # "", "running", "paused", "partial", "finished"
    follows_via: FollowsVia = VIA_AUTO
    report: str = ""
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "mode": self.mode, "old": self.old, "new": self.new,
                "folder": self.folder, "categories": list(self.categories),
                "exported": self.exported, "planned": self.planned,
                "import_state": self.import_state, "report": self.report,
                "follows_via": self.follows_via, "pages": self.pages}

    @classmethod
    def from_json(cls, data: Any) -> MigrationState:
        if not isinstance(data, dict):
            return cls()
        cats = data.get("categories")
        pages = data.get("pages")
        mode = str(data.get("mode") or MOVE)
        return cls(
            step=str(data.get("step") or ""), mode=mode if mode in MODES else MOVE,
            old=str(data.get("old") or ""), new=str(data.get("new") or ""),
            folder=str(data.get("folder") or ""),
            categories=[str(c) for c in cats if c in CATEGORIES] if isinstance(cats, list)
            else list(CATEGORIES),
            exported=bool(data.get("exported")), planned=bool(data.get("planned")),
            import_state=str(data.get("import_state") or ""),
            follows_via=parse_follows_via(data.get("follows_via")),
            report=str(data.get("report") or ""),
            pages={str(k): v for k, v in pages.items() if isinstance(v, dict)}
            if isinstance(pages, dict) else {})


class MigrationStore(ProgressStore[MigrationState]):
    """Reads and writes the one ``MigrationState`` row."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, NAMESPACE, KEY, MigrationState.from_json)
