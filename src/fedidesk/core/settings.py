"""User settings: one declared schema, a JSON file, change notifications.

Every setting has a name, type, default and description in ``SCHEMA``; unknown or mistyped
values in the file are ignored (and logged) rather than crashing the app. Account entries
hold only non-secret metadata; tokens live in the keyring (``fedidesk.core.secrets``).
Writes are atomic (temporary file + rename).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fedidesk.core.i18n import N_

log = logging.getLogger("fedidesk.settings")


@dataclass(frozen=True)
class Option:
    """One declared setting."""

    name: str
    type: type
    default: Any
    description: str


SCHEMA: dict[str, Option] = {
    o.name: o
    for o in (
        Option("appearance.theme", str, "system", N_("Colour scheme: system, light or dark.")),
        Option("appearance.font_scale", float, 1.0, N_("Text size relative to the system font.")),
        Option("appearance.reduce_motion", bool, False, N_("Turn off animations.")),
        Option("privacy.load_remote_media", str, "always",
               N_("Load remote images: always, on-click.")),
        Option("notifications.desktop", bool, False, N_("Show desktop notifications.")),
        Option("notifications.types", list, ["mention", "follow"],
               "Notification types that pop up on the desktop."),
        Option("network.timeout_s", float, 20.0, N_("Seconds before a request is given up.")),
        Option("general.language", str, "system",
               N_("Interface language: system, en, de, fr, es or ja (applies after a restart).")),
        Option("general.close_to_tray", bool, False,
               N_("Closing the window keeps fedidesk in the tray.")),
        Option("general.confirm_boost", bool, False, N_("Ask before boosting.")),
        Option("deck.columns", list, [], N_("The deck's columns, left to right.")),
        Option("window.geometry", str, "", N_("Saved main-window geometry (base64).")),
        Option("window.state", str, "", N_("Saved main-window state (base64).")),
    )
}


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Settings:
    """Typed access to the settings file, plus non-secret account metadata.

    Listeners registered with ``on_change`` get ``(name, value)`` after each change.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self._accounts: list[dict[str, Any]] = []
        self._default_account: str | None = None
        self._listeners: list[Callable[[str, Any], None]] = []
        self.load()

    def load(self) -> None:
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            backup = self.path.with_suffix(".broken.json")
            log.error("Settings file unreadable (%s); kept a copy at %s", exc, backup)
            try:
                os.replace(self.path, backup)
            except OSError:
                pass
            return
        if not isinstance(data, dict):
            return
        for name, value in (data.get("values") or {}).items():
            option = SCHEMA.get(name)
            if option is None:
                log.warning("Ignoring unknown setting %r", name)
            elif _type_ok(option, value):
                self._values[name] = value
            else:
                log.warning("Ignoring setting %r with a value of the wrong type", name)
        accounts = data.get("accounts")
        if isinstance(accounts, list):
            self._accounts = [a for a in accounts if isinstance(a, dict) and "handle" in a]
        default = data.get("default_account")
        self._default_account = default if isinstance(default, str) else None

    def save(self) -> None:
        payload = {
            "version": 1,
            "values": self._values,
            "accounts": self._accounts,
            "default_account": self._default_account,
        }
        _atomic_write(self.path, json.dumps(payload, indent=2, sort_keys=True))

    def get(self, name: str) -> Any:
        option = SCHEMA[name]
        return self._values.get(name, option.default)

    def set(self, name: str, value: Any) -> None:
        option = SCHEMA[name]
        if not _type_ok(option, value):
            raise TypeError(f"setting {name} expects {option.type.__name__}")
        if self._values.get(name, option.default) == value:
            return
        self._values[name] = value
        self.save()
        for listener in list(self._listeners):
            listener(name, value)

    def on_change(self, listener: Callable[[str, Any], None]) -> None:
        self._listeners.append(listener)

    # Accounts: non-secret metadata only (handle, server URL, id, display name, scopes).
    @property
    def accounts(self) -> list[dict[str, Any]]:
        return [dict(a) for a in self._accounts]

    def upsert_account(self, entry: dict[str, Any]) -> None:
        forbidden = {"token", "access_token", "client_secret", "secret", "totp"}
        if forbidden & set(entry):
            raise ValueError("secrets never go into the settings file")
        self._accounts = [a for a in self._accounts if a["handle"] != entry["handle"]]
        self._accounts.append(dict(entry))
        if self._default_account is None:
            self._default_account = entry["handle"]
        self.save()

    def remove_account(self, handle: str) -> None:
        self._accounts = [a for a in self._accounts if a["handle"] != handle]
        if self._default_account == handle:
            self._default_account = self._accounts[0]["handle"] if self._accounts else None
        self.save()

    @property
    def default_account(self) -> str | None:
        return self._default_account

    def set_default_account(self, handle: str) -> None:
        if not any(a["handle"] == handle for a in self._accounts):
            raise KeyError(handle)
        self._default_account = handle
        self.save()


def _type_ok(option: Option, value: Any) -> bool:
    if option.type is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, option.type)
