"""Deck layout: add, remove, reorder, resize, persist, export/import, keyboard focus."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QApplication, QDialog, QListView

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.columns import ColumnKind, ColumnSpec
from fedidesk.core.errors import NotFoundError
from fedidesk.core.settings import Settings
from fedidesk.ui.addcolumn import AddColumnDialog
from fedidesk.ui.column import ColumnWidget
from fedidesk.ui.deck import DeckWidget, LayoutFileError
from tests.ui.conftest import LoopRunner


def _factory(spec: ColumnSpec) -> ColumnWidget:
    model = QStringListModel([f"{spec.display_title} post {i}" for i in range(5)])
    view = QListView()
    view.setModel(model)
    return ColumnWidget(spec, model, view)


@pytest.fixture
def deck(qtbot: object, tmp_path: Path) -> DeckWidget:
    settings = Settings(tmp_path / "settings.json")
    widget = DeckWidget(settings, _factory)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.resize(1400, 700)
    widget.show()
    return widget


HOME = ColumnSpec(account="alice@a.example", kind=ColumnKind.HOME)
NOTES = ColumnSpec(account="alice@a.example", kind=ColumnKind.NOTIFICATIONS)
TAG = ColumnSpec(account="bob@b.example", kind=ColumnKind.HASHTAG, tags=("python",))


def test_columns_from_two_accounts_side_by_side(deck: DeckWidget) -> None:
    for spec in (HOME, NOTES, TAG):
        deck.add_column(spec)
    assert [c.spec for c in deck.columns] == [HOME, NOTES, TAG]
    assert {c.spec.account for c in deck.columns} == {"alice@a.example", "bob@b.example"}
    assert deck.splitter.count() == 3


def test_move_remove_and_persist(deck: DeckWidget, tmp_path: Path) -> None:
    for spec in (HOME, NOTES, TAG):
        deck.add_column(spec)
    deck.move_column(2, -1)
    assert deck.specs() == [HOME, TAG, NOTES]
    deck.move_column(0, -1)  # already leftmost: nothing happens
    assert deck.specs() == [HOME, TAG, NOTES]
    deck.remove_column(0)
    deck.save()
    saved = json.loads((tmp_path / "settings.json").read_text())["values"]["deck.columns"]
    assert [ColumnSpec.from_json(c["spec"]) for c in saved] == [TAG, NOTES]
    again = DeckWidget(Settings(tmp_path / "settings.json"), _factory)
    again.load()
    assert again.specs() == [TAG, NOTES]


def test_resize_is_free_and_remembered(deck: DeckWidget, tmp_path: Path) -> None:
    deck.add_column(HOME, 300)
    deck.add_column(NOTES, 620)
    widths = deck.widths()
    assert widths[1] > widths[0] + 200
    deck.save()
    again = DeckWidget(Settings(tmp_path / "settings.json"), _factory)
    again.load()
    assert [entry["width"] for entry in again.to_json()["columns"]] == widths


def test_export_import_layout(deck: DeckWidget, tmp_path: Path) -> None:
    for spec in (HOME, TAG):
        deck.add_column(spec)
    path = tmp_path / "layout.json"
    deck.export_layout(path)
    deck.set_layout([])
    warnings = deck.import_layout(path, {"alice@a.example"})
    assert deck.specs() == [HOME]
    assert len(warnings) == 1 and "bob@b.example" in warnings[0]
    path.write_text("{not json")
    with pytest.raises(LayoutFileError):
        deck.import_layout(path, {"alice@a.example"})


def test_number_keys_focus_columns_and_ring_follows(deck: DeckWidget, qtbot: object) -> None:
    for spec in (HOME, NOTES, TAG):
        deck.add_column(spec)
    deck.activateWindow()
    deck.focus_column(1)
    qtbot.waitUntil(lambda: deck.focused_index() == 1)  # type: ignore[attr-defined]
    assert deck.columns[1].property("focusedColumn") is True
    deck.move_focused(1)
    assert deck.specs() == [HOME, TAG, NOTES]


def test_options_menu_changes_spec(deck: DeckWidget) -> None:
    column = deck.add_column(HOME)
    column.hide_boosts_action.setChecked(True)
    assert deck.specs()[0].hide_boosts is True


def test_add_column_dialog_builds_specs(qtbot: object) -> None:
    accounts = [AccountEntry("alice@a.example", "https://a.example", "1"),
                AccountEntry("bob@b.example", "https://b.example", "2")]
    dialog = AddColumnDialog(accounts, "bob@b.example")
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.spec() == ColumnSpec(account="bob@b.example", kind=ColumnKind.HOME)
    rows = {dialog.kind_list.item(i).data(Qt.ItemDataRole.UserRole): i
            for i in range(dialog.kind_list.count())}
    dialog.kind_list.setCurrentRow(rows["hashtag"])
    assert dialog.spec() is None and "hashtag" in dialog.message.text()
    dialog.tags_edit.setText("#Python, qt")
    dialog.local_check.setChecked(True)
    spec = dialog.spec()
    assert spec is not None and spec.tags == ("python", "qt") and spec.local_only
    dialog.kind_list.setCurrentRow(rows["remote"])
    dialog.server_edit.setText("fosstodon.org")
    spec = dialog.spec()
    assert spec is not None and spec.server == "https://fosstodon.org"


def test_add_column_dialog_looks_up_a_profile_before_accepting(
        qtbot: object, aloop: LoopRunner) -> None:
    accounts = [AccountEntry("alice@a.example", "https://a.example", "1")]
    asked: list[tuple[str, str]] = []

    async def find(handle: str, acct: str) -> str:
        asked.append((handle, acct))
        await asyncio.sleep(0)
        if acct == "ghost@b.example":
            raise NotFoundError("ghost@b.example could not be found from a.example.")
        return "42"

    dialog = AddColumnDialog(accounts, "alice@a.example", find_account=find)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.open()
    rows = {dialog.kind_list.item(i).data(Qt.ItemDataRole.UserRole): i
            for i in range(dialog.kind_list.count())}
    dialog.kind_list.setCurrentRow(rows["profile"])
    dialog.acct_edit.setText("@ghost@b.example")
    dialog.ok_button.click()
    assert not dialog.ok_button.isEnabled() and "Looking up" in dialog.message.text()
    aloop.until(lambda: dialog.ok_button.isEnabled())
    assert dialog.isVisible() and "could not be found" in dialog.message.text()

    dialog.acct_edit.setText("bob@b.example")
    dialog.ok_button.click()
    aloop.until(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.spec() == ColumnSpec(account="alice@a.example", kind=ColumnKind.PROFILE,
                                       acct="bob@b.example", account_id="42")
    assert asked == [("alice@a.example", "ghost@b.example"),
                     ("alice@a.example", "bob@b.example")]


def test_drag_a_column_header_to_reorder(deck: DeckWidget, qtbot: object) -> None:
    from PySide6.QtCore import QByteArray, QMimeData, QPointF
    from PySide6.QtGui import QDropEvent

    from fedidesk.ui.column import COLUMN_MIME

    for spec in (HOME, NOTES, TAG):
        deck.add_column(spec)
    qtbot.waitUntil(lambda: deck.columns[2].width() > 0)  # type: ignore[attr-defined]
    mime = QMimeData()
    mime.setData(COLUMN_MIME, QByteArray(str(id(deck.columns[2])).encode()))
    left_edge = deck.columns[0].mapTo(deck, deck.columns[0].rect().topLeft()).x() + 5
    event = QDropEvent(QPointF(left_edge, 50), Qt.DropAction.MoveAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    deck.dropEvent(event)
    assert deck.specs() == [TAG, HOME, NOTES]
    foreign = QMimeData()
    foreign.setText("not a column")
    deck.dropEvent(QDropEvent(QPointF(left_edge, 50), Qt.DropAction.MoveAction, foreign,
                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    assert deck.specs() == [TAG, HOME, NOTES]


LIST = ColumnSpec(account="bob@b.example", kind=ColumnKind.LIST, list_id="7", title="Friends")
LOCAL = ColumnSpec(account="bob@b.example", kind=ColumnKind.LOCAL)


def _drop(deck: DeckWidget, column: ColumnWidget, x: int) -> None:
    from PySide6.QtCore import QByteArray, QMimeData, QPointF
    from PySide6.QtGui import QDropEvent

    from fedidesk.ui.column import COLUMN_MIME

    mime = QMimeData()
    mime.setData(COLUMN_MIME, QByteArray(str(id(column)).encode()))
    deck.dropEvent(QDropEvent(QPointF(x, 50), Qt.DropAction.MoveAction, mime,
                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


def _x(deck: DeckWidget, index: int, where: str) -> int:
    """A deck x inside column ``index``: near its left edge or its right edge."""
    column = deck.columns[index]
    rect = column.rect()
    point = rect.topLeft() if where == "left" else rect.topRight()
    return column.mapTo(deck, point).x() + (5 if where == "left" else -5)


@pytest.mark.parametrize(("source", "target", "where", "expected"), [
    (0, 3, "left", [NOTES, TAG, HOME, LIST, LOCAL]),  # into the gap between 2 and 3
    (0, 2, "right", [NOTES, TAG, HOME, LIST, LOCAL]),  # the same gap, from the other side
    (0, 1, "left", [HOME, NOTES, TAG, LIST, LOCAL]),  # its own right-hand gap: stays
    (0, 0, "right", [HOME, NOTES, TAG, LIST, LOCAL]),  # onto itself: stays
    (1, 4, "right", [HOME, TAG, LIST, LOCAL, NOTES]),  # after the last column
    (3, 0, "left", [LIST, HOME, NOTES, TAG, LOCAL]),  # before the first column
    (3, 1, "right", [HOME, NOTES, LIST, TAG, LOCAL]),  # leftwards into a middle gap
])
def test_a_dragged_column_lands_in_the_gap_it_is_dropped_on(
        deck: DeckWidget, qtbot: object, source: int, target: int, where: str,
        expected: list[ColumnSpec]) -> None:
    for spec in (HOME, NOTES, TAG, LIST, LOCAL):
        deck.add_column(spec, 250)
    qtbot.waitUntil(lambda: deck.columns[4].width() > 0)  # type: ignore[attr-defined]
    _drop(deck, deck.columns[source], _x(deck, target, where))
    assert deck.specs() == expected


def test_removing_columns_shrinks_the_deck(deck: DeckWidget, qtbot: object) -> None:
    for spec in (HOME, NOTES, TAG, LIST, LOCAL):
        deck.add_column(spec, 500)
    assert deck.splitter.minimumWidth() >= 5 * 500
    for _ in range(3):
        deck.remove_column(0)
    assert deck.widths() == [500, 500]
    assert deck.splitter.minimumWidth() < 3 * 500
    deck.set_layout([])
    assert deck.splitter.minimumWidth() == 0


def test_add_column_dialog_grows_for_extra_fields(qtbot: object) -> None:
    dialog = AddColumnDialog([AccountEntry("alice@a.example", "https://a.example", "1")],
                             "alice@a.example")
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    rows = {dialog.kind_list.item(i).data(Qt.ItemDataRole.UserRole): i
            for i in range(dialog.kind_list.count())}
    for kind in ("hashtag", "notifications", "profile"):
        dialog.kind_list.setCurrentRow(rows[kind])
        QApplication.processEvents()
        assert dialog.kind_list.height() >= 220, kind  # four kinds at least stay visible
        assert dialog.height() >= dialog.sizeHint().height(), kind


HOME_JSON = {"spec": HOME.to_json(), "width": 400}


@pytest.mark.parametrize("content", [
    {"fedidesk_layout": 1, "columns": []},
    {"fedidesk_layout": 1, "columns": ["x", 5, None]},
    {"fedidesk_layout": 1, "columns": [{"spec": "home"}, {"spec": ["a"]}]},
    {"fedidesk_layout": 1, "columns": [{"spec": HOME.to_json(), "width": float("nan")}]},
    {"fedidesk_layout": 1, "columns": [{"spec": HOME.to_json(), "width": float("inf")}]},
    {"fedidesk_layout": 1, "columns": [{"spec": {**HOME.to_json(), "list_id": {"x": 1}}}]},
    {"fedidesk_layout": 1, "columns": [{"spec": {**HOME.to_json(), "hide_boosts": "yes"}}]},
    {"fedidesk_layout": 1, "columns": [{"spec": {**HOME.to_json(), "kind": "teleport"}}]},
    {"fedidesk_layout": 1, "columns": [{"spec": {"kind": "home"}}]},
    {"fedidesk_layout": 1, "columns": [{"spec": {**HOME.to_json(),
                                                  "account": "zed@nowhere"}}]},
])
def test_a_layout_without_usable_columns_leaves_the_deck_alone(
        deck: DeckWidget, tmp_path: Path, content: object) -> None:
    for spec in (HOME, NOTES):
        deck.add_column(spec)
    deck.save()
    path = tmp_path / "layout.json"
    path.write_text(json.dumps(content))  # NaN and Infinity as Python's json writes them
    with pytest.raises(LayoutFileError, match="deck is unchanged"):
        deck.import_layout(path, {"alice@a.example"})
    assert deck.specs() == [HOME, NOTES]
    saved = json.loads((tmp_path / "settings.json").read_text())["values"]["deck.columns"]
    assert len(saved) == 2


def test_hostile_layouts_are_refused_with_a_message(deck: DeckWidget, tmp_path: Path) -> None:
    deck.add_column(HOME)
    path = tmp_path / "layout.json"
    path.write_text("[" * 100_000 + "]" * 100_000)  # deeper than the parser goes
    with pytest.raises(LayoutFileError):
        deck.import_layout(path, {"alice@a.example"})
    many = {"fedidesk_layout": 1, "columns": [HOME_JSON] * 200}
    path.write_text(json.dumps(many))
    warnings = deck.import_layout(path, {"alice@a.example"})
    assert len(deck.specs()) == 40 and "Skipped 160 columns" in warnings[-1]
    mixed = {"fedidesk_layout": 1, "columns": [HOME_JSON, "junk"]}
    path.write_text(json.dumps(mixed))
    assert deck.import_layout(path, {"alice@a.example"}) == [
        "Skipped 1 column the file could not describe."]
    assert deck.specs() == [HOME]


def test_a_failed_export_leaves_no_temporary_file(deck: DeckWidget, tmp_path: Path) -> None:
    deck.add_column(HOME)
    target = tmp_path / "a-folder"
    target.mkdir()
    with pytest.raises(IsADirectoryError):
        deck.export_layout(target)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
