"""Local filter matching for posts already shown, checked against Mastodon's rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fedidesk.core.entities import Filter, FilterResult, Status, from_dict
from fedidesk.core.filtermatch import compile_filters, filter_results, refiltered

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def status(content: str = "", **extra: Any) -> Status:
    data = {"id": "1", "content": content, "account": {"id": "9", "username": "ann"},
            **extra}
    return from_dict(Status, data)


def flt(*keywords: tuple[str, bool], fid: str = "f1", action: str = "warn",
        expires_at: datetime | None = None) -> Filter:
    return from_dict(Filter, {
        "id": fid, "title": f"filter {fid}", "context": ["home"], "filter_action": action,
        "expires_at": expires_at.isoformat() if expires_at else None,
        "keywords": [{"id": str(i), "keyword": k, "whole_word": w}
                     for i, (k, w) in enumerate(keywords)]})


def matches(post: Status, *filters: Filter) -> list[tuple[str, tuple[str, ...]]]:
    return [(r.filter.id if r.filter else "", r.keyword_matches)
            for r in filter_results(post, compile_filters(filters, NOW))]


def test_keywords_match_like_the_server() -> None:
    post = status("<p>I write PYTHON daily; see pythonic.example</p>")
    assert matches(post, flt(("python", False))) == [("f1", ("PYTHON",))]
    assert matches(post, flt(("python", True))) == [("f1", ("PYTHON",))]
    assert matches(status("<p>pythonic code</p>"), flt(("python", True))) == []
    assert matches(status("<p>pythonic code</p>"), flt(("python", False))) == \
        [("f1", ("python",))]
    # A boundary is only needed where the keyword starts or ends with a word character.
    assert matches(status("<p>a#tag here</p>"), flt(("#tag", True))) == [("f1", ("#tag",))]
    assert matches(status("<p>1+1=2</p>"), flt(("1+1", True))) == [("f1", ("1+1",))]
    assert matches(status("<p>ok</p>"), flt(("a.b", False))) == []  # not a pattern


def test_everything_the_server_searches_is_searched() -> None:
    assert matches(status("<p>x</p>", spoiler_text="Spiders ahead"), flt(("spider", False)))
    assert matches(status("<p>x</p>", poll={"id": "p", "options": [
        {"title": "cats"}, {"title": "spiders"}]}), flt(("spiders", True)))
    assert matches(status("<p>x</p>", media_attachments=[
        {"id": "m", "type": "image", "description": "a big spider"}]), flt(("spider", True)))
    boost = status("", reblog={"id": "2", "content": "<p>spider</p>",
                               "account": {"id": "8", "username": "bo"}})
    assert matches(boost, flt(("spider", True)))


def test_expired_filters_and_filters_without_keywords_match_nothing() -> None:
    post = status("<p>spider</p>")
    assert matches(post, flt(("spider", True), expires_at=NOW - timedelta(seconds=1))) == []
    assert matches(post, flt(("spider", True), expires_at=NOW + timedelta(days=1)))
    assert matches(post, flt()) == []


def test_single_post_filters_are_kept_for_filters_that_still_exist() -> None:
    old = flt(fid="f2", action="hide")
    post = status("<p>harmless</p>", filtered=[
        {"filter": {"id": "f2", "title": "old title", "filter_action": "hide"},
         "status_matches": ["1"]},
        {"filter": {"id": "gone", "title": "deleted"}, "status_matches": ["1"]}])
    (result,) = filter_results(post, compile_filters([old], NOW))
    assert result.filter == old and result.status_matches == ("1",)


def test_refiltered_only_builds_a_new_post_when_something_changed() -> None:
    compiled = compile_filters([flt(("spider", True))], NOW)
    calm = status("<p>cats</p>")
    assert refiltered(calm, compiled) is calm
    scary = refiltered(status("<p>spider</p>"), compiled)
    assert [r.keyword_matches for r in scary.filtered] == [("spider",)]
    assert refiltered(scary, compiled) is scary
    # A filter removed since: the old result goes.
    assert refiltered(scary, []).filtered == ()
    boost = status("", reblog={"id": "2", "content": "<p>spider</p>", "account": {
        "id": "8", "username": "bo"}, "filtered": [{"filter": {"id": "x"}}]})
    again = refiltered(boost, compiled)
    assert again.reblog is not None and again.reblog.filtered == ()
    assert isinstance(again.filtered[0], FilterResult)
