"""The published static site: pages, links, feed, sitemap, determinism, incremental builds.

Issue "Publish a static site from scheduled rebuilds", Done-when points 1-3, 6 (permissions)
and 7 (the README's scheduled-rebuild recipe). Every build is a real `python -m briefgen
build` subprocess in a temporary project (the Helsinki example + 4 synthetic sheets).
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from site_helpers import (
    ROOT,
    TAG,
    broken_links,
    built_project,
    cli_env,
    copy_project,
    files_of,
    hashes,
    make_project,
    parse_page,
    pdf_streams,
    run_cli,
    sheet_dates,
    slugs,
    staging_leftovers,
    stats,
)

pytestmark = pytest.mark.slow

BASE_URL = "https://example.org/briefs/"
# A clock ~3 years and 7 hours ahead of the real one, for the build that must not care.
FAKE_SHIFT = 1000 * 86400 + 7 * 3600
FAKE_CLOCK = '''\
"""Test-only: shift the wall clock by FAKE_CLOCK_SHIFT seconds in this process and its children."""
import datetime as _dt
import os
import time as _time

_SHIFT = float(os.environ.get("FAKE_CLOCK_SHIFT", "0"))
if _SHIFT:
    _real_time, _real_time_ns = _time.time, _time.time_ns
    _time.time = lambda: _real_time() + _SHIFT
    _time.time_ns = lambda: _real_time_ns() + int(_SHIFT * 1e9)

    class _Date(_dt.date):
        @classmethod
        def today(cls):
            return cls.fromtimestamp(_time.time())

    class _DateTime(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls.fromtimestamp(_time.time(), tz)

        @classmethod
        def utcnow(cls):
            return cls.utcfromtimestamp(_time.time())

        @classmethod
        def today(cls):
            return cls.fromtimestamp(_time.time())

    _dt.date, _dt.datetime = _Date, _DateTime
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's published project (read-only); its site is site / 'out'."""
    return built_project(tmp_path_factory)


@pytest.fixture(scope="module")
def other_build(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same sheets built elsewhere under another clock, time zone, locale, epoch, umask."""
    base = tmp_path_factory.mktemp("elsewhere")
    project = base / "a different, longer project path ÿ"
    shutil.copytree(site / "seeds", project / "seeds")
    clock = base / "fakeclock"
    clock.mkdir()
    (clock / "sitecustomize.py").write_text(FAKE_CLOCK, encoding="utf-8")
    env = cli_env(TZ="Pacific/Kiritimati", LANG="C", LC_ALL="C", LANGUAGE="de",
                  SOURCE_DATE_EPOCH="1", PYTHONHASHSEED="12345",
                  FAKE_CLOCK_SHIFT=str(FAKE_SHIFT))
    env["PYTHONPATH"] = os.pathsep.join([str(clock), env["PYTHONPATH"]])
    old_umask = os.umask(0o077)  # inherited by the child: its mkdir/open get 0700/0600
    try:
        done = run_cli(project, "build", "--jobs", "1", env=env)
    finally:
        os.umask(old_umask)
    assert done.returncode == 0, done.stderr
    return project


@pytest.fixture(scope="module")
def with_base_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A smaller project (Helsinki + 1 synth sheet) built with --base-url."""
    project = make_project(tmp_path_factory.mktemp("base-url"), 1)
    done = run_cli(project, "build", "--base-url", BASE_URL)
    assert done.returncode == 0, done.stderr
    return project


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans("‘’‚‛“”„‟–—", "''''\"\"\"\"--"))
    return re.sub(r"\s+", " ", text).strip().casefold()


# --- 1. the pages and their links --------------------------------------------------------

def test_every_briefing_has_its_files(site: Path) -> None:
    out = site / "out"
    for slug in slugs(site):
        for name in (f"{slug}.html", f"{slug}.md", f"{slug}.pdf", "sources.html"):
            assert (out / slug / name).is_file(), f"{slug}/{name}"
    assert (out / "index.html").is_file()
    assert (out / "feed.xml").is_file()
    assert (out / ".briefgen-site").is_file()


def test_index_lists_every_briefing_newest_event_first(site: Path) -> None:
    page = parse_page(site / "out" / "index.html")
    listed = re.findall(r'<article id="([^"]+)"',
                        (site / "out" / "index.html").read_text(encoding="utf-8"))
    dates = sheet_dates(site)
    assert sorted(listed) == slugs(site)
    expected = sorted(sorted(dates), key=lambda s: dates[s][0], reverse=True)
    assert listed == expected, "index must list the newest event first"
    assert listed[-1] == "helsinki-summit-2018"  # 2018 is the oldest event
    hrefs = {url for _, url, _ in page.links}
    for slug in listed:
        assert f"{slug}/{slug}.html" in hrefs
        assert f"{slug}/sources.html" in hrefs
        assert f"{slug}/{slug}.pdf" in hrefs


def test_every_internal_link_and_fragment_resolves(site: Path) -> None:
    out = site / "out"
    assert len(list(out.rglob("*.html"))) == 2 + 2 * len(slugs(site))  # index, 404
    assert broken_links(out) == []


def test_the_link_checker_catches_breakage(tmp_path: Path) -> None:
    """The checker above is not vacuous."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.html").write_text('<p id="x"><a href="p.html#x">ok</a>'
                                           '<a href="p.html#nope">bad</a><a href="../b.html">x</a>'
                                           '<img src="../../etc/passwd"><a href="#x">ok</a>')
    problems = broken_links(tmp_path)
    assert len(problems) == 3, problems


def test_citations_point_at_the_paragraph_that_holds_the_excerpt(site: Path) -> None:
    out = site / "out"
    for slug in slugs(site):
        text = (out / slug / f"{slug}.html").read_text(encoding="utf-8")
        cites = re.findall(r'<a class="cite" href="sources\.html#((S\d+)-p\d+)">\d+ ¶\d+'
                           r'<span class="excerpt"> “(.*?)”', text)
        assert len(cites) >= 10, f"{slug}: citations should link to source paragraphs"
        sources = (out / slug / "sources.html").read_text(encoding="utf-8")
        paragraphs = {m.group(1): _norm(html.unescape(re.sub(r"<[^>]+>", "", m.group(2))))
                      for m in re.finditer(r'<li id="(S\d+-p\d+)"[^>]*>(.*?)</li>', sources, re.S)}
        for fragment, source, excerpt in cites:
            assert fragment.startswith(source + "-")
            assert fragment in paragraphs, f"{slug}: #{fragment} missing from sources.html"
            assert _norm(html.unescape(excerpt)) in paragraphs[fragment], (slug, fragment)


def test_feed_is_valid_atom_with_one_entry_per_briefing(site: Path) -> None:
    out = site / "out"
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    dates = sheet_dates(site)
    by_id = {e.id: e for e in feed.entries}
    assert sorted(by_id) == sorted(TAG + slug for slug in slugs(site))
    for slug, (_, prepared) in dates.items():
        entry = by_id[TAG + slug]
        assert entry.updated == f"{prepared}T00:00:00Z", "updated comes from prepared.date"
        link = entry.link
        assert not link.startswith(("http:", "https:", "/")), link
        assert (out / link).is_file(), link
        assert entry.title
        assert entry.summary
    assert feed.feed.updated == max(f"{p}T00:00:00Z" for _, p in dates.values())


def test_feed_dates_and_ids_do_not_come_from_the_clock(site: Path, other_build: Path) -> None:
    """The other build ran ~3 years later in another zone: the feed is the same bytes."""
    feed = (site / "out" / "feed.xml").read_bytes()
    assert (other_build / "out" / "feed.xml").read_bytes() == feed


def test_no_sitemap_or_absolute_urls_without_base_url(site: Path) -> None:
    out = site / "out"
    assert not (out / "sitemap.xml").exists()
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'rel="canonical"' not in text, page
        assert "og:url" not in text, page
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "xml:base" not in feed
    assert 'rel="self"' not in feed
    assert re.findall(r'href="(https?:[^"]*)"', feed) == []


def test_base_url_adds_sitemap_and_absolute_canonical_links(with_base_url: Path) -> None:
    out = with_base_url / "out"
    names = slugs(with_base_url)
    tree = ET.parse(out / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text or "" for e in tree.getroot().findall("s:url/s:loc", ns)]
    assert locs, "sitemap lists the pages"
    for loc in locs:
        assert loc.startswith(BASE_URL), loc
        assert (out / loc[len(BASE_URL):]).is_file(), loc
    for slug in names:
        assert f"{BASE_URL}{slug}/{slug}.html" in locs
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE_URL}">' in index
    for slug in names:
        sources = (out / slug / "sources.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{BASE_URL}{slug}/sources.html">' in sources
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert f"{BASE_URL}feed.xml" in [link.href for link in feed.feed.links if link.rel == "self"]
    assert sorted(e.id for e in feed.entries) == sorted(TAG + s for s in names), "ids stay tag:"
    for entry in feed.entries:
        assert entry.link.startswith(BASE_URL)
    assert broken_links(out) == []  # internal links stay relative


def test_base_url_canonical_on_briefing_pages(with_base_url: Path) -> None:
    out = with_base_url / "out"
    for slug in slugs(with_base_url):
        page = (out / slug / f"{slug}.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{BASE_URL}{slug}/{slug}.html">' in page


# --- 2. determinism ----------------------------------------------------------------------

def test_two_builds_elsewhere_are_byte_identical(site: Path, other_build: Path) -> None:
    """Other directory, TZ, locale, SOURCE_DATE_EPOCH, hash seed, clock, umask, --jobs."""
    ours, theirs = hashes(site / "out"), hashes(other_build / "out")
    assert sorted(ours) == sorted(theirs)
    assert any(name.endswith(".pdf") for name in ours)
    differ = [name for name in ours if ours[name] != theirs[name]]
    # the manifest records the build date of each edition (an input: the clock without
    # --today, and the clock differs here); nothing else may differ
    assert differ in ([], [".briefgen-manifest.json"])
    if differ:
        undated = []
        for project in (site, other_build):
            doc = json.loads((project / "out" / ".briefgen-manifest.json").read_text("utf-8"))
            for record in doc["briefings"].values():
                record.pop("published")
                record["entry"].pop("edition")
            undated.append(doc)
        assert undated[0] == undated[1]


def test_no_build_path_in_any_output_file(site: Path, other_build: Path) -> None:
    for project in (site, other_build):
        needles = {str(project).encode(), str(project.parent).encode(), str(ROOT).encode(),
                   str(project).encode("utf-16-be")}
        for path in files_of(project / "out"):
            data = path.read_bytes()
            blobs = [data, *pdf_streams(data)] if path.suffix == ".pdf" else [data]
            for blob in blobs:
                for needle in needles:
                    assert needle not in blob, f"{path}: contains {needle!r}"


def test_absolute_sheet_arguments_leave_no_build_path_in_the_site(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", 0)
    sheet = project / "seeds" / "helsinki-summit-2018"
    done = run_cli(project, "build", str(sheet), "-o", str(project / "public"))
    assert done.returncode == 0, done.stderr
    leaking = [p.relative_to(project).as_posix() for p in files_of(project / "public")
               if str(project).encode() in p.read_bytes()]
    assert leaking == []


def test_permissions_are_0644_and_0755_whatever_the_umask(site: Path, other_build: Path) -> None:
    for out in (site / "out", other_build / "out"):  # umask 022 and 077
        for path in [out, *out.rglob("*")]:
            mode = path.stat().st_mode & 0o7777
            assert mode == (0o755 if path.is_dir() else 0o644), f"{path}: {oct(mode)}"


# --- 3. incremental ----------------------------------------------------------------------

def _edit(sheet: Path, old: str, new: str) -> None:
    text = sheet.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {sheet}"
    sheet.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_incremental_rebuilds(site: Path, tmp_path: Path) -> None:
    project = copy_project(site, tmp_path / "project")
    out = project / "out"
    everything = slugs(project)

    # Nothing changed (touching files changes mtimes, not content): nothing is written.
    for path in (project / "seeds").rglob("*"):
        os.utime(path)
    before = stats(out)
    done = run_cli(project, "build")
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout + done.stderr
    assert done.stdout == ""
    assert stats(out) == before
    assert staging_leftovers(out) == []

    # One sheet edited: only it is rebuilt; the others keep their files (inode and mtime).
    sheet = project / "seeds" / "brief-0001" / "facts.yaml"
    _edit(sheet, "{id: F1, text: \"", "{id: F1, text: \"Edited ")
    _edit(sheet, 'title: "Synthetic briefing 1:', 'title: "Revised briefing 1:')
    done = run_cli(project, "build")
    assert done.returncode == 0, done.stderr
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == ["brief-0001"]
    after = stats(out)
    for rel, st in before.items():
        if "/" in rel and rel.split("/")[0] != "brief-0001" and (out / rel).is_file():
            assert after[rel] == st, f"{rel} was rewritten"
    assert "Edited" in (out / "brief-0001" / "brief-0001.html").read_text(encoding="utf-8")
    assert "Edited" in (out / "brief-0001" / "brief-0001.md").read_text(encoding="utf-8")
    assert "Revised briefing 1:" in (out / "index.html").read_text(encoding="utf-8")
    assert "Revised briefing 1:" in (out / "feed.xml").read_text(encoding="utf-8")
    assert broken_links(out) == []

    # --force rebuilds every briefing.
    done = run_cli(project, "build", "--force")
    assert done.returncode == 0, done.stderr
    assert sorted(line.split(":")[0] for line in done.stdout.splitlines()) == everything

    # A removed sheet leaves the site.
    shutil.rmtree(project / "seeds" / "brief-0002")
    done = run_cli(project, "build")
    assert done.returncode == 0, done.stderr
    assert not (out / "brief-0002").exists()
    for name in ("index.html", "feed.xml", ".briefgen-manifest.json"):
        assert "brief-0002" not in (out / name).read_text(encoding="utf-8"), name
    assert broken_links(out) == []
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert sorted(e.id for e in feed.entries) == sorted(TAG + s for s in slugs(project))
    assert staging_leftovers(out) == []


# --- 7. the README's scheduled-rebuild recipe --------------------------------------------

def _readme_schedule_command() -> list[str]:
    """The `briefgen build …` command of the README's "Scheduled rebuilds" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^#+ Scheduled rebuilds?\b.*?(?=^#+ |\Z)", readme, re.M | re.S | re.I)
    assert section is not None, "README.md needs its 'Scheduled rebuilds' section"
    found = re.search(r"briefgen build[^\n`]*--strict[^\n`]*", section.group(0))
    assert found, "the Scheduled rebuilds section must show `briefgen build --strict`"
    words = shlex.split(found.group(0).split("&&")[0].split(";")[0].split("|")[0])
    command: list[str] = []
    skip = False
    for word in words[1:]:  # drop "briefgen"; drop output redirections and -o DIR
        if skip:
            skip = False
            continue
        if word in ("-o", "--out"):
            skip = True
            continue
        if word.startswith(("-o=", "--out=")):
            continue
        if word.startswith((">", "2>")) or word == "&":
            break
        command.append(word)
    assert command[:1] == ["build"], command
    assert "--strict" in command, command
    return command


def test_readme_scheduled_rebuild_command(tmp_path: Path) -> None:
    """Run twice as cron would: publish once, then 'up to date', both exit 0."""
    command = _readme_schedule_command()
    project = make_project(tmp_path / "project", 1)
    first = run_cli(project, *command, "-o", "public")
    assert first.returncode == 0, first.stderr
    assert (project / "public" / "index.html").is_file()
    assert broken_links(project / "public") == []
    second = run_cli(project, *command, "-o", "public")
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stderr
    # --strict really is strict in a scheduled run: a warning (an uncited source) fails it.
    sheet = project / "seeds" / "brief-0000" / "facts.yaml"
    _edit(sheet, "sources:\n", "sources:\n  - {id: S9, title: Uncited, publisher: X, "
                               'published: unknown, type: wire, url: "https://example.org/s9"}\n')
    lenient = run_cli(project, "check", "seeds/brief-0000")
    assert lenient.returncode == 0, lenient.stderr  # only a warning
    assert "warning BG404" in lenient.stderr
    before = hashes(project / "public")
    third = run_cli(project, *command, "-o", "public")
    assert third.returncode == 1, third.stderr
    assert "seeds/brief-0000/facts.yaml" in third.stderr
    assert "BG404" in third.stderr
    assert hashes(project / "public") == before
