"""roastbot's own settings, read from `[params.roastbot]` in the Hugo config.

```toml
[params.roastbot]
cadence_days = 7          # the promise: one entry every N days (default 7)
bot_handle = "roast-bot"  # pages by this handle or name never count as entries

[[params.roastbot.authors]]
handle = "desertaxle"     # GitHub handle, matched to authorGitHubHandle
name = "Alex Streed"      # matched to `author` / `authors` in front matter
aliases = ["Alex"]
cadence_days = 14         # overrides the site-wide promise for this author
emails = ["alex@example.com"]  # matched to commit authors in a local git source

[params.roastbot]
repos = ["PrefectHQ/prefect", "git:../prefect"]  # where authors ship their work
```

Hugo lower-cases config keys, so `cadence_days` and `Cadence_Days` are the same key.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_CADENCE_DAYS = 7
DEFAULT_BOT_HANDLE = "roast-bot"
DEFAULT_CACHE_DIR = ".roastbot/cache"
_GITHUB_NAME = r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"


class AuthorSettings(BaseModel):
    """One author who promised to write, as configured."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    handle: str = Field(
        min_length=1, pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$"
    )
    name: str | None = None
    aliases: tuple[str, ...] = ()
    cadence_days: int | None = Field(default=None, ge=1, le=366)
    emails: tuple[str, ...] = ()

    @field_validator("aliases", "emails", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """Accept a single string where a list is expected."""
        return [value] if isinstance(value, str) else value


class RepoSettings(BaseModel):
    """A place authors' pull requests come from: GitHub, or a local git clone.

    Written as a string (`"owner/name"`, `"github:owner/name"`, `"git:../path"`) or
    as a table with `source` and, for a clone, the GitHub `name` its PR links use
    (otherwise read from the clone's `origin` remote).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1)
    name: str | None = Field(default=None, pattern=_GITHUB_NAME)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: object) -> object:
        """Accept a plain string as the source."""
        return {"source": value} if isinstance(value, str) else value

    @field_validator("source")
    @classmethod
    def _known_kind(cls, source: str) -> str:
        """Refuse sources that are neither a GitHub name nor a git path."""
        kind, _, rest = source.partition(":")
        if kind == "git" and rest:
            return source
        name = rest if kind == "github" else source
        if ":" in name or not re.match(_GITHUB_NAME, name):
            raise ValueError(
                f"{source!r} is not owner/name, github:owner/name or git:PATH"
            )

        return source

    @property
    def kind(self) -> Literal["github", "git"]:
        """Return where the PRs come from."""
        return "git" if self.source.startswith("git:") else "github"

    @property
    def label(self) -> str:
        """Return the source's name in the data file: its kind, a colon, the rest."""
        if self.kind == "git" or self.source.startswith("github:"):
            return self.source

        return f"github:{self.source}"

    @property
    def target(self) -> str:
        """Return the GitHub owner/name, or the clone's path."""
        return self.label.partition(":")[2]


class LLMSettings(BaseModel):
    """`[params.roastbot.llm]`: which model writes roasts, and how long it may take."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(default="gpt-4o-mini", min_length=1)
    temperature: float = Field(default=0.8, ge=0, le=2)
    base_url: str | None = Field(
        default=None, description="An OpenAI-compatible server; OPENAI_BASE_URL too."
    )
    key_base_url: str | None = Field(
        default=None, description="The one non-default URL OPENAI_API_KEY may go to."
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    max_retries: int = Field(default=1, ge=0, le=3)
    max_prompt_tokens: int = Field(default=6000, ge=500, le=200_000)


class RoastbotSettings(BaseModel):
    """Everything under `[params.roastbot]`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    cadence_days: int = Field(default=DEFAULT_CADENCE_DAYS, ge=1, le=366)
    bot_handle: str = Field(default=DEFAULT_BOT_HANDLE, min_length=1)
    authors: tuple[AuthorSettings, ...] = ()
    repos: tuple[RepoSettings, ...] = ()
    cache_dir: str = Field(default=DEFAULT_CACHE_DIR, min_length=1)
    cache_minutes: int = Field(
        default=60, ge=0, description="Reuse GitHub answers this young unasked."
    )
    timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Per network request."
    )
    roast: bool = Field(default=False, description="Write roasts on every generate.")
    review: bool = Field(default=False, description="Write roast posts as drafts.")
    fallback: bool = Field(
        default=True, description="Use the built-in roaster when the model fails."
    )
    llm: LLMSettings = Field(default_factory=LLMSettings)
    live: bool = Field(
        default=False,
        description="Read by the footer partial only: add its live script.",
    )

    @field_validator("authors")
    @classmethod
    def _unique_handles(
        cls, authors: tuple[AuthorSettings, ...]
    ) -> tuple[AuthorSettings, ...]:
        """Refuse two authors with the same handle (handles are case-insensitive)."""
        seen: set[str] = set()
        for author in authors:
            key = author.handle.lower()
            if key in seen:
                raise ValueError(f"handle {author.handle!r} is listed twice")
            seen.add(key)

        return authors

    def cadence_for(self, author: AuthorSettings) -> int:
        """Return the author's own cadence, else the site-wide one."""
        return author.cadence_days or self.cadence_days


KNOWN_KEYS = frozenset(RoastbotSettings.model_fields)
