"""Delete and redraft keeps the deleted post's attachments and their alt text."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import shiboken6
from PySide6.QtGui import QColor, QImage

from fedidesk.core.drafts import DraftMedia, DraftStore
from fedidesk.core.entities import Status
from fedidesk.core.storage import Database
from fedidesk.ui.compose import ComposeWindow
from fedidesk.ui.windows import WindowManager
from tests.compose.conftest import Run, Server, until

pytestmark = pytest.mark.integration


def _png(path: Path) -> bytes:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#10b981"))
    assert image.save(str(path))
    return path.read_bytes()


def _deleted_post_with_media(server: Server, run: Run, tmp_path: Path) -> Status:
    """Alice posts two described pictures, then deletes the post as the post menu does."""
    api = server.api_for(server.alice.handle)

    async def scenario() -> Status:
        first = await api.upload_media(_png(tmp_path / "a.png"), filename="a.png",
                                       mime_type="image/png", description="A green square")
        second = await api.upload_media(_png(tmp_path / "b.png"), filename="b.png",
                                        mime_type="image/png", description="Another one")
        status = await api.post_status("Two squares", visibility="unlisted",
                                       media_ids=[first.id, second.id], sensitive=True)
        deleted = await api.delete_status(status.id)
        assert [m.id for m in deleted.media_attachments] == [first.id, second.id]
        return deleted

    return run(scenario())  # type: ignore[no-any-return]


def _window_manager(server: Server, drafts: DraftStore, tmp_path: Path) -> WindowManager:
    accounts = SimpleNamespace(list=lambda: [server.alice], api=server.api_for)
    ctx: Any = SimpleNamespace(db=Database(":memory:"), accounts=accounts,
                               paths=SimpleNamespace(data_dir=tmp_path))
    manager = WindowManager(ctx)
    manager.drafts = drafts
    return manager


def test_redraft_keeps_attachments_and_alt_text(server: Server, run: Run, tmp_path: Path,
                                                drafts: DraftStore, qtbot: Any) -> None:
    deleted = _deleted_post_with_media(server, run, tmp_path)
    manager = _window_manager(server, drafts, tmp_path)
    manager.redraft(server.alice.handle, deleted)
    (window,) = [w for w in manager.open_windows if isinstance(w, ComposeWindow)]
    try:
        assert not window.editing and window.windowTitle() == "New post"
        assert window.editor.toPlainText() == "Two squares"
        tiles = window.media_strip.tiles()
        assert [t.media_id for t in tiles] == [m.id for m in deleted.media_attachments]
        assert [t.description for t in tiles] == ["A green square", "Another one"]
        assert all(t.state == "ready" for t in tiles)
        assert window.sensitive_box.isChecked()
        assert not window.account_box.isEnabled()  # the media belong to this account
        # The thumbnails come from the server (the files are not on this computer).
        run(until(lambda: tiles[0].thumb.pixmap().toImage().pixelColor(5, 5).name()
                  == "#10b981"))
        tiles[1].alt.setText("Another green square")
        posted: list[Status] = []
        window.posted.connect(posted.append)
        window.post()
        run(until(lambda: bool(posted)))
    finally:
        if shiboken6.isValid(window):
            window.close()
    assert [m.id for m in posted[0].media_attachments] == [
        m.id for m in deleted.media_attachments]
    assert [m.description for m in posted[0].media_attachments] == [
        "A green square", "Another green square"]
    assert posted[0].visibility == "unlisted"


def test_removing_taken_over_media_frees_the_account(make_window: Any) -> None:
    from fedidesk.core.drafts import Draft

    draft = Draft(account="alice@mock.local", text="hi", media=(DraftMedia(
        "https://mock.local/media/a.png", "alt", "12", "alt"),))
    window = make_window(draft=draft)
    assert not window.account_box.isEnabled()
    window.media_strip.remove(window.media_strip.tiles()[0])
    assert window.account_box.isEnabled()
