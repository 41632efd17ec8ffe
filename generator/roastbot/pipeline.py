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
from typing import TYPE_CHECKING

from roastbot.activity import Activity, AuthorActivity, gather_activity
from roastbot.clock import Calendar, resolve_now, resolve_zone
from roastbot.errors import Diagnostics
from roastbot.ledger import AuthorLedger, Ledger, Standing, build_ledger, standing
from roastbot.pages import Page, load_pages
from roastbot.posts import RoastPost, find_roasts
from roastbot.report import DATA_FILE_NAME, RoastbotData, build_report
from roastbot.site import Site, load_site

if TYPE_CHECKING:
    from roastbot.roasting import RoastPlan


@dataclass(frozen=True)
class Run:
    """What a run produced: the document, where it goes, and what was worked around."""

    site: Site
    calendar: Calendar
    ledger: Ledger
    activity: Activity | None
    data: RoastbotData
    diagnostics: Diagnostics
    pages: list[Page]
    plan: RoastPlan | None = None

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
    roast: bool | None = None,
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
    handles = [a.author.handle for a in ledger.authors]
    roasts = find_roasts(pages, site.settings.bot_handle, handles)
    plan = None
    # None follows `roast = true` in the config; False (hugo server previews) never.
    if site.settings.roast if roast is None else roast:
        from roastbot.roasting import RoastContext, plan_roasts

        context = RoastContext(
            site, pages, calendar, env or {}, offline, diagnostics, roasts
        )
        plan = plan_roasts(context, _standings(ledger, activity, calendar))
        roasts = _with_planned(roasts, plan, calendar)
    data = build_report(
        ledger,
        calendar,
        version,
        activity,
        roasts=roasts,
        roast_status=plan.status if plan else None,
    )

    return Run(site, calendar, ledger, activity, data, diagnostics, pages, plan)


def _standings(
    ledger: Ledger, activity: Activity | None, calendar: Calendar
) -> list[tuple[AuthorLedger, Standing, AuthorActivity | None]]:
    """Pair each author with their standing and activity, for the roast step."""
    return [
        (
            author,
            standing(author, calendar),
            activity.authors.get(author.author.handle.lower()) if activity else None,
        )
        for author in ledger.authors
    ]


def _with_planned(
    roasts: list[RoastPost], plan: RoastPlan, calendar: Calendar
) -> list[RoastPost]:
    """Return the site's roasts plus the ones this run will write, newest first."""
    planned = [
        RoastPost(
            handle=post.handle,
            path=post.path,
            title=post.title,
            date=calendar.now,
            repo=post.pr.repo,
            number=post.pr.number,
            url=post.pr.url or None,
            writer=post.provenance.writer,
            model=post.provenance.model,
            cached=post.provenance.cached,
            tokens_in=post.provenance.tokens_in,
            tokens_out=post.provenance.tokens_out,
            period=post.period,
            draft=post.draft_post,
            prompt_version=post.provenance.prompt_version,
            fallback=post.provenance.fallback,
        )
        for post in plan.posts
    ]

    return planned + roasts
