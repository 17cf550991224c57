"""Hardening, third round (issue 19), the validation part: settings whatever their source,
paths the OS refuses, characters XML forbids, and ISO 3166 codes that are real.

1. A flag or an environment variable gets the same check, code and message as the same
   value in briefgen.toml, positioned at the flag's or the variable's name.
2. An output folder or a project folder the OS would refuse (NUL, a name over NAME_MAX
   bytes, a path over PATH_MAX) is a positioned usage error before anything is touched.
3. feed.xml and sitemap.xml parse whatever characters the sheets and settings hold.
6. A country code must be one ISO 3166 assigns; a non-UTF-8 briefgen.toml names the line
   and column of its first bad byte.

Categories 4, 5, 7 and 8 (special files, jobs, permissions, Ctrl-C) are in
test_hardening3_io.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.errors import BriefError
from briefgen.pipeline.options import BuildOptions
from briefgen.project import init, settings
from briefgen.sheet.load import load_text
from briefgen.verify import glyphs
from tests.conftest import EXAMPLE, ROOT

SLUG = EXAMPLE.name
HOSTILE_URLS = ["javascript:alert(1)", "https://example.org/\nx", 'https://e.org/"><b>']
TITLE = '  title: "Trump–Putin summit, Helsinki, 16 July 2018"'
LOCATION = "location: {city: Helsinki, country: Finland, country_code: FI}"


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process; a traceback fails the test whatever the exit."""
    child = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    child["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), child.get("PYTHONPATH")]))
    child.update(env or {})
    result = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=child,
                            capture_output=True, text=True, timeout=timeout, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding a copy of the Helsinki example."""
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / SLUG)
    return tmp_path


def message(stderr: str, code: str) -> tuple[str, str]:
    """(location, rest of the line) of the first diagnostic with CODE."""
    found = re.search(rf"^(.*?): error {code}: (.*)$", stderr, re.M)
    assert found, stderr
    return found.group(1), found.group(2)


# --- 1. one validation path for every setting, whatever its source -------------------------

@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_base_url_is_refused_alike_from_the_file_a_flag_or_the_environment(
        project: Path, url: str) -> None:
    toml = url.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    (project / "briefgen.toml").write_text(f'base_url = "{toml}"\n', encoding="utf-8")
    from_file = cli("build", "--format", "md", cwd=project)
    (project / "briefgen.toml").unlink()
    from_flag = cli("build", "--format", "md", "--base-url", url, cwd=project)
    from_env = cli("build", "--format", "md", cwd=project, env={"BRIEFGEN_BASE_URL": url})
    where = {}
    for name, result in {"file": from_file, "flag": from_flag, "env": from_env}.items():
        assert result.returncode == 2, (name, result.stderr)
        where[name] = message(result.stderr, "BG703")
        assert not (project / "out").exists(), name  # nothing built, nothing published
    assert where["file"][0] == "briefgen.toml:1:12"
    assert where["flag"][0] == "--base-url"
    assert where["env"][0] == "BRIEFGEN_BASE_URL"
    assert where["file"][1] == where["flag"][1] == where["env"][1]
    assert where["flag"][1].startswith("base_url must be an http:// or https:// URL; found ")


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_strict_variable_that_is_no_yes_or_no_names_the_variable(project: Path,
                                                                  command: str) -> None:
    result = cli(command, cwd=project, env={"BRIEFGEN_STRICT": "maybe"})
    assert result.returncode == 2, result.stderr
    assert message(result.stderr, "BG702") == (
        "BRIEFGEN_STRICT", "strict must be true or false; found 'maybe'")
    assert cli("check", cwd=project, env={"BRIEFGEN_STRICT": "yes"}).returncode == 0


def test_a_good_base_url_from_the_environment_still_reaches_the_pages(project: Path) -> None:
    done = cli("build", "--format", "html", cwd=project,
               env={"BRIEFGEN_BASE_URL": "https://example.org/briefs/"})
    assert done.returncode == 0, done.stderr
    assert "https://example.org/briefs/feed.xml" in (project / "out" / "feed.xml").read_text()


@pytest.mark.parametrize(("flags", "where", "text"), [
    ({"base_url": "javascript:alert(1)"}, "--base-url", "base_url must be an http:// or https://"),
    ({"base_url": "https://example.org/\udcff"}, "--base-url", "base_url must be"),
    ({"base_url": "https://"}, "--base-url", "base_url must be"),
    ({"base_url": "https://[::1"}, "--base-url", "base_url must be"),
    ({"paper": "B5"}, "--paper", "paper must be A4 or Letter; found 'B5'"),
    ({"jobs": 0}, "--jobs", "jobs must be a whole number of at least 1; found 0"),
    ({"output": Path("a" * 300)}, "--out",
     "output must be a folder name; found a name over 255 bytes"),
])
def test_flags_given_to_the_library_are_checked_like_the_file(
        flags: dict[str, object], where: str, text: str) -> None:
    with pytest.raises(BriefError) as caught:
        settings.resolve(settings.Settings(), **flags)  # type: ignore[arg-type]
    (found,) = caught.value.diagnostics
    assert (str(found.where), found.code) == (where, "BG703")
    assert found.message.startswith(text)
    assert caught.value.exit_code == 2


def test_the_cli_names_the_variable_it_read(tmp_path: Path) -> None:
    with pytest.raises(BriefError) as caught:
        settings.resolve(settings.Settings(), base_url="ftp://x/",
                         origins={"base_url": "BRIEFGEN_BASE_URL"})
    assert str(caught.value.diagnostics[0].where) == "BRIEFGEN_BASE_URL"


def test_build_options_refuse_what_the_settings_refuse() -> None:
    with pytest.raises(BriefError) as caught:
        BuildOptions(base_url="javascript:alert(1)")
    assert caught.value.diagnostics[0].code == "BG703"
    assert BuildOptions(base_url="https://example.org/").base_url == "https://example.org/"


# --- 2. paths the OS refuses ---------------------------------------------------------------

LONG_NAME = "a" * 300
LONG_PATH = "/".join(["abcdefgh"] * 600)  # 5399 bytes, every name short


@pytest.mark.parametrize("name", [LONG_NAME, LONG_PATH])
@pytest.mark.parametrize("command", ["build", "serve"])
def test_an_output_folder_the_os_refuses_is_a_usage_error(project: Path, name: str,
                                                           command: str) -> None:
    result = cli(command, "-o", name, cwd=project, timeout=60)
    assert result.returncode == 2, result.stderr
    where, text = message(result.stderr, "BG703")
    assert where == "--out"
    assert text.startswith("output must be a folder name; ")
    assert sorted(p.name for p in project.iterdir()) == ["seeds"]  # no lock, no staging


def test_an_output_setting_holding_nul_is_positioned(project: Path) -> None:
    (project / "briefgen.toml").write_text('paper = "A4"\noutput = "a\\u0000b"\n', "utf-8")
    result = cli("build", cwd=project)
    assert result.returncode == 2
    assert message(result.stderr, "BG703") == (
        "briefgen.toml:2:10", "output must be a folder name; found a name holding NUL")


@pytest.mark.parametrize("name", [LONG_NAME, LONG_PATH])
def test_init_refuses_a_folder_name_the_os_refuses(tmp_path: Path, name: str) -> None:
    result = cli("init", name, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    where, text = message(result.stderr, "BG708")
    assert where == name
    assert text.startswith("the folder name cannot be used: ")
    assert list(tmp_path.iterdir()) == []


def test_init_refuses_nul_in_the_library() -> None:
    with pytest.raises(BriefError) as caught:
        init.init(Path("a\0b"))
    assert caught.value.diagnostics[0].code == "BG708"
    assert caught.value.exit_code == 2


def test_the_path_check_names_each_limit(tmp_path: Path) -> None:
    from briefgen.project import paths

    assert paths.unusable(tmp_path / "fine") is None
    assert paths.unusable(Path("a\0b")) == "a name holding NUL"
    assert paths.unusable(Path(LONG_NAME)) == "a name over 255 bytes"
    assert paths.unusable(Path("é" * 128)) == "a name over 255 bytes"  # 256 bytes
    assert paths.unusable(Path("é" * 127)) is None
    assert paths.unusable(Path(LONG_PATH)) == "a path over 4095 bytes"
    assert paths.unusable("") == "an empty name"
    assert paths.unusable("x" * 240, name_room=20) == (
        "a name over 235 bytes (briefgen adds 20 to it)")
    assert paths.unusable("x" * 4000, path_room=100) == "a name over 255 bytes"
    assert paths.unusable("x/" * 2000, path_room=100) == (
        "a path over 3995 bytes (briefgen adds 100 to it)")


# --- 3. XML stays well-formed whatever the text holds --------------------------------------

def _accepted(check: object, categories: dict[str, list[int]]) -> str:
    """The first and last character of each general category that CHECK accepts."""
    chosen: list[str] = []
    for codes in categories.values():
        for order in (codes, list(reversed(codes))):
            for code in order:
                if check(chr(code)):  # type: ignore[operator]
                    chosen.append(chr(code))
                    break
    return "".join(dict.fromkeys(chosen))


def _categories() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for code in range(0x110000):
        found.setdefault(unicodedata.category(chr(code)), []).append(code)
    return found


def _loads(char: str) -> bool:
    try:
        load_text(f'a: "\\U{ord(char):08x}"\n', "x.yaml")
    except BriefError:
        return False
    return True


def _settles(char: str, folder: Path) -> bool:
    escaped = f"\\U{ord(char):08x}"
    (folder / "briefgen.toml").write_text(f'organisation = "Org {escaped}"\n', "utf-8")
    try:
        settings.load(folder)
    except BriefError:
        return False
    return True


def test_feed_and_sitemap_parse_whatever_the_sheet_and_settings_hold(project: Path,
                                                                     tmp_path: Path) -> None:
    categories = _categories()
    # what `check` lets through: controls, unassigned and private-use characters print as
    # empty boxes and are BG330 (tests/test_glyphs.py), so the sheet holds the rest
    in_sheet = _accepted(lambda c: _loads(c) and glyphs.printable(c), categories)
    probe = tmp_path / "probe"
    probe.mkdir()
    in_settings = _accepted(lambda c: _settles(c, probe), categories)
    assert {unicodedata.category(c) for c in in_sheet} >= {"Cf", "Lu", "Zs"}
    assert {unicodedata.category(c) for c in in_settings} >= {"Cn", "Co", "Lu", "Zs"}
    escaped = "".join(f"\\U{ord(c):08x}" for c in in_sheet)
    sheet = project / "seeds" / SLUG / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert TITLE in text
    sheet.write_text(text.replace(TITLE, f'  title: "Summit {escaped}"'), encoding="utf-8")
    toml = "".join(f"\\U{ord(c):08x}" for c in in_settings)
    (project / "briefgen.toml").write_text(f'organisation = "Org {toml}"\n', encoding="utf-8")
    report = pipeline.build([sheet], project / "out",
                            BuildOptions.from_settings(settings.load(project),
                                                       formats=("html",),
                                                       base_url="https://example.org/"))
    assert report.published, report.failed
    feed = ET.parse(project / "out" / "feed.xml").getroot()  # raises if not well-formed
    ET.parse(project / "out" / "sitemap.xml")
    titles = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(t.startswith("Org ") for t in titles)
    assert any("Summit" in t and "[U+00AD]" in t for t in titles), titles


def test_the_xml_of_a_project_template_is_made_well_formed_too(project: Path) -> None:
    folder = project / "templates" / "site"
    folder.mkdir(parents=True)
    feed = (ROOT / "templates" / "site" / "feed.xml").read_text(encoding="utf-8")
    (folder / "feed.xml").write_text(feed.replace("<generator>", "<generator>\x0c"), "utf-8")
    report = pipeline.build([project / "seeds" / SLUG / "facts.yaml"], project / "out",
                            BuildOptions(formats=("md",), project=project))
    assert report.published
    ET.parse(project / "out" / "feed.xml")


# --- 6. validation that goes all the way ---------------------------------------------------

@pytest.mark.parametrize(("code", "hint"), [
    ("XX", "did you mean FI (Finland)?"),
    ("QQ", "did you mean FI (Finland)?"),
    ("UK", "did you mean FI (Finland)?"),
])
def test_an_event_country_code_must_be_assigned(example_copy: Path, code: str,
                                                hint: str) -> None:
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_text(text.replace(LOCATION, LOCATION.replace(": FI}", f": {code}}}")),
                            encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        pipeline.check(example_copy)
    (found,) = [d for d in caught.value.diagnostics if d.code == "BG213"]
    line = next(i for i, t in enumerate(text.splitlines(), 1) if LOCATION in t)
    col = text.splitlines()[line - 1].index(": FI}") + 3
    assert (found.where.line, found.where.col) == (line, col)
    assert found.message == (f"briefing.event.location.country_code: '{code}' is no ISO 3166 "
                             "country code")
    assert found.hint == hint


def test_a_well_known_wrong_code_gets_the_right_one(example_copy: Path) -> None:
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_text(text.replace("country: Finland, country_code: FI",
                                         "country: United Kingdom, country_code: UK"), "utf-8")
    with pytest.raises(BriefError) as caught:
        pipeline.check(example_copy)
    (found,) = [d for d in caught.value.diagnostics if d.code == "BG213"]
    assert found.hint == "did you mean GB (United Kingdom)?"


def test_a_country_profile_code_must_be_assigned(tmp_path: Path) -> None:
    from tests.test_kinds import _variant

    sheet = _variant(tmp_path, "country")
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("code: FI", "code: QQ"), "utf-8")
    with pytest.raises(BriefError) as caught:
        pipeline.check(sheet)
    (found,) = [d for d in caught.value.diagnostics if d.code == "BG213"]
    assert found.message == "briefing.country.code: 'QQ' is no ISO 3166 country code"
    assert found.hint == "did you mean FI (Finland)?"
    assert found.where.line is not None


def test_every_assigned_code_passes(example_copy: Path) -> None:
    from briefgen.schema.countries import COUNTRIES

    assert len(COUNTRIES) >= 249
    assert {"FI", "GB", "US", "RU", "XK", "AQ"} <= set(COUNTRIES)
    assert not {"XX", "QQ", "UK", "EU"} & set(COUNTRIES)


def test_a_settings_file_that_is_not_utf8_names_the_first_bad_byte(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_bytes(b'paper = "A4"\norganisation = "Caf\xe9 \xff"\n')
    with pytest.raises(BriefError) as caught:
        settings.load(tmp_path)
    (found,) = caught.value.diagnostics
    assert (found.where.line, found.where.col, found.code) == (2, 20, "BG700")
    assert found.message == "the settings file is not UTF-8 text: byte 0xe9"
    assert found.hint == "save it as UTF-8"
