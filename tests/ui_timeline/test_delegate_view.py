"""PostDelegate caching, hostile posts, hit-testing, focus ring; TimelineView anchor and j/k."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from fedidesk.core.columns import TimelineItem
from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineroles import Role
from fedidesk.ui.timelineview import TimelineView
from tests.ui_timeline.fakeposts import NOW, make_items, make_status


def _option(width: int = 480) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, width, 100)
    return option


def _plain(i: int, **changes: Any) -> TimelineItem:
    base = dataclasses.replace(make_status(i), reblog=None, media_attachments=(), poll=None,
                               card=None, spoiler_text="", in_reply_to_id=None)
    return TimelineItem.of(dataclasses.replace(base, **changes))


def test_size_hint_is_cached_and_stable(qtbot: Any, model: TimelineModel) -> None:
    model.append_older(make_items(0, 20))
    delegate = PostDelegate(now=lambda: NOW)
    delegate.watch(model)
    first = [delegate.sizeHint(_option(), model.index(r)) for r in range(20)]
    layouts = delegate.layout_count
    second = [delegate.sizeHint(_option(), model.index(r)) for r in range(20)]
    assert first == second and delegate.layout_count == layouts == 20
    image = QImage(480, 3000, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    option = _option()
    option.rect = QRect(0, 0, 480, first[0].height())
    delegate.paint(painter, option, model.index(0))
    painter.end()
    assert delegate.layout_count == layouts  # painting reused the layout
    # A layout-affecting change drops exactly that row's entry.
    model.set_expanded(model.ids()[0])
    delegate.sizeHint(_option(), model.index(0))
    delegate.sizeHint(_option(), model.index(1))
    assert delegate.layout_count == layouts + 1


def test_cw_toggle_changes_height(model: TimelineModel) -> None:
    model.append_older([_plain(1, spoiler_text="food", content="<p>" + "soup " * 80 + "</p>")])
    delegate = PostDelegate(now=lambda: NOW)
    delegate.watch(model)
    closed = delegate.sizeHint(_option(), model.index(0)).height()
    model.set_expanded(model.ids()[0])
    opened = delegate.sizeHint(_option(), model.index(0)).height()
    assert opened > closed + 40


def test_hostile_post_paints_quickly(model: TimelineModel) -> None:
    links = "".join(f'<a href="https://e.example/{i}">l{i}</a> ' for i in range(10_000))
    deep = "<span>" * 5000 + "x" + "</span>" * 5000
    huge = "<p>" + "A" * (5 * 1024 * 1024) + "</p>"
    model.append_older([_plain(3, content=huge), _plain(2, content=deep),
                        _plain(1, content=links)])
    delegate = PostDelegate(now=lambda: NOW)
    image = QImage(480, 2000, QImage.Format.Format_ARGB32)
    start = time.perf_counter()
    for row in range(3):
        size = delegate.sizeHint(_option(), model.index(row))
        painter = QPainter(image)
        option = _option()
        option.rect = QRect(0, 0, 480, size.height())
        delegate.paint(painter, option, model.index(row))
        painter.end()
    assert time.perf_counter() - start < 1.0


def _layout_rect(view: TimelineView, row: int) -> QRect:
    return view.visualRect(view.model().index(row, 0))


def test_hit_test_actions_link_and_signal(qtbot: Any, view: TimelineView,
                                          model: TimelineModel) -> None:
    model.append_older([_plain(1, content='<p>see <a href="https://example.org/x">this</a></p>')])
    qtbot.waitUntil(lambda: _layout_rect(view, 0).height() > 0)
    index = model.index(0)
    rect = _layout_rect(view, 0)
    delegate = view.post_delegate
    lay = delegate.layout_for(index, rect.width(), view.font())
    fav = next(b for b in lay.actions if b.name == "favourite")
    hit = delegate.hit_test(index, fav.rect.center() + rect.topLeft(), rect)
    assert (hit.kind, hit.name) == ("action", "favourite")
    assert lay.doc is not None
    link_pos = QPoint(int(lay.doc_pos.x()) + 40, int(lay.doc_pos.y()) + 6) + rect.topLeft()
    link = delegate.hit_test(index, link_pos, rect)
    assert (link.kind, link.href) == ("link", "https://example.org/x")
    with qtbot.waitSignal(delegate.actionTriggered) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=fav.rect.center() + rect.topLeft())
    assert blocker.args == ["favourite", index.data(Role.IdRole)]


def test_focus_ring_is_drawn(model: TimelineModel) -> None:
    model.append_older([_plain(1)])
    delegate = PostDelegate(now=lambda: NOW)
    height = delegate.sizeHint(_option(), model.index(0)).height()

    def render(focused: bool) -> QImage:
        image = QImage(480, height, QImage.Format.Format_ARGB32)
        image.fill(QColor(255, 255, 255))
        option = _option()
        option.rect = QRect(0, 0, 480, height)
        if focused:
            option.state |= QStyle.StateFlag.State_HasFocus
        painter = QPainter(image)
        delegate.paint(painter, option, model.index(0))
        painter.end()
        return image

    plain, focused = render(False), render(True)
    assert any(plain.pixelColor(x, height // 2) != focused.pixelColor(x, height // 2)
               for x in range(6))


def test_insert_above_keeps_top_item(qtbot: Any, view: TimelineView,
                                     model: TimelineModel) -> None:
    model.append_older(make_items(0, 60))
    view.scrollTo(model.index(20), view.ScrollHint.PositionAtTop)
    qtbot.wait(20)
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 17)
    top = view.indexAt(QPoint(4, 1))
    before = (top.data(Role.IdRole), view.visualRect(top).top())
    qtbot.wait(30)
    unread = view.new_posts_count
    counts: list[int] = []
    view.newPostsCountChanged.connect(counts.append)
    model.insert_newer(make_items(60, 40))
    qtbot.wait(30)
    top_after = view.indexAt(QPoint(4, 1))
    assert (top_after.data(Role.IdRole), view.visualRect(top_after).top()) == before
    assert view.new_posts_count == unread + 40 and counts
    view.scroll_to_newest()
    qtbot.waitUntil(lambda: view.new_posts_count == 0)


def test_streaming_arrivals_are_prepared_before_their_insert(qtbot: Any) -> None:
    delegate = PostDelegate(now=lambda: NOW)
    model = TimelineModel(now=lambda: NOW, coalesce_ms=10_000)
    view = TimelineView(delegate=delegate)
    view.setModel(model)
    view.resize(480, 900)
    qtbot.addWidget(view)
    view.show()
    model.append_older(make_items(0, 5))
    view.viewport().grab()
    layouts, renders = delegate.layout_count, delegate.render_count
    for n in range(3):  # three streaming events, buffered by the model
        model.insert_newer(make_items(100 + n, 1))
    assert model.rowCount() == 5
    assert delegate.layout_count == layouts + 3  # laid out and drawn as they came
    assert delegate.render_count == renders + 3
    model.flush()
    view.viewport().grab()
    # The insert and the repaint only read what was prepared: nothing is built again.
    assert model.rowCount() == 8
    assert (delegate.layout_count, delegate.render_count) == (layouts + 3, renders + 3)
    assert [model.index(r).data(Role.IdRole) for r in range(3)] == model.ids()[:3]


def test_a_burst_of_arrivals_draws_only_what_fits_on_screen(qtbot: Any, view: TimelineView,
                                                             model: TimelineModel) -> None:
    model.coalesce_ms = 10_000
    model.append_older(make_items(0, 5))
    view.viewport().grab()
    delegate = view.post_delegate
    layouts, renders = delegate.layout_count, delegate.render_count
    model.insert_newer(make_items(100, 40))  # a catch-up page arriving at once
    assert delegate.layout_count == layouts + 40  # every height is needed
    drawn = delegate.render_count - renders
    assert 0 < drawn < 20  # the 900 px viewport shows the newest few, not forty
    model.flush()
    view.viewport().grab()
    assert delegate.layout_count == layouts + 40


def test_arrivals_below_the_fold_are_laid_out_not_drawn(qtbot: Any, view: TimelineView,
                                                         model: TimelineModel) -> None:
    model.coalesce_ms = 10_000
    model.append_older(make_items(0, 60))
    view.scrollTo(model.index(30), view.ScrollHint.PositionAtTop)
    view.viewport().grab()
    delegate = view.post_delegate
    layouts, renders = delegate.layout_count, delegate.render_count
    model.insert_newer(make_items(100, 2))
    assert delegate.layout_count == layouts + 2  # heights are needed for the relayout
    assert delegate.render_count == renders  # they land above the viewport: no drawing


def test_view_tells_the_model_when_it_shows_the_newest_post(qtbot: Any, view: TimelineView,
                                                            model: TimelineModel) -> None:
    model.append_older(make_items(0, 60))
    qtbot.wait(20)
    assert model.live  # a new view starts at the top
    view.scrollTo(model.index(30), view.ScrollHint.PositionAtTop)
    qtbot.wait(20)
    assert not model.live
    view.scroll_to_newest()
    qtbot.wait(20)
    assert model.live


def test_j_k_move_selection(qtbot: Any, view: TimelineView, model: TimelineModel) -> None:
    model.append_older(make_items(0, 10))
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.currentIndex().row() == 0
    qtbot.keyClick(view, Qt.Key.Key_J)
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.currentIndex().row() == 2
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert view.currentIndex().row() == 1
    with qtbot.waitSignal(view.openThread) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == [model.ids()[1]]


def test_screenshot(qtbot: Any, view: TimelineView, model: TimelineModel) -> None:
    model.append_older(make_items(0, 40))
    qtbot.wait(20)
    assert view.viewport().grab().save("/tmp/timeline.png")  # noqa: S108 (inspected by hand)


def test_a_new_text_size_lays_every_post_out_again(view: TimelineView, model: TimelineModel,
                                                   qtbot: object) -> None:
    """The text size setting changes the application font: rows grow with it."""
    from PySide6.QtGui import QFont

    model.insert_newer(make_items(0, 5))
    qtbot.waitUntil(lambda: view.visualRect(model.index(0)).height() > 0)  # type: ignore[attr-defined]
    before = view.visualRect(model.index(0)).height()
    # The view's own font, not the application's: a global change would reach every
    # widget other tests left behind.
    bigger = QFont(view.font())
    bigger.setPointSizeF(view.font().pointSizeF() * 1.5)
    view.setFont(bigger)
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: view.visualRect(model.index(0)).height() > before * 1.3)
