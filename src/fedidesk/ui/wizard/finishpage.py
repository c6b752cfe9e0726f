"""Step 7: propose a first deck: home, notifications, one column per hashtag, local."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from fedidesk.core.columns import ColumnKind, ColumnSpec
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.ui.wizard.base import WizardPage, label


def proposed_columns(handle: str, tags: list[str]) -> list[ColumnSpec]:
    """Home, notifications, a column per followed hashtag, then the local timeline."""
    specs = [ColumnSpec(account=handle, kind=ColumnKind.HOME),
             ColumnSpec(account=handle, kind=ColumnKind.NOTIFICATIONS)]
    seen: set[str] = set()
    for tag in tags:
        name = tag.lstrip("#")
        if name and name.lower() not in seen:
            seen.add(name.lower())
            specs.append(ColumnSpec(account=handle, kind=ColumnKind.HASHTAG, tags=(name,),
                                    title=f"#{name}"))
    specs.append(ColumnSpec(account=handle, kind=ColumnKind.LOCAL))
    return specs


def describe(spec: ColumnSpec) -> str:
    names = {ColumnKind.HOME: _("Home — people and hashtags you follow"),
             ColumnKind.NOTIFICATIONS: _("Notifications — replies, boosts, new followers"),
             ColumnKind.LOCAL: _("Local — everyone on your server")}
    # TRANSLATORS: a proposed column; {title} is the hashtag, e.g. "#cats".
    return names.get(spec.kind) or _("Hashtag {title}").format(title=spec.title)


class FinishPage(WizardPage):
    key = "finish"
    title = N_("Your first deck")
    intro = N_("fedidesk shows timelines side by side as columns. Here is a first layout; "
               "untick what you do not want. You can add, move and remove columns at any time.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.columns = QListWidget()
        self.columns.setObjectName("deckProposal")
        self.columns.itemChanged.connect(lambda _i: self.changed.emit())
        self.status = label(name="finishStatus")
        self.body.addWidget(self.columns, 1)
        self.body.addWidget(self.status)
        self._unticked: set[str] = set()

    def entered(self) -> None:
        self._fill()
        if self.shared.api() is not None:
            self.run(self._merge_followed())

    async def _merge_followed(self) -> None:
        api = self.shared.api()
        if api is None:
            return
        try:
            page = await api.followed_tags(limit=20)
        except FedideskError:
            return
        known = {t.lower() for t in self.shared.state.followed_tags}
        extra = [t.name for t in page.items if t.name.lower() not in known]
        if extra:
            self.shared.state.followed_tags = [*self.shared.state.followed_tags, *extra]
            self._fill()

    def _fill(self) -> None:
        self._remember_unticked()
        handle = self.shared.state.handle
        self.columns.blockSignals(True)
        self.columns.clear()
        if not handle:
            self.status.setText(_("Sign in first (step 2): columns belong to an account."))
        else:
            # TRANSLATORS: "Finish" is the wizard's last button.
            self.status.setText(_("Columns for <b>{handle}</b>. Press Finish to open them.")
                                .format(handle=html.escape(handle)))
            for spec in proposed_columns(handle, self.shared.state.followed_tags):
                item = QListWidgetItem(describe(spec))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked if spec.key in self._unticked
                                   else Qt.CheckState.Checked)
                item.setData(Qt.ItemDataRole.UserRole, spec)
                self.columns.addItem(item)
        self.columns.blockSignals(False)

    def _remember_unticked(self) -> None:
        for row in range(self.columns.count()):
            item = self.columns.item(row)
            spec = item.data(Qt.ItemDataRole.UserRole)
            if isinstance(spec, ColumnSpec):
                if item.checkState() == Qt.CheckState.Checked:
                    self._unticked.discard(spec.key)
                else:
                    self._unticked.add(spec.key)

    def chosen(self) -> list[ColumnSpec]:
        specs = []
        for row in range(self.columns.count()):
            item = self.columns.item(row)
            spec = item.data(Qt.ItemDataRole.UserRole)
            if isinstance(spec, ColumnSpec) and item.checkState() == Qt.CheckState.Checked:
                specs.append(spec)
        return specs

    def values(self) -> dict[str, Any]:
        self._remember_unticked()
        return {"unticked": sorted(self._unticked)}

    def restore(self, values: dict[str, Any]) -> None:
        unticked = values.get("unticked")
        self._unticked = {str(k) for k in unticked} if isinstance(unticked, list) else set()
