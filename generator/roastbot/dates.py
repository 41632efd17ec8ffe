"""Turn front matter date values into instants, as Hugo does.

Hugo hands every front matter date to `htime.ToTimeInDefaultLocationE`, which tries a
fixed list of Go layouts (those of spf13/cast) and reads a value that carries no offset
in the site's `timeZone` (UTC when that is unset; Hugo does not look at `TZ` here).
TOML local dates and local date-times take the same path. We accept the same layouts,
so a date Hugo cannot read is one we cannot read either.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

# Go's numeric forms: "Z07:00" is `Z` or `±hh:mm`, "-0700" is `±hhmm`.
_ZONE = r"(?P<zone>Z|[+-]\d{2}:\d{2}|[+-]\d{4})"
_CLOCK = r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:[.,](?P<frac>\d+))?"
_DAY = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"

_ISO_LAYOUTS = [
    # RFC 3339 and "2006-01-02T15:04:05-0700", with or without the zone.
    re.compile(rf"{_DAY}T{_CLOCK}{_ZONE}?"),
    # "2006-01-02 15:04:05", then with "Z07:00", " -07:00" or " -0700" after it.
    re.compile(rf"{_DAY} {_CLOCK}(?: ?{_ZONE})?"),
    # "2006-01-02 15:04:05.999999999 -0700 MST", the format of Go's Time.String().
    re.compile(rf"{_DAY} {_CLOCK} (?P<zone>[+-]\d{{4}}) [A-Z]{{3,5}}"),
    re.compile(_DAY),
]
# "02 Jan 2006", RFC 1123Z "Mon, 02 Jan 2006 15:04:05 -0700", RFC 822Z
# "02 Jan 06 15:04 -0700".
_TEXT_LAYOUT = re.compile(
    r"(?:[A-Za-z]{3}, )?(?P<day>\d{2}) (?P<mon>[A-Za-z]{3}) (?P<year>\d{4}|\d{2})"
    r"(?: (?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r" (?P<zone>[+-]\d{4}|[A-Za-z]{3,5}))?"
)


class DateError(ValueError):
    """A front matter value is not a date Hugo can read."""


def to_instant(value: Any, default_tz: tzinfo) -> datetime:
    """Return `value` as an aware datetime, reading offset-less values in `default_tz`.

    Raise `DateError` for anything Hugo would reject.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=default_tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=default_tz)
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, int):
        # cast reads integers as Unix seconds.
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        return _parse_text(value.strip(), default_tz)

    raise DateError(f"{value!r} is not a date")


def _parse_text(text: str, default_tz: tzinfo) -> datetime:
    """Parse a date string against the layouts Hugo accepts."""
    for layout in _ISO_LAYOUTS:
        if match := layout.fullmatch(text):
            return _build(match.groupdict(), default_tz)
    if match := _TEXT_LAYOUT.fullmatch(text):
        parts = match.groupdict()
        month = _MONTHS.get(parts.pop("mon").lower())
        if month is not None:
            year = parts["year"]
            parts["year"] = year if len(year) == 4 else f"20{year}"
            return _build({**parts, "month": str(month)}, default_tz)

    raise DateError(f"{text!r} is not a date Hugo can read")


def _build(parts: dict[str, str | None], default_tz: tzinfo) -> datetime:
    """Assemble a datetime from matched layout parts."""
    frac = (parts.get("frac") or "")[:6].ljust(6, "0")
    try:
        moment = datetime(
            int(parts["year"] or 0),
            int(parts["month"] or 0),
            int(parts["day"] or 0),
            int(parts.get("hour") or 0),
            int(parts.get("minute") or 0),
            int(parts.get("second") or 0),
            int(frac),
        )
    except ValueError as exc:
        raise DateError(str(exc)) from None

    return moment.replace(tzinfo=_zone(parts.get("zone"), default_tz))


def _zone(zone: str | None, default_tz: tzinfo) -> tzinfo:
    """Return the tzinfo a zone suffix names, or `default_tz` when there is none."""
    if zone is None or (zone.isalpha() and zone != "Z"):
        # cast re-places layouts with a zone name (RFC 1123 "EST") in the default
        # location, keeping the wall clock: the name itself is ignored.
        return default_tz
    if zone == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))

    return timezone(sign * offset)


def isoformat(moment: datetime) -> str:
    """Return an ISO 8601 string with an explicit offset (never `Z`)."""
    return moment.isoformat()
