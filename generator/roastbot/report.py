"""The report: `data/roastbot.json`, modelled with pydantic and written atomically.

The document is the contract between the generator and the Hugo partials. Its shape
is versioned by `schema_version`; later features add keys (roasts, activity, sources)
without moving the ones here. `hugo-data/roastbot.schema.json` is generated from these
models (`roastbot schema`) and a test keeps the two in step.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer

from roastbot.activity import Activity, AuthorActivity
from roastbot.atomic import write_whole
from roastbot.clock import Calendar
from roastbot.facts import PullRequestFact
from roastbot.ledger import AuthorLedger, Entry, Ledger, standing
from roastbot.posts import RoastPost
from roastbot.roastdraft import RoastStatus
from roastbot.scoring import score, score_parts

SCHEMA_VERSION: Literal[1] = 1
DATA_FILE_NAME = "roastbot.json"


# An instant written as ISO 8601 with an explicit offset ("+00:00", never "Z"), the
# form Hugo's time.AsTime and a reader's eye both take without surprise.
Instant = Annotated[
    AwareDatetime,
    PlainSerializer(
        lambda moment: moment.isoformat(), return_type=str, when_used="json"
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Post(_Model):
    """A dev-log entry, as the footer links to it."""

    title: str
    date: Instant = Field(description="The entry's .Date, ISO 8601 with offset.")
    path: str = Field(
        description="Content file path relative to contentDir, forward slashes; "
        "the partials resolve it with site.GetPage."
    )


class SiteSummary(_Model):
    """The dev log as a whole."""

    last_post: Post | None
    days_since: int | None
    entry_count: int = Field(description="Published entries in the main sections.")
    main_sections: list[str]


class PullRequestSummary(_Model):
    """A merged PR, as compact facts, with its roastability score and the reasons."""

    repo: str
    number: int
    title: str
    url: str
    merged_at: Instant
    additions: int
    deletions: int
    changed_files: int
    commits: int = Field(description="How many commits; messages stay in the cache.")
    score: float
    score_parts: dict[str, float]


class PullRequestRef(_Model):
    """Which PR: its repository and number."""

    repo: str
    number: int


class WindowReport(_Model):
    """The promise period activity covers: from start (inclusive) to end."""

    start: Instant
    end: Instant


class ActivityReport(_Model):
    """What an author merged in their window, and the PR picked for a roast."""

    window: WindowReport
    prs: list[PullRequestSummary]
    picked: PullRequestRef | None


class SourceReport(_Model):
    """How one configured repository answered this run."""

    name: str = Field(description="As configured, kind first: github:o/r or git:path.")
    status: Literal["fresh", "cached", "stale", "offline", "error"]
    fetched_at: Instant | None = Field(
        description="When its data was last fetched; for stale data, since when."
    )
    detail: str | None


class RoastPRRef(_Model):
    """The PR a roast is about."""

    repo: str
    number: int
    url: str | None


class TokenCounts(_Model):
    """Tokens a model-written roast cost, from the API's usage block."""

    input: int | None
    output: int | None


class RoastReport(_Model):
    """A roast post on the site."""

    handle: str | None
    path: str = Field(description="Relative to contentDir, forward slashes.")
    title: str
    date: Instant | None
    pr: RoastPRRef | None
    writer: Literal["model", "builtin", "unknown"]
    model: str | None
    cached: bool | None = Field(description="Whether the model answer came from cache.")
    tokens: TokenCounts
    period: str | None = Field(description="First day of the missed period roasted.")
    draft: bool
    prompt_version: str | None = Field(description="Version of roastbot's prompt.")
    fallback: str | None = Field(
        description="Why the built-in roaster wrote it instead of the model."
    )


class AuthorReport(_Model):
    """One author's promise and where they stand on it."""

    handle: str
    name: str
    cadence_days: int = Field(description="The promise: one entry every N days.")
    last_post: Post | None
    days_since: int | None = Field(
        description="Calendar days from the last entry to generated_at, in timezone."
    )
    status: Literal["on_track", "due", "overdue"]
    due_date: date | None = Field(
        description="The day the next entry is due (last entry + cadence_days)."
    )
    days_left: int | None = Field(
        description="Days until due_date; 0 on the day, negative when overdue."
    )
    missed_periods: int = Field(
        description="Whole promise periods gone by since due_date without an entry."
    )
    streak: int = Field(
        description="Consecutive entries, newest back, each within cadence_days of "
        "the one before; 0 when overdue."
    )
    entry_count: int
    activity: ActivityReport | None = Field(
        description="PRs merged in the window; null when no repos are configured."
    )
    roast_status: RoastStatus | None = Field(
        default=None,
        description="What the roast step did for this author; null when not asked.",
    )


class RoastbotData(_Model):
    """The whole of data/roastbot.json."""

    schema_version: Literal[1]
    generator: str = Field(description="roastbot and its version, e.g. roastbot 0.1.0.")
    generated_at: Instant = Field(description="The run's clock, ISO 8601 with offset.")
    timezone: str = Field(description="IANA zone in which days are counted.")
    site: SiteSummary
    authors: list[AuthorReport]
    sources: list[SourceReport] = Field(
        description="One entry per configured repo, in config order."
    )
    roasts: list[RoastReport] = Field(
        description="Every roast post on the site (written by roastbot, by hand or "
        "by earlier bots), newest first."
    )


def build_report(
    ledger: Ledger,
    calendar: Calendar,
    version: str,
    activity: Activity | None = None,
    *,
    roasts: list[RoastPost] | None = None,
    roast_status: dict[str, RoastStatus] | None = None,
) -> RoastbotData:
    """Assemble the document from the ledger and the authors' activity."""
    latest = ledger.entries[0] if ledger.entries else None

    return RoastbotData(
        schema_version=SCHEMA_VERSION,
        generator=f"roastbot {version}",
        generated_at=calendar.now.astimezone(calendar.zone),
        timezone=calendar.zone_name,
        site=SiteSummary(
            last_post=_post(latest),
            days_since=None if latest is None else calendar.days_since(latest.date),
            entry_count=len(ledger.entries),
            main_sections=ledger.main_sections,
        ),
        authors=[
            _author(
                author,
                calendar,
                activity,
                (roast_status or {}).get(author.author.handle.lower()),
            )
            for author in ledger.authors
        ],
        sources=[
            SourceReport(
                name=s.name, status=s.status, fetched_at=s.fetched_at, detail=s.detail
            )
            for s in (activity.sources if activity else [])
        ],
        roasts=[_roast(r) for r in roasts or []],
    )


def _author(
    ledger: AuthorLedger,
    calendar: Calendar,
    activity: Activity | None,
    roast_status: RoastStatus | None,
) -> AuthorReport:
    """Report one author's standing and activity."""
    author = ledger.author
    where = standing(ledger, calendar)
    shipped = activity.authors.get(author.handle.lower()) if activity else None

    return AuthorReport(
        handle=author.handle,
        name=author.name or author.handle,
        cadence_days=ledger.cadence_days,
        last_post=_post(ledger.last),
        days_since=where.days_since,
        status=where.status,
        due_date=where.due_date,
        days_left=where.days_left,
        missed_periods=where.missed_periods,
        streak=where.streak,
        entry_count=len(ledger.entries),
        activity=None if shipped is None else _activity(shipped),
        roast_status=roast_status,
    )


def _roast(post: RoastPost) -> RoastReport:
    """Report one roast post."""
    pr = None
    if post.repo and post.number:
        pr = RoastPRRef(repo=post.repo, number=post.number, url=post.url)

    return RoastReport(
        handle=post.handle,
        path=post.path,
        title=post.title,
        date=post.date,
        pr=pr,
        writer=post.writer,
        model=post.model,
        cached=post.cached,
        tokens=TokenCounts(input=post.tokens_in, output=post.tokens_out),
        period=post.period,
        draft=post.draft,
        prompt_version=post.prompt_version,
        fallback=post.fallback,
    )


def _activity(shipped: AuthorActivity) -> ActivityReport:
    """Summarise an author's PRs for the data file."""
    picked = shipped.picked

    return ActivityReport(
        window=WindowReport(start=shipped.window.start, end=shipped.window.end),
        prs=[_summary(pr) for pr in shipped.prs],
        picked=None
        if picked is None
        else PullRequestRef(repo=picked.repo, number=picked.number),
    )


def _summary(pr: PullRequestFact) -> PullRequestSummary:
    """Return a PR's compact facts and score."""
    parts = score_parts(pr)

    return PullRequestSummary(
        repo=pr.repo,
        number=pr.number,
        title=pr.title,
        url=pr.url,
        merged_at=pr.merged_at,
        additions=pr.additions,
        deletions=pr.deletions,
        changed_files=pr.changed_files,
        commits=pr.commit_count,
        score=score(parts),
        score_parts=parts,
    )


def _post(entry: Entry | None) -> Post | None:
    """Return the entry as a `Post`."""
    if entry is None:
        return None

    return Post(title=entry.page.title, date=entry.date, path=entry.page.path)


def render_json(data: RoastbotData) -> str:
    """Return the document as stable, indented JSON ending in a newline."""
    return data.model_dump_json(indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the document."""
    schema = RoastbotData.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"

    return schema


def write_atomic(path: Path, text: str) -> bool:
    """Replace `path` with `text` in one step; return False if it already held it.

    The text goes to a temporary file in the same folder, is flushed to disk, and is
    renamed over the target, so readers (and `hugo server`) see the old file or the
    new one, never a part of either.
    """
    payload = text.encode("utf-8")
    with contextlib.suppress(OSError):
        if path.read_bytes() == payload:
            return False

    write_whole(path, payload)

    return True
