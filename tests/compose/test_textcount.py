"""Character counting as Mastodon's StatusLengthValidator does it."""

from __future__ import annotations

from fedidesk.core.textcount import count_characters, countable_text, entities, remaining


def test_plain_text_counts_code_points() -> None:
    assert count_characters("hello") == 5


def test_every_url_counts_as_23() -> None:
    long_url = "https://example.com/" + "a" * 200 + "?q=1#frag"
    assert count_characters(long_url) == 23
    assert count_characters("see http://x.io ok") == len("see  ok") + 23
    assert count_characters("a https://a.example/1 b https://b.example/2") == len("a  b ") + 2 * 23


def test_url_length_comes_from_the_server() -> None:
    assert count_characters("https://example.com/page", url_length=30) == 30


def test_trailing_punctuation_is_not_part_of_the_url() -> None:
    assert countable_text("Look: https://example.com/x.") == "Look: " + "x" * 23 + "."
    wiki = "(https://en.wikipedia.org/wiki/Foo_(bar))"
    assert countable_text(wiki) == "(" + "x" * 23 + ")"


def test_urls_without_scheme_count_in_full() -> None:
    assert count_characters("example.com/abc") == len("example.com/abc")


def test_remote_mention_counts_local_part_only() -> None:
    assert count_characters("@bob@mastodon.example hi") == len("@bob hi")
    assert countable_text("cc @carol@social.example.org, @dave") == "cc @carol, @dave"


def test_email_address_is_not_a_mention() -> None:
    assert count_characters("mail me@example.com") == len("mail me@example.com")


def test_mention_inside_url_is_part_of_the_url() -> None:
    spans = entities("https://mastodon.social/@bob@example.com")
    assert [s.kind for s in spans] == ["url"]


def test_emoji_and_cjk_are_one_character_each() -> None:
    assert count_characters("😀") == 1
    assert count_characters("日本語のテキスト") == 8
    assert count_characters("🎉 party 🎉") == 9
    # A skin-tone modifier is a code point of its own, as in Ruby's String#length.
    assert count_characters("👍🏽") == 2


def test_content_warning_counts_towards_the_limit() -> None:
    assert count_characters("body", "spoilers ahead") == 4 + 14
    assert remaining("x" * 490, "y" * 20, max_characters=500) == -10


def test_blank_text_counts_nothing_but_the_cw() -> None:
    assert count_characters("   \n ", "cw") == 2


def test_leading_and_trailing_whitespace_does_not_count() -> None:
    # Mastodon strips text and content warning (Ruby's String#strip) before measuring.
    assert count_characters("\n\n  hello \t\n") == 5
    assert count_characters("hello", "  cw \n") == 5 + 2
    assert count_characters(" a  b ") == len("a  b")
    assert remaining("x" * 500 + "\n\n", max_characters=500) == 0


def test_only_ascii_whitespace_is_stripped() -> None:
    # Ruby's strip keeps the no-break space and the ideographic space.
    assert count_characters("\u00a0hi\u3000") == 4
    assert count_characters("\r\n\v\f\x00hi\x00") == 2
