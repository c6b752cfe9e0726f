"""The README screenshot script runs against the sandbox and writes every picture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_script_writes_the_readme_pictures(qapp: object, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "screenshots.py"),
                             str(tmp_path)], env=env, capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    names = {p.name for p in tmp_path.glob("*.png")}
    assert "main-window.png" in names
    assert len([n for n in names if n.startswith("wizard-")]) == 7
    assert "migration-assistant.png" in names
    for path in tmp_path.glob("*.png"):
        assert QImage(str(path)).width() >= 900, path
    # Every picture the README shows is one the script makes.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for shown in (line.split("(docs/screenshots/")[1].split(")")[0]
                  for line in readme.splitlines() if "(docs/screenshots/" in line):
        assert shown in names, shown
