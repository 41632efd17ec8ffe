"""A small on-disk cache of JSON documents, safe to lose.

Hosted CI caches come and go, so every read treats a missing, unreadable or corrupt
entry as a miss, and every write replaces its file whole (temp file + rename). Keys
are hashed into file names; callers must never put a secret in a key or a value.

Layout: `<cache dir>/<namespace>/<sha256 of key>.json`, each file holding
`{"key": ..., "saved_at": ..., "value": ...}` so a human can see what it is.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from roastbot.atomic import write_whole

DEFAULT_CACHE_DIR = ".roastbot/cache"


class JsonCache:
    """Read and write JSON values by namespace and key under one folder."""

    def __init__(self, root: Path, *, now: datetime | None = None) -> None:
        self.root = root
        self.now = now

    def path(self, namespace: str, key: str) -> Path:
        """Return the file an entry lives in."""
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()

        return self.root / namespace / f"{digest}.json"

    def get(self, namespace: str, key: str) -> Any | None:
        """Return the stored value, or None when there is no usable entry."""
        try:
            document = json.loads(self.path(namespace, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict) or document.get("key") != key:
            return None

        return document.get("value")

    def saved_at(self, namespace: str, key: str) -> datetime | None:
        """Return when an entry was written, or None."""
        try:
            document = json.loads(self.path(namespace, key).read_text(encoding="utf-8"))
            return datetime.fromisoformat(document["saved_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, namespace: str, key: str, value: Any) -> bool:
        """Store `value`; return False (and keep going) if the disk refuses."""
        target = self.path(namespace, key)
        stamp = (self.now or datetime.now(UTC)).isoformat()
        text = json.dumps({"key": key, "saved_at": stamp, "value": value}, indent=1)
        try:
            write_whole(target, text.encode("utf-8"))
        except OSError:
            return False

        return True
