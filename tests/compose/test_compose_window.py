"""ComposeWindow against mastodon-mock over real HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from fedidesk.core.api import MastodonApi
from fedidesk.core.drafts import DraftStore
from fedidesk.core.entities import MediaAttachment, Status, from_dict
from fedidesk.ui.compose import ComposeWindow, reply_mentions
from tests.compose.conftest import Run, Server, until
from tests.helpers.mockserver import add_fault

pytestmark = pytest.mark.integration


def _png(path: Path, color: str = "#3b82f6") -> Path:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    assert image.save(str(path))
    return path


def _capture(window: ComposeWindow) -> list[Status]:
    posted: list[Status] = []
    window.posted.connect(posted.append)
    return posted


def test_post_text(make_window: Any, server: Server, drafts: DraftStore, run: Run) -> None:
    window = make_window()
    posted = _capture(window)
    window.editor.setPlainText("Hello from the composer 👋")
    assert window.counter.text() == "25 / 500"
    assert window.post_button.isEnabled()

    async def scenario() -> None:
        window.post_button.click()
        await until(lambda: posted)

    run(scenario())
    assert posted[0].id
    statuses = server.statuses()
    assert [s["id"] for s in statuses] == [posted[0].id]
    assert "Hello from the composer" in statuses[0]["content"]
    assert drafts.list() == []
    assert not shiboken6.isValid(window) or not window.isVisible()


def test_ctrl_enter_posts(make_window: Any, server: Server, run: Run, qtbot: Any) -> None:
    window = make_window()
    posted = _capture(window)
    window.editor.setPlainText("sent with the keyboard")

    async def scenario() -> None:
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: posted)

    run(scenario())
    assert len(server.statuses()) == 1


def test_reply_prefills_mentions_visibility_and_cw(make_window: Any, server: Server,
                                                   run: Run) -> None:
    original = server.post_as("bob", status="@carol what do you think?",
                              visibility="unlisted", spoiler_text="film spoilers")
    reply_to = from_dict(Status, original)
    window = make_window(reply_to=reply_to)
    posted = _capture(window)
    assert window.editor.toPlainText() == "@bob @carol "
    assert window.visibility.currentData() == "unlisted"
    assert window.cw_button.isChecked() and window.cw_edit.text() == "film spoilers"
    assert window.reply_banner.isVisible()
    assert "Bob" in window.reply_label.text()
    window.editor.insertPlainText("I loved it")

    async def scenario() -> None:
        window.post()
        await until(lambda: posted)

    run(scenario())
    assert posted[0].in_reply_to_id == original["id"]
    assert posted[0].visibility == "unlisted"
    assert posted[0].spoiler_text == "film spoilers"


def test_reply_leaves_out_own_account(server: Server) -> None:
    status = from_dict(Status, {"id": "1", "account": {"id": "9", "acct": "bob"},
                                "mentions": [{"id": server.alice.account_id, "acct": "alice"},
                                             {"id": "7", "acct": "dan@remote.example"}]})
    assert reply_mentions(status, server.alice) == "@bob @dan@remote.example "


def test_over_limit_disables_post(make_window: Any) -> None:
    window = make_window()
    window.editor.setPlainText("x" * 500)
    assert window.post_button.isEnabled()
    assert window.counter.property("over") is False
    window.editor.insertPlainText("y")
    assert window.counter.text() == "501 / 500"
    assert window.counter.property("over") is True
    assert not window.post_button.isEnabled()
    # A URL counts as 23 however long it is; a CW counts too.
    window.editor.setPlainText("x" * 470 + " https://example.com/" + "p" * 100)
    assert window.counter.text() == "494 / 500"
    window.cw_button.setChecked(True)
    window.cw_edit.setText("1234567")
    assert window.counter.text() == "501 / 500"
    assert not window.post_button.isEnabled()
    window.post()  # refuses quietly
    assert window.post_button.text() == "Post"


def test_empty_post_is_disabled(make_window: Any) -> None:
    window = make_window()
    assert not window.post_button.isEnabled()
    window.editor.setPlainText("   ")
    assert not window.post_button.isEnabled()


def test_poll_post(make_window: Any, server: Server, run: Run) -> None:
    window = make_window()
    posted = _capture(window)
    window.editor.setPlainText("Tabs or spaces?")
    window.poll_button.setChecked(True)
    assert window.poll_editor.isVisible()
    assert not window.post_button.isEnabled()  # empty choices
    first, second = window.poll_editor.option_edits()
    first.setText("Tabs")
    second.setText("Spaces")
    third = window.poll_editor.add_option("Both")
    assert third is not None
    assert window.poll_editor.add_option("Four") is not None
    assert window.poll_editor.add_option("Five") is None  # server allows 4
    window.poll_editor.option_edits()[3].setText("Neither")
    window.poll_editor.multiple.setChecked(True)
    window.poll_editor.duration.setCurrentIndex(window.poll_editor.duration.findData(3600))
    assert not window.media_button.isEnabled()
    assert window.post_button.isEnabled()

    async def scenario() -> None:
        window.post()
        await until(lambda: posted)

    run(scenario())
    poll = posted[0].poll
    assert poll is not None and poll.multiple
    assert [o.title for o in poll.options] == ["Tabs", "Spaces", "Both", "Neither"]


def test_media_upload_with_alt_text(make_window: Any, server: Server, run: Run,
                                    tmp_path: Path) -> None:
    window = make_window()
    posted = _capture(window)
    png = _png(tmp_path / "blue.png")
    window.editor.setPlainText("A blue rectangle")

    async def scenario() -> None:
        (tile,) = window.add_media([str(png)])
        assert tile.note.text() in ("Uploading…", "No alt text yet")
        await until(lambda: tile.state == "ready")
        assert tile.note.text() == "No alt text yet"
        tile.alt.setText("A plain blue rectangle")  # after the upload: PUT before posting
        window.post()
        await until(lambda: posted)

    run(scenario())
    (media,) = posted[0].media_attachments
    assert media.type == "image"
    assert media.description == "A plain blue rectangle"


def test_media_waits_for_async_processing(make_window: Any, server: Server, run: Run,
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    """``POST /api/v2/media`` may answer 202 without a URL; the tile polls until it has one."""
    real_upload = MastodonApi.upload_media
    polls: list[str] = []
    real_media = MastodonApi.media

    async def upload_202(self: MastodonApi, *a: Any, **kw: Any) -> MediaAttachment:
        return dataclasses.replace(await real_upload(self, *a, **kw), url=None)

    async def media(self: MastodonApi, media_id: str) -> MediaAttachment:
        polls.append(media_id)
        found = await real_media(self, media_id)
        return dataclasses.replace(found, url=None) if len(polls) < 3 else found

    monkeypatch.setattr(MastodonApi, "upload_media", upload_202)
    monkeypatch.setattr(MastodonApi, "media", media)
    window = make_window()
    png = _png(tmp_path / "slow.png")

    async def scenario() -> None:
        (tile,) = window.add_media([str(png)])
        await until(lambda: tile.state == "processing")
        assert tile.progress.isVisible()
        await until(lambda: tile.state == "ready")

    run(scenario())
    assert len(polls) == 3


def test_retry_after_500_posts_once_with_the_same_key(make_window: Any, server: Server,
                                                      drafts: DraftStore, run: Run) -> None:
    add_fault(server.base_url, {"match": {"methods": ["POST"], "path": "/api/v1/statuses"},
                                "effect": {"type": "status", "status": 500}, "count": 1})
    window = make_window()
    posted = _capture(window)
    window.editor.setPlainText("try, try again")

    async def scenario() -> None:
        window.post()
        await until(lambda: window.error_label.isVisible())
        assert "trouble" in window.error_label.text()
        assert window.post_button.isEnabled()
        box = window.findChild(QMessageBox, "postErrorBox")
        assert box is not None and box.isVisible()
        box.close()
        assert drafts.list() != []
        window.post()  # the person clicks Post again
        await until(lambda: posted)

    run(scenario())
    assert len(server.statuses()) == 1
    assert len(server.sent_keys) == 2
    assert server.sent_keys[0] == server.sent_keys[1] != ""
    assert drafts.list() == []


def test_server_dedupes_a_retry_after_a_timeout(make_window: Any, server: Server,
                                                run: Run) -> None:
    """The first POST reaches the server but its answer is too late; the automatic retry
    carries the same Idempotency-Key, and mastodon-mock returns the first status for it."""
    server.read_timeout = 0.6
    server.policy = dataclasses.replace(server.policy, max_attempts=3)
    add_fault(server.base_url, {"match": {"methods": ["POST"], "path": "/api/v1/statuses"},
                                "effect": {"type": "latency", "delay_ms": 1500}, "count": 1})
    window = make_window()
    posted = _capture(window)
    window.editor.setPlainText("only once, please")

    async def scenario() -> None:
        window.post()
        await until(lambda: posted)
        await asyncio.sleep(1.5)  # let the delayed first request finish on the server

    run(scenario())
    assert len(server.sent_keys) == 2 and len(set(server.sent_keys)) == 1
    assert [s["id"] for s in server.statuses()] == [posted[0].id]


def test_422_shows_server_message_and_keeps_draft(make_window: Any, server: Server,
                                                  drafts: DraftStore, run: Run) -> None:
    body = {"error": "Validation failed: Text contains a forbidden word",
            "details": {"text": [{"error": "ERR_INVALID", "description": "contains a "
                                  "forbidden word"}]}}
    add_fault(server.base_url, {"match": {"methods": ["POST"], "path": "/api/v1/statuses"},
                                "effect": {"type": "status", "status": 422, "body": body},
                                "count": 1})
    window = make_window()
    posted = _capture(window)
    window.editor.setPlainText("a forbidden word")

    async def scenario() -> None:
        window.post()
        await until(lambda: window.error_label.isVisible())

    run(scenario())
    assert "Text contains a forbidden word" in window.error_label.text()
    assert "Text contains a forbidden word" in window.error_label.text().split("\n")[-1]
    box = window.findChild(QMessageBox, "postErrorBox")
    assert box is not None and "forbidden word" in box.text()
    assert not posted and window.isVisible()
    (kept,) = drafts.list()
    assert kept.text == "a forbidden word"
    assert server.statuses() == []


def test_draft_restored_after_window_destroyed(make_window: Any, drafts: DraftStore,
                                               run: Run, tmp_path: Path) -> None:
    first = make_window()
    first.editor.setPlainText("half-written thought")
    first.cw_button.setChecked(True)
    first.cw_edit.setText("meta")
    first.visibility.setCurrentIndex(first.visibility.findData("private"))
    png = _png(tmp_path / "keep.png")
    first.add_media([str(png)])

    async def scenario() -> None:
        await until(lambda: first.media_strip.tiles()[0].state == "ready")
        first.media_strip.tiles()[0].alt.setText("kept alt")
        await until(lambda: drafts.list() and drafts.list()[0].media
                    and drafts.list()[0].media[0].description == "kept alt")

    run(scenario())
    saved = drafts.list()[0]
    # The window disappears without closing (a crash): nothing but the autosave ran.
    ComposeWindow.open_drafts.discard(saved.id)
    first.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    first.deleteLater()
    QApplication.sendPostedEvents(None, 0)

    second = make_window()
    assert second.restore_bar.isVisible()
    assert "1 unsent draft" in second.restore_label.text()
    second.restore_button.click()
    assert second.editor.toPlainText() == "half-written thought"
    assert second.cw_edit.text() == "meta" and second.cw_button.isChecked()
    assert second.visibility.currentData() == "private"
    (tile,) = second.media_strip.tiles()
    assert tile.description == "kept alt" and tile.media_id
    assert second.current_draft().idempotency_key == saved.idempotency_key
    assert not second.restore_bar.isVisible()


def test_discard_leftover_draft(make_window: Any, drafts: DraftStore) -> None:
    from fedidesk.core.drafts import Draft

    drafts.save(Draft(account="alice@mock.local", text="old idea"))
    window = make_window()
    assert window.restore_bar.isVisible()
    window.discard_button.click()
    assert drafts.list() == []
    assert not window.restore_bar.isVisible()


def test_drop_and_paste_images(make_window: Any, run: Run, tmp_path: Path) -> None:
    window = make_window()
    png = _png(tmp_path / "dropped.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(png))])
    drop = QDropEvent(QPointF(QPoint(20, 20)), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert [t.path for t in window.media_strip.tiles()] == [str(png)]

    # Dropped onto the text field (QPlainTextEdit routes drops through insertFromMimeData).
    window.editor.insertFromMimeData(mime)
    assert len(window.media_strip.tiles()) == 2

    pasted = QMimeData()
    image = QImage(30, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    pasted.setImageData(image)
    QApplication.clipboard().setMimeData(pasted)
    window.editor.paste()
    tiles = window.media_strip.tiles()
    assert len(tiles) == 3
    assert Path(tiles[2].path).parent == tmp_path / "draft-media"
    assert Path(tiles[2].path).name.startswith("pasted-")
    assert window.editor.toPlainText() == ""

    async def scenario() -> None:
        await until(lambda: all(t.state == "ready" for t in window.media_strip.tiles()))

    run(scenario())
    # Plain text still pastes as text.
    text = QMimeData()
    text.setText("just words")
    window.editor.insertFromMimeData(text)
    assert window.editor.toPlainText() == "just words"


def test_media_limit_and_removal(make_window: Any, tmp_path: Path, run: Run) -> None:
    window = make_window()
    paths = [str(_png(tmp_path / f"{i}.png")) for i in range(5)]
    tiles = window.add_media(paths)
    assert len(tiles) == 4
    assert "Only 4 attachments" in window.error_label.text()
    assert not window.media_button.isEnabled()
    assert not window.poll_button.isEnabled()

    async def scenario() -> None:
        await until(lambda: all(t.state == "ready" for t in tiles))

    run(scenario())
    tiles[0].remove.click()
    assert len(window.media_strip.tiles()) == 3
    assert window.media_button.isEnabled()


def test_mention_and_hashtag_autocomplete(make_window: Any, run: Run) -> None:
    window = make_window()
    popup = window.editor.completer.popup()

    async def scenario() -> None:
        window.editor.insertPlainText("hi @bo")
        await until(lambda: popup is not None and popup.isVisible())
        assert window.editor.completer.currentCompletion() == "@bob"
        window.editor.insert_completion("@bob")

    run(scenario())
    assert window.editor.toPlainText() == "hi @bob "


def test_custom_emoji_picker(make_window: Any, run: Run) -> None:
    window = make_window()

    async def scenario() -> None:
        window.emoji_button.click()
        await until(lambda: window.emoji_picker.isVisible())
        picker = window.emoji_picker.list
        # The mock's emoji URLs do not resolve: every item falls back to its shortcode.
        await until(lambda: all(picker.item(i).text() or not picker.item(i).icon().isNull()
                                for i in range(picker.count())))

    run(scenario())
    codes = [window.emoji_picker.list.item(i).data(Qt.ItemDataRole.UserRole)
             for i in range(window.emoji_picker.list.count())]
    assert codes == ["mastodon", "blobcat"]
    window.emoji_picker.filter.setText("blob")
    assert window.emoji_picker.list.item(0).isHidden()
    window.emoji_picker._activate(window.emoji_picker.list.item(1))
    assert window.editor.toPlainText() == ":blobcat: "


def test_accessible_names(make_window: Any) -> None:
    window = make_window()
    for widget in (window.editor, window.cw_edit, window.visibility, window.language,
                   window.counter, window.post_button, window.media_button,
                   window.poll_button, window.cw_button, window.emoji_button,
                   window.account_box):
        assert widget.accessibleName(), widget


def test_screenshot(make_window: Any, run: Run, tmp_path: Path) -> None:
    original = from_dict(Status, {
        "id": "1", "content": "<p>Has anyone tried the new deck layout? Columns for "
        "lists, hashtags and notifications side by side.</p>", "visibility": "public",
        "account": {"id": "2", "acct": "bob", "username": "bob", "display_name": "Bob"}})
    window = make_window(reply_to=original)
    window.resize(660, 560)
    window.editor.insertPlainText("Yes! I keep #fedidesk open all day: "
                                  "https://example.com/a/very/long/link/to/my/setup 🎉")
    window.add_media([str(_png(tmp_path / "shot.png", "#8b5cf6")),
                      str(_png(tmp_path / "shot2.png", "#10b981"))])

    async def scenario() -> None:
        await until(lambda: all(t.state == "ready" for t in window.media_strip.tiles()))
        window.media_strip.tiles()[0].alt.setText("Screenshot of my deck")

    run(scenario())
    assert window.grab().save("/tmp/compose.png")  # noqa: S108 (where the brief wants it)
