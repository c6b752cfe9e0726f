"""Render the app icon PNGs from ``src/fedidesk/resources/fedidesk.svg`` with Qt's SVG renderer.

Run after editing the SVG (the PNGs are committed, so builds and the app need no SVG step)::

    QT_QPA_PLATFORM=offscreen uv run python packaging/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parents[1] / "src" / "fedidesk" / "resources"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    """Render ``svg`` into a transparent ``size`` x ``size`` ARGB image."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG for Qt")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    """Write ``icons/fedidesk-<size>.png`` for every size in :data:`SIZES`."""
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = RESOURCES / "fedidesk.svg"
    out = RESOURCES / "icons"
    out.mkdir(exist_ok=True)
    for size in SIZES:
        target = out / f"fedidesk-{size}.png"
        if not render(svg, size).save(str(target)):
            raise OSError(f"could not write {target}")
        print(target.relative_to(RESOURCES.parents[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
