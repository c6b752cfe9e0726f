"""Step 7: the final report — what arrived, what did not and why, what to do.

It also names the chosen way to bring follows and, for follows handed to the new server's
import page, how many of them have arrived so far.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
)

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.migration.importjournal import ImportJournal
from fedidesk.core.migration.reasons import describe
from fedidesk.core.migration.verify import (
    ARRIVED,
    DEFERRED,
    MISSING,
    REPORT_TEXT,
    UNRESOLVABLE,
    Report,
    verify,
)
from fedidesk.ui.migration.base import MigrationPage, error_text, label, number, red
from fedidesk.ui.migration.importpage import follows_via_text
from fedidesk.ui.migration.state import label_for_import

STATUSES = (ARRIVED, MISSING, UNRESOLVABLE, DEFERRED)
HEADERS = (N_("What"), N_("Arrived"), N_("Not there yet"), N_("Can't be found"),
           N_("Server not answering"))
STATUS_TEXT = {ARRIVED: N_("arrived"), MISSING: N_("not there yet"),
               UNRESOLVABLE: N_("can't be found"), DEFERRED: N_("server not answering")}


class ReportPage(MigrationPage):
    key = "report"
    title = N_("Report")
    intro = N_("fedidesk checks the new account against the files once more, without "
               "changing anything, and writes the result next to the export.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.report: Report | None = None
        self.status = label(name="reportStatus")
        self.check_button = QPushButton(_("Check again"))
        self.check_button.setObjectName("checkReport")
        self.check_button.clicked.connect(self.check)
        self.open_button = QPushButton(_("Open the report file"))
        self.open_button.setObjectName("openReport")
        self.open_button.clicked.connect(self.open_report)
        self.open_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.check_button)
        top.addWidget(self.open_button)
        self.body.addLayout(top)
        self.via_label = label(name="reportFollowsVia")
        self.body.addWidget(self.via_label)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("reportTable")
        self.table.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(230)
        self.body.addWidget(self.table)
        self.details = QTreeWidget()
        self.details.setObjectName("reportDetails")
        self.details.setHeaderLabels([_("Item"), _("Result"), _("Why"), _("What to do")])
        self.details.setColumnWidth(0, 260)
        self.details.setColumnWidth(1, 110)
        self.details.setColumnWidth(2, 200)
        self.body.addWidget(self.details, 1)

    def entered(self) -> None:
        if self.report is None and not self.busy():
            self.check()

    def check(self) -> None:
        if self.busy():
            return
        api = self.new_account_api(self.status)
        if api is None:
            return
        self.status.setText(_("Checking the new account…"))
        self.check_button.setEnabled(False)
        self.run(self._check(api))

    async def _check(self, api: Any) -> None:
        journal = ImportJournal(self.shared.ctx.db)
        try:
            report = await verify(api.background(), self.state.folder, account=self.state.new,
                                  journal=journal)
        except FedideskError as exc:
            self.status.setText(red(error_text(exc)))
            return
        finally:
            self.check_button.setEnabled(True)
        self.state.report = str(Path(self.state.folder) / REPORT_TEXT)
        self.show_report(report)
        self.show_follows_path(report, self.handed_to_server(journal))
        self.changed.emit()

    def show_report(self, report: Report) -> None:
        self.report = report
        counts = report.counts()
        self.table.setRowCount(len(counts))
        self.details.clear()
        for row, (name, tally) in enumerate(counts.items()):
            self.table.setItem(row, 0, QTableWidgetItem(label_for_import(name)))
            for column, status in enumerate(STATUSES, start=1):
                cell = QTableWidgetItem(number(tally.get(status, 0)))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, cell)
            items = [i for i in report.items if i.category == name]
            top = QTreeWidgetItem([f"{label_for_import(name)} ({number(len(items))})", "", "", ""])
            self.details.addTopLevelItem(top)
            for i in sorted(items, key=lambda i: i.status == ARRIVED):
                child = QTreeWidgetItem([i.item.replace("\t", ": "),
                                         _(STATUS_TEXT[i.status]) if i.status in STATUS_TEXT
                                         else i.status, describe(i.reason),
                                         i.advice])
                child.setToolTip(3, i.advice)
                top.addChild(child)
            top.setExpanded(len(items) < 50)
        arrived = sum(t.get(ARRIVED, 0) for t in counts.values())
        missing = sum(n for t in counts.values() for s, n in t.items() if s != ARRIVED)
        account = html.escape(report.account)
        if missing:
            # TRANSLATORS: {n} items arrived on the new account, {missing} did not.
            text = ngettext("<b>{n}</b> arrived on <b>{account}</b>; <b>{missing}</b> not "
                            "there — see why and what to do below.",
                            "<b>{n}</b> arrived on <b>{account}</b>; <b>{missing}</b> not "
                            "there — see why and what to do below.", arrived).format(
                n=number(arrived), account=account, missing=number(missing))
        else:
            text = ngettext("<b>{n}</b> arrived on <b>{account}</b>. Everything in the export "
                            "is on the new account.",
                            "<b>{n}</b> arrived on <b>{account}</b>. Everything in the export "
                            "is on the new account.", arrived).format(
                n=number(arrived), account=account)
        if report.by_hand:
            # TRANSLATORS: followed by a list of things to set by hand on the new account.
            text += "<p>" + _("Not brought over by the import (do these by hand):") + "</p><ul>" \
                + "".join(f"<li>{html.escape(n)}</li>" for n in report.by_hand) + "</ul>"
        self.status.setText(text)
        self.open_button.setEnabled(bool(self.state.report))

    def handed_to_server(self, journal: ImportJournal) -> set[str]:
        """Follows the import wrote to the CSV for the new server's import page."""
        job = journal.find_job(self.state.new, Path(self.state.folder).resolve())
        if job is None:
            return set()
        return {r.item for r in journal.rows(job.id, "follows") if r.handed_to_server}

    def show_follows_path(self, report: Report, handed: set[str]) -> None:
        text = follows_via_text(self.state.follows_via, None, past=True)
        if handed:
            arrived = sum(1 for i in report.items if i.category == "follows"
                          and i.item in handed and i.status == ARRIVED)
            # TRANSLATORS: {arrived} of {n} follows written to following_accounts.csv for
            # the new server's import page are on the new account now.
            text += " " + ngettext(
                "{arrived} of {n} follow handed to the new server's import page has arrived "
                "so far.",
                "{arrived} of {n} follows handed to the new server's import page have arrived "
                "so far.", len(handed)).format(arrived=number(arrived), n=number(len(handed)))
            if arrived < len(handed):
                text += " " + _("Upload following_accounts.csv there if you have not yet, "
                                "then check again.")
        self.via_label.setText(text)
        self.via_label.setVisible("follows" in report.counts())

    def arrived(self) -> dict[str, int]:
        """Arrivals per category (for tests)."""
        if self.report is None:
            return {}
        return {k: v.get(ARRIVED, 0) for k, v in self.report.counts().items()}

    def open_report(self) -> None:
        if self.state.report:
            self.shared.open_file(self.state.report)
