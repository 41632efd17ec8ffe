"""Roasts: who is due one, which PR, which writer, and the post it becomes.

    overdue author -> missed period not yet roasted -> best PR not yet roasted
      -> model (if a key is set and the run is online) or the built-in roaster
      -> grounded? sanitized? clean? (else the built-in roast, with a warning)
      -> a planned post, written by the CLI only once the run has succeeded

One roast per author per missed period: the period is named by its first day, kept
in the post's front matter, so a re-run in the same period finds it and does
nothing, without a model call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from roastbot.activity import AuthorActivity, cache_dir, load_facts
from roastbot.cache import JsonCache
from roastbot.clock import Calendar
from roastbot.errors import Diagnostics, RoastbotError
from roastbot.facts import PullRequestFact
from roastbot.ledger import AuthorLedger, Standing
from roastbot.pages import Page
from roastbot.posts import Provenance, RoastPost, render_post, site_format, slugify
from roastbot.roastdraft import PROMPT_VERSION, RoastDraft, RoastStatus
from roastbot.scoring import score, score_parts
from roastbot.site import Site

if TYPE_CHECKING:
    from roastbot.pipeline import Run


@dataclass(frozen=True)
class PlannedPost:
    """A roast post ready to be written: where, and its whole text."""

    handle: str
    section: str
    title: str
    text: str
    path: str
    pr: PullRequestFact
    period: str
    provenance: Provenance
    draft: RoastDraft
    draft_post: bool


@dataclass
class RoastPlan:
    """What a roasting pass decided, author by author."""

    status: dict[str, RoastStatus] = field(default_factory=dict)
    posts: list[PlannedPost] = field(default_factory=list)
    model_calls: int = 0
    prompt_tokens: int = 0


@dataclass(frozen=True)
class RoastContext:
    """What every roast in a run shares."""

    site: Site
    pages: list[Page]
    calendar: Calendar
    env: Mapping[str, str]
    offline: bool
    diagnostics: Diagnostics
    existing: list[RoastPost]


def period_of(standing: Standing, cadence_days: int) -> str | None:
    """Return the first day of the missed period an overdue author is in."""
    if standing.status != "overdue":
        return None
    if standing.due_date is None:
        return "never"
    start: date = standing.due_date + timedelta(
        days=cadence_days * max(0, standing.missed_periods - 1)
    )

    return start.isoformat()


def plan_roasts(
    context: RoastContext,
    authors: list[tuple[AuthorLedger, Standing, AuthorActivity | None]],
) -> RoastPlan:
    """Decide, for each author, whether a roast is due and write its draft."""
    plan = RoastPlan()
    roasted = {
        (r.repo.lower(), r.number) for r in context.existing if r.repo and r.number
    }
    for ledger, standing, activity in authors:
        handle = ledger.author.handle
        status = _roast_one(
            context, plan, ledger, standing, activity=activity, roasted=roasted
        )
        plan.status[handle.lower()] = status

    return plan


def _roast_one(
    context: RoastContext,
    plan: RoastPlan,
    ledger: AuthorLedger,
    standing: Standing,
    *,
    activity: AuthorActivity | None,
    roasted: set[tuple[str, int]],
) -> RoastStatus:
    """Plan at most one roast for one author."""
    handle = ledger.author.handle
    period = period_of(standing, ledger.cadence_days)
    if period is None:
        return "not_overdue"
    if any(
        (r.handle or "").lower() == handle.lower() and r.period == period
        for r in context.existing
    ):
        return "already_roasted"

    prs = list(activity.prs) if activity else []
    if not prs:
        return "no_prs"
    fresh = [p for p in prs if (p.repo.lower(), p.number) not in roasted]
    if not fresh:
        return "all_prs_roasted"

    picked = max(fresh, key=lambda p: (score(score_parts(p)), p.merged_at, p.number))
    if activity and activity.picked and activity.picked.number == picked.number:
        picked = activity.picked
    post = roast_pr(context, plan, picked, handle=handle, period=period)
    if post is None:
        return "failed"
    plan.posts.append(post)
    roasted.add((picked.repo.lower(), picked.number))

    return "written"


def roast_pr(
    context: RoastContext,
    plan: RoastPlan,
    pr: PullRequestFact,
    *,
    handle: str,
    period: str,
) -> PlannedPost | None:
    """Write one roast of `pr` and return the post to create (None: give up)."""
    site = context.site
    cache = JsonCache(cache_dir(site, context.env), now=context.calendar.now)
    pr = load_facts(cache, pr.repo, pr.number) or pr
    parts = score_parts(pr)

    draft, provenance = _draft(context, plan, pr, parts, cache)
    if draft is None:
        return None

    section = (site.main_sections or ["posts"])[0] or "posts"
    text = render_post(
        draft,
        pr,
        handle=handle,
        period=period,
        now=context.calendar.local(context.calendar.now),
        fmt=site_format(context.pages),
        bot_handle=site.settings.bot_handle,
        review=site.settings.review,
        provenance=provenance,
    )
    path = _free_path(site, section, handle, draft.title, plan)

    return PlannedPost(
        handle=handle,
        section=section,
        title=draft.title,
        text=text,
        path=path,
        pr=pr,
        period=period,
        provenance=provenance,
        draft=draft,
        draft_post=site.settings.review,
    )


def _draft(
    context: RoastContext,
    plan: RoastPlan,
    pr: PullRequestFact,
    parts: dict[str, float],
    cache: JsonCache,
) -> tuple[RoastDraft | None, Provenance]:
    """Get a checked draft from the model, falling back to the built-in roaster."""
    from roastbot.builtin import write_builtin
    from roastbot.grounding import check_grounding
    from roastbot.sanitize import contains_denied, sanitize_draft

    settings = context.site.settings
    reason = None
    if _use_model(context):
        model_draft, provenance, reason = _from_model(context, plan, pr, parts, cache)
        if model_draft is not None:
            return model_draft, provenance
        where = f"{pr.repo}#{pr.number}"
        if not settings.fallback:
            context.diagnostics.warn(
                f"roast of {where}: the model failed ({reason}); fallback = false, "
                "so no roast is written"
            )
            return None, provenance
        context.diagnostics.warn(
            f"roast of {where}: the model failed ({reason}); wrote the built-in roast"
        )

    draft = sanitize_draft(write_builtin(pr, parts), pr)
    problem = check_grounding(draft, pr, parts) or contains_denied(_all_text(draft))
    if problem:
        # The built-in roaster only says what the facts say; this is a bug if seen.
        context.diagnostics.warn(f"built-in roast of {pr.repo}#{pr.number}: {problem}")

    return draft, Provenance(
        writer="builtin",
        model=None,
        prompt_version=PROMPT_VERSION,
        cached=False,
        tokens_in=None,
        tokens_out=None,
        fallback=reason,
    )


def _use_model(context: RoastContext) -> bool:
    """Return whether a model writes roasts: a key is set and the run is online."""
    return bool(context.env.get("OPENAI_API_KEY")) and not context.offline


def _from_model(
    context: RoastContext,
    plan: RoastPlan,
    pr: PullRequestFact,
    parts: dict[str, float],
    cache: JsonCache,
) -> tuple[RoastDraft | None, Provenance, str | None]:
    """Ask the model; return a sanitized, grounded, clean draft or the reason not."""
    from roastbot.grounding import check_grounding
    from roastbot.llm import LLMConfig, write_with_model
    from roastbot.sanitize import contains_denied, sanitize_draft

    site = context.site
    config = LLMConfig.from_settings(site.settings.llm.model_dump(), context.env)
    result = write_with_model(
        pr,
        parts,
        config=config,
        cache=cache,
        log_path=cache.root / "llm-log.jsonl",
        now=context.calendar.now,
        check=lambda draft: check_grounding(draft, pr, parts),
    )
    plan.model_calls += result.calls
    if not result.cached:
        plan.prompt_tokens += result.tokens_in or 0
    provenance = Provenance(
        writer="model",
        model=result.model,
        prompt_version=PROMPT_VERSION,
        cached=result.cached,
        tokens_in=result.tokens_in,
        tokens_out=result.tokens_out,
        fallback=None,
    )
    if result.draft is None:
        return None, provenance, result.failure or "no answer"

    draft = sanitize_draft(result.draft, pr)
    denied = contains_denied(_all_text(draft))
    if denied:
        return None, provenance, f"the answer used a denied word ({denied})"

    return draft, provenance, None


def _all_text(draft: RoastDraft) -> str:
    """Return every text field of a draft, for the denylist."""
    sections = " ".join(f"{s.heading} {s.body}" for s in draft.sections)

    return " ".join(
        [draft.title, draft.description, draft.opening, sections, draft.compliment,
         draft.verdict.persona, draft.verdict.line]
    )  # fmt: skip


def _free_path(
    site: Site, section: str, handle: str, title: str, plan: RoastPlan
) -> str:
    """Return the content-relative path the post will take: the first free name."""
    folder = site.content_dir / section
    stem = f"roast-{slugify(handle)}-{slugify(title)}"
    taken = {p.path for p in plan.posts}
    for attempt in range(1, 1000):
        name = f"{stem}.md" if attempt == 1 else f"{stem}-{attempt}.md"
        relative = f"{section}/{name}"
        if not (folder / name).exists() and relative not in taken:
            return relative

    raise FileExistsError(f"no free name for {stem}.md in {folder}")


def write_planned(site: Site, post: PlannedPost) -> Path:
    """Create a planned post at exactly its planned path; never replace a file."""
    from roastbot.posts import create_exclusive

    return create_exclusive(site.content_dir / post.path, post.text)


def roast_on_demand(
    run: Run,
    repo: str,
    number: int,
    *,
    env: Mapping[str, str],
    offline: bool,
    force: bool,
) -> PlannedPost:
    """Plan the roast of one named PR; raise RoastbotError if it cannot be done."""
    site = run.site
    done = next(
        (
            r
            for r in run.data.roasts
            if r.pr and r.pr.repo.lower() == repo.lower() and r.pr.number == number
        ),
        None,
    )
    if done is not None and not force:
        raise RoastbotError(
            f"{repo}#{number} already has a roast: "
            f"{site.relative(site.content_dir / done.path)} (use --force for another)"
        )

    cache = JsonCache(cache_dir(site, env), now=run.calendar.now)
    pr = load_facts(cache, repo, number) or _from_activity(run, repo, number)
    if pr is None:
        raise RoastbotError(
            f"no facts for {repo}#{number}: roastbot knows the PRs configured authors "
            "merged in their current window (see roastbot status); list the repo "
            "under [params.roastbot] repos and run roastbot generate first"
        )

    context = RoastContext(
        site, run.pages, run.calendar, env, offline, run.diagnostics, []
    )
    plan = RoastPlan()
    handle = _handle_for(run, pr)
    post = roast_pr(context, plan, pr, handle=handle, period="on-demand")
    if post is None:
        raise RoastbotError(f"no roast of {repo}#{number} was written (see warnings)")

    return post


def _from_activity(run: Run, repo: str, number: int) -> PullRequestFact | None:
    """Return the PR from this run's activity, if an author merged it."""
    for author in run.activity.authors.values() if run.activity else []:
        for pr in author.prs:
            if pr.repo.lower() == repo.lower() and pr.number == number:
                return pr

    return None


def _handle_for(run: Run, pr: PullRequestFact) -> str:
    """Return the configured author whose PR it is, else the PR's own author."""
    for author in run.ledger.authors:
        if author.author.handle.lower() == pr.author.lower():
            return author.author.handle

    return pr.author
