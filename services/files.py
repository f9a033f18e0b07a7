"""Everything at rest is owner-only: the data directory, the databases and NiceGUI's storage.

The server process creates its files with umask 077 (files 0600, folders 0700), and what an
older version left with wider modes is narrowed at start-up. NiceGUI keeps its per-browser
storage in ``<data dir>/storage`` (never in the working directory).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def private_directory(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist, else narrow it to 0600."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    os.chmod(path, FILE_MODE)


def private_sqlite_files(database: Path) -> None:
    """The database file (created 0600 before SQLite opens it) and its journal files, 0600.

    SQLite gives ``-wal`` and ``-shm`` the mode of the database file, so they follow.
    """
    private_file(database)
    for suffix in SQLITE_SUFFIXES[1:]:
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            os.chmod(companion, FILE_MODE)


def storage_directory(data_dir: Path) -> Path:
    """NiceGUI's storage folder, 0700, its files narrowed to 0600."""
    folder = private_directory(data_dir / "storage")
    for entry in folder.iterdir():
        if entry.is_file():
            os.chmod(entry, FILE_MODE)
    return folder


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
