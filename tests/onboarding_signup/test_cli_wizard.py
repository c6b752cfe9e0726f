"""``fedidesk totp check`` and ``fedidesk hashtags suggest``."""

from __future__ import annotations

import json

import pyotp
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from fedidesk.core.accounts import AccountEntry, AccountManager
from tests.helpers.mockserver import token_for

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_totp_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["totp", "check", SECRET.lower()]) == 0
    out = capsys.readouterr().out
    assert "Valid TOTP secret" in out and "Current code" in out and SECRET not in out
    assert run(["totp", "check", SECRET, "--code", pyotp.TOTP(SECRET).now()]) == 0
    assert run(["totp", "check", f"otpauth://totp/x?secret={SECRET}&period=60"]) == 1
    assert "60 s" in capsys.readouterr().err


def test_hashtags_suggest_json(mock: MockServer, accounts: AccountManager,
                               capsys: pytest.CaptureFixture[str]) -> None:
    entry = AccountEntry(handle="alice@mock", base_url=mock.base_url, account_id="1")
    accounts.add(entry, token_for(mock, "alice"))
    accounts.set_default("alice@mock")
    assert run(["hashtags", "suggest", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"name", "uses_7d", "accounts_7d", "source", "following"} <= set(data[0])
    assert any(d["source"] == "Python" for d in data)
