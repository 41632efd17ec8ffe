"""The shape of a roast: fields a writer fills, never a finished file.

A model (or the built-in roaster) returns a `RoastDraft`; roastbot checks it against
the PR's facts, sanitizes it, and renders the Markdown and front matter itself. The
shape follows the dev log's roasts: a title, an opening that states the PR's goal
fairly, a few sections that each land one joke on one real fact, one grudging
compliment, and a closing verdict with a persona and a one-line reason.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Bump when the prompt or the draft's shape changes: cached answers key on it.
PROMPT_VERSION = "roast-v1"

Writer = Literal["model", "builtin", "unknown"]
RoastStatus = Literal[
    "written", "not_overdue", "already_roasted", "no_prs", "all_prs_roasted", "failed"
]


class _Draft(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Section(_Draft):
    """One joke on one real fact."""

    heading: str = Field(min_length=1, max_length=80)
    body: str = Field(min_length=1, max_length=1500)


class Verdict(_Draft):
    """The closing line: a persona name and why."""

    persona: str = Field(min_length=1, max_length=60, examples=["The Paramedic"])
    line: str = Field(
        min_length=1,
        max_length=200,
        examples=["writes the feature, then spends the week resuscitating it"],
    )


class RoastDraft(_Draft):
    """A roast of one pull request, as fields."""

    title: str = Field(min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=240)
    opening: str = Field(
        min_length=1, max_length=1500, description="States the PR's goal fairly."
    )
    sections: list[Section] = Field(min_length=1, max_length=5)
    compliment: str = Field(min_length=1, max_length=800)
    verdict: Verdict
