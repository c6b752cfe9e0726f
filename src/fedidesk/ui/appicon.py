"""The fedidesk application icon, loaded from the package's resources.

The files live in ``fedidesk/resources`` (``fedidesk.svg`` and ``icons/fedidesk-<size>.png``)
and are read through :mod:`importlib.resources`, so a source checkout, an installed wheel
and a PyInstaller bundle all find the same files. The PNGs are rendered from the SVG by
``packaging/render_icons.py``; the icon carries every PNG size (what X11's ``_NET_WM_ICON``,
the Windows taskbar and the about dialog ask for) and then the SVG.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPixmap

#: Every rendered PNG size, in pixels (square).
ICON_SIZES: tuple[int, ...] = (16, 32, 48, 64, 128, 256, 512)

#: The freedesktop icon name (matches ``Icon=`` in the desktop file).
ICON_NAME = "org.fedidesk.fedidesk"


def resource(*parts: str) -> Traversable:
    """A file inside the ``fedidesk.resources`` package, e.g. ``resource("icons", "x.png")``."""
    node = resources.files("fedidesk.resources")
    for part in parts:
        node = node.joinpath(part)
    return node


def icon_png(size: int) -> Traversable:
    """The rendered PNG of the app icon at ``size`` pixels."""
    return resource("icons", f"fedidesk-{size}.png")


def icon_svg() -> Traversable:
    """The SVG source of the app icon."""
    return resource("fedidesk.svg")


def app_icon() -> QIcon:
    """The app icon with every PNG size, then the SVG.

    The PNGs go in first so Qt keeps its pixmap icon engine: ``availableSizes()`` lists
    them all and a size in between is scaled down from the next larger one. Qt's pixmap
    engine renders the SVG added after them at its own 64 px, so the SVG only matters when
    PNGs are missing (a PNG that is missing or unreadable is skipped). The SVG is added only
    when it is a real file on disk, as it is for a checkout, a wheel and a PyInstaller bundle.
    """
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap()
        try:
            data = icon_png(size).read_bytes()
        except OSError:
            continue
        if pixmap.loadFromData(data, "PNG"):
            icon.addPixmap(pixmap)
    svg = icon_svg()
    if isinstance(svg, Path) and svg.is_file():
        icon.addFile(str(svg), QSize())
    return icon
