"""Step 2: what to bring to the new account."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QPushButton

from fedidesk.core.i18n import N_, _
from fedidesk.ui.migration.base import MigrationPage, label
from fedidesk.ui.migration.state import CATEGORIES, LABELS

HELP = {
    "follows": N_("followed again from the new account"),
    "lists": N_("recreated with the same members"),
    "mutes": N_("muted again, with the same notification choice"),
    "blocks": N_("blocked again"),
    "domain_blocks": N_("whole servers you hid"),
    "bookmarks": N_("posts you saved, where they can still be found"),
    "hashtags": N_("hashtags you follow"),
    "filters": N_("your keyword filters"),
}


class ChoosePage(MigrationPage):
    key = "choose"
    title = N_("What to bring")
    intro = N_("Tick what the new account should have. Nothing on the new account is "
               "removed: fedidesk only adds what is missing. Your posts cannot be moved to "
               "another server — Mastodon has no way to import them.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        grid = QGridLayout()
        self.boxes: dict[str, QCheckBox] = {}
        for row, name in enumerate(CATEGORIES):
            box = QCheckBox(_(LABELS[name]))
            box.setObjectName(f"bring_{name}")
            box.toggled.connect(self._toggled)
            self.boxes[name] = box
            grid.addWidget(box, row, 0)
            grid.addWidget(label(f"<span style='color:#666'>{_(HELP[name])}</span>"), row, 1)
        grid.setColumnStretch(1, 1)
        self.body.addLayout(grid)
        buttons = QHBoxLayout()
        all_button = QPushButton(_("Everything"))
        all_button.clicked.connect(lambda: self.set_chosen(list(CATEGORIES)))
        none_button = QPushButton(_("Nothing"))
        none_button.clicked.connect(lambda: self.set_chosen([]))
        buttons.addWidget(all_button)
        buttons.addWidget(none_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.move_note = label(name="moveNote")
        self.body.addWidget(self.move_note)
        self.body.addStretch(1)
        self._setting = False

    def entered(self) -> None:
        self.set_chosen(self.state.categories, notify=False)
        self.move_note.setText(
            _("<b>Followers</b> are not in this list: when you move the account (a later "
              "step), your followers are moved to the new account by their servers.")
            if self.shared.moving else
            _("<b>Followers</b> cannot be copied: only moving the account brings them "
              "along."))

    def set_chosen(self, chosen: list[str], *, notify: bool = True) -> None:
        self._setting = True
        for name, box in self.boxes.items():
            box.setChecked(name in chosen)
        self._setting = False
        if notify:
            self._toggled()

    def _toggled(self) -> None:
        if self._setting:
            return
        self.state.categories = [n for n in CATEGORIES if self.boxes[n].isChecked()]
        self.state.planned = False
        self.changed.emit()

    def ready(self) -> tuple[bool, str]:
        if not self.state.categories:
            return False, _("Tick at least one thing to bring.")
        return True, ""
