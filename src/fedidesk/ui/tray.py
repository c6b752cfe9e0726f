"""The system tray icon: unread count, New post, Show/Hide, Quit; optional close-to-tray."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from fedidesk.core.i18n import _, ngettext


class Tray(QSystemTrayIcon):
    """Tray icon for the main window (only created where a tray exists)."""

    def __init__(self, window: QWidget, icon: QIcon, *, compose: Callable[[], object],
                 quit_app: Callable[[], object]) -> None:
        super().__init__(icon, window)
        self.window = window
        self.unread = 0
        menu = QMenu(window)
        self.compose_action = QAction(_("New post…"), menu)
        self.compose_action.triggered.connect(lambda *_: compose())
        self.toggle_action = QAction(_("Hide fedidesk"), menu)
        self.toggle_action.triggered.connect(lambda *_: self.toggle_window())
        quit_action = QAction(_("Quit"), menu)
        quit_action.triggered.connect(lambda *_: quit_app())
        for action in (self.compose_action, self.toggle_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(quit_action)
        self.setContextMenu(menu)
        # The window can also be hidden by closing it (close to tray): say what is true now.
        menu.aboutToShow.connect(self.sync_label)
        self.activated.connect(self._activated)
        self.set_unread(0)

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def set_unread(self, count: int) -> None:
        self.unread = count
        self.setToolTip(ngettext("fedidesk — {n} unread", "fedidesk — {n} unread", count).format(
            n=QLocale().toString(count)) if count else "fedidesk")

    def toggle_window(self) -> None:
        if self.window.isVisible():
            self.window.hide()
        else:
            self.show_window()
        self.sync_label()

    def sync_label(self) -> None:
        self.toggle_action.setText(_("Hide fedidesk") if self.window.isVisible()
                                   else _("Show fedidesk"))

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.toggle_window()
