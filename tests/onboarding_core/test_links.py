"""rel=me checks against local https pages (self-signed certificate), one per reason."""

from __future__ import annotations

import asyncio
import socket
import ssl

import httpx
import pytest

from fedidesk.core.errors import InvalidAddressError
from fedidesk.core.links import (
    MAX_PAGE_BYTES,
    LinkCheck,
    Reason,
    check_link,
    field_problem,
    find_rel_me,
    guidance_for,
    snippet_for,
)
from tests.onboarding_core.pages import PageServer

PROFILE = "https://social.example/@alice"


def check(url: str, tls: ssl.SSLContext, profile: str = PROFILE, **kw: object) -> LinkCheck:
    async def go() -> LinkCheck:
        async with httpx.AsyncClient(verify=tls, timeout=5) as client:
            return await check_link(url, profile, client=client, allow_private=True, **kw)

    return asyncio.run(go())


def page(*links: str) -> str:
    return f"<!doctype html><html><head><title>x</title></head><body>{''.join(links)}</body>"


def test_rel_me_link_verifies(tls_pages: PageServer, trusted_tls: ssl.SSLContext) -> None:
    url = tls_pages.add("/", page(f'<a href="https://elsewhere.example/">x</a>'
                                  f'<a rel="me" href="{PROFILE}">Mastodon</a>'))
    result = check(url, trusted_tls)
    assert (result.ok, result.reason_code) == (True, Reason.OK)
    assert result.found_links == [PROFILE]
    method, _, headers = tls_pages.requests[0]
    assert method == "GET"
    assert headers["Accept"] == "text/html"


@pytest.mark.parametrize("markup", [
    f'<a rel="nofollow ME noopener" href="{PROFILE}">m</a>',
    f'<a rel="me" href="{PROFILE.upper().replace("HTTPS", "https")}">m</a>',
    '<a rel="me" href="https://social.example/&#64;alice">m</a>',
])
def test_tokens_and_href_compare_case_insensitively(
    tls_pages: PageServer, trusted_tls: ssl.SSLContext, markup: str
) -> None:
    assert check(tls_pages.add("/", page(markup)), trusted_tls).ok


def test_link_element_in_head_verifies(tls_pages: PageServer,
                                       trusted_tls: ssl.SSLContext) -> None:
    body = f'<html><head><link rel="me" href="{PROFILE}"></head><body>hi</body></html>'
    assert check(tls_pages.add("/", body), trusted_tls).ok


def test_http_url_is_refused_before_any_request() -> None:
    result = asyncio.run(check_link("http://example.com/", PROFILE))
    assert result.reason_code == Reason.NOT_HTTPS
    assert "https://example.com/" in result.message


@pytest.mark.parametrize(("url", "reason"), [
    ("https://Example.com/", Reason.NOT_VERIFIABLE),
    ("https://bücher.example/", Reason.NOT_VERIFIABLE),
    ("https://user:pw@example.com/", Reason.NOT_VERIFIABLE),
    ("https://example.com/a/../b", Reason.NOT_VERIFIABLE),
    ("https://example.com/" + "a" * 300, Reason.NOT_VERIFIABLE),
    ("ftp://example.com/", Reason.INVALID_URL),
    (" https://example.com/", Reason.INVALID_URL),
])
def test_field_values_the_server_never_verifies(url: str, reason: Reason) -> None:
    problem = field_problem(url)
    assert problem is not None
    assert problem.reason_code == reason


def test_follows_up_to_three_redirects(tls_pages: PageServer,
                                       trusted_tls: ssl.SSLContext) -> None:
    tls_pages.add("/final", page(f'<a rel="me" href="{PROFILE}">m</a>'))
    tls_pages.redirect("/r3", "/final")
    tls_pages.redirect("/r2", "{base}/r3", status=302)
    url = tls_pages.redirect("/r1", "/r2", status=308)
    result = check(url, trusted_tls)
    assert result.ok
    assert result.final_url.endswith("/final")


def test_four_redirects_are_too_many(tls_pages: PageServer,
                                     trusted_tls: ssl.SSLContext) -> None:
    tls_pages.add("/final", page(f'<a rel="me" href="{PROFILE}">m</a>'))
    for n in range(4):
        tls_pages.redirect(f"/r{n}", f"/r{n + 1}" if n < 3 else "/final")
    result = check(f"{tls_pages.base_url}/r0", trusted_tls)
    assert result.reason_code == Reason.TOO_MANY_REDIRECTS
    assert "3" in result.message
    assert not any(path == "/final" for _, path, _ in tls_pages.requests)


def test_redirect_loop(tls_pages: PageServer, trusted_tls: ssl.SSLContext) -> None:
    tls_pages.redirect("/a", "/b")
    url = tls_pages.redirect("/b", "/a")
    result = check(url, trusted_tls)
    assert result.reason_code == Reason.REDIRECT_LOOP
    assert "loop" in result.message


def test_no_rel_me_link(tls_pages: PageServer, trusted_tls: ssl.SSLContext) -> None:
    url = tls_pages.add("/", page(f'<a href="{PROFILE}">my Mastodon</a>'))
    result = check(url, trusted_tls)
    assert result.reason_code == Reason.NO_REL_ME
    assert result.found_links == []
    assert "without rel=\"me\"" in result.message  # the plain link is pointed out


def test_link_added_by_javascript_is_not_seen(tls_pages: PageServer,
                                              trusted_tls: ssl.SSLContext) -> None:
    script = (f"<script>document.body.innerHTML = '<a rel=\"me\" href=\"{PROFILE}\">m</a>'"
              "</script>")
    assert check(tls_pages.add("/", page(script)), trusted_tls).reason_code == Reason.NO_REL_ME


def test_rel_me_pointing_elsewhere_lists_the_targets(
    tls_pages: PageServer, trusted_tls: ssl.SSLContext
) -> None:
    others = ["https://other.example/@alice", "https://github.com/alice"]
    url = tls_pages.add("/", page(*(f'<a rel="me" href="{o}">x</a>' for o in others)))
    result = check(url, trusted_tls)
    assert result.reason_code == Reason.REL_ME_ELSEWHERE
    assert result.found_links == others
    assert all(o in result.message for o in others)


def test_head_fallback_accepts_a_shortener_that_redirects_exactly(
    tls_pages: PageServer, trusted_tls: ssl.SSLContext
) -> None:
    short = tls_pages.redirect("/s/abc", PROFILE)
    url = tls_pages.add("/", page(f'<a rel="me" href="{short}">m</a>'))
    result = check(url, trusted_tls)
    assert result.reason_code == Reason.OK_VIA_REDIRECT
    assert ("HEAD", "/s/abc") in [(m, p) for m, p, _ in tls_pages.requests]


def test_head_fallback_is_case_sensitive_and_uses_the_first_link_only(
    tls_pages: PageServer, trusted_tls: ssl.SSLContext
) -> None:
    wrong_case = tls_pages.redirect("/s/1", PROFILE.upper())
    good = tls_pages.redirect("/s/2", PROFILE)
    url = tls_pages.add("/", page(f'<a rel="me" href="{wrong_case}">1</a>',
                                  f'<a rel="me" href="{good}">2</a>'))
    assert check(url, trusted_tls).reason_code == Reason.REL_ME_ELSEWHERE
    assert ("HEAD", "/s/2") not in [(m, p) for m, p, _ in tls_pages.requests]


def test_large_page_is_checked_within_its_first_megabyte(
    tls_pages: PageServer, trusted_tls: ssl.SSLContext
) -> None:
    filler = "<p>" + "x" * (MAX_PAGE_BYTES + 100_000) + "</p>"
    early = tls_pages.add("/early", page(f'<a rel="me" href="{PROFILE}">m</a>', filler))
    late = tls_pages.add("/late", page(filler, f'<a rel="me" href="{PROFILE}">m</a>'))
    ok = check(early, trusted_tls)
    assert ok.ok
    assert ok.truncated
    assert "1 MB" in ok.message
    too_large = check(late, trusted_tls)
    assert too_large.reason_code == Reason.PAGE_TOO_LARGE
    assert too_large.truncated


def test_not_html(tls_pages: PageServer, trusted_tls: ssl.SSLContext) -> None:
    url = tls_pages.add("/cv.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    result = check(url, trusted_tls)
    assert result.reason_code == Reason.NOT_HTML
    assert "application/pdf" in result.message


def test_non_200_is_not_parsed(tls_pages: PageServer, trusted_tls: ssl.SSLContext) -> None:
    url = tls_pages.add("/", page(f'<a rel="me" href="{PROFILE}">m</a>'), status=403)
    result = check(url, trusted_tls)
    assert result.reason_code == Reason.HTTP_ERROR
    assert "403" in result.message
    assert "Bot protection" in result.message


def test_unreachable_host(trusted_tls: ssl.SSLContext) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = check(f"https://127.0.0.1:{port}/", trusted_tls)
    assert result.reason_code == Reason.UNREACHABLE


def test_untrusted_certificate_is_unreachable(tls_pages: PageServer) -> None:
    url = tls_pages.add("/", page(f'<a rel="me" href="{PROFILE}">m</a>'))
    result = asyncio.run(check_link(url, PROFILE, allow_private=True))
    assert result.reason_code == Reason.UNREACHABLE
    assert "certificate" in result.message


def test_private_addresses_are_refused_like_the_server_does(tls_pages: PageServer) -> None:
    url = tls_pages.add("/", page(f'<a rel="me" href="{PROFILE}">m</a>'))
    result = asyncio.run(check_link(url, PROFILE))
    assert result.reason_code == Reason.PRIVATE_ADDRESS
    assert tls_pages.requests == []


def test_profile_url_must_be_a_web_address() -> None:
    with pytest.raises(InvalidAddressError):
        asyncio.run(check_link("https://example.com/", "alice@social.example"))


def test_parser_keeps_the_first_duplicate_attribute_and_ignores_other_tags() -> None:
    rel_me, plain = find_rel_me(
        f'<a rel="me" href="{PROFILE}" href="https://x.example">1</a>'
        f'<img rel="me" src="{PROFILE}"><link rel="stylesheet" href="/s.css">'
        '<a rel="me">no href</a>')
    assert rel_me == [PROFILE, ""]
    assert plain == ["/s.css"]


def test_snippet_and_guidance() -> None:
    assert snippet_for(PROFILE) == f'<a rel="me" href="{PROFILE}">Mastodon</a>'
    assert snippet_for('https://x/@a"b') == '<a rel="me" href="https://x/@a&quot;b">Mastodon</a>'
    text = guidance_for(PROFILE)
    assert "GitHub" in text
    assert f'<link rel="me" href="{PROFILE}">' in text
