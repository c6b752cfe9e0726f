"""Compare an export with the new account: what arrived, what did not and why, what to do.

``verify`` reads the export folder again, looks every row up on the new server (no write
requests) and writes ``import-report.json`` (machine-readable) and ``import-report.txt``
(for people) next to the export. Reasons recorded by the import journal (a follow handed
to the server's CSV import, a request awaiting approval, a failure) are folded in when the
journal is given, so the report explains rather than just counts.

``ReportItem.reason`` is a ``reasons.Reason``; the JSON report holds its words
(``reason``) and its code (``reason_code``), the text report and ``advice`` are worded in
the language in use.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fedidesk.core.api import MastodonApi
from fedidesk.core.i18n import _
from fedidesk.core.migration.atomic import atomic_write_json, atomic_write_text
from fedidesk.core.migration.importjournal import ImportJournal, JobRow
from fedidesk.core.migration.plan import CATEGORIES, build_plan
from fedidesk.core.migration.reasons import (
    CATEGORY_LABELS,
    NOT_IMPORTED,
    SERVER_IMPORT,
    STATE,
    Reason,
    category_label,
    describe,
    state_text,
)
from fedidesk.core.migration.resolve import resolver_for
from fedidesk.core.migration.source import read_source, require_export_files

REPORT_JSON = "import-report.json"
REPORT_TEXT = "import-report.txt"
ARRIVED, MISSING, UNRESOLVABLE, DEFERRED = "arrived", "missing", "unresolvable", "deferred"
LABELS = CATEGORY_LABELS


@dataclass(frozen=True)
class ReportItem:
    category: str
    item: str
    status: str
    reason: Reason | None = None
    #: What to do, in words (translated).
    advice: str = ""

    def to_json(self) -> dict[str, str]:
        return {"category": self.category, "item": self.item, "status": self.status,
                "reason": describe(self.reason),
                "reason_code": self.reason.code if self.reason is not None else "",
                "advice": self.advice}


@dataclass
class Report:
    account: str
    source: str
    created_at: str
    items: list[ReportItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: What the export holds that the import does not bring (``ImportSource.by_hand``).
    by_hand: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for category in CATEGORIES:
            tally = Counter(i.status for i in self.items if i.category == category)
            if tally:
                out[category] = dict(tally)
        return out

    def to_json(self) -> dict[str, object]:
        return {"account": self.account, "source": self.source, "created_at": self.created_at,
                "counts": self.counts(), "problems": self.problems, "by_hand": self.by_hand,
                "items": [i.to_json() for i in self.items]}

    def to_text(self) -> str:
        lines = [_("Import report for {account}").format(account=self.account),
                 _("Export: {source}").format(source=self.source),
                 _("Checked: {time}").format(time=self.created_at), ""]
        for category, tally in self.counts().items():
            parts = ", ".join(f"{n} {state_text(status)}" for status, n in sorted(tally.items()))
            lines.append(f"{category_label(category)}: {parts}")
        not_there = [i for i in self.items if i.status != ARRIVED]
        if not_there:
            lines += ["", _("Not there yet:")]
            for i in not_there:
                lines.append(f"- [{category_label(i.category)}] "
                             f"{i.item.replace(chr(9), ' → ')}: {state_text(i.status)}"
                             + (f" ({describe(i.reason)})" if i.reason is not None else ""))
                if i.advice:
                    lines.append("    " + _("What to do: {advice}").format(advice=i.advice))
        else:
            lines += ["", _("Everything in the export is on the new account.")]
        if self.by_hand:
            lines += ["", _("Not brought over by the import (do these by hand):"),
                      *(f"- {n}" for n in self.by_hand)]
        if self.problems:
            lines += ["", _("Rows that could not be read:"), *(f"- {p}" for p in self.problems)]
        return "\n".join(lines) + "\n"

    def save(self, folder: str | Path) -> tuple[Path, Path]:
        base = Path(folder)
        atomic_write_json(base / REPORT_JSON, self.to_json())
        atomic_write_text(base / REPORT_TEXT, self.to_text())
        return base / REPORT_JSON, base / REPORT_TEXT


def _advice(category: str, status: str, row: JobRow | None) -> tuple[Reason | None, str]:
    """(reason, advice in words) for an item that is not there."""
    reason = row.reason if row is not None else None
    if status == DEFERRED:
        return reason, _("Its server is not answering; run the import again later.")
    if status == UNRESOLVABLE:
        return reason, _("Nothing to do unless the account or post comes back.")
    if reason is not None and reason.code == SERVER_IMPORT:
        # TRANSLATORS: "Settings → Import and export → Import", "Following" and "Merge" are
        # the Mastodon website's words; use its words in your language.
        return reason, _("Upload for-server-import/following_accounts.csv under Settings → "
                         "Import and export → Import (Following, Merge) if not done yet, and "
                         "check that the import finished.")
    if row is None:
        return Reason(NOT_IMPORTED), _("Run: fedidesk migrate import.")
    if row.state == "requested":
        return reason, _("The account approves followers by hand; wait for the approval.")
    if row.open:
        return reason or Reason(NOT_IMPORTED), _("Run the import again to continue.")
    # Final rows (a refusal, a 4xx, is final too): running the import again sends nothing.
    return (reason or Reason.of(STATE, state=row.state),
            _("See why; the import will not try it again. Add it by hand on the new server "
              "if you still want it."))


async def verify(api: MastodonApi, source_dir: str | Path, *, account: str = "",
                 journal: ImportJournal | None = None, save: bool = True) -> Report:
    """Check every row of the export against the new account (read-only);
    ``NoExportFilesError`` if ``source_dir`` holds no export files."""
    require_export_files(source_dir)
    source = read_source(source_dir)
    plan = await build_plan(api, source, account=account, budget_left=10**9,
                            resolver=await resolver_for(api))
    rows: dict[tuple[str, str], JobRow] = {}
    if journal is not None and account:
        job = journal.find_job(account, source.directory)
        if job is not None:
            rows = {(r.category, r.item): r for r in journal.rows(job.id)}
    report = Report(account, str(source.directory),
                    datetime.fromtimestamp(api.clock.time(), UTC).isoformat(timespec="seconds"),
                    problems=list(source.problems), by_hand=list(source.by_hand))
    for name, cat in plan.categories.items():
        report.items += [ReportItem(name, i.item, ARRIVED, i.note) for i in cat.already_there]
        for status, items in ((MISSING, cat.to_add), (UNRESOLVABLE, cat.unresolvable),
                              (DEFERRED, cat.deferred)):
            for i in items:
                row = rows.get((name, i.item))
                reason, advice = _advice(name, status, row)
                report.items.append(ReportItem(name, i.item, status, reason or i.note, advice))
    if save:
        report.save(source.directory)
    return report
