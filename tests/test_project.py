"""A project of one's own (issue 11): `briefgen init`, `briefgen.toml`, the project root.

Settings precedence is tested in the library and through the real CLI; the end-to-end test
is the issue's "done when": init, new, build from a subfolder, only the project's briefing
published, with the organisation on the page, in the PDF and in the feed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefgen import __version__
from briefgen.errors import BriefError
from briefgen.project import settings
from briefgen.project.init import init
from tests.conftest import EXAMPLE, ROOT
from tests.test_hostile import pdftotext

ARTICLE = (
    "Geneva water talks open\n"
    "\n"
    "Ministers met in Geneva on 3 March 2025 to discuss water rights along the river.\n"
    "Officials said the talks would probably continue next month in Bern.\n"
)
FILLED = {  # the TODOs of `briefgen new`, filled so the sheet checks
    '"TODO: at most twelve words"': '"Geneva water talks"',
    '"TODO: the event"': '"Geneva water talks"',
    'type: "TODO"': 'type: "negotiation"',
    'start_date: "TODO"': 'start_date: "2025-03-03"',
    '{city: "TODO"}': '{city: "Geneva"}',
    '{date: "TODO"}': '{date: "2025-03-04"}',
    '"TODO: what happens, the main judgment with its likelihood word, so what."':
        '"Ministers met on water rights; further talks are likely next month."',
    '"TODO: one reported fact, at most 18 words."':
        '"Ministers met in Geneva on 3 March to discuss water rights."',
    '"TODO: the verbatim passage it rests on"':
        '"Ministers met in Geneva on 3 March 2025 to discuss water rights"',
    '"TODO: X is likely to ..."': '"Further talks are likely to follow next month."',
    '"TODO: why, in at most ten words."': '"Officials said the talks would continue."',
}
ISSUE_FILLED = {  # the TODOs that `briefgen new --kind issue` has instead of an event's
    '"TODO: the question or dispute"': '"Water rights on the upper river"',
    '["TODO: a jurisdiction, an organisation or an actor id"]': '["the ministers"]',
    # an issue brief's own section (issue 20)
    '"TODO: the question this brief answers, in one sentence."':
        '"Will the ministers settle water rights on the upper river?"',
    '"TODO: why it matters now, or remove this line"': '"They met in Geneva on 3 March."',
}


def run(*args: str, cwd: Path, exe: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process (this checkout, or the EXE given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [exe] if exe else [sys.executable, "-m", "briefgen"]
    result = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def new_sheet(project: Path, slug: str = "a", cwd: Path | None = None, kind: str = "event") -> Path:
    """`briefgen new SLUG --kind KIND --source article.txt` in PROJECT, its TODOs filled in."""
    article = project.parent / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    made = run("new", slug, "--kind", kind, "--source", str(article), cwd=cwd or project)
    assert made.returncode == 0, made.stderr
    sheet = project / "seeds" / slug / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    fills = FILLED if kind == "event" else {
        k: v for k, v in (FILLED | ISSUE_FILLED).items()
        if k not in ('"TODO: the event"', 'type: "TODO"', 'start_date: "TODO"', '{city: "TODO"}')}
    for todo, value in fills.items():
        assert todo in text, todo
        text = text.replace(todo, value)
    sheet.write_text(text, encoding="utf-8")
    return sheet


def write_settings(project: Path, text: str) -> Path:
    path = project / "briefgen.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- settings in the library --------------------------------------------------------------


def test_outside_a_project_the_defaults_hold_and_the_working_folder_is_the_root(
    tmp_path: Path,
) -> None:
    assert settings.find_root(tmp_path) is None
    assert settings.discover(tmp_path) == settings.Settings()
    assert settings.resolve(settings.Settings()).output == Path("out")


def test_the_root_is_found_from_any_subfolder_as_a_relative_path(tmp_path: Path) -> None:
    write_settings(tmp_path, "")
    deep = tmp_path / "seeds" / "a" / "sources"
    deep.mkdir(parents=True)
    assert settings.find_root(tmp_path) == Path()
    assert settings.find_root(deep) == Path("../../..")
    found = settings.discover(deep)
    assert (found.root, found.found) == (Path("../../.."), True)


def test_precedence_flag_then_file_then_default(tmp_path: Path) -> None:
    write_settings(tmp_path, 'paper = "Letter"\norganisation = "Policy Unit"\noutput = "public"\n'
                             "strict = true\njobs = 3\n")
    from_file = settings.resolve(settings.load(tmp_path))
    assert (from_file.paper, from_file.organisation, from_file.strict, from_file.jobs) == (
        "Letter", "Policy Unit", True, 3)
    assert from_file.output == tmp_path / "public"  # the file's output is the root's
    flags = settings.resolve(settings.load(tmp_path), paper="A4", strict=False,
                             output=Path("elsewhere"), jobs=None, base_url=None)
    assert (flags.paper, flags.strict, flags.output, flags.jobs) == (
        "A4", False, Path("elsewhere"), 3)  # a flag not given (None) leaves the file's value
    defaults = settings.resolve(settings.Settings(root=tmp_path))
    assert (defaults.paper, defaults.strict, defaults.organisation, defaults.jobs) == (
        "A4", False, "", None)
    assert defaults.output == tmp_path / "out"


def test_every_documented_key_is_accepted(tmp_path: Path) -> None:
    write_settings(tmp_path, 'organisation = "Unit"\npaper = "A4"\n'
                             'base_url = "https://example.org/b/"\noutput = "out"\n'
                             'strict = false\nmarking = "OFFICIAL"\naudience = "Minister"\n'
                             'jobs = 1\nformats = ["html", "docx"]\n')
    loaded = settings.load(tmp_path)
    assert (loaded.marking, loaded.audience, loaded.base_url, loaded.formats) == (
        "OFFICIAL", "Minister", "https://example.org/b/", ("html", "docx"))
    assert set(settings.KEYS) <= set(
        re.findall(r"^\| `(\w+)` \|", (ROOT / "README.md").read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize(("text", "expected"), [
    ('paper = "A4"\norganization = "Unit"\n',
     ["briefgen.toml:2:1: error BG701: unknown setting 'organization'",
      "    hint: did you mean 'organisation'?"]),
    ('[site]\nbase_url = "https://x.org/"\n',
     ["briefgen.toml:1:2: error BG701: unknown setting 'site'"]),
    ("strict = 1\n",
     ["briefgen.toml:1:10: error BG702: strict must be true or false; found a number",
      "    hint: without quotes: strict = true"]),
    ('\njobs = "2"\n',
     ["briefgen.toml:2:8: error BG702: jobs must be a whole number of at least 1; "
      "found a text in quotes"]),
    ('paper = "a4"\n',
     ["briefgen.toml:1:9: error BG703: paper must be A4 or Letter; found 'a4'"]),
    ('formats = "pdf"\n',
     ["briefgen.toml:1:11: error BG702: formats must be a list of formats out of md, html, "
      "pdf, docx, txt; found a text in quotes"]),
    ('formats = ["pdf", "rtf"]\n',
     ["briefgen.toml:1:11: error BG703: formats must be a list of formats out of md, html, "
      "pdf, docx, txt; found 'rtf'"]),
    ('base_url = "ftp://x.org/"\n',
     ["briefgen.toml:1:12: error BG703: base_url must be an http:// or https:// URL; "
      "found 'ftp://x.org/'"]),
    ('paper = "A4"\n[x\n',
     ["briefgen.toml:2:3: error BG700: TOML syntax: expected ']' at the end of a table "
      "declaration"]),
    ('paper = "A4"\npaper = "Letter"\n',
     ["briefgen.toml:2:17: error BG700: TOML syntax: a setting is given twice",
      "    hint: keep one of them; TOML allows each key once"]),
    ('organisation = "Unit\n',
     ["briefgen.toml:1:21: error BG700: TOML syntax: illegal character '\\n'"]),
])
def test_mistakes_are_positioned_with_a_hint(tmp_path: Path, text: str,
                                             expected: list[str]) -> None:
    write_settings(tmp_path, text)
    with pytest.raises(BriefError) as raised:
        settings.load(Path(os.path.relpath(tmp_path)))
    assert raised.value.exit_code == 2
    shown = "\n".join(map(str, raised.value.diagnostics)).replace(
        os.path.relpath(tmp_path) + "/", "")
    for line in expected:
        assert line in shown.splitlines(), shown


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    write_settings(tmp_path, 'papr = "A4"\nstrict = "yes"\njobs = 0\n')
    with pytest.raises(BriefError) as raised:
        settings.load(tmp_path)
    assert [d.code for d in raised.value.diagnostics] == ["BG701", "BG702", "BG703"]


# --- settings through the real CLI --------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh project (`init`) with one filled-in sheet, seeds/a."""
    root = tmp_path / "x"
    init(root)
    new_sheet(root)
    return root


def test_cli_precedence_flag_over_file_over_default(project: Path) -> None:
    page = project / "out" / "a" / "a.html"
    assert run("build", "--format", "html", cwd=project).returncode == 0
    assert 'class="paper-a4"' in page.read_text(encoding="utf-8")  # default (file: A4)
    write_settings(project, 'paper = "Letter"\n')
    assert run("build", "--format", "html", cwd=project).returncode == 0
    assert 'class="paper-letter"' in page.read_text(encoding="utf-8")  # the file
    assert run("build", "--format", "html", "--paper", "A4", cwd=project).returncode == 0
    assert 'class="paper-a4"' in page.read_text(encoding="utf-8")  # the flag


def test_cli_formats_from_the_file_and_overridden_by_the_flag(project: Path) -> None:
    write_settings(project, 'formats = ["txt", "html"]\n')
    assert run("build", cwd=project).returncode == 0
    assert {p.name for p in (project / "out" / "a").iterdir()} == {
        "a.txt", "a.html", "sources.html"}
    assert run("build", "--format", "docx", cwd=project).returncode == 0
    assert {p.name for p in (project / "out" / "a").iterdir()} == {"a.docx"}


def test_cli_strict_from_the_file_and_overridden_by_no_strict(project: Path) -> None:
    sheet = project / "seeds" / "a" / "facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "gaps: [\"S1 is thin\"]\n",
                     encoding="utf-8")  # a bare source id in prose: a warning (BG411)
    assert run("check", cwd=project).returncode == 0
    write_settings(project, "strict = true\n")
    strict = run("check", cwd=project)
    assert strict.returncode == 1, strict.stderr
    assert "BG411" in strict.stderr
    assert run("check", "--no-strict", cwd=project).returncode == 0


def test_a_bad_settings_file_stops_every_command_with_its_position(project: Path) -> None:
    write_settings(project, 'papr = "A4"\n')
    for command in (["check"], ["build"], ["new", "b", "--source", "../../article.txt"]):
        result = run(*command, cwd=project / "seeds")
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.startswith("../briefgen.toml:1:1: error BG701: unknown setting "
                                        "'papr'\n    hint: did you mean 'paper'?"), result.stderr
    assert not (project / "seeds" / "b").exists()


def test_output_settings_change_the_settings_key_and_rebuild(project: Path) -> None:
    assert run("build", "--format", "html", cwd=project).returncode == 0
    again = run("build", "--format", "html", cwd=project)
    assert "up to date" in again.stderr
    write_settings(project, 'organisation = "Policy Unit"\n')
    changed = run("build", "--format", "html", cwd=project)
    assert "up to date" not in changed.stderr
    assert "Policy Unit" in (project / "out" / "a" / "a.html").read_text(encoding="utf-8")


def test_the_files_marking_and_audience_apply_only_where_the_sheet_sets_none(
    project: Path,
) -> None:
    write_settings(project, 'marking = "OFFICIAL-SENSITIVE"\naudience = "the Minister"\n')
    assert run("build", "--format", "md", cwd=project).returncode == 0
    page = (project / "out" / "a" / "a.md").read_text(encoding="utf-8")
    assert "PUBLIC SOURCES" in page  # `new` writes a classification: the sheet wins
    assert "For the Minister" in page
    sheet = project / "seeds" / "a" / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace('  handling: {classification: "PUBLIC SOURCES"}\n', "")
                     .replace("  prepared:", '  audience: "the cabinet"\n  prepared:'),
                     encoding="utf-8")
    assert run("build", "--format", "md", cwd=project).returncode == 0
    page = (project / "out" / "a" / "a.md").read_text(encoding="utf-8")
    assert "OFFICIAL-SENSITIVE" in page
    assert "For the cabinet" in page
    assert "the Minister" not in page


# --- init ---------------------------------------------------------------------------------


def test_init_creates_a_project(tmp_path: Path) -> None:
    result = run("init", "x", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    x = tmp_path / "x"
    names = sorted(p.relative_to(x).as_posix() for p in x.rglob("*") if p.is_file())
    assert names == [".github/workflows/briefs.yml", ".gitignore", ".pre-commit-config.yaml",
                     "briefgen.toml", "schema/fact-sheet.schema.json", "seeds/.gitkeep"]
    assert settings.load(x) == settings.Settings(  # every default, and how CI installs briefgen
        root=x, found=True, install=f"briefgen=={__version__}")
    assert "/out/" in (x / ".gitignore").read_text(encoding="utf-8").splitlines()
    workflow = yaml.safe_load((x / ".github" / "workflows" / "briefs.yml").read_text("utf-8"))
    steps = [s.get("run", s.get("uses")) for s in workflow["jobs"]["build"]["steps"]]
    assert "actions/upload-pages-artifact@v3" in steps
    assert any("briefgen build --strict" in str(s) for s in steps)
    assert workflow["jobs"]["deploy"]["steps"] == [{"uses": "actions/deploy-pages@v4"}]


def test_the_generated_hook_is_the_shipped_one(tmp_path: Path) -> None:
    init(tmp_path / "x")
    config = yaml.safe_load((tmp_path / "x" / ".pre-commit-config.yaml").read_text("utf-8"))
    local = config["repos"][0]["hooks"][0]
    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))[0]
    for key in ("id", "entry", "files", "require_serial"):
        assert local[key] == shipped[key], key


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("init", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("x: error BG705: the folder is not empty\n")
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["notes.txt"]


def test_init_force_adds_what_is_missing_and_replaces_nothing(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / ".gitignore").write_text("mine\n", encoding="utf-8")
    result = run("init", "x", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kept    x/.gitignore (already there)" in result.stdout
    assert (tmp_path / "x" / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    assert (tmp_path / "x" / "briefgen.toml").is_file()


def test_init_example_copies_every_bundled_seed_folder(tmp_path: Path) -> None:
    init(tmp_path / "x", example=True)
    bundled = sorted(p.name for p in (ROOT / "seeds").iterdir() if p.is_dir())
    assert sorted(p.name for p in (tmp_path / "x" / "seeds").iterdir() if p.is_dir()) == bundled
    copied = tmp_path / "x" / "seeds" / EXAMPLE.name / "facts.yaml"
    assert copied.read_bytes() == (EXAMPLE / "facts.yaml").read_bytes()
    assert run("check", "--strict", cwd=tmp_path / "x" / "seeds").returncode == 0


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("", encoding="utf-8")
    with pytest.raises(BriefError) as raised:
        init(tmp_path / "x", force=True)
    assert [d.code for d in raised.value.diagnostics] == ["BG705"]


# --- check given the files a hook passes --------------------------------------------------


def test_check_maps_a_source_file_to_its_sheet_once(project: Path) -> None:
    sources = sorted((project / "seeds" / "a" / "sources").iterdir())
    result = run("check", *(str(s.relative_to(project)) for s in sources),
                 "seeds/a/facts.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "checked 1 sheet" in result.stderr
    sources[0].write_text(ARTICLE + "changed\n", encoding="utf-8")
    changed = run("check", str(sources[0].relative_to(project)), cwd=project)
    assert changed.returncode == 1
    assert "BG406" in changed.stderr


# --- the issue's "done when" --------------------------------------------------------------


@pytest.mark.slow
def test_a_project_of_ones_own_publishes_only_its_briefing(tmp_path: Path) -> None:
    assert run("init", "x", cwd=tmp_path).returncode == 0
    x = tmp_path / "x"
    text = (x / "briefgen.toml").read_text(encoding="utf-8")
    write_settings(x, text.replace('# organisation = "Policy Unit"',
                                   'organisation = "Nordic Policy Unit"'))
    (x / "notes").mkdir()
    # `new` from a subfolder writes into the project's seeds/
    new_sheet(x, cwd=x / "notes", kind="issue")
    built = run("build", cwd=x / "notes")
    assert built.returncode == 0, built.stderr
    site = x / "out"
    briefings = [p.name for p in site.iterdir() if (p / f"{p.name}.html").is_file()]
    assert briefings == ["a"]  # (assets/ holds the screen edition's fonts)
    assert not (x / "notes" / "out").exists()
    for name in ("index.html", "feed.xml", "a/a.html", "a/a.md"):
        page = (site / name).read_text(encoding="utf-8")
        assert "Nordic Policy Unit" in page, name
        assert "helsinki" not in page.lower(), name
    assert "<author><name>Nordic Policy Unit</name></author>" in (
        site / "feed.xml").read_text(encoding="utf-8")
    pdf_text = pdftotext((site / "a" / "a.pdf").read_bytes(), tmp_path)
    assert "NORDIC POLICY UNIT" in pdf_text.upper()  # the masthead sets it in capitals
