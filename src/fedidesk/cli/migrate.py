"""``fedidesk migrate export``: save an account's follows, mutes, blocks, lists, … to a folder.

``fedidesk migrate export --account OLD --to DIR [--only follows,mutes,…] [--json]``

Writes Mastodon's own CSV files (import them on the new server under Settings → Import and
export → Import, mode Merge) plus ``extras.json`` and ``manifest.json``. Progress goes to
stderr; the summary (or, with ``--json``, the manifest) to stdout. Interrupting and running
the same command again continues where it stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from fedidesk.cli import migrate_move
from fedidesk.core.context import AppContext
from fedidesk.core.i18n import _
from fedidesk.core.migration.export import (
    CATEGORIES,
    ExportProgress,
    ExportResult,
    export_account,
)


def add_parser(sub: Any) -> None:
    """Register ``migrate`` on the main parser's subcommands."""
    migrate = sub.add_parser("migrate", help=_("move to another server: export your data"))
    actions = migrate.add_subparsers(dest="migrate_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help=_("save follows, mutes, blocks, lists, bookmarks, … to a folder"),
        description=_("Export an account into Mastodon's import files (plus extras.json and "
                      "manifest.json). Running it again into the same folder continues an "
                      "unfinished export."))
    export.add_argument("--account", required=True, metavar="ACCOUNT",
                        help=_("the signed-in account to export (user@server)"))
    export.add_argument("--to", required=True, metavar="DIR", help=_("folder to write into"))
    export.add_argument("--only", metavar="LIST", type=_categories,
                        help=_("comma-separated subset of: {names}").format(
                            names=",".join(CATEGORIES)))
    export.add_argument("--json", action="store_true", help=_("print the manifest as JSON"))
    migrate_move.add_parsers(actions)  # move-status (cli/migrate_move.py)


def _categories(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in CATEGORIES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            _("unknown: {names}; choose from {choices}").format(
                names=", ".join(unknown) or _("(empty)"), choices=", ".join(CATEGORIES)))
    return names


def run(args: argparse.Namespace) -> int:
    """Run ``migrate`` (called inside the main CLI's error guard)."""
    if args.migrate_command in migrate_move.COMMANDS:
        return migrate_move.run(args)
    return asyncio.run(_export(args))


class _StderrProgress:
    """One line per category step, at most every half second."""

    def __init__(self) -> None:
        self._last = 0.0

    def __call__(self, p: ExportProgress) -> None:
        now = time.monotonic()
        if not p.finished and p.waiting_until is None and now - self._last < 0.5:
            return
        self._last = now
        step = f"[{p.category_index + 1}/{p.category_count}] {p.category}"
        if p.waiting_until is not None:
            wait = max(0, round(p.waiting_until - time.time()))
            print(_("{step}: rate limited, continuing in {seconds} s").format(
                step=step, seconds=wait), file=sys.stderr)
            return
        total = f"/{p.total}" if p.total is not None else ""
        eta = (_(", about {seconds} s left").format(seconds=round(p.eta_seconds))
               if p.eta_seconds else "")
        state = " " + _("done") if p.finished else eta
        print(f"{step}: {p.done}{total}{state}", file=sys.stderr)


async def _export(args: argparse.Namespace) -> int:
    ctx = AppContext.create(args.profile_dir, allow_session_only=args.session_only)
    try:
        entry = ctx.accounts.get(args.account)
        api = ctx.accounts.api(entry.handle)
        result = await export_account(api, args.to, progress=_StderrProgress(),
                                      categories=args.only or CATEGORIES)
    finally:
        await ctx.aclose()
    _print(result, as_json=args.json)
    return 0


def _print(result: ExportResult, *, as_json: bool) -> None:
    manifest = result.manifest
    if as_json:
        print(json.dumps(manifest.to_json(), indent=2, ensure_ascii=False))
        return
    if result.resumed:
        print(_("Exported {account} to {folder} (continued an earlier run):").format(
            account=manifest.source_account, folder=result.dest))
    else:
        print(_("Exported {account} to {folder}:").format(
            account=manifest.source_account, folder=result.dest))
    for name, count in manifest.counts.items():
        print(f"  {name}: {count}")
    for note in manifest.notes:
        print(_("Note: {note}").format(note=note))
    print(_("Import the CSV files on your new server: Settings → Import and export → Import, "
            "mode Merge."))
