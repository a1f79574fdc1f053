"""Writing an output file whole or not at all.

:func:`write_atomically` writes the text to a temporary file in the target's own
folder and renames it over the target: a reader (or a second acs-triage writing the
same file) sees the previous file or the new one, never a mix or a truncated file,
and a failed write (disk full, a file size limit, an interrupt) leaves the previous
file as it was. Targets that are not regular files (``/dev/stdout``, a named pipe, a
terminal) are written in place: renaming over them would replace the device.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomically"]


def _mode_for(target: Path) -> int:
    """The new file's permissions: the previous file's, else what ``open`` would give."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (raises OSError)."""
    target = Path(os.path.realpath(path))
    try:
        special = not stat.S_ISREG(target.stat().st_mode)
    except FileNotFoundError:
        special = False
    if special:
        with target.open("w", encoding=encoding, errors="backslashreplace") as handle:
            handle.write(text)
        return
    data = text.encode(encoding, errors="backslashreplace")
    mode = _mode_for(target)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
