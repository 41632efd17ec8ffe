"""Activity: what each author merged during their current promise period.

    ledger -> queries (one per author: handle, names, window) -> each source
           -> PRs per author, deduplicated -> scored -> the pick, completed

A source that fails never fails the run: it reports `stale` (its last good PRs) or
`error`, and the run warns. The full facts of every PR seen (commit messages,
reviews, files) go to the cache for the roast stage; the data file gets summaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from roastbot.cache import JsonCache
from roastbot.clock import Calendar
from roastbot.errors import Diagnostics
from roastbot.facts import AuthorQuery, PullRequestFact, SourceOutcome, Window
from roastbot.ledger import AuthorLedger, Ledger
from roastbot.scoring import pick
from roastbot.settings import RepoSettings
from roastbot.site import Site

if TYPE_CHECKING:
    from roastbot import github

FACTS_NAMESPACE = "facts"


@dataclass(frozen=True)
class AuthorActivity:
    """One author's window, the PRs they merged in it, and the one picked."""

    window: Window
    prs: tuple[PullRequestFact, ...]
    picked: PullRequestFact | None


@dataclass
class Activity:
    """Every source's outcome and every author's activity, by lower-cased handle."""

    sources: list[SourceOutcome] = field(default_factory=list)
    authors: dict[str, AuthorActivity] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        """Return the HTTP requests the run made."""
        return sum(source.requests for source in self.sources)


def window_for(ledger: AuthorLedger, now: datetime) -> Window:
    """Return the author's promise period: the `cadence_days` days before now."""
    return Window(start=now - timedelta(days=ledger.cadence_days), end=now)


def gather_activity(
    site: Site,
    ledger: Ledger,
    calendar: Calendar,
    *,
    offline: bool,
    env: Mapping[str, str],
    diagnostics: Diagnostics,
) -> Activity | None:
    """Ask every configured source for the authors' PRs; None when none is set."""
    repos = site.settings.repos
    if not repos:
        return None

    queries = [_query(author, calendar.now) for author in ledger.authors]
    # A handle roastbot made up from a display name is no GitHub login; asking
    # GitHub about it would fail the whole search.
    logins = [
        q for q, a in zip(queries, ledger.authors, strict=True) if _has_login(site, a)
    ]
    cache = JsonCache(cache_dir(site, env), now=calendar.now)
    activity = Activity()
    for repo in repos:
        asked = queries if repo.kind == "git" else logins
        outcome = _ask(site, repo, asked, cache, calendar, offline=offline, env=env)
        activity.sources.append(outcome)
        if outcome.status in {"stale", "error"}:
            diagnostics.warn(f"{outcome.name}: {outcome.status}: {outcome.detail}")

    for query in queries:
        activity.authors[query.handle.lower()] = _author_activity(
            query, activity.sources
        )
    _complete_picks(site, activity, cache, calendar, offline=offline, env=env)
    _remember_facts(cache, activity)

    return activity


def cache_dir(site: Site, env: Mapping[str, str]) -> Path:
    """Return the cache folder: ROASTBOT_CACHE_DIR, else the setting, site-relative."""
    configured = env.get("ROASTBOT_CACHE_DIR") or site.settings.cache_dir

    return site.root / configured


def _has_login(site: Site, ledger: AuthorLedger) -> bool:
    """Return whether the author's handle is a GitHub login (configured or given)."""
    if site.settings.authors:
        return True
    handle = ledger.author.handle.lower()

    return any(h.lower() == handle for e in ledger.entries for h in e.page.handles)


def _query(ledger: AuthorLedger, now: datetime) -> AuthorQuery:
    """Return what sources need to find one author's PRs."""
    author = ledger.author
    names = tuple(n for n in (author.name, *author.aliases, *author.emails) if n)

    return AuthorQuery(
        handle=author.handle, window=window_for(ledger, now), names=names
    )


def _ask(
    site: Site,
    repo: RepoSettings,
    queries: list[AuthorQuery],
    cache: JsonCache,
    calendar: Calendar,
    *,
    offline: bool,
    env: Mapping[str, str],
) -> SourceOutcome:
    """Run one source."""
    if repo.kind == "git":
        from roastbot import gitsource

        return gitsource.list_prs(
            site.root,
            repo.label,
            repo.target,
            queries,
            name=repo.name,
            now=calendar.now,
        )

    from roastbot import github

    outcome = github.list_prs(
        repo.target,
        queries,
        config=_github_config(site, env),
        cache=cache,
        now=calendar.now,
        offline=offline,
    )

    return outcome.model_copy(update={"name": repo.label})


def _github_config(site: Site, env: Mapping[str, str]) -> github.GitHubConfig:
    """Return the GitHub client settings from the environment and the config."""
    from roastbot import github

    settings = site.settings

    return github.GitHubConfig.from_env(
        env,
        fresh_seconds=settings.cache_minutes * 60,
        timeout=settings.timeout_seconds,
        max_wait=max(settings.timeout_seconds, 30.0),
    )


def _author_activity(
    query: AuthorQuery, sources: list[SourceOutcome]
) -> AuthorActivity:
    """Merge one author's PRs across sources (a PR seen twice counts once)."""
    unique: dict[tuple[str, int], PullRequestFact] = {}
    for source in sources:
        for pr in source.prs.get(query.handle.lower(), ()):
            if query.window.contains(pr.merged_at):
                unique.setdefault((pr.repo.lower(), pr.number), pr)
    prs = tuple(sorted(unique.values(), key=lambda p: (p.merged_at, p.repo, p.number)))

    return AuthorActivity(window=query.window, prs=prs, picked=pick(prs))


def _complete_picks(
    site: Site,
    activity: Activity,
    cache: JsonCache,
    calendar: Calendar,
    *,
    offline: bool,
    env: Mapping[str, str],
) -> None:
    """Fetch the detail a roast needs for each picked GitHub PR (files, commits)."""
    github_repos = {r.target.lower() for r in site.settings.repos if r.kind == "github"}
    picks = [
        (handle, author)
        for handle, author in activity.authors.items()
        if author.picked is not None and author.picked.repo.lower() in github_repos
    ]
    if not picks:
        return

    from roastbot import github

    config = _github_config(site, env)
    for handle, author in picks:
        picked = author.picked
        assert picked is not None
        complete, requests = github.complete_pr(
            picked, config=config, cache=cache, now=calendar.now, offline=offline
        )
        prs = tuple(complete if pr is picked else pr for pr in author.prs)
        activity.authors[handle] = AuthorActivity(author.window, prs, complete)
        _count_requests(activity, complete.repo, requests)


def _count_requests(activity: Activity, repo: str, requests: int) -> None:
    """Add the requests made after listing to the source that owns the repo."""
    for index, source in enumerate(activity.sources):
        if source.name.lower() in {f"github:{repo.lower()}", repo.lower()}:
            total = source.requests + requests
            activity.sources[index] = source.model_copy(update={"requests": total})
            return


def _remember_facts(cache: JsonCache, activity: Activity) -> None:
    """Keep every PR's full facts in the cache, for the roast stage to quote."""
    for author in activity.authors.values():
        for pr in author.prs:
            cache.put(
                FACTS_NAMESPACE, f"{pr.repo}#{pr.number}", pr.model_dump(mode="json")
            )


def load_facts(cache: JsonCache, repo: str, number: int) -> PullRequestFact | None:
    """Return the cached facts of one PR, or None."""
    value = cache.get(FACTS_NAMESPACE, f"{repo}#{number}")
    if value is None:
        return None
    try:
        return PullRequestFact.model_validate(value)
    except ValueError:
        return None
