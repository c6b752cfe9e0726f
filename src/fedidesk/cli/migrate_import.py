"""``fedidesk migrate import | status | verify``: bring an export into the new account.

``fedidesk migrate import --account NEW --from DIR [--dry-run] [--only follows,lists,…]
[--follows-via auto|api|server] [--json]`` plans (and unless ``--dry-run`` runs) a
merge-only import of DIR: our export folder or the files of Mastodon's web export. It can be
interrupted and run again; it continues where it stopped and never sends a follow twice.
``--follows-via`` is remembered with the job; without it a resumed job keeps its choice.
``fedidesk migrate status [--account NEW]`` lists import jobs and their row states.
``fedidesk migrate verify --account NEW --from DIR`` compares the export with the new
account and writes ``import-report.json`` and ``import-report.txt`` into DIR.

Progress goes to stderr; the plan, summary or report (or JSON) to stdout.

Exit status (as everywhere: 0 success, 1 failure with the reason on stderr, 2 usage):
``import`` exits 1 when rows are left after the run — open ones (deferred, or waiting for
the next day's follow limit: run it again) or ones the server refused (``failed``: see
``verify``) — and when DIR holds no export files (no job is made then); ``verify`` exits 1
while something is not on the new account yet (and, like ``import``, when DIR holds no
export files).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from fedidesk.core.context import AppContext
from fedidesk.core.i18n import _, ngettext
from fedidesk.core.migration.assistant import ImportOutcome, import_folder, parse_only
from fedidesk.core.migration.importer import ImportProgress, ImportSummary, hhmm
from fedidesk.core.migration.importjournal import FAILED, ImportJournal
from fedidesk.core.migration.plan import CATEGORIES, FOLLOWS_VIA, SERVER, VIA_API, Plan
from fedidesk.core.migration.reasons import describe, state_text
from fedidesk.core.migration.source import require_export_files
from fedidesk.core.migration.verify import REPORT_JSON, REPORT_TEXT, verify

COMMANDS = ("import", "status", "verify")


def _only(text: str) -> tuple[str, ...]:
    try:
        names = parse_only(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    if not names:
        raise argparse.ArgumentTypeError(_("empty list"))
    return names


def _actions(sub: Any) -> Any:
    """The ``migrate`` group's sub-commands (created by ``cli/migrate.py``)."""
    migrate = sub.choices["migrate"]
    return next(a for a in migrate._actions if isinstance(a, argparse._SubParsersAction))


def add_parsers(sub: Any) -> None:
    """Add ``import``, ``status`` and ``verify`` to the existing ``migrate`` group."""
    actions = _actions(sub)
    imp = actions.add_parser(
        "import", help=_("import an export folder into the new account (merge only)"),
        description=_("Add follows, hashtags, mutes, blocks, domain blocks, lists, bookmarks "
                      "and filters from DIR to the account. Never removes anything. Run it "
                      "again to continue an interrupted import."))
    imp.add_argument("--account", required=True, metavar="NEW",
                     help=_("the signed-in account to import into (user@server)"))
    imp.add_argument("--from", required=True, dest="source", metavar="DIR",
                     help=_("our export folder, or a folder with Mastodon's export files"))
    imp.add_argument("--dry-run", action="store_true", help=_("only show what would change"))
    imp.add_argument("--only", type=_only, metavar="LIST",
                     help=_("comma-separated subset of: {names}").format(
                         names=",".join(CATEGORIES)))
    imp.add_argument(
        "--follows-via", choices=FOLLOWS_VIA, dest="follows_via",
        help=_("how follows are imported: auto (through the API if they fit in today's "
               "limit of 400, else a file for the new server's import page), api (always "
               "through the API, over as many days as needed), server (always the file); "
               "default: the choice this import was started with, else auto"))
    imp.add_argument("--json", action="store_true", help=_("machine-readable output"))
    status = actions.add_parser("status", help=_("show import jobs and how far they got"))
    status.add_argument("--account", metavar="NEW", help=_("only this account's jobs"))
    status.add_argument("--json", action="store_true", help=_("machine-readable output"))
    ver = actions.add_parser("verify", help=_("compare an export with the new account"))
    ver.add_argument("--account", required=True, metavar="NEW")
    ver.add_argument("--from", required=True, dest="source", metavar="DIR")
    ver.add_argument("--json", action="store_true", help=_("print the report as JSON"))


def run(args: argparse.Namespace) -> int:
    """Run one of ``COMMANDS`` (called inside the main CLI's error guard)."""
    return asyncio.run(_main(args))


async def _main(args: argparse.Namespace) -> int:
    if args.migrate_command in ("import", "verify"):
        require_export_files(args.source)  # before anything is made: no job, no report
    ctx = AppContext.create(args.profile_dir, allow_session_only=args.session_only)
    try:
        if args.migrate_command == "status":
            return _status(args, ImportJournal(ctx.db))
        entry = ctx.accounts.get(args.account)
        api = ctx.accounts.api(entry.handle)
        if args.migrate_command == "verify":
            report = await verify(api, args.source, account=entry.handle,
                                  journal=ImportJournal(ctx.db))
            print(json.dumps(report.to_json(), indent=2, ensure_ascii=False) if args.json
                  else report.to_text(), end="" if not args.json else "\n")
            _warn(_("Saved {report_json} and {report_text} in {folder}.").format(
                report_json=REPORT_JSON, report_text=REPORT_TEXT, folder=args.source))
            return 0 if all(i.status == "arrived" for i in report.items) else 1
        outcome = await import_folder(api, ctx.db, entry.handle, args.source, only=args.only,
                                      dry_run=args.dry_run, progress=_progress,
                                      follows_via=args.follows_via)
    finally:
        await ctx.aclose()
    _print(outcome, as_json=args.json)
    if outcome.summary is None:
        return 0
    left = left_lines(outcome.summary)
    for line in left:
        _warn(line)
    return 1 if left else 0


def _warn(message: str) -> None:
    print(f"fedidesk: {message}", file=sys.stderr)


def _progress(event: ImportProgress) -> None:
    if event.message:
        _warn(event.message)
    elif event.state not in ("pending", "resolved") or event.reason is not None:
        item = event.item.replace("\t", " → ")
        reason = f" ({describe(event.reason)})" if event.reason is not None else ""
        state = state_text(event.state)
        print(f"[{event.done}/{event.total}] {event.category}: {item}: {state}{reason}",
              file=sys.stderr)


def _json(outcome: ImportOutcome) -> dict[str, Any]:
    plan, summary = outcome.plan, outcome.summary
    data: dict[str, Any] = {
        "account": plan.account, "source": str(plan.source.directory),
        "follows_via": plan.follows_via, "follow_path": plan.follow_path,
        "follow_reserve": plan.follow_reserve, "api_follows": plan.api_follows(),
        "api_days": plan.api_days(), "following_limit": plan.following_limit,
        "following_count": plan.following_count, "follow_budget_left": plan.budget_left,
        "warnings": plan.warnings, "problems": plan.source.problems, "plan": {
            name: {part: [{"item": i.item, "note": describe(i.note),
                           "note_code": i.note.code if i.note else ""}
                          for i in getattr(cat, part)]
                   for part in ("to_add", "already_there", "unresolvable", "deferred")}
            for name, cat in plan.categories.items()}}
    if summary is not None:
        data["result"] = {"job": summary.job_id, "counts": summary.counts,
                          "writes": summary.writes, "open_rows": summary.open_rows,
                          "cancelled": summary.cancelled, "resumes_at": summary.resumes_at,
                          "notes": summary.notes}
    return data


def count_parts(counts: dict[str, int]) -> list[str]:
    """One category's counts: "+3 to add", "1 already there" and, when not zero, the rest."""
    # In English these words do not change with the number; in other languages they agree
    # with it (French "1 reporté", "3 reportés"), hence ngettext.
    add, there = counts["to_add"], counts["already_there"]
    parts = [ngettext("+{count} to add", "+{count} to add", add).format(count=add),
             ngettext("{count} already there", "{count} already there", there).format(
                 count=there)]
    if n := counts["unresolvable"]:
        parts.append(ngettext("{count} unresolvable", "{count} unresolvable", n).format(count=n))
    if n := counts["deferred"]:
        parts.append(ngettext("{count} deferred", "{count} deferred", n).format(count=n))
    if n := counts["finished"]:
        parts.append(ngettext("{count} finished", "{count} finished", n).format(count=n))
    return parts


def _print(outcome: ImportOutcome, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(_json(outcome), indent=2, ensure_ascii=False))
        return
    plan, summary = outcome.plan, outcome.summary
    heading = (_("Plan for {account} from {folder} (merge only: nothing is removed):")
               if summary is None else
               _("Import for {account} from {folder} (merge only: nothing is removed):"))
    print(heading.format(account=plan.account, folder=plan.source.directory))
    for name, counts in plan.summary().items():
        print(f"  {name}: " + ", ".join(count_parts(counts)))
    for name, cat in plan.categories.items():
        for item in cat.to_add if summary is None else ():
            note = f" ({describe(item.note)})" if item.note is not None else ""
            print(f"    + {name}: {item.item.replace(chr(9), ' → ')}{note}")
        for item in cat.unresolvable:
            print(f"    ! {name}: {item.item.replace(chr(9), ' → ')}: {describe(item.note)}")
    for line in (*plan.warnings, *plan.source.problems[:20]):
        print(_("Note: {note}").format(note=line))
    for line in follows_via_lines(plan):
        print(line)
    if plan.follow_path == SERVER:
        print(_("Upload {file} under Settings → Import and export → Import "
                "(type Following, mode Merge), then run: fedidesk migrate verify.").format(
                    file=plan.server_csv))
    if summary is None:
        return
    for name, states in summary.counts.items():
        print(f"  {name}: " + ", ".join(f"{n} {state_text(s)}"
                                         for s, n in sorted(states.items())))
    for note in summary.notes:
        print(_("Note: {note}").format(note=note))
    if not left_lines(summary):
        print(_("Finished. Check the result with: fedidesk migrate verify."))


def left_lines(summary: ImportSummary) -> list[str]:
    """What the run left undone, and what to do (empty when everything is finished)."""
    lines = []
    if summary.open_rows and summary.resumes_at:
        lines.append(ngettext(
            "{count} row is not finished; run the same command again after {time}.",
            "{count} rows are not finished; run the same command again after {time}.",
            summary.open_rows).format(count=summary.open_rows, time=hhmm(summary.resumes_at)))
    elif summary.open_rows:
        lines.append(ngettext(
            "{count} row is not finished; run the same command again later.",
            "{count} rows are not finished; run the same command again later.",
            summary.open_rows).format(count=summary.open_rows))
    if failed := summary.total(FAILED):
        lines.append(ngettext(
            "{count} row was refused by the new server; see why with: fedidesk migrate verify.",
            "{count} rows were refused by the new server; see why with: fedidesk migrate "
            "verify.", failed).format(count=failed))
    return lines


def follows_via_lines(plan: Plan) -> list[str]:
    """The follows choice and where it leads, for the printed plan."""
    if "follows" not in plan.categories:
        return []
    path = (_("a file for the new server's import page") if plan.follow_path == SERVER
            else _("the API"))
    # TRANSLATORS: {choice} is auto, api or server (the --follows-via values; keep them).
    lines = [_("Follows via: {choice} (this time: {path}).").format(choice=plan.follows_via,
                                                                  path=path)]
    if plan.follows_via == VIA_API and plan.api_follows():
        days = plan.api_days(plan.follow_reserve)
        count = plan.api_follows()
        duration = ngettext("about {days} day in all", "about {days} days in all",
                            days).format(days=days)
        # TRANSLATORS: follows and hashtag follows through the API at up to {per_day} a day
        # after 00:00 UTC; {duration} is "about 3 days in all"; {reserve} a day are left
        # for following people by hand.
        lines.append(ngettext(
            "{count} follow through the API: {today} today; {duration}, up to {per_day} a "
            "day ({reserve} a day are left for you). Run the same command again after 00:00 "
            "UTC each day.",
            "{count} follows through the API: {today} today; {duration}, up to {per_day} a "
            "day ({reserve} a day are left for you). Run the same command again after 00:00 "
            "UTC each day.", count).format(
                count=count, today=plan.api_today(plan.follow_reserve), duration=duration,
                per_day=plan.api_per_day(plan.follow_reserve), reserve=plan.follow_reserve))
    return lines


def _status(args: argparse.Namespace, journal: ImportJournal) -> int:
    jobs = journal.jobs(args.account)
    data: list[dict[str, Any]] = [
        {"job": j.id, "account": j.account, "source": j.source, "state": j.state,
         "follows_via": j.follows_via, "counts": journal.counts(j.id),
         "open_rows": journal.open_count(j.id)} for j in jobs]
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if not data:
        print(_("No imports yet."))
    for job in data:
        print(ngettext("#{job} {account} from {source}: {state}, {count} row open",
                       "#{job} {account} from {source}: {state}, {count} rows open",
                       job["open_rows"]).format(
                           job=job["job"], account=job["account"], source=job["source"],
                           state=state_text(job["state"]), count=job["open_rows"]))
        for name, states in job["counts"].items():
            print(f"  {name}: " + ", ".join(f"{n} {state_text(s)}"
                                         for s, n in sorted(states.items())))
    return 0
