"""Step 5: the dry run — per category what would be added, what is there, what cannot be found.

Also the choice of how follows travel (``FollowsChoice``: auto, API, or the server's import
page), with the numbers that matter; changing it checks again with the new choice.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.migration.assistant import import_folder
from fedidesk.core.migration.plan import (
    API_RESERVE,
    FOLLOWS_VIA,
    SERVER,
    VIA_API,
    VIA_AUTO,
    VIA_SERVER,
    FollowsVia,
    Plan,
    split_list_item,
)
from fedidesk.core.migration.reasons import describe
from fedidesk.core.migration.source import require_export_files
from fedidesk.ui.migration.base import MigrationPage, error_text, label, number, red
from fedidesk.ui.migration.state import (
    FOLLOWS_VIA_LABELS,
    import_categories,
    label_for_import,
)

COLUMNS = (N_("What"), N_("To add"), N_("Already there"), N_("Can't be found"),
           N_("Server not answering"), N_("Done earlier"))
BUCKETS = ("to_add", "already_there", "unresolvable", "deferred", "finished")
STATUS_TEXT = {"to_add": N_("to add"), "already_there": N_("already there"),
               "unresolvable": N_("can't be found"), "deferred": N_("server not answering"),
               "finished": N_("done earlier")}
DAILY = 400
HEADING_ALIGNMENT = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
#: Room around a heading's text inside its section (both sides together), in pixels.
HEADING_PADDING = 8


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
    if plan.follows_via == VIA_SERVER:
        # TRANSLATORS: {n} accounts to follow. "Settings → Import and export → Import",
        # "Following" and "Merge" are the Mastodon website's words; use its words.
        return ngettext(
            "<b>Follows:</b> as you chose, fedidesk writes <b>following_accounts.csv</b> with "
            "{n} account for your new server's own import page. Upload it under <i>Settings → "
            "Import and export → Import</i>, type <b>Following</b>, mode <b>Merge</b> (never "
            "Overwrite). The report then shows which follows have arrived.",
            "<b>Follows:</b> as you chose, fedidesk writes <b>following_accounts.csv</b> with "
            "{n} accounts for your new server's own import page. Upload it under <i>Settings → "
            "Import and export → Import</i>, type <b>Following</b>, mode <b>Merge</b> (never "
            "Overwrite). The report then shows which follows have arrived.", n).format(
                n=number(n))
    if plan.follows_via == VIA_API:
        days = plan.api_days(plan.follow_reserve)
        duration = ngettext("about {days} day in all", "about {days} days in all",
                            days).format(days=number(days))
        # TRANSLATORS: {n} accounts to follow through the API; {today} of them today, then
        # up to {per_day} a day after 00:00 UTC; {duration} is "about 3 days in all".
        return ngettext(
            "<b>Follows:</b> as you chose, fedidesk follows {n} account through the API: "
            "{today} today, then up to {per_day} a day after 00:00 UTC, {duration}. It "
            "continues by itself while this window is open, or when you click <b>Continue "
            "import</b>.",
            "<b>Follows:</b> as you chose, fedidesk follows {n} accounts through the API: "
            "{today} today, then up to {per_day} a day after 00:00 UTC, {duration}. It "
            "continues by itself while this window is open, or when you click <b>Continue "
            "import</b>.", n).format(
                n=number(n), today=number(plan.api_today(plan.follow_reserve)),
                per_day=number(plan.api_per_day(plan.follow_reserve)), duration=duration)
    if plan.follow_path == SERVER:
        # TRANSLATORS: {n} accounts to follow, {daily} follows allowed a day, {left} of
        # them left today. "Settings → Import and export → Import", "Following", "Merge"
        # and "Overwrite" are the Mastodon website's words; use its words in your language.
        return ngettext(
            "<b>Follows:</b> {n} account is more than fedidesk may follow today (Mastodon "
            "allows {daily} follows a day; {left} left today). So fedidesk writes a ready "
            "file, <b>following_accounts.csv</b>, for your new server's own import page, which has "
            "no daily limit. Upload it under <i>Settings → Import and export → Import</i>, "
            "type <b>Following</b>, mode <b>Merge</b> (never Overwrite: that would unfollow "
            "everyone not in the file).",
            "<b>Follows:</b> {n} accounts are more than fedidesk may follow today (Mastodon "
            "allows {daily} follows a day; {left} left today). So fedidesk writes a ready "
            "file, <b>following_accounts.csv</b>, for your new server's own import page, which has "
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


class FollowsChoice(QGroupBox):
    """How follows travel: three radio buttons, each with a one-line explanation that carries
    the plan's numbers.

    Signals:
        chosen(str): the user picked another choice (``FollowsVia``).
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("How to bring the accounts you follow"), parent)
        self.setObjectName("followsVia")
        self.setAccessibleName(_("How to bring the accounts you follow"))
        layout = QVBoxLayout(self)
        self.numbers = label(name="followsViaNumbers")
        layout.addWidget(self.numbers)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        self.texts: dict[str, QLabel] = {}
        for via in FOLLOWS_VIA:
            button = QRadioButton(_(FOLLOWS_VIA_LABELS[via]))
            button.setObjectName(f"followsVia_{via}")
            button.setAccessibleName(_(FOLLOWS_VIA_LABELS[via]))
            self.group.addButton(button)
            text = label(name=f"followsViaText_{via}")
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setContentsMargins(24, 0, 0, 4)
            layout.addWidget(button)
            layout.addWidget(text)
            self.buttons[via], self.texts[via] = button, text
            button.toggled.connect(lambda on, v=via: self.chosen.emit(v) if on else None)

    def choice(self) -> FollowsVia:
        return next((v for v in FOLLOWS_VIA if self.buttons[v].isChecked()), VIA_AUTO)

    def set_choice(self, via: FollowsVia) -> None:
        """Check ``via`` without emitting ``chosen``."""
        self.blockSignals(True)
        self.buttons[via].setChecked(True)
        self.blockSignals(False)

    def show_numbers(self, plan: Plan) -> None:
        follows = plan.categories.get("follows")
        n = len(follows.to_add) if follows is not None else 0
        # TRANSLATORS: {n} accounts to follow; {left} of the {daily} follows a day are left.
        numbers = ngettext(
            "<b>{n}</b> account to follow; <b>{left}</b> of {daily} follows a day left today.",
            "<b>{n}</b> accounts to follow; <b>{left}</b> of {daily} follows a day left today.",
            n).format(n=number(n), left=number(plan.budget_left), daily=number(DAILY))
        tags = plan.categories.get("tags")
        if tags is not None and tags.to_add:
            # The API figures below count hashtag follows too: say so, or they don't add up.
            numbers += " " + ngettext(
                "{t} hashtag to follow counts against the same limit.",
                "{t} hashtags to follow count against the same limit.",
                len(tags.to_add)).format(t=number(len(tags.to_add)))
        self.numbers.setText(numbers)
        days = plan.api_days(API_RESERVE)
        texts = {
            VIA_AUTO: _("Through the API when they fit in what is left today; otherwise a "
                        "file for the new server's import page. Recommended."),
            # TRANSLATORS: {days} days at up to {per_day} follows a day, {today} of them
            # today; {reserve} follows a day are kept free for following people by hand.
            VIA_API: ngettext(
                "Only the API: about {days} day at up to {per_day} a day ({today} today), "
                "continuing after 00:00 UTC; {reserve} follows a day stay free for you.",
                "Only the API: about {days} days at up to {per_day} a day ({today} today), "
                "continuing after 00:00 UTC; {reserve} follows a day stay free for you.",
                days).format(days=number(days), per_day=number(plan.api_per_day(API_RESERVE)),
                             today=number(plan.api_today(API_RESERVE)),
                             reserve=number(API_RESERVE)),
            VIA_SERVER: _("fedidesk writes following_accounts.csv for you to upload on the "
                          "new server (no daily limit); the report shows which arrived."),
        }
        for via, text in texts.items():
            self.texts[via].setText(text)
            self.buttons[via].setAccessibleDescription(text)


class PlanPage(MigrationPage):
    key = "plan"
    title = N_("Check before importing")
    intro = N_("A dry run: fedidesk looks up everything on the new server and shows what it "
               "would add. Nothing is changed yet.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.plan: Plan | None = None
        self._generation = 0
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
        # Category names ("Stummgeschaltete Konten") take the room they need on one line;
        # the number columns share the rest, their headings wrapping onto a second line.
        header = self.summary.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(HEADING_ALIGNMENT)
        header.sectionResized.connect(self._fit_headings)
        self.summary.setMaximumHeight(230)
        self.body.addWidget(self.summary)
        self.follows_choice = FollowsChoice()
        self.follows_choice.set_choice(self.state.follows_via)
        self.follows_choice.chosen.connect(self.choose_follows_via)
        self.follows_choice.hide()
        self.body.addWidget(self.follows_choice)
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
        self.follows_choice.set_choice(self.state.follows_via)
        if self.plan is None and not self.busy():
            self.check()

    def choose_follows_via(self, via: str) -> None:
        """Another way to bring follows: remember it and check again with it."""
        chosen = next((v for v in FOLLOWS_VIA if v == via), VIA_AUTO)
        if chosen == self.state.follows_via:
            return
        self.state.follows_via = chosen
        self.cancel_work()  # a check with the old choice is no longer wanted
        self._start_check()
        self.changed.emit()  # saved; Next waits for the new check

    def check(self) -> None:
        if self.busy():
            return
        self._start_check()

    def _start_check(self) -> None:
        api = self.new_account_api(self.status)
        if api is None:
            return
        self._generation += 1
        self.status.setText(_("Looking everything up on the new server…"))
        self.check_button.setEnabled(False)
        self.run(self._check(api, self._generation))

    async def _check(self, api: Any, generation: int) -> None:
        try:
            require_export_files(self.state.folder)  # a clear message, and Next stays off
            outcome = await import_folder(api, self.shared.ctx.db, self.state.new,
                                          self.state.folder, dry_run=True,
                                          only=import_categories(self.state.categories),
                                          follows_via=self.state.follows_via)
        except FedideskError as exc:
            if generation == self._generation:
                self.status.setText(red(error_text(exc)))
            return
        finally:
            if generation == self._generation:
                self.check_button.setEnabled(True)
        if generation != self._generation:
            return
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
        self.summary.resizeRowsToContents()
        self._fit_summary()
        adds = sum(len(c.to_add) for c in plan.categories.values())
        self.status.setText(ngettext(
            "<b>{n}</b> thing to add to <b>{account}</b>. Nothing is removed or overwritten.",
            "<b>{n}</b> things to add to <b>{account}</b>. Nothing is removed or overwritten.",
            adds).format(n=number(adds), account=html.escape(plan.account)))
        self.follows_label.setText(follows_explanation(plan))
        follows = plan.categories.get("follows")
        self.follows_choice.setVisible(follows is not None and follows.total() > 0)
        self.follows_choice.show_numbers(plan)
        warnings = [*plan.warnings, *plan.source.problems]
        self.warnings.setText("".join(f"<div>⚠ {html.escape(w)}</div>" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def _fit_headings(self) -> None:
        """Make the heading row as tall as its longest wrapped heading (Qt does not)."""
        header = self.summary.horizontalHeader()
        metrics = header.fontMetrics()
        needed = metrics.height()
        for column in range(header.count()):
            heading = self.summary.horizontalHeaderItem(column)
            if heading is None:
                continue
            room = QRect(0, 0, max(1, header.sectionSize(column) - HEADING_PADDING), 10_000)
            needed = max(needed, metrics.boundingRect(room, int(HEADING_ALIGNMENT),
                                                      heading.text()).height())
        if header.minimumHeight() != needed + HEADING_PADDING:
            header.setMinimumHeight(needed + HEADING_PADDING)
            self._fit_summary()

    def _fit_summary(self) -> None:
        """As tall as its rows (up to 230 px), leaving room for the choice and the details."""
        rows = sum(self.summary.rowHeight(r) for r in range(self.summary.rowCount()))
        height = rows + self.summary.horizontalHeader().height() + 2 * self.summary.frameWidth()
        self.summary.setMaximumHeight(min(230, height + 4))

    def counts(self) -> dict[str, dict[str, int]]:
        """The summary table's numbers, per plan category (for tests)."""
        return self.plan.summary() if self.plan is not None else {}

    def ready(self) -> tuple[bool, str]:
        if self.busy():
            return False, _("Still checking.")
        if self.plan is None:
            return False, _("Run the check first.")
        return True, ""
