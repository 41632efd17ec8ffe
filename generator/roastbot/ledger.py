"""The ledger: who wrote which entry, and whether each author keeps their promise.

An entry is a published regular page of a main section. It belongs to an author by
`authorGitHubHandle` (matched to a configured handle), else by `author` / `authors`
(matched to a configured name, alias or handle). Both are case-insensitive. A page
with several authors counts for each. Pages by the bot never count.

The promise is "one entry every `cadence_days` days". With `days_since` counted in
calendar days: on track while `days_since < cadence_days`, due on the day it equals
it, overdue after. Each full period past the due date is one more missed period.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from roastbot.clock import Calendar
from roastbot.errors import Diagnostics
from roastbot.pages import Page
from roastbot.settings import AuthorSettings, RoastbotSettings
from roastbot.site import Site

Status = Literal["on_track", "due", "overdue"]


@dataclass(frozen=True)
class Entry:
    """A published entry with its resolved date."""

    page: Page
    date: datetime


@dataclass
class AuthorLedger:
    """One author's entries, newest first, and their promise."""

    author: AuthorSettings
    cadence_days: int
    entries: list[Entry] = field(default_factory=list)

    @property
    def last(self) -> Entry | None:
        """Return the newest entry, if any."""
        return self.entries[0] if self.entries else None


@dataclass(frozen=True)
class Standing:
    """Where an author stands against their promise on the day of the run."""

    days_since: int | None
    status: Status
    due_date: date | None
    days_left: int | None
    missed_periods: int
    streak: int


@dataclass
class Ledger:
    """All entries of the main sections, and each author's share of them."""

    main_sections: list[str]
    listed: list[Page]
    entries: list[Entry]
    authors: list[AuthorLedger]


def build_ledger(
    site: Site, pages: list[Page], calendar: Calendar, diagnostics: Diagnostics
) -> Ledger:
    """Match the published entries of the main sections to their authors."""
    sections = site.main_sections
    if sections is None:
        sections = default_main_sections(site, pages, calendar, diagnostics)
    listed = listed_pages(site, pages, sections, calendar)
    entries = _entries(site, listed, diagnostics)
    if not entries:
        named = ", ".join(repr(s) for s in sections) or "none"
        diagnostics.warn(
            f"no published entries in the main sections ({named}); every author is "
            "overdue (check params.mainSections and the entries' draft and dates)",
            path=site.config_shown,
        )
    settings = site.settings
    authors = list(settings.authors) or _derive_authors(entries, settings)
    ledgers = [AuthorLedger(a, settings.cadence_for(a)) for a in authors]
    index = _AuthorIndex(ledgers)

    for entry in entries:
        matched = index.match(entry.page)
        if not matched:
            _warn_unmatched(entry.page, site, diagnostics)
        for ledger in matched:
            ledger.entries.append(entry)

    return Ledger(sections, listed, entries, ledgers)


def default_main_sections(
    site: Site, pages: list[Page], calendar: Calendar, diagnostics: Diagnostics
) -> list[str]:
    """Return Hugo's default main sections: the section with the most pages.

    Hugo (0.153 and later) counts the regular pages each top-level section keeps in
    the build, listed or not, and picks the largest; with none, the home section "".
    It breaks ties by Go map order, which is random, so we pick the first name and
    say so.
    """
    counts = Counter(
        page.section
        for page in pages
        if page.section and page.is_built(calendar.now, site)
    )
    if not counts:
        return [""]
    most = max(counts.values())
    tied = sorted(name for name, count in counts.items() if count == most)
    if len(tied) > 1:
        diagnostics.warn(
            f"sections {', '.join(tied)} tie for Hugo's default main section, which "
            f"Hugo then picks at random; counting {tied[0]!r} (set params.mainSections "
            "in the Hugo config to choose)",
            path=site.config_shown,
        )

    return tied[:1]


def standing(ledger: AuthorLedger, calendar: Calendar) -> Standing:
    """Return the author's promise status on the day of the run."""
    last = ledger.last
    cadence = ledger.cadence_days
    if last is None:
        return Standing(None, "overdue", None, None, 0, 0)

    days = calendar.days_since(last.date)
    due = calendar.local(last.date).date() + timedelta(days=cadence)
    status: Status = (
        "on_track" if days < cadence else "due" if days == cadence else "overdue"
    )

    return Standing(
        days_since=days,
        status=status,
        due_date=due,
        days_left=cadence - days,
        missed_periods=max(0, (days - 1) // cadence) if days > cadence else 0,
        streak=0 if status == "overdue" else _streak(ledger, calendar),
    )


def _streak(ledger: AuthorLedger, calendar: Calendar) -> int:
    """Count the newest entries in a row that each came within the cadence."""
    streak = 1
    for newer, older in zip(ledger.entries, ledger.entries[1:], strict=False):
        if calendar.days_between(older.date, newer.date) > ledger.cadence_days:
            break
        streak += 1

    return streak


def listed_pages(
    site: Site, pages: list[Page], sections: list[str], calendar: Calendar
) -> list[Page]:
    """Return what `where site.RegularPages "Section" "in" mainSections` lists."""
    wanted = set(sections)

    return [
        page
        for page in pages
        if page.section in wanted and page.is_published(calendar.now, site)
    ]


def _entries(site: Site, listed: list[Page], diagnostics: Diagnostics) -> list[Entry]:
    """Return the dated entries not written by the bot, newest first."""
    bot = site.settings.bot_handle.lower()
    entries = []
    for page in listed:
        if _is_by(page, bot):
            continue
        if page.date is None:
            diagnostics.warn(
                "entry has no date; it does not count towards any promise "
                "(add date = 2026-12-03 to its front matter)",
                path=site.relative(site.content_dir / page.path),
                line=page.line,
            )
            continue
        entries.append(Entry(page, page.date))

    # Newest first; the path breaks ties so the same site gives the same order.
    entries.sort(key=lambda e: e.page.path)
    entries.sort(key=lambda e: e.date, reverse=True)

    return entries


def _is_by(page: Page, handle: str) -> bool:
    """Return whether the page names `handle` as its author, by handle or name."""
    return any(name.lower() == handle for name in page.handles + page.names)


def _warn_unmatched(page: Page, site: Site, diagnostics: Diagnostics) -> None:
    """Warn that an entry counts for the site but for no configured author."""
    named = ", ".join(page.handles + page.names)
    message = (
        f"entry names author {named!r}, who is not in params.roastbot.authors; it "
        "counts for the site only (add the author, or an alias, to the config)"
        if named
        else "entry has no author or authorGitHubHandle; it counts for the site only"
    )
    diagnostics.warn(
        message, path=site.relative(site.content_dir / page.path), line=page.line
    )


class _AuthorIndex:
    """Look up author ledgers by handle, name or alias, ignoring letter case."""

    def __init__(self, ledgers: list[AuthorLedger]) -> None:
        self.by_handle = {ledger.author.handle.lower(): ledger for ledger in ledgers}
        self.by_name: dict[str, AuthorLedger] = {}
        for ledger in ledgers:
            author = ledger.author
            for name in (author.name, *author.aliases, author.handle):
                if name:
                    self.by_name.setdefault(name.lower(), ledger)

    def match(self, page: Page) -> list[AuthorLedger]:
        """Return the ledgers of the page's authors, each once, in page order."""
        found = [
            self.by_handle[h.lower()]
            for h in page.handles
            if h.lower() in self.by_handle
        ]
        if not found:
            found = [
                self.by_name[n.lower()] for n in page.names if n.lower() in self.by_name
            ]

        return list({id(ledger): ledger for ledger in found}.values())


def _derive_authors(
    entries: list[Entry], settings: RoastbotSettings
) -> list[AuthorSettings]:
    """Derive authors from the entries when none are configured."""
    authors: dict[str, AuthorSettings] = {}
    for entry in reversed(entries):
        page = entry.page
        handles = page.handles or tuple(_handle_from_name(n) for n in page.names)
        for position, handle in enumerate(handles):
            if not handle or handle.lower() in authors:
                continue
            name = page.names[position] if position < len(page.names) else None
            authors[handle.lower()] = AuthorSettings(handle=handle, name=name)

    return sorted(authors.values(), key=lambda a: a.handle.lower())


def _handle_from_name(name: str) -> str:
    """Make a handle-like key from a display name: "Alex Streed" -> "alex-streed"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
