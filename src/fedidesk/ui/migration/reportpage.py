"""Step 7: the final report — what arrived, what did not and why, what to do."""

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
from fedidesk.core.migration.importjournal import ImportJournal
from fedidesk.core.migration.verify import (
    ARRIVED,
    DEFERRED,
    MISSING,
    REPORT_TEXT,
    UNRESOLVABLE,
    Report,
    verify,
)
from fedidesk.ui.migration.base import MigrationPage, error_text, label, red
from fedidesk.ui.migration.state import label_for_import

STATUSES = (ARRIVED, MISSING, UNRESOLVABLE, DEFERRED)
HEADERS = ("What", "Arrived", "Not there yet", "Can't be found", "Server not answering")
STATUS_TEXT = {ARRIVED: "arrived", MISSING: "not there yet", UNRESOLVABLE: "can't be found",
               DEFERRED: "server not answering"}


class ReportPage(MigrationPage):
    key = "report"
    title = "Report"
    intro = ("fedidesk checks the new account against the files once more, without changing "
             "anything, and writes the result next to the export.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.report: Report | None = None
        self.status = label(name="reportStatus")
        self.check_button = QPushButton("Check again")
        self.check_button.setObjectName("checkReport")
        self.check_button.clicked.connect(self.check)
        self.open_button = QPushButton("Open the report file")
        self.open_button.setObjectName("openReport")
        self.open_button.clicked.connect(self.open_report)
        self.open_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.check_button)
        top.addWidget(self.open_button)
        self.body.addLayout(top)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("reportTable")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
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
        self.details.setHeaderLabels(["Item", "Result", "Why", "What to do"])
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
        api = self.shared.api(self.state.new)
        if api is None:
            self.status.setText(red(f"fedidesk is not signed in to {self.state.new}."))
            return
        self.status.setText("Checking the new account…")
        self.check_button.setEnabled(False)
        self.run(self._check(api))

    async def _check(self, api: Any) -> None:
        try:
            report = await verify(api.background(), self.state.folder, account=self.state.new,
                                  journal=ImportJournal(self.shared.ctx.db))
        except FedideskError as exc:
            self.status.setText(red(error_text(exc)))
            return
        finally:
            self.check_button.setEnabled(True)
        self.state.report = str(Path(self.state.folder) / REPORT_TEXT)
        self.show_report(report)
        self.changed.emit()

    def show_report(self, report: Report) -> None:
        self.report = report
        counts = report.counts()
        self.table.setRowCount(len(counts))
        self.details.clear()
        for row, (name, tally) in enumerate(counts.items()):
            self.table.setItem(row, 0, QTableWidgetItem(label_for_import(name)))
            for column, status in enumerate(STATUSES, start=1):
                cell = QTableWidgetItem(str(tally.get(status, 0)))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, cell)
            items = [i for i in report.items if i.category == name]
            top = QTreeWidgetItem([f"{label_for_import(name)} ({len(items)})", "", "", ""])
            self.details.addTopLevelItem(top)
            for i in sorted(items, key=lambda i: i.status == ARRIVED):
                child = QTreeWidgetItem([i.item.replace("\t", ": "),
                                         STATUS_TEXT.get(i.status, i.status), i.reason,
                                         i.advice])
                child.setToolTip(3, i.advice)
                top.addChild(child)
            top.setExpanded(len(items) < 50)
        arrived = sum(t.get(ARRIVED, 0) for t in counts.values())
        missing = sum(n for t in counts.values() for s, n in t.items() if s != ARRIVED)
        text = f"<b>{arrived}</b> arrived on <b>{html.escape(report.account)}</b>"
        text += (f"; <b>{missing}</b> not there — see why and what to do below."
                 if missing else ". Everything in the export is on the new account.")
        self.status.setText(text)
        self.open_button.setEnabled(bool(self.state.report))

    def arrived(self) -> dict[str, int]:
        """Arrivals per category (for tests)."""
        if self.report is None:
            return {}
        return {k: v.get(ARRIVED, 0) for k, v in self.report.counts().items()}

    def open_report(self) -> None:
        if self.state.report:
            self.shared.open_file(self.state.report)
