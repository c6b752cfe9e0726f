"""Editing a post's alt text goes with the edit (media_attributes), not PUT /media/:id."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QFont, QImage

from fedidesk.core.entities import Status
from fedidesk.core.posting import draft_for_edit
from fedidesk.ui.compose import ComposeWindow
from tests.compose.conftest import Run, Server, until

pytestmark = pytest.mark.integration


def test_an_edit_sends_the_alt_text_with_the_post(
        server: Server, run: Run, tmp_path: Path,
        make_window: Callable[..., ComposeWindow]) -> None:
    image = QImage(32, 32, QImage.Format.Format_RGB32)
    image.fill(QColor("#6364ff"))
    assert image.save(str(tmp_path / "p.png"))
    api = server.api_for(server.alice.handle)

    async def publish() -> tuple[Status, dict[str, Any]]:
        media = await api.upload_media((tmp_path / "p.png").read_bytes(), filename="p.png",
                                       mime_type="image/png", description="A square")
        status = await api.post_status("A picture", media_ids=[media.id])
        return status, await api.status_source(status.id)

    status, source = run(publish())
    requests = server.requests
    draft = draft_for_edit(server.alice.handle, status, source)
    (item,) = draft.media
    draft = draft.replace(media=(replace(item, description="A blue square"),))
    window = make_window(api_for=server.api_for, draft=draft)
    posted: list[Status] = []
    window.posted.connect(posted.append)
    window.post()
    run(until(lambda: bool(posted)))
    assert not [r for r in requests if r[0] == "PUT" and r[1].startswith("/api/v1/media/")]
    (edit,) = [json.loads(r[2]) for r in requests
               if r[0] == "PUT" and r[1] == f"/api/v1/statuses/{status.id}"]
    assert edit["media_ids"] == [item.media_id]
    assert edit["media_attributes"] == [{"id": item.media_id, "description": "A blue square"}]


def test_the_post_text_follows_the_text_size(make_window: Callable[..., ComposeWindow]) -> None:
    from PySide6.QtWidgets import QApplication

    window = make_window()
    before = window.editor.font().pointSizeF()
    assert before > window.font().pointSizeF()  # a little larger than the window's text
    bigger = QFont(window.font())
    bigger.setPointSizeF(window.font().pointSizeF() * 1.5)
    window.setFont(bigger)  # as the text size setting reaches it (not app-wide in tests)
    QApplication.processEvents()
    assert window.editor.font().pointSizeF() >= before * 1.4
