"""The settings dialog: every control is wired to a real setting in ``core.settings.SCHEMA``.

Changes apply immediately (as desktop apps on all three systems do) and are saved
atomically by ``Settings.set``; "Restore defaults" resets the settings of the page shown
(and nothing else). The language applies when fedidesk starts again, which the page says as
soon as another language is chosen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.accounts import AccountManager
from fedidesk.core.i18n import N_, _
from fedidesk.core.settings import SCHEMA, Settings
from fedidesk.ui.shortcutsdialog import SHORTCUTS

THEMES = (("system", N_("Follow the system")), ("light", N_("Light")), ("dark", N_("Dark")))
# Each language is named in itself, so everyone can find their own.
LANGUAGES = (("system", N_("Follow the system")), ("en", "English"), ("de", "Deutsch"),
             ("fr", "Français"), ("es", "Español"), ("ja", "日本語"))
MEDIA = (("always", N_("Always")), ("on-click", N_("Only when I click")))
NOTIFICATION_TYPES = (
    ("mention", N_("Mentions and replies")),
    ("follow", N_("New followers")),
    ("favourite", N_("Favourites")),
    ("reblog", N_("Boosts")),
    ("poll", N_("Ended polls")),
    ("follow_request", N_("Follow requests")),
)


class SettingsDialog(QDialog):
    """Appearance, notifications, privacy and network settings."""

    def __init__(self, settings: Settings, parent: QWidget | None = None, *,
                 accounts: AccountManager | None = None,
                 sign_out: Callable[[str], object] | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.accounts = accounts
        self._sign_out = sign_out
        self.setWindowTitle(_("Settings"))
        self.setObjectName("settingsDialog")
        self.resize(520, 420)
        tabs = self.tabs = QTabWidget(self)
        tabs.addTab(self._appearance_page(), _("Appearance"))
        tabs.addTab(self._notifications_page(), _("Notifications"))
        tabs.addTab(self._privacy_page(), _("Privacy"))
        tabs.addTab(self._network_page(), _("Network"))
        if accounts is not None:
            tabs.addTab(self._accounts_page(), _("Accounts"))
        tabs.addTab(self._keyboard_page(), _("Keyboard"))
        # Wide enough for every tab title in the language in use (French needed more).
        self.resize(max(520, tabs.tabBar().sizeHint().width() + 40), 420)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)

    def _combo(self, name: str, choices: tuple[tuple[str, str], ...], label: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(label)
        for value, text in choices:
            combo.addItem(_(text), value)
        combo.setCurrentIndex(max(0, combo.findData(self.settings.get(name))))
        combo.currentIndexChanged.connect(lambda _i: self.settings.set(name, combo.currentData()))
        return combo

    def _check(self, name: str, text: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setObjectName(name)
        box.setToolTip(_(SCHEMA[name].description))
        box.setChecked(bool(self.settings.get(name)))
        box.toggled.connect(lambda on: self.settings.set(name, bool(on)))
        return box

    def _spin(self, name: str, low: float, high: float, step: float, suffix: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setSuffix(suffix)
        spin.setValue(float(self.settings.get(name)))
        spin.valueChanged.connect(lambda v: self.settings.set(name, float(v)))
        return spin

    def _appearance_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(_("Colour scheme:"),
                    self._combo("appearance.theme", THEMES, _("Colour scheme")))
        form.addRow(_("Text size:"), self._spin("appearance.font_scale", 0.75, 2.0, 0.05, "×"))
        language = self._combo("general.language", LANGUAGES, _("Language"))
        language.setToolTip(_(SCHEMA["general.language"].description))
        form.addRow(_("Language:"), language)
        self.language_note = QLabel(_("The new language applies when fedidesk starts again."))
        self.language_note.setObjectName("languageNote")
        self.language_note.setWordWrap(True)
        self._started_language = str(self.settings.get("general.language"))
        language.currentIndexChanged.connect(lambda _i: self._show_language_note())
        form.addRow("", self.language_note)
        self._show_language_note()
        form.addRow(self._check("appearance.reduce_motion", _("Reduce motion (no animations)")))
        form.addRow(self._check("general.close_to_tray",
                                _("Closing the window keeps fedidesk running in the tray")))
        return page

    def _notifications_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._check("notifications.desktop", _("Show desktop notifications")))
        layout.addWidget(QLabel(_("Notify me about:")))
        self.types_list = QListWidget()
        self.types_list.setObjectName("notifications.types")
        self.types_list.setAccessibleName(_("Notification types"))
        chosen = set(self.settings.get("notifications.types"))
        for value, text in NOTIFICATION_TYPES:
            item = QListWidgetItem(_(text))
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in chosen
                               else Qt.CheckState.Unchecked)
            self.types_list.addItem(item)
        self.types_list.itemChanged.connect(self._types_changed)
        layout.addWidget(self.types_list)
        return page

    def _types_changed(self, _item: QListWidgetItem) -> None:
        values = []
        for row in range(self.types_list.count()):
            item = self.types_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                values.append(str(item.data(Qt.ItemDataRole.UserRole)))
        self.settings.set("notifications.types", values)

    def _privacy_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(_("Load remote images:"),
                    self._combo("privacy.load_remote_media", MEDIA, _("Load remote images")))
        note = QLabel(_("Sign-in tokens are kept only in your system's keyring, never in files."))
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _network_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(_("Give up on a request after:"),
                    # TRANSLATORS: suffix after a number of seconds in a spin box (" s").
                    self._spin("network.timeout_s", 5.0, 120.0, 5.0, _(" s")))
        return page

    def _accounts_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(_("Signed-in accounts. Switching never signs the others out.")))
        self.accounts_list = QListWidget()
        self.accounts_list.setObjectName("accountsList")
        self.accounts_list.setAccessibleName(_("Signed-in accounts"))
        layout.addWidget(self.accounts_list)
        buttons = QHBoxLayout()
        self.default_button = QPushButton(_("Make default"))
        self.default_button.clicked.connect(self._make_default)
        self.sign_out_button = QPushButton(_("Sign out…"))
        self.sign_out_button.clicked.connect(self._sign_out_selected)
        buttons.addWidget(self.default_button)
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.refresh_accounts()
        return page

    def refresh_accounts(self) -> None:
        if self.accounts is None:
            return
        self.accounts_list.clear()
        default = self.accounts.default
        for entry in self.accounts.list():
            label = entry.handle
            if default is not None and entry.handle == default.handle:
                label += "  " + _("(default)")
            if entry.needs_sign_in:
                label += "  " + _("— needs to sign in again")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, entry.handle)
            self.accounts_list.addItem(item)
        if self.accounts_list.count():
            self.accounts_list.setCurrentRow(0)

    def _selected_handle(self) -> str | None:
        item = self.accounts_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _make_default(self) -> None:
        handle = self._selected_handle()
        if handle and self.accounts is not None:
            self.accounts.set_default(handle)
            self.refresh_accounts()

    def _sign_out_selected(self) -> None:
        handle = self._selected_handle()
        if handle and self._sign_out is not None:
            self._sign_out(handle)

    def _keyboard_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        table = QListWidget()
        table.setAccessibleName(_("Keyboard shortcuts"))
        for keys, action in SHORTCUTS:
            table.addItem(f"{keys}\t{_(action)}")
        layout.addWidget(table)
        return page

    def _show_language_note(self) -> None:
        chosen = self.settings.get("general.language")
        self.language_note.setVisible(chosen != self._started_language)

    def restore_defaults(self) -> None:
        """Reset the settings whose controls are on the page shown."""
        page = self.tabs.currentWidget()
        widgets = page.findChildren(QWidget) if page is not None else []
        names = {w.objectName() for w in widgets} & set(SCHEMA)
        for name in names:
            self.settings.set(name, SCHEMA[name].default)
        for widget in widgets:
            name = widget.objectName()
            if name in names:
                value = self.settings.get(name)
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(max(0, widget.findData(value)))
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
                elif isinstance(widget, QDoubleSpinBox):
                    widget.setValue(float(value))
        for row in range(self.types_list.count() if "notifications.types" in names else 0):
            item = self.types_list.item(row)
            on = item.data(Qt.ItemDataRole.UserRole) in self.settings.get("notifications.types")
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
