"""Cascade targets match page paths with Hugo's glob rules."""

from __future__ import annotations

import pytest

from roastbot.cascade import apply_cascades, read_cascades


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("/posts/**", "/posts/a", True),
        ("/posts/**", "/posts/2026/a", True),
        ("/posts/*", "/posts/2026/a", False),
        ("/posts/?", "/posts/a", True),
        ("{/docs,/docs/**}", "/docs", True),
        ("{/docs,/docs/**}", "/docsx", False),
        ("/posts/[!x]*", "/posts/a", True),
        ("/posts/[!x]*", "/posts/xa", False),
        ("/Posts/**", "/posts/a", True),  # Hugo lower-cases the glob
    ],
)
def test_target_paths_use_hugo_globs(glob: str, path: str, matches: bool) -> None:
    """`*` stays within a folder, `**` crosses folders, braces give alternatives."""
    [cascade] = read_cascades({"draft": True, "target": {"path": glob}})

    assert cascade.matches(path, "production") is matches


def test_values_fill_only_what_the_page_lacks() -> None:
    """A page's own values win; params are filled key by key; nearest wins."""
    near = {"params": {"author": "Near"}, "date": "2026-01-01"}
    far = {"params": {"author": "Far", "authorgithubhandle": "far"}, "draft": True}
    cascades = read_cascades(near) + read_cascades(far)

    data = apply_cascades({"date": "2026-02-02"}, cascades, "/p", "production")

    assert data == {
        "date": "2026-02-02",
        "params": {"author": "Near", "authorgithubhandle": "far"},
        "draft": True,
    }


def test_legacy_target_and_environment() -> None:
    """`_target` still works, and `environment` limits a block to one environment."""
    [cascade] = read_cascades([{"draft": True, "_target": {"environment": "prod*"}}])

    assert cascade.matches("/p", "production")
    assert not cascade.matches("/p", "development")
