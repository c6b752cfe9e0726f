"""Small vector icons for the post action bar, drawn with the current pen/brush colour.

Drawn as paths rather than glyphs so they look the same on every platform and font, and
follow the palette (light/dark) through the painter's colour.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF


def _star(rect: QRectF) -> QPolygonF:
    cx, cy = rect.center().x(), rect.center().y() + rect.height() * 0.04
    outer, inner = rect.width() / 2, rect.width() / 4.6
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append(QPointF(cx + r * math.cos(a), cy + r * math.sin(a)))
    return QPolygonF(points)


def draw_icon(painter: QPainter, name: str, rect: QRectF, color: QColor, *,
              filled: bool = False) -> None:
    """Draw icon ``name`` (reply, boost, favourite, bookmark, more, follow, bell) in ``rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(color, max(1.4, rect.width() / 10))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(color if filled else Qt.BrushStyle.NoBrush)
    x, y, w, h = rect.x(), rect.y(), rect.width(), rect.height()
    path = QPainterPath()
    if name == "reply":
        path.moveTo(x + w * 0.42, y + h * 0.18)
        path.lineTo(x + w * 0.1, y + h * 0.45)
        path.lineTo(x + w * 0.42, y + h * 0.72)
        path.moveTo(x + w * 0.1, y + h * 0.45)
        path.cubicTo(x + w * 0.6, y + h * 0.45, x + w * 0.92, y + h * 0.5, x + w * 0.9,
                     y + h * 0.88)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    elif name == "boost":
        path.moveTo(x + w * 0.1, y + h * 0.5)
        path.lineTo(x + w * 0.1, y + h * 0.25)
        path.lineTo(x + w * 0.8, y + h * 0.25)
        path.moveTo(x + w * 0.64, y + h * 0.1)
        path.lineTo(x + w * 0.8, y + h * 0.25)
        path.lineTo(x + w * 0.64, y + h * 0.4)
        path.moveTo(x + w * 0.9, y + h * 0.5)
        path.lineTo(x + w * 0.9, y + h * 0.75)
        path.lineTo(x + w * 0.2, y + h * 0.75)
        path.moveTo(x + w * 0.36, y + h * 0.6)
        path.lineTo(x + w * 0.2, y + h * 0.75)
        path.lineTo(x + w * 0.36, y + h * 0.9)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    elif name == "favourite":
        path.addPolygon(_star(rect))
        path.closeSubpath()
    elif name == "bookmark":
        path.moveTo(x + w * 0.22, y + h * 0.1)
        path.lineTo(x + w * 0.78, y + h * 0.1)
        path.lineTo(x + w * 0.78, y + h * 0.9)
        path.lineTo(x + w * 0.5, y + h * 0.66)
        path.lineTo(x + w * 0.22, y + h * 0.9)
        path.closeSubpath()
    elif name == "more":
        painter.setBrush(color)
        painter.setPen(Qt.PenStyle.NoPen)
        for i in range(3):
            path.addEllipse(QPointF(x + w * (0.2 + 0.3 * i), y + h / 2), w * 0.08, w * 0.08)
    elif name == "follow":
        path.addEllipse(QPointF(x + w * 0.45, y + h * 0.32), w * 0.18, h * 0.18)
        path.moveTo(x + w * 0.12, y + h * 0.9)
        path.cubicTo(x + w * 0.15, y + h * 0.55, x + w * 0.75, y + h * 0.55, x + w * 0.78,
                     y + h * 0.9)
    else:  # bell
        path.moveTo(x + w * 0.2, y + h * 0.75)
        path.cubicTo(x + w * 0.3, y + h * 0.6, x + w * 0.2, y + h * 0.15, x + w * 0.5,
                     y + h * 0.15)
        path.cubicTo(x + w * 0.8, y + h * 0.15, x + w * 0.7, y + h * 0.6, x + w * 0.8,
                     y + h * 0.75)
        path.closeSubpath()
    painter.drawPath(path)
    painter.restore()
