"""Geometry of one timeline row, computed once per (id, width, state, version) and cached.

``build_layout`` reads a model index and places every element of the row (header, avatar,
name line, CW, content document, media grid, card, poll, quote, action bar) relative to the
row's top-left corner. ``PostDelegate`` paints from it and hit-tests against it; painting
never lays out again while the layout is cached.

``notification_text`` words a notification's header ("Ada followed you", or for a grouped
notification "Ada and 2 others followed you" as one translatable sentence per type, so the verb
can agree with several people); the desktop notifications (``notifier``) use it too.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QLocale, QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QTextOption

from fedidesk.core.entities import Account, MediaAttachment, Poll, PreviewCard, Status
from fedidesk.core.html import SafeContent, plain_text
from fedidesk.core.i18n import N_, Nn_, _, ngettext
from fedidesk.ui.postdocument import EmojiImages, PostDocument
from fedidesk.ui.reltime import widest_short_age
from fedidesk.ui.timelineroles import DetachedIndex, Role

Index = QModelIndex | QPersistentModelIndex | DetachedIndex

PAD_X = 14
PAD_Y = 12
AVATAR = 46
GUTTER = 12
GAP = 8
RADIUS = 8
ACTION_H = 30
MEDIA_MAX_H = 340
ACTIONS = ("reply", "boost", "favourite", "bookmark", "more")
#: A notification row's header; ``{name}`` is who did it (translated when the row is laid out).
NOTIFICATION_TEXT = {
    "favourite": N_("{name} favourited your post"), "reblog": N_("{name} boosted your post"),
    "follow": N_("{name} followed you"), "follow_request": N_("{name} requested to follow you"),
    "mention": N_("{name} mentioned you"), "poll": N_("A poll has ended"),
    "status": N_("{name} posted"), "update": N_("{name} edited a post"),
    "quote": N_("{name} quoted your post"), "admin.sign_up": N_("{name} signed up"),
    "admin.report": N_("{name} filed a report"),
}
#: A grouped notification's header (Mastodon 4.3+ groups these types): ``{name}`` is the newest
#: person and ``{n}`` how many others did the same. One whole sentence per type, so that
#: translations can make the verb agree with several people ("… folgen dir", not "… folgt dir").
GROUPED_NOTIFICATION_TEXT = {
    # TRANSLATORS: {name} is one person's display name, {n} how many others (1 or more).
    "favourite": Nn_("{name} and {n} other favourited your post",
                     "{name} and {n} others favourited your post"),
    # TRANSLATORS: {name} is one person's display name, {n} how many others (1 or more).
    "reblog": Nn_("{name} and {n} other boosted your post",
                  "{name} and {n} others boosted your post"),
    # TRANSLATORS: {name} is one person's display name, {n} how many others (1 or more).
    "follow": Nn_("{name} and {n} other followed you", "{name} and {n} others followed you"),
    # TRANSLATORS: {name} is one person's display name, {n} how many others (1 or more).
    "admin.sign_up": Nn_("{name} and {n} other signed up", "{name} and {n} others signed up"),
}


def notification_text(note_type: str, name: str, count: int = 1,
                      single: Mapping[str, str] = NOTIFICATION_TEXT) -> str | None:
    """What ``name`` (and ``count - 1`` others) did, translated; ``None`` for an unknown type.

    A group (``count`` > 1) of a type in ``GROUPED_NOTIFICATION_TEXT`` reads as its grouped
    sentence; a single notification, or a type servers do not group, reads as ``single``'s
    text for ``note_type`` (the row headers by default; the desktop notifications pass theirs).
    """
    others = count - 1
    grouped = GROUPED_NOTIFICATION_TEXT.get(note_type)
    if others > 0 and grouped is not None:
        return ngettext(*grouped, others).format(name=name, n=QLocale().toString(others))
    template = single.get(note_type)
    return _(template).format(name=name) if template is not None else None


@dataclass
class Fonts:
    """Fonts and metrics derived from the view's font."""

    base: QFont
    bold: QFont
    small: QFont
    small_bold: QFont

    @classmethod
    def from_font(cls, font: QFont) -> Fonts:
        # Copy: a style option's font dies with the option.
        font = QFont(font)
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        small = QFont(font)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.88))
        small_bold = QFont(small)
        small_bold.setWeight(QFont.Weight.DemiBold)
        return cls(font, bold, small, small_bold)


@dataclass
class Text:
    """A single elided line of plain text."""

    text: str
    rect: QRect
    font: QFont
    muted: bool = False


@dataclass
class MediaTile:
    """One media grid tile."""

    rect: QRect
    attachment: MediaAttachment


@dataclass
class PollBar:
    """One poll option row."""

    rect: QRect
    label: str
    share: float
    own: bool
    share_text: str = ""


@dataclass
class ActionButton:
    """One button of the action bar."""

    name: str
    rect: QRect
    count: str
    active: bool


@dataclass
class PostLayout:
    """Everything ``PostDelegate`` needs to paint and hit-test one row."""

    height: int
    kind: str
    texts: list[Text] = field(default_factory=list)
    header_icon: str = ""
    header_icon_rect: QRect | None = None
    avatar_rect: QRect | None = None
    avatar_url: str = ""
    avatar_initial: str = "?"
    avatar_color: QColor | None = None
    author_rect: QRect | None = None
    time_rect: QRect | None = None
    time_at: datetime | None = None
    edited: bool = False
    badges: list[Text] = field(default_factory=list)
    spoiler: PostDocument | None = None
    spoiler_pos: QPointF = field(default_factory=QPointF)
    toggle_rect: QRect | None = None
    toggle_text: str = ""
    doc: PostDocument | None = None
    doc_pos: QPointF = field(default_factory=QPointF)
    media: list[MediaTile] = field(default_factory=list)
    media_hidden: bool = False
    card_rect: QRect | None = None
    card_image_rect: QRect | None = None
    card: PreviewCard | None = None
    poll: list[PollBar] = field(default_factory=list)
    quote_rect: QRect | None = None
    quote_doc: PostDocument | None = None
    quote_pos: QPointF = field(default_factory=QPointF)
    actions: list[ActionButton] = field(default_factory=list)
    gap_rect: QRect | None = None
    # Painted texts, translated once per layout build (not per paint).
    gap_text: str = ""
    gap_loading_text: str = ""
    sensitive_text: str = ""
    alt_text: str = ""


def avatar_color(account_id: str) -> QColor:
    """A stable, pleasant placeholder colour per account."""
    hue = zlib.crc32(account_id.encode()) % 360
    return QColor.fromHsl(hue, 110, 120)


def _count(n: int) -> str:
    if n <= 0:
        return ""
    locale = QLocale()
    if n < 1000:
        return locale.toString(n)
    big = n >= 1_000_000
    rounded = f"{n / (1_000_000 if big else 1000):.1f}"
    number = (locale.toString(int(float(rounded))) if rounded.endswith(".0")
              else locale.toString(float(rounded), "f", 1))
    # TRANSLATORS: compact counts on a post's action bar: {n} thousand ("1.2K"), million ("3M").
    return (_("{n}M") if big else _("{n}K")).format(n=number)


def _line(fonts: QFont, text: str, x: int, y: int, width: int, *, muted: bool = False) -> Text:
    fm = QFontMetrics(fonts)
    shown = fm.elidedText(text.replace("\n", " "), Qt.TextElideMode.ElideRight, max(0, width))
    return Text(shown, QRect(x, y, max(0, width), fm.height()), fonts, muted)


def _document(font: QFont, width: int, images: EmojiImages) -> PostDocument:
    doc = PostDocument(images)
    doc.set_font_for_emoji(font)
    doc.setDocumentMargin(0)
    option = doc.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    doc.setTextWidth(max(40, width))
    return doc


def _media_rects(count: int, x: int, y: int, width: int) -> tuple[list[QRect], int]:
    height = min(MEDIA_MAX_H, width * 9 // 16)
    half_w = (width - 4) // 2
    half_h = (height - 4) // 2
    if count == 1:
        rects = [QRect(x, y, width, height)]
    elif count == 2:
        rects = [QRect(x, y, half_w, height), QRect(x + half_w + 4, y, width - half_w - 4, height)]
    elif count == 3:
        rects = [QRect(x, y, half_w, height),
                 QRect(x + half_w + 4, y, width - half_w - 4, half_h),
                 QRect(x + half_w + 4, y + half_h + 4, width - half_w - 4, height - half_h - 4)]
    else:
        rects = [QRect(x + (i % 2) * (half_w + 4), y + (i // 2) * (half_h + 4),
                       half_w if i % 2 == 0 else width - half_w - 4,
                       half_h if i < 2 else height - half_h - 4) for i in range(4)]
    return rects, height


def build_layout(index: Index, width: int, fonts: Fonts, images: EmojiImages) -> PostLayout:
    """Lay out the row at ``index`` for a viewport ``width`` pixels wide."""
    kind = str(index.data(Role.KindRole) or "status")
    fm = QFontMetrics(fonts.base)
    if kind == "gap":
        height = fm.height() + 2 * PAD_Y + 8
        return PostLayout(height, kind, gap_rect=QRect(PAD_X, 6, width - 2 * PAD_X, height - 12),
                          gap_text=_("Load missing posts"), gap_loading_text=_("Loading…"))
    lay = PostLayout(0, kind)
    small_h = QFontMetrics(fonts.small).height()
    text_x = PAD_X + AVATAR + GUTTER
    text_w = max(60, width - text_x - PAD_X)
    y = PAD_Y

    # Header: boost or notification line above the avatar.
    booster: Account | None = index.data(Role.BoostedByRole)
    note_type = str(index.data(Role.NotificationTypeRole) or "")
    note_account: Account | None = index.data(Role.NotificationAccountRole)
    header = ""
    if note_type and note_account is not None:
        row = index.data(Role.ItemRole)
        entity = getattr(row, "entity", None)
        count = int(getattr(entity, "notifications_count", 1) or 1)  # > 1: grouped (4.3+)
        text = notification_text(note_type, note_account.name, count)
        header = (text if text is not None
                  else f"{note_account.name} {note_type.replace('_', ' ')}")
        lay.header_icon = {"favourite": "favourite", "reblog": "boost", "follow": "follow",
                           "mention": "reply"}.get(note_type, "bell")
    elif booster is not None:
        header = _("{name} boosted").format(name=booster.name)
        lay.header_icon = "boost"
    if header:
        lay.header_icon_rect = QRect(text_x - small_h - 6, y, small_h, small_h)
        lay.texts.append(_line(fonts.small_bold, header, text_x, y, text_w, muted=True))
        y += small_h + 6

    status: Status | None = index.data(Role.StatusRole)
    author: Account | None = index.data(Role.AuthorRole)
    if status is None:
        # Follow and similar notifications: the header plus the account.
        if author is not None:
            _author_block(lay, author, None, y, text_x, text_w, fonts, edited=False)
        lay.height = y + AVATAR + PAD_Y
        return lay

    top = y
    assert author is not None
    y = _author_block(lay, author, index.data(Role.CreatedAtRole), y, text_x, text_w, fonts,
                      edited=bool(index.data(Role.EditedRole)))
    reply = str(index.data(Role.ReplyToRole) or "")
    if reply:
        lay.texts.append(_line(fonts.small, _("↩ Replying to {account}").format(account=reply),
                               text_x, y, text_w, muted=True))
        y += small_h + 2
    y += 4

    filter_title = str(index.data(Role.FilterRole) or "")
    expanded = bool(index.data(Role.ExpandedRole))
    spoiler = str(index.data(Role.SpoilerRole) or "")
    button_h = small_h + 10
    if filter_title and not expanded:
        lay.texts.append(_line(fonts.base, _("Filtered: {title}").format(title=filter_title),
                               text_x, y, text_w - 120, muted=True))
        lay.toggle_text = _("Show anyway")
        lay.toggle_rect = QRect(text_x + text_w - 112, y - 4, 112, button_h)
        lay.height = max(y + fm.height(), top + AVATAR) + PAD_Y + 4
        return lay
    if spoiler:
        doc = _document(fonts.bold, text_w, images)
        doc.set_plain(spoiler, index.data(Role.EmojisRole) or ())
        lay.spoiler, lay.spoiler_pos = doc, QPointF(text_x, y)
        y += int(doc.size().height()) + 6
        lay.toggle_text = _("Show less") if expanded else _("Show more")
        tw = QFontMetrics(fonts.small_bold).horizontalAdvance(lay.toggle_text) + 24
        lay.toggle_rect = QRect(text_x, y, tw, button_h)
        y += button_h + 8

    if not spoiler or expanded:
        y = _body(lay, index, status, text_x, text_w, y, fonts, images)

    y = max(y, top + AVATAR + GAP)
    counts = index.data(Role.CountsRole) or (0, 0, 0)
    active = {
        "boost": bool(index.data(Role.RebloggedRole)),
        "favourite": bool(index.data(Role.FavouritedRole)),
        "bookmark": bool(index.data(Role.BookmarkedRole)),
    }
    numbers = {"reply": counts[0], "boost": counts[1], "favourite": counts[2]}
    slot = min(96, text_w // len(ACTIONS))
    for i, name in enumerate(ACTIONS):
        lay.actions.append(ActionButton(
            name, QRect(text_x - 8 + i * slot, y, slot - 4, ACTION_H),
            _count(numbers.get(name, 0)), active.get(name, False)))
    lay.height = y + ACTION_H + PAD_Y - 4
    return lay


def _author_block(
    lay: PostLayout, author: Account, time_at: datetime | None, y: int, text_x: int,
    text_w: int, fonts: Fonts, *, edited: bool,
) -> int:
    lay.avatar_rect = QRect(PAD_X, y, AVATAR, AVATAR)
    lay.avatar_url = author.avatar_static or author.avatar
    lay.avatar_initial = (author.name[:1] or "?").upper()
    lay.avatar_color = avatar_color(author.id or author.acct)
    bold_fm = QFontMetrics(fonts.bold)
    small_fm = QFontMetrics(fonts.small)
    meta = "✎ " + widest_short_age() if edited else widest_short_age()
    meta_w = small_fm.horizontalAdvance(meta) + 2 if time_at is not None else 0
    # TRANSLATORS: small badges after a display name (an automated account, a locked one).
    badges = [b for b, on in ((_("BOT"), author.bot), (_("LOCKED"), author.locked)) if on]
    badge_w = sum(small_fm.horizontalAdvance(b) + 12 for b in badges)
    name_w = min(bold_fm.horizontalAdvance(author.name) + 1, text_w - meta_w - badge_w - 8)
    name = _line(fonts.bold, author.name, text_x, y, name_w)
    lay.texts.append(name)
    bx = text_x + bold_fm.horizontalAdvance(name.text) + 6
    for badge in badges:
        bw = small_fm.horizontalAdvance(badge) + 8
        lay.badges.append(Text(badge, QRect(bx, y + 2, bw, small_fm.height()), fonts.small))
        bx += bw + 4
    if time_at is not None:
        lay.time_rect = QRect(text_x + text_w - meta_w, y + 1, meta_w, small_fm.height())
        lay.time_at, lay.edited = time_at, edited
    lay.author_rect = QRect(text_x, y, bx - text_x, bold_fm.height())
    y += bold_fm.height() + 1
    lay.texts.append(_line(fonts.small, f"@{author.acct}", text_x, y, text_w, muted=True))
    return y + small_fm.height() + 2


def _body(
    lay: PostLayout, index: Index, status: Status, x: int, w: int, y: int, fonts: Fonts,
    images: EmojiImages,
) -> int:
    content: SafeContent | None = index.data(Role.ContentRole)
    if content is not None and content.html:
        doc = _document(fonts.base, w, images)
        doc.set_content(content, index.data(Role.EmojisRole) or ())
        lay.doc, lay.doc_pos = doc, QPointF(x, y)
        y += int(doc.size().height()) + GAP
    media: tuple[MediaAttachment, ...] = index.data(Role.MediaRole) or ()
    if media:
        rects, height = _media_rects(min(4, len(media)), x, y, w)
        lay.media = [MediaTile(r, m) for r, m in zip(rects, media, strict=False)]
        lay.media_hidden = bool(index.data(Role.SensitiveRole)) and not bool(
            index.data(Role.SensitiveRevealedRole))
        lay.sensitive_text = _("Sensitive content — click to show")
        # TRANSLATORS: badge on an image that has a description (alt text); keep it short.
        lay.alt_text = _("ALT")
        y += height + GAP
    poll: Poll | None = index.data(Role.PollRole)
    if poll is not None and poll.options:
        y = _poll(lay, poll, x, y, w, fonts)
    card: PreviewCard | None = index.data(Role.CardRole)
    if card is not None and not media and card.url:
        y = _card(lay, card, x, y, w, fonts)
    quote: Status | None = index.data(Role.QuoteRole)
    if quote is not None:
        y = _quote(lay, quote, x, y, w, fonts, images)
    return y


def _poll(lay: PostLayout, poll: Poll, x: int, y: int, w: int, fonts: Fonts) -> int:
    total = sum(o.votes_count or 0 for o in poll.options) or 1
    row_h = QFontMetrics(fonts.base).height() + 10
    for i, option in enumerate(poll.options[:10]):
        share = (option.votes_count or 0) / total
        lay.poll.append(PollBar(QRect(x, y, w, row_h), option.title, share,
                                i in poll.own_votes,
                                _("{percent}%").format(
                                    percent=QLocale().toString(round(share * 100)))))
        y += row_h + 4
    voters = poll.voters_count if poll.voters_count is not None else poll.votes_count
    # TRANSLATORS: a poll's state in a timeline row.
    state = _("Closed") if poll.expired else _("Open")
    footer = ngettext("{n} person · {state}", "{n} people · {state}", voters or 0).format(
        n=QLocale().toString(voters or 0), state=state)
    lay.texts.append(_line(fonts.small, footer, x, y, w, muted=True))
    return y + QFontMetrics(fonts.small).height() + GAP


def _card(lay: PostLayout, card: PreviewCard, x: int, y: int, w: int, fonts: Fonts) -> int:
    small_fm = QFontMetrics(fonts.small)
    bold_fm = QFontMetrics(fonts.small_bold)
    height = 12 + small_fm.height() + bold_fm.height() + 2 * small_fm.height() + 10
    lay.card, lay.card_rect = card, QRect(x, y, w, height)
    tx = x + 12
    if card.image or card.blurhash:
        lay.card_image_rect = QRect(x, y, height, height)
        tx = x + height + 12
    tw = x + w - tx - 12
    ty = y + 8
    provider = card.provider_name or (card.url.split("/")[2] if "//" in card.url else "")
    lay.texts.append(_line(fonts.small, provider, tx, ty, tw, muted=True))
    ty += small_fm.height()
    lay.texts.append(_line(fonts.small_bold, card.title or card.url, tx, ty, tw))
    ty += bold_fm.height() + 2
    words = card.description[:600].split()
    first: list[str] = []
    for word in words:
        if small_fm.horizontalAdvance(" ".join([*first, word])) > tw:
            break
        first.append(word)
    lay.texts.append(_line(fonts.small, " ".join(first), tx, ty, tw, muted=True))
    rest = " ".join(words[len(first):])
    if rest:
        lay.texts.append(_line(fonts.small, rest, tx, ty + small_fm.height(), tw, muted=True))
    return y + height + GAP


def _quote(
    lay: PostLayout, quote: Status, x: int, y: int, w: int, fonts: Fonts, images: EmojiImages,
) -> int:
    small_h = QFontMetrics(fonts.small_bold).height()
    lay.texts.append(_line(fonts.small_bold, f"{quote.account.name}  @{quote.account.acct}",
                           x + 12, y + 8, w - 24))
    doc = _document(fonts.small, w - 24, images)
    text = plain_text(quote.content)
    doc.set_plain(text[:500] + ("…" if len(text) > 500 else ""), quote.emojis)
    lay.quote_doc, lay.quote_pos = doc, QPointF(x + 12, y + 8 + small_h + 2)
    height = 8 + small_h + 2 + min(int(doc.size().height()), 6 * small_h) + 10
    lay.quote_rect = QRect(x, y, w, height)
    return y + height + GAP
