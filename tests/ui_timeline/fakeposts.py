"""Realistic fake statuses for the deck bench and the timeline tests (no network).

Varied lengths, links, mentions, hashtags, custom emoji, content warnings, media with
blurhash and alt text, boosts, polls, cards, replies and edits, built from API-shaped JSON
through ``from_dict`` exactly like the API layer does.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Status, from_dict

WORDS = ("the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "federation",
    "instance", "toot", "server", "timeline", "release", "coffee", "morning", "rust",
    "python", "qt", "desktop", "client", "open", "source", "community", "garden", "photo",
    "walk", "river", "mountain", "bike", "train", "weekend", "music", "concert", "book",
    "reading", "cat",)
NAMES = ("Alice Liddell", "Bob", "Carol ☕", "Dmitri K.", "Eve :blobcat:", "Frank", "Grace H",
         "Heidi 🌻", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil")
DOMAINS = ("mastodon.social", "fosstodon.org", "hachyderm.io", "chaos.social", "")
BLURHASHES = ("LEHV6nWB2yk8pyo0adR*.7kCMdnj", "LGF5?xYk^6#M@-5c,1J5@[or[Q6.",
              "L6PZfSi_.AyE_3t7t7R**0o#DgR4", "LKN]Rv%2Tw=w]~RBVZRi};RPxuwH")
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def _account(rng: random.Random, n: int) -> dict[str, Any]:
    name = NAMES[n % len(NAMES)]
    user = name.split()[0].lower().strip(":☕🌻") + str(n)
    domain = DOMAINS[n % len(DOMAINS)]
    return {
        "id": str(1000 + n), "username": user, "acct": f"{user}@{domain}" if domain else user,
        "display_name": name, "avatar": f"https://files.example/{n}.png",
        "avatar_static": f"https://files.example/{n}.png", "bot": n % 11 == 0,
        "locked": n % 13 == 0, "url": f"https://{domain or 'local.example'}/@{user}",
        "emojis": [{"shortcode": "blobcat", "url": "https://files.example/blobcat.png",
                    "static_url": "https://files.example/blobcat.png"}],
    }


def _content(rng: random.Random, mentions: list[dict[str, Any]]) -> str:
    paragraphs = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 60))]
        if rng.random() < 0.3:
            words.insert(rng.randint(0, len(words)), '<a href="https://example.org/article/'
                         f'{rng.randint(1, 999)}" rel="nofollow">'
                         '<span class="invisible">https://</span>'
                         '<span class="ellipsis">example.org/article/long-</span>'
                         '<span class="invisible">path</span></a>')
        if rng.random() < 0.3:
            words.append('<a href="https://mastodon.social/tags/fediverse" class="mention '
                         'hashtag">#<span>fediverse</span></a>')
        if rng.random() < 0.2:
            words.append(":blobcat:")
        paragraphs.append("<p>" + " ".join(words) + "</p>")
    if mentions:
        m = mentions[0]
        paragraphs[0] = paragraphs[0].replace(
            "<p>", f'<p><span class="h-card"><a href="{m["url"]}" class="u-url mention">'
            f'@<span>{m["username"]}</span></a></span> ', 1)
    return "".join(paragraphs)


def status_json(i: int, rng: random.Random) -> dict[str, Any]:
    """API JSON of the ``i``-th fake status (ids grow with ``i``)."""
    author = _account(rng, rng.randint(0, 60))
    other = _account(rng, rng.randint(61, 90))
    mentions = [{"id": other["id"], "username": other["username"], "acct": other["acct"],
                 "url": other["url"]}] if rng.random() < 0.3 else []
    created = NOW - timedelta(minutes=(20_000 - i) * 3 % 40_000)
    data: dict[str, Any] = {
        "id": str(100_000 + i), "uri": f"https://x.example/s/{i}", "url": f"https://x.example/s/{i}",
        "created_at": created.isoformat(), "account": author,
        "content": _content(rng, mentions), "mentions": mentions,
        "tags": [{"name": "fediverse", "url": "https://mastodon.social/tags/fediverse"}],
        "emojis": [{"shortcode": "blobcat", "url": "https://files.example/blobcat.png",
                    "static_url": "https://files.example/blobcat.png"}],
        "replies_count": rng.randint(0, 30), "reblogs_count": rng.randint(0, 300),
        "favourites_count": rng.randint(0, 2000), "favourited": rng.random() < 0.1,
        "reblogged": rng.random() < 0.05, "bookmarked": rng.random() < 0.05,
        "visibility": "public", "sensitive": False, "spoiler_text": "",
    }
    if rng.random() < 0.12:
        data["spoiler_text"] = rng.choice(("politics", "food", "eye contact", "spoilers: film"))
    if rng.random() < 0.25:
        data["sensitive"] = rng.random() < 0.3
        data["media_attachments"] = [
            {"id": f"m{i}-{k}", "type": "image", "url": f"https://files.example/m/{i}/{k}.jpg",
             "preview_url": f"https://files.example/m/{i}/{k}-s.jpg",
             "description": "A photo" if rng.random() < 0.6 else None,
             "blurhash": rng.choice(BLURHASHES)}
            for k in range(rng.choice((1, 1, 2, 3, 4)))
        ]
    elif rng.random() < 0.1:
        votes = [rng.randint(0, 50) for _ in range(rng.randint(2, 4))]
        data["poll"] = {"id": f"p{i}", "expired": rng.random() < 0.5, "multiple": False,
                        "votes_count": sum(votes), "voters_count": sum(votes),
                        "options": [{"title": f"Option {k + 1} {rng.choice(WORDS)}",
                                     "votes_count": v} for k, v in enumerate(votes)],
                        "own_votes": [0] if rng.random() < 0.3 else []}
    elif rng.random() < 0.15:
        data["card"] = {"url": "https://example.org/article", "title": "An article about "
                        + " ".join(rng.choice(WORDS) for _ in range(6)),
                        "description": " ".join(rng.choice(WORDS) for _ in range(30)),
                        "provider_name": "Example News", "blurhash": rng.choice(BLURHASHES),
                        "image": "https://files.example/card.jpg"}
    if rng.random() < 0.15:
        data["in_reply_to_id"] = str(100_000 + max(0, i - 3))
        data["in_reply_to_account_id"] = other["id"]
        data["mentions"] = [{"id": other["id"], "username": other["username"],
                             "acct": other["acct"], "url": other["url"]}]
    if rng.random() < 0.05:
        data["edited_at"] = created.isoformat()
    if rng.random() < 0.15:
        inner = dict(data, id=str(50_000 + i))
        booster = _account(rng, rng.randint(0, 60))
        return {"id": str(100_000 + i), "created_at": created.isoformat(), "account": booster,
                "content": "", "reblog": inner, "visibility": "public"}
    return data


def make_status(i: int, rng: random.Random | None = None) -> Status:
    """The ``i``-th fake status."""
    return from_dict(Status, status_json(i, rng or random.Random(i)))


def make_items(start: int, count: int, seed: int = 1) -> list[TimelineItem]:
    """``count`` items with ids ``start … start+count-1``, newest first (like an API page)."""
    rng = random.Random(seed * 1_000_003 + start)
    return [TimelineItem.of(make_status(i, rng)) for i in range(start + count - 1, start - 1, -1)]


class ListFeed:
    """The part of ``TimelineFeed`` a model binds to: its rows (newest first), callbacks and
    ``load_older`` (counted, fetching nothing)."""

    def __init__(self) -> None:
        self.rows: list[Any] = []
        self.older_loads = 0
        self.on_insert_newer: Any = None
        self.on_append_older: Any = None

    def load_older(self) -> None:
        self.older_loads += 1

    def insert_top(self, items: list[Any]) -> None:
        """A streaming event: the real feed keeps the rows, then hands them to the model."""
        self.rows[:0] = items
        self.on_insert_newer(items)

    def append(self, items: list[Any]) -> None:
        """A page of older rows."""
        self.rows.extend(items)
        self.on_append_older(items)
