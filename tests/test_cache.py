"""The on-disk cache is safe to lose: damage reads as a miss, writes are whole."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roastbot.cache import JsonCache

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def test_round_trip_and_when(tmp_path: Path) -> None:
    """A value comes back as stored, with the time it was saved."""
    cache = JsonCache(tmp_path, now=NOW)

    assert cache.put("ns", "key", {"a": [1, 2]}) is True
    assert cache.get("ns", "key") == {"a": [1, 2]}
    assert cache.saved_at("ns", "key") == NOW
    assert cache.get("ns", "other") is None


@pytest.mark.parametrize(
    "damage", ["", "{not json", '{"key": "someone else", "value": 1}', "[]"]
)
def test_damaged_entries_are_misses(tmp_path: Path, damage: str) -> None:
    """Truncated, corrupt or foreign files read as no entry, never as an error."""
    cache = JsonCache(tmp_path, now=NOW)
    cache.put("ns", "key", 1)
    cache.path("ns", "key").write_text(damage, encoding="utf-8")

    assert cache.get("ns", "key") is None
    assert cache.saved_at("ns", "key") is None


def test_a_read_only_cache_does_not_fail_the_run(tmp_path: Path) -> None:
    """When the folder cannot be written, put says so and nothing breaks."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = JsonCache(blocker / "cache", now=NOW)

    assert cache.put("ns", "key", 1) is False
    assert cache.get("ns", "key") is None


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    """Each entry is one file, replaced whole."""
    cache = JsonCache(tmp_path, now=NOW)
    for value in range(3):
        cache.put("ns", "key", value)

    assert os.listdir(tmp_path / "ns") == [cache.path("ns", "key").name]
    assert cache.get("ns", "key") == 2
