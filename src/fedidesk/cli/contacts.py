"""``fedidesk contacts scan``: find former Twitter/X contacts' fediverse handles.

``fedidesk contacts scan FILE... [--resolve] [--account ACCOUNT] [--json] [--save-csv PATH]``

FILE is a Twitter/X archive ``.zip``, a ``.csv`` of accounts, a text file, or ``-`` for
standard input. ``--resolve`` verifies each handle through the signed-in account's server
(``--account``, else the default account) or, with no account, by WebFinger only.
``--save-csv`` writes Mastodon's ``following_accounts.csv`` (resolved handles when
``--resolve`` is given) for Settings → Import and export → Import, in merge mode; it
replaces an existing file only with ``--overwrite``.
Warnings (bad CSV rows, archive summary) go to stderr; the table or JSON to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from fedidesk.core.api import MastodonApi
from fedidesk.core.contacts.export import write_following_csv
from fedidesk.core.contacts.extract import Candidate, extract_candidates
from fedidesk.core.contacts.resolve import (
    Resolution,
    WebFinger,
    resolve_candidates,
    status_text,
)
from fedidesk.core.contacts.sources import ScanInput, load_input
from fedidesk.core.context import AppContext
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _, ngettext
from fedidesk.core.secrets import KeyringUnavailable

MAX_WARNINGS = 20
REASON_WIDTH = 60


def add_parser(sub: Any) -> None:
    """Register ``contacts`` on the main parser's subcommands."""
    contacts = sub.add_parser("contacts", help=_("find former Twitter/X contacts on the fediverse"))
    actions = contacts.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)
    scan = actions.add_parser(
        "scan", help=_("list fediverse handles found in an archive, a CSV or text"),
        description=_("Find fediverse handles in a Twitter/X archive (.zip), a CSV of "
                      "accounts (.csv), text files, or standard input (-)."))
    scan.add_argument("files", nargs="+", metavar="FILE", help=_(".zip, .csv, .txt or -"))
    scan.add_argument("--resolve", action="store_true",
                      help=_("check each handle (through your server, or by WebFinger)"))
    scan.add_argument("--account", metavar="ACCOUNT",
                      help=_("resolve through this signed-in account (user@server)"))
    scan.add_argument("--json", action="store_true", help=_("machine-readable output"))
    scan.add_argument("--save-csv", metavar="PATH",
                      help=_("write following_accounts.csv for Mastodon's importer"))
    scan.add_argument("--overwrite", action="store_true",
                      help=_("let --save-csv replace a file that exists"))
    scan.add_argument("--min-confidence", type=float, default=0.0, metavar="X",
                      help=_("hide candidates below this confidence (0–1)"))


def run(args: argparse.Namespace) -> int:
    """Run ``contacts`` (called inside the main CLI's error guard)."""
    _check_target(args)
    return asyncio.run(_scan(args))


def _stdin() -> BinaryIO:
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode("utf-8"))


def _warn(message: str) -> None:
    print(f"fedidesk: {message}", file=sys.stderr)


def _report_inputs(inputs: list[ScanInput]) -> None:
    problems = [p for item in inputs for p in item.problems]
    for problem in problems[:MAX_WARNINGS]:
        _warn(problem)
    if len(problems) > MAX_WARNINGS:
        more = len(problems) - MAX_WARNINGS
        _warn(ngettext("…and {count} more problem.", "…and {count} more problems.",
                       more).format(count=more))
    for item in inputs:
        if item.archive is not None:
            archive = item.archive
            follows = ngettext(
                "follows {count} account ({recovered} with a known screen name)",
                "follows {count} accounts ({recovered} with a known screen name)",
                len(archive.following)).format(count=len(archive.following),
                                               recovered=archive.recovered)
            followers = ngettext("{count} follower", "{count} followers",
                                 len(archive.followers)).format(count=len(archive.followers))
            tweets = ngettext("{count} tweet scanned", "{count} tweets scanned",
                              len(archive.tweets)).format(count=len(archive.tweets))
            _warn(_("{label}: archive of @{owner}: {follows}, {followers}, {tweets}.").format(
                label=item.label, owner=archive.owner or "?", follows=follows,
                followers=followers, tweets=tweets))


def _check_target(args: argparse.Namespace) -> None:
    """Before scanning (a long scan must not end in a refusal, or in a lost file)."""
    if args.save_csv and Path(args.save_csv).exists() and not args.overwrite:
        raise FedideskError(_("{path} exists. Choose another name, or add --overwrite to "
                              "replace it.").format(path=args.save_csv))


async def _scan(args: argparse.Namespace) -> int:
    stdin = _stdin() if "-" in args.files else None
    inputs = [load_input(name, stdin=stdin) for name in args.files]
    _report_inputs(inputs)
    candidates = [c for c in extract_candidates(s for i in inputs for s in i.sources)
                  if c.confidence >= args.min_confidence]
    resolutions = await _resolve(args, candidates) if args.resolve and candidates else None
    if args.json:
        print(json.dumps(_json(candidates, resolutions), indent=2, ensure_ascii=False))
    else:
        _print_table(candidates, resolutions)
    if args.save_csv:
        handles = ([r.handle for r in resolutions if r.resolved] if resolutions is not None
                   else [c.handle for c in candidates])
        count = write_following_csv(args.save_csv, handles)
        _warn(ngettext(
            "Wrote {count} account to {path}. Import it on your server's website "
            "(Settings → Import and export → Import, type Following, mode Merge).",
            "Wrote {count} accounts to {path}. Import it on your server's website "
            "(Settings → Import and export → Import, type Following, mode Merge).",
            count).format(count=count, path=args.save_csv))
    return 0


async def _resolve(args: argparse.Namespace, candidates: list[Candidate]) -> list[Resolution]:
    try:
        ctx = AppContext.create(args.profile_dir, allow_session_only=args.session_only)
    except KeyringUnavailable:
        if args.account:
            raise
        ctx = None
    try:
        api, handle = _account_api(args, ctx)
        if api is not None and handle is not None:
            return await resolve_candidates(candidates, api=api,
                                            local_domain=handle.rsplit("@", 1)[-1],
                                            own_handle=handle)
        _warn(_("No signed-in account: checking handles by WebFinger only."))
        async with WebFinger() as webfinger:
            return await resolve_candidates(candidates, webfinger=webfinger)
    finally:
        if ctx is not None:
            await ctx.aclose()


def _account_api(args: argparse.Namespace, ctx: AppContext | None
                 ) -> tuple[MastodonApi | None, str | None]:
    if ctx is None:
        return None, None
    entry = ctx.accounts.get(args.account) if args.account else ctx.accounts.default
    if entry is None:
        return None, None
    return ctx.accounts.api(entry.handle), entry.handle


def _resolved_text(resolution: Resolution | None) -> str:
    if resolution is None:
        return "-"
    if resolution.status == "moved":
        return _("moved → {handle}").format(handle=resolution.handle)
    if resolution.status == "found":
        return (_("yes ({id})").format(id=resolution.account_id) if resolution.account_id
                else _("yes"))
    return status_text(resolution.status)


def _rows(candidates: list[Candidate], resolutions: list[Resolution] | None) -> list[list[str]]:
    rows = []
    for index, candidate in enumerate(candidates):
        resolution = resolutions[index] if resolutions is not None else None
        who = f"@{candidate.source_account} " if candidate.source_account else ""
        confidence = resolution.confidence if resolution is not None else candidate.confidence
        reason = resolution.reason if resolution is not None else candidate.reason
        if len(reason) > REASON_WIDTH:
            reason = reason[:REASON_WIDTH - 1] + "…"
        rows.append([candidate.handle, f"{who}({candidate.source_field})", f"{confidence:.2f}",
                     reason, _resolved_text(resolution)])
    return rows


def _print_table(candidates: list[Candidate], resolutions: list[Resolution] | None) -> None:
    if not candidates:
        print(_("No fediverse handles found."))
        return
    header = [_("HANDLE"), _("FROM"), _("CONF"), _("REASON"), _("RESOLVED")]
    rows = [header, *_rows(candidates, resolutions)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())


def _json(candidates: list[Candidate], resolutions: list[Resolution] | None
          ) -> list[dict[str, Any]]:
    items = []
    for index, candidate in enumerate(candidates):
        item: dict[str, Any] = {
            "handle": candidate.handle, "source_account": candidate.source_account,
            "source_field": candidate.source_field, "confidence": candidate.confidence,
            "reason": candidate.reason, "resolved": None}
        if resolutions is not None:
            r = resolutions[index]
            item["resolved"] = {"status": r.status, "handle": r.handle,
                                "account_id": r.account_id or None,
                                "confidence": r.confidence, "reason": r.reason,
                                "url": r.profile_url or None}
        items.append(item)
    return items
