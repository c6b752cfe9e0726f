"""PyInstaller entry script: the frozen ``fedidesk`` executable starts here.

Kept outside the package so PyInstaller imports ``fedidesk`` as a normal package (the
``src`` folder is on the spec's ``pathex``) instead of running ``__main__.py`` as a script.
"""

from __future__ import annotations

import multiprocessing
import sys

from fedidesk.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless unless something spawns worker processes
    sys.exit(main())
