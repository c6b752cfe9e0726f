"""Runs the onboarding wizard's tests (``tests/ui_wizard``) in a pytest process of their own.

See ``WIZARD_PROCESS`` in ``tests/conftest.py`` for why. The tests are the same; only the
process is fresh. Their output is shown when they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import WIZARD_PROCESS

ROOT = Path(__file__).resolve().parents[1]


def test_the_wizard_tests_pass_in_their_own_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/ui_wizard"],
        cwd=ROOT, env={**os.environ, WIZARD_PROCESS: "1", "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout, result.stdout[-800:]
