"""Stage 7, publish: write finished files so a reader never sees half of one.

Each file is written to a temporary name in the same folder and renamed over the old
one (atomic on POSIX). A file whose bytes did not change is not touched, so its mtime
stays and a rebuild with nothing changed rewrites nothing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefgen.errors import EXIT_IO, BriefError, Diagnostic, Location


def write_files(files: dict[Path, bytes]) -> list[Path]:
    """Write every file atomically (skipping unchanged ones); return the paths in order."""
    for path in sorted(files):
        write_file(path, files[path])
    return sorted(files)


def write_file(path: Path, data: bytes) -> bool:
    """Atomically write DATA to PATH with mode 0644; False when it was already there."""
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".briefgen-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise BriefError(Diagnostic(Location(str(path)), "BG601",
                                    f"cannot write: {error.strerror or error}",
                                    "check the output folder's permissions and free space"),
                         exit_code=EXIT_IO) from None
    return True
