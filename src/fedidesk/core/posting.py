"""Turning a ``Draft`` into a published status: media uploads, alt text, the post itself.

The few endpoints the composer needs that ``MastodonApi`` does not wrap live here as small
functions over ``api.request`` (``GET /api/v1/custom_emojis``, ``PUT /api/v1/media/:id``).
Nothing here touches Qt.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fedidesk.core.api import MastodonApi, parse_json
from fedidesk.core.drafts import (
    POLL_DURATIONS,
    POLL_MIN_EXPIRATION,
    Draft,
    DraftMedia,
    DraftPoll,
)
from fedidesk.core.entities import CustomEmoji, MediaAttachment, Poll, Status, from_dict
from fedidesk.core.errors import ApiError, ServerUnavailableError
from fedidesk.core.probe import Limits, ServerInfo, _limits

Sleep = Callable[[float], Awaitable[None]]


def limits_from(source: Limits | ServerInfo | Mapping[str, Any] | None) -> Limits:
    """The composer's limits from ``ServerInfo``, ``Limits`` or a raw instance document."""
    if isinstance(source, Limits):
        return source
    if isinstance(source, ServerInfo):
        return source.limits
    if source is None:
        return Limits()
    return _limits(dict(source))


async def custom_emojis(api: MastodonApi) -> list[CustomEmoji]:
    """``GET /api/v1/custom_emojis``: the server's emoji, only those meant for the picker."""
    data = await api.get_json("/api/v1/custom_emojis")
    items = data if isinstance(data, list) else []
    emojis = [from_dict(CustomEmoji, e) for e in items if isinstance(e, dict)]
    return [e for e in emojis if e.visible_in_picker and e.shortcode]


async def update_media(api: MastodonApi, media_id: str, description: str) -> MediaAttachment:
    """``PUT /api/v1/media/:id``: change the alt text of an upload not yet posted."""
    response = await api.request("PUT", f"/api/v1/media/{media_id}",
                                 data={"description": description})
    data = parse_json(response)
    return from_dict(MediaAttachment, data if isinstance(data, dict) else {})


async def wait_until_processed(
    api: MastodonApi, media: MediaAttachment, *, interval: float = 1.0, max_wait: float = 300.0,
    sleep: Sleep = asyncio.sleep,
) -> MediaAttachment:
    """Poll ``GET /api/v1/media/:id`` until the server has a ``url`` (async processing)."""
    waited = 0.0
    while media.url is None:
        if waited >= max_wait:
            raise ServerUnavailableError(
                "The server is taking too long to process this attachment. Try again later.",
                detail=f"media {media.id} still processing after {max_wait:.0f}s")
        await sleep(interval)
        waited += interval
        media = await api.media(media.id)
    return media


async def upload(api: MastodonApi, item: DraftMedia, *, sleep: Sleep = asyncio.sleep
                 ) -> MediaAttachment:
    """Upload one local file with its alt text and wait until the server has processed it."""
    path = Path(item.path)
    mime = mimetypes.guess_type(path.name)[0]
    data = await asyncio.to_thread(path.read_bytes)
    media = await api.upload_media(data, filename=path.name, mime_type=mime,
                                   description=item.description or None)
    return await wait_until_processed(api, media, sleep=sleep)


async def sync_descriptions(api: MastodonApi, draft: Draft) -> Draft:
    """PUT the alt text of uploads whose description changed after uploading.

    Not for an edit: Mastodon only lets ``PUT /api/v1/media/:id`` change media that are not
    attached to a post yet, so an edit sends every description with the post instead
    (``media_attributes``, see ``post_draft``).
    """
    if draft.edit_of:
        return draft
    media = []
    for item in draft.media:
        if item.media_id and item.description != (item.uploaded_description or ""):
            await update_media(api, item.media_id, item.description)
            item = replace(item, uploaded_description=item.description)
        media.append(item)
    return draft.replace(media=tuple(media))


def poll_seconds_left(poll: Poll, now: datetime | None = None) -> int:
    """How long ``poll`` still runs, as an ``expires_in`` for editing or redrafting it.

    Rounded to whole minutes (whole hours from a day on), or to one of the usual
    durations when that is at most 2 % (and five minutes) away, and never below Mastodon's
    minimum of five minutes (an ended poll gets that minimum). A poll without an end gets
    a day.
    """
    if poll.expires_at is None:
        return 86_400
    current = now or datetime.now(UTC)
    expires_at = poll.expires_at
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    left = (expires_at - current).total_seconds()
    if left <= POLL_MIN_EXPIRATION:
        return POLL_MIN_EXPIRATION
    usual = min(POLL_DURATIONS, key=lambda seconds: abs(seconds - left))
    if abs(usual - left) <= min(300.0, left * 0.02):
        return usual
    step = 3600 if left >= 86_400 else 60
    return max(POLL_MIN_EXPIRATION, round(left / step) * step)


def hides_totals(poll: Poll) -> bool:
    """Whether ``poll`` was made with ``hide_totals``: Mastodon then sends every option's
    ``votes_count`` as null until it ends (``Poll#show_totals_now?``). An ended poll shows
    its totals either way, so it reads as not hiding them."""
    return (not poll.expired and bool(poll.options)
            and all(option.votes_count is None for option in poll.options))


def draft_for_edit(account: str, status: Status, source: Mapping[str, Any], *,
                   now: datetime | None = None) -> Draft:
    """A draft that edits ``status``: its source text and CW, its attachments by id and its
    poll with the time it has left and its hidden totals."""
    media = tuple(DraftMedia(path=m.url or m.preview_url or "", description=m.description or "",
                             media_id=m.id, uploaded_description=m.description or "",
                             preview_url=m.preview_url or m.url)
                  for m in status.media_attachments)
    poll = None
    if status.poll is not None:
        poll = DraftPoll(options=tuple(o.title for o in status.poll.options),
                         expires_in=poll_seconds_left(status.poll, now),
                         multiple=status.poll.multiple, hide_totals=hides_totals(status.poll))
    return Draft(account=account, text=str(source.get("text") or status.text or ""),
                 spoiler=str(source.get("spoiler_text") or status.spoiler_text),
                 visibility=status.visibility, language=status.language,
                 sensitive=status.sensitive, in_reply_to_id=status.in_reply_to_id,
                 media=media, poll=poll, edit_of=status.id)


def draft_for_redraft(account: str, status: Status, *, now: datetime | None = None) -> Draft:
    """A new post from a deleted own ``status`` ("delete and redraft"), as Mastodon's web app
    makes it: its text (the source the DELETE answer carries), CW, visibility, language,
    reply, poll (with the time it had left) and its attachments with their alt text.

    Mastodon keeps a deleted post's media unless asked to delete them (``delete_media``),
    detaching them so the new post can attach them again by id.
    """
    source = {"text": status.text or "", "spoiler_text": status.spoiler_text}
    return draft_for_edit(account, status, source, now=now).replace(edit_of=None)


async def post_draft(api: MastodonApi, draft: Draft) -> Status:
    """Publish ``draft`` (all media must be uploaded) with the draft's idempotency key."""
    missing = [m.path for m in draft.media if not m.media_id]
    if missing:
        raise ApiError("Some attachments have not finished uploading yet.",
                       detail=f"not uploaded: {missing}")
    media_ids = [m.media_id for m in draft.media if m.media_id]
    if draft.edit_of:
        return await api.edit_status(
            draft.edit_of, draft.text, spoiler_text=draft.spoiler,
            sensitive=(draft.sensitive or bool(draft.spoiler)) if draft.media else None,
            language=draft.language or None, media_ids=media_ids,
            poll=draft.poll.to_api() if draft.poll is not None else None,
            media_attributes=[{"id": m.media_id, "description": m.description}
                              for m in draft.media if m.media_id])
    return await api.post_status(
        draft.text, in_reply_to_id=draft.in_reply_to_id, spoiler_text=draft.spoiler or None,
        visibility=draft.visibility, language=draft.language or None,
        media_ids=[m.media_id for m in draft.media if m.media_id],
        poll=draft.poll.to_api() if draft.poll is not None else None,
        sensitive=(draft.sensitive or bool(draft.spoiler)) if draft.media else None,
        idempotency_key=draft.idempotency_key)
