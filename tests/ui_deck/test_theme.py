"""Theme tests run in a process of their own.

Applying a theme changes the whole application: its style, palette, font, animation
effects, and it sets every widget's style sheet again. In the shared test process that
reached widgets other tests had left behind; ``theme_checks.py`` holds the checks and runs
here in a fresh ``pytest``, so nothing else sees those changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_theme_checks_pass_in_their_own_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(Path(__file__).with_name("theme_checks.py"))],
        cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "3 passed" in result.stdout, result.stdout[-500:]
