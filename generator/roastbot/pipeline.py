"""One run of roastbot, from the Hugo site to the report, with no I/O at the ends.

    site -> pages -> ledger -> activity (sources, scores, picks) -> report

The CLI reads the environment and the flags, calls `generate`, and writes or prints
what it returns. Tests call `generate` directly with a fixed clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from roastbot.activity import Activity, gather_activity
from roastbot.clock import Calendar, resolve_now, resolve_zone
from roastbot.errors import Diagnostics
from roastbot.ledger import Ledger, build_ledger
from roastbot.pages import load_pages
from roastbot.report import DATA_FILE_NAME, RoastbotData, build_report
from roastbot.site import Site, load_site


@dataclass(frozen=True)
class Run:
    """What a run produced: the document, where it goes, and what was worked around."""

    site: Site
    calendar: Calendar
    ledger: Ledger
    activity: Activity | None
    data: RoastbotData
    diagnostics: Diagnostics

    @property
    def data_path(self) -> Path:
        """Return the data file's path: `<dataDir>/roastbot.json`."""
        return self.site.data_dir / DATA_FILE_NAME


def generate(
    site_dir: Path,
    *,
    now: str | None = None,
    source_date_epoch: str | None = None,
    tz_variable: str | None = None,
    environment: str | None = None,
    offline: bool = False,
    env: Mapping[str, str] | None = None,
    version: str = "0",
) -> Run:
    """Read the site and compute the report; raise `RoastbotError` on bad input."""
    diagnostics = Diagnostics()
    site = load_site(site_dir, environment=environment, diagnostics=diagnostics)
    zone, zone_name = resolve_zone(site.time_zone, tz_variable, diagnostics)
    instant = resolve_now(now, source_date_epoch, site.time_zone or zone or UTC)
    calendar = Calendar(now=instant, zone=zone, zone_name=zone_name)

    pages = load_pages(site, diagnostics)
    ledger = build_ledger(site, pages, calendar, diagnostics)
    activity = gather_activity(
        site, ledger, calendar, offline=offline, env=env or {}, diagnostics=diagnostics
    )
    data = build_report(ledger, calendar, version, activity)

    return Run(site, calendar, ledger, activity, data, diagnostics)
