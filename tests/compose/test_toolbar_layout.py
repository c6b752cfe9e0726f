"""The bottom toolbar never squeezes the character counter or the Post button.

Long translations (German "Veröffentlichen", "Nur für Follower") at the minimum width used
to crush both; visibility and language now move to a row of their own when needed.
Set ``FEDIDESK_SHOTS`` to a folder to keep the screenshots.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from fedidesk.core import i18n
from fedidesk.core.entities import Status, from_dict
from fedidesk.ui.compose import ComposeWindow
from tests.compose.conftest import Run, until

pytestmark = pytest.mark.integration


@pytest.fixture(params=["de", "fr", "es", "ja", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.current_language()
    i18n.install(request.param)
    try:
        yield str(request.param)
    finally:
        i18n.install(before)


def _shown_in_full(window: ComposeWindow, widget: QWidget) -> None:
    assert widget.isVisible()
    assert widget.width() >= widget.sizeHint().width(), widget.objectName()
    right = widget.mapTo(window, widget.rect().topRight()).x()
    assert right < window.width(), widget.objectName()


def _check(window: ComposeWindow, name: str, width: int) -> None:
    window.resize(width, 500)
    QApplication.processEvents()
    window.layout().activate()
    QApplication.processEvents()
    assert window.width() == width
    _shown_in_full(window, window.counter)
    _shown_in_full(window, window.post_button)
    for combo in (window.visibility, window.language):
        assert combo.width() >= combo.minimumSizeHint().width()
        right = combo.mapTo(window, combo.rect().topRight()).x()
        assert right < window.width()
    shots = os.environ.get("FEDIDESK_SHOTS")
    if shots:
        window.grab().save(str(Path(shots) / f"compose-{name}-{width}.png"))


@pytest.mark.parametrize("width", [500, 640, 900])
def test_reply_with_cw_and_attachment(language: str, width: int, make_window: Any,
                                      tmp_path: Path, run: Run) -> None:
    target = from_dict(Status, {
        "id": "1", "content": "<p>Has anyone tried a desktop client?</p>",
        "visibility": "public",
        "account": {"id": "2", "acct": "grace", "username": "grace",
                    "display_name": "Grace Hopper"}})
    window = make_window(reply_to=target)
    window.cw_button.setChecked(True)
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#c62828"))
    image.save(str(tmp_path / "red.png"))

    async def attach() -> None:
        (tile,) = window.add_media([str(tmp_path / "red.png")])
        await until(lambda: tile.state == "ready")

    run(attach())
    window.editor.setPlainText("x" * 5200)
    _check(window, f"{language}-reply", width)


@pytest.mark.parametrize("width", [500, 640])
def test_new_post_with_poll(language: str, width: int, make_window: Any) -> None:
    window = make_window()
    window.poll_button.setChecked(True)
    _check(window, f"{language}-poll", width)
    # The poll editor's own controls fit as well.
    for widget in (window.poll_editor.add_button, window.poll_editor.duration,
                   window.poll_editor.multiple):
        _shown_in_full(window, widget)


def test_one_row_when_there_is_room(make_window: Any) -> None:
    window = make_window()
    window.resize(900, 500)
    QApplication.processEvents()
    assert not window.toolbar_wrapped
    assert window.visibility.y() == window.post_button.y() or abs(
        window.visibility.mapTo(window, window.visibility.rect().center()).y()
        - window.post_button.mapTo(window, window.post_button.rect().center()).y()) < 6
