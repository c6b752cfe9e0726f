"""``PostDelegate``: paints timeline rows without a widget per post (style.md §2 item 5).

Layouts come from ``postlayout.build_layout`` and are cached by item id together with the
key (width, expanded, revealed, content version, gap loading); a heavier LRU keeps the laid
out documents of recently painted rows, a light dict keeps every row's height for
``sizeHint``. ``watch(model)`` drops cached entries on ``dataChanged`` for layout roles
and on row removal. Colours come from ``option.palette`` so light and dark themes work.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from fedidesk.ui.images import blurhash_image
from fedidesk.ui.postdocument import EmojiImages, PostDocument
from fedidesk.ui.posticons import draw_icon
from fedidesk.ui.postlayout import RADIUS, Fonts, PostLayout, build_layout
from fedidesk.ui.reltime import now_utc, short_age
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineroles import AUTHOR_ROLES, LAYOUT_ROLES, DetachedIndex, Role

Index = QModelIndex | QPersistentModelIndex | DetachedIndex
PixmapProvider = Callable[[str, QSize], QPixmap | None]
_DROP_ROLES = LAYOUT_ROLES | frozenset(AUTHOR_ROLES)
_LAYOUT_KEY = int(Role.LayoutKeyRole)
_STATE_MASK = (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_MouseOver
               | QStyle.StateFlag.State_HasFocus)
#: Blurhash decodes (32×32, pure Python, a few ms each) shared by every delegate.
_BLURHASH_SIDE = 32
_blurhashes: OrderedDict[str, QImage] = OrderedDict()


@dataclass(frozen=True)
class HitTarget:
    """What a point in a row is over.

    ``kind`` is one of "none", "action" (``name``: reply/boost/favourite/bookmark/more),
    "link" (``href``), "media" (``media_index``), "reveal", "toggle" (CW or filter warn),
    "author", "card" (``href``), "quote", "gap".
    """

    kind: str = "none"
    name: str = ""
    href: str = ""
    media_index: int = -1


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t,
        a.blueF() * (1 - t) + b.blueF() * t, 1.0,
    )


class PostDelegate(QStyledItemDelegate):
    """Paints posts, gaps and notifications; routes clicks to signals.

    Args:
        emoji_images: decoded custom emoji shared with other documents.
        avatar_provider: ``(url, size) -> QPixmap | None`` from the app's pixmap cache
            (``None`` paints a coloured circle with the initial until the image arrives).
        media_provider: same shape, for media previews (``None`` paints the blurhash).
        now: clock for relative times.
        max_layouts: how many laid-out rows (with their documents) to keep.
        max_cached_pixels: budget of the painted-row pixmaps (device pixels; about two
            screens of one column).

    Signals:
        actionTriggered(str action, str item_id), linkActivated(str href, str item_id),
        mediaActivated(str item_id, int index), toggleSpoiler(str), revealMedia(str),
        loadGap(str), authorActivated(str item_id).
    """

    actionTriggered = Signal(str, str)
    linkActivated = Signal(str, str)
    mediaActivated = Signal(str, int)
    toggleSpoiler = Signal(str)
    revealMedia = Signal(str)
    loadGap = Signal(str)
    authorActivated = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        emoji_images: EmojiImages | None = None,
        avatar_provider: PixmapProvider | None = None,
        media_provider: PixmapProvider | None = None,
        now: Callable[[], datetime] = now_utc,
        max_layouts: int = 120,
        max_cached_pixels: int = 2 * 480 * 1200,
    ) -> None:
        super().__init__(parent)
        self.emoji_images = emoji_images if emoji_images is not None else EmojiImages()
        self.avatar_provider = avatar_provider
        self.media_provider = media_provider
        self.now = now
        self.max_layouts = max_layouts
        self.max_cached_pixels = max_cached_pixels
        self.max_row_pixels = max_cached_pixels // 4
        self._rows: OrderedDict[str, tuple[PostLayout, tuple[object, ...], QPixmap, float]] = (
            OrderedDict())
        self._row_pixels = 0.0
        self.layout_count = 0  # layouts built (tests and bench/ read it)
        self.render_count = 0  # row pixmaps drawn
        self._layouts: OrderedDict[str, tuple[tuple[object, ...], PostLayout]] = OrderedDict()
        self._heights: dict[str, tuple[tuple[object, ...], int, QSize]] = {}
        self._fonts: tuple[str, Fonts] | None = None
        self._placeholders: OrderedDict[tuple[str, int, int], QPixmap] = OrderedDict()
        self._models: list[QObject] = []

    # --- cache -----------------------------------------------------------------------------

    def watch(self, model: QObject) -> None:
        """Drop cached layouts when ``model`` changes layout roles or removes rows."""
        model.dataChanged.connect(self._on_data_changed)  # type: ignore[attr-defined]
        model.rowsAboutToBeRemoved.connect(self._on_rows_removed)  # type: ignore[attr-defined]
        model.modelReset.connect(self.clear)  # type: ignore[attr-defined]
        self._models.append(model)

    def clear(self) -> None:
        """Forget every cached layout and height (font or theme change)."""
        self._layouts.clear()
        self._heights.clear()
        self._rows.clear()
        self._row_pixels = 0.0

    def forget(self, item_id: str) -> None:
        """Forget the cached layout of one row."""
        self._layouts.pop(item_id, None)
        self._heights.pop(item_id, None)
        row = self._rows.pop(item_id, None)
        if row is not None:
            self._row_pixels -= row[3]

    def _on_data_changed(self, top: QModelIndex, bottom: QModelIndex, roles: list[int]) -> None:
        if roles and not _DROP_ROLES.intersection(int(r) for r in roles):
            return
        for row in range(top.row(), bottom.row() + 1):
            self.forget(str(top.siblingAtRow(row).data(Role.IdRole)))

    def _on_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        model = self.sender()
        if model is None:
            return
        for row in range(first, last + 1):
            self.forget(str(model.index(row, 0).data(Role.IdRole)))  # type: ignore[attr-defined]

    def fonts(self, font: QFont) -> Fonts:
        """Fonts derived from ``font`` (cached while the font stays the same)."""
        key = font.key()
        if self._fonts is None or self._fonts[0] != key:
            self._fonts = (key, Fonts.from_font(font))
            self.clear()
        return self._fonts[1]

    def layout_for(self, index: Index, width: int, font: QFont) -> PostLayout:
        """The cached layout of ``index`` at ``width``, building it on a miss."""
        item_id, state = index.data(Role.LayoutKeyRole)
        key = (width, state)
        fonts = self.fonts(font)
        cached = self._layouts.get(item_id)
        if cached is not None and cached[0] == key:
            self._layouts.move_to_end(item_id)
            return cached[1]
        self.layout_count += 1
        layout = build_layout(index, width, fonts, self.emoji_images)
        self._layouts[item_id] = (key, layout)
        self._heights[item_id] = (key, layout.height, QSize(width, layout.height))
        while len(self._layouts) > self.max_layouts:
            self._layouts.popitem(last=False)
        return layout

    @staticmethod
    def _width(option: QStyleOptionViewItem) -> int:
        widget = option.widget
        if isinstance(widget, QAbstractItemView):
            return max(200, widget.viewport().width())
        rect: QRect = option.rect
        return max(200, rect.width() or 480)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        # QListView asks for every row on each relayout (every insert): the cached path
        # avoids QVariant round trips (the model is asked directly) and builds nothing.
        width = self._width(option)
        model = index.model()
        if isinstance(model, TimelineModel):
            key = model.layout_key_at(index.row())
            if key is None:
                return QSize(width, 0)
            item_id, state = key
        else:
            item_id, state = index.data(_LAYOUT_KEY)
        cached = self._heights.get(item_id)
        if cached is not None and cached[0] == (width, state):
            return cached[2]
        font: QFont = option.font
        self.layout_for(index, width, font)
        return self._heights[item_id][2]

    # --- painting --------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        # Rows are drawn once into a pixmap and blitted afterwards: inserting a post above
        # shifts every visible row, which would otherwise repaint them all from scratch.
        rect: QRect = option.rect
        lay = self.layout_for(index, rect.width(), option.font)
        device = painter.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        pixmap = self._row_pixmap(option, index, lay, dpr, painter.font())
        if pixmap is None:
            self._paint_row(painter, option, index, lay)
        else:
            painter.drawPixmap(rect.topLeft(), pixmap)

    def prepare(self, option: QStyleOptionViewItem, index: Index, dpr: float, *,
                render: bool) -> int:
        """Lay out ``index`` (and with ``render`` draw its pixmap) before it is painted;
        returns the row's height.

        ``option`` is the view's item option (its ``rect`` is ignored). Streaming arrivals
        are prepared one by one as they come, so the insert and repaint of a whole batch
        only read caches instead of stalling the event loop for several rows at once.
        """
        width = self._width(option)
        lay = self.layout_for(index, width, option.font)
        if render:
            local = QStyleOptionViewItem(option)
            local.rect = QRect(0, 0, width, lay.height)
            self._row_pixmap(local, index, lay, dpr, option.font)
        return lay.height

    def _row_pixmap(self, option: QStyleOptionViewItem, index: Index, lay: PostLayout,
                    dpr: float, font: QFont) -> QPixmap | None:
        """The cached pixmap of the row (drawn on a miss); None for rows too big to cache."""
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state: QStyle.StateFlag = option.state
        area = rect.width() * rect.height() * dpr * dpr
        if rect.isEmpty() or area > self.max_row_pixels:
            return None
        item_id = str(index.data(Role.IdRole))
        key = (rect.width(), rect.height(), dpr, (state & _STATE_MASK).value,
               short_age(lay.time_at, self.now()) if lay.time_at is not None else "",
               palette.cacheKey(), self._image_keys(lay))
        cached = self._rows.get(item_id)
        if cached is not None and cached[0] is lay and cached[1] == key:
            self._rows.move_to_end(item_id)
            return cached[2]
        self.render_count += 1
        pixmap = QPixmap(max(1, round(rect.width() * dpr)), max(1, round(rect.height() * dpr)))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(palette.color(QPalette.ColorRole.Base))
        inner = QPainter(pixmap)
        inner.setFont(font)
        local = QStyleOptionViewItem(option)
        local.rect = QRect(0, 0, rect.width(), rect.height())
        self._paint_row(inner, local, index, lay)
        inner.end()
        if cached is not None:
            self._row_pixels -= cached[3]
        self._rows[item_id] = (lay, key, pixmap, area)
        self._rows.move_to_end(item_id)
        self._row_pixels += area
        while self._row_pixels > self.max_cached_pixels and len(self._rows) > 1:
            self._row_pixels -= self._rows.popitem(last=False)[1][3]
        return pixmap

    def _image_keys(self, lay: PostLayout) -> tuple[int, ...]:
        """Which remote images (avatar, media, card) a paint of ``lay`` would use now."""
        keys: list[int] = []
        provided: list[tuple[PixmapProvider | None, str | None, QRect | None]] = [
            (self.avatar_provider, lay.avatar_url, lay.avatar_rect)]
        if not lay.media_hidden:
            provided.extend((self.media_provider, t.attachment.preview_url or t.attachment.url
                             or "", t.rect) for t in lay.media)
        if lay.card is not None and lay.card_image_rect is not None:
            provided.append((self.media_provider, lay.card.image,
                             lay.card_image_rect.adjusted(1, 1, 0, -1)))
        for provider, url, r in provided:
            if provider is None or not url or r is None:
                continue
            pixmap = provider(url, r.size())
            keys.append(pixmap.cacheKey() if pixmap is not None and not pixmap.isNull() else 0)
        return tuple(keys)

    def _paint_row(self, painter: QPainter, option: QStyleOptionViewItem, index: Index,
                   lay: PostLayout) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state: QStyle.StateFlag = option.state
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRect(0, 0, rect.width(), rect.height()))
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        muted = _mix(text, base, 0.45)
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(0, 0, rect.width(), rect.height(),
                             _mix(base, palette.color(QPalette.ColorRole.Highlight), 0.14))
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(0, 0, rect.width(), rect.height(), _mix(base, text, 0.035))
        painter.setPen(_mix(base, text, 0.12))
        painter.drawLine(0, rect.height() - 1, rect.width(), rect.height() - 1)
        if lay.gap_rect is not None:
            self._paint_gap(painter, lay, bool(index.data(Role.GapLoadingRole)), palette)
        else:
            self._paint_post(painter, lay, palette, text, muted)
        if state & QStyle.StateFlag.State_HasFocus:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(_pen(palette.color(QPalette.ColorRole.Highlight), 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(2, 2, rect.width() - 4, rect.height() - 4), 6, 6)
        painter.restore()

    def _paint_gap(self, painter: QPainter, lay: PostLayout, loading: bool,
                   palette: QPalette) -> None:
        assert lay.gap_rect is not None
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        link = palette.color(QPalette.ColorRole.Link)
        pen = _pen(link, 1.2)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(lay.gap_rect), RADIUS, RADIUS)
        painter.setPen(link)
        painter.drawText(lay.gap_rect, Qt.AlignmentFlag.AlignCenter,
                         lay.gap_loading_text if loading else lay.gap_text)

    def _paint_post(self, painter: QPainter, lay: PostLayout, palette: QPalette,
                    text: QColor, muted: QColor) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        if lay.header_icon_rect is not None:
            draw_icon(painter, lay.header_icon, QRectF(lay.header_icon_rect), muted,
                      filled=lay.header_icon == "favourite")
        if lay.avatar_rect is not None:
            self._paint_avatar(painter, lay, palette)
        for item in lay.texts:
            painter.setFont(item.font)
            painter.setPen(muted if item.muted else text)
            painter.drawText(item.rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             item.text)
        for badge in lay.badges:
            painter.setPen(_pen(muted, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(badge.rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            painter.setFont(badge.font)
            painter.drawText(badge.rect, Qt.AlignmentFlag.AlignCenter, badge.text)
        if lay.time_rect is not None and lay.time_at is not None:
            stamp = short_age(lay.time_at, self.now())
            painter.setFont(self._small_font())
            painter.setPen(muted)
            painter.drawText(lay.time_rect, Qt.AlignmentFlag.AlignRight |
                             Qt.AlignmentFlag.AlignVCenter,
                             f"✎ {stamp}" if lay.edited else stamp)
        if lay.spoiler is not None:
            _draw_doc(painter, lay.spoiler, lay.spoiler_pos, palette)
        if lay.toggle_rect is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_mix(palette.color(QPalette.ColorRole.Base), text, 0.09))
            painter.drawRoundedRect(QRectF(lay.toggle_rect), 6, 6)
            painter.setFont(self._small_font(bold=True))
            painter.setPen(text)
            painter.drawText(lay.toggle_rect, Qt.AlignmentFlag.AlignCenter, lay.toggle_text)
        if lay.doc is not None:
            _draw_doc(painter, lay.doc, lay.doc_pos, palette)
        self._paint_media(painter, lay, palette)
        self._paint_extras(painter, lay, palette, text, muted, highlight)
        for button in lay.actions:
            color = _action_color(button.name, button.active, muted, highlight)
            icon = QRectF(button.rect.x() + 8, button.rect.center().y() - 8, 16, 16)
            draw_icon(painter, button.name, icon, color,
                      filled=button.active and button.name in ("favourite", "bookmark"))
            if button.count:
                painter.setFont(self._small_font())
                painter.setPen(color)
                painter.drawText(QRect(button.rect.x() + 30, button.rect.y(),
                                       button.rect.width() - 30, button.rect.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 button.count)

    def _small_font(self, *, bold: bool = False) -> QFont:
        assert self._fonts is not None
        fonts = self._fonts[1]
        return fonts.small_bold if bold else fonts.small

    def _paint_avatar(self, painter: QPainter, lay: PostLayout, palette: QPalette) -> None:
        assert lay.avatar_rect is not None
        r = lay.avatar_rect
        pixmap = self.avatar_provider(lay.avatar_url, r.size()) if (
            self.avatar_provider and lay.avatar_url) else None
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(r), RADIUS, RADIUS)
        if pixmap is not None and not pixmap.isNull():
            painter.save()
            painter.setClipPath(clip, Qt.ClipOperation.IntersectClip)
            painter.drawPixmap(r, pixmap)
            painter.restore()
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(lay.avatar_color or palette.color(QPalette.ColorRole.Mid))
        painter.drawPath(clip)
        font = QFont(self._small_font(bold=True))
        font.setPixelSize(r.height() // 2)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, lay.avatar_initial)

    def _placeholder(self, blurhash: str, size: QSize) -> QPixmap:
        key = (blurhash, size.width(), size.height())
        pixmap = self._placeholders.get(key)
        if pixmap is None:
            small = _blurhashes.get(blurhash)
            if small is None:
                small = _blurhashes[blurhash] = blurhash_image(blurhash, _BLURHASH_SIDE,
                                                               _BLURHASH_SIDE)
                while len(_blurhashes) > 512:
                    _blurhashes.popitem(last=False)
            else:
                _blurhashes.move_to_end(blurhash)
            pixmap = QPixmap.fromImage(small.scaled(
                max(1, size.width()), max(1, size.height()),
                Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation))
            self._placeholders[key] = pixmap
            while len(self._placeholders) > 256:
                self._placeholders.popitem(last=False)
        return pixmap

    def _paint_media(self, painter: QPainter, lay: PostLayout, palette: QPalette) -> None:
        for tile in lay.media:
            r = tile.rect
            clip = QPainterPath()
            clip.addRoundedRect(QRectF(r), RADIUS, RADIUS)
            painter.save()
            painter.setClipPath(clip, Qt.ClipOperation.IntersectClip)
            url = tile.attachment.preview_url or tile.attachment.url or ""
            pixmap = None
            if self.media_provider is not None and url and not lay.media_hidden:
                pixmap = self.media_provider(url, r.size())
            if pixmap is None or pixmap.isNull():
                if tile.attachment.blurhash:
                    pixmap = self._placeholder(tile.attachment.blurhash, r.size())
                else:
                    painter.fillRect(r, palette.color(QPalette.ColorRole.Mid))
            if pixmap is not None and not pixmap.isNull():
                painter.drawPixmap(r, pixmap)
            if lay.media_hidden:
                painter.fillRect(r, QColor(0, 0, 0, 110))
            painter.restore()
            if tile.attachment.description and not lay.media_hidden:
                badge = QRect(r.x() + 6, r.bottom() - 24, 34, 18)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(0, 0, 0, 170))
                painter.drawRoundedRect(QRectF(badge), 4, 4)
                painter.setFont(self._small_font(bold=True))
                painter.setPen(QColor(255, 255, 255))
                painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, lay.alt_text)
        if lay.media_hidden and lay.media:
            area = lay.media[0].rect.united(lay.media[-1].rect)
            painter.setFont(self._small_font(bold=True))
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter,
                             lay.sensitive_text)

    def _paint_extras(self, painter: QPainter, lay: PostLayout, palette: QPalette,
                      text: QColor, muted: QColor, highlight: QColor) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        border = _pen(_mix(base, text, 0.18), 1.0)
        for bar in lay.poll:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_mix(base, text, 0.06))
            painter.drawRoundedRect(QRectF(bar.rect), 6, 6)
            if bar.share > 0:
                filled = QRectF(bar.rect.x(), bar.rect.y(), bar.rect.width() * bar.share,
                                bar.rect.height())
                painter.setBrush(_mix(base, highlight, 0.45 if bar.own else 0.25))
                painter.drawRoundedRect(filled, 6, 6)
            painter.setFont(self._fonts[1].base if self._fonts else painter.font())
            painter.setPen(text)
            inner = bar.rect.adjusted(10, 0, -10, 0)
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             ("✓ " if bar.own else "") + bar.label)
            painter.drawText(inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             bar.share_text)
        for box in (lay.card_rect, lay.quote_rect):
            if box is not None:
                painter.setPen(border)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), RADIUS,
                                        RADIUS)
        if lay.card_image_rect is not None and lay.card is not None:
            r = lay.card_image_rect.adjusted(1, 1, 0, -1)
            clip = QPainterPath()
            clip.addRoundedRect(QRectF(r), RADIUS, RADIUS)
            painter.save()
            painter.setClipPath(clip, Qt.ClipOperation.IntersectClip)
            pixmap = self.media_provider(lay.card.image, r.size()) if (
                self.media_provider and lay.card.image) else None
            if (pixmap is None or pixmap.isNull()) and lay.card.blurhash:
                pixmap = self._placeholder(lay.card.blurhash, r.size())
            if pixmap is not None and not pixmap.isNull():
                painter.drawPixmap(r, pixmap)
            else:
                painter.fillRect(r, _mix(base, text, 0.08))
            painter.restore()
        if lay.quote_doc is not None and lay.quote_rect is not None:
            painter.save()
            painter.setClipRect(lay.quote_rect.adjusted(1, 1, -1, -8))
            _draw_doc(painter, lay.quote_doc, lay.quote_pos, palette, muted)
            painter.restore()

    # --- hit testing and events ------------------------------------------------------------

    def hit_test(
        self, index: Index, pos: QPoint, rect: QRect, font: QFont | None = None,
    ) -> HitTarget:
        """What ``pos`` (viewport coordinates) is over, for the row drawn in ``rect``."""
        if font is None:
            font = self._fonts[1].base if self._fonts is not None else QFont()
        lay = self.layout_for(index, rect.width(), font)
        p = pos - rect.topLeft()
        if lay.gap_rect is not None:
            return HitTarget("gap") if lay.gap_rect.contains(p) else HitTarget()
        if lay.toggle_rect is not None and lay.toggle_rect.contains(p):
            return HitTarget("toggle")
        for button in lay.actions:
            if button.rect.contains(p):
                return HitTarget("action", button.name)
        for i, tile in enumerate(lay.media):
            if tile.rect.contains(p):
                return HitTarget("reveal") if lay.media_hidden else HitTarget("media",
                                                                              media_index=i)
        if lay.card_rect is not None and lay.card is not None and lay.card_rect.contains(p):
            return HitTarget("card", href=lay.card.url)
        if lay.quote_rect is not None and lay.quote_rect.contains(p):
            return HitTarget("quote")
        if lay.doc is not None:
            href = _anchor_at(lay.doc, lay.doc_pos, p)
            if href:
                return HitTarget("link", href=href)
        for r in (lay.avatar_rect, lay.author_rect):
            if r is not None and r.contains(p):
                return HitTarget("author")
        return HitTarget()

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem,
                    index: Index) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return False
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        rect: QRect = option.rect
        font: QFont = option.font
        target = self.hit_test(index, event.position().toPoint(), rect, font)
        return self.activate(target, str(index.data(Role.IdRole)))

    def activate(self, target: HitTarget, item_id: str) -> bool:
        """Emit the signal for ``target`` on row ``item_id``; False if nothing was hit."""
        if target.kind == "action":
            self.actionTriggered.emit(target.name, item_id)
        elif target.kind in ("link", "card"):
            self.linkActivated.emit(target.href, item_id)
        elif target.kind == "media":
            self.mediaActivated.emit(item_id, target.media_index)
        elif target.kind == "reveal":
            self.revealMedia.emit(item_id)
        elif target.kind == "toggle":
            self.toggleSpoiler.emit(item_id)
        elif target.kind == "gap":
            self.loadGap.emit(item_id)
        elif target.kind == "author":
            self.authorActivated.emit(item_id)
        else:
            return False
        return True


def _pen(color: QColor, width: float) -> QPen:
    pen = QPen(color, width)
    pen.setCosmetic(True)
    return pen


def _action_color(name: str, active: bool, muted: QColor, highlight: QColor) -> QColor:
    if not active:
        return muted
    return {"boost": QColor(46, 160, 110), "favourite": QColor(224, 160, 20)}.get(name, highlight)


def _draw_doc(painter: QPainter, doc: PostDocument, pos: QPointF, palette: QPalette,
              color: QColor | None = None) -> None:
    ctx = QAbstractTextDocumentLayout.PaintContext()
    pal = QPalette(palette)
    if color is not None:
        pal.setColor(QPalette.ColorRole.Text, color)
    ctx.palette = pal
    painter.save()
    painter.translate(pos)
    doc.documentLayout().draw(painter, ctx)
    painter.restore()


def _anchor_at(doc: PostDocument, pos: QPointF, p: QPoint) -> str:
    local = QPointF(p) - pos
    if local.x() < 0 or local.y() < 0 or local.y() > doc.size().height():
        return ""
    return str(doc.documentLayout().anchorAt(local) or "")

