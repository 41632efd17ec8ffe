"""Render `roastbot status` as a table on stdout."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from roastbot.report import AuthorReport, RoastbotData

_STATUS_STYLE = {"on_track": "green", "due": "yellow", "overdue": "bold red"}
_COLUMNS = ("author", "last entry", "days since", "promise", "status", "due")
_ACTIVITY_COLUMNS = ("PRs", "picked")


def render_status(data: RoastbotData) -> None:
    """Print one row per author: last entry, days since, status, due date."""
    title = f"roastbot status at {data.generated_at:%Y-%m-%d %H:%M} ({data.timezone})"
    table = Table(title=title, title_justify="left")
    shipped = bool(data.sources)
    for column in _COLUMNS + (_ACTIVITY_COLUMNS if shipped else ()):
        right = column in {"days since", "PRs"}
        table.add_column(column, justify="right" if right else "left")
    for author in data.authors:
        extra = _activity(author, qualified=len(data.sources) > 1) if shipped else ()
        table.add_row(*_row(author), *extra)

    # Off a terminal (CI logs, pipes) rich would wrap at 80 columns; logs are wider.
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(table)
    if data.site.last_post is None:
        sections = ", ".join(data.site.main_sections) or "the home section"
        console.print(f"No entries yet in {sections}.")
    for source in data.sources:
        when = (
            f", fetched {source.fetched_at:%Y-%m-%d %H:%M}" if source.fetched_at else ""
        )
        console.print(
            f"source {source.name}: {source.status}{when}; {source.detail or ''}"
        )


def _activity(author: AuthorReport, *, qualified: bool) -> tuple[str, ...]:
    """Return the PR count of the window and the picked PR (`repo#N` if `qualified`)."""
    shipped = author.activity
    if shipped is None:
        return ("-", "-")
    picked = shipped.picked
    if picked is None:
        return (str(len(shipped.prs)), "-")
    title = next(
        p.title
        for p in shipped.prs
        if (p.repo, p.number) == (picked.repo, picked.number)
    )

    ref = f"{picked.repo}#{picked.number}" if qualified else f"#{picked.number}"

    return (str(len(shipped.prs)), f"{ref} {title}")


def _row(author: AuthorReport) -> tuple[str, ...]:
    """Return the table cells for one author."""
    last = author.last_post
    who = (
        author.handle
        if author.name == author.handle
        else (f"{author.handle} ({author.name})")
    )
    status = author.status.replace("_", " ")

    return (
        who,
        "-" if last is None else f"{last.date:%Y-%m-%d} {last.title}",
        "-" if author.days_since is None else str(author.days_since),
        f"{author.cadence_days} days",
        f"[{_STATUS_STYLE[author.status]}]{status}[/]",
        "-" if author.due_date is None else f"{author.due_date:%Y-%m-%d}",
    )
