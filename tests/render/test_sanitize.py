"""sanitize(): allow-list invariant on XSS vectors and fediverse fixtures, idempotence, budgets."""

from __future__ import annotations

import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fedidesk.core.entities import CustomEmoji
from fedidesk.core.html import (
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    MAX_DEPTH,
    MAX_EMOJI,
    MAX_INPUT_CHARS,
    MAX_LINKS,
    display_html,
    emojify_plan,
    plain_text,
    sanitize,
)

ALLOWED_ATTRS = {"a": {"href", "class"}, "span": {"class"}, "ol": {"start"}}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.depth = 0
        self.max_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag != "br":
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag != "br":
            self.depth -= 1


def collect(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def assert_allow_listed(html: str) -> None:
    for tag, attrs in collect(html).tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert name in ALLOWED_ATTRS.get(tag, set()), (tag, name, html)
            assert value is not None
            if name == "href":
                parts = urlsplit(value)
                assert parts.scheme in {"http", "https"}, value
                assert parts.hostname, value
            elif name == "class":
                assert set(value.split()) <= ALLOWED_CLASSES, value
            elif name == "start":
                assert value.isdigit()


XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="file:///etc/passwd">x</a>',
    '<a href="smb://evil/share">x</a>',
    '<a href="ms-settings:">x</a>',
    '<a href="//evil.example/x">protocol-relative</a>',
    '<a href="/relative">relative</a>',
    '<a href="https://ok.example" onclick="alert(1)" style="color:red" target="_blank">ok</a>',
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    '<BODY ONLOAD=alert("XSS")>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    "<style>@import 'file:///etc/passwd';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<font size="+100" color="red" face="Comic Sans">big</font>',
    '<span style="font-size:100000px">huge</span>',
    '<p style="position:fixed;top:0">overlay</p>',
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    '<base href="file:///">',
    "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="https://ok.example"><img src="https://tracker.example/pixel.gif"></a>',
    '<img src="file:///etc/passwd"><img src="/dev/zero"><img src="../../x">',
    '<ol start="999999999999" type="a"><li>x</li></ol>',
    '<span class="invisible h-card mention hashtag bogus">x</span>',
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<a href=\"https://good.example\" class=\"u-url mention\" rel=\"me\">@x</a>",
]

FEDIVERSE_FIXTURES = [
    # Mastodon
    '<p><span class="h-card" translate="no"><a href="https://mastodon.social/@Gargron" '
    'class="u-url mention">@<span>Gargron</span></a></span> hello '
    '<a href="https://mastodon.social/tags/fediverse" class="mention hashtag" rel="tag">'
    "#<span>fediverse</span></a></p><p>second<br>line</p>",
    '<p><a href="https://example.com/a/very/long/path?q=1" target="_blank" '
    'rel="nofollow noopener" translate="no"><span class="invisible">https://</span>'
    '<span class="ellipsis">example.com/a/very/long</span><span class="invisible">'
    "/path?q=1</span></a></p>",
    "<p>quote:</p><blockquote><p>nested <strong>bold</strong> <em>em</em> <del>gone</del>"
    "</p></blockquote><pre><code>code()</code></pre><ul><li>a</li><li>b</li></ul>",
    # Pleroma / Akkoma
    '<span class="h-card"><a class="u-url mention" data-user="9xYz" '
    'href="https://pleroma.example/users/alice" rel="ugc">@<span>alice</span></a></span> '
    'hi <a class="hashtag" data-tag="tag" href="https://pleroma.example/tag/tag" '
    'rel="tag ugc">#tag</a>',
    # Misskey (via its ActivityPub renderer)
    '<p><a href="https://misskey.example/@bob" class="u-url mention">@bob@misskey.example</a>'
    ' <a href="https://misskey.example/tags/misskey" rel="tag">#misskey</a> :blobcat:'
    " <i>$[x2 big]</i></p>",
]


@pytest.mark.parametrize("html", XSS_VECTORS + FEDIVERSE_FIXTURES)
def test_output_is_within_allow_list(html: str) -> None:
    safe = sanitize(html)
    assert_allow_listed(safe.html)
    lowered = safe.html.lower()
    for needle in ("<script", "<img", "<iframe", "<svg", "style=", "onerror", "javascript:"):
        assert needle not in lowered
    for link in safe.links:
        assert urlsplit(link.href).scheme in {"http", "https"}
    assert sanitize(safe.html).html == safe.html


def test_mastodon_markup_keeps_mentions_hashtags_and_invisible_parts() -> None:
    safe = sanitize(FEDIVERSE_FIXTURES[0] + FEDIVERSE_FIXTURES[1])
    assert '<a href="https://mastodon.social/@Gargron" class="mention">' in safe.html
    assert 'class="mention hashtag"' in safe.html
    assert '<span class="invisible">https://</span>' in safe.html
    assert [link.text for link in safe.links] == [
        "@Gargron",
        "#fediverse",
        "https://example.com/a/very/long/path?q=1",
    ]
    assert "rel=" not in safe.html
    assert "translate" not in safe.html


def test_plain_text_for_screen_readers() -> None:
    text = plain_text(sanitize(FEDIVERSE_FIXTURES[0] + FEDIVERSE_FIXTURES[1]).html)
    assert text == "@Gargron hello #fediverse\n\nsecond\nline\n\nexample.com/a/very/long…"
    assert plain_text("<p>a &amp; b &lt;c&gt; &#128512;</p>") == "a & b <c> 😀"
    assert plain_text("<ul><li>one</li><li>two</li></ul>") == "• one\n• two"


def test_display_html_hides_invisible_and_inserts_emoji() -> None:
    emoji = CustomEmoji("blobcat", "https://cdn.example/b.png", "https://cdn.example/b.png")
    safe = sanitize(FEDIVERSE_FIXTURES[1] + "<p>:blobcat: :other: &lt;b&gt;</p>")
    out = display_html(safe, [emoji], lambda e: f"[{e.shortcode}]")
    assert "https://</span>" not in out
    assert "/path?q=1</span>" not in out
    assert "example.com/a/very/long…" in out
    assert "[blobcat] :other: &lt;b&gt;" in out


def test_emojify_plan_only_known_shortcodes_and_capped() -> None:
    emojis = [CustomEmoji("a", "https://e/a.png"), CustomEmoji("b_2", "https://e/b.png")]
    spans = emojify_plan("x :a: :nope: :b_2::a: ::a", emojis)
    assert [(s.start, s.end, s.emoji.shortcode) for s in spans] == [
        (2, 5, "a"), (13, 18, "b_2"), (18, 21, "a"),
    ]
    assert [s.emoji.shortcode for s in emojify_plan(":zz:a:", emojis)] == ["a"]
    assert len(emojify_plan(":a:" * 1000, emojis)) == MAX_EMOJI


# --- budgets ------------------------------------------------------------------------------


def test_five_megabyte_post_is_cut_and_marked() -> None:
    html = "<p>" + ("word &amp; more " * 330_000) + "</p>"
    assert len(html) > 5_000_000
    start = time.perf_counter()
    safe = sanitize(html)
    assert time.perf_counter() - start < 1.0
    assert safe.truncated
    assert len(safe.html) <= MAX_INPUT_CHARS
    assert sanitize(safe.html).html == safe.html


def test_ten_thousand_nested_blockquotes_are_flattened() -> None:
    html = "<blockquote>" * 10_000 + "deep" + "</blockquote>" * 10_000
    start = time.perf_counter()
    safe = sanitize(html)
    assert time.perf_counter() - start < 1.0
    assert collect(safe.html).max_depth <= MAX_DEPTH
    assert "deep" in safe.html or safe.truncated


def test_ten_thousand_links_are_capped() -> None:
    html = "".join(f'<a href="https://e{i}.example/">l{i}</a> ' for i in range(10_000))
    start = time.perf_counter()
    safe = sanitize(html)
    assert time.perf_counter() - start < 1.0
    assert len(safe.links) == MAX_LINKS
    assert safe.html.count("<a ") == MAX_LINKS
    assert safe.truncated


def test_cut_never_leaves_half_a_tag() -> None:
    html = "x" * (MAX_INPUT_CHARS - 5) + '<a href="https://e.example/">link</a>'
    safe = sanitize(html)
    assert safe.truncated
    assert "&lt;a" not in safe.html


# --- property tests -----------------------------------------------------------------------

_TAG_NAMES = [
    *sorted(ALLOWED_TAGS),
    "script", "style", "img", "iframe", "svg", "math", "div", "font", "table", "td",
    "textarea", "title", "noscript", "template", "xmp", "select", "option", "h1", "body",
]
_ATTR_VALUES = st.sampled_from([
    "https://ok.example/p?a=1&b=2", "http://x.example", "javascript:alert(1)", "/rel",
    "data:text/html,x", "file:///etc/passwd", "mention hashtag", "invisible bogus", "12",
    "x\"y", "&amp;", "\xa0", "ftp://x", "//evil", "HTTPS://UP.EXAMPLE",
])
_ATTR = st.tuples(st.sampled_from(["href", "class", "start", "src", "style", "onerror", "id"]),
                  _ATTR_VALUES)
_START = st.builds(
    lambda t, attrs: "<" + t + "".join(f' {k}="{v}"' for k, v in attrs) + ">",
    st.sampled_from(_TAG_NAMES), st.lists(_ATTR, max_size=3),
)
_END = st.builds(lambda t: f"</{t}>", st.sampled_from(_TAG_NAMES))
_PIECES = [*"ab <>&\"'\n\t\xa0:;#@/=!-", "&amp;", "&lt;", "&#60;", "&nbsp;", "<!--", "-->",
           "<![CDATA[", "é", "😀"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
RANDOM_HTML = st.lists(st.one_of(_START, _END, _TEXT), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(RANDOM_HTML)
def test_random_html_is_allow_listed_and_idempotent(html: str) -> None:
    safe = sanitize(html)
    assert_allow_listed(safe.html)
    assert sanitize(safe.html).html == safe.html


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_is_idempotent(text: str) -> None:
    safe = sanitize(text)
    assert_allow_listed(safe.html)
    assert sanitize(safe.html).html == safe.html
