"""Light and dark themes: follow the system, or the user's choice in Settings.

Qt reports the system colour scheme (``QStyleHints.colorScheme``) and announces changes;
fedidesk follows it unless the user picked light or dark. The dark palette is explicit
(Fusion style) so it looks the same on every system, and the system accent colour, where
Qt exposes it as the palette's highlight, is kept. The text size setting scales the font.
"Reduce motion" turns off Qt's animated and fading menus, combo boxes, tool tips and tool
boxes (fedidesk itself animates nothing: new posts and scrolling jump, they do not glide).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from fedidesk.core.settings import Settings

_ROLES_DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#26282b",
    QPalette.ColorRole.ToolTipBase: "#2d2f33",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2b2d31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Mid: "#3c4043",
    QPalette.ColorRole.Dark: "#111214",
    QPalette.ColorRole.Light: "#3c4043",
}


def dark_palette(accent: QColor | None = None) -> QPalette:
    palette = QPalette()
    for role, colour in _ROLES_DARK.items():
        palette.setColor(role, QColor(colour))
    highlight = accent if accent is not None and accent.isValid() else QColor("#6364ff")
    palette.setColor(QPalette.ColorRole.Highlight, highlight)
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7f8387"))
    return palette


#: Qt's own animations (what "Reduce motion" turns off); ``UI_General`` first, as the others
#: only count while it is on.
EFFECTS = (Qt.UIEffect.UI_General, Qt.UIEffect.UI_AnimateMenu, Qt.UIEffect.UI_FadeMenu,
           Qt.UIEffect.UI_AnimateCombo, Qt.UIEffect.UI_AnimateTooltip,
           Qt.UIEffect.UI_FadeTooltip, Qt.UIEffect.UI_AnimateToolBox)


class ThemeManager(QObject):
    """Applies ``appearance.theme`` and ``appearance.font_scale``; follows system changes."""

    def __init__(self, app: QApplication, settings: Settings) -> None:
        super().__init__(app)
        self.app = app
        self.settings = settings
        self._base_font = QFont(app.font())
        self._system_style = app.style().name()
        self._accent = app.palette().color(QPalette.ColorRole.Highlight)
        self._effects = {effect: QApplication.isEffectEnabled(effect) for effect in EFFECTS}
        self._applied_dark: bool | None = None
        settings.on_change(self._setting_changed)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _s: self.apply())
        self.apply()

    @property
    def dark(self) -> bool:
        choice = self.settings.get("appearance.theme")
        if choice in ("light", "dark"):
            return bool(choice == "dark")
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark

    def apply(self) -> None:
        dark = self.dark
        palette_changed = dark != self._applied_dark
        self._applied_dark = dark
        if dark:
            self._use_style("Fusion")
            self.app.setPalette(dark_palette(self._accent))
        else:
            self._use_style(self._system_style)
            self.app.setPalette(self.app.style().standardPalette())
        font = QFont(self._base_font)
        scale = float(self.settings.get("appearance.font_scale"))
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * scale)
        self.app.setFont(font)
        if palette_changed:  # a text size or motion change needs no restyling
            self._restyle()
        reduce = bool(self.settings.get("appearance.reduce_motion"))
        for effect, enabled in self._effects.items():
            QApplication.setEffectEnabled(effect, enabled and not reduce)

    def _use_style(self, name: str) -> None:
        """Switch to style ``name`` only when it is another one: ``setStyle`` deletes the
        style in use, and a new text size or palette must not pull it from under widgets
        that are painting with it."""
        if self.app.style().name().lower() == name.lower():
            return
        style = QStyleFactory.create(name) or QStyleFactory.create("Fusion")
        if style is not None and style.name().lower() != self.app.style().name().lower():
            self.app.setStyle(style)

    def _restyle(self) -> None:
        """Widgets with a style sheet keep the palette they were polished with (their
        ``palette(…)`` colours and their children's backgrounds): set each sheet again so a
        theme switched while fedidesk runs reaches every window at once."""
        for widget in self.app.allWidgets():
            sheet = widget.styleSheet()
            if sheet:
                widget.setStyleSheet(sheet)

    def _setting_changed(self, name: str, _value: object) -> None:
        if name in ("appearance.theme", "appearance.font_scale", "appearance.reduce_motion"):
            self.apply()
