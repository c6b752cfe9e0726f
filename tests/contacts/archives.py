"""Build Twitter/X archive zips (normal and hostile) in a test's ``tmp_path``."""

from __future__ import annotations

import json
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def ytd(name: str, value: Any) -> str:
    """A member in the archive's own format: ``window.YTD.<name>.part0 = [...]``."""
    return f"window.YTD.{name}.part0 = {json.dumps(value, indent=2)}"


def make_zip(path: Path, members: dict[str, str | bytes],
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def intent(account_id: str) -> str:
    return f"https://twitter.com/intent/user?user_id={account_id}"


def tweet(tweet_id: str, text: str, *, mentions: Sequence[tuple[str, str]] = (),
          urls: Sequence[str] = (), reply_to: tuple[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id_str": tweet_id, "full_text": text,
        "entities": {
            "user_mentions": [{"id_str": i, "screen_name": n, "name": n.title()}
                              for i, n in mentions],
            "urls": [{"url": "https://t.co/x", "expanded_url": u} for u in urls],
        },
    }
    if reply_to is not None:
        body["in_reply_to_user_id_str"], body["in_reply_to_screen_name"] = reply_to
    return {"tweet": body}


def normal_members() -> dict[str, str | bytes]:
    """A small archive: owner, three followed accounts, one follower, two tweet files."""
    return {
        "data/manifest.js": 'window.__THAR_CONFIG = {"userInfo": {"accountId": "99", '
                            '"userName": "owner"}}',
        "data/account.js": ytd("account", [{"account": {
            "email": "owner@example.com", "username": "owner", "accountId": "99",
            "accountDisplayName": "Owner"}}]),
        "data/following.js": ytd("following", [
            {"following": {"accountId": "1", "userLink": intent("1")}},
            {"following": {"accountId": "2", "userLink": intent("2")}},
            {"following": {"accountId": "3", "userLink": "https://twitter.com/charlie"}},
            {"following": {"accountId": "4", "userLink": intent("4")}},
        ]),
        "data/follower.js": ytd("follower", [
            {"follower": {"accountId": "5", "userLink": "https://x.com/eve_5"}}]),
        "data/tweets.js": ytd("tweets", [
            tweet("100", "Moving! I'm @owner@mastodon.social now. @alice is at "
                  "@alice@fosstodon.org", mentions=[("1", "alice")]),
            tweet("101", "my email is owner@gmail.com", urls=["https://hachyderm.io/@bob"]),
        ]),
        "data/tweets-part1.js": ytd("tweets", [
            tweet("102", "@bobby thanks!", reply_to=("2", "bobby"), mentions=[("2", "bobby")]),
        ]),
        "data/tweets_media/100-abc.jpg": b"\xff\xd8\xff" + b"\x00" * 100,
        "Your archive.html": "<html>not read</html>",
    }


def _central_records(data: bytes) -> list[int]:
    """Offsets of every central directory record."""
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        offsets.append(found)
        start = found + 4
    return offsets


def patch_central(path: Path, index: int, *, header_offset: int | None = None,
                  file_size: int | None = None) -> None:
    """Rewrite fields of the ``index``-th central directory record (and the local header)."""
    data = bytearray(path.read_bytes())
    record = _central_records(bytes(data))[index]
    if header_offset is not None:
        struct.pack_into("<I", data, record + 42, header_offset)
    if file_size is not None:
        struct.pack_into("<I", data, record + 24, file_size)
        local = struct.unpack_from("<I", data, record + 42)[0]
        struct.pack_into("<I", data, local + 22, file_size)
    path.write_bytes(bytes(data))
