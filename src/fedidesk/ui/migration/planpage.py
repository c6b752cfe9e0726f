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
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.migration.assistant import import_folder
from fedidesk.core.migration.plan import SERVER, Plan, split_list_item
from fedidesk.core.migration.reasons import describe
from fedidesk.ui.migration.base import MigrationPage, error_text, label, number, red
from fedidesk.ui.migration.state import import_categories, label_for_import

COLUMNS = (N_("What"), N_("To add"), N_("Already there"), N_("Can't be found"),
           N_("Server not answering"), N_("Done earlier"))
BUCKETS = ("to_add", "already_there", "unresolvable", "deferred", "finished")
STATUS_TEXT = {"to_add": N_("to add"), "already_there": N_("already there"),
               "unresolvable": N_("can't be found"), "deferred": N_("server not answering"),
               "finished": N_("done earlier")}
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
        # TRANSLATORS: {n} accounts to follow, {daily} follows allowed a day, {left} of
        # them left today. "Settings → Import and export → Import", "Following", "Merge"
        # and "Overwrite" are the Mastodon website's words; use its words in your language.
        return ngettext(
            "<b>Follows:</b> {n} accounts are more than fedidesk may follow today (Mastodon "
            "allows {daily} follows a day; {left} are left). So fedidesk writes a ready file, "
            "<b>following_accounts.csv</b>, for your new server's own import page, which has "
            "no daily limit. Upload it under <i>Settings → Import and export → Import</i>, "
            "type <b>Following</b>, mode <b>Merge</b> (never Overwrite: that would unfollow "
            "everyone not in the file).",
            "<b>Follows:</b> {n} accounts are more than fedidesk may follow today (Mastodon "
            "allows {daily} follows a day; {left} are left). So fedidesk writes a ready file, "
            "<b>following_accounts.csv</b>, for your new server's own import page, which has "
            "no daily limit. Upload it under <i>Settings → Import and export → Import</i>, "
            "type <b>Following</b>, mode <b>Merge</b> (never Overwrite: that would unfollow "
            "everyone not in the file).", n).format(
                n=number(n), daily=number(DAILY), left=number(plan.budget_left))
    # TRANSLATORS: {n} accounts to follow; {left} of {daily} follows a day are left.
    return ngettext(
        "<b>Follows:</b> {n} account fits in today's limit ({left} of {daily} follows a day "
        "left), so fedidesk follows them one by one for you.",
        "<b>Follows:</b> {n} accounts fit in today's limit ({left} of {daily} follows a day "
        "left), so fedidesk follows them one by one for you.", n).format(
            n=number(n), daily=number(DAILY), left=number(plan.budget_left))


class PlanPage(MigrationPage):
    key = "plan"
    title = N_("Check before importing")
    intro = N_("A dry run: fedidesk looks up everything on the new server and shows what it "
               "would add. Nothing is changed yet.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.plan: Plan | None = None
        self.check_button = QPushButton(_("Check again"))
        self.check_button.setObjectName("checkPlan")
        self.check_button.clicked.connect(self.check)
        self.status = label(name="planStatus")
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.check_button)
        self.body.addLayout(top)
        self.summary = QTableWidget(0, len(COLUMNS))
        self.summary.setObjectName("planSummary")
        self.summary.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
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
        self.details.setHeaderLabels([_("Item"), _("Result"), _("Why / new address")])
        self.details.setColumnWidth(0, 260)
        self.details.setColumnWidth(1, 140)
        self.body.addWidget(self.details, 1)

    def entered(self) -> None:
        if self.plan is None and not self.busy():
            self.check()

    def check(self) -> None:
        if self.busy():
            return
        api = self.new_account_api(self.status)
        if api is None:
            return
        self.status.setText(_("Looking everything up on the new server…"))
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
                cell = QTableWidgetItem(number(len(getattr(cat, bucket))))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.summary.setItem(row, column, cell)
            top = QTreeWidgetItem([f"{label_for_import(name)} ({number(cat.total())})", "", ""])
            self.details.addTopLevelItem(top)
            for bucket in BUCKETS:
                for item in getattr(cat, bucket):
                    top.addChild(QTreeWidgetItem([item_text(name, item.item),
                                                  _(STATUS_TEXT[bucket]),
                                                  describe(item.note)]))
            top.setExpanded(name != "follows" or cat.total() < 50)
        adds = sum(len(c.to_add) for c in plan.categories.values())
        self.status.setText(ngettext(
            "<b>{n}</b> things to add to <b>{account}</b>. Nothing is removed or overwritten.",
            "<b>{n}</b> things to add to <b>{account}</b>. Nothing is removed or overwritten.",
            adds).format(n=number(adds), account=html.escape(plan.account)))
        self.follows_label.setText(follows_explanation(plan))
        warnings = [*plan.warnings, *plan.source.problems]
        self.warnings.setText("".join(f"<div>⚠ {html.escape(w)}</div>" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def counts(self) -> dict[str, dict[str, int]]:
        """The summary table's numbers, per plan category (for tests)."""
        return self.plan.summary() if self.plan is not None else {}

    def ready(self) -> tuple[bool, str]:
        if self.busy():
            return False, _("Still checking.")
        if self.plan is None:
            return False, _("Run the check first.")
        return True, ""
