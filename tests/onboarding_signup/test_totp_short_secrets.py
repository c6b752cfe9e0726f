"""Seeds below pyotp's 112-bit floor are refused with a clear message, never a traceback.

QA pass 4: a 16-character (80-bit) seed passed ``parse_secret`` and then crashed in pyotp
(``ValueError: Secrets must be at least 112 bits``) in ``totp check`` and in the wizard.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pyotp
import pytest
from pytestqt.qtbot import QtBot

from fedidesk.cli.main import run
from fedidesk.core import totp
from fedidesk.core.errors import FedideskError
from fedidesk.ui.wizard.base import Shared
from fedidesk.ui.wizard.totpbox import AuthenticatorBox

SHORT = "JBSWY3DPEHPK3PXP"  # 16 characters, 80 bits: common elsewhere, below pyotp's floor
SHORTEST_USABLE = "JBSWY3DPEHPK3PXPJBSWY3D"  # 23 characters decode to 112 bits


def test_the_floor_is_pyotps() -> None:
    assert pyotp.OTP.min_secret_length_bits == totp.MIN_SECRET_BITS
    assert totp.MIN_SECRET_CHARS * 5 >= totp.MIN_SECRET_BITS
    assert (totp.MIN_SECRET_CHARS - 1) * 5 < totp.MIN_SECRET_BITS


@pytest.mark.parametrize("text", [
    SHORT, SHORT.lower(), f"otpauth://totp/x?secret={SHORT}", SHORTEST_USABLE[:-1]])
def test_short_seed_is_refused_when_parsed(text: str) -> None:
    with pytest.raises(totp.TotpError) as err:
        totp.parse_secret(text)
    assert "too short" in err.value.user_message


def test_shortest_usable_seed_works() -> None:
    parsed = totp.parse_secret(SHORTEST_USABLE)
    code, _left = totp.current_code(parsed, 1_773_100_000.0)
    assert code == pyotp.TOTP(SHORTEST_USABLE).at(1_773_100_000.0)


def test_unvalidated_short_seed_raises_a_fedidesk_error() -> None:
    short = totp.TotpSecret(SHORT)  # e.g. built directly, bypassing parse_secret
    with pytest.raises(FedideskError):
        totp.current_code(short)
    with pytest.raises(FedideskError):
        totp.verify(short, "123456")


@pytest.mark.parametrize("argv", [
    ["totp", "check", SHORT],
    ["totp", "check", SHORT, "--code", "123456"],
    ["totp", "check", f"otpauth://totp/x?secret={SHORT}"],
])
def test_cli_refuses_short_seed_in_one_line(argv: list[str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 1
    captured = capsys.readouterr()
    assert "Valid TOTP secret" not in captured.out
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("fedidesk: The secret is too short (16 characters)")
    assert SHORT not in captured.err


def _box(qtbot: QtBot) -> AuthenticatorBox:
    shared = cast(Shared, SimpleNamespace(state=SimpleNamespace(handle=""), ctx=None))
    box = AuthenticatorBox(shared)
    qtbot.addWidget(box)
    return box


def test_wizard_box_reports_short_seed(qtbot: QtBot) -> None:
    box = _box(qtbot)
    box.secret_edit.setText(SHORT)
    box.code_edit.setText("123456")
    box.verify()
    assert "too short" in box.result.text()
    assert box.secret is None


def test_wizard_box_tick_survives_an_unusable_seed(qtbot: QtBot) -> None:
    box = _box(qtbot)
    box.secret = totp.TotpSecret(SHORT)
    box.tick()
    assert box.secret is None
    assert not box.timer.isActive()
    assert box.result.text()


def test_totp_check_needs_no_keyring(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing is stored, so a machine without a keyring can still check a secret."""
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    keyring.set_keyring(fail.Keyring())
    secret = pyotp.random_base32(32)
    assert run(["totp", "check", secret, "--code", pyotp.TOTP(secret).now()]) == 0
    out = capsys.readouterr()
    assert "Valid TOTP secret" in out.out and "keyring" not in out.err.lower()
