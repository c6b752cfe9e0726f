"""PKCE (RFC 7636, S256 only) and the anti-CSRF ``state`` value.

All randomness comes from :mod:`secrets`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field

VERIFIER_MIN = 43
VERIFIER_MAX = 128
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def make_verifier(length: int = 64) -> str:
    """A random code verifier of ``length`` (43–128) unreserved characters."""
    if not VERIFIER_MIN <= length <= VERIFIER_MAX:
        raise ValueError(f"a PKCE verifier has {VERIFIER_MIN}-{VERIFIER_MAX} characters")
    # token_urlsafe yields [A-Za-z0-9_-], a subset of the unreserved set; ~1.3 chars per byte.
    return secrets.token_urlsafe(length)[:length]


def make_challenge(verifier: str) -> str:
    """``BASE64URL-nopad(SHA256(verifier))``, the S256 code challenge."""
    if not VERIFIER_MIN <= len(verifier) <= VERIFIER_MAX or not set(verifier) <= _UNRESERVED:
        raise ValueError("not a valid PKCE verifier")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make_state() -> str:
    """A random, unguessable ``state`` value for one authorization request."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Pkce:
    """One login's verifier/challenge pair plus its ``state``."""

    verifier: str = field(repr=False)
    challenge: str
    state: str
    method: str = "S256"

    @classmethod
    def generate(cls) -> Pkce:
        verifier = make_verifier()
        return cls(verifier=verifier, challenge=make_challenge(verifier), state=make_state())
