"""PKCE S256 and state (RFC 7636)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from fedidesk.core.auth.pkce import Pkce, make_challenge, make_state, make_verifier


def test_rfc7636_appendix_b_vector() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert make_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_generated_pair_is_consistent_and_random() -> None:
    first, second = Pkce.generate(), Pkce.generate()
    assert 43 <= len(first.verifier) <= 128
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", first.verifier)
    expected = base64.urlsafe_b64encode(hashlib.sha256(first.verifier.encode()).digest())
    assert first.challenge == expected.rstrip(b"=").decode()
    assert first.method == "S256"
    assert first.verifier != second.verifier
    assert first.state != second.state
    assert first.verifier not in repr(first)
    assert len(make_state()) >= 32


@pytest.mark.parametrize("length", [42, 129])
def test_verifier_length_is_bounded(length: int) -> None:
    with pytest.raises(ValueError, match="43-128"):
        make_verifier(length)


def test_verifier_bounds_accepted() -> None:
    assert len(make_verifier(43)) == 43
    assert len(make_verifier(128)) == 128
    with pytest.raises(ValueError, match="valid"):
        make_challenge("short")
