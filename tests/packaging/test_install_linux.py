"""packaging/install_linux.sh: installs a bundle for one user (XDG folders, no root), so the
app is in the desktop menu with its icon, and --uninstall takes back exactly that.

The bundle here is a fake one made in tmp_path: a stub ``fedidesk`` script plus the real
resources, where fedidesk.spec puts them (``_internal/fedidesk/resources``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.packaging.conftest import PACKAGING, RESOURCES

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux installer")

SCRIPT = PACKAGING / "install_linux.sh"
BASH = shutil.which("bash") or "/bin/bash"
APP_ID = "org.fedidesk.fedidesk"
RES_IN_BUNDLE = Path("_internal", "fedidesk", "resources")
CACHE_TOOLS = ("update-desktop-database", "gtk-update-icon-cache", "xdg-desktop-menu")
SIZES = sorted(int(p.stem.split("-")[1]) for p in (RESOURCES / "icons").glob("fedidesk-*.png"))


def make_bundle(folder: Path, says: str = "stub v1") -> Path:
    """A one-folder bundle as build_linux.sh leaves it, with a shell stub for the app."""
    folder.mkdir(parents=True)
    exe = folder / "fedidesk"
    exe.write_text(f'#!/bin/sh\necho "{says} $*"\n', encoding="utf-8")
    exe.chmod(0o755)
    shutil.copytree(RESOURCES, folder / RES_IN_BUNDLE,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def desktop_entry(path: Path) -> dict[str, str]:
    """The [Desktop Entry] group's keys (the file has no other group)."""
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines()
                if "=" in line and not line.startswith("#"))


def files_below(root: Path) -> set[str]:
    """Every file and symlink below root, relative (directories left out)."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_symlink() or p.is_file()}


@pytest.fixture(scope="module")
def path_without_cache_tools(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PATH with every system tool except the desktop/icon cache updaters."""
    bin_dir = tmp_path_factory.mktemp("bin-without-cache-tools")
    for folder in ("/usr/local/bin", "/usr/bin", "/bin"):
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            if name not in CACHE_TOOLS and not (bin_dir / name).exists():
                (bin_dir / name).symlink_to(os.path.join(folder, name))
    return str(bin_dir)


class Home:
    """A user's HOME in tmp_path, and the installer run as that user."""

    def __init__(self, root: Path, path: str, xdg_data_home: bool = True) -> None:
        self.home = root
        self.home.mkdir(parents=True, exist_ok=True)
        self.data = root / "xdg-data" if xdg_data_home else root / ".local" / "share"
        self.env = {"HOME": str(root), "PATH": path, "LANG": "C.UTF-8"}
        if xdg_data_home:
            self.env["XDG_DATA_HOME"] = str(self.data)

    @property
    def appdir(self) -> Path:
        return self.data / "fedidesk-app"

    @property
    def desktop(self) -> Path:
        return self.data / "applications" / f"{APP_ID}.desktop"

    @property
    def launcher(self) -> Path:
        return self.home / ".local" / "bin" / "fedidesk"

    def run(self, *args: str, script: Path = SCRIPT, ok: bool = True
            ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([BASH, str(script), *args], env=self.env, text=True,
                                capture_output=True, timeout=60, check=False)
        if ok:
            assert result.returncode == 0, result.stdout + result.stderr
        return result


def check_installed(home: Home, says: str = "stub v1") -> None:
    exe = home.appdir / "fedidesk"
    entry = desktop_entry(home.desktop)
    assert entry["Exec"] == f"{exe} %U"
    assert entry["TryExec"] == str(exe)
    assert Path(entry["TryExec"]).is_absolute() and os.access(entry["TryExec"], os.X_OK)
    original = desktop_entry(RESOURCES / f"{APP_ID}.desktop")
    assert entry["MimeType"] == original["MimeType"] == "x-scheme-handler/web+mastodon;"
    assert {k: v for k, v in entry.items() if k not in {"Exec", "TryExec"}} == {
        k: v for k, v in original.items() if k not in {"Exec", "TryExec"}}
    icon = entry["Icon"]
    for size in SIZES:
        installed = home.data / "icons/hicolor" / f"{size}x{size}" / "apps" / f"{icon}.png"
        assert installed.read_bytes() == (RESOURCES / "icons" / f"fedidesk-{size}.png").read_bytes()
    svg = home.data / "icons/hicolor/scalable/apps" / f"{icon}.svg"
    assert svg.read_bytes() == (RESOURCES / "fedidesk.svg").read_bytes()
    metainfo = home.data / "metainfo" / f"{APP_ID}.metainfo.xml"
    assert metainfo.read_bytes() == (RESOURCES / f"{APP_ID}.metainfo.xml").read_bytes()

    assert home.launcher.is_symlink() and home.launcher.resolve() == exe.resolve()
    ran = subprocess.run([str(home.launcher), "--version"], capture_output=True, text=True,
                         timeout=30, check=True)
    assert ran.stdout.strip() == f"{says} --version"
    # no temporary folder left beside the install
    assert [p.name for p in home.data.iterdir() if p.name.startswith(".fedidesk-app")] == []

    validate = shutil.which("desktop-file-validate")
    if validate:
        result = subprocess.run([validate, str(home.desktop)], capture_output=True, text=True,
                                timeout=30, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("tools", ["missing", "recording", "system"])
def test_install_puts_the_app_in_the_menu(tmp_path: Path, tools: str,
                                          path_without_cache_tools: str) -> None:
    path = os.environ.get("PATH", "/usr/bin:/bin")
    if tools == "missing":
        path = path_without_cache_tools
    elif tools == "recording":
        stubs = tmp_path / "stubs"
        stubs.mkdir()
        for name in CACHE_TOOLS:
            stub = stubs / name
            stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/calls.log"\n',
                            encoding="utf-8")
            stub.chmod(0o755)
        path = f"{stubs}:{path}"
    home = Home(tmp_path / "home", path)
    bundle = make_bundle(tmp_path / "dist" / "fedidesk")
    result = home.run(str(bundle))
    check_installed(home)
    assert "desktop menu" in result.stdout
    if tools == "recording":
        calls = (tmp_path / "calls.log").read_text(encoding="utf-8").splitlines()
        assert f"update-desktop-database -q {home.data / 'applications'}" in calls
        assert "xdg-desktop-menu forceupdate" in calls


def test_default_data_home_and_a_path_that_needs_quoting(tmp_path: Path) -> None:
    """No XDG_DATA_HOME: ~/.local/share. A HOME with a space and a $ gets a quoted Exec."""
    home = Home(tmp_path / "my $home", os.environ["PATH"], xdg_data_home=False)
    home.run(str(make_bundle(tmp_path / "dist" / "fedidesk")))
    exe = home.appdir / "fedidesk"
    assert home.appdir == home.home / ".local/share/fedidesk-app" and exe.is_file()
    entry = desktop_entry(home.desktop)
    # desktop entry spec: quoted, with \$ for the shell-special character, and the
    # backslash itself doubled by the string-value escaping of the file
    quoted = '"' + str(exe).replace("$", "\\\\$") + '"'
    assert entry["Exec"] == f"{quoted} %U"
    assert entry["TryExec"] == str(exe)
    validate = shutil.which("desktop-file-validate")
    if validate:
        result = subprocess.run([validate, str(home.desktop)], capture_output=True,
                                text=True, timeout=30, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    ran = subprocess.run([str(home.launcher), "x"], capture_output=True, text=True,
                         timeout=30, check=True)
    assert ran.stdout.strip() == "stub v1 x"


def test_tarball_from_build_linux_installs(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "dist" / "fedidesk")
    tarball = tmp_path / "fedidesk-0.1.0-linux-x86_64.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:  # as build_linux.sh: tar -C dist fedidesk
        tar.add(bundle, arcname="fedidesk")
    home = Home(tmp_path / "home", os.environ["PATH"])
    home.run(str(tarball))
    check_installed(home)


def test_default_source_is_the_newest_bundle_under_build(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "packaging").mkdir(parents=True)
    script = repo / "packaging" / "install_linux.sh"
    shutil.copy2(SCRIPT, script)
    home = Home(tmp_path / "home", os.environ["PATH"])
    assert "build_linux.sh" in home.run(script=script, ok=False).stderr  # nothing built yet

    old = make_bundle(repo / "build" / "dist" / "fedidesk", says="folder")
    os.utime(old / "fedidesk", (1_000_000_000, 1_000_000_000))
    newer = make_bundle(tmp_path / "other" / "fedidesk", says="tarball")
    with tarfile.open(repo / "build" / "fedidesk-0.2.0-linux-x86_64.tar.gz", "w:gz") as tar:
        tar.add(newer, arcname="fedidesk")
    home.run(script=script)
    check_installed(home, says="tarball")

    os.utime(old / "fedidesk")  # now the folder is the newest build
    home.run(script=script)
    check_installed(home, says="folder")


def test_second_install_replaces_the_first_cleanly(tmp_path: Path) -> None:
    home = Home(tmp_path / "home", os.environ["PATH"])
    home.run(str(make_bundle(tmp_path / "v1" / "fedidesk")))
    (home.appdir / "_internal" / "only-in-v1.txt").write_text("old", encoding="utf-8")
    neighbour = home.data / "fedidesk-app-notes.txt"
    neighbour.write_text("mine", encoding="utf-8")

    v2 = make_bundle(tmp_path / "v2" / "fedidesk", says="stub v2")
    (v2 / RES_IN_BUNDLE / "icons" / "fedidesk-512.png").unlink()  # v2 drops a size
    home.run(str(v2))

    assert files_below(home.appdir) == files_below(v2) | {".install-manifest"}
    assert not (home.data / "icons/hicolor/512x512/apps" / f"{APP_ID}.png").exists()
    assert (home.data / "icons/hicolor/256x256/apps" / f"{APP_ID}.png").is_file()
    assert neighbour.read_text(encoding="utf-8") == "mine"
    ran = subprocess.run([str(home.launcher)], capture_output=True, text=True, timeout=30,
                         check=True)
    assert ran.stdout.strip() == "stub v2"
    assert [p.name for p in home.data.iterdir() if p.name.startswith(".fedidesk-app")] == []


def test_uninstall_removes_exactly_what_was_installed(tmp_path: Path,
                                                      path_without_cache_tools: str) -> None:
    home = Home(tmp_path / "home", path_without_cache_tools)
    planted = {
        # the app's own data folder sits right beside the install: it must survive
        home.data / "fedidesk" / "fedidesk.sqlite3": "the user's database",
        home.data / "applications" / "other.desktop": "[Desktop Entry]\n",
        home.data / "icons/hicolor/48x48/apps" / "other.png": "png",
        home.data / "metainfo" / "other.metainfo.xml": "<component/>",
        home.launcher.parent / "other-tool": "#!/bin/sh\n",
    }
    for path, text in planted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    before = files_below(home.home)

    home.run(str(make_bundle(tmp_path / "dist" / "fedidesk")))
    check_installed(home)
    result = home.run("--uninstall")

    assert files_below(home.home) == before
    for path, text in planted.items():
        assert path.read_text(encoding="utf-8") == text
    assert "uninstalled" in result.stdout
    again = home.run("--uninstall")
    assert "nothing to do" in again.stdout


def test_a_foreign_launcher_and_a_foreign_folder_are_left_alone(tmp_path: Path) -> None:
    home = Home(tmp_path / "home", os.environ["PATH"])
    bundle = make_bundle(tmp_path / "dist" / "fedidesk")

    home.launcher.parent.mkdir(parents=True)
    home.launcher.write_text("#!/bin/sh\necho pipx fedidesk\n", encoding="utf-8")
    result = home.run(str(bundle))
    assert "not this installer's symlink" in result.stderr
    assert not home.launcher.is_symlink()
    assert desktop_entry(home.desktop)["TryExec"] == str(home.appdir / "fedidesk")
    home.run("--uninstall")
    assert home.launcher.read_text(encoding="utf-8") == "#!/bin/sh\necho pipx fedidesk\n"
    assert not home.appdir.exists() and not home.desktop.exists()

    home.appdir.mkdir(parents=True)
    (home.appdir / "something.txt").write_text("not ours", encoding="utf-8")
    result = home.run(str(bundle), ok=False)
    assert result.returncode != 0 and "not a fedidesk install" in result.stderr
    assert files_below(home.appdir) == {"something.txt"}
    assert not home.desktop.exists()


def test_bad_source_is_a_clear_error(tmp_path: Path) -> None:
    home = Home(tmp_path / "home", os.environ["PATH"])
    (tmp_path / "empty").mkdir()
    for source in (tmp_path / "empty", tmp_path / "missing.tar.gz"):
        result = home.run(str(source), ok=False)
        assert result.returncode != 0 and result.stderr.startswith("error: ")
    assert not home.appdir.exists()
    assert [p.name for p in home.data.iterdir()] == []  # no temporary folder left
