"""Step 5: the dry run — per category what would be added, what is there, what cannot be found."""

from __future__ import annotations

import html
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
from fedidesk.core.migration.assistant import import_folder
from fedidesk.core.migration.plan import SERVER, Plan, split_list_item
from fedidesk.ui.migration.base import MigrationPage, error_text, label, red
from fedidesk.ui.migration.state import import_categories, label_for_import

COLUMNS = ("What", "To add", "Already there", "Can't be found", "Server not answering",
           "Done earlier")
BUCKETS = ("to_add", "already_there", "unresolvable", "deferred", "finished")
STATUS_TEXT = {"to_add": "to add", "already_there": "already there",
               "unresolvable": "can't be found", "deferred": "server not answering",
               "finished": "done earlier"}
DAILY = 400


def item_text(category: str, item: str) -> str:
    if category == "lists":
        title, acct = split_list_item(item)
        return f"{title}: {acct}"
    return item


def follows_explanation(plan: Plan) -> str:
    """The follows choice in plain words: API within today's budget, or the server's import."""
    follows = plan.categories.get("follows")
    n = len(follows.to_add) if follows is not None else 0
    if not n:
        return ""
    if plan.follow_path == SERVER:
        return (f"<b>Follows:</b> {n} accounts are more than fedidesk may follow today "
                f"(Mastodon allows {DAILY} follows a day; {plan.budget_left} are left). "
                "So fedidesk writes a ready file, <b>following_accounts.csv</b>, for your new "
                "server's own import page, which has no daily limit. Upload it under "
                "<i>Settings → Import and export → Import</i>, type <b>Following</b>, mode "
                "<b>Merge</b> (never Overwrite: that would unfollow everyone not in the file).")
    accounts = "1 account fits" if n == 1 else f"{n} accounts fit"
    return (f"<b>Follows:</b> {accounts} in today's limit ({plan.budget_left} of {DAILY} "
            "follows a day left), so fedidesk follows them one by one for you.")


class PlanPage(MigrationPage):
    key = "plan"
    title = "Check before importing"
    intro = ("A dry run: fedidesk looks up everything on the new server and shows what it "
             "would add. Nothing is changed yet.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.plan: Plan | None = None
        self.check_button = QPushButton("Check again")
        self.check_button.setObjectName("checkPlan")
        self.check_button.clicked.connect(self.check)
        self.status = label(name="planStatus")
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.check_button)
        self.body.addLayout(top)
        self.summary = QTableWidget(0, len(COLUMNS))
        self.summary.setObjectName("planSummary")
        self.summary.setHorizontalHeaderLabels(list(COLUMNS))
        self.summary.verticalHeader().hide()
        self.summary.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.summary.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.summary.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.summary.setMaximumHeight(230)
        self.body.addWidget(self.summary)
        self.follows_label = label(name="followsChoice")
        self.body.addWidget(self.follows_label)
        self.warnings = label(name="planWarnings")
        self.body.addWidget(self.warnings)
        self.details = QTreeWidget()
        self.details.setObjectName("planDetails")
        self.details.setHeaderLabels(["Item", "Result", "Why / new address"])
        self.details.setColumnWidth(0, 260)
        self.details.setColumnWidth(1, 140)
        self.body.addWidget(self.details, 1)

    def entered(self) -> None:
        if self.plan is None and not self.busy():
            self.check()

    def check(self) -> None:
        if self.busy():
            return
        api = self.shared.api(self.state.new)
        if api is None:
            self.status.setText(red(f"fedidesk is not signed in to {self.state.new}."))
            return
        self.status.setText("Looking everything up on the new server…")
        self.check_button.setEnabled(False)
        self.run(self._check(api))

    async def _check(self, api: Any) -> None:
        try:
            outcome = await import_folder(api, self.shared.ctx.db, self.state.new,
                                          self.state.folder, dry_run=True,
                                          only=import_categories(self.state.categories))
        except FedideskError as exc:
            self.status.setText(red(error_text(exc)))
            return
        finally:
            self.check_button.setEnabled(True)
        self.show_plan(outcome.plan)
        self.state.planned = True
        self.changed.emit()

    def show_plan(self, plan: Plan) -> None:
        self.plan = plan
        names = [n for n in plan.categories if plan.categories[n].total()]
        self.summary.setRowCount(len(names))
        self.details.clear()
        for row, name in enumerate(names):
            cat = plan.categories[name]
            self.summary.setItem(row, 0, QTableWidgetItem(label_for_import(name)))
            for column, bucket in enumerate(BUCKETS, start=1):
                cell = QTableWidgetItem(str(len(getattr(cat, bucket))))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.summary.setItem(row, column, cell)
            top = QTreeWidgetItem([f"{label_for_import(name)} ({cat.total()})", "", ""])
            self.details.addTopLevelItem(top)
            for bucket in BUCKETS:
                for item in getattr(cat, bucket):
                    top.addChild(QTreeWidgetItem([item_text(name, item.item),
                                                  STATUS_TEXT[bucket], item.note]))
            top.setExpanded(name != "follows" or cat.total() < 50)
        adds = sum(len(c.to_add) for c in plan.categories.values())
        self.status.setText(f"<b>{adds}</b> things to add to <b>{html.escape(plan.account)}"
                            "</b>. Nothing is removed or overwritten.")
        self.follows_label.setText(follows_explanation(plan))
        warnings = [*plan.warnings, *plan.source.problems]
        self.warnings.setText("".join(f"<div>⚠ {html.escape(w)}</div>" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def counts(self) -> dict[str, dict[str, int]]:
        """The summary table's numbers, per plan category (for tests)."""
        return self.plan.summary() if self.plan is not None else {}

    def ready(self) -> tuple[bool, str]:
        if self.busy():
            return False, "Still checking."
        if self.plan is None:
            return False, "Run the check first."
        return True, ""
