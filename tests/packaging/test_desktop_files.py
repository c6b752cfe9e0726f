"""The desktop entry and the AppStream metainfo: validated by the freedesktop tools, and
consistent with each other, the package version and the repository's files."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fedidesk import __version__
from fedidesk.ui.appicon import ICON_NAME
from tests.packaging.conftest import DESKTOP, METAINFO, RESOURCES, ROOT

APP_ID = "org.fedidesk.fedidesk"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package}; .ci/run installs it)")
    return path


def test_desktop_file_passes_desktop_file_validate() -> None:
    tool = _tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


def test_metainfo_passes_appstreamcli_validate() -> None:
    tool = _tool("appstreamcli", "appstream")
    result = subprocess.run([tool, "validate", "--no-net", "--no-color", str(METAINFO)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_has_the_keys_the_app_relies_on() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "fedidesk %U"
    assert entry["Icon"] == ICON_NAME == APP_ID
    assert entry["MimeType"] == "x-scheme-handler/web+mastodon;"
    assert entry["Categories"] == "Network;InstantMessaging;Qt;"
    for key in ("Name", "GenericName", "Comment", "StartupWMClass", "Keywords"):
        assert entry[key].strip(), key
    # ui/app.py sets QGuiApplication.desktopFileName to the same id (Wayland app_id).
    assert "org.fedidesk.fedidesk" in (ROOT / "src/fedidesk/ui/app.py").read_text("utf-8")


def _metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()  # noqa: S314 (our own file)


def test_metainfo_matches_the_desktop_file_and_the_package() -> None:
    root = _metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("developer/name")
    assert root.find("content_rating") is not None
    releases = root.findall("releases/release")
    assert releases, "no <release>"
    assert releases[0].get("version") == __version__, "newest release != fedidesk.__version__"
    for release in releases:
        assert release.find("description") is not None, release.get("version")


def test_metainfo_screenshots_are_files_in_docs_screenshots() -> None:
    images = [i.text or "" for i in _metainfo().iterfind("screenshots/screenshot/image")]
    assert images
    for url in images:
        assert url.startswith("https://")
        relative = url.split("/raw/main/", 1)[1]
        assert relative.startswith("docs/screenshots/"), url
        assert (ROOT / relative).is_file(), f"{relative} is not in the repository"


@pytest.mark.parametrize("name", ["fedidesk.svg", "icons", DESKTOP.name, METAINFO.name])
def test_top_level_resources_point_at_the_package_copies(name: str) -> None:
    top = ROOT / "resources" / name
    assert top.exists(), f"resources/{name} is missing or a dangling link"
    assert top.resolve() == (RESOURCES / name).resolve()


def test_packaged_resources_are_importlib_resources() -> None:
    from fedidesk.ui.appicon import resource

    for name in (DESKTOP.name, METAINFO.name, "fedidesk.svg"):
        node = resource(name)
        assert node.is_file(), name
        assert Path(str(node)).read_bytes() == (RESOURCES / name).read_bytes()
