"""Small vector icons for the composer, painted so they look the same without an icon theme.

``compose_icon(name)`` prefers the desktop's themed icon and falls back to a painted one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

SIZE = 32

THEME_NAMES = {
    "image": "insert-image",
    "poll": "view-statistics",
    "emoji": "face-smile",
    "warning": "dialog-warning",
    "remove": "edit-delete",
}


def _globe(p: QPainter) -> None:
    p.drawEllipse(QRectF(5, 5, 22, 22))
    p.drawEllipse(QRectF(11, 5, 10, 22))
    p.drawLine(QPointF(5, 16), QPointF(27, 16))
    p.drawLine(QPointF(7, 10.5), QPointF(25, 10.5))
    p.drawLine(QPointF(7, 21.5), QPointF(25, 21.5))


def _lock(p: QPainter, open_: bool) -> None:
    p.drawRoundedRect(QRectF(7, 15, 18, 13), 2, 2)
    path = QPainterPath()
    path.moveTo(11, 15)
    path.lineTo(11, 10)
    path.arcTo(QRectF(11, 4, 10, 12), 180, -180)
    path.lineTo(21, 11 if open_ else 15)
    p.drawPath(path)
    p.drawLine(QPointF(16, 19.5), QPointF(16, 23))


def _mail(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(4, 8, 24, 17), 2, 2)
    p.drawPolyline([QPointF(5, 9), QPointF(16, 18), QPointF(27, 9)])


def _image(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(4, 6, 24, 20), 3, 3)
    p.drawEllipse(QRectF(9, 10, 5, 5))
    p.drawPolyline([QPointF(5, 24), QPointF(13, 17), QPointF(18, 21), QPointF(22, 16),
                    QPointF(27, 21)])


def _poll(p: QPainter) -> None:
    for y, width in ((8, 18.0), (15, 12.0), (22, 22.0)):
        p.drawRoundedRect(QRectF(5, y, width, 4), 2, 2)


def _emoji(p: QPainter) -> None:
    p.drawEllipse(QRectF(5, 5, 22, 22))
    p.drawPoint(QPointF(12.5, 13))
    p.drawPoint(QPointF(19.5, 13))
    p.drawArc(QRectF(10.5, 12, 11, 10), 200 * 16, 140 * 16)


def _warning(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(16, 4)
    path.lineTo(29, 27)
    path.lineTo(3, 27)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(16, 12), QPointF(16, 19))
    p.drawPoint(QPointF(16, 23))


def _remove(p: QPainter) -> None:
    p.drawLine(QPointF(9, 9), QPointF(23, 23))
    p.drawLine(QPointF(23, 9), QPointF(9, 23))


PAINTERS: dict[str, Callable[[QPainter], None]] = {
    "public": _globe,
    "unlisted": lambda p: _lock(p, True),
    "private": lambda p: _lock(p, False),
    "direct": _mail,
    "image": _image,
    "poll": _poll,
    "emoji": _emoji,
    "warning": _warning,
    "remove": _remove,
}


def painted_icon(name: str, color: QColor | None = None) -> QIcon:
    """The painted icon ``name`` in ``color`` (the palette's text colour by default)."""
    if color is None:
        color = QApplication.palette().color(QPalette.ColorRole.WindowText)
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(SIZE * scale, SIZE * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        pen = QPen(color, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        PAINTERS[name](painter)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        icon.addPixmap(pixmap)
    return icon


def compose_icon(name: str, color: QColor | None = None) -> QIcon:
    """The desktop theme's icon for ``name`` where it has one, else the painted one."""
    theme = THEME_NAMES.get(name)
    if theme and color is None and QIcon.hasThemeIcon(theme):
        return QIcon.fromTheme(theme)
    return painted_icon(name, color)
