"""Mastodon's CSV formats: exact headers/rows, escaping round trip, readers, limits, atomicity."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fedidesk.core.migration import atomic
from fedidesk.core.migration import formats as fmt
from fedidesk.core.migration.bundle import (
    Extras,
    FilterData,
    FilterKeywordData,
    Manifest,
    ProfileData,
    ProfileField,
    read_extras,
    read_manifest,
    write_extras,
    write_manifest,
)


def test_following_file_is_byte_exact(tmp_path: Path) -> None:
    path = tmp_path / "following_accounts.csv"
    count = fmt.write_following(path, [
        fmt.FollowRow("bob@example.com", False, True, ("en", "de")),
        fmt.FollowRow("carol@other.social"),
        fmt.FollowRow("BOB@example.com"),  # duplicate (case-insensitive)
    ])
    assert count == 2
    assert path.read_bytes() == (
        b"Account address,Show boosts,Notify on new posts,Languages\n"
        b'bob@example.com,false,true,"en, de"\n'
        b"carol@other.social,true,false,\n")


def test_headerless_and_muting_files_are_exact(tmp_path: Path) -> None:
    fmt.write_muting(tmp_path / "m.csv", [fmt.MuteRow("a@x.org", True), fmt.MuteRow("b@x.org",
                                                                                    False)])
    assert (tmp_path / "m.csv").read_text() == (
        "Account address,Hide notifications\na@x.org,true\nb@x.org,false\n")
    fmt.write_blocking(tmp_path / "b.csv", ["a@x.org", "c@y.net"])
    assert (tmp_path / "b.csv").read_text() == "a@x.org\nc@y.net\n"
    fmt.write_domain_blocking(tmp_path / "d.csv", ["spam.example", "SPAM.example"])
    assert (tmp_path / "d.csv").read_text() == "spam.example\n"
    fmt.write_bookmarks(tmp_path / "k.csv", ["https://h/users/x/statuses/2",
                                             "https://h/users/x/statuses/1"])
    assert (tmp_path / "k.csv").read_text() == (
        "https://h/users/x/statuses/2\nhttps://h/users/x/statuses/1\n")
    fmt.write_lists(tmp_path / "l.csv", [fmt.ListRow("Friends, close", "a@x.org"),
                                         fmt.ListRow("Work", "b@x.org")])
    assert (tmp_path / "l.csv").read_text() == '"Friends, close",a@x.org\nWork,b@x.org\n'


@pytest.mark.parametrize("name", ["=cmd", "+1", "-x", "@home", "\tTab", "\rCR", "'=already",
                                  "''@two", "'plain", "normal", "=HYPERLINK(\"http://e\",\"x\")"])
def test_list_name_escaping_round_trips(tmp_path: Path, name: str) -> None:
    path = tmp_path / "lists.csv"
    fmt.write_lists(path, [fmt.ListRow(name, "bob@example.com")])
    first_cell = path.read_text().split(",")[0].strip('"')
    assert not first_cell.startswith(fmt.FORMULA_TRIGGERS)  # spreadsheet-safe
    assert fmt.read_lists(path).rows == [fmt.ListRow(name.strip(), "bob@example.com")]


def test_escape_is_a_bijection() -> None:
    for value in ["=a", "'=a", "''=a", "'a", "a", "", "-", "'"]:
        assert fmt.unescape_cell(fmt.escape_cell(value)) == value


MASTODON_FOLLOWS = (
    "\ufeffAccount address,Show boosts,Notify on new posts,Languages\r\n"
    "@Bob@Example.COM,true,false,\r\n"
    "carol@other.social,FALSE,1,\"en, de\"\r\n"
    "\r\n"
    "not an address,true,false,\r\n"
    "bob@example.com,false,false,\r\n"
)


def test_read_mastodon_web_export_with_bom_crlf_bad_and_duplicate_rows() -> None:
    result = fmt.read_following(MASTODON_FOLLOWS.encode("utf-8"))
    assert result.had_header and result.kind == "following"
    assert result.rows == [fmt.FollowRow("Bob@example.com", True, False, ()),
                           fmt.FollowRow("carol@other.social", False, True, ("en", "de"))]
    assert [(p.line, p.reason.split(" (")[0]) for p in result.problems] == [
        (5, "not an account address"), (6, "duplicate of line 2")]
    assert result.duplicates == 1


def test_headerless_follow_list_and_guessing_by_filename(tmp_path: Path) -> None:
    path = tmp_path / "follows.csv"
    path.write_text("alice@a.example\n@bob@b.example\n", encoding="utf-8")
    result = fmt.read_any(path)
    assert result.kind == "following" and not result.had_header
    assert [r.acct for r in result.rows if isinstance(r, fmt.FollowRow)] == [
        "alice@a.example", "bob@b.example"]
    blocks = fmt.read_any(b"x@y.org\n", filename="blocks.csv")
    assert blocks.kind == "blocking" and blocks.rows == ["x@y.org"]
    muted = fmt.read_any(b"Account address,Hide notifications\nx@y.org,false\n")
    assert muted.kind == "muting" and muted.rows == [fmt.MuteRow("x@y.org", False)]
    domains = fmt.read_any(b"#domain\nSpam.Example\nnot a domain!\n", filename="x.csv")
    assert domains.kind == "domain_blocking" and domains.rows == ["spam.example"]
    assert len(domains.problems) == 1
    with pytest.raises(fmt.FormatError):
        fmt.read_any(b"x@y.org\n", filename="unknown.csv")


def test_type_mismatch_is_flagged_like_mastodon() -> None:
    result = fmt.read_blocking(b"Account address,Hide notifications\nx@y.org,true\n")
    assert result.kind == "blocking" and result.guessed_kind == "muting"
    assert result.likely_mismatched and result.rows == ["x@y.org"]


def test_bare_username_needs_local_domain() -> None:
    assert fmt.read_blocking(b"alice\n").rows == []
    assert fmt.read_blocking(b"alice\n", local_domain="Home.Example").rows == [
        "alice@home.example"]


def test_row_cap_and_huge_field_are_problems_not_crashes() -> None:
    rows = "".join(f"user{i}@example.com\n" for i in range(fmt.MAX_ROWS + 50))
    result = fmt.read_blocking(rows.encode())
    assert len(result.rows) == fmt.MAX_ROWS and result.truncated
    huge = b'a@b.org\n"' + b"x" * (1024 * 1024) + b'"\nc@d.org\n'
    result = fmt.read_blocking(huge)
    assert "a@b.org" in result.rows
    assert result.problems
    with pytest.raises(fmt.FormatError):
        fmt.read_blocking(b"\xff\xfe not utf-8")


def test_bookmarks_reader_accepts_uris_only() -> None:
    result = fmt.read_bookmarks(b"https://h.example/users/a/statuses/1\njavascript:alert(1)\n")
    assert result.rows == ["https://h.example/users/a/statuses/1"]
    assert len(result.problems) == 1


def test_export_then_import_keeps_the_acct_set(tmp_path: Path) -> None:
    accts = [f"user{i}@server{i % 3}.example" for i in range(50)]
    fmt.write_following(tmp_path / "f.csv", [fmt.FollowRow(a) for a in accts])
    assert [r.acct for r in fmt.read_following(tmp_path / "f.csv").rows] == accts


def test_atomic_write_leaves_no_partial_file(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "blocked_accounts.csv"
    fmt.write_blocking(path, ["old@x.org"])

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(atomic.WriteError, match="No space"):
        fmt.write_blocking(path, ["new@x.org", "other@x.org"])
    assert path.read_text() == "old@x.org\n"
    assert os.listdir(tmp_path) == ["blocked_accounts.csv"]


def test_extras_and_manifest_round_trip(tmp_path: Path) -> None:
    extras = Extras(
        followed_tags=["python"], featured_tags=["desk"], endorsements=["a@b.org"],
        filters=[FilterData("f", ("home",), "hide", None, (FilterKeywordData("k", False),))],
        profile=ProfileData("Name", "bio", (ProfileField("site", "https://x"),)))
    write_extras(tmp_path, extras)
    assert read_extras(tmp_path) == extras
    manifest = Manifest("a@b.org", "https://b.org", "2025-01-01T00:00:00+00:00", True,
                        {"blocked_accounts.csv": 1}, {"following_count": 3}, ["note"],
                        ["blocks"])
    write_manifest(tmp_path, manifest)
    assert read_manifest(tmp_path / "manifest.json") == manifest
    (tmp_path / "manifest.json").write_text("[1]")
    with pytest.raises(fmt.FormatError):
        read_manifest(tmp_path)
