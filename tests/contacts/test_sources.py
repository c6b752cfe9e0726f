"""CSV and text inputs: BOM, CRLF, header detection, caps, bad rows reported, never fatal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fedidesk.core.contacts.extract import extract_candidates
from fedidesk.core.contacts.sources import (
    ContactInputError,
    load_input,
    read_csv,
    read_text,
)
from tests.contacts.archives import make_zip, normal_members


def _handles(data: bytes) -> list[str]:
    return sorted(c.handle for c in extract_candidates(read_csv(data).sources))


def test_bom_crlf_and_case_insensitive_header() -> None:
    data = ("\ufeffScreen_Name,NAME,Description,Website,Location\r\n"
            "@bob,Bob 🐘,\"Hi, I'm @bob@mastodon.social\",https://example.com,Berlin\r\n"
            "carol,Carol,nothing here,https://fosstodon.org/@carol,\r\n").encode()
    result = read_csv(data, "x.csv")
    assert result.problems == []
    fields = {(s.account, s.field) for s in result.sources}
    assert ("bob", "description") in fields
    assert ("carol", "website") in fields
    found = extract_candidates(result.sources)
    assert {(c.handle, c.source_account) for c in found} == {
        ("bob@mastodon.social", "bob"), ("carol@fosstodon.org", "carol")}


def test_headerless_csv_is_scanned_cell_by_cell() -> None:
    result = read_csv(b"@dan@mstdn.jp,whatever\n")
    assert [s.field for s in result.sources] == ["column 1", "column 2"]
    assert _handles(b"@dan@mstdn.jp,whatever\n") == ["dan@mstdn.jp"]


def test_mastodon_column_is_a_hint() -> None:
    # A bare user@host is an email address unless something says fediverse: the column does.
    assert _handles(b"Name,Mastodon\nEve,eve@example.org\n") == ["eve@example.org"]
    assert _handles(b"Name,Email\nEve,eve@example.org\n") == []
    assert _handles(b"Account address,Show boosts\nfrank@example.org,true\n") == [
        "frank@example.org"]


def test_huge_field_is_reported_and_the_rest_is_read() -> None:
    data = (b"handle,bio\n"
            b"a,@a@mastodon.social\n"
            b"b," + b"x" * 2_000_000 + b"\n"
            b"c,@c@mastodon.social\n")
    result = read_csv(data)
    assert len(result.problems) == 1
    assert "row 3" in result.problems[0]
    assert "field" in result.problems[0]
    assert sorted(c.handle for c in extract_candidates(result.sources)) == [
        "a@mastodon.social", "c@mastodon.social"]


def test_field_size_limit_is_restored() -> None:
    import csv

    before = csv.field_size_limit()
    read_csv(b"a,b\n1,2\n", max_field=10)
    assert csv.field_size_limit() == before


def test_row_cap() -> None:
    rows = "".join(f"u{i},@u{i}@mastodon.social\n" for i in range(60))
    result = read_csv(("handle,bio\n" + rows).encode(), max_rows=50)
    assert any("first 50 rows" in p for p in result.problems)
    assert len({s.account for s in result.sources}) == 50


def test_fifty_thousand_rows_stop_at_the_default_cap() -> None:
    rows = "".join(f"u{i},x\n" for i in range(50_000))
    result = read_csv(("handle,bio\n" + rows).encode())
    assert any("first 10,000 rows" in p for p in result.problems)
    assert len({s.account for s in result.sources}) == 10_000


def test_bad_rows_are_reported_not_fatal() -> None:
    data = (b"handle,bio\n"
            b"a,ok @a@mastodon.social\n"
            b"b,has\x00nul @b@mastodon.social\n"
            b"c,too,many,@c@mastodon.social\n"
            b"d\n"
            b"\n"
            b"e,\xff\xfe broken utf8 @e@mastodon.social\n")
    result = read_csv(data)
    text = " ".join(result.problems)
    assert "NUL" in text
    assert "4 fields instead of 2" in text
    assert "row 5: 1 field instead of 2;" in text  # the singular: "d" alone
    assert "not valid UTF-8" in text
    assert sorted(c.handle for c in extract_candidates(result.sources)) == [
        "a@mastodon.social", "c@mastodon.social", "e@mastodon.social"]


def test_formula_cells_in_input_are_just_text() -> None:
    result = read_csv(b'handle,bio\n=HYPERLINK("http://evil"),@f@mastodon.social\n')
    assert result.problems == []
    assert result.sources[0].account == '=HYPERLINK("http://evil")'


def test_text_lines() -> None:
    result = read_text("\ufeffone @a@mastodon.social\r\n\r\ntwo https://fosstodon.org/@b\n"
                       .encode())
    assert [s.field for s in result.sources] == ["line 1", "line 3"]
    assert sorted(c.handle for c in extract_candidates(result.sources)) == [
        "a@mastodon.social", "b@fosstodon.org"]


def test_text_line_cap() -> None:
    result = read_text(b"x\n" * 20, max_lines=5)
    assert len(result.sources) == 5
    assert result.problems


def test_load_input_dispatch(tmp_path: Path) -> None:
    csv_path = tmp_path / "people.csv"
    csv_path.write_bytes(b"handle,bio\nbob,@bob@mastodon.social\n")
    assert load_input(str(csv_path)).sources[0].account == "bob"
    txt = tmp_path / "notes.txt"
    txt.write_text("@c@mastodon.social\n", encoding="utf-8")
    assert load_input(str(txt)).sources[0].field == "line 1"
    assert load_input("-", stdin=io.BytesIO(b"@d@mastodon.social\n")).label == "standard input"
    archive = make_zip(tmp_path / "download", normal_members())  # no .zip suffix: sniffed
    scanned = load_input(str(archive))
    assert scanned.archive is not None
    handles = {c.handle for c in extract_candidates(scanned.sources)}
    assert handles == {"owner@mastodon.social", "alice@fosstodon.org", "bob@hachyderm.io"}
    assert all(c.source_account == "owner" and c.confidence < 0.9
               for c in extract_candidates(scanned.sources))


def test_load_input_errors(tmp_path: Path) -> None:
    with pytest.raises(ContactInputError, match="Could not read"):
        load_input(str(tmp_path / "missing.csv"))
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(ContactInputError, match="larger than"):
        load_input(str(big), max_bytes=1024)
