"""The keyboard shortcuts overview ("?")."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.i18n import N_, _

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("j / k", N_("Next / previous post in the column")),
    ("1 … 9", N_("Focus column 1 to 9")),
    ("Ctrl+Shift+← / →", N_("Move the focused column left / right")),
    ("Enter", N_("Open the post's thread")),
    ("Esc", N_("Close the thread or profile window")),
    ("n", N_("New post")),
    ("r", N_("Reply to the selected post")),
    ("b", N_("Boost the selected post")),
    ("f", N_("Favourite the selected post")),
    ("Ctrl+T", N_("Add a column")),
    ("Ctrl+Enter", N_("Send the post (in the compose window)")),
    ("Ctrl+,", N_("Settings")),
    ("Ctrl+Shift+A", N_("Add an account")),
    ("F11", N_("Full screen")),
    ("?", N_("This overview")),
)


class ShortcutsDialog(QDialog):
    """Lists every keyboard shortcut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.setObjectName("shortcutsDialog")
        self.resize(460, 480)
        table = QTableWidget(len(SHORTCUTS), 2)
        table.setHorizontalHeaderLabels([_("Keys"), _("Action")])
        table.setAccessibleName(_("Keyboard shortcuts"))
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, action) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(_(action)))
        table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
