"""Where fedidesk keeps its files.

By default the platform's config/data/cache folders (platformdirs). ``--profile-dir DIR`` or
``FEDIDESK_HOME`` puts everything below one folder instead (tests, portable installs).
No secrets are ever written below these folders; they live in the OS keyring.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from fedidesk import APP_NAME

ENV_HOME = "FEDIDESK_HOME"


@dataclass(frozen=True)
class ProfilePaths:
    """The folders of one fedidesk profile."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def database_file(self) -> Path:
        return self.data_dir / "fedidesk.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "fedidesk.log"

    def ensure(self) -> ProfilePaths:
        """Create the folders (owner-only where the OS supports it) and return self."""
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
            try:
                folder.chmod(0o700)
            except OSError:
                pass
        return self


def resolve_paths(profile_dir: str | os.PathLike[str] | None = None) -> ProfilePaths:
    """Pick the profile folders: explicit argument, then ``FEDIDESK_HOME``, then platformdirs."""
    chosen = profile_dir or os.environ.get(ENV_HOME)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return ProfilePaths(root / "config", root / "data", root / "cache", root / "logs")
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return ProfilePaths(
        Path(dirs.user_config_dir),
        Path(dirs.user_data_dir),
        Path(dirs.user_cache_dir),
        Path(dirs.user_log_dir),
    )
