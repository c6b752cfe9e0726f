"""Step 6: the import itself — per-category progress, pause/resume, rate-limit waits.

Follows go the way chosen on the plan page (``MigrationState.follows_via``). When the day's
follow budget stops a run, the page says when it can continue and, while the window stays
open, continues by itself then (``resume_timer``).
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.migration.assistant import import_folder
from fedidesk.core.migration.importer import ImportProgress, ImportSummary, hhmm
from fedidesk.core.migration.importjournal import FAILED, OPEN_STATES, SKIPPED, ImportJournal
from fedidesk.core.migration.plan import SERVER, SERVER_IMPORT_DIR, Plan
from fedidesk.core.migration.reasons import describe, state_text
from fedidesk.ui.migration.base import MigrationPage, error_text, label, number, red
from fedidesk.ui.migration.planpage import follows_explanation
from fedidesk.ui.migration.state import (
    FOLLOWS_VIA_LABELS,
    import_categories,
    label_for_import,
)

RUNNING, PAUSED, PARTIAL, FINISHED = "running", "paused", "partial", "finished"
#: How long after the daily limit resets an automatic continue starts (seconds).
RESUME_SLACK = 60.0


def not_imported(counts: dict[str, dict[str, int]]) -> int:
    """Rows that will not arrive: refused by the server (``failed``) or ``skipped``."""
    return sum(tally.get(FAILED, 0) + tally.get(SKIPPED, 0) for tally in counts.values())


def not_imported_text(counts: dict[str, dict[str, int]]) -> str:
    """The "N things could not be imported" sentence (empty when there are none)."""
    n = not_imported(counts)
    return ngettext("{n} thing could not be imported; the report (next step) says why.",
                    "{n} things could not be imported; the report (next step) says why.",
                    n).format(n=number(n)) if n else ""


def finished_text(counts: dict[str, dict[str, int]]) -> str:
    """The result once nothing is open: everything there, or how many could not be."""
    return not_imported_text(counts) or _("Everything is imported. Continue to the report.")


def follows_via_text(choice: str, plan: Plan | None, *, past: bool = False) -> str:
    """The chosen way to bring follows and, once planned, where it leads this time."""
    name = html.escape(_(FOLLOWS_VIA_LABELS.get(choice, FOLLOWS_VIA_LABELS["auto"])))
    if past:
        return _("How follows were brought: <b>{choice}</b>.").format(choice=name)
    if plan is None or "follows" not in plan.categories:
        return _("How follows are brought: <b>{choice}</b>.").format(choice=name)
    path = (_("a file for the new server's import page") if plan.follow_path == SERVER
            else _("the API"))
    return _("How follows are brought: <b>{choice}</b> (this time: {path}).").format(
        choice=name, path=html.escape(path))


class ImportPage(MigrationPage):
    key = "import"
    title = N_("Bring it over")
    intro = N_("fedidesk adds everything to the new account, one thing at a time and within "
               "the server's limits. You can pause, close fedidesk, and continue later: it "
               "remembers what is already done and never sends anything twice.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._pause = False
        self.summary: ImportSummary | None = None
        self.changed.connect(self._buttons)  # after a task ends, too
        self.start_button = QPushButton(_("Start import"))
        self.start_button.setObjectName("startImport")
        self.start_button.clicked.connect(self.toggle)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        self.server_button = QPushButton(_("Open the server's import page"))
        self.server_button.setObjectName("openServerImport")
        self.server_button.clicked.connect(self.open_server_import)
        self.server_button.hide()
        self.file_button = QPushButton(_("Show following_accounts.csv"))
        self.file_button.clicked.connect(self.show_server_csv)
        self.file_button.hide()
        buttons.addWidget(self.server_button)
        buttons.addWidget(self.file_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.via_label = label(name="importFollowsVia")
        self.body.addWidget(self.via_label)
        self.follows_label = label(name="importFollowsChoice")
        self.body.addWidget(self.follows_label)
        self.resume_timer = QTimer(self)
        self.resume_timer.setSingleShot(True)
        self.resume_timer.timeout.connect(self.resume_when_due)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.body.addLayout(self.grid)
        self.bars: dict[str, QProgressBar] = {}
        self.bar_labels: dict[str, QLabel] = {}
        self.current = label(name="importCurrent")
        self.wait_label = label(name="importWait")
        self.result = label(name="importResult")
        for widget in (self.current, self.wait_label, self.result):
            self.body.addWidget(widget)
        self.body.addStretch(1)

    # ---- state -------------------------------------------------------------------------
    def journal(self) -> ImportJournal:
        return ImportJournal(self.shared.ctx.db)

    def job_counts(self) -> dict[str, dict[str, int]]:
        if not self.state.folder or not self.state.new:
            return {}
        journal = self.journal()
        job = journal.find_job(self.state.new, Path(self.state.folder).resolve())
        return journal.counts(job.id) if job is not None else {}

    def refresh_bars(self) -> None:
        counts = self.job_counts()
        wanted = import_categories(self.state.categories)
        for name in wanted:
            tally = counts.get(name, {})
            total = sum(tally.values())
            if not total:
                continue
            if name not in self.bars:
                bar = QProgressBar()
                bar.setObjectName(f"importBar_{name}")
                # TRANSLATORS: progress bar text; keep %v (done) and %m (total).
                bar.setFormat(_("%v of %m"))
                text = QLabel(label_for_import(name))
                row = len(self.bars)
                self.grid.addWidget(text, row, 0)
                self.grid.addWidget(bar, row, 1)
                self.bars[name], self.bar_labels[name] = bar, text
            open_rows = sum(n for s, n in tally.items() if s in OPEN_STATES)
            self.bars[name].setRange(0, total)
            self.bars[name].setValue(total - open_rows)
            failed = tally.get("failed", 0) + tally.get("skipped", 0)
            self.bars[name].setToolTip(", ".join(f"{n} {s}" for s, n in sorted(tally.items())))
            self.bar_labels[name].setText(
                label_for_import(name) + (" " + ngettext("({n} not possible)",
                                                         "({n} not possible)", failed)
                                          .format(n=number(failed)) if failed else ""))

    def entered(self) -> None:
        self.refresh_bars()
        plan = self._plan()
        self.via_label.setText(follows_via_text(self.state.follows_via, plan))
        self.via_label.setVisible("follows" in import_categories(self.state.categories))
        self.follows_label.setText(follows_explanation(plan) if plan is not None else "")
        server = plan is not None and plan.follow_path == SERVER
        self.server_button.setVisible(server)
        self.file_button.setVisible(server)
        if self.state.import_state == RUNNING and not self.busy():
            # fedidesk was closed while importing: the journal knows what is left.
            self.state.import_state = PAUSED
            self.result.setText(_("The import was interrupted. <b>Resume</b> continues "
                                  "where it stopped."))
        elif self.state.import_state == PAUSED and not self.busy():
            self.result.setText(_("Paused. <b>Resume</b> continues where it stopped."))
        elif self.state.import_state == FINISHED and not self.busy() and not self.summary:
            self.result.setText(finished_text(self.job_counts()))
        self._buttons()

    def _plan(self) -> Any:
        page = self.window().findChild(MigrationPage, "migrationPage_plan")
        return getattr(page, "plan", None)

    def _buttons(self) -> None:
        if self.busy():
            self.start_button.setText(_("Pausing…") if self._pause else _("Pause"))
            self.start_button.setEnabled(not self._pause)
        else:
            self.start_button.setEnabled(True)
            self.start_button.setText({PAUSED: _("Resume"), PARTIAL: _("Continue import"),
                                       FINISHED: _("Run again")}.get(self.state.import_state,
                                                                     _("Start import")))

    # ---- running ------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.busy():
            self.pause()
        else:
            self.start()

    def start(self) -> None:
        if self.busy():
            return
        api = self.new_account_api(self.result)
        if api is None:
            return
        self._pause = False
        self.resume_timer.stop()
        self.state.import_state = RUNNING
        self.result.setText("")
        self.wait_label.setText("")
        self.current.setText(_("Looking things up on the new server…"))
        self.changed.emit()
        self.run(self._import(api))
        self._buttons()

    def pause(self) -> None:
        if self.busy():
            self._pause = True
            self.current.setText(_("Pausing after the current item…"))
            self._buttons()

    def on_progress(self, event: ImportProgress) -> None:
        if event.message:
            self.wait_label.setText(html.escape(event.message))
            return
        self.wait_label.setText("")
        state = html.escape(state_text(event.state)) + (
            f": {html.escape(describe(event.reason))}" if event.reason is not None else "")
        # TRANSLATORS: the item being imported, e.g. "3 of 10: Lists — Friends: a@b.c (done)";
        # {state} is the outcome ("done", "skipped: …").
        self.current.setText(_("{done} of {total}: {category} — {item} ({state})").format(
            done=number(event.done), total=number(event.total),
            category=html.escape(label_for_import(event.category)),
            item=html.escape(event.item.replace(chr(9), ": ")), state=state))
        self.refresh_bars()

    async def _import(self, api: Any) -> None:
        try:
            outcome = await import_folder(
                api, self.shared.ctx.db, self.state.new, self.state.folder,
                only=import_categories(self.state.categories), progress=self.on_progress,
                cancel=lambda: self._pause, follows_via=self.state.follows_via)
        except FedideskError as exc:
            self.state.import_state = PAUSED
            self.result.setText(red(error_text(exc)) + " " + _(
                "<b>Resume</b> continues where it stopped."))
            self.current.setText("")
        else:
            summary = outcome.summary
            assert summary is not None
            self.summary = summary
            self.via_label.setText(follows_via_text(self.state.follows_via, outcome.plan))
            self._finished(summary, outcome.plan.follow_path == SERVER)
        finally:
            self._pause = False
            self.refresh_bars()
            self.changed.emit()
            self._buttons()

    def _finished(self, summary: ImportSummary, server_path: bool) -> None:
        self.server_button.setVisible(server_path)
        self.file_button.setVisible(server_path)
        self.current.setText("")
        self.wait_label.setText("")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in summary.notes)
        if summary.cancelled:
            self.state.import_state = PAUSED
            self.result.setText(_("Paused. <b>Resume</b> continues where it stopped.") + (
                f"<ul>{notes}</ul>" if notes else ""))
        elif summary.open_rows:
            self.state.import_state = PARTIAL
            when = (" " + _("Follows continue at {time}, when today's limit resets.")
                    .format(time=hhmm(summary.resumes_at)) if summary.resumes_at else "")
            if summary.resumes_at:
                self.schedule_resume(summary.resumes_at)
                when += " " + _("If this window is still open then, fedidesk continues by "
                                "itself.")
            left = ngettext("{n} thing is left for later.", "{n} things are left for later.",
                            summary.open_rows).format(n=number(summary.open_rows))
            refused = not_imported_text(summary.counts)
            self.result.setText(left + when + " " + _(
                "<b>Continue import</b> picks them up; you can look at the report already.")
                + (" " + refused if refused else "") + (f"<ul>{notes}</ul>" if notes else ""))
        else:
            self.state.import_state = FINISHED
            self.result.setText(finished_text(summary.counts)
                                + (f"<ul>{notes}</ul>" if notes else ""))

    # ---- continuing after the daily limit -------------------------------------------------
    def schedule_resume(self, at: float) -> None:
        """Continue by itself a little after ``at`` (epoch seconds), if still open then."""
        delay = min(max(0.0, at - time.time()) + RESUME_SLACK, 2 * 86_400.0)
        self.resume_timer.start(int(delay * 1000))

    def resume_when_due(self) -> None:
        if self.state.import_state == PARTIAL and not self.busy():
            self.start()

    def cancel_work(self) -> None:
        self.resume_timer.stop()
        super().cancel_work()

    # ---- server import path ------------------------------------------------------------
    def open_server_import(self) -> None:
        base = self.shared.base_url(self.state.new)
        if base:
            self.shared.open_url(f"{base}/settings/imports")

    def show_server_csv(self) -> None:
        self.shared.open_file(str(Path(self.state.folder) / SERVER_IMPORT_DIR))

    def ready(self) -> tuple[bool, str]:
        if self.busy():
            return False, _("The import is running; pause it first.")
        if self.state.import_state not in (PARTIAL, FINISHED, PAUSED):
            return False, _("Start the import first.")
        return True, ""
