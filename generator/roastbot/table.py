"""Render `roastbot status` as a table on stdout."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from roastbot.report import RoastbotData

_STATUS_STYLE = {"on_track": "green", "due": "yellow", "overdue": "bold red"}


def render_status(data: RoastbotData) -> None:
    """Print one row per author: last entry, days since, status, due date."""
    table = Table(
        title=f"roastbot status at {data.generated_at:%Y-%m-%d %H:%M %Z} "
        f"({data.timezone})",
        title_justify="left",
    )
    for column in ("author", "last entry", "days since", "promise", "status", "due"):
        table.add_column(column, justify="right" if column == "days since" else "left")

    for author in data.authors:
        last = author.last_post
        table.add_row(
            author.handle
            if author.name == author.handle
            else f"{author.handle} ({author.name})",
            "-" if last is None else f"{last.date:%Y-%m-%d} {last.title}",
            "-" if author.days_since is None else str(author.days_since),
            f"every {author.cadence_days} days",
            f"[{_STATUS_STYLE[author.status]}]{author.status.replace('_', ' ')}[/]",
            "-" if author.due_date is None else f"{author.due_date:%Y-%m-%d}",
        )

    Console(soft_wrap=False).print(table)
    site = data.site
    if site.last_post is None:
        Console().print(
            "No entries yet in " + (", ".join(site.main_sections) or "any section")
        )
