"""Decode untrusted image bytes into ``QImage`` within a pixel budget; blurhash placeholders."""

from __future__ import annotations

import math

import blurhash
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage, QImageReader

from fedidesk.core.media import DEFAULT_MAX_PIXELS

BLURHASH_DECODE_SIZE = 32
MAX_PLACEHOLDER_SIDE = 4096


def decode_image(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> QImage | None:
    """Decode ``data``, or ``None`` if it is not an image or claims more than ``max_pixels``.

    The size comes from the header (``QImageReader.size``) before ``read``; the allocation
    limit is a second line of defence for formats whose header understates the frame size.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    if not buffer.open(QIODevice.OpenModeFlag.ReadOnly):
        return None
    reader = QImageReader(buffer)
    reader.setDecideFormatFromContent(True)
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid() or size.width() <= 0 or size.height() <= 0:
        return None
    if size.width() * size.height() > max_pixels:
        return None
    # Process-wide setting (4 bytes per pixel plus slack, in MiB): restored afterwards so
    # the app's own images (icons, screenshots) keep Qt's default limit.
    previous = QImageReader.allocationLimit()
    QImageReader.setAllocationLimit(max(1, math.ceil(max_pixels * 4 * 1.25 / 2**20)))
    try:
        image = reader.read()
    finally:
        QImageReader.setAllocationLimit(previous)
        buffer.close()
    return None if image.isNull() else image


def blurhash_image(hash_: str, width: int, height: int) -> QImage:
    """A ``width``×``height`` placeholder for ``hash_`` (neutral grey if the hash is invalid).

    Decoded at 32×32 and scaled up smoothly: blurhash has no detail to lose.
    """
    width = min(max(1, width), MAX_PLACEHOLDER_SIDE)
    height = min(max(1, height), MAX_PLACEHOLDER_SIDE)
    side = BLURHASH_DECODE_SIZE
    try:
        rows = blurhash.decode(hash_, side, side)
    except (ValueError, IndexError, TypeError):
        image = QImage(width, height, QImage.Format.Format_RGB888)
        image.fill(QColor(128, 128, 128))
        return image
    pixels = bytes(
        max(0, min(255, int(channel))) for row in rows for pixel in row for channel in pixel[:3]
    )
    small = QImage(pixels, side, side, side * 3, QImage.Format.Format_RGB888).copy()
    return small.scaled(
        width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
