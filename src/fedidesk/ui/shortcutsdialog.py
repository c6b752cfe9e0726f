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

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("j / k", "Next / previous post in the column"),
    ("1 … 9", "Focus column 1 to 9"),
    ("Ctrl+Shift+← / →", "Move the focused column left / right"),
    ("Enter", "Open the post's thread"),
    ("Esc", "Close the thread or profile window"),
    ("n", "New post"),
    ("r", "Reply to the selected post"),
    ("b", "Boost the selected post"),
    ("f", "Favourite the selected post"),
    ("Ctrl+T", "Add a column"),
    ("Ctrl+Enter", "Send the post (in the compose window)"),
    ("Ctrl+,", "Settings"),
    ("Ctrl+Shift+A", "Add an account"),
    ("F11", "Full screen"),
    ("?", "This overview"),
)


class ShortcutsDialog(QDialog):
    """Lists every keyboard shortcut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        self.resize(460, 480)
        table = QTableWidget(len(SHORTCUTS), 2)
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.setAccessibleName("Keyboard shortcuts")
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, action) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(action))
        table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
