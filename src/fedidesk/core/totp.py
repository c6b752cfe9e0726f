"""An optional authenticator on this computer (``mastodon.md`` §3), without Qt.

Mastodon has no API for two-factor authentication: setup happens on the server's web pages
(``settings_url``). If the person wants fedidesk to show codes too, they paste the plain
secret or the ``otpauth://`` URI; ``parse_secret`` accepts only what Mastodon issues (TOTP,
SHA-1, 6 digits, 30 s). The seed lives **only** in the keyring (``store``/``load``/``forget``
under ``totp_key``), is registered for log redaction, and never appears in a ``repr``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.redact import register_secret
from fedidesk.core.secrets import SecretStore, totp_key

DIGITS = 6
PERIOD = 30
ALGORITHM = "SHA1"
#: pyotp refuses shorter seeds (NIST SP 800-63B: 112 bits); Mastodon issues 160 bits (32
#: characters). An 80-bit seed (16 characters) comes from another service, not Mastodon.
MIN_SECRET_BITS = pyotp.OTP.min_secret_length_bits
MIN_SECRET_CHARS = -(-MIN_SECRET_BITS // 5)  # 23 Base32 characters hold 112 bits
DEFAULT_WINDOW = 1  # ±30 s, as Mastodon (otp_allowed_drift 30)
DRIFT_SEARCH = 10  # look up to ±5 min for a clock that is off

WEAKER_WARNING = N_(
    "Keeping the second factor on the same computer you sign in from is weaker than using "
    "a separate device: anyone who gets into this computer gets both factors. Prefer an "
    "authenticator app on your phone, and use this only as a backup."
)
RECOVERY_REMINDER = N_(
    "Save your recovery codes now: the server shows them only once, right after you enable "
    "two-factor authentication. Write them down or keep them in a password manager, away "
    "from this computer. Each code works once; without them, losing the authenticator can "
    "lock you out of your account."
)

_B32 = re.compile(r"[A-Z2-7]+=*")


class TotpError(FedideskError):
    """The secret or URI cannot be used; ``user_message`` says why."""

    user_message = N_("This is not a usable two-factor secret.")


@dataclass(frozen=True)
class TotpSecret:
    """A normalised Base32 seed (never in ``repr``) and the labels from the URI, if any."""

    secret: str = field(repr=False)
    issuer: str = ""
    account_name: str = ""

    def totp(self) -> pyotp.TOTP:
        """The code generator; ``TotpError`` (never pyotp's ``ValueError``) for a bad seed."""
        try:
            return pyotp.TOTP(self.secret, digits=DIGITS, interval=PERIOD)
        except (binascii.Error, ValueError) as exc:
            raise TotpError(detail=type(exc).__name__) from exc


def normalise_base32(text: str) -> str:
    """Uppercase, without spaces, dashes or padding; ``TotpError`` when it is not Base32."""
    cleaned = re.sub(r"[\s-]+", "", text).upper().rstrip("=")
    if not cleaned:
        raise TotpError(_("The secret is empty."))
    if not _B32.fullmatch(cleaned):
        raise TotpError(_("The secret may only contain the letters A–Z and the digits 2–7 "
                          "(Base32). Check for 0/O and 1/I/L mix-ups."))
    if len(cleaned) < MIN_SECRET_CHARS:
        raise _too_short(len(cleaned))
    try:
        decoded = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as exc:
        raise TotpError(_("The secret is not valid Base32 (a character is missing or extra)."),
                        detail=type(exc).__name__) from exc
    if len(decoded) * 8 < MIN_SECRET_BITS:
        raise _too_short(len(cleaned))
    return cleaned


def _too_short(length: int) -> TotpError:
    return TotpError(ngettext("The secret is too short ({n} character); Mastodon gives 32.",
                              "The secret is too short ({n} characters); Mastodon gives 32.",
                              length).format(n=length), detail=f"minimum {MIN_SECRET_BITS} bits")


def _param(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0].strip() if values else None


def _parse_uri(text: str) -> TotpSecret:
    parts = urlsplit(text)
    if parts.scheme.lower() != "otpauth":
        raise TotpError(_("Paste the plain secret or an otpauth:// address."))
    kind = parts.netloc.lower()
    if kind == "hotp":
        raise TotpError(_("This is a counter-based (HOTP) code; Mastodon uses time-based codes "
                          "(TOTP)."))
    if kind != "totp":
        raise TotpError(_("This otpauth address is not for time-based codes (TOTP)."))
    params = parse_qs(parts.query)
    secret = _param(params, "secret")
    if not secret:
        raise TotpError(_("The otpauth address has no secret in it."))
    algorithm = (_param(params, "algorithm") or ALGORITHM).upper().replace("-", "")
    if algorithm != ALGORITHM:
        raise TotpError(_("This secret uses {algorithm}; Mastodon uses SHA1, so its codes "
                          "would not match.").format(algorithm=algorithm))
    digits = _param(params, "digits") or str(DIGITS)
    if digits != str(DIGITS):
        raise TotpError(_("This secret makes {digits}-digit codes; Mastodon expects {expected}.")
                        .format(digits=digits, expected=DIGITS))
    period = _param(params, "period") or str(PERIOD)
    if period != str(PERIOD):
        raise TotpError(_("This secret changes every {period} s; Mastodon expects {expected} s.")
                        .format(period=period, expected=PERIOD))
    label = unquote(parts.path.lstrip("/"))
    label_issuer, _sep, account_name = label.rpartition(":")
    issuer = _param(params, "issuer") or label_issuer
    return TotpSecret(normalise_base32(secret), issuer.strip(), account_name.strip())


def parse_secret(text: str) -> TotpSecret:
    """A plain Base32 secret (spaces, dashes, lower case tolerated) or an ``otpauth://`` URI."""
    text = text.strip()
    register_secret(text)
    if "://" in text or text.lower().startswith("otpauth:"):
        parsed = _parse_uri(text)
    else:
        parsed = TotpSecret(normalise_base32(text))
    register_secret(parsed.secret)
    return parsed


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` when the code is valid now (±``window`` steps); ``drift_steps`` where it matched.

    ``drift_steps`` is ``None`` when the code matched nowhere; positive means the code belongs
    to a later time than this computer's clock (this clock is behind).
    """

    ok: bool
    drift_steps: int | None = None
    message: str = ""

    @property
    def clock_offset_seconds(self) -> int | None:
        return None if self.drift_steps is None else self.drift_steps * PERIOD

    @property
    def clock_off(self) -> bool:
        """The code only matches far enough away that this computer's clock must be off."""
        return self.drift_steps is not None and abs(self.drift_steps) > DEFAULT_WINDOW


def _clock_message(steps: int) -> str:
    seconds = abs(steps) * PERIOD
    if steps > 0:
        text = _("The code is right, but your computer's clock is about {seconds} s off (behind"
                 " of the device that made the code). Turn on automatic time setting, then try "
                 "again; codes shown by fedidesk would otherwise be refused.")
    else:
        text = _("The code is right, but your computer's clock is about {seconds} s off (ahead"
                 " of the device that made the code). Turn on automatic time setting, then try "
                 "again; codes shown by fedidesk would otherwise be refused.")
    return text.format(seconds=seconds)


def _secret_of(secret: TotpSecret | str) -> TotpSecret:
    return secret if isinstance(secret, TotpSecret) else parse_secret(secret)


def verify(secret: TotpSecret | str, code: str, now: float | None = None, *,
           window: int = DEFAULT_WINDOW, search: int = DRIFT_SEARCH) -> VerifyResult:
    """Check ``code`` at ``now`` ±``window`` steps; further out, detect a clock that is off."""
    digits = re.sub(r"\s+", "", code)
    if not re.fullmatch(rf"\d{{{DIGITS}}}", digits):
        return VerifyResult(False, None, _("A code has {n} digits.").format(n=DIGITS))
    totp = _secret_of(secret).totp()
    moment = time.time() if now is None else now
    offsets = sorted(range(-search, search + 1), key=lambda k: (abs(k), -k))
    for steps in offsets:
        if hmac.compare_digest(totp.at(moment + steps * PERIOD), digits):
            if abs(steps) <= window:
                return VerifyResult(True, steps, _("The code is correct."))
            return VerifyResult(False, steps, _clock_message(steps))
    return VerifyResult(False, None, _("The code does not match this secret. Check that you "
                                       "copied the whole secret and typed the current code."))


def current_code(secret: TotpSecret | str, now: float | None = None) -> tuple[str, int]:
    """The code for ``now`` and the whole seconds it stays valid (1–30)."""
    moment = time.time() if now is None else now
    seconds_left = PERIOD - int(moment) % PERIOD
    return _secret_of(secret).totp().at(moment), seconds_left


def store(secrets: SecretStore, account: str, secret: TotpSecret) -> None:
    """Keep the seed in the keyring under ``totp_key(account)`` (and nowhere else)."""
    register_secret(secret.secret)
    secrets.set(totp_key(_account(account)), secret.secret)


def load(secrets: SecretStore, account: str) -> TotpSecret | None:
    """The stored seed of ``account``, or ``None``."""
    value = secrets.get(totp_key(_account(account)))
    if not value:
        return None
    try:
        return TotpSecret(normalise_base32(value))
    except TotpError:
        return None


def forget(secrets: SecretStore, account: str) -> None:
    """Delete the stored seed (missing is fine)."""
    secrets.delete(totp_key(_account(account)))


def settings_url(base_url: str) -> str:
    """The server's page where two-factor authentication is set up."""
    return f"{base_url.rstrip('/')}/settings/otp_authentication"


def _account(account: str) -> str:
    return account.strip().lstrip("@").lower()


__all__ = ["RECOVERY_REMINDER", "WEAKER_WARNING", "TotpError", "TotpSecret", "VerifyResult",
           "current_code", "forget", "load", "parse_secret", "settings_url", "store", "verify"]
