"""Hashtags and people to follow during onboarding (``mastodon.md`` §5, §8.2), without Qt.

``hashtag_suggestions`` merges the server's trending tags with hand-picked ``TOPIC_PACKS``
(usage over the last 7 days comes from each tag's ``history``). ``follow_tag`` counts
against the same ``FollowBudget`` as account follows: Mastodon puts hashtag follows in the
400-per-UTC-day follow family. ``people_suggestions`` reads ``/api/v2/suggestions`` and turns
its ``sources`` into reasons, falling back to v1 and then to the local profile directory.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fedidesk.core.api import MastodonApi
from fedidesk.core.contacts.follow import FollowBudget
from fedidesk.core.entities import Account, Tag, TagHistory, from_dict
from fedidesk.core.errors import (
    ApiError,
    FedideskError,
    NotFoundError,
    NotSupportedError,
    RateLimitedError,
    ValidationError,
)
from fedidesk.core.i18n import N_, _, ngettext

TRENDING = "trending"
TAG_CONCURRENCY = 4
_TAG_NAME = re.compile(r"[\w·]+")


@dataclass(frozen=True)
class TopicPack:
    """A themed set of real, commonly used hashtags."""

    title: str
    tags: tuple[str, ...]


TOPIC_PACKS: tuple[TopicPack, ...] = (
    TopicPack(N_("Programming"), ("programming", "coding", "softwaredevelopment",
                                  "softwareengineering", "compsci", "100DaysOfCode",
                                  "learntocode")),
    TopicPack(N_("Open source"), ("opensource", "foss", "freesoftware", "floss", "github",
                              "codeberg", "opensourcesoftware")),
    TopicPack(N_("DevOps"), ("devops", "kubernetes", "docker", "sre", "terraform", "ansible",
                         "cloud", "observability")),
    TopicPack(N_("Security"), ("infosec", "cybersecurity", "security", "privacy", "malware",
                           "threatintel", "appsec", "cve")),
    TopicPack(N_("Linux"), ("linux", "debian", "ubuntu", "archlinux", "fedora", "nixos", "kde",
                        "gnome")),
    TopicPack(N_("Python"), ("python", "django", "flask", "fastapi", "pydata", "pycon", "jupyter")),
    TopicPack(N_("Rust"), ("rust", "rustlang", "cargo", "tokio", "bevy", "wasm")),
    TopicPack(N_("Web development"), ("webdev", "javascript", "typescript", "css", "html", "react",
                                  "frontend", "webperf")),
    TopicPack(N_("Data science"), ("datascience", "machinelearning", "ai", "statistics",
                               "dataviz", "rstats", "llm", "deeplearning")),
    TopicPack(N_("Accessibility"), ("accessibility", "a11y", "alttext", "disability",
                                "inclusivedesign", "screenreader")),
    TopicPack(N_("Fediverse"), ("fediverse", "mastodon", "activitypub", "introduction",
                            "fedihelp", "mastodontips")),
)


@dataclass(frozen=True)
class TagSuggestion:
    """One hashtag to offer: 7-day usage, why it is offered (``source``) and follow state."""

    name: str
    uses_7d: int = 0
    accounts_7d: int = 0
    source: str = TRENDING  # "trending" or a TopicPack title
    following: bool = False


def usage(tag: TagSuggestion, number: Callable[[int], str] = str) -> str:
    """How much ``tag`` is used, e.g. "12 people, 30 posts this week" (wizard and CLI);
    ``number`` formats the counts (the UI passes its locale's)."""
    if not tag.uses_7d and not tag.accounts_7d:
        return _("no posts this week")
    # Each count gets its own plural form ("1 person, 12 posts this week").
    people = ngettext("{n} person", "{n} people", tag.accounts_7d).format(
        n=number(tag.accounts_7d))
    # TRANSLATORS: how often a hashtag was used in the last seven days.
    posts = ngettext("{n} post this week", "{n} posts this week", tag.uses_7d).format(
        n=number(tag.uses_7d))
    # TRANSLATORS: how much a hashtag is used, e.g. "12 people, 30 posts this week":
    # {people} is "{n} person"/"{n} people", {posts} is "{n} posts this week".
    return _("{people}, {posts}").format(people=people, posts=posts)


def _usage(history: Iterable[TagHistory]) -> tuple[int, int]:
    days = list(history)[:7]
    return sum(d.uses for d in days), sum(d.accounts for d in days)


def _suggestion(tag: Tag, source: str, followed: set[str]) -> TagSuggestion:
    uses, accounts = _usage(tag.history)
    following = bool(tag.following) or tag.name.lower() in followed
    return TagSuggestion(tag.name, uses, accounts, source, following)


async def _followed_names(api: MastodonApi, max_pages: int = 5) -> set[str]:
    names: set[str] = set()
    try:
        async for page in api.paginate("/api/v1/followed_tags", Tag, {"limit": 200},
                                       max_pages=max_pages):
            names.update(t.name.lower() for t in page)
    except ApiError:
        pass  # anonymous or old server: ``Tag.following`` is all we know
    return names


async def _trending(api: MastodonApi, limit: int) -> list[Tag]:
    try:
        data = await api.get_json("/api/v1/trends/tags", {"limit": limit})
    except ApiError:
        return []
    return [from_dict(Tag, t) for t in data if isinstance(t, dict)] if isinstance(data,
                                                                                   list) else []


async def _pack_tags(api: MastodonApi, names: Sequence[str], concurrency: int
                     ) -> dict[str, Tag | None]:
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(name: str) -> tuple[str, Tag | None]:
        async with gate:
            try:
                return name, await api.tag(name)
            except FedideskError:
                return name, None

    return dict(await asyncio.gather(*(one(n) for n in names)))


async def hashtag_suggestions(api: MastodonApi, *, packs: Sequence[TopicPack] = TOPIC_PACKS,
                              trending_limit: int = 20, concurrency: int = TAG_CONCURRENCY,
                              ) -> list[TagSuggestion]:
    """Trending tags first, then each pack's tags in order; each name appears once.

    Pack tags the server could not describe (error, unknown) are kept with zero usage.
    """
    trending, followed = await asyncio.gather(_trending(api, trending_limit),
                                              _followed_names(api))
    out: list[TagSuggestion] = []
    seen: set[str] = set()
    for tag in trending:
        if tag.name and tag.name.lower() not in seen:
            seen.add(tag.name.lower())
            out.append(_suggestion(tag, TRENDING, followed))
    wanted: list[tuple[str, str]] = []
    for pack in packs:
        for name in pack.tags:
            if name.lower() not in seen:
                seen.add(name.lower())
                wanted.append((name, pack.title))
    fetched = await _pack_tags(api, [n for n, _ in wanted], concurrency)
    for name, title in wanted:
        tag = fetched.get(name) or Tag(name=name)
        out.append(_suggestion(Tag(name, tag.url, tag.history, tag.following), title, followed))
    return out


class FollowLimitError(FedideskError):
    """The daily follow budget (shared by accounts and hashtags) is used up."""

    def __init__(self, user_message: str, *, resets_at: float | None = None) -> None:
        self.resets_at = resets_at
        super().__init__(user_message)


def check_tag_name(name: str) -> str:
    """The name without ``#``; ``FedideskError`` when it cannot be a hashtag."""
    clean = name.strip().lstrip("#")
    if not _TAG_NAME.fullmatch(clean) or clean.replace("·", "").isdigit():
        raise FedideskError(_("“{name}” is not a hashtag: use letters, digits and "
                              "underscores, with at least one letter.").format(
                                  name=name.strip()))
    return clean


async def follow_tag(api: MastodonApi, name: str, budget: FollowBudget | None) -> Tag:
    """Follow ``#name`` if today's follow budget allows; counts one follow on success."""
    clean = check_tag_name(name)
    if budget is not None and budget.remaining() <= 0:
        raise FollowLimitError(
            ngettext("You reached {count} follow today (people and hashtags count together). "
                     "The limit resets at 00:00 UTC.",
                     "You reached {count} follows today (people and hashtags count together). "
                     "The limit resets at 00:00 UTC.", budget.limit).format(count=budget.limit),
            resets_at=budget.resets_at())
    try:
        tag = await api.follow_tag(clean)
    except (NotFoundError, NotSupportedError) as exc:
        raise FedideskError(_("#{tag} is not known on this server, or the server cannot "
                              "follow hashtags.").format(tag=clean), detail=exc.detail) from exc
    except RateLimitedError as exc:
        if budget is not None:
            budget.exhaust()
        raise FollowLimitError(_("The server says you followed too many accounts and "
                                 "hashtags today. Try again after 00:00 UTC."),
                               resets_at=exc.reset_at) from exc
    except ValidationError as exc:
        raise FedideskError(_("The server refused to follow #{tag}: {error}").format(
                                tag=clean, error=exc.user_message),
                            detail=exc.detail) from exc
    if budget is not None:
        budget.record()
    return tag


async def unfollow_tag(api: MastodonApi, name: str) -> Tag:
    """Stop following ``#name`` (does not give budget back: the server does not either)."""
    clean = check_tag_name(name)
    try:
        return await api.unfollow_tag(clean)
    except (NotFoundError, NotSupportedError) as exc:
        raise FedideskError(_("#{tag} is not known on this server.").format(tag=clean),
                            detail=exc.detail) from exc


# --- people ------------------------------------------------------------------------------

SOURCE_REASONS: dict[str, str] = {
    "featured": N_("Staff pick"),
    "staff": N_("Staff pick"),
    "most_followed": N_("Popular on your server"),
    "most_interactions": N_("Popular on your server"),
    "global": N_("Popular on your server"),
    "friends_of_friends": N_("Followed by people you follow"),
    "similar_to_recently_followed": N_("Similar to people you recently followed"),
    "past_interactions": N_("You have interacted with them"),
}
V1_REASON = N_("Suggested by your server")
DIRECTORY_REASON = N_("Active in your server's profile directory")


@dataclass(frozen=True)
class PersonSuggestion:
    """An account to offer and human reasons; ``origin`` is v2, v1 or directory."""

    account: Account
    reasons: tuple[str, ...]
    origin: str = "v2"


def reasons_for(item: dict[str, Any]) -> tuple[str, ...]:
    """Human reasons from a v2 Suggestion's ``sources`` (or the deprecated ``source``)."""
    raw = item.get("sources")
    sources = [str(s) for s in raw] if isinstance(raw, list) else []
    if not sources and isinstance(item.get("source"), str):
        sources = [str(item["source"])]
    reasons: list[str] = []
    for source in sources:
        reason = _(SOURCE_REASONS.get(source, V1_REASON))
        if reason not in reasons:
            reasons.append(reason)
    return tuple(reasons) or (_(V1_REASON),)


async def people_suggestions(api: MastodonApi, *, limit: int = 40,
                             directory_when_empty: bool = True,
                             exclude_ids: Collection[str] = ()) -> list[PersonSuggestion]:
    """v2 suggestions with reasons; else v1; else (or when empty) the local directory.

    ``exclude_ids`` (the person's own id, accounts already followed) are left out of the
    directory fallback, which, unlike suggestions, does not know who is asking.
    """
    out: list[PersonSuggestion] = []
    try:
        data = await api.get_json("/api/v2/suggestions", {"limit": limit})
        out = [PersonSuggestion(from_dict(Account, item["account"]), reasons_for(item), "v2")
               for item in data if isinstance(item, dict) and isinstance(item.get("account"),
                                                                          dict)]
    except (NotFoundError, NotSupportedError):
        try:
            data = await api.get_json("/api/v1/suggestions", {"limit": limit})
            out = [PersonSuggestion(from_dict(Account, a), (_(V1_REASON),), "v1")
                   for a in data if isinstance(a, dict)]
        except (NotFoundError, NotSupportedError):
            out = []
    if out or not directory_when_empty:
        return out
    accounts = await api.directory(limit=min(limit, 80), order="active", local=True)
    skip = set(exclude_ids)
    return [PersonSuggestion(a, (_(DIRECTORY_REASON),), "directory") for a in accounts
            if a.id not in skip]


__all__ = ["TOPIC_PACKS", "FollowLimitError", "PersonSuggestion", "TagSuggestion", "TopicPack",
           "follow_tag", "hashtag_suggestions", "people_suggestions", "reasons_for",
           "unfollow_tag"]
