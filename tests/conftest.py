"""Test-wide fixtures: offscreen Qt, an in-memory keyring, an isolated profile folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import keyring
import pytest

from tests.helpers.keyrings import MemoryKeyring

#: The wizard tests run in a pytest process of their own (``test_wizard_process.py``):
#: at the end of the shared process, after some 1,300 other tests, they now and then hit a
#: native crash in Qt event processing that never happens when they run by themselves.
WIZARD_PROCESS = "FEDIDESK_WIZARD_PROCESS"
collect_ignore = [] if os.environ.get(WIZARD_PROCESS) else ["ui_wizard"]

# mastodon-mock fixtures (``mock_server``, ``mock``) for every test folder.
pytest_plugins = ["tests.helpers.mockserver"]


@pytest.fixture(autouse=True, scope="session")
def english() -> None:
    """Tests read the English texts (the source language of the catalogues)."""
    from fedidesk.core import i18n

    i18n.install("en")


@pytest.fixture
def german() -> Iterator[None]:
    """The German catalogue for one test; English again afterwards."""
    from fedidesk.core import i18n

    i18n.install("de")
    try:
        yield
    finally:
        i18n.install("en")


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets a fresh in-memory keyring; the real one is never touched."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def profile_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point FEDIDESK_HOME at a per-test folder so no test writes the user's profile."""
    home = tmp_path / "profile"
    monkeypatch.setenv("FEDIDESK_HOME", str(home))
    return home



def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Free the kept-alive qasync loops here, on the main thread, while Qt still exists.

    Left to interpreter shutdown, they are destroyed after the QApplication and crash it.
    """
    import gc
    import sys

    for name in ("tests.ui.conftest", "tests.compose.conftest"):
        module = sys.modules.get(name)
        for attr in ("KEEP_ALIVE", "_CLOSED_LOOPS"):
            kept = getattr(module, attr, None)
            if isinstance(kept, list):
                kept.clear()
    gc.collect()
    # The clipboard (a Qt global) may own QMimeData made in Python by paste tests;
    # destroyed at process exit, after Python, it would crash.
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()
        QGuiApplication.processEvents()
