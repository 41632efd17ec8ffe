"""Files replaced whole or not at all: the one way roastbot writes what others read.

Every write goes to a temporary file in the target's own folder, is flushed to disk,
and only then takes the target's name, so a reader (Hugo, `hugo server`, the next
run) sees the old file or the new one, never part of either, and a crash leaves no
half-written file behind. A name is taken by rename (replacing what was there) or by
hard link (failing if anything has the name, for files that must never be
overwritten).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_whole(target: Path, payload: bytes, *, replace: bool = True) -> None:
    """Write `payload` to `target` in one step.

    With `replace=False`, raise FileExistsError rather than replace an existing
    file. The temporary file never stays behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            # mkstemp makes the file private; these are as readable as any other.
            os.fchmod(stream.fileno(), 0o644)
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            os.replace(temp, target)
        else:
            os.link(temp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
