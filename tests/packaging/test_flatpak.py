"""The Flatpak manifest (it cannot be built here: flatpak-builder needs Flathub): it parses,
the files it installs exist, and its Python module is current with ``uv.lock``."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import pytest

from tests.packaging.conftest import PACKAGING, ROOT, load_script

FLATPAK = PACKAGING / "flatpak"


def _manifest() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the manifest")
    data = yaml.safe_load((FLATPAK / "org.fedidesk.fedidesk.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_manifest_names_the_app_and_a_pyside_runtime() -> None:
    data = _manifest()
    assert data["app-id"] == "org.fedidesk.fedidesk"
    assert data["command"] == "fedidesk"
    assert data["runtime"] == "org.kde.Platform" and data["base"] == "io.qt.PySide.BaseApp"
    assert data["runtime-version"] == data["base-version"]
    major, minor = (int(x) for x in data["base-version"].split("."))
    assert (6, 8) <= (major, minor) < (6, 12), "outside pyproject's PySide6 pin"
    assert "--share=network" in data["finish-args"]
    assert "--talk-name=org.freedesktop.secrets" in data["finish-args"]


def test_manifest_installs_files_that_exist() -> None:
    data = _manifest()
    modules = data["modules"]
    assert modules[0] == "python3-deps.json"
    assert (FLATPAK / modules[0]).is_file()
    app = modules[-1]
    source = app["sources"][0]
    assert (FLATPAK / source["path"]).resolve() == ROOT
    commands = "\n".join(app["build-commands"])
    paths = set(re.findall(r"(?:src|packaging|resources)/[\w./$-]+", commands))
    assert paths
    for path in paths:
        expanded = path.replace("$s", "16")
        assert (ROOT / expanded).exists(), f"the manifest installs {path}, which is missing"


def test_python_deps_module_matches_uv_lock() -> None:
    generator = load_script("flatpak/uvlock_to_flatpak")
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    fresh = generator.module(lock, (3, 12), sandbox=True)
    committed = json.loads((FLATPAK / "python3-deps.json").read_text(encoding="utf-8"))
    assert committed == fresh, (
        "packaging/flatpak/python3-deps.json is stale: "
        "run uv run python packaging/flatpak/uvlock_to_flatpak.py")
    names = committed["build-commands"][0].split()
    assert "keyring" in names and "qasync" in names and "nh3" in names
    assert not {"pyside6-essentials", "shiboken6", "pytest"} & set(names)


def test_launcher_is_executable() -> None:
    launcher = FLATPAK / "fedidesk.sh"
    assert launcher.stat().st_mode & 0o111
    assert "python3 -m fedidesk" in launcher.read_text(encoding="utf-8")
    assert launcher.read_text(encoding="utf-8").startswith("#!/bin/sh")
