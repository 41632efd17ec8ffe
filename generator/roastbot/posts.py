"""Roast posts: found on the site, rendered from a checked draft, written once.

A roast post is a page with a `[params.roastbot]` table (written by roastbot) or the
bot as its author (written by hand or by earlier bots). A `roast` tag alone is not
enough: authors tag their own entries about roasts that way. New
posts go to `content/<section>/roast-<handle>-<slug>.md`, in the front matter format
most of the site's pages use, and are never written over: the file is created whole
or not at all.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from roastbot.atomic import write_whole
from roastbot.facts import PullRequestFact
from roastbot.pages import Page
from roastbot.roastdraft import RoastDraft, Writer


@dataclass(frozen=True)
class RoastPost:
    """A roast post on the site, as the data file lists it."""

    handle: str | None
    path: str
    title: str
    date: datetime | None
    repo: str | None
    number: int | None
    url: str | None
    writer: Writer
    model: str | None
    cached: bool | None
    tokens_in: int | None
    tokens_out: int | None
    period: str | None
    draft: bool
    prompt_version: str | None = None
    fallback: str | None = None


@dataclass(frozen=True)
class Provenance:
    """Who wrote a roast and what it cost, kept in the post's front matter."""

    writer: Writer
    model: str | None
    prompt_version: str
    cached: bool
    tokens_in: int | None
    tokens_out: int | None
    fallback: str | None


def is_roast(page: Page, bot_handle: str) -> bool:
    """Return whether a page is a roast post."""
    bot = bot_handle.lower()
    by_bot = any(name.lower() == bot for name in page.handles + page.names)

    return page.roastbot is not None or by_bot


def find_roasts(
    pages: list[Page], bot_handle: str, handles: list[str]
) -> list[RoastPost]:
    """Return every roast post on the site, newest first."""
    roasts = [_roast_of(p, handles) for p in pages if is_roast(p, bot_handle)]
    roasts.sort(key=lambda r: r.path)
    roasts.sort(key=lambda r: r.date.timestamp() if r.date else 0.0, reverse=True)

    return roasts


def _roast_of(page: Page, handles: list[str]) -> RoastPost:
    """Read what a roast post says about itself."""
    meta = page.roastbot or {}
    handle = meta.get("handle") or _handle_from_path(page.path, handles)
    writer = meta.get("writer")

    return RoastPost(
        handle=str(handle) if handle else None,
        path=page.path,
        title=page.title,
        date=page.date,
        repo=_text(meta.get("repo")),
        number=meta["number"] if isinstance(meta.get("number"), int) else None,
        url=_text(meta.get("pr")),
        writer=writer if writer in {"model", "builtin"} else "unknown",
        model=_text(meta.get("model")),
        cached=meta["cached"] if isinstance(meta.get("cached"), bool) else None,
        tokens_in=_count(meta.get("tokens_in")),
        tokens_out=_count(meta.get("tokens_out")),
        period=_text(meta.get("period")),
        draft=page.draft,
        prompt_version=_text(meta.get("prompt_version")),
        fallback=_text(meta.get("fallback")),
    )


def _handle_from_path(path: str, handles: list[str]) -> str | None:
    """Return the author a `roast-<handle>-...` file name names, if known."""
    name = path.rsplit("/", 1)[-1].lower()
    for handle in sorted(handles, key=len, reverse=True):
        if name.startswith(f"roast-{handle.lower()}-"):
            return handle

    return None


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- writing ------------------------------------------------------------------


def site_format(pages: list[Page]) -> str:
    """Return the front matter format most of the site's pages use (TOML if none)."""
    counts = Counter(p.format for p in pages if p.format)

    return counts.most_common(1)[0][0] if counts else "toml"


def render_post(
    draft: RoastDraft,
    pr: PullRequestFact,
    *,
    handle: str,
    period: str,
    now: datetime,
    fmt: str,
    bot_handle: str,
    review: bool,
    provenance: Provenance,
) -> str:
    """Return the whole post: front matter in `fmt`, then the Markdown body."""
    meta: dict[str, Any] = {
        "title": draft.title,
        "date": now,
        "tags": ["roast"],
        "description": draft.description,
    }
    if review:
        meta["draft"] = True
    meta["params"] = {
        "author": bot_handle,
        "authorGitHubHandle": bot_handle,
        "roastbot": _provenance_table(pr, handle, period, draft, provenance),
    }

    return _front_matter(meta, fmt) + "\n" + render_body(draft, pr)


def _provenance_table(
    pr: PullRequestFact,
    handle: str,
    period: str,
    draft: RoastDraft,
    provenance: Provenance,
) -> dict[str, Any]:
    """Return the keys later runs read to recognise this post."""
    table: dict[str, Any] = {
        "handle": handle,
        "repo": pr.repo,
        "number": pr.number,
        "pr": pr.url,
        "period": period,
        "writer": provenance.writer,
        "prompt_version": provenance.prompt_version,
        "cached": provenance.cached,
        "verdict": {"persona": draft.verdict.persona, "line": draft.verdict.line},
    }
    optional = {
        "model": provenance.model,
        "tokens_in": provenance.tokens_in,
        "tokens_out": provenance.tokens_out,
        "fallback": provenance.fallback,
    }
    table.update({k: v for k, v in optional.items() if v is not None})

    return table


def render_body(draft: RoastDraft, pr: PullRequestFact) -> str:
    """Return the Markdown body roastbot builds from a draft's fields."""
    link = f"[{pr.repo}#{pr.number}]({pr.url})" if pr.url else f"{pr.repo}#{pr.number}"
    parts = [f"{link}: {draft.opening}"]
    for section in draft.sections:
        parts.append(f"## {section.heading}\n\n{section.body}")
    parts.append(draft.compliment)
    parts.append(
        f"**Final Verdict:**\n**{draft.verdict.persona}** — {draft.verdict.line}"
    )

    return "\n\n".join(parts) + "\n"


def _front_matter(meta: dict[str, Any], fmt: str) -> str:
    """Serialise front matter between the delimiters of its format."""
    if fmt == "yaml":
        import yaml

        plain = {**meta, "date": meta["date"].isoformat()}
        text = yaml.safe_dump(plain, sort_keys=False, allow_unicode=True)
        return f"---\n{text}---\n"
    if fmt == "json":
        plain = {**meta, "date": meta["date"].isoformat()}
        return json.dumps(plain, indent=2, ensure_ascii=False) + "\n"

    import tomli_w

    return f"+++\n{tomli_w.dumps(meta)}+++\n"


def slugify(title: str) -> str:
    """Return an ASCII slug: "Two Bytes, One Bug!" -> "two-bytes-one-bug"."""
    ascii_title = (
        unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")

    return slug[:60].rstrip("-") or "roast"


def create_exclusive(target: Path, text: str) -> Path:
    """Create `target` holding `text`, whole or not at all; never replace a file.

    The name is taken by hard link, which fails if anything already has it.
    """
    write_whole(target, text.encode("utf-8"), replace=False)

    return target
