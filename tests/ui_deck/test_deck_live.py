"""A live deck against mastodon-mock: two accounts, streaming, acting, notifying."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from fedidesk.core.auth.login import token_login
from fedidesk.core.columns import ColumnKind, ColumnSpec, TimelineItem
from fedidesk.core.context import AppContext
from fedidesk.ui.deck import DeckWidget
from fedidesk.ui.deckcontroller import DeckController
from fedidesk.ui.timelinemodel import TimelineModel
from tests.helpers.mockserver import add_fault, token_for
from tests.ui.conftest import LoopRunner

pytestmark = pytest.mark.integration


def _post(mock: MockServer, user: str, text: str) -> dict[str, object]:
    response = httpx.post(f"{mock.base_url}/api/v1/statuses", data={"status": text},
                          headers={"Authorization": f"Bearer {token_for(mock, user)}"},
                          timeout=10)
    response.raise_for_status()
    return dict(response.json())


def _texts(model: TimelineModel) -> list[str]:
    texts = []
    for item_id in model.ids():
        row = model.find(item_id)
        if isinstance(row, TimelineItem) and row.status is not None:
            texts.append(row.status.original.content)
    return texts


@pytest.fixture
def deck(ctx: AppContext, aloop: LoopRunner, mock: MockServer, qtbot: object
         ) -> tuple[DeckWidget, DeckController, dict[str, str]]:
    handles = {}
    for user in ("alice", "bob"):
        entry = aloop.run(token_login(mock.base_url, token_for(mock, user),
                                      accounts=ctx.accounts))
        handles[user] = entry.handle
    controller = DeckController(ctx)
    widget = DeckWidget(ctx.settings, controller.make_column)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.resize(1300, 800)
    widget.show()
    yield widget, controller, handles
    aloop.run(controller.aclose())


def test_live_posts_actions_and_notifications_across_two_accounts(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner,
        mock: MockServer, ctx: AppContext) -> None:
    widget, controller, handles = deck
    ctx.settings.set("notifications.desktop", True)
    shown: list[tuple[str, str]] = []
    controller.notifier.shown.connect(lambda title, body: shown.append((title, body)))
    home = widget.add_column(ColumnSpec(account=handles["alice"], kind=ColumnKind.HOME))
    notes = widget.add_column(ColumnSpec(account=handles["alice"],
                                         kind=ColumnKind.NOTIFICATIONS))
    bob_home = widget.add_column(ColumnSpec(account=handles["bob"], kind=ColumnKind.HOME))
    aloop.until(lambda: all(c.state == "live" for c in (home, notes, bob_home)))

    # alice follows bob (seed): bob's post arrives live in alice's home and bob's own home.
    _post(mock, "bob", "Hello from the deck test")
    aloop.until(lambda: any("Hello from the deck test" in t for t in _texts(home.model)))
    aloop.until(lambda: any("Hello from the deck test" in t for t in _texts(bob_home.model)))

    # A mention pops up (opt-in setting on) and counts as unread until the column is read.
    _post(mock, "bob", "@alice have a look at this")
    aloop.until(lambda: controller.notifier.unread >= 1 and bool(shown))
    assert shown[0][0] == "Bob mentioned you"
    assert "have a look" in shown[0][1]

    # Keyboard: select the post and press f to favourite it; the server agrees.
    view = home.view
    model = home.model
    row = next(i for i, t in enumerate(_texts(model)) if "Hello from the deck test" in t)
    view.setCurrentIndex(model.index(row))
    view.setFocus()
    from PySide6.QtTest import QTest

    QTest.keyClick(view, Qt.Key.Key_F)
    item = model.item(row)
    assert isinstance(item, TimelineItem) and item.status is not None
    status_id = item.status.original.id
    aloop.until(lambda: bool(_server_status(mock, "alice", status_id)["favourited"]))
    aloop.until(lambda: bool(_row_status(model, status_id).favourited))


def _server_status(mock: MockServer, user: str, status_id: str) -> dict[str, object]:
    return dict(httpx.get(f"{mock.base_url}/api/v1/statuses/{status_id}",
                          headers={"Authorization": f"Bearer {token_for(mock, user)}"},
                          timeout=10).json())


def _row_status(model: TimelineModel, status_id: str) -> object:
    for item_id in model.ids():
        row = model.find(item_id)
        if isinstance(row, TimelineItem) and row.status is not None and \
                row.status.original.id == status_id:
            return row.status.original
    raise AssertionError("post not in the column")


def test_failed_favourite_rolls_back_with_a_message(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner,
        mock: MockServer) -> None:
    widget, controller, handles = deck
    _post(mock, "bob", "Favourite me if you can")
    home = widget.add_column(ColumnSpec(account=handles["alice"], kind=ColumnKind.HOME))
    aloop.until(lambda: any("Favourite me" in t for t in _texts(home.model)))
    row = next(i for i, t in enumerate(_texts(home.model)) if "Favourite me" in t)
    item = home.model.item(row)
    assert isinstance(item, TimelineItem) and item.status is not None
    messages: list[str] = []
    controller.message.connect(messages.append)
    add_fault(mock.base_url, {"match": {"path_regex": r"/favourite$", "methods": ["POST"]},
                              "effect": {"type": "status", "status": 500}, "count": 5})
    task = controller.actions.toggle(handles["alice"], item.status, "favourite")
    assert task is not None
    aloop.run(task)
    assert messages and "Could not favourite" in messages[0]
    assert not _row_status(home.model, item.status.original.id).favourited  # type: ignore[attr-defined]


def test_sleep_or_network_loss_then_resume_brings_every_post(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner,
        mock: MockServer) -> None:
    widget, controller, handles = deck
    home = widget.add_column(ColumnSpec(account=handles["alice"], kind=ColumnKind.HOME))
    aloop.until(lambda: home.state == "live")
    controller.wake.offline.emit()
    aloop.until(lambda: home.state == "paused")
    for n in range(3):
        _post(mock, "bob", f"written while asleep {n}")
    controller.wake.woke.emit(120.0)
    aloop.until(lambda: home.state == "live")
    aloop.until(lambda: sum("written while asleep" in t for t in _texts(home.model)) == 3)
    texts = [t for t in _texts(home.model) if "written while asleep" in t]
    assert ["2" in texts[0], "1" in texts[1], "0" in texts[2]] == [True, True, True]


def test_wake_watch_notices_a_suspend(qtbot: object) -> None:
    from fedidesk.ui.wakewatch import WakeWatch

    clock = {"wall": 1000.0, "mono": 50.0}
    watch = WakeWatch(interval_ms=60_000, wall=lambda: clock["wall"],
                      monotonic=lambda: clock["mono"])
    woke: list[float] = []
    watch.woke.connect(woke.append)
    clock["wall"] += 10
    clock["mono"] += 10
    watch.check()
    assert woke == []
    clock["wall"] += 3600  # an hour of sleep: the monotonic clock stood still
    clock["mono"] += 10
    watch.check()
    assert woke and 3500 < woke[0] < 3700


def test_media_click_opens_the_viewer_and_edit_reaches_the_composer_signal(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner) -> None:
    from PySide6.QtWidgets import QApplication

    from fedidesk.core.entities import MediaAttachment, Status
    from fedidesk.ui.mediaviewer import MediaViewer

    widget, controller, handles = deck
    status = Status(id="1", media_attachments=(MediaAttachment(
        id="m", type="image", url="https://127.0.0.1:9/a.png", description="A cat"),))
    controller._open_media(widget, status, 0)
    viewers = [w for w in QApplication.topLevelWidgets() if isinstance(w, MediaViewer)]
    assert viewers and viewers[0].isVisible()
    edits: list[tuple[str, object]] = []
    controller.editRequested.connect(lambda account, s: edits.append((account, s)))
    controller.post_actions.editRequested.emit(handles["alice"], status)
    assert edits == [(handles["alice"], status)]


def test_removing_or_rebuilding_a_live_column_reports_nothing_to_the_dead_widget(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner,
        caplog: pytest.LogCaptureFixture) -> None:
    """The feed closes in the background after its column is gone; its last states must
    not reach the deleted widgets ("a feed callback failed")."""
    widget, controller, handles = deck
    messages: list[str] = []
    controller.message.connect(messages.append)
    for kind in (ColumnKind.HOME, ColumnKind.LOCAL, ColumnKind.FEDERATED):
        widget.add_column(ColumnSpec(account=handles["alice"], kind=kind))
    aloop.until(lambda: all(c.state == "live" for c in widget.columns))
    feeds = [c.feed for c in widget.columns]
    widget.remove_column(0)  # Remove column
    widget.replace_spec(0, widget.columns[0].spec.with_options(hide_boosts=True))  # an option
    widget.set_layout([])  # a layout import
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the widgets are gone
    aloop.until(lambda: all(f.state == "closed" for f in feeds))
    aloop.run(asyncio.sleep(0.2))
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
    assert messages == []


def test_an_undone_bookmark_leaves_the_bookmarks_column(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner,
        mock: MockServer) -> None:
    widget, controller, handles = deck
    posted = _post(mock, "bob", "Keep this for later")
    status_id = str(posted["id"])
    httpx.post(f"{mock.base_url}/api/v1/statuses/{status_id}/bookmark", timeout=10,
               headers={"Authorization": f"Bearer {token_for(mock, 'alice')}"}
               ).raise_for_status()
    home = widget.add_column(ColumnSpec(account=handles["alice"], kind=ColumnKind.HOME))
    marks = widget.add_column(ColumnSpec(account=handles["alice"], kind=ColumnKind.BOOKMARKS))
    aloop.until(lambda: any("Keep this" in t for t in _texts(marks.model))
                and any("Keep this" in t for t in _texts(home.model)))
    original = _row_status(home.model, status_id)
    task = controller.actions.toggle(handles["alice"], original, "bookmark")  # type: ignore[arg-type]
    assert task is not None
    aloop.run(task)
    assert not _server_status(mock, "alice", status_id)["bookmarked"]
    assert not any("Keep this" in t for t in _texts(marks.model))  # gone from bookmarks…
    assert not _row_status(home.model, status_id).bookmarked  # type: ignore[attr-defined]
    assert marks.feed is not None and all(  # …for good: not in the feed's rows either
        getattr(r, "status", None) is None or r.status.original.id != status_id
        for r in marks.feed.rows)


def test_a_muted_account_leaves_the_columns_at_once(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner,
        mock: MockServer) -> None:
    from fedidesk.core.entities import Relationship

    widget, controller, handles = deck
    _post(mock, "bob", "Bob talks a lot")
    _post(mock, "bob", "@alice are you there?")
    home = widget.add_column(ColumnSpec(account=handles["alice"], kind=ColumnKind.HOME))
    notes = widget.add_column(ColumnSpec(account=handles["alice"],
                                         kind=ColumnKind.NOTIFICATIONS, grouped=False))
    bobs_own = widget.add_column(ColumnSpec(account=handles["bob"], kind=ColumnKind.HOME))
    aloop.until(lambda: any("Bob talks" in t for t in _texts(home.model))
                and notes.model.rowCount() > 0
                and any("Bob talks" in t for t in _texts(bobs_own.model)))
    bob_id = str(_post(mock, "bob", "one more")["account"]["id"])  # type: ignore[index]
    aloop.until(lambda: any("one more" in t for t in _texts(home.model)))
    notes_before = notes.model.rowCount()

    # Muted, notifications still shown: gone from home, notifications stay.
    controller.relationship_confirmed(handles["alice"], Relationship(
        id=bob_id, muting=True, muting_notifications=False))
    assert not any("Bob" in t or "one more" in t for t in _texts(home.model))
    assert notes.model.rowCount() == notes_before
    assert any("Bob talks" in t for t in _texts(bobs_own.model))  # another account's deck
    # Blocked: the notifications go too.
    controller.relationship_confirmed(handles["alice"], Relationship(id=bob_id, blocking=True))
    assert notes.model.rowCount() < notes_before


def test_a_changed_filter_applies_to_posts_already_shown(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner,
        mock: MockServer) -> None:
    from fedidesk.ui.timelineroles import Role

    widget, controller, handles = deck
    spider = _post(mock, "bob", "Look at this huge spider")
    _post(mock, "bob", "Cats are nice")
    home = widget.add_column(ColumnSpec(account=handles["alice"], kind=ColumnKind.HOME))
    aloop.until(lambda: any("huge spider" in t for t in _texts(home.model))
                and any("Cats" in t for t in _texts(home.model)))

    def warned() -> str:
        row = home.model.row_of(f"status:{spider['id']}")
        return str(home.model.index(row).data(Role.FilterRole) or "")

    api = controller.ctx.accounts.api(handles["alice"])
    made = aloop.run(api.create_filter("Arachnids", ["home"], keywords=[("spider", True)]))
    aloop.run(controller.refilter(handles["alice"]))  # type: ignore[arg-type]
    assert warned() == "Arachnids"  # collapsed with the filter's title
    aloop.run(api.delete_filter(made.id))
    aloop.run(api.create_filter("No spiders", ["home"], filter_action="hide",
                                keywords=[("SPIDER", False)]))
    aloop.run(controller.refilter(handles["alice"]))  # type: ignore[arg-type]
    assert not any("huge spider" in t for t in _texts(home.model))  # hidden
    assert any("Cats" in t for t in _texts(home.model))
    assert home.feed is not None and any(  # kept in the feed, hidden only in the view
        getattr(r, "status", None) is not None and r.status.id == str(spider["id"])
        for r in home.feed.rows)


def test_the_status_bar_hears_when_an_accounts_columns_go_offline(
        deck: tuple[DeckWidget, DeckController, dict[str, str]], aloop: LoopRunner,
        mock: MockServer) -> None:
    from tests.helpers.mockserver import clear_faults

    widget, controller, handles = deck
    heard: list[tuple[str, str]] = []
    controller.connectionChanged.connect(lambda handle, state: heard.append((handle, state)))
    home = widget.add_column(ColumnSpec(account=handles["alice"], kind=ColumnKind.HOME))
    aloop.until(lambda: home.state == "live")
    assert heard == [(handles["alice"], "online")]
    add_fault(mock.base_url, {"match": {"path_regex": "^/api/"},
                              "effect": {"type": "status", "status": 503}})
    assert home.feed is not None
    aloop.run(home.feed.refresh())
    aloop.until(lambda: home.state == "offline")
    assert heard[-1] == (handles["alice"], "offline")
    clear_faults(mock.base_url)
    aloop.run(home.feed.refresh())
    aloop.until(lambda: heard[-1] == (handles["alice"], "online"))
    assert len(heard) == 3  # told once per change, not on every state
