"""Creating an account from inside the app (``mastodon.md`` §2.6), without Qt.

The wizard checks the form locally (``check_username``, ``password_strength``,
``validate_form``), may ask whether a name is free (``username_available``), then calls
``sign_up``: fedidesk's app is registered (or reused from the ``AppStore``), an app token is
obtained with the ``client_credentials`` grant, and ``POST /api/v1/accounts`` creates the
account. The server's per-field ``details`` become human messages in ``SignupError``.

The user token in ``SignupResult`` is kept in memory only; once the e-mail is confirmed
(``confirmation_state``), ``complete_signup`` stores it in the keyring through
``AccountManager.add``. Nothing about the sign-up is written to the profile folder.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, NoReturn

import httpx

from fedidesk.core.accounts import AccountEntry, AccountManager
from fedidesk.core.api import MastodonApi, map_error
from fedidesk.core.auth.login import make_handle
from fedidesk.core.auth.oauth import (
    DEFAULT_REDIRECTS,
    SCOPES,
    AppStore,
    OAuthApp,
    OAuthClient,
    check_secure,
)
from fedidesk.core.entities import Account
from fedidesk.core.errors import (
    ApiError,
    FedideskError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    NotSupportedError,
    RateLimitedError,
    ValidationError,
)
from fedidesk.core.http import make_client
from fedidesk.core.i18n import N_, _
from fedidesk.core.probe import Registrations
from fedidesk.core.redact import register_secret

log = logging.getLogger("fedidesk.signup")

USERNAME_MAX = 30
PASSWORD_MIN = 8
PASSWORD_MAX = 72
SIGNUP_SCOPES = "read write:accounts"
_USERNAME_RE = re.compile(r"[A-Za-z0-9_]+")

Availability = Literal["available", "taken", "unknown"]
ConfirmationStatus = Literal["confirmed", "awaiting_email", "awaiting_approval", "disabled",
                             "unknown"]

# --- username -------------------------------------------------------------------------


def check_username(name: str) -> str | None:
    """A message when ``name`` is not a valid Mastodon username, else ``None``."""
    name = name.strip().lstrip("@")
    if not name:
        return _("Choose a username.")
    if len(name) > USERNAME_MAX:
        return _("A username can have at most {count} characters.").format(count=USERNAME_MAX)
    if not _USERNAME_RE.fullmatch(name):
        return _("Use only letters (a–z), digits and underscores (_).")
    return None


@asynccontextmanager
async def _client(client: httpx.AsyncClient | None) -> AsyncIterator[httpx.AsyncClient]:
    if client is not None:
        yield client
        return
    owned = make_client()
    try:
        yield owned
    finally:
        await owned.aclose()


async def username_available(base_url: str, name: str, *,
                             client: httpx.AsyncClient | None = None) -> Availability:
    """``available`` when ``GET /api/v1/accounts/lookup`` says 404, ``taken`` on 200.

    ``unknown`` when the server cannot tell us (limited federation mode answers 401,
    network trouble, an invalid name). Reserved names also look available here: the
    sign-up itself has the last word.
    """
    if check_username(name) is not None:
        return "unknown"
    base = check_secure(base_url.rstrip("/"))
    async with _client(client) as http:
        try:
            response = await http.get(f"{base}/api/v1/accounts/lookup",
                                      params={"acct": name.strip().lstrip("@")})
        except httpx.HTTPError:
            return "unknown"
    if response.status_code == 404:
        return "available"
    if response.status_code == 200:
        return "taken"
    return "unknown"


# --- password --------------------------------------------------------------------------

COMMON_PASSWORDS = frozenset({
    "123456", "123456789", "12345678", "1234567890", "12345", "1234567", "password",
    "password1", "password123", "qwerty", "qwerty123", "qwertyuiop", "abc123", "111111",
    "123123", "1234", "000000", "iloveyou", "admin", "welcome", "welcome1", "monkey",
    "dragon", "letmein", "football", "baseball", "sunshine", "princess", "master",
    "shadow", "superman", "trustno1", "passw0rd", "p@ssw0rd", "starwars", "whatever",
    "654321", "666666", "121212", "zaq12wsx", "1q2w3e4r", "1qaz2wsx", "asdfghjkl",
    "login", "hello123", "freedom", "mastodon", "fediverse", "changeme", "secret",
    "michael", "jennifer", "hunter2", "azerty", "11111111", "88888888",
})

STRENGTH_LABELS = (N_("Very weak"), N_("Weak"), N_("Fair"), N_("Good"), N_("Strong"))


@dataclass(frozen=True)
class Strength:
    """A rough, honest estimate: ``score`` 0–4, a ``label`` and ``hints`` to improve it."""

    score: int
    label: str
    hints: tuple[str, ...] = ()

    @property
    def acceptable(self) -> bool:
        """Long enough for Mastodon and not on the common list (score ≥ 1)."""
        return self.score >= 1


def _classes(pw: str) -> int:
    return sum((
        any(c.islower() for c in pw),
        any(c.isupper() for c in pw),
        any(c.isdigit() for c in pw),
        any(not c.isalnum() for c in pw),
    ))


def _mostly_repeated(pw: str) -> bool:
    if len(set(pw)) <= max(2, len(pw) // 4):
        return True
    return re.search(r"(.)\1{3,}", pw) is not None


def password_strength(pw: str) -> Strength:
    """Score a password by length, character classes, a common-password list and repeats.

    It does not pretend to measure entropy: it flags the obvious mistakes and rewards
    length, which matters most.
    """
    hints: list[str] = []
    if len(pw) < PASSWORD_MIN:
        return Strength(0, _(STRENGTH_LABELS[0]),
                        (_("Use at least {count} characters.").format(count=PASSWORD_MIN),))
    if len(pw) > PASSWORD_MAX:
        return Strength(0, _(STRENGTH_LABELS[0]),
                        (_("Use at most {count} characters.").format(count=PASSWORD_MAX),))
    if pw.lower() in COMMON_PASSWORDS or pw.lower().rstrip("0123456789!") in COMMON_PASSWORDS:
        return Strength(0, _(STRENGTH_LABELS[0]), (_("This is one of the most common passwords."),))
    if _mostly_repeated(pw):
        return Strength(0, _(STRENGTH_LABELS[0]), (_("Avoid repeating the same characters."),))
    score = 1
    if len(pw) >= 12:
        score += 1
    if len(pw) >= 16:
        score += 1
    if len(pw) >= 20:  # a passphrase of a few words is strong without symbols
        score += 1
    classes = _classes(pw)
    if classes >= 3:
        score += 1
    if len(pw) < 12:
        hints.append(_("Longer is better: 12 characters or more, or a few random words."))
    if classes < 3 and len(pw) < 16:
        hints.append(_("Mix lower and upper case letters, digits and symbols."))
    score = min(4, score)
    return Strength(score, _(STRENGTH_LABELS[score]), tuple(hints))


# --- the form ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupForm:
    """What the person typed. ``date_of_birth`` only where the server sets ``min_age``."""

    username: str
    email: str
    password: str = field(repr=False)
    agreement: bool = False
    locale: str = "en"
    reason: str = ""
    date_of_birth: date | None = None
    invite_code: str = ""
    time_zone: str = ""

    def to_params(self) -> dict[str, str]:
        """Form parameters for ``POST /api/v1/accounts``."""
        params = {"username": self.username.strip().lstrip("@"), "email": self.email.strip(),
                  "password": self.password, "agreement": "true" if self.agreement else "false",
                  "locale": self.locale or "en"}
        if self.reason.strip():
            params["reason"] = self.reason.strip()
        if self.date_of_birth is not None:
            params["date_of_birth"] = self.date_of_birth.isoformat()
        if self.invite_code.strip():
            params["invite_code"] = self.invite_code.strip()
        if self.time_zone:
            params["time_zone"] = self.time_zone
        return params


_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def age_on(born: date, today: date) -> int:
    """Whole years between ``born`` and ``today``."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def validate_form(form: SignupForm, registrations: Registrations | None = None, *,
                  today: date | None = None) -> dict[str, str]:
    """Per-field messages (keys are ``SignupForm`` field names); empty when all is well."""
    regs = registrations or Registrations(enabled=True)
    today = today or date.today()
    errors: dict[str, str] = {}
    if (message := check_username(form.username)) is not None:
        errors["username"] = message
    if not _EMAIL_RE.fullmatch(form.email.strip()):
        errors["email"] = _("Enter a valid e-mail address; the server sends a confirmation link.")
    strength = password_strength(form.password)
    if not strength.acceptable:
        errors["password"] = (strength.hints[0] if strength.hints
                              else _("Choose a stronger password."))
    if not form.agreement:
        errors["agreement"] = _("You need to accept the server's rules and terms to sign up.")
    if (regs.approval_required or regs.reason_required) and not form.reason.strip():
        errors["reason"] = _("This server reviews new accounts: tell the moderators why you "
                             "want to join.")
    if regs.min_age:
        if form.date_of_birth is None:
            errors["date_of_birth"] = _("This server asks for your date of birth.")
        elif form.date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth is in the future.")
        elif age_on(form.date_of_birth, today) < regs.min_age:
            errors["date_of_birth"] = _("You must be at least {age} years old to join this "
                                        "server.").format(age=regs.min_age)
    return errors


# --- server errors --------------------------------------------------------------------------

_FIELD_LABELS = {"username": N_("username"), "email": N_("e-mail address"),
                 "password": N_("password"), "agreement": N_("agreement"),
                 "reason": N_("reason"), "date_of_birth": N_("date of birth"),
                 "locale": N_("language"), "invite_code": N_("invite code")}

_CODE_MESSAGES: dict[str, str] = {
    "ERR_TAKEN": N_("This {label} is already taken."),
    "ERR_RESERVED": N_("This {label} is reserved on this server; pick another one."),
    "ERR_INVALID": N_("This {label} is not valid."),
    "ERR_BLOCKED": N_("This {label} is not allowed on this server."),
    "ERR_UNREACHABLE": N_("The {label} does not seem to exist (its mail server cannot be "
                          "reached)."),
    "ERR_TOO_LONG": N_("This {label} is too long."),
    "ERR_TOO_SHORT": N_("This {label} is too short."),
    "ERR_ACCEPTED": N_("You need to accept this to sign up."),
    "ERR_BLANK": N_("Fill in the {label}."),
    "ERR_INCLUSION": N_("This {label} is not one of the allowed values."),
    "ERR_BELOW_LIMIT": N_("This {label} is below the server's minimum."),
}

_SPECIFIC: dict[tuple[str, str], str] = {
    ("username", "ERR_TAKEN"): N_("This username is already taken; try another one."),
    ("email", "ERR_TAKEN"): N_("An account with this e-mail address already exists. Sign in "
                               "instead?"),
    ("email", "ERR_BLOCKED"): N_("This server does not accept sign-ups from this e-mail "
                                 "provider."),
    ("password", "ERR_TOO_SHORT"): N_("The password needs at least {count} characters."),
    ("password", "ERR_TOO_LONG"): N_("The password can have at most {count} characters."),
    ("username", "ERR_TOO_LONG"): N_("A username can have at most {count} characters."),
    ("agreement", "ERR_ACCEPTED"): N_("You need to accept the server's rules and terms."),
    ("date_of_birth", "ERR_BELOW_LIMIT"): N_("You are below the minimum age of this server."),
}


def field_messages(details: Mapping[str, object]) -> dict[str, str]:
    """Map Mastodon's ``details`` (``{field: [{"error": CODE, "description": …}]}``) to text.

    Unknown codes fall back to the server's own ``description``. Nested names such as
    ``account.username`` are reduced to their last part.
    """
    out: dict[str, str] = {}
    for raw_field, entries in details.items():
        name = str(raw_field).rsplit(".", 1)[-1]
        label = _(_FIELD_LABELS[name]) if name in _FIELD_LABELS else name.replace("_", " ")
        for entry in entries if isinstance(entries, list) else [entries]:
            code = str(entry.get("error", "")) if isinstance(entry, dict) else ""
            description = str(entry.get("description", "")) if isinstance(entry, dict) else ""
            specific = _SPECIFIC.get((name, code))
            count = {"password": PASSWORD_MIN if code == "ERR_TOO_SHORT" else PASSWORD_MAX,
                     "username": USERNAME_MAX}.get(name, 0)
            message = _(specific).format(count=count) if specific else (
                _(_CODE_MESSAGES[code]).format(label=label) if code in _CODE_MESSAGES else "")
            message = message or (
                _("The {label} {description}.").format(label=label, description=description)
                if description
                else _("The server did not accept this {label}.").format(label=label))
            if name not in out:
                out[name] = message
    return out


class SignupError(FedideskError):
    """The sign-up did not work. ``field_errors`` per form field; ``closed`` → pick a server."""

    user_message = N_("The account could not be created.")

    def __init__(self, user_message: str | None = None, *,
                 field_errors: Mapping[str, str] | None = None, closed: bool = False,
                 retry_after: float | None = None, detail: str = "") -> None:
        self.field_errors = dict(field_errors or {})
        self.closed = closed
        self.retry_after = retry_after
        super().__init__(user_message, detail=detail)


def closed_error(host: str, message: str | None = None) -> SignupError:
    """The error for a server that does not take sign-ups (from the app)."""
    extra = (" " + _("The server says: “{message}”").format(message=message.strip())
             if message and message.strip() else "")
    return SignupError(
        _("{host} is not accepting new accounts from apps right now.{extra} You can pick "
          "another server, or sign up on its website and then sign in.").format(
              host=host, extra=extra), closed=True,
        detail="registrations closed")


# --- sign-up --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupResult:
    """The new account's token (kept in memory until confirmed) and what is still pending."""

    token: str = field(repr=False)
    confirmation_pending: bool = True
    approval_pending: bool = False
    base_url: str = ""
    scope: str = ""


async def app_token(base_url: str, *, apps: AppStore | None = None,
                    client: httpx.AsyncClient | None = None,
                    scopes: str = SIGNUP_SCOPES) -> tuple[OAuthApp, str]:
    """Register fedidesk (or reuse the stored app) and get a ``client_credentials`` token."""
    base = check_secure(base_url.rstrip("/"))
    async with _client(client) as http:
        app = apps.get(base) if apps is not None else None
        if app is None:
            app = await OAuthClient(http).register_app(base, DEFAULT_REDIRECTS, SCOPES)
            if apps is not None:
                apps.put(app)
        form = {"grant_type": "client_credentials", "client_id": app.client_id,
                "client_secret": app.client_secret, "scope": scopes}
        try:
            response = await http.post(f"{base}/oauth/token", data=form)
        except httpx.HTTPError as exc:
            raise NetworkError(detail=type(exc).__name__) from exc
    data: Any = None
    try:
        data = response.json()
    except ValueError:
        pass
    token = data.get("access_token") if isinstance(data, dict) else None
    if response.status_code >= 400 or not isinstance(token, str) or not token:
        raise SignupError(_("The server did not let fedidesk start a sign-up."),
                          detail=f"client_credentials answered HTTP {response.status_code}")
    register_secret(token)
    return app, token


def _host(base_url: str) -> str:
    return base_url.split("://", 1)[-1].split("/", 1)[0]


async def sign_up(base_url: str, form: SignupForm, *,
                  registrations: Registrations | None = None,
                  apps: AppStore | None = None,
                  client: httpx.AsyncClient | None = None) -> SignupResult:
    """Create the account; raises ``SignupError`` (``field_errors``, ``closed``) when refused.

    ``registrations`` (from ``probe_server``) lets closed servers fail before any request
    and tells whether approval is pending. ``apps`` reuses or keeps the app registration
    (the confirmation e-mail can only be re-sent by the app that created the account).
    """
    base = check_secure(base_url.rstrip("/"))
    if registrations is not None and not registrations.enabled:
        raise closed_error(_host(base), registrations.message)
    if registrations is not None and (local := validate_form(form, registrations)):
        raise SignupError(_("Please check the highlighted fields."), field_errors=local)
    register_secret(form.password)
    async with _client(client) as http:
        _app, token = await app_token(base, apps=apps, client=http)
        # Sent once, straight through httpx: no automatic waits or re-sends (5 sign-ups
        # per 30 minutes per IP; a blind re-POST could create the account twice).
        try:
            response = await http.post(f"{base}/api/v1/accounts", data=form.to_params(),
                                       headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            raise SignupError(
                _("{host} did not answer, so fedidesk cannot tell whether the account "
                  "was created. Check your e-mail for a confirmation message before trying "
                  "again.").format(host=_host(base)), detail=type(exc).__name__) from exc
    if not response.is_success:
        _raise_signup_error(base, map_error(response))
    try:
        data = response.json()
    except ValueError:
        data = None
    user_token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(user_token, str) or not user_token:
        raise SignupError(_("The server created no sign-in for the new account."),
                          detail="no access_token in the answer")
    register_secret(user_token)
    log.info("Created an account on %s (confirmation pending)", _host(base))
    return SignupResult(user_token, confirmation_pending=True,
                        approval_pending=bool(registrations and registrations.approval_required),
                        base_url=base, scope=str(data.get("scope", "")))


def _raise_signup_error(base: str, exc: ApiError) -> NoReturn:
    if isinstance(exc, ValidationError):
        fields = field_messages(exc.details)
        raise SignupError(_("The server did not accept some of the details.")
                          if fields else exc.user_message,
                          field_errors=fields, detail=exc.detail) from exc
    if isinstance(exc, ForbiddenError):
        raise closed_error(_host(base), exc.server_error) from exc
    if isinstance(exc, RateLimitedError):
        raise SignupError(_("Too many sign-ups from your network in a short time. Try again "
                            "in about 30 minutes."), retry_after=exc.reset_at,
                          detail=exc.detail) from exc
    if isinstance(exc, NotFoundError | NotSupportedError):
        raise SignupError(_("{host} does not support signing up from an app. Sign up "
                            "on its website, then sign in.").format(host=_host(base)),
                          detail=exc.detail) from exc
    raise SignupError(exc.user_message, detail=exc.detail) from exc


async def resend_confirmation(base_url: str, token: str, email: str | None = None, *,
                              client: httpx.AsyncClient | None = None) -> None:
    """``POST /api/v1/emails/confirmations`` (optionally to a corrected ``email``)."""
    async with _client(client) as http:
        api = MastodonApi(base_url, token, client=http)
        try:
            await api.request("POST", "/api/v1/emails/confirmations",
                              data={"email": email.strip()} if email else None)
        except ValidationError as exc:
            fields = field_messages(exc.details)
            raise SignupError(fields.get("email", exc.user_message), field_errors=fields,
                              detail=exc.detail) from exc
        except ForbiddenError as exc:
            raise SignupError(_("The e-mail is already confirmed, or this server only lets "
                                "the app that created the account resend it."),
                              detail=exc.detail) from exc
        finally:
            await api.aclose()


@dataclass(frozen=True)
class ConfirmationState:
    """Result of "check again": ``status`` and, once confirmed, the account."""

    status: ConfirmationStatus
    message: str = ""
    account: Account | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


def _forbidden_status(text: str) -> ConfirmationState:
    low = text.lower()
    if "confirmed e-mail" in low or "confirmed email" in low:
        return ConfirmationState("awaiting_email", _("Open the link in the e-mail the server "
                                                     "sent, then check again."))
    if "pending approval" in low:
        return ConfirmationState("awaiting_approval", _(
            "The moderators have not approved the account yet. You will get an e-mail when "
            "they do."))
    if "disabled" in low:
        return ConfirmationState("disabled", _("This account is disabled on the server."))
    return ConfirmationState("unknown", text or _("The server did not say."))


async def confirmation_state(base_url: str, token: str, *,
                             client: httpx.AsyncClient | None = None) -> ConfirmationState:
    """``verify_credentials``: 200 → confirmed, 403 "…missing a confirmed e-mail…" → waiting."""
    async with _client(client) as http:
        api = MastodonApi(base_url, token, client=http)
        try:
            account = await api.verify_credentials()
        except ForbiddenError as exc:
            return _forbidden_status(exc.server_error)
        except ApiError as exc:
            return ConfirmationState("unknown", exc.user_message)
        finally:
            await api.aclose()
    return ConfirmationState("confirmed", "", account)


async def complete_signup(accounts: AccountManager, result: SignupResult, *,
                          client: httpx.AsyncClient | None = None) -> AccountEntry:
    """Once confirmed, store the token in the keyring (``AccountManager.add``) and the account.

    Raises ``SignupError`` while the e-mail is not confirmed (nothing is stored then).
    """
    state = await confirmation_state(result.base_url, result.token, client=client)
    if not state.confirmed or state.account is None:
        raise SignupError(state.message or _("The account is not ready yet."),
                          detail=f"confirmation state {state.status}")
    account = state.account
    entry = AccountEntry(handle=make_handle(account, result.base_url), base_url=result.base_url,
                         account_id=account.id, display_name=account.display_name,
                         avatar=account.avatar, acct=account.acct,
                         scopes=tuple((result.scope or SCOPES).split()))
    return accounts.add(entry, result.token)


__all__ = ["COMMON_PASSWORDS", "ConfirmationState", "SignupError", "SignupForm",
           "SignupResult", "Strength", "app_token", "check_username", "complete_signup",
           "confirmation_state", "field_messages", "password_strength", "resend_confirmation",
           "sign_up", "username_available", "validate_form"]
