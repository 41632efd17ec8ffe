"""The run's clock and calendar: what "now" is, and how many days have passed.

The clock is an input, like `hugo --clock`: `--now` wins, then SOURCE_DATE_EPOCH (the
reproducible-builds convention), then the system clock. Days are counted between
calendar dates in the site's time zone: Hugo's `timeZone`, else the `TZ` variable,
else UTC. (Hugo itself ignores `TZ` when it reads front matter dates; `dates.py`
follows that, and only day counting looks at `TZ`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from roastbot.dates import DateError, to_instant
from roastbot.errors import Diagnostics


class ClockError(ValueError):
    """A `--now` or SOURCE_DATE_EPOCH value that is not an instant."""


@dataclass(frozen=True)
class Calendar:
    """The instant of the run and the zone in which its days are counted."""

    now: datetime
    zone: tzinfo
    zone_name: str

    def days_between(self, earlier: datetime, later: datetime) -> int:
        """Return whole calendar days from `earlier` to `later` in this zone."""
        start = earlier.astimezone(self.zone).date()
        end = later.astimezone(self.zone).date()

        return (end - start).days

    def days_since(self, moment: datetime) -> int:
        """Return whole calendar days from `moment` to now."""
        return self.days_between(moment, self.now)

    def local(self, moment: datetime) -> datetime:
        """Return `moment` in the calendar's zone."""
        return moment.astimezone(self.zone)


def resolve_now(
    now: str | None, source_date_epoch: str | None, default_tz: tzinfo
) -> datetime:
    """Return the run's instant from `--now`, SOURCE_DATE_EPOCH, or the system clock."""
    if now:
        try:
            return to_instant(now, default_tz)
        except DateError:
            raise ClockError(
                f"--now {now!r} is not an ISO 8601 date or date-time "
                "(for example 2026-12-03T09:00:00Z)"
            ) from None
    if source_date_epoch:
        try:
            return datetime.fromtimestamp(int(source_date_epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise ClockError(
                f"SOURCE_DATE_EPOCH {source_date_epoch!r} is not a Unix timestamp"
            ) from None

    return datetime.now(UTC)


def resolve_zone(
    site_zone: ZoneInfo | None, tz_variable: str | None, diagnostics: Diagnostics
) -> tuple[tzinfo, str]:
    """Return the zone days are counted in, and its IANA name."""
    if site_zone is not None:
        return site_zone, site_zone.key
    name = (tz_variable or "").removeprefix(":")
    if name:
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            diagnostics.warn(
                f"TZ={tz_variable!r} is not an IANA time zone; counting days in UTC "
                '(set timeZone in the Hugo config, e.g. timeZone = "Europe/Berlin")'
            )

    return UTC, "UTC"
