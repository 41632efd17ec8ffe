"""Render `roastbot status` as a table on stdout."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from roastbot.report import AuthorReport, RoastbotData

_STATUS_STYLE = {"on_track": "green", "due": "yellow", "overdue": "bold red"}
_COLUMNS = ("author", "last entry", "days since", "promise", "status", "due")


def render_status(data: RoastbotData) -> None:
    """Print one row per author: last entry, days since, status, due date."""
    title = f"roastbot status at {data.generated_at:%Y-%m-%d %H:%M} ({data.timezone})"
    table = Table(title=title, title_justify="left")
    for column in _COLUMNS:
        table.add_column(column, justify="right" if column == "days since" else "left")
    for author in data.authors:
        table.add_row(*_row(author))

    # Off a terminal (CI logs, pipes) rich would wrap at 80 columns; logs are wider.
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(table)
    if data.site.last_post is None:
        sections = ", ".join(data.site.main_sections) or "the home section"
        console.print(f"No entries yet in {sections}.")


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
