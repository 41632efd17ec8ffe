"""Front matter cascades: values a section (or the site config) hands down to pages.

Hugo reads `cascade` from the front matter of branch bundles (`_index.md`, the home
page's included) and from the site config. A cascade is a table or a list of tables;
each may carry a `target` (the older name `_target` still works) that limits it to
pages whose path, kind or environment match a glob. A page keeps every value it sets
itself; a missing value comes from the nearest matching cascade, then from those of
its ancestors, then from the config (resources/page/page_matcher.go).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

TARGET_KEYS = ("target", "_target")


@dataclass(frozen=True)
class Cascade:
    """One cascade block: the values, and what pages it targets."""

    values: dict[str, Any]
    target: dict[str, Any]

    def matches(self, page_path: str, environment: str) -> bool:
        """Return whether this block applies to the regular page at `page_path`."""
        path = self.target.get("path")
        if path and not _glob(str(path).lower(), "/").fullmatch(page_path):
            return False
        kind = self.target.get("kind")
        if kind and not _glob(str(kind).lower(), "").fullmatch("page"):
            return False
        env = self.target.get("environment")

        return not env or bool(_glob(str(env).lower(), "").fullmatch(environment))


def read_cascades(value: Any) -> list[Cascade]:
    """Return the cascade blocks of a `cascade` value (a table or a list of tables)."""
    blocks = value if isinstance(value, list) else [value]
    cascades = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        target: dict[str, Any] = next(
            (block[key] for key in TARGET_KEYS if isinstance(block.get(key), dict)), {}
        )
        values = {k: v for k, v in block.items() if k not in TARGET_KEYS}
        cascades.append(Cascade(values, target))

    return cascades


def apply_cascades(
    data: dict[str, Any], cascades: list[Cascade], page_path: str, environment: str
) -> dict[str, Any]:
    """Return `data` with the values it lacks filled from the matching cascades.

    `cascades` run nearest first; an earlier value is never replaced. `params` tables
    are filled key by key, as Hugo merges them.
    """
    merged = dict(data)
    for cascade in cascades:
        if not cascade.matches(page_path, environment):
            continue
        for key, value in cascade.values.items():
            current = merged.get(key)
            if current is None:
                merged[key] = value
            elif isinstance(current, dict) and isinstance(value, dict):
                merged[key] = {**value, **current}

    return merged


@lru_cache(maxsize=256)
def _glob(pattern: str, separator: str) -> re.Pattern[str]:
    """Compile a gobwas-style glob: `**`, `*`, `?`, `{a,b}` and `[...]`."""
    return re.compile(_glob_source(pattern, separator))


def _glob_source(pattern: str, separator: str) -> str:
    """Translate a glob into regular expression source."""
    any_char = f"[^{re.escape(separator)}]" if separator else "."
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append(f"{any_char}*")
        elif char == "?":
            out.append(any_char)
        elif char == "{":
            end = pattern.find("}", index)
            if end == -1:
                out.append(re.escape(char))
            else:
                options = pattern[index + 1 : end].split(",")
                inner = "|".join(_glob_source(option, separator) for option in options)
                out.append(f"(?:{inner})")
                index = end
        elif char == "[":
            end = pattern.find("]", index)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end]
                body = "^" + body[1:] if body.startswith("!") else body
                out.append(f"[{body}]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1

    return "".join(out)
