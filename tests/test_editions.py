"""Editions over time: every published edition stays at its address, byte for byte, and
each edition after the first has a changes page made from the build's own comparison."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from briefgen.publish.editions import archived_bytes, label_for
from tests.cli_helpers import run
from tests.conftest import ROOT

SLUG = "helsinki-summit-2018"
F4 = '    text: "A delegation of Republican senators visited Russia before the summit."'
F4_NEW = '    text: "A delegation of eight Republican senators visited Moscow before the summit."'
J2 = "    likelihood: likely\n    confidence: low\n"
J2_NEW = "    likelihood: likely\n    confidence: moderate\n"
O5 = (
    "  - id: O5\n"
    '    issue: "NATO missile defence near Russia\'s border"\n'
    '    cite: [{source: S2, excerpt: "squabbles over a NATO missile defence system near '
    "Russia's border\"}]\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "seeds" / SLUG, tmp_path / "seeds" / SLUG)
    return tmp_path


def edit(project: Path, old: str, new: str) -> None:
    sheet = project / "seeds" / SLUG / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    sheet.write_text(text.replace(old, new), encoding="utf-8")


def build(project: Path, today: str, *args: str) -> str:
    done = run("build", "-j", "1", "--today", today, *args, cwd=project)
    assert done.returncode == 0, done.stderr
    return done.stderr


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_three_editions_stay_as_published_and_changes_list_exactly_the_edits(
    project: Path,
) -> None:
    out = project / "out"
    assert build(project, "2026-12-07").count(f"{SLUG}: new") == 1
    first = files(out / SLUG)
    edit(project, F4, F4_NEW)  # an edited fact
    said = build(project, "2026-12-07")  # the same day: the first edition is 2026-12-07
    assert f"{SLUG}: key facts: 1 edited" in said
    second = {k: v for k, v in files(out / SLUG).items() if "/" not in k}
    edit(project, J2, J2_NEW)  # a moved judgment
    edit(project, O5, "")  # a removed obstacle
    said = build(project, "2026-12-08")
    assert f"{SLUG}: obstacles: 1 removed; assessments: 1 edited" in said
    archive = out / SLUG / "editions"
    assert sorted(p.name for p in archive.iterdir()) == ["2026-12-07", "2026-12-07-2"]

    def kept_as_published(label: str, published: dict[str, bytes]) -> None:
        held = files(archive / label)
        assert sorted(held) == sorted(published)  # every format, and nothing else
        for name, data in published.items():
            expected = archived_bytes(name, data, label)
            assert held[name] == expected, name
            if not name.endswith(".html"):
                assert held[name] == data, name  # downloads: byte-identical
            else:  # the notice aside (and the links re-rooted), the page as it was
                notice = re.sub(rb'<p class="edition-notice".*?</p>', b"", held[name])
                assert notice.replace(b"../../../", b"../") == data

    kept_as_published("2026-12-07", first)
    kept_as_published("2026-12-07-2", second)
    assert "changes.html" not in first
    assert "changes.html" in second

    # the changes pages: exactly the changed items, with the words inserted and deleted
    older = (archive / "2026-12-07-2" / "changes.html").read_text(encoding="utf-8")
    assert older.count('class="change-') == 1
    assert "<del>Russia</del>" in older
    assert "<ins>eight</ins>" in older
    assert "<ins>Moscow</ins>" in older
    latest = (out / SLUG / "changes.html").read_text(encoding="utf-8")
    assert latest.count('class="change-') == 2
    assert 'class="change-removed"><strong>Obstacles 5</strong> removed' in latest
    assert "<strong>J2</strong> edited; confidence: low → moderate" in latest
    md = (out / SLUG / "changes.md").read_text(encoding="utf-8")
    assert "**Key facts" not in md
    assert "confidence: low → moderate" in md
    older_md = (archive / "2026-12-07-2" / "changes.md").read_text(encoding="utf-8")
    assert "[-Russia-] {+Moscow+}" in older_md

    # listed on the page and in the feed; recorded in the manifest
    page = (out / SLUG / f"{SLUG}.html").read_text(encoding="utf-8")
    assert 'href="editions/2026-12-07-2/helsinki-summit-2018.html">2026-12-07-2</a>' in page
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "<updated>2026-12-08T00:00:00Z</updated>" in feed
    assert 'title="Earlier edition 2026-12-07"' in feed
    site = files(out)
    record = json.loads(site[".briefgen-manifest.json"])["briefings"][f"seeds/{SLUG}/facts.yaml"]
    assert [e["label"] for e in record["editions"]] == ["2026-12-07", "2026-12-07-2"]

    # an incremental no-op touches nothing; a healing build brings a deleted edition back
    assert "up to date" in build(project, "2026-12-09")
    assert files(out) == site
    (archive / "2026-12-07" / f"{SLUG}.pdf").unlink()
    (archive / "2026-12-07-2" / f"{SLUG}.html").write_bytes(b"vandalised")
    said = build(project, "2026-12-09")
    assert "restored 2 published file(s)" in said
    assert files(out) == site
    build(project, "2026-12-10", "--force")  # a full rebuild rewrites no edition
    assert files(out) == site


def test_retention_keeps_the_newest_editions(project: Path) -> None:
    (project / "briefgen.toml").write_text("keep_editions = 1\n", encoding="utf-8")
    build(project, "2026-12-07", "--format", "md")
    edit(project, F4, F4_NEW)
    build(project, "2026-12-08", "--format", "md")
    edit(project, J2, J2_NEW)
    build(project, "2026-12-09", "--format", "md")
    archive = project / "out" / SLUG / "editions"
    assert [p.name for p in archive.iterdir()] == ["2026-12-08"]
    store = project / ".out.briefgen-editions"
    assert len(list(store.iterdir())) == 2  # the kept edition's md and changes.md only


def test_a_label_counts_up_within_a_day() -> None:
    assert label_for("2026-12-07", ()) == "2026-12-07"
    assert label_for("2026-12-07", ("2026-12-07",)) == "2026-12-07-2"
    assert label_for("2026-12-07", ("2026-12-07", "2026-12-07-2")) == "2026-12-07-3"


def test_an_unchanged_sheet_rebuilt_makes_no_edition(project: Path) -> None:
    build(project, "2026-12-07", "--format", "md,html")
    build(project, "2026-12-08", "--format", "md,html", "--force")
    assert not (project / "out" / SLUG / "editions").exists()
    digest = hashlib.sha256((project / "out" / SLUG / f"{SLUG}.md").read_bytes()).hexdigest()
    build(project, "2026-12-09", "--format", "md,html", "--force")
    again = hashlib.sha256((project / "out" / SLUG / f"{SLUG}.md").read_bytes()).hexdigest()
    assert digest == again


def test_the_example_first_edition_checks_strictly(tmp_path: Path) -> None:
    """`make example` publishes it as the event brief's first edition (Makefile)."""
    seed = tmp_path / "seeds" / SLUG
    shutil.copytree(ROOT / "seeds" / SLUG, seed)
    first = ROOT / "examples" / SLUG / "first-edition.yaml"
    shutil.copy(first, seed / "facts.yaml")
    done = run("check", "--strict", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"FIRST_EDITION := examples/{SLUG}/first-edition.yaml" in makefile


def test_a_damaged_file_is_left_out_of_its_edition_with_a_warning(project: Path) -> None:
    build(project, "2026-12-07", "--format", "md,html")
    (project / "out" / SLUG / f"{SLUG}.md").write_text("edited by hand\n", encoding="utf-8")
    edit(project, F4, F4_NEW)
    said = build(project, "2026-12-08", "--format", "md,html")
    assert f"warning BG620: the edition 2026-12-07 was archived without {SLUG}.md" in said
    held = sorted(p.name for p in (project / "out" / SLUG / "editions" / "2026-12-07").iterdir())
    assert held == [f"{SLUG}.html", "sources.html"]  # never the hand-edited bytes
