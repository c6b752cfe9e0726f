"""The error hierarchy every layer above the network sees.

Each error carries a message a person can act on (``user_message``); technical detail stays
in ``detail`` for the log. Secrets never appear in either (see ``fedidesk.core.redact``).
"""

from __future__ import annotations

from fedidesk.core.i18n import N_, _


class FedideskError(Exception):
    """Base class of every error fedidesk raises on purpose."""

    user_message: str = N_("Something went wrong.")

    def __init__(self, user_message: str | None = None, *, detail: str = "") -> None:
        self.user_message = _(user_message if user_message is not None else type(self).user_message)
        self.detail = detail
        super().__init__(self.user_message if not detail else f"{self.user_message} ({detail})")


class ApiError(FedideskError):
    """The server answered with an error (4xx/5xx) we could not recover from."""

    user_message = N_("The server refused the request.")

    def __init__(
        self,
        user_message: str | None = None,
        *,
        status: int = 0,
        server_error: str = "",
        details: dict[str, object] | None = None,
        detail: str = "",
    ) -> None:
        self.status = status
        self.server_error = server_error
        self.details = details or {}
        super().__init__(user_message, detail=detail)


class AuthExpiredError(ApiError):
    """401: the token was revoked or is invalid. The account must sign in again."""

    user_message = N_("You have been signed out of this server. Please sign in again.")


class ForbiddenError(ApiError):
    """403: the token lacks a scope, or the action is not allowed for this account."""

    user_message = N_("The server does not allow this action for your account.")


class NotFoundError(ApiError):
    """404: the thing (or the whole endpoint) does not exist."""

    user_message = N_("The server could not find what was asked for.")


class NotSupportedError(ApiError):
    """The server does not implement this feature (404 HTML page, missing endpoint, old version)."""

    user_message = N_("This feature is not supported by this server.")


class ValidationError(ApiError):
    """422: the server rejected the input; ``details`` holds per-field errors when given."""

    user_message = N_("The server did not accept the input.")


class RateLimitedError(ApiError):
    """429 and we are not allowed to wait (or waited too long): try again after ``reset_at``."""

    user_message = N_("The server asks us to slow down. fedidesk will try again shortly.")

    def __init__(self, user_message: str | None = None, *, reset_at: float | None = None,
                 detail: str = "") -> None:
        self.reset_at = reset_at
        super().__init__(user_message, status=429, detail=detail)


class ServerUnavailableError(ApiError):
    """5xx after our retries, or a response that is not valid JSON."""

    user_message = N_("The server is having trouble right now. Try again in a few minutes.")


class NetworkError(FedideskError):
    """No answer at all: DNS, refused connection, TLS failure, timeout."""

    user_message = N_("Could not reach the server. Check your internet connection.")


class UncertainOutcomeError(NetworkError):
    """A non-idempotent request (e.g. a follow) got no answer: it may or may not have happened.

    It is never re-sent automatically; the caller reconciles (for a follow: read the
    relationship) before trying again.
    """

    user_message = N_(
        "The server did not answer in time, so fedidesk cannot tell whether the action "
        "went through. Check and try again."
    )


class InvalidAddressError(FedideskError):
    """What the person typed is not a server address (or handle) we can use."""

    user_message = N_(
        "That does not look like a server address. Try something like mastodon.social."
    )


class InsecureUrlError(FedideskError):
    """A non-https URL for a non-loopback host."""

    user_message = N_("fedidesk only talks to servers over https.")


class SecretStoreUnavailableError(FedideskError):
    """No working OS keyring; secrets cannot be stored permanently."""

    user_message = N_(
        "No working system keyring was found, so fedidesk cannot store your sign-in safely. "
        "You can continue in session-only mode: you will have to sign in again next time."
    )


class LoginError(FedideskError):
    """The login flow failed (denied, state mismatch, timeout, bad code)."""

    user_message = N_("Signing in did not work.")
