"""The Hugo config is found, merged and read the way Hugo reads it."""

from __future__ import annotations

import pytest

from conftest import SiteFactory
from roastbot.errors import ConfigError, Diagnostics
from roastbot.site import load_site


def _load(root, **kwargs):  # type: ignore[no-untyped-def]
    diagnostics = Diagnostics()
    return load_site(root, diagnostics=diagnostics, **kwargs), diagnostics


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"hugo.toml": 'title = "toml"', "hugo.yaml": "title: yaml"}, "toml"),
        ({"hugo.yml": "title: yml", "config.toml": 'title = "config"'}, "yml"),
        ({"config.yaml": "title: config-yaml"}, "config-yaml"),
        ({"hugo.json": '{"title": "json"}', "config.toml": 'title = "c"'}, "json"),
    ],
)
def test_the_root_config_file_is_the_first_hugo_finds(
    make_site: SiteFactory, files: dict[str, str], expected: str
) -> None:
    """hugo.* beats config.*, and toml beats yaml beats json, as in Hugo."""
    site, _ = _load(make_site(files))

    assert site.config["title"] == expected


def test_config_directory_merges_over_the_root_file(make_site: SiteFactory) -> None:
    """config/_default/ merges over hugo.toml, and config/production/ over that."""
    root = make_site(
        {
            "hugo.toml": 'contentDir = "words"\n[params]\nmainSections = ["a"]\n',
            "config/_default/params.toml": (
                'mainSections = ["b"]\n[roastbot]\ncadence_days = 3\n'
            ),
            "config/production/params.yaml": "roastbot:\n  cadence_days: 14\n",
            "config/development/params.toml": "[roastbot]\ncadence_days = 1\n",
        }
    )
    site, _ = _load(root)

    assert site.content_dir == root / "words"
    assert site.main_sections == ["b"]
    assert site.settings.cadence_days == 14

    development, _ = _load(root, environment="development")
    assert development.settings.cadence_days == 1


def test_keys_are_case_insensitive(make_site: SiteFactory) -> None:
    """contentDir, dataDir, timeZone and params.mainSections in any letter case."""
    root = make_site(
        {
            "hugo.toml": 'CONTENTDIR = "c"\ndatadir = "d"\nTimezone = "Europe/Berlin"\n'
            '[Params]\nMAINSECTIONS = "blog"\n[Params.RoastBot]\nCadence_Days = 2\n'
        }
    )
    site, _ = _load(root)

    assert site.content_dir == root / "c"
    assert site.data_dir == root / "d"
    assert site.time_zone is not None
    assert site.time_zone.key == "Europe/Berlin"
    assert site.main_sections == ["blog"]
    assert site.settings.cadence_days == 2


def test_a_params_file_holding_a_params_table_is_unwrapped(
    make_site: SiteFactory,
) -> None:
    """config/_default/params.toml may repeat its own name as a table."""
    root = make_site(
        {"config/_default/params.toml": "[params]\nmainSections = ['x']\n"}
    )
    site, _ = _load(root)

    assert site.main_sections == ["x"]


def test_missing_config_is_an_error(make_site: SiteFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A folder without a Hugo config is refused with the fix."""
    with pytest.raises(ConfigError, match="no Hugo config found") as caught:
        _load(tmp_path)

    assert "--site DIR" in str(caught.value)


def test_invalid_toml_names_file_and_line(make_site: SiteFactory) -> None:
    """A config syntax error points at the file and line."""
    root = make_site({"hugo.toml": 'title = "x"\n\n[params\nfoo = 1\n'})

    with pytest.raises(ConfigError) as caught:
        _load(root)

    assert str(caught.value).startswith("hugo.toml:3: invalid TOML")


def test_invalid_time_zone_is_refused(make_site: SiteFactory) -> None:
    """An unknown timeZone fails with the line that sets it, as Hugo fails."""
    root = make_site({"hugo.toml": 'title = "x"\ntimeZone = "Mars/Olympus"\n'})

    with pytest.raises(ConfigError) as caught:
        _load(root)

    assert caught.value.path == "hugo.toml"
    assert caught.value.line == 2
    assert "Mars/Olympus" in caught.value.message


@pytest.mark.parametrize(
    ("settings", "line", "fragment"),
    [
        (
            "cadence_days = 0",
            4,
            "params.roastbot.cadence_days: Input should be greater",
        ),
        (
            'cadence_days = "weekly"',
            4,
            "params.roastbot.cadence_days: Input should be a valid",
        ),
        (
            '[[params.roastbot.authors]]\nname = "No Handle"',
            4,
            "params.roastbot.authors.0.handle: Field required",
        ),
        (
            '[[params.roastbot.authors]]\nhandle = "a"\n'
            '[[params.roastbot.authors]]\nhandle = "A"',
            4,
            "handle 'A' is listed twice",
        ),
        (
            '[[params.roastbot.authors]]\nhandle = "a"\ncadence_days = -1',
            6,
            "params.roastbot.authors.0.cadence_days",
        ),
    ],
)
def test_bad_settings_name_the_key_and_line(
    make_site: SiteFactory, settings: str, line: int, fragment: str
) -> None:
    """[params.roastbot] errors carry the dotted key, the file and its line."""
    root = make_site({"hugo.toml": f'title = "x"\n\n[params.roastbot]\n{settings}\n'})

    with pytest.raises(ConfigError) as caught:
        _load(root)

    error = caught.value
    assert fragment in error.message
    assert (error.path, error.line) == ("hugo.toml", line)


def test_unknown_settings_warn(make_site: SiteFactory) -> None:
    """A misspelt setting is a warning that names it, not a silent default."""
    root = make_site({"hugo.toml": "[params.roastbot]\ncadence = 3\n"})
    _, diagnostics = _load(root)

    [warning] = diagnostics.warnings
    assert "unknown setting params.roastbot.cadence" in warning.message
    assert (warning.path, warning.line) == ("hugo.toml", 2)


def test_environment_comes_from_hugo_variables(
    make_site: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HUGO_ENVIRONMENT picks the config/<env>/ folder, as for hugo itself."""
    root = make_site(
        {
            "hugo.toml": 'title = "x"',
            "config/staging/hugo.toml": 'title = "staging"',
        }
    )
    monkeypatch.setenv("HUGO_ENVIRONMENT", "staging")
    site, _ = _load(root)

    assert site.config["title"] == "staging"
