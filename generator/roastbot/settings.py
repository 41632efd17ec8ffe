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
```

Hugo lower-cases config keys, so `cadence_days` and `Cadence_Days` are the same key.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_CADENCE_DAYS = 7
DEFAULT_BOT_HANDLE = "roast-bot"


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


class RoastbotSettings(BaseModel):
    """Everything under `[params.roastbot]`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    cadence_days: int = Field(default=DEFAULT_CADENCE_DAYS, ge=1, le=366)
    bot_handle: str = Field(default=DEFAULT_BOT_HANDLE, min_length=1)
    authors: tuple[AuthorSettings, ...] = ()

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
