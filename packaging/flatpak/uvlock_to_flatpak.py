"""Write ``python3-deps.json``, the Flatpak module with fedidesk's Python dependencies.

The usual tool, ``flatpak-pip-generator``, asks PyPI for every file; this reads the exact
versions, download URLs and sha256 sums that ``uv.lock`` already pins, so the module
matches what the tests ran against and is made without network access::

    uv run python packaging/flatpak/uvlock_to_flatpak.py            # default: with sandbox
    uv run python packaging/flatpak/uvlock_to_flatpak.py --no-sandbox

It walks ``fedidesk``'s run-time dependencies (plus the ``sandbox`` extra) for Linux and
the runtime's Python, drops PySide6/shiboken6 (the PySide BaseApp provides them), and
picks for each package a pure wheel, else a manylinux wheel per architecture
(``only-arches``), else the sdist.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from packaging.markers import Marker

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "python3-deps.json"
#: Provided by io.qt.PySide.BaseApp.
PROVIDED = {"pyside6-essentials", "pyside6", "shiboken6"}
ARCHES = ("x86_64", "aarch64")
WHEEL = re.compile(r"^(?P<name>.+?)-(?P<ver>[^-]+)(-\d[^-]*)?-(?P<py>[^-]+)-(?P<abi>[^-]+)"
                   r"-(?P<plat>[^-]+)\.whl$")


def _env(python: tuple[int, int], arch: str) -> dict[str, str]:
    return {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
            "platform_machine": arch, "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": f"{python[0]}.{python[1]}",
            "python_full_version": f"{python[0]}.{python[1]}.0", "extra": ""}


def _applies(dep: dict[str, Any], python: tuple[int, int]) -> bool:
    marker = dep.get("marker")
    return marker is None or any(Marker(marker).evaluate(_env(python, a)) for a in ARCHES)


def closure(lock: dict[str, Any], python: tuple[int, int], sandbox: bool) -> list[dict[str, Any]]:
    """The locked packages fedidesk needs at run time on Linux, sorted by name."""
    packages = {p["name"]: p for p in lock["package"]}
    root = packages["fedidesk"]
    todo = [d for d in root.get("dependencies", []) if _applies(d, python)]
    if sandbox:
        todo += root.get("optional-dependencies", {}).get("sandbox", [])
    seen: dict[str, dict[str, Any]] = {}
    while todo:
        dep = todo.pop()
        name = dep["name"]
        if name in seen or name in PROVIDED:
            continue
        package = packages[name]
        seen[name] = package
        todo += [d for d in package.get("dependencies", []) if _applies(d, python)]
        for extra in dep.get("extra", []):
            todo += [d for d in package.get("optional-dependencies", {}).get(extra, [])
                     if _applies(d, python)]
    return [seen[name] for name in sorted(seen)]


def _fits(filename: str, python: tuple[int, int], arch: str | None) -> bool:
    match = WHEEL.match(filename)
    if match is None:
        return False
    py, abi, plat = match["py"].split("."), match["abi"].split("."), match["plat"].split(".")
    if arch is None:
        return "any" in plat and any(p in ("py3", "py2.py3") or p.startswith("py3") for p in py)
    cp = f"cp{python[0]}{python[1]}"
    ok_abi = cp in abi or ("abi3" in abi and any(
        p.startswith("cp3") and int(p[3:]) <= python[1] for p in py))
    ok_plat = any(p.startswith("manylinux") and p.endswith(arch) for p in plat)
    return ok_abi and ok_plat


def sources(package: dict[str, Any], python: tuple[int, int]) -> list[dict[str, Any]]:
    """Flatpak ``file`` sources for one locked package."""
    wheels = package.get("wheels", [])
    for wheel in wheels:
        if _fits(wheel["url"].rsplit("/", 1)[1], python, None):
            return [_source(wheel)]
    per_arch = []
    for arch in ARCHES:
        match = next((w for w in wheels if _fits(w["url"].rsplit("/", 1)[1], python, arch)),
                     None)
        if match is None:
            break
        per_arch.append({**_source(match), "only-arches": [arch]})
    else:
        return per_arch
    if "sdist" in package:
        return [_source(package["sdist"])]
    raise SystemExit(f"{package['name']}: no wheel for Python {python} on {ARCHES}, no sdist")


def _source(file: dict[str, Any]) -> dict[str, Any]:
    algorithm, digest = file["hash"].split(":", 1)
    if algorithm != "sha256":
        raise SystemExit(f"{file['url']}: {algorithm} hash, flatpak-builder wants sha256")
    return {"type": "file", "url": file["url"], "sha256": digest}


def module(lock: dict[str, Any], python: tuple[int, int], sandbox: bool) -> dict[str, Any]:
    """The ``python3-deps`` module for flatpak-builder."""
    packages = closure(lock, python, sandbox)
    names = " ".join(p["name"] for p in packages)
    return {
        "name": "python3-deps",
        "buildsystem": "simple",
        "build-commands": [
            "pip3 install --verbose --exists-action=i --no-index --find-links=\"file://${PWD}\""
            f" --prefix=${{FLATPAK_DEST}} --no-build-isolation {names}"],
        "sources": [s for p in packages for s in sources(p, python)],
    }


def main(argv: list[str]) -> int:
    """Write the module JSON and say how many packages went in."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="3.12",
                        help="the runtime's Python (org.kde.Platform 6.9: 3.12)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="leave out the --sandbox practice server (mastodon-mock)")
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    major, minor = (int(x) for x in args.python.split("."))
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    data = module(lock, (major, minor), sandbox=not args.no_sandbox)
    args.output.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(data['sources'])} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
