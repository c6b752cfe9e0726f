"""Translations: complete, placeholders intact, plurals right, languages switch, RTL works."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from fedidesk.core import i18n
from fedidesk.core.i18n import _, ngettext
from tests.ui.conftest import aloop, ctx  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]


def _tools() -> object:
    spec = importlib.util.spec_from_file_location("i18n_tools", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def restore_english() -> Iterator[None]:
    yield
    i18n.install("en")


def test_every_language_translates_every_message() -> None:
    """No string is left untranslated, no placeholder dropped, every .mo up to date."""
    problems = _tools().problems()  # type: ignore[attr-defined]
    assert problems == [], problems[:20]


@pytest.mark.parametrize(("language", "expected"), [
    ("de", "Spalte hinzufügen"), ("fr", "colonne"), ("es", "columna"), ("ja", "カラム"),
])
def test_switching_language(language: str, expected: str, restore_english: None) -> None:
    assert i18n.install(language) == language
    assert expected.lower() in _("Add &column…").replace("&", "").lower() or \
        expected in _("Add column")


def test_plural_forms(restore_english: None) -> None:
    i18n.install("de")
    one = ngettext("{n} new post", "{n} new posts", 1).format(n=1)
    many = ngettext("{n} new post", "{n} new posts", 3).format(n=3)
    assert one != many and "1" in one and "3" in many
    i18n.install("ja")
    assert ngettext("{n} new post", "{n} new posts", 1).format(n=1) != "1 new post"


def test_unknown_language_falls_back_to_english(restore_english: None) -> None:
    assert i18n.install("tlh") == "en"
    assert _("Add column") == "Add column"


def test_errors_speak_the_chosen_language(restore_english: None) -> None:
    from fedidesk.core.errors import NetworkError

    i18n.install("de")
    assert NetworkError().user_message != NetworkError.user_message


def test_right_to_left_layout(qapp: object, ctx: object, qtbot: object,  # noqa: F811
                              restore_english: None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from fedidesk.ui.app import make_login
    from fedidesk.ui.mainwindow import MainWindow

    assert i18n.is_right_to_left("ar") and not i18n.is_right_to_left("de")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        window = MainWindow(ctx, make_login(ctx, lambda: window))  # type: ignore[arg-type]
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.resize(900, 600)
        window.show()
        switcher = window.account_switcher
        x = switcher.mapTo(window, switcher.rect().topLeft()).x()
        assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert x > window.width() // 2  # the toolbar starts on the right
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
