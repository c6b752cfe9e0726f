"""The local authenticator: parsing table, verification with a fake clock, keyring-only seed."""

from __future__ import annotations

import logging
from pathlib import Path

import pyotp
import pytest

from fedidesk.core import totp
from fedidesk.core.redact import redact
from fedidesk.core.secrets import SecretStore, totp_key
from tests.helpers.keyrings import MemoryKeyring

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # 32 Base32 characters, as Mastodon issues
NOW = 1_773_100_000.0  # some instant in 2026
URI = ("otpauth://totp/mastodon.example:alice%40example.org?secret=" + SECRET
       + "&issuer=mastodon.example")


@pytest.mark.parametrize("text", [
    SECRET, SECRET.lower(), "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp", f"  {SECRET}\n",
    "JBSW-Y3DP-EHPK-3PXP-JBSW-Y3DP-EHPK-3PXP", SECRET + "====", URI,
    URI + "&algorithm=SHA1&digits=6&period=30", URI.replace("secret=" + SECRET,
                                                            "secret=" + SECRET.lower()),
])
def test_parse_good(text: str) -> None:
    parsed = totp.parse_secret(text)
    assert parsed.secret == SECRET
    assert SECRET not in repr(parsed)


def test_parse_uri_labels() -> None:
    parsed = totp.parse_secret(URI)
    assert parsed.issuer == "mastodon.example"
    assert parsed.account_name == "alice@example.org"


@pytest.mark.parametrize(("text", "why"), [
    ("", "empty"),
    ("JBSWY3DPEHPK3PX0", "Base32"),           # a zero
    ("JBSWY3DP", "too short"),
    ("https://example.org/?secret=" + SECRET, "otpauth"),
    ("otpauth://hotp/x?secret=" + SECRET + "&counter=1", "HOTP"),
    ("otpauth://totp/x?issuer=a", "no secret"),
    (URI + "&algorithm=SHA256", "SHA256"),
    (URI + "&digits=8", "8-digit"),
    (URI + "&period=60", "60 s"),
    ("otpauth://totp/x?secret=JBSWY3DP1", "Base32"),
])
def test_parse_bad(text: str, why: str) -> None:
    with pytest.raises(totp.TotpError) as err:
        totp.parse_secret(text)
    assert why in err.value.user_message


def test_current_code_and_seconds_left() -> None:
    code, left = totp.current_code(SECRET, NOW)
    assert code == pyotp.TOTP(SECRET).at(NOW)
    assert len(code) == 6 and 1 <= left <= 30
    assert left == 30 - int(NOW) % 30
    assert totp.current_code(SECRET, 1_773_099_990.0)[1] == 30  # at a step boundary


def test_verify_with_fake_clock() -> None:
    secret = totp.parse_secret(SECRET)
    now_code = pyotp.TOTP(SECRET).at(NOW)
    assert totp.verify(secret, now_code, NOW) == totp.VerifyResult(True, 0, "The code is correct.")
    assert totp.verify(secret, f"{now_code[:3]} {now_code[3:]}", NOW).ok
    previous = pyotp.TOTP(SECRET).at(NOW - 30)
    result = totp.verify(secret, previous, NOW)
    assert result.ok and result.drift_steps == -1 and not result.clock_off
    assert not totp.verify(secret, "12345", NOW).ok
    wrong = totp.verify(secret, str((int(now_code) + 1) % 1_000_000).zfill(6), NOW)
    assert not wrong.ok


def test_verify_detects_a_60_second_skew() -> None:
    # The phone is right; this computer's clock is 60 s behind.
    phone_code = pyotp.TOTP(SECRET).at(NOW + 60)
    result = totp.verify(SECRET, phone_code, NOW)
    assert not result.ok
    assert result.drift_steps == 2 and result.clock_offset_seconds == 60 and result.clock_off
    assert "about 60 s off" in result.message and "behind" in result.message
    ahead = totp.verify(SECRET, pyotp.TOTP(SECRET).at(NOW - 90), NOW)
    assert ahead.drift_steps == -3 and "ahead" in ahead.message
    # Far beyond the search range: simply wrong.
    assert totp.verify(SECRET, pyotp.TOTP(SECRET).at(NOW + 3600), NOW).drift_steps is None


def test_keyring_only_storage(memory_keyring: MemoryKeyring, profile_dir: Path,
                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = SecretStore.open()
    parsed = totp.parse_secret(URI)
    totp.store(secrets, "@Alice@Example.org", parsed)
    assert memory_keyring.store[("fedidesk", totp_key("alice@example.org"))] == SECRET
    loaded = totp.load(secrets, "alice@example.org")
    assert loaded is not None and loaded.secret == SECRET
    assert SECRET not in caplog.text  # fedidesk logged nothing about the seed
    assert redact(f"the seed is {SECRET}") == "the seed is [REDACTED]"  # registered
    if profile_dir.exists():
        for path in profile_dir.rglob("*"):
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path
    totp.forget(secrets, "alice@example.org")
    assert totp.load(secrets, "alice@example.org") is None
    totp.forget(secrets, "alice@example.org")  # missing is fine


def test_texts_and_settings_url() -> None:
    assert "same" in totp.WEAKER_WARNING and "recovery codes" in totp.RECOVERY_REMINDER
    assert totp.settings_url("https://mastodon.example/") == (
        "https://mastodon.example/settings/otp_authentication")
