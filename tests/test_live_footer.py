"""The footer's opt-in live script: in the built HTML, and run by a real Chromium.

The site is built at 2026-12-03 with an entry dated 2026-12-01 ("2 days ago", on
track for a weekly promise). A reader whose clock says a later day should see the
day count and status of that day, counted in the site's time zone; a reader without
JavaScript sees the build's text. The browser tests drive Debian's chromium through
Playwright (its own browser downloads are not used) and skip when there is none.
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import REPO, Hugo, run_cli

pytestmark = pytest.mark.hugo

NOW = "2026-12-03T09:00:00-06:00"
CONFIG = """
title = "Log"
timeZone = "America/Chicago"
disableKinds = ["taxonomy", "term"]
[params]
mainSections = ["posts"]
[params.roastbot]
cadence_days = 7
{live}
[[params.roastbot.authors]]
handle = "ada"
name = "Ada Quill"
[[params.roastbot.authors]]
handle = "cy"
"""
ENTRY = (
    '+++\ntitle = "Queue notes"\ndate = 2026-12-01\n'
    '[params]\nauthorGitHubHandle = "ada"\n+++\n'
)
HOME = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Log</title><link rel="icon" href="data:,">
<style>
body {{ font: 16px/1.5 sans-serif; margin: 1rem; }}
.roastbot-status-on_track .roastbot-status {{ color: #137333; }}
.roastbot-status-due .roastbot-status {{ color: #b06000; }}
.roastbot-status-overdue .roastbot-status {{ color: #c5221f; font-weight: 600; }}
</style></head>
<body><main>Log</main><footer>{call}</footer></body>
</html>
"""
FOOTER = '{{ partial "roastbot/footer.html" . }}'
SCRIPT_SRC = re.compile(r"^/roastbot/live\.min\.[0-9a-f]{64}\.js$")
ARTIFACTS = REPO / "tests" / "artifacts"

SiteMaker = Callable[..., Path]


@pytest.fixture
def live_site(theme_site: Callable[[dict[str, str]], Path]) -> SiteMaker:
    """Return a factory: the two-author site, generated at NOW, calling `call`."""

    def make(*, live: str = "", call: str = FOOTER) -> Path:
        site = theme_site(
            {
                "hugo.toml": CONFIG.format(live=live),
                "layouts/home.html": HOME.format(call=call),
                "layouts/single.html": "{{ .Title }}",
                "layouts/list.html": "{{ .Title }}",
                "content/posts/a.md": ENTRY,
            }
        )
        result = run_cli("generate", "--site", str(site), "--now", NOW)
        assert result.returncode == 0, result.stderr
        # roastbot knows params.roastbot.live, though only the partial reads it.
        assert "unknown setting" not in result.stderr, result.stderr

        return site

    return make


def build(hugo: Hugo, site: Path, out: Path) -> tuple[BeautifulSoup, str]:
    """Build the site at NOW into `out`; return the home page and Hugo's log."""
    result = hugo.build(site, clock=NOW, destination=out)
    html = (out / "index.html").read_text(encoding="utf-8")

    return BeautifulSoup(html, "html.parser"), result.stdout + result.stderr


def live_scripts(soup: BeautifulSoup) -> list[Tag]:
    """Return the page's roastbot live script tags."""
    return soup.select("script[data-roastbot-live]")


# The HTML Hugo writes.


ARG_ON = '{{ partial "roastbot/footer.html" (dict "page" . "live" true) }}'
ARG_OFF = '{{ partial "roastbot/footer.html" (dict "page" . "live" false) }}'


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        pytest.param(("", FOOTER, {}), 0, id="default"),
        pytest.param(("live = false", FOOTER, {}), 0, id="param-false"),
        pytest.param(("live = true", FOOTER, {}), 1, id="param-true"),
        pytest.param(("", ARG_ON, {}), 1, id="arg-true"),
        pytest.param(("live = true", ARG_OFF, {}), 0, id="arg-overrides-param"),
        pytest.param(
            ("", FOOTER, {"HUGO_PARAMS_ROASTBOT_LIVE": "true"}), 1, id="environment"
        ),
    ],
)
def test_script_only_when_live(
    hugo: Hugo,
    live_site: SiteMaker,
    tmp_path: Path,
    setup: tuple[str, str, dict[str, str]],
    expected: int,
) -> None:
    """Off by default; params.roastbot.live or the dict's `live` turn it on."""
    live, call, env = setup
    out = tmp_path / "public"
    result = hugo.build(
        live_site(live=live, call=call), clock=NOW, destination=out, env=env
    )
    soup = BeautifulSoup((out / "index.html").read_text("utf-8"), "html.parser")
    assert "WARN" not in result.stdout + result.stderr

    scripts = live_scripts(soup)
    assert len(scripts) == expected
    published = sorted(out.glob("roastbot/*.js"))
    assert len(published) == expected
    if expected:
        [script] = scripts
        assert SCRIPT_SRC.match(str(script["src"])), script
        assert script.has_attr("defer")
        # After the footer, not inside it.
        assert script.find_previous_sibling("div")["class"] == ["roastbot-footer"]
        assert (out / str(script["src"]).lstrip("/")) == published[0]


def test_live_footer_builds_cleanly_on_each_hugo(
    any_hugo: Hugo, live_site: SiteMaker, tmp_path: Path
) -> None:
    """Hugo 0.148 and the current Hugo both publish the minified script, unwarned."""
    out = tmp_path / "public"
    soup, log = build(any_hugo, live_site(live="live = true"), out)

    [footer] = soup.select(".roastbot-footer")
    assert footer["data-timezone"] == "America/Chicago"
    [script] = live_scripts(soup)
    assert SCRIPT_SRC.match(str(script["src"]))
    published = (out / str(script["src"]).lstrip("/")).read_text(encoding="utf-8")
    source = (REPO / "assets-roastbot" / "roastbot" / "live.js").read_text("utf-8")
    assert "roastbotLive" in published
    assert len(published) < len(source) / 2, "the script is published minified"
    assert "WARN" not in log, log
    assert "deprecated" not in log.lower(), log


def test_live_is_a_bool(hugo: Hugo, live_site: SiteMaker, tmp_path: Path) -> None:
    """A `live` that is not a bool stops the build with a clear error."""
    site = live_site(call='{{ partial "roastbot/footer.html" (dict "live" "yes") }}')

    with pytest.raises(AssertionError, match="live must be true or false, got string"):
        build(hugo, site, tmp_path / "public")


def test_a_missing_script_warns_and_keeps_the_footer(
    hugo: Hugo, live_site: SiteMaker, tmp_path: Path
) -> None:
    """A copy of the theme without assets-roastbot/ renders the footer and warns."""
    theme = tmp_path / "theme"
    theme.mkdir()
    shutil.copy(REPO / "hugo.toml", theme / "hugo.toml")
    shutil.copytree(REPO / "layouts-partials", theme / "layouts-partials")
    site = live_site(live="live = true")
    config = site / "hugo.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(REPO.as_posix(), theme.as_posix()),
        encoding="utf-8",
    )

    soup, log = build(hugo, site, tmp_path / "public")

    assert soup.select(".roastbot-footer [data-roastbot-author]")
    assert live_scripts(soup) == []
    assert "roastbot-live-missing" in log, log


# A real browser.

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _find_chromium() -> str | None:
    """Return the system Chromium: /usr/bin/chromium, else one on PATH."""
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found

    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright; skip when there is none."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (it is a dev dependency)")
    executable = _find_chromium()
    if executable is None:
        pytest.skip(
            "no chromium at /usr/bin/chromium or on PATH; "
            "install it with `apt-get install -y chromium` to run the browser tests"
        )
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as exc:
            pytest.skip(f"playwright could not launch {executable}: {exc}")
        try:
            yield launched
        finally:
            launched.close()


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1 (a free port); yield its root URL."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Keep the request log out of the test output."""

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def served(hugo: Hugo, live_site: SiteMaker, tmp_path: Path) -> Iterator[str]:
    """Build the live site and serve its public/; yield the home page's URL."""
    out = tmp_path / "public"
    build(hugo, live_site(live="live = true"), out)
    with serve(out) as url:
        yield url


def open_home(
    browser: Any,
    url: str,
    *,
    clock: str | None = None,
    javascript: bool = True,
    rewrite: Callable[[str], str] | None = None,
) -> tuple[Any, list[str]]:
    """Open the home page (with the clock at `clock`); return it and its JS errors.

    The reader is in Tokyo, far from the site's Chicago, so a count made in the
    reader's own zone would differ from the site's.
    """
    context = browser.new_context(
        java_script_enabled=javascript,
        timezone_id="Asia/Tokyo",
        locale="en-US",
        viewport={"width": 900, "height": 300},
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    if rewrite is not None:
        edit = rewrite

        def fulfil(route: Any) -> None:
            response = route.fetch()
            route.fulfill(response=response, body=edit(response.text()))

        page.route(url, fulfil)
    if clock is not None:
        page.clock.install(time=datetime.fromisoformat(clock))
    page.goto(url, wait_until="load")

    return page, errors


def ada(page: Any) -> dict[str, Any]:
    """Return what Ada's footer line shows and carries."""
    line = page.locator('.roastbot-footer [data-roastbot-author="ada"]')

    return {
        "days": line.locator("time.roastbot-days").text_content(),
        "status": line.locator(".roastbot-status").text_content(),
        "data-days-since": line.get_attribute("data-days-since"),
        "data-status": line.get_attribute("data-status"),
        "class": sorted((line.get_attribute("class") or "").split()),
    }


def expected(days: str, status: str, count: str, key: str) -> dict[str, Any]:
    """Return Ada's line as `ada` reads it."""
    return {
        "days": days,
        "status": status,
        "data-days-since": count,
        "data-status": key,
        "class": ["roastbot-author", f"roastbot-status-{key}"],
    }


BUILT = expected("2 days ago", "on track", "2", "on_track")


@pytest.mark.parametrize(
    ("clock", "shown"),
    [
        (
            "2026-12-10T12:00:00-06:00",
            expected("9 days ago", "overdue", "9", "overdue"),
        ),
        ("2026-12-08T10:00:00-06:00", expected("7 days ago", "due today", "7", "due")),
        # 02:00 on Dec 9 in UTC (and 11:00 in Tokyo), still Dec 8 in Chicago.
        ("2026-12-08T20:00:00-06:00", expected("7 days ago", "due today", "7", "due")),
        ("2026-12-02T08:00:00-06:00", BUILT),  # before the build: the build stands
        (
            "2026-12-04T00:30:00-06:00",
            expected("3 days ago", "on track", "3", "on_track"),
        ),
    ],
    ids=["overdue", "due", "site-zone-not-utc", "clock-behind-build", "after-midnight"],
)
def test_the_browser_recounts_to_the_readers_day(
    browser: Any, served: str, clock: str, shown: dict[str, Any]
) -> None:
    """The reader's clock, on the site's calendar, sets the count and the status."""
    page, errors = open_home(browser, served, clock=clock)

    assert ada(page) == shown
    cy = page.locator('[data-roastbot-author="cy"]')
    assert cy.get_attribute("data-days-since") is None
    assert cy.get_attribute("data-status") == "overdue"
    assert " ".join((cy.text_content() or "").split()) == (
        "cy: No entries yet · weekly promise: overdue"
    )
    footer = page.locator(".roastbot-footer")
    assert footer.get_attribute("data-live-date") == max(clock[:10], NOW[:10])
    assert errors == []
    if shown["data-status"] == "overdue":
        ARTIFACTS.mkdir(exist_ok=True)
        footer.screenshot(path=str(ARTIFACTS / "live-footer.png"))
    page.context.close()


def test_an_unknown_zone_counts_in_utc(browser: Any, served: str) -> None:
    """A zone the browser does not know falls back to UTC, where Dec 9 has begun."""
    page, errors = open_home(
        browser,
        served,
        clock="2026-12-08T20:00:00-06:00",
        rewrite=lambda html: html.replace(
            'data-timezone="America/Chicago"', 'data-timezone="Mars/Olympus_Mons"'
        ),
    )

    assert page.locator(".roastbot-footer").get_attribute("data-timezone") == (
        "Mars/Olympus_Mons"
    )
    assert ada(page) == expected("8 days ago", "overdue", "8", "overdue")
    assert errors == []
    page.context.close()


def test_without_javascript_the_built_text_stands(browser: Any, served: str) -> None:
    """Progressive enhancement: no script, the build's count and status."""
    page, _ = open_home(browser, served, javascript=False)

    assert ada(page) == BUILT
    assert page.locator(".roastbot-footer").get_attribute("data-live-date") is None
    page.context.close()


def test_two_footers_are_updated_by_one_run(
    browser: Any, live_site: SiteMaker, hugo: Hugo, tmp_path: Path
) -> None:
    """Two live footers on a page: both updated; the second tag does nothing."""
    out = tmp_path / "public"
    soup, _ = build(hugo, live_site(live="live = true", call=FOOTER + FOOTER), out)
    assert len(live_scripts(soup)) == 2

    context = browser.new_context(timezone_id="Asia/Tokyo")
    # Count the script's runs: each one claims window.roastbotLive first.
    context.add_init_script(
        "let live; window.liveRuns = 0;"
        " Object.defineProperty(window, 'roastbotLive', { get: () => live,"
        " set: (value) => { window.liveRuns += 1; live = value; } });"
    )
    page = context.new_page()
    page.clock.install(time=datetime.fromisoformat("2026-12-10T12:00:00-06:00"))
    with serve(out) as url:
        page.goto(url, wait_until="load")

        days = page.locator('[data-roastbot-author="ada"] time.roastbot-days')
        assert days.all_text_contents() == ["9 days ago", "9 days ago"]
        assert page.evaluate("window.liveRuns") == 1
    context.close()
