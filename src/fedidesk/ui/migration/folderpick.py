"""A non-blocking folder picker (``QFileDialog.open()``, never ``exec()``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QWidget


def pick_folder(parent: QWidget, title: str, start: str,
                done: Callable[[str], None]) -> QFileDialog:
    """Show a folder dialog; ``done(path)`` runs when one is chosen."""
    dialog = QFileDialog(parent, title, start)
    dialog.setObjectName("folderDialog")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.fileSelected.connect(lambda path: done(str(path)))
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog
