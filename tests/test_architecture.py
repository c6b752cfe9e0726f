"""Imports flow one way: core (no Qt) -> ui; the CLI uses the core only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "fedidesk"
QT_MODULES = ("PySide6", "qasync", "shiboken6", "PyQt5", "PyQt6")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _files(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", _files("core"), ids=lambda p: str(p.relative_to(SRC)))
def test_core_is_qt_free_and_independent(path: Path) -> None:
    for name in _imports(path):
        assert not name.startswith(QT_MODULES), f"{path.name} imports Qt module {name}"
        assert not name.startswith(("fedidesk.ui", "fedidesk.cli")), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", _files("cli"), ids=lambda p: str(p.relative_to(SRC)))
def test_cli_uses_core_only(path: Path) -> None:
    for name in _imports(path):
        assert not name.startswith(QT_MODULES), f"{path.name} imports Qt module {name}"
        if name.startswith("fedidesk.ui"):
            # The only door to the GUI is the lazy launcher in cli/main.py.
            assert path.name == "main.py", f"{path.name} imports {name}"


def test_cli_gui_import_is_lazy() -> None:
    """Importing the CLI must not pull in Qt (headless machines have no display)."""
    main = (SRC / "cli" / "main.py").read_text(encoding="utf-8")
    tree = ast.parse(main)
    top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    for node in top_level:
        module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
        assert not (module or "").startswith("fedidesk.ui")


def test_core_does_not_import_webengine_anywhere() -> None:
    """RFC 8252: login never happens in an embedded web view."""
    for path in SRC.rglob("*.py"):
        assert "QtWebEngine" not in path.read_text(encoding="utf-8"), path
