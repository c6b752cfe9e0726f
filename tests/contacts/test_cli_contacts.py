"""``fedidesk contacts scan``, in-process."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from tests.contacts.archives import make_zip, normal_members

BIOS = ("handle,name,bio,url\r\n"
        "bob,Bob,\"I'm @bob@mastodon.social\",\r\n"
        "carol,Carol,mail carol@gmail.com,https://fosstodon.org/@carol\r\n")


def test_scan_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = tmp_path / "bios.csv"
    csv_path.write_text("\ufeff" + BIOS, encoding="utf-8")
    assert run(["contacts", "scan", str(csv_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["HANDLE", "FROM", "CONF", "REASON", "RESOLVED"]
    assert lines[1].startswith("bob@mastodon.social  @bob (bio)")
    assert lines[2].startswith("carol@fosstodon.org  @carol (url)")
    assert lines[1].endswith("-")
    assert len(lines) == 3


def test_scan_json_stdin_and_save_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("see https://hachyderm.io/@amy\nfoo@gmail.com\n"))
    out_csv = tmp_path / "following_accounts.csv"
    assert run(["contacts", "scan", "-", "--json", "--save-csv", str(out_csv)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [(d["handle"], d["source_field"], d["resolved"]) for d in data] == [
        ("amy@hachyderm.io", "line 1", None)]
    assert out_csv.read_text(encoding="utf-8") == (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "amy@hachyderm.io,true,false,\n")
    assert f"Wrote 1 account to {out_csv}." in captured.err

    # The file now exists: kept, unless the user says to replace it.
    out_csv.write_text("mine\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("see https://hachyderm.io/@amy\n"))
    assert run(["contacts", "scan", "-", "--save-csv", str(out_csv)]) == 1
    assert "--overwrite" in capsys.readouterr().err
    assert out_csv.read_text(encoding="utf-8") == "mine\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("see https://hachyderm.io/@amy\n"))
    assert run(["contacts", "scan", "-", "--save-csv", str(out_csv), "--overwrite"]) == 0
    assert "amy@hachyderm.io" in out_csv.read_text(encoding="utf-8")


def test_scan_archive_reports_a_summary(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    archive = make_zip(tmp_path / "twitter.zip", normal_members())
    assert run(["contacts", "scan", str(archive), "--min-confidence", "0.5"]) == 0
    captured = capsys.readouterr()
    assert "archive of @owner: follows 4 accounts (3 with a known screen name)" in captured.err
    handles = [line.split()[0] for line in captured.out.splitlines()[1:]]
    assert sorted(handles) == ["alice@fosstodon.org", "bob@hachyderm.io",
                               "owner@mastodon.social"]


def test_hostile_archive_fails_with_one_line(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    archive = make_zip(tmp_path / "evil.zip", {"../../evil.js": "x"})
    assert run(["contacts", "scan", str(archive)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("fedidesk: ") and "'..'" in err


def test_missing_file_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["contacts", "scan", str(tmp_path / "nope.csv")]) == 1
    assert capsys.readouterr().err.startswith("fedidesk: Could not read")
    assert run(["contacts"]) == 2
    assert run(["contacts", "scan"]) == 2


def test_bad_rows_are_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = tmp_path / "bios.csv"
    csv_path.write_bytes(b"handle,bio\na,@a@mastodon.social\nb,x\x00\n")
    assert run(["contacts", "scan", str(csv_path)]) == 0
    captured = capsys.readouterr()
    assert "NUL" in captured.err
    assert "a@mastodon.social" in captured.out


def test_scan_resolve_with_account(mock: MockServer, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("alice_token\n"))
    assert run(["login", mock.base_url, "--token-stdin"]) == 0
    handle = capsys.readouterr().out.split("Signed in as ")[1].strip().rstrip(".")
    text = tmp_path / "people.txt"
    text.write_text(f"@dave@remote.example\n@ghost@remote.example\nI am now @{handle}\n",
                    encoding="utf-8")
    out_csv = tmp_path / "f.csv"
    assert run(["contacts", "scan", str(text), "--resolve", "--account", handle, "--json",
                "--save-csv", str(out_csv)]) == 0
    data = {d["handle"]: d["resolved"] for d in json.loads(capsys.readouterr().out)}
    assert data["dave@remote.example"]["status"] == "found"
    assert data["dave@remote.example"]["account_id"]
    assert data["ghost@remote.example"]["status"] == "not_found"
    assert data[handle]["status"] == "yourself"
    assert out_csv.read_text(encoding="utf-8").splitlines()[1:] == [
        "dave@remote.example,true,false,"]
    assert run(["contacts", "scan", str(text), "--resolve", "--account", handle]) == 0
    table = capsys.readouterr().out
    assert "not found" in table and "not_found" not in table
    assert next(line for line in table.splitlines() if line.startswith(handle)).endswith("you")


def test_scan_resolve_unknown_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "people.txt"
    text.write_text("@dave@remote.example\n", encoding="utf-8")
    assert run(["contacts", "scan", str(text), "--resolve", "--account", "x@nowhere.social"]) == 1
    assert "No signed-in account" in capsys.readouterr().err


def test_scan_resolve_without_account_uses_webfinger(
        mock: MockServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from fedidesk.core.contacts.resolve import WebFinger

    monkeypatch.setattr("fedidesk.cli.contacts.WebFinger",
                        lambda: WebFinger(base_url_for=lambda host: mock.base_url))
    text = tmp_path / "people.txt"
    text.write_text("🐘 bob@127.0.0.1.nip.io\n", encoding="utf-8")
    assert run(["contacts", "scan", str(text), "--resolve"]) == 0
    captured = capsys.readouterr()
    assert "WebFinger only" in captured.err
    row = captured.out.splitlines()[1]
    assert row.startswith("bob@127.0.0.1.nip.io") and row.endswith("yes")
