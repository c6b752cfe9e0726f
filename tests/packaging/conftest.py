"""Paths shared by the packaging tests, and a loader for the scripts in ``packaging/``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "src" / "fedidesk" / "resources"
DESKTOP = RESOURCES / "org.fedidesk.fedidesk.desktop"
METAINFO = RESOURCES / "org.fedidesk.fedidesk.metainfo.xml"


def load_script(relative: str) -> ModuleType:
    """Import ``packaging/<relative>.py`` (not a package) under its file's own name."""
    name = Path(relative).name
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{relative}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
