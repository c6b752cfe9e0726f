"""The PyInstaller spec: it parses, and run with stand-ins for PyInstaller's build classes
(no PyInstaller needed) every file it bundles or points at exists, on each target platform.

The real build (``packaging/build_linux.sh``: about 1.5 minutes, 230 MB) runs only with
``FEDIDESK_BUILD_TEST=1``.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.packaging.conftest import PACKAGING, ROOT

SPEC = PACKAGING / "fedidesk.spec"


@dataclass
class Recorder:
    """Every call the spec makes to PyInstaller's build classes."""

    calls: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = field(
        default_factory=dict)

    def stand_in(self, name: str) -> Any:
        def make(*args: Any, **kwargs: Any) -> Any:
            self.calls.setdefault(name, []).append((args, kwargs))
            return _Target(name, kwargs)
        return make

    def one(self, name: str) -> dict[str, Any]:
        assert len(self.calls.get(name, [])) == 1, f"{name}: {self.calls.get(name)}"
        return self.calls[name][0][1]


@dataclass
class _Target:
    kind: str
    kwargs: dict[str, Any]
    pure: list[Any] = field(default_factory=list)
    scripts: list[Any] = field(default_factory=list)
    binaries: list[Any] = field(default_factory=list)
    datas: list[Any] = field(default_factory=list)


def _fake_pyinstaller(monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, **_: [package]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda dist, **_: [(f"<metadata {dist}>", ".")]  # type: ignore[attr-defined]
    utils = ModuleType("PyInstaller.utils")
    utils.hooks = hooks  # type: ignore[attr-defined]
    top = ModuleType("PyInstaller")
    top.utils = utils  # type: ignore[attr-defined]
    for name, module in (("PyInstaller", top), ("PyInstaller.utils", utils),
                         ("PyInstaller.utils.hooks", hooks)):
        monkeypatch.setitem(sys.modules, name, module)


def _run_spec(work: Path, platform: str) -> Recorder:
    """Execute the spec as PyInstaller would, on ``platform``, and record its calls."""
    recorder = Recorder()
    namespace: dict[str, Any] = {
        "__name__": "__main__", "__file__": str(SPEC),
        "SPECPATH": str(PACKAGING), "workpath": str(work), "DISTPATH": str(work / "dist"),
        **{name: recorder.stand_in(name)
           for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    with pytest.MonkeyPatch.context() as patch:
        _fake_pyinstaller(patch)
        patch.setattr(sys, "path", list(sys.path))  # the spec prepends packaging/
        patch.delitem(sys.modules, "platform_icons", raising=False)
        patch.setattr(sys, "platform", platform)
        exec(code, namespace)  # noqa: S102 (our own build file)
    return recorder


def test_spec_parses_as_python() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= called


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_spec_bundles_only_paths_that_exist(tmp_path: Path, platform: str) -> None:
    recorder = _run_spec(tmp_path / "work", platform)
    analysis = recorder.one("Analysis")
    scripts = recorder.calls["Analysis"][0][0][0]
    assert [Path(s).name for s in scripts] == ["fedidesk_launcher.py"]
    assert Path(scripts[0]).is_file()
    assert [Path(p) for p in analysis["pathex"]] == [ROOT / "src"]
    for path in analysis["pathex"]:
        assert Path(path, "fedidesk", "__init__.py").is_file()
    for source, dest in [*analysis["datas"], *analysis["binaries"]]:
        if source.startswith("<metadata "):
            continue  # copy_metadata's output, stubbed here
        assert Path(source).exists(), f"bundled path {source} does not exist"
        assert not Path(dest).is_absolute()
    resources = ROOT / "src" / "fedidesk" / "resources"
    for name in ("servers_snapshot.json", "fedidesk.svg", "icons/fedidesk-16.png",
                 "icons/fedidesk-512.png", "org.fedidesk.fedidesk.desktop"):
        entry = (str(resources / name), Path("fedidesk/resources", name).parent.as_posix())
        assert entry in analysis["datas"], f"{name} must be bundled"
    assert not any(s.endswith((".py", ".pyc")) for s, _ in analysis["datas"])
    assert "<metadata keyring>" in [s for s, _ in analysis["datas"]]
    hidden = analysis["hiddenimports"]
    assert {"fedidesk", "keyring.backends", "mastodon", "qasync", "PySide6.QtSvg"} <= set(hidden)

    exes = [kwargs for _, kwargs in recorder.calls["EXE"]]
    assert exes[0]["name"] == "fedidesk"
    collect = recorder.one("COLLECT")
    assert collect["name"] == "fedidesk"
    if platform == "win32":
        assert [e["name"] for e in exes] == ["fedidesk", "fedidesk-cli"]
        assert exes[0]["console"] is False and exes[1]["console"] is True
        assert exes[0]["icon"].endswith(".ico") and Path(exes[0]["icon"]).is_file()
        version_text = Path(exes[0]["version"]).read_text(encoding="utf-8")
        ast.parse(version_text)
        assert "'ProductVersion', '" in version_text
    else:
        assert len(exes) == 1 and exes[0]["version"] is None
    if platform == "darwin":
        bundle = recorder.one("BUNDLE")
        assert bundle["name"] == "fedidesk.app"
        assert bundle["bundle_identifier"] == "org.fedidesk.fedidesk"
        assert Path(bundle["icon"]).is_file() and bundle["icon"].endswith(".icns")
        from fedidesk import __version__
        assert bundle["info_plist"]["CFBundleShortVersionString"] == __version__
    else:
        assert "BUNDLE" not in recorder.calls


def test_spec_names_hidden_imports_that_exist(tmp_path: Path) -> None:
    recorder = _run_spec(tmp_path / "work", "linux")
    for name in recorder.one("Analysis")["hiddenimports"]:
        assert importlib.util.find_spec(name) is not None, f"hidden import {name} not found"


def test_spec_leaves_the_sandbox_out_on_request(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("FEDIDESK_BUNDLE_SANDBOX", "0")
    analysis = _run_spec(tmp_path / "work", "linux").one("Analysis")
    assert "mastodon_mock" in analysis["excludes"]
    assert "mastodon_mock" not in analysis["hiddenimports"]


def test_build_script_is_bash_that_parses() -> None:
    script = PACKAGING / "build_linux.sh"
    assert os.access(script, os.X_OK)
    bash = shutil.which("bash")
    assert bash is not None
    subprocess.run([bash, "-n", str(script)], check=True, timeout=30)


@pytest.mark.skipif(os.environ.get("FEDIDESK_BUILD_TEST") != "1",
                    reason="the PyInstaller build takes ~1.5 min: set FEDIDESK_BUILD_TEST=1")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux bundle")
@pytest.mark.timeout(900)
def test_linux_build_and_smoke_test() -> None:
    bash = shutil.which("bash")
    assert bash is not None
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run([bash, str(PACKAGING / "build_linux.sh")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=840, check=False)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert (ROOT / "build" / "smoke-window.png").is_file()
