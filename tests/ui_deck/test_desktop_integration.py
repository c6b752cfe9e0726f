"""Single instance hand-off, links opened in the app, the tray and close-to-tray."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QIcon, QPixmap

from fedidesk.core.context import AppContext
from fedidesk.core.paths import resolve_paths
from fedidesk.ui.app import make_login
from fedidesk.ui.mainwindow import MainWindow
from fedidesk.ui.singleinstance import SingleInstance, hand_over, server_name
from fedidesk.ui.tray import Tray
from fedidesk.ui.windows import link_query
from tests.ui.conftest import LoopRunner


def test_hand_over_reaches_the_running_instance(qtbot: object) -> None:
    name = f"fedidesk-test-{uuid.uuid4().hex[:8]}"
    instance = SingleInstance(name)
    assert instance.listen()
    try:
        with qtbot.waitSignal(instance.activated, timeout=5000) as blocker:  # type: ignore[attr-defined]
            assert hand_over(name, ["web+mastodon://follow?uri=ada@mock.local"])
        assert blocker.args == [["web+mastodon://follow?uri=ada@mock.local"]]
    finally:
        instance.close()
    assert not hand_over(name, [])  # nobody listening any more


def test_second_launch_passes_its_link_and_exits(qtbot: object, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    name = server_name(str(resolve_paths(str(profile)).config_dir))
    instance = SingleInstance(name)
    assert instance.listen()
    received: list[list[str]] = []
    instance.activated.connect(received.append)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        launch = subprocess.Popen(
            [sys.executable, "-m", "fedidesk", "--profile-dir", str(profile),
             "https://mastodon.example/@ada/1234"], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while launch.poll() is None and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.01)
        qtbot.waitUntil(lambda: bool(received), timeout=5000)  # type: ignore[attr-defined]
        assert launch.returncode == 0
        assert received == [["https://mastodon.example/@ada/1234"]]
    finally:
        instance.close()


@pytest.mark.parametrize(("url", "query"), [
    ("web+mastodon://follow?uri=ada@mock.local", "ada@mock.local"),
    ("web+mastodon://share?text=hi", "share"),
    ("https://mastodon.example/@ada/1234", "https://mastodon.example/@ada/1234"),
    ("file:///etc/passwd", ""),
])
def test_link_query(url: str, query: str) -> None:
    assert link_query(url) == query


def test_close_to_tray_hides_and_quit_quits(ctx: AppContext, qtbot: object) -> None:
    window = MainWindow(ctx, make_login(ctx, lambda: window))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor("purple"))
    composed: list[bool] = []
    window.tray = Tray(window, QIcon(pixmap), compose=lambda: composed.append(True),
                       quit_app=window.quit_app)
    window.tray.show()
    window.show()
    ctx.settings.set("general.close_to_tray", True)
    window.close()
    assert not window.isVisible()  # hidden in the tray, still running
    menu = window.tray.contextMenu()
    assert menu is not None
    menu.aboutToShow.emit()  # the tray menu opens
    assert window.tray.toggle_action.text() == "Show fedidesk"
    window.tray.toggle_window()
    assert window.isVisible()
    window.tray.compose_action.trigger()
    assert composed == [] or composed == [True]
    window.tray.set_unread(3)
    assert "3 unread" in window.tray.toolTip()
    window.quit_app()
    assert not window.isVisible()


@pytest.mark.parametrize(("url", "person"), [
    ("web+mastodon://follow?uri=ada@mock.local", True),  # "follow" names a person
    ("@ada@mock.local", True),
    ("https://mastodon.example/@ada/1234", False),  # a post
    ("web+mastodon://share?text=hi", False),
])
def test_a_follow_link_opens_a_profile_first(url: str, person: bool) -> None:
    from fedidesk.ui.windows import link_is_account

    assert link_is_account(url) is person


def test_open_link_prefers_the_profile_for_a_follow_link(aloop: LoopRunner) -> None:
    from types import SimpleNamespace
    from typing import Any

    from fedidesk.core.storage import Database
    from fedidesk.ui.windows import WindowManager

    async def search(query: str, resolve: bool = False) -> Any:
        return SimpleNamespace(statuses=[SimpleNamespace(id="post-1")],
                               accounts=[SimpleNamespace(id="acct-9")])

    api = SimpleNamespace(search=search)
    entry = SimpleNamespace(handle="me@mock.local")
    accounts = SimpleNamespace(find=lambda _h: entry, default=entry, api=lambda _h: api)
    ctx: Any = SimpleNamespace(db=Database(":memory:"), accounts=accounts)
    manager = WindowManager(ctx)
    opened: list[tuple[str, str]] = []
    manager.profile = lambda account, account_id=None: opened.append(  # type: ignore[method-assign]
        ("profile", account_id))
    manager.open_thread = lambda account, status_id: opened.append(  # type: ignore[method-assign]
        ("thread", status_id))
    aloop.run(manager._open_link("me@mock.local", "ada@mock.local", account_first=True))
    aloop.run(manager._open_link("me@mock.local", "https://x.example/@a/1"))
    assert opened == [("profile", "acct-9"), ("thread", "post-1")]
