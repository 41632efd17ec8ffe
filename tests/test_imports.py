"""A plain `generate` keeps heavy modules off its import path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import SiteFactory

PROBE = """
import sys
from roastbot.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
loaded = [m for m in ("rich", "httpx", "openai", "yaml") if m in sys.modules]
print(__import__("json").dumps({"code": code, "loaded": loaded}))
"""


def probe(site: Path, *args: str) -> dict[str, object]:
    """Run the CLI in a fresh interpreter and report which heavy modules it loaded."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            *args,
            "--site",
            str(site),
            "--now",
            "2026-12-03",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report: dict[str, object] = json.loads(result.stdout.splitlines()[-1])

    return report


def test_generate_loads_no_rich_and_yaml_only_when_needed(
    make_site: SiteFactory,
) -> None:
    """rich (for status) stays out; PyYAML loads only for a YAML file."""
    toml_only = make_site(
        {"content/posts/a.md": '+++\ntitle = "A"\ndate = 2026-12-01\n+++\n'}
    )
    with_yaml = make_site(
        {"content/posts/a.md": "---\ntitle: A\ndate: 2026-12-01\n---\n"}
    )

    assert probe(toml_only, "generate") == {"code": 0, "loaded": []}
    assert probe(with_yaml, "generate") == {"code": 0, "loaded": ["yaml"]}


def test_status_is_where_rich_loads(make_site: SiteFactory) -> None:
    """The table command is the one that pays for rich."""
    site = make_site(
        {"content/posts/a.md": '+++\ntitle = "A"\ndate = 2026-12-01\n+++\n'}
    )

    assert probe(site, "status") == {"code": 0, "loaded": ["rich"]}
