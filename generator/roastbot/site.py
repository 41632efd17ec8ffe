"""Read a Hugo site's configuration the way Hugo does.

Hugo looks for one root config file (`hugo.toml`, `hugo.yaml`, `hugo.json`, then the
older `config.*` names) and for a config directory (`config/_default/`, then the
directory of the environment, `production` for `hugo` builds). In the directory, a file
named `hugo.*` or `config.*` holds top-level keys and any other file holds the key its
name gives (`params.toml` becomes `params`). Later sources merge over earlier ones,
key by key. Hugo lower-cases every key, and so do we.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from roastbot.errors import ConfigError, Diagnostics
from roastbot.formats import Format, SyntaxProblem, load, lower_keys
from roastbot.settings import KNOWN_KEYS, RoastbotSettings

ROOT_CONFIG_NAMES = ("hugo", "config")
CONFIG_EXTENSIONS: dict[str, Format] = {
    ".toml": "toml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
}
DEFAULT_ENVIRONMENT = "production"


@dataclass(frozen=True)
class Site:
    """A Hugo site root and the parts of its configuration roastbot relies on."""

    root: Path
    config: dict[str, Any]
    config_files: tuple[Path, ...]
    settings: RoastbotSettings
    environment: str = DEFAULT_ENVIRONMENT
    time_zone: ZoneInfo | None = None
    ignore_files: tuple[re.Pattern[str], ...] = field(default=())

    @property
    def content_dir(self) -> Path:
        """Return the content directory (`contentDir`, default `content`)."""
        return self.root / str(self.config.get("contentdir") or "content")

    @property
    def data_dir(self) -> Path:
        """Return the data directory (`dataDir`, default `data`)."""
        return self.root / str(self.config.get("datadir") or "data")

    @property
    def params(self) -> dict[str, Any]:
        """Return the site params (empty when unset)."""
        params = self.config.get("params")

        return params if isinstance(params, dict) else {}

    @property
    def main_sections(self) -> list[str] | None:
        """Return `params.mainSections` as configured, or None to let pages decide."""
        sections = self.params.get("mainsections")
        if sections is None:
            return None
        if isinstance(sections, str):
            return [sections]

        return [str(section) for section in sections]

    @property
    def frontmatter(self) -> dict[str, Any]:
        """Return the `[frontmatter]` table (empty when unset)."""
        table = self.config.get("frontmatter")

        return table if isinstance(table, dict) else {}

    def builds(self, kind: str) -> bool:
        """Return whether `buildDrafts`, `buildFuture` or `buildExpired` is set."""
        return self.config.get(f"build{kind}") is True

    @property
    def config_shown(self) -> str | None:
        """Return the first config file, relative to the root, for messages."""
        return self.relative(self.config_files[0]) if self.config_files else None

    def relative(self, path: Path) -> str:
        """Return `path` relative to the site root, for messages."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def load_site(
    root: Path,
    *,
    environment: str | None = None,
    diagnostics: Diagnostics,
) -> Site:
    """Load the Hugo config of the site at `root`; raise `ConfigError` if unusable."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(
            f"site directory {root} does not exist",
            hint="pass the Hugo site root with --site DIR",
        )

    env = environment or _environment_from_env()
    files = find_config_files(root, env)
    if not files:
        raise ConfigError(
            f"no Hugo config found in {root}",
            hint="run roastbot in the site root (beside hugo.toml) or pass --site DIR",
        )

    config: dict[str, Any] = {}
    for path, key in files:
        merge_into(config, _read_config_file(root, path, key))

    settings = _load_settings(root, config, files, diagnostics)

    return Site(
        root=root,
        config=config,
        config_files=tuple(path for path, _ in files),
        settings=settings,
        environment=env,
        time_zone=_time_zone(root, config, files),
        ignore_files=_ignore_patterns(root, config, files),
    )


def _environment_from_env() -> str:
    """Return the Hugo environment named by HUGO_ENVIRONMENT or HUGO_ENV."""
    return (
        os.environ.get("HUGO_ENVIRONMENT")
        or os.environ.get("HUGO_ENV")
        or DEFAULT_ENVIRONMENT
    )


def find_config_files(root: Path, environment: str) -> list[tuple[Path, str | None]]:
    """Return the config files Hugo reads, in merge order, each with its root key."""
    found: list[tuple[Path, str | None]] = []
    root_file = _first_root_config(root)
    if root_file is not None:
        found.append((root_file, None))

    for folder in (root / "config" / "_default", root / "config" / environment):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix not in CONFIG_EXTENSIONS or not path.is_file():
                continue
            stem = path.stem.lower()
            found.append((path, None if stem in ROOT_CONFIG_NAMES else stem))

    return found


def _first_root_config(root: Path) -> Path | None:
    """Return the root config file Hugo would pick, if any."""
    for name in ROOT_CONFIG_NAMES:
        for suffix in (".toml", ".yaml", ".yml", ".json"):
            candidate = root / f"{name}{suffix}"
            if candidate.is_file():
                return candidate

    return None


def _read_config_file(root: Path, path: Path, key: str | None) -> dict[str, Any]:
    """Parse one config file; nest it under `key` when the file name gives one."""
    shown = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = load(CONFIG_EXTENSIONS[path.suffix], text)
    except SyntaxProblem as exc:
        raise ConfigError(
            f"invalid {path.suffix[1:].upper()}: {exc.message}",
            path=shown,
            line=exc.line,
            hint="fix the syntax; `hugo config` shows what Hugo makes of the file",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", path=shown) from None

    data = lower_keys(data)
    if key is None:
        return dict(data)

    # menus.en.toml and params.fr.toml are per-language; roastbot reads the default
    # language only, like its single contentDir.
    if "." in key:
        return {}
    # params.toml holding a single [params] table is unwrapped, as Hugo does.
    if list(data) == [key] and isinstance(data[key], dict):
        return {key: data[key]}

    return {key: data}


def merge_into(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge `source` into `target`, recursing into tables; `source` wins."""
    for key, value in source.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merge_into(current, value)
        else:
            target[key] = value


def _load_settings(
    root: Path,
    config: dict[str, Any],
    files: list[tuple[Path, str | None]],
    diagnostics: Diagnostics,
) -> RoastbotSettings:
    """Validate `[params.roastbot]`; report errors at the file and line of the key."""
    params = config.get("params")
    raw = params.get("roastbot", {}) if isinstance(params, dict) else {}
    if not isinstance(raw, dict):
        path, line = locate_key(root, files, ["params", "roastbot"])
        raise ConfigError(
            "params.roastbot must be a table of settings",
            path=path,
            line=line,
            hint="write it as [params.roastbot] with keys under it",
        )

    for key in sorted(set(raw) - KNOWN_KEYS):
        path, line = locate_key(root, files, ["roastbot", key])
        known = ", ".join(sorted(KNOWN_KEYS))
        diagnostics.warn(
            f"unknown setting params.roastbot.{key} is ignored (known: {known})",
            path=path,
            line=line,
        )

    try:
        return RoastbotSettings.model_validate(raw)
    except ValidationError as exc:
        raise _settings_error(root, files, exc) from None


def _settings_error(
    root: Path, files: list[tuple[Path, str | None]], exc: ValidationError
) -> ConfigError:
    """Turn the first pydantic error into a message at its place in the config."""
    lines = []
    for error in exc.errors():
        dotted = ".".join(str(part) for part in error["loc"])
        lines.append(f"params.roastbot.{dotted}: {error['msg']}")
    first = exc.errors()[0]["loc"]
    keys = [part if isinstance(part, int) else str(part) for part in first]
    path, line = locate_key(root, files, ["roastbot", *keys])

    return ConfigError(
        "; ".join(lines),
        path=path,
        line=line,
        hint="correct the value under [params.roastbot]; see the README's settings",
    )


def locate_key(
    root: Path, files: list[tuple[Path, str | None]], keys: list[str | int]
) -> tuple[str | None, int | None]:
    """Find the config file and line that most likely set a dotted key.

    TOML and YAML parsers keep no positions, so this scans the text: the last key of
    the path if it is written anywhere, else its parent (a missing key is reported at
    its table), taking the n-th occurrence for the n-th entry of a list.
    """
    names = [key for key in keys if isinstance(key, str)]
    texts = [(path, _read_text(path)) for path, _ in reversed(files)]
    for depth in range(len(names), 0, -1):
        name = names[depth - 1]
        position = keys.index(name)
        following = keys[position + 1] if position + 1 < len(keys) else None
        nth = following if isinstance(following, int) else 0
        for path, text in texts:
            if line := _nth_key_line(text, name, nth):
                return path.relative_to(root).as_posix(), line

    if files:
        return files[-1][0].relative_to(root).as_posix(), None

    return None, None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _nth_key_line(text: str, key: str, nth: int) -> int | None:
    """Return the line of the `nth` place (0-based) that sets `key`, if any."""
    pattern = re.compile(
        rf"^\s*(?:\[+\s*)?[\"']?(?:[\w.-]*\.)?{re.escape(key)}[\"']?\s*[=:\]]",
        re.IGNORECASE,
    )
    found = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if pattern.match(line)
    ]

    return found[nth] if nth < len(found) else (found[-1] if found else None)


def _time_zone(
    root: Path, config: dict[str, Any], files: list[tuple[Path, str | None]]
) -> ZoneInfo | None:
    """Return the site's `timeZone`, or None when it is unset."""
    name = config.get("timezone")
    if not name:
        return None
    if str(name) == "Local":
        # Go's "Local" is the zone TZ names, else the system's.
        name = os.environ.get("TZ", "").removeprefix(":") or _system_zone_name()
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        path, line = locate_key(root, files, ["timezone"])
        raise ConfigError(
            f"timeZone {name!r} is not an IANA time zone",
            path=path,
            line=line,
            hint='use a name such as "America/Chicago" or "Europe/Berlin"',
        ) from None


def _system_zone_name() -> str:
    """Return the IANA name of the system zone (/etc/localtime), else UTC."""
    try:
        target = Path("/etc/localtime").resolve().as_posix()
    except OSError:
        return "UTC"
    _, found, name = target.partition("/zoneinfo/")

    return name if found else "UTC"


def _ignore_patterns(
    root: Path, config: dict[str, Any], files: list[tuple[Path, str | None]]
) -> tuple[re.Pattern[str], ...]:
    """Compile `ignoreFiles`, the regular expressions of content paths Hugo skips."""
    patterns = config.get("ignorefiles") or []
    if isinstance(patterns, str):
        patterns = [patterns]
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(str(pattern)))
        except re.error as exc:
            path, line = locate_key(root, files, ["ignorefiles"])
            raise ConfigError(
                f"ignoreFiles entry {pattern!r} is not a regular expression: {exc}",
                path=path,
                line=line,
            ) from None

    return tuple(compiled)
