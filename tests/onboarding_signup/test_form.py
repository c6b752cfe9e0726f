"""Local checks: username format, password strength table, form validation (age, reason)."""

from __future__ import annotations

from datetime import date

import pytest

from fedidesk.core.probe import Registrations
from fedidesk.core.signup import (
    SignupForm,
    age_on,
    check_username,
    field_messages,
    password_strength,
    validate_form,
)

TODAY = date(2026, 3, 10)
OPEN = Registrations(enabled=True)


@pytest.mark.parametrize(("name", "ok"), [
    ("alice", True), ("Alice_99", True), ("_", True), ("a" * 30, True),
    ("a" * 31, False), ("", False), ("al ice", False), ("alice.b", False), ("ålice", False),
    ("alice-b", False), ("@bob", True),
])
def test_check_username(name: str, ok: bool) -> None:
    assert (check_username(name) is None) is ok


@pytest.mark.parametrize(("pw", "score"), [
    ("short", 0),                       # under 8
    ("x" * 73, 0),                      # over 72
    ("password", 0), ("Password1", 0), ("qwerty123", 0), ("mastodon", 0),  # common
    ("aaaaaaaaaaaa", 0), ("abababababab", 0),  # repeated
    ("kettle49", 1),                    # 8 chars, two classes
    ("Kettle#49", 2),                   # three classes
    ("kettlesunrise", 2),               # 13 chars, one class
    ("Kettle#49sunrise", 4),            # 16, three classes
    ("correct horse battery staple", 4),
])
def test_password_strength_table(pw: str, score: int) -> None:
    strength = password_strength(pw)
    assert strength.score == score, strength
    assert strength.label
    if score < 4:
        assert strength.hints


def _form(**kw: object) -> SignupForm:
    base: dict[str, object] = {"username": "newbie", "email": "new@example.org",
                               "password": "Kettle#49sunrise", "agreement": True}
    base.update(kw)
    return SignupForm(**base)  # type: ignore[arg-type]


def test_valid_form_has_no_errors() -> None:
    assert validate_form(_form(), OPEN, today=TODAY) == {}


def test_form_errors_per_field() -> None:
    errors = validate_form(_form(username="bad name", email="nope", password="password",
                                 agreement=False), OPEN, today=TODAY)
    assert set(errors) == {"username", "email", "password", "agreement"}
    assert "common" in errors["password"]


def test_reason_required_with_approval() -> None:
    regs = Registrations(enabled=True, approval_required=True)
    assert "reason" in validate_form(_form(), regs, today=TODAY)
    assert validate_form(_form(reason="I write Python"), regs, today=TODAY) == {}


def test_min_age() -> None:
    regs = Registrations(enabled=True, min_age=16)
    assert "date of birth" in validate_form(_form(), regs, today=TODAY)["date_of_birth"]
    young = validate_form(_form(date_of_birth=date(2010, 3, 11)), regs, today=TODAY)
    assert "16" in young["date_of_birth"]
    assert validate_form(_form(date_of_birth=date(2010, 3, 10)), regs, today=TODAY) == {}
    future = validate_form(_form(date_of_birth=date(2027, 1, 1)), regs, today=TODAY)
    assert "future" in future["date_of_birth"]
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25


def test_form_params() -> None:
    params = _form(date_of_birth=date(2000, 1, 2), reason=" hi ").to_params()
    assert params["agreement"] == "true"
    assert params["date_of_birth"] == "2000-01-02"
    assert params["reason"] == "hi"
    assert "Kettle" not in repr(_form())


def test_details_mapping() -> None:
    details = {
        "username": [{"error": "ERR_TAKEN", "description": "is already taken"}],
        "email": [{"error": "ERR_UNREACHABLE", "description": "x"}],
        "password": [{"error": "ERR_TOO_SHORT"}],
        "agreement": [{"error": "ERR_ACCEPTED"}],
        "account.locale": [{"error": "ERR_INCLUSION"}],
        "reason": [{"error": "ERR_SOMETHING_NEW", "description": "is odd"}],
        "date_of_birth": [{"error": "ERR_BELOW_LIMIT"}],
    }
    messages = field_messages(details)
    assert "already taken" in messages["username"]
    assert "mail server" in messages["email"]
    assert "at least 8" in messages["password"]
    assert "accept" in messages["agreement"]
    assert "allowed values" in messages["locale"]
    assert messages["reason"] == "The reason is odd."
    assert "minimum age" in messages["date_of_birth"]
    assert field_messages({"username": [{"error": "ERR_RESERVED"}]})["username"].startswith(
        "This username is reserved")
    assert "e-mail provider" in field_messages({"email": [{"error": "ERR_BLOCKED"}]})["email"]
    assert "not allowed" in field_messages({"username": [{"error": "ERR_BLOCKED"}]})["username"]
