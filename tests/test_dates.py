"""Front matter date values become the instants Hugo shows as .Date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from roastbot.dates import DateError, to_instant

CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01", "2026-12-01T00:00:00-06:00"),
        ("2026-12-01T23:30:00", "2026-12-01T23:30:00-06:00"),
        ("2026-12-01T23:30:00Z", "2026-12-01T23:30:00+00:00"),
        ("2026-12-01T23:30:00+02:00", "2026-12-01T23:30:00+02:00"),
        ("2026-12-01T23:30:00.250-05:00", "2026-12-01T23:30:00.250000-05:00"),
        ("2026-12-01T23:30:00-0500", "2026-12-01T23:30:00-05:00"),
        ("2026-12-01 23:30:00", "2026-12-01T23:30:00-06:00"),
        ("2026-12-01 23:30:00Z", "2026-12-01T23:30:00+00:00"),
        ("2026-12-01 23:30:00 -07:00", "2026-12-01T23:30:00-07:00"),
        ("2026-12-01 23:30:00 +0100", "2026-12-01T23:30:00+01:00"),
        ("2026-12-01 23:30:00.5 -0700 MST", "2026-12-01T23:30:00.500000-07:00"),
        ("01 Dec 2026", "2026-12-01T00:00:00-06:00"),
        ("Tue, 01 Dec 2026 23:30:00 -0500", "2026-12-01T23:30:00-05:00"),
        # cast keeps the wall clock of a named zone and places it in the site zone.
        ("Tue, 01 Dec 2026 23:30:00 EST", "2026-12-01T23:30:00-06:00"),
        ("2026-07-01", "2026-07-01T00:00:00-05:00"),
    ],
)
def test_date_strings_are_read_like_hugo(value: str, expected: str) -> None:
    """Each layout Hugo accepts gives Hugo's instant; no offset means the zone."""
    assert to_instant(value, CHICAGO).isoformat() == expected


def test_toml_values_take_the_site_zone_when_local() -> None:
    """TOML local dates and date-times are read in the site zone; offsets are kept."""
    assert to_instant(date(2026, 12, 1), CHICAGO).isoformat() == (
        "2026-12-01T00:00:00-06:00"
    )
    assert to_instant(datetime(2026, 12, 1, 23, 30), CHICAGO).isoformat() == (
        "2026-12-01T23:30:00-06:00"
    )
    offset = datetime(2026, 12, 1, 23, 30, tzinfo=timezone(timedelta(hours=2)))
    assert to_instant(offset, CHICAGO) == offset


def test_integers_are_unix_seconds() -> None:
    """An integer date is seconds since the epoch, as cast reads it."""
    assert to_instant(1700000000, CHICAGO) == datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2026-12-01T23:30", "2026-13-01", "12/01/2026", True, 3.5, ["x"]],
)
def test_values_hugo_cannot_parse_are_refused(value: object) -> None:
    """A value no Hugo layout matches raises DateError (Hugo fails the build)."""
    with pytest.raises(DateError):
        to_instant(value, CHICAGO)
