"""The same edge-case sites through real Hugo and through roastbot give one answer.

Each site under tests/sites/parity-*/ is built by Hugo with a layout that prints, as
JSON, the main sections and every page of `where site.RegularPages "Section" "in"
site.Params.mainSections` with its .Date. roastbot reads the same site at the same
clock; the page lists, the dates (instant and offset) and the main sections must agree.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from conftest import REPO, Hugo, run_cli
from roastbot.pipeline import generate

SITES = REPO / "tests" / "sites"
CLOCK = "2026-12-03T12:00:00-06:00"

PARITY_LAYOUT = """\
{{- $pages := slice -}}
{{- range where site.RegularPages "Section" "in" site.Params.mainSections -}}
	{{- $date := "" -}}
	{{- if not .Date.IsZero -}}
		{{- $date = .Date.Format "2006-01-02T15:04:05.999999-07:00" -}}
	{{- end -}}
	{{- $pages = $pages | append (dict "path" .File.Path "date" $date) -}}
{{- end -}}
{{- dict "main" site.Params.mainSections "pages" $pages | jsonify -}}
"""

CASES = sorted(path.name for path in SITES.glob("parity-*"))

pytestmark = pytest.mark.hugo


def hugo_answer(
    hugo: Hugo,
    site: Path,
    tmp_path: Path,
    env: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, object]:
    """Build `site` with the parity layout and return what Hugo listed."""
    build = tmp_path / "build"
    shutil.copytree(site, build)
    (build / "layouts").mkdir()
    (build / "layouts" / "home.html").write_text(PARITY_LAYOUT, encoding="utf-8")
    hugo.build(
        build, clock=CLOCK, destination=tmp_path / "public", env=env, extra=extra
    )
    answer: dict[str, object] = json.loads(
        (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    )

    return answer


def normalise(pages: object) -> list[tuple[str, tuple[datetime, object] | None]]:
    """Return (path, (instant, offset)) pairs, sorted, from either side."""
    result = []
    for page in pages:  # type: ignore[attr-defined]
        date = page["date"]
        moment = None
        if date:
            parsed = (
                date if isinstance(date, datetime) else datetime.fromisoformat(date)
            )
            moment = (parsed, parsed.utcoffset())
        result.append((page["path"], moment))

    return sorted(result)


def roastbot_answer(
    site: Path, *, tz_variable: str | None = None, environment: str | None = None
) -> dict[str, object]:
    """Return what roastbot lists for the same site and clock."""
    run = generate(site, now=CLOCK, tz_variable=tz_variable, environment=environment)
    pages = [{"path": page.path, "date": page.date} for page in run.ledger.listed]

    return {"main": run.ledger.main_sections, "pages": pages}


@pytest.mark.parametrize("case", CASES)
def test_roastbot_lists_what_hugo_lists(hugo: Hugo, tmp_path: Path, case: str) -> None:
    """Main sections, listed pages and their dates match Hugo's, site by site."""
    site = SITES / case
    expected = hugo_answer(hugo, site, tmp_path)
    actual = roastbot_answer(site)

    assert actual["main"] == expected["main"]
    assert normalise(actual["pages"]) == normalise(expected["pages"])
    assert expected["pages"], "a parity site must list at least one page"


def test_offset_less_dates_ignore_tz_but_days_use_it(
    hugo: Hugo, tmp_path: Path
) -> None:
    """With no timeZone, Hugo reads dates in UTC even when TZ is set; so do we."""
    site = SITES / "parity-utc"
    expected = hugo_answer(hugo, site, tmp_path, env={"TZ": "Asia/Tokyo"})
    actual = roastbot_answer(site, tz_variable="Asia/Tokyo")

    assert normalise(actual["pages"]) == normalise(expected["pages"])


def test_environment_selects_the_same_config(hugo: Hugo, tmp_path: Path) -> None:
    """`--environment development` on both sides skips config/production/."""
    site = SITES / "parity-config-dir"
    expected = hugo_answer(hugo, site, tmp_path, extra=("--environment", "development"))
    actual = roastbot_answer(site, environment="development")

    assert actual["main"] == expected["main"] == ["journal"]
    assert normalise(actual["pages"]) == normalise(expected["pages"])


def test_data_file_agrees_with_hugo_on_the_newest_entry(
    hugo: Hugo, tmp_path: Path
) -> None:
    """The CLI's site.last_post is the newest page Hugo lists."""
    site = tmp_path / "dates"
    shutil.copytree(SITES / "parity-dates", site)
    expected = hugo_answer(hugo, site, tmp_path / "h")
    newest = max(
        (p for p in normalise(expected["pages"]) if p[1]), key=lambda p: p[1][0]
    )

    result = run_cli("generate", "--site", str(site), "--now", CLOCK)

    assert result.returncode == 0, result.stderr
    data = json.loads((site / "data" / "roastbot.json").read_text(encoding="utf-8"))
    last = data["site"]["last_post"]
    assert last["path"] == newest[0]
    assert datetime.fromisoformat(last["date"]) == newest[1][0]


def test_a_date_hugo_cannot_read_fails_both(
    hugo: Hugo, tmp_path: Path, make_site
) -> None:  # type: ignore[no-untyped-def]
    """Hugo fails the build on an unparseable date; roastbot exits 1 at its line."""
    site = make_site(
        {
            "hugo.toml": '[params]\nmainSections = ["posts"]\n',
            "content/posts/bad.md": '+++\ntitle = "Bad"\ndate = "next Tuesday"\n+++\n',
            "layouts/home.html": "ok",
        }
    )
    built = tmp_path / "out"
    hugo_run = __import__("subprocess").run(
        [str(hugo.binary), "--source", str(site), "--destination", str(built)],
        capture_output=True,
        text=True,
        check=False,
    )
    result = run_cli("generate", "--site", str(site), "--now", CLOCK)

    assert hugo_run.returncode == 1
    assert "not a parsable date" in hugo_run.stdout + hugo_run.stderr
    assert result.returncode == 1
    assert "content/posts/bad.md:3: date: 'next Tuesday' is not a date" in result.stderr
