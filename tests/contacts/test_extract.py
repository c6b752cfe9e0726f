"""Handle extraction: a table of bios, names, URLs and locations, false positives included."""

from __future__ import annotations

import time

import pytest

from fedidesk.core.contacts.extract import (
    Candidate,
    TextSource,
    candidates_in,
    extract_candidates,
    normalise_handle,
)

CASES: list[tuple[str, str, list[str]]] = [
    # (field, text, expected handles)
    ("bio", "Find me at @bob@mastodon.social!", ["bob@mastodon.social"]),
    ("name", "Alice 🐘 @alice@fosstodon.org", ["alice@fosstodon.org"]),
    ("bio", "@Carol@Chaos.Social.", ["Carol@chaos.social"]),
    ("bio", "🐘 dan@example.org", ["dan@example.org"]),
    ("bio", "Mastodon: erin@my-server.net", ["erin@my-server.net"]),
    ("bio", "fedi: frank@photos.example", ["frank@photos.example"]),
    ("location", "gina@mstdn.jp", ["gina@mstdn.jp"]),
    ("bio", "hal@hachyderm.io (new home)", ["hal@hachyderm.io"]),
    ("url", "https://fosstodon.org/@ivan", ["ivan@fosstodon.org"]),
    ("url", "https://mastodon.social/web/@judy/", ["judy@mastodon.social"]),
    ("bio", "now at mas.to/@kim, see you", ["kim@mas.to"]),
    ("url", "https://mastodon.social/@leo@infosec.exchange", ["leo@infosec.exchange"]),
    ("url", "https://social.example/users/mia", ["mia@social.example"]),
    ("bio", "acct:ned@toot.community", ["ned@toot.community"]),
    ("name", "𝓸𝓵𝓰𝓪@mastodon.social", ["olga@mastodon.social"]),
    ("name", "ｐａｕｌ＠ｍａｓｔｏｄｏｎ．ｓｏｃｉａｌ", ["paul@mastodon.social"]),
    ("bio", "q\u200buinn@mastodon.online", ["quinn@mastodon.online"]),
    ("bio", "rob@bücher.social", ["rob@xn--bcher-kva.social"]),
    ("bio", "two: @sam@a.social and @tia@b.social", ["sam@a.social", "tia@b.social"]),
    ("bio", "@uma@mastodon.social, also mastodon.social/@uma",
     ["uma@mastodon.social"]),
    ("bio", "Mastodon fan", []),
    # false positives
    ("bio", "mail me: victor@gmail.com", []),
    ("bio", "business: hello@mycompany.com", []),
    ("bio", "🐘 wendy@gmail.com", []),
    ("bio", "@xena@twitter.com", []),
    ("url", "https://twitter.com/@yuri", []),
    ("url", "https://x.com/zoe", []),
    ("url", "https://medium.com/@writer", []),
    ("url", "https://www.youtube.com/@channel", []),
    ("url", "https://github.com/someone", []),
    ("url", "https://linkedin.com/in/someone", []),
    ("url", "https://someone.substack.com/@x", []),
    ("bio", "on mastodon: victor@outlook.com", []),
    ("bio", "version 1.2@3.4", []),
    ("bio", "price 10@example", []),
    ("bio", "@handle only", []),
    ("bio", "https://example.org/blog/post", []),
]


@pytest.mark.parametrize(("field", "text", "expected"), CASES,
                         ids=[f"{i}-{c[1][:24]}" for i, c in enumerate(CASES)])
def test_extraction_table(field: str, text: str, expected: list[str]) -> None:
    found = extract_candidates([TextSource(text, field, "someone")])
    assert sorted(c.handle for c in found) == sorted(expected)
    for candidate in found:
        assert 0 < candidate.confidence <= 1
        assert candidate.reason
        assert candidate.source_field == field
        assert candidate.source_account == "someone"


def _one(text: str, **kw: object) -> Candidate:
    (found,) = candidates_in(TextSource(text, "bio", **kw))  # type: ignore[arg-type]
    return found


def test_confidence_orders_evidence() -> None:
    explicit = _one("@bob@mastodon.social")
    link = _one("https://mastodon.social/@bob")
    post = _one("https://mastodon.social/@bob/1234567")
    bare_known = _one("bob@mastodon.social")
    bare_hinted = _one("🐘 bob@example.org")
    actor = _one("https://example.org/users/bob")
    assert explicit.confidence > link.confidence > post.confidence
    assert explicit.confidence > bare_known.confidence > bare_hinted.confidence
    assert actor.confidence < link.confidence
    assert "post" in post.reason
    assert "fediverse server" in explicit.reason


def test_host_words_are_no_hint_by_themselves() -> None:
    assert "mentioned nearby" not in _one("@bob@mastodon.social").reason
    assert "mentioned nearby" in _one("Mastodon: @bob@mastodon.social").reason


def test_hinted_field_accepts_bare_handles() -> None:
    assert candidates_in(TextSource("bob@example.org", "bio")) == []
    assert _one("bob@example.org", hinted=True).handle == "bob@example.org"


def test_weight_scales_confidence() -> None:
    assert _one("@bob@mastodon.social", weight=0.5).confidence == pytest.approx(0.48, abs=0.01)


def test_dedupe_keeps_the_most_confident() -> None:
    found = extract_candidates([
        TextSource("https://mastodon.social/@Bob", "url", "bob"),
        TextSource("@bob@mastodon.social", "bio", "bob"),
        TextSource("@zed@mastodon.social", "name", "zed", weight=0.5),
    ])
    assert [c.handle for c in found] == ["bob@mastodon.social", "zed@mastodon.social"]
    assert found[0].source_field == "bio"


@pytest.mark.parametrize(("raw", "clean"), [
    ("@Bob@Mastodon.Social", "Bob@mastodon.social"),
    ("acct:bob@mastodon.social", "bob@mastodon.social"),
    ("bob@mastodon.social.", "bob@mastodon.social"),
    ("bob@localhost", None),
    ("bob", None),
    ("b ob@mastodon.social", None),
    ("bob@under_score.social", None),
])
def test_normalise_handle(raw: str, clean: str | None) -> None:
    assert normalise_handle(raw) == clean


@pytest.mark.parametrize("text", [
    "a." * 60_000, "a" * 60_000 + "@", ("a.b" * 90 + " ") * 300,
    ("a-b." * 70 + "@ ") * 300, ("@a." * 70 + " ") * 1000, "x@" * 50_000,
])
def test_pathological_text_is_fast(text: str) -> None:
    started = time.monotonic()
    candidates_in(TextSource(text, "bio"))
    assert time.monotonic() - started < 1
