"""The export's resume journal, kept next to the files in ``<dest>/.fedidesk-export/``.

``state.json`` names the account and server and lists finished categories with their row
counts. Each unfinished category has ``<category>.jsonl``: one line per fetched page,
``{"items": [...], "next": {cursor} | null, "key": "..."}``, appended and fsynced before
the next request. A rerun replays the lines and continues from the last cursor; a torn last
line (crash mid-write) is ignored, so that page is simply fetched again. The folder is
removed once the export is complete.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.core.migration.atomic import WriteError, atomic_write_json

STATE_DIR = ".fedidesk-export"
STATE_FILE = "state.json"


def _refuse_foreign_files(dest: Path, account: str, server: str) -> None:
    """A new export only goes into an empty folder or an earlier export of the same
    account (refreshing it): never over another account's export or over files the user
    put there, such as a download from the server's own export page."""
    from fedidesk.core.migration.bundle import EXTRAS_FILE, MANIFEST_FILE, read_manifest
    from fedidesk.core.migration.formats import FILENAMES, FormatError

    names = [*FILENAMES.values(), EXTRAS_FILE, MANIFEST_FILE]
    present = [name for name in names if (dest / name).exists()]
    if not present:
        return
    try:
        manifest = read_manifest(dest) if MANIFEST_FILE in present else None
    except FormatError:
        manifest = None
    if manifest is not None and manifest.source_account == account \
            and manifest.server in ("", server):
        return
    if manifest is not None and manifest.source_account:
        raise JournalMismatchError(
            _("{folder} holds an export of {account}. Choose another folder, so that it "
              "stays as it is.").format(folder=dest, account=manifest.source_account))
    raise JournalMismatchError(
        _("{folder} already holds files fedidesk did not write ({files}). Choose an empty "
          "folder, so that they stay as they are.").format(folder=dest,
                                                           files=", ".join(present)))


class JournalMismatchError(FedideskError):
    """The folder holds an unfinished export of another account."""

    user_message = N_("This folder holds an unfinished export of another account.")


class ExportFolderError(WriteError):
    """The export folder cannot be created or written (a file is in the way, no permission…)."""

    user_message = N_("fedidesk could not write to the export folder.")


def folder_error(dest: Path, exc: OSError) -> ExportFolderError:
    """A message naming the path: the file standing in the way, else ``dest`` and the reason."""
    for path in (dest, *dest.parents):
        if path.exists():
            if not path.is_dir():
                return ExportFolderError(
                    _("{path} is a file, not a folder. Choose a folder to export into.")
                    .format(path=path), detail=repr(exc))
            break
    return ExportFolderError(
        _("Could not write to the folder {path}: {error}.").format(
            path=dest, error=exc.strerror or exc), detail=repr(exc))


@dataclass
class Replay:
    """What an earlier run fetched for one category."""

    items: list[dict[str, Any]] = field(default_factory=list)
    #: Cursor for the next page; ``None`` with ``pages > 0`` means the listing ended.
    next: dict[str, str] | None = None
    pages: int = 0
    #: Page keys seen (e.g. list ids), for per-item categories such as lists.
    keys: set[str] = field(default_factory=set)

    @property
    def ended(self) -> bool:
        return self.pages > 0 and self.next is None


class ExportJournal:
    """Resume state for one export folder."""

    def __init__(self, folder: Path, account: str, server: str,
                 finished: dict[str, int]) -> None:
        self.folder = folder
        self.account = account
        self.server = server
        self.finished = finished

    @classmethod
    def open(cls, dest: Path, account: str, server: str) -> ExportJournal:
        """Open (or start) the journal; ``JournalMismatchError`` for another account's."""
        folder = dest / STATE_DIR
        state_path = folder / STATE_FILE
        finished: dict[str, int] = {}
        if state_path.exists():
            try:
                state = json.loads(state_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                state = {}
            if not isinstance(state, dict):
                state = {}
            if state and (state.get("account") != account or state.get("server") != server):
                raise JournalMismatchError(
                    _("{folder} holds an unfinished export of {account}. Choose "
                      "another folder, or delete it to start over.").format(
                        folder=dest, account=state.get("account")))
            raw = state.get("finished")
            if isinstance(raw, dict):
                finished = {str(k): int(v) for k, v in raw.items() if isinstance(v, int)}
        else:
            _refuse_foreign_files(dest, account, server)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise folder_error(dest, exc) from exc
        journal = cls(folder, account, server, finished)
        journal._save()
        return journal

    @property
    def resumed(self) -> bool:
        return bool(self.finished) or any(self.folder.glob("*.jsonl"))

    def _save(self) -> None:
        atomic_write_json(self.folder / STATE_FILE, {
            "version": 1, "account": self.account, "server": self.server,
            "finished": self.finished})

    def replay(self, category: str) -> Replay:
        """Everything fetched so far for ``category`` (stops at a torn line)."""
        result = Replay()
        path = self.folder / f"{category}.jsonl"
        if not path.exists():
            return result
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise folder_error(self.folder, exc) from exc
        good = 0
        for raw in data.splitlines(keepends=True):
            try:
                page = json.loads(raw)
            except ValueError:
                break
            if not isinstance(page, dict) or not raw.endswith(b"\n"):
                break
            items = page.get("items")
            result.items.extend(i for i in items or [] if isinstance(i, dict))
            nxt = page.get("next")
            result.next = nxt if isinstance(nxt, dict) else None
            if isinstance(page.get("key"), str):
                result.keys.add(page["key"])
            result.pages += 1
            good += len(raw)
        if good < len(data):  # drop a torn tail so later appends stay readable
            try:
                with path.open("r+b") as handle:
                    handle.truncate(good)
            except OSError as exc:
                raise folder_error(self.folder, exc) from exc
        return result

    def append(self, category: str, items: list[dict[str, Any]],
               next_cursor: dict[str, str] | None, key: str | None = None) -> None:
        """Record one fetched page durably before moving on."""
        line = json.dumps({"items": items, "next": next_cursor, "key": key},
                          ensure_ascii=False) + "\n"
        path = self.folder / f"{category}.jsonl"
        try:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise folder_error(self.folder, exc) from exc

    def finish(self, category: str, count: int) -> None:
        """Mark ``category`` written; its file exists, a rerun skips it."""
        self.finished[category] = count
        self._save()

    def clear(self) -> None:
        """Forget everything (after a complete export)."""
        shutil.rmtree(self.folder, ignore_errors=True)
