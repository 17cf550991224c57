"""RealPaths gives what Path.resolve() gives: through links to files and folders, links
to links, `..` after a link, missing files, relative and absolute paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.publish.realpaths import RealPaths


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "seeds" / "a" / "sources").mkdir(parents=True)
    (tmp_path / "seeds" / "a" / "facts.yaml").write_text("x")
    (tmp_path / "seeds" / "a" / "sources" / "s1.txt").write_text("x")
    (tmp_path / "elsewhere" / "deep").mkdir(parents=True)
    (tmp_path / "elsewhere" / "deep" / "s2.txt").write_text("x")
    (tmp_path / "seeds" / "b").symlink_to(tmp_path / "seeds" / "a")  # a folder link
    (tmp_path / "seeds" / "a" / "sources" / "out.txt").symlink_to(
        tmp_path / "elsewhere" / "deep" / "s2.txt"
    )
    (tmp_path / "seeds" / "a" / "sources" / "hop").symlink_to("out.txt")  # link to a link
    (tmp_path / "seeds" / "a" / "up").symlink_to(tmp_path / "elsewhere" / "deep")
    monkeypatch.chdir(tmp_path)
    return tmp_path


PATHS = [
    "seeds/a/facts.yaml",
    "seeds/b/facts.yaml",
    "seeds/b/sources/s1.txt",
    "seeds/a/sources/out.txt",
    "seeds/b/sources/hop",
    "seeds/a/up/../deep/s2.txt",  # `..` after a link goes up from where the link points
    "seeds/a/up/s2.txt",
    "seeds/a/missing/nothing.txt",
    "seeds/a/sources/../../b/./sources/s1.txt",
    "seeds",
    ".",
    "",
]


@pytest.mark.parametrize("name", PATHS)
def test_the_same_as_path_resolve(tree: Path, name: str) -> None:
    real = RealPaths()
    for path in (Path(name), tree / name):
        expected = path.resolve()
        assert real(path) == expected
        assert real(path) == expected  # and again, from what it remembers


def test_one_resolver_for_many_paths_agrees_with_resolve(tree: Path) -> None:
    real = RealPaths()
    for name in PATHS * 2:
        assert real(Path(name)) == Path(name).resolve(), name


def test_a_nul_in_a_name_is_refused_as_resolve_refuses_it(tree: Path) -> None:
    with pytest.raises(ValueError, match="null"):
        Path("seeds/a/sources/x\0y").resolve()
    with pytest.raises(ValueError, match="null"):
        RealPaths()(Path("seeds/a/sources/x\0y"))


def test_a_link_loop_gives_a_path_not_a_crash(tree: Path) -> None:
    """Path.resolve() raises RuntimeError on a loop (Python 3.11), which no caller of the
    up-to-date check catches; the looping path is returned, and reading it then fails
    (ELOOP) like any unreadable input."""
    (tree / "loop1").symlink_to("loop2")
    (tree / "loop2").symlink_to("loop1")
    found = RealPaths()(Path("loop1/x"))
    assert found.name == "x"
    with pytest.raises(OSError, match="level"):  # ELOOP: "Too many levels of symbolic links"
        found.stat()


def test_text_is_the_same_path_as_a_string(tree: Path) -> None:
    real = RealPaths()
    for name in PATHS:
        assert real.text(Path(name)) == str(Path(name).resolve())


def test_a_sheets_inputs_are_the_names_inside_its_folder(tmp_path: Path) -> None:
    """sheet_inputs takes source names as written: one that leaves the folder (`..`, an
    absolute path, a NUL) is not an input (`check` refuses it); a link inside is hashed as
    what it points to, so editing the target changes the key."""
    from briefgen.publish import keys

    folder = tmp_path / "seeds" / "a"
    (folder / "sources").mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("outside\n", encoding="utf-8")
    (folder / "sources" / "s1.txt").write_text("one\n", encoding="utf-8")
    (folder / "sources" / "link.txt").symlink_to(tmp_path / "outside.txt")
    names = ["sources/s1.txt", "sources/link.txt", "../../outside.txt", "/etc/hostname",
             "sources/x\0y", "sources/../sources/s1.txt"]
    sheet = folder / "facts.yaml"
    sheet.write_text("sources:\n" + "".join(f"  - file: {n!r}\n" for n in names[:2]))
    known = {"facts.yaml": keys.Stamps().sha256(sheet)} | dict.fromkeys(names, "")
    found = keys.sheet_inputs(sheet, known)
    assert sorted(found) == sorted(["facts.yaml", "sources/s1.txt", "sources/link.txt",
                                    "sources/../sources/s1.txt"])
    before = found["sources/link.txt"]
    (tmp_path / "outside.txt").write_text("changed\n", encoding="utf-8")
    assert keys.sheet_inputs(sheet, known)["sources/link.txt"] != before


@pytest.mark.parametrize(
    ("sheet", "project"),
    [
        ("seeds/a/facts.yaml", None),
        ("seeds/b/facts.yaml", "."),  # through a folder link
        ("seeds/a/facts.yaml", "elsewhere"),  # outside the project: `..` steps
        ("seeds/a/facts.yaml", "/"),
        ("seeds/a/facts.yaml", "seeds"),
        ("seeds/a/facts.yaml", "see"),  # a prefix of the path that is not its folder
    ],
)
def test_a_sheets_manifest_name_is_its_real_path_from_the_project(
    tree: Path, sheet: str, project: str | None
) -> None:
    from briefgen.publish.manifest import name_of

    base = Path(project or ".").resolve()
    real = Path(sheet).resolve()
    expected = (
        real.relative_to(base).as_posix()
        if real.is_relative_to(base)
        else Path(os.path.relpath(real, base)).as_posix()
    )
    assert name_of(Path(sheet), Path(project) if project else None) == expected
