"""The About dialog: version, libraries, licence and where fedidesk keeps its files."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from fedidesk import __version__
from fedidesk.core.i18n import _
from fedidesk.core.paths import ProfilePaths


class AboutDialog(QDialog):
    """Shows what this build is and where its data lives."""

    def __init__(self, paths: ProfilePaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About fedidesk"))
        self.setObjectName("aboutDialog")
        title = QLabel(f"<h2>fedidesk {__version__}</h2>")
        title.setTextFormat(Qt.TextFormat.RichText)
        body = QLabel(
            _("A native desktop client for Mastodon and the fediverse: a multi-column deck, "
              "a friendly start for newcomers and a safe way to move between servers.")
        )
        body.setWordWrap(True)
        facts = QLabel()
        facts.setTextFormat(Qt.TextFormat.PlainText)
        facts.setText(
            f"Python {platform.python_version()} · Qt {qVersion()} · "
            f"PySide6 {PySide6.__version__}\n"
            + _("Settings: {path}").format(path=paths.config_dir) + "\n"
            + _("Data: {path}").format(path=paths.data_dir) + "\n"
            + _("Logs: {path}").format(path=paths.log_dir) + "\n"
            + _("Licence: {licence}").format(licence="GPL-3.0-or-later")
        )
        facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (title, body, facts, buttons):
            layout.addWidget(widget)
