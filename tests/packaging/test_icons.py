"""The app icon: every PNG size exists and loads at its size, the SVG renders, ``app_icon()``
carries them all, and the generated ``.ico``/``.icns`` are well formed."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

from fedidesk.ui.appicon import ICON_SIZES, app_icon, icon_png, icon_svg
from tests.packaging.conftest import RESOURCES, load_script


def test_sizes_are_the_freedesktop_set() -> None:
    assert ICON_SIZES == (16, 32, 48, 64, 128, 256, 512)


@pytest.mark.parametrize("size", ICON_SIZES)
def test_png_exists_and_loads_at_its_size(qapp: object, size: int) -> None:
    path = RESOURCES / "icons" / f"fedidesk-{size}.png"
    assert path.is_file()
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0, "the corners should be transparent"
    assert image.pixelColor(size // 2, size // 2).alpha() == 255
    assert icon_png(size).read_bytes() == path.read_bytes()


def test_svg_is_valid_for_qt(qapp: object) -> None:
    renderer = QSvgRenderer(str(RESOURCES / "fedidesk.svg"))
    assert renderer.isValid()
    assert renderer.defaultSize() == QSize(64, 64)
    assert icon_svg().read_bytes() == (RESOURCES / "fedidesk.svg").read_bytes()


def test_pngs_are_renders_of_the_svg(qapp: object) -> None:
    """Editing the SVG without re-running packaging/render_icons.py fails here.

    A small tolerance per channel lets a newer Qt antialias edges a little differently.
    """
    render_icons = load_script("render_icons")
    for size in (16, 48):
        fresh = render_icons.render(RESOURCES / "fedidesk.svg", size).convertToFormat(
            QImage.Format.Format_ARGB32)
        committed = QImage(str(RESOURCES / "icons" / f"fedidesk-{size}.png")).convertToFormat(
            QImage.Format.Format_ARGB32)
        assert committed.size() == fresh.size()
        worst = max(
            abs(a - b)
            for y in range(size) for x in range(size)
            for a, b in zip(_channels(fresh, x, y), _channels(committed, x, y), strict=True))
        assert worst <= 24, f"{size} px PNG is stale: run packaging/render_icons.py"


def _channels(image: QImage, x: int, y: int) -> tuple[int, int, int, int]:
    color = image.pixelColor(x, y)
    return color.red(), color.green(), color.blue(), color.alpha()


def test_app_icon_has_every_size(qapp: object) -> None:
    icon = app_icon()
    assert not icon.isNull()
    available = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert available >= {(size, size) for size in ICON_SIZES}
    exact = icon.pixmap(16).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    png = QImage(str(RESOURCES / "icons" / "fedidesk-16.png"))
    assert exact == png.convertToFormat(QImage.Format.Format_ARGB32)
    assert icon.pixmap(24).size() == QSize(24, 24)  # scaled from a neighbour


def test_ico_and_icns_are_well_formed(tmp_path: Path) -> None:
    platform_icons = load_script("platform_icons")
    ico, icns = platform_icons.write_platform_icons(tmp_path)

    data = ico.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(platform_icons.ICO_SIZES))
    for index, size in enumerate(platform_icons.ICO_SIZES):
        width, _h, _c, _r, _p, bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index: 22 + 16 * index])
        assert width == (0 if size == 256 else size) and bpp == 32
        assert platform_icons.png_size(data[offset: offset + length]) == (size, size)

    data = icns.read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    seen, pos = [], 8
    while pos < len(data):
        ostype, length = data[pos: pos + 4], struct.unpack(">I", data[pos + 4: pos + 8])[0]
        seen.append(ostype)
        assert data[pos + 8: pos + 16] == platform_icons.PNG_SIGNATURE
        pos += length
    assert pos == len(data)
    assert seen == [ostype for ostype, _ in platform_icons.ICNS_TYPES]


def test_png_size_rejects_other_files() -> None:
    platform_icons = load_script("platform_icons")
    with pytest.raises(ValueError, match="not a PNG"):
        platform_icons.png_size(b"GIF89a" + bytes(30))
