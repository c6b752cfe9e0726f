"""Mastodon's following_accounts.csv: exact header and rows, escaping, atomic write."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from fedidesk.core.contacts.export import (
    ExportError,
    escape_cell,
    render_csv,
    write_following_csv,
)
from fedidesk.core.contacts.sources import read_csv


def test_exact_header_and_rows(tmp_path: Path) -> None:
    path = tmp_path / "following_accounts.csv"
    count = write_following_csv(path, ["bob@mastodon.social", "@Carol@Fosstodon.ORG",
                                       "bob@Mastodon.Social", "acct:dan@mstdn.jp"])
    assert count == 3
    assert path.read_bytes() == (
        b"Account address,Show boosts,Notify on new posts,Languages\n"
        b"bob@mastodon.social,true,false,\n"
        b"Carol@fosstodon.org,true,false,\n"
        b"dan@mstdn.jp,true,false,\n")
    assert [p.name for p in tmp_path.iterdir()] == ["following_accounts.csv"]  # no temp left


def test_options_and_languages(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_following_csv(path, ["bob@mastodon.social"], show_boosts=False, notify=True,
                        languages=["en", "de"])
    assert path.read_text(encoding="utf-8").splitlines()[1] == (
        'bob@mastodon.social,false,true,"en, de"')


def test_invalid_handles_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(ExportError, match="not an account address"):
        write_following_csv(path, ["bob@mastodon.social", '=HYPERLINK("http://evil")'])
    with pytest.raises(ExportError):
        write_following_csv(path, ["-2+3@evil.social"])
    assert path.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(("cell", "escaped"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\x00x", "'\x00x"),
    ("bob@mastodon.social", "bob@mastodon.social"), ("true", "true"), ("", ""),
])
def test_escape_cell(cell: str, escaped: str) -> None:
    assert escape_cell(cell) == escaped


def test_every_rendered_cell_is_escaped() -> None:
    text = render_csv([["=cmd", "a,b", "-x"]])
    assert next(csv.reader([text])) == ["'=cmd", "a,b", "'-x"]


def test_export_then_import_keeps_the_accounts(tmp_path: Path) -> None:
    handles = {"bob@mastodon.social", "carol@fosstodon.org", "dan@mstdn.jp"}
    path = tmp_path / "f.csv"
    write_following_csv(path, sorted(handles))
    scanned = read_csv(path.read_bytes())
    assert {s.text for s in scanned.sources if s.field == "account address"} == handles
    assert all(s.hinted for s in scanned.sources if s.field == "account address")


def test_unwritable_target(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="Could not write"):
        write_following_csv(tmp_path / "missing" / "f.csv", ["bob@mastodon.social"])
