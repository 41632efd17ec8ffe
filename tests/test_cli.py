"""The `roastbot` command as a user runs it: exit codes, messages, files written."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_CLOCK, REPO, SiteFactory, run_cli
from roastbot import atomic, report
from roastbot.cli import app
from roastbot.report import RoastbotData

NOW = "2026-12-03T09:00:00-06:00"
CONFIG = """
title = "Log"
timeZone = "America/Chicago"
[params]
mainSections = ["posts"]
[[params.roastbot.authors]]
handle = "ada"
name = "Ada Quill"
"""
ENTRY = (
    '+++\ntitle = "A"\ndate = 2026-12-01\n[params]\nauthorGitHubHandle = "ada"\n+++\n'
)

runner = CliRunner()


@pytest.fixture
def site(make_site: SiteFactory) -> Path:
    """A one-author site with one entry."""
    return make_site({"hugo.toml": CONFIG, "content/posts/a.md": ENTRY})


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def test_version() -> None:
    """--version prints the program name and version."""
    result = invoke("--version")

    assert result.exit_code == 0
    assert result.stdout.startswith("roastbot 0.")


def test_generate_writes_the_data_file(site: Path) -> None:
    """generate writes <dataDir>/roastbot.json, valid against the model."""
    result = run_cli("generate", "--site", str(site), "--now", NOW)

    assert result.returncode == 0, result.stderr
    data = RoastbotData.model_validate_json(
        (site / "data" / "roastbot.json").read_text()
    )
    assert data.authors[0].days_since == 2
    assert "roastbot: wrote data/roastbot.json: 1 authors, 1 entries" in result.stderr
    assert "ada: last entry 2 day(s) ago, on track" in result.stderr


def test_generate_runs_in_the_current_directory(site: Path) -> None:
    """Without --site, the current directory is the site."""
    result = run_cli("generate", "--now", NOW, cwd=site)

    assert result.returncode == 0, result.stderr
    assert (site / "data" / "roastbot.json").is_file()


def test_data_dir_is_honoured(make_site: SiteFactory) -> None:
    """dataDir moves the data file."""
    root = make_site(
        {"hugo.toml": 'dataDir = "facts"\n' + CONFIG, "content/posts/a.md": ENTRY}
    )

    assert invoke("generate", "--site", str(root), "--now", NOW).exit_code == 0
    assert (root / "facts" / "roastbot.json").is_file()


def test_same_site_and_clock_give_the_same_bytes(site: Path, tmp_path: Path) -> None:
    """Output is deterministic; a second run reports the file unchanged."""
    first = invoke("generate", "--site", str(site), "--now", NOW)
    before = (site / "data" / "roastbot.json").read_bytes()
    second = invoke("generate", "--site", str(site), "--now", NOW)

    assert (site / "data" / "roastbot.json").read_bytes() == before
    assert "wrote" in first.stderr
    assert "unchanged data/roastbot.json" in second.stderr


def test_source_date_epoch_fixes_the_clock(site: Path) -> None:
    """SOURCE_DATE_EPOCH stands in for --now; --now wins over it."""
    epoch = invoke(
        "generate",
        "--site",
        str(site),
        "--dry-run",
        env={"SOURCE_DATE_EPOCH": "1796400000"},
    )  # 2026-12-05 UTC
    both = invoke(
        "generate",
        "--site",
        str(site),
        "--dry-run",
        "--now",
        NOW,
        env={"SOURCE_DATE_EPOCH": "1796400000"},
    )

    assert json.loads(epoch.stdout)["generated_at"] == "2026-12-04T10:00:00-06:00"
    assert json.loads(both.stdout)["generated_at"] == "2026-12-03T09:00:00-06:00"


def test_dry_run_prints_and_writes_nothing(site: Path) -> None:
    """--dry-run prints the document to stdout and leaves the site alone."""
    result = invoke("generate", "--site", str(site), "--now", NOW, "--dry-run")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["schema_version"] == 1
    assert not (site / "data").exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["generate", "--now", "soon"], "--now 'soon' is not an ISO 8601"),
        (["generate", "--bogus"], "No such option: --bogus"),
        (["generate", "--site", "/nonexistent/site"], "does not exist"),
    ],
)
def test_usage_errors_exit_2(site: Path, args: list[str], fragment: str) -> None:
    """Bad flags and values are usage errors: exit 2 with the reason."""
    if "--site" not in args:
        args = [*args, "--site", str(site)]
    result = run_cli(*args)

    assert result.returncode == 2, result.stderr
    assert fragment in result.stderr


def test_bad_source_date_epoch_is_a_usage_error(site: Path) -> None:
    """SOURCE_DATE_EPOCH that is not a number is refused, not guessed."""
    result = run_cli("generate", "--site", str(site), env={"SOURCE_DATE_EPOCH": "x"})

    assert result.returncode == 2
    assert "SOURCE_DATE_EPOCH 'x' is not a Unix timestamp" in result.stderr


def _seed(site: Path) -> bytes:
    """Write a good data file first and return its bytes."""
    assert invoke("generate", "--site", str(site), "--now", NOW).exit_code == 0

    return (site / "data" / "roastbot.json").read_bytes()


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        (
            "content/posts/b.md",
            '+++\ntitle = "B"\ndate = 2026-12-01\ntags = ["x" "y"]\n+++\n',
            "roastbot: error: content/posts/b.md:4: invalid TOML front matter",
        ),
        (
            "content/posts/c.md",
            "---\ntitle: C\ndate: 2026-12-40\n---\n",
            "roastbot: error: content/posts/c.md:3: date: ",
        ),
        (
            "hugo.toml",
            CONFIG + "\n[params.roastbot]\ncadence_days = 0\n",
            "roastbot: error: hugo.toml:11: params.roastbot.cadence_days: Input",
        ),
    ],
)
def test_bad_input_exits_1_and_keeps_the_previous_file(
    site: Path, path: str, text: str, message: str
) -> None:
    """Malformed input: a message naming file and line, exit 1, file untouched."""
    before = _seed(site)
    (site / path).write_text(text, encoding="utf-8")

    result = run_cli("generate", "--site", str(site), "--now", NOW)

    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr
    assert "fix: " in result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "data" / "roastbot.json").read_bytes() == before
    assert sorted(os.listdir(site / "data")) == ["roastbot.json"]


def test_strict_turns_warnings_into_exit_1(site: Path) -> None:
    """A warning is exit 0 normally and exit 1 with --strict, writing nothing."""
    before = _seed(site)
    (site / "content/posts/b.md").write_text(
        '+++\ntitle = "B"\ndate = 2026-12-02\nauthor = "Zed"\n+++\n', encoding="utf-8"
    )

    relaxed = run_cli("generate", "--site", str(site), "--now", NOW, "--dry-run")
    strict = run_cli("generate", "--site", str(site), "--now", NOW, "--strict")

    assert relaxed.returncode == 0
    assert "roastbot: warning: content/posts/b.md:1: entry names author 'Zed'" in (
        relaxed.stderr
    )
    assert strict.returncode == 1
    assert "1 warning(s) with --strict; nothing written" in strict.stderr
    assert (site / "data" / "roastbot.json").read_bytes() == before


def test_a_failed_write_leaves_the_old_file_whole(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the rename never happens, the old file stays and no temp file is left."""
    before = _seed(site)
    (site / "content/posts/b.md").write_text(ENTRY.replace("12-01", "12-02"))

    def crash(*args: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError, match="disk on fire"):
        report.write_atomic(site / "data" / "roastbot.json", "{}")

    assert (site / "data" / "roastbot.json").read_bytes() == before
    assert sorted(os.listdir(site / "data")) == ["roastbot.json"]


def test_write_atomic_makes_a_readable_file(tmp_path: Path) -> None:
    """The data file is world-readable like any file the build reads."""
    target = tmp_path / "data" / "roastbot.json"

    assert report.write_atomic(target, "{}\n") is True
    assert target.stat().st_mode & 0o777 == 0o644
    assert report.write_atomic(target, "{}\n") is False


def test_roastbot_debug_shows_the_traceback(site: Path) -> None:
    """ROASTBOT_DEBUG=1 re-raises for developers instead of the one-line message."""
    (site / "hugo.toml").write_text("title = \n", encoding="utf-8")

    result = run_cli("generate", "--site", str(site), env={"ROASTBOT_DEBUG": "1"})

    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_status_shows_a_table(site: Path) -> None:
    """status prints one row per author with days since, status and due date."""
    result = run_cli("status", "--site", str(site), "--now", NOW)

    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "ada" in line)
    for cell in ("Ada Quill", "2026-12-01", " 2 ", "7 days", "on track", "2026-12-08"):
        assert cell in row, result.stdout
    assert not (site / "data").exists()


def test_schema_matches_the_committed_file() -> None:
    """hugo-data/roastbot.schema.json is what `roastbot schema` prints (make schema)."""
    result = invoke("schema")
    committed = (REPO / "hugo-data" / "roastbot.schema.json").read_text()

    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(committed)


def test_sample_data_is_the_example_site_at_its_clock(copy_example: Path) -> None:
    """hugo-data/roastbot.sample.json is the example's data at make schema's clock."""
    sample = (REPO / "hugo-data" / "roastbot.sample.json").read_text()
    result = invoke(
        "generate", "--site", str(copy_example), "--now", EXAMPLE_CLOCK, "--dry-run"
    )

    assert result.stdout == sample
    RoastbotData.model_validate_json(sample)


def test_help_states_exit_codes() -> None:
    """The app's help says what each exit code means."""
    result = invoke("--help")

    assert "Exit codes: 0 success, 1 bad input" in result.stdout


def test_logs_are_plain_off_a_terminal_and_live_on_one(site: Path) -> None:
    """CI logs get plain lines; a terminal also gets a progress spinner."""
    import os as os_
    import pty
    import sys

    plain = run_cli("generate", "--site", str(site), "--now", NOW)
    assert "\x1b[" not in plain.stderr
    assert "ada: last entry 2 day(s) ago, on track" in plain.stderr

    leader, follower = pty.openpty()
    script = Path(sys.executable).parent / "roastbot"
    process = subprocess.Popen(
        [str(script), "generate", "--site", str(site), "--now", NOW],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os_.close(follower)
    chunks = []
    while True:
        try:
            chunk = os_.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=30)
    os_.close(leader)
    tty_text = b"".join(chunks).decode(errors="replace")

    assert process.returncode == 0
    assert "ada: last entry 2 day(s) ago, on track" in tty_text
    assert "\x1b[?25l" in tty_text  # the spinner hides the cursor while it runs
