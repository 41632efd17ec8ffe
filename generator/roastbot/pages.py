"""Find a site's content pages and apply Hugo's publishing rules to them.

What Hugo counts as a regular page: every content file under `contentDir` except
`_index.*` (branch bundles), with the leaf-bundle rule that only `index.*` in a folder
is a page and everything beside or below it is a resource of that page. Names
starting with `.` or `#` or ending in `~`, and absolute paths matched by
`ignoreFiles`, are skipped as Hugo skips them (`source.SourceSpec.IgnoreFile`); names
starting with `_` are not.

Whether a page is published follows a production `hugo` build at a given clock: not a
draft, not future (`publishDate` after now), not expired (`expiryDate` before now),
and listed (`build.list` not `never`/`local`, not `headless`), unless the site sets
`buildDrafts`, `buildFuture` or `buildExpired`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from roastbot.cascade import Cascade, apply_cascades, read_cascades
from roastbot.dates import DateError, to_instant
from roastbot.errors import Diagnostics, FrontMatterError
from roastbot.frontmatter import FrontMatter, read_front_matter
from roastbot.site import Site

CONTENT_EXTENSIONS = frozenset(
    {
        "md", "markdown", "mdown",
        "html", "htm",
        "adoc", "asciidoc", "ad",
        "org", "pdc", "pandoc", "rst",
    }
)  # fmt: skip

# Hugo's default [frontmatter] lookup order for each date, keys lower-cased.
DEFAULT_DATE_KEYS: dict[str, tuple[str, ...]] = {
    "date": ("date", "publishdate", "pubdate", "published", "lastmod", "modified"),
    "publishdate": ("publishdate", "pubdate", "published", "date"),
    "expirydate": ("expirydate", "unpublishdate"),
}


@dataclass(frozen=True)
class Page:
    """A regular content page: what roastbot needs of it, as Hugo sees it."""

    path: str
    section: str
    title: str
    date: datetime | None
    publish_date: datetime | None
    expiry_date: datetime | None
    draft: bool
    listed: bool
    handles: tuple[str, ...]
    names: tuple[str, ...]
    line: int
    roastbot: dict[str, Any] | None = None
    format: str | None = None

    def is_published(self, now: datetime, site: Site) -> bool:
        """Return whether a production `hugo --clock NOW` build lists this page."""
        return self.listed and self.is_built(now, site)

    def is_built(self, now: datetime, site: Site) -> bool:
        """Return whether the build keeps the page at all (draft, future, expired)."""
        if self.draft and not site.builds("drafts"):
            return False
        future = self.publish_date is not None and self.publish_date > now
        if future and not site.builds("future"):
            return False
        # Hugo's clock keeps running from --clock, so an expiry at exactly the clock
        # time has passed by the time the page is checked, and a publishDate at
        # exactly that time has arrived.
        expired = self.expiry_date is not None and self.expiry_date <= now

        return not expired or site.builds("expired")


def load_pages(site: Site, diagnostics: Diagnostics) -> list[Page]:
    """Return every regular page of the site, in path order."""
    content = site.content_dir
    if not content.is_dir():
        diagnostics.warn(
            f"content directory {site.relative(content)} does not exist; no entries",
            path=site.relative(content),
        )
        return []

    files, branches = _content_files(site)
    reader = _Reader(site, _branch_cascades(site, branches), diagnostics)

    return [
        reader.read(path, relative) for path, relative in sorted(files, key=_by_path)
    ]


def _by_path(item: tuple[str, str]) -> str:
    return item[1]


def _branch_cascades(site: Site, branches: dict[str, str]) -> dict[str, list[Cascade]]:
    """Read the `cascade` of every branch bundle, by folder prefix."""
    found = {}
    for prefix, path in branches.items():
        data = read_front_matter(path, display=site.relative(Path(path))).data
        if "cascade" in data:
            found[prefix] = read_cascades(data["cascade"])

    return found


def _ancestors(relative: str) -> list[str]:
    """Return the folder prefixes above a page, nearest first ("posts/", "")."""
    parts = relative.split("/")[:-1]
    if parts and relative.rsplit("/", 1)[-1].startswith("index."):
        parts = parts[:-1]  # a leaf bundle's own folder is the page, not a branch

    return [
        "/".join(parts[:depth]) + "/" if depth else ""
        for depth in range(len(parts), -1, -1)
    ]


def _hugo_path(relative: str) -> str:
    """Return the page's path as Hugo matches it: "/posts/my-post"."""
    stem = relative.rpartition(".")[0] or relative
    stem = stem.removesuffix("/index") if "/" in stem else stem

    return "/" + stem.lower().replace(" ", "-")


def _content_files(site: Site) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Walk the content directory.

    Return the regular pages as (file, path relative to contentDir), and the branch
    bundles' `_index` files by folder prefix.
    """
    found: list[tuple[str, str]] = []
    branches: dict[str, str] = {}
    stack = [(str(site.content_dir), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as scan:
            entries = [entry for entry in scan if not _is_skipped(entry.name)]
        files = [entry for entry in entries if entry.is_file()]
        index = next((f for f in files if _is_content(f.name, "index")), None)
        if index is not None and prefix:
            # A leaf bundle: the index is the page, the rest are its resources.
            if not _is_ignored(site, index.path):
                found.append((index.path, prefix + index.name))
            continue
        for entry in files:
            if not _is_content(entry.name) or _is_ignored(site, entry.path):
                continue
            if entry.name.rpartition(".")[0] == "_index":
                branches[prefix] = entry.path
            else:
                found.append((entry.path, prefix + entry.name))
        for entry in entries:
            if entry.is_dir():
                stack.append((entry.path, f"{prefix}{entry.name}/"))

    return found, branches


def _is_skipped(name: str) -> bool:
    """Return whether Hugo skips a file or folder by its name."""
    return name.startswith((".", "#")) or name.endswith("~")


def _is_content(name: str, stem: str | None = None) -> bool:
    """Return whether `name` is a content file (named `stem`, if given)."""
    base, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in CONTENT_EXTENSIONS:
        return False

    return stem is None or base == stem


def _is_ignored(site: Site, path: str) -> bool:
    """Return whether `ignoreFiles` matches the file's absolute path."""
    if not site.ignore_files:
        return False
    text = path.replace(os.sep, "/")

    return any(pattern.search(text) for pattern in site.ignore_files)


@dataclass(frozen=True)
class _File:
    """A content file: where it is, its path in contentDir, and how to name it."""

    path: str
    relative: str
    shown: str


class _Reader:
    """Turn content files into pages, with what is fixed for the whole site."""

    def __init__(
        self,
        site: Site,
        cascades: dict[str, list[Cascade]],
        diagnostics: Diagnostics,
    ) -> None:
        self.site = site
        self.cascades = cascades
        self.config_cascades = read_cascades(site.config.get("cascade"))
        self.diagnostics = diagnostics
        self.default_tz = site.time_zone or UTC
        self.shown_content = site.relative(site.content_dir)
        self.date_keys = {
            name: _date_keys(site.frontmatter.get(name), defaults)
            for name, defaults in DEFAULT_DATE_KEYS.items()
        }

    def read(self, path: str, relative: str) -> Page:
        """Parse one content file into a `Page`, filling gaps from its cascades."""
        file = _File(path, relative, f"{self.shown_content}/{relative}")
        matter = read_front_matter(path, display=file.shown)
        chain = [c for p in _ancestors(relative) for c in self.cascades.get(p, ())]
        if chain or self.config_cascades:
            data = apply_cascades(
                matter.data,
                chain + self.config_cascades,
                _hugo_path(relative),
                self.site.environment,
            )
            matter = replace(matter, data=data)
        data = matter.data
        params = data["params"] if isinstance(data.get("params"), dict) else {}
        dates = self._dates(file, matter)

        return Page(
            path=relative,
            # Hugo lower-cases page paths, so `Blog/x.md` is in section "blog".
            section=relative.split("/", 1)[0].lower() if "/" in relative else "",
            title=_title(data, relative),
            date=dates["date"],
            publish_date=dates["publishdate"],
            expiry_date=dates["expirydate"],
            draft=_truthy(data.get("draft")),
            listed=_is_listed(data, file.shown, self.diagnostics),
            handles=_strings(_param(data, params, "authorgithubhandle")),
            names=(
                _strings(_param(data, params, "author"))
                + _strings(_param(data, params, "authors"))
            ),
            line=matter.first_line,
            roastbot=_roastbot_meta(data, params),
            format=matter.format,
        )

    def _dates(self, file: _File, matter: FrontMatter) -> dict[str, datetime | None]:
        """Resolve date, publishDate and expiryDate along the `[frontmatter]` lists.

        Each list is Hugo's handler chain: the first key with a value wins. The
        lists share keys (`date` is in all of them), so each key is read once.
        """
        seen: dict[str, datetime | None] = {}
        resolved: dict[str, datetime | None] = {}
        for name, keys in self.date_keys.items():
            resolved[name] = None
            for key in keys:
                if key not in seen:
                    seen[key] = self._date_for(key, file, matter)
                if seen[key] is not None:
                    resolved[name] = seen[key]
                    break

        return resolved

    def _date_for(self, key: str, file: _File, matter: FrontMatter) -> datetime | None:
        """Return one handler's date: a front matter key, `:filename` and so on."""
        if key == ":filename":
            return _filename_date(file.relative, self.default_tz)
        if key == ":filemodtime":
            return datetime.fromtimestamp(os.stat(file.path).st_mtime, UTC)
        if key.startswith(":"):
            # `:git` needs enableGitInfo and the repository history; Hugo moves on to
            # the next key when it has no value, and so do we.
            return None

        return _front_matter_date(matter, key, self.default_tz, file.shown)


def _roastbot_meta(
    data: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any] | None:
    """Return the `roastbot` table roast posts carry under `[params]`, if any."""
    meta = _param(data, params, "roastbot")

    return meta if isinstance(meta, dict) else None


def _param(data: dict[str, Any], params: dict[str, Any], key: str) -> Any:
    """Return a front matter value set at the top level or under `[params]`."""
    value = data.get(key)

    return params.get(key) if value is None else value


def _strings(value: Any) -> tuple[str, ...]:
    """Return a front matter value that may be one string or a list, as strings."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]

    return tuple(str(item).strip() for item in items if str(item).strip())


def _truthy(value: Any) -> bool:
    """Return a front matter flag as Hugo's cast.ToBool reads it."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "t"}

    return bool(value)


def _title(data: dict[str, Any], relative: str) -> str:
    """Return the page title, falling back to its file or bundle name."""
    title = data.get("title")
    if title is not None and str(title).strip():
        return str(title)
    stem = relative.rsplit("/", 2)
    name = stem[-2] if stem[-1].startswith("index.") and len(stem) > 1 else stem[-1]

    return name.rpartition(".")[0] or name


def _is_listed(data: dict[str, Any], shown: str, diagnostics: Diagnostics) -> bool:
    """Return whether the page is in site collections (`build.list`, `headless`)."""
    if _truthy(data.get("headless")):
        return False
    build = data.get("build", data.get("_build"))
    if not isinstance(build, dict):
        return True
    listing = build.get("list", "always")
    if isinstance(listing, bool):
        return listing
    if str(listing).lower() in {"never", "local"}:
        return False
    if str(listing).lower() != "always":
        diagnostics.warn(
            f"build.list = {listing!r} is not always, local or never; taken as always",
            path=shown,
        )

    return True


def _date_keys(configured: Any, defaults: tuple[str, ...]) -> list[str]:
    """Expand a `[frontmatter]` list, replacing `:default` with Hugo's own order."""
    if configured is None:
        return list(defaults)
    items = [configured] if isinstance(configured, str) else list(configured)
    keys: list[str] = []
    for item in items:
        key = str(item).lower()
        keys.extend(defaults if key == ":default" else [key])

    return keys


def _front_matter_date(
    matter: FrontMatter, key: str, default_tz: tzinfo, shown: str
) -> datetime | None:
    """Return the front matter date under `key`, or None when it is unset or empty."""
    value = matter.data.get(key)
    if value is None or value == "":
        return None
    try:
        return to_instant(value, default_tz)
    except DateError as exc:
        raise FrontMatterError(
            f"{key}: {exc}",
            path=shown,
            line=matter.line_of(key),
            hint="write the date as 2026-12-03, 2026-12-03T10:00:00 or "
            "2026-12-03T10:00:00-05:00",
        ) from None


def _filename_date(relative: str, default_tz: tzinfo) -> datetime | None:
    """Return the date that starts the file (or bundle folder) name, if any.

    Hugo's `:filename` tries `YYYY-MM-DD?HH-MM-SS` on the first 19 characters, then
    `YYYY-MM-DD` on the first 10, in the site zone (dateAndSlugFromBaseFilename).
    """
    parts = relative.split("/")
    name = parts[-1].rpartition(".")[0]
    if name == "index" and len(parts) > 1:
        name = parts[-2]
    candidates = [name[:10]]
    if len(name) >= 19:
        candidates.insert(0, f"{name[:10]}T{name[11:19].replace('-', ':')}")
    for candidate in candidates:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?", candidate):
            continue
        try:
            return to_instant(candidate, default_tz)
        except DateError:
            continue

    return None
