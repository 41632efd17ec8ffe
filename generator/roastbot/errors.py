"""Errors roastbot raises, and the warnings it collects on the way.

    RoastbotError            anything roastbot reports to the user and exits 1 on
    └── InputError           the site is wrong: carries the file, the line and a fix
        ├── ConfigError      the Hugo config or [params.roastbot]
        └── FrontMatterError a content file's front matter

Warnings are not exceptions: a stage that can go on with a sensible value adds a
`Warning` to the run's `Diagnostics` and continues. `--strict` turns them into exit 1
at the CLI boundary, after every stage has had its say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class RoastbotError(Exception):
    """Report a failure the user can act on."""


class InputError(RoastbotError):
    """Report bad input at a place in a file, with what to do about it."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """Return `file:line: message` followed by the hint, as the CLI prints it."""
        where = format_location(self.path, self.line)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  fix: {self.hint}"

        return text


class ConfigError(InputError):
    """Report a Hugo config or `[params.roastbot]` setting that cannot be honoured."""


class FrontMatterError(InputError):
    """Report front matter that cannot be read."""


def format_location(path: Path | str | None, line: int | None) -> str:
    """Return `path:line`, `path`, or an empty string."""
    if path is None:
        return ""
    if line is None:
        return str(path)

    return f"{path}:{line}"


@dataclass(frozen=True)
class Warning:
    """One thing roastbot worked around, and where."""

    message: str
    path: Path | str | None = None
    line: int | None = None

    def render(self) -> str:
        """Return the warning as one `file:line: message` line."""
        where = format_location(self.path, self.line)

        return f"{where}: {self.message}" if where else self.message


@dataclass
class Diagnostics:
    """Collect the warnings of one run, in the order they were found."""

    warnings: list[Warning] = field(default_factory=list)

    def warn(
        self, message: str, *, path: Path | str | None = None, line: int | None = None
    ) -> None:
        """Record a warning."""
        self.warnings.append(Warning(message, path, line))
