"""The package's shape holds: subpackages by stage, imports in one direction, small modules.

Read from the source with `ast` (nothing of briefgen is imported for the shape tests), so an
import inside a function or under `if TYPE_CHECKING:` counts as much as one at the top: it
is still a dependency. LAYERS is the one list of the subpackages in data-flow order; the
README's "Architecture" section lists the same, and a test keeps the two the same.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "briefgen"

# The subpackages in data-flow order: each may import only those before it (and the
# top-level modules). `pipeline` is the only one that knows the stage order, `cli` the only
# one that imports click.
LAYERS = (
    "sheet", "schema", "verify", "compose", "render", "site", "publish",
    "project", "pipeline", "authoring", "preview", "cli",
)
TOP = "top level"  # briefgen/__init__.py, errors.py, assets.py: they import no subpackage
MAIN = "__main__"  # `python -m briefgen`: may import anything (it runs the CLI)
ORDER = (TOP, *LAYERS, MAIN)

MAX_TOP_LEVEL_MODULES = 6
MAX_LINES = 350

MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _node(path: Path) -> str:
    """The import graph's node a module of briefgen/ belongs to."""
    parts = path.relative_to(PACKAGE).parts
    if len(parts) > 1:
        return parts[0]
    return MAIN if parts[0] == "__main__.py" else TOP


def _target(dotted: str) -> str | None:
    """The node an imported dotted name belongs to, or None when it is not briefgen's."""
    parts = dotted.split(".")
    if parts[0] != "briefgen":
        return None
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    if len(parts) > 1 and parts[1] == MAIN:
        return MAIN
    return TOP  # `import briefgen`, briefgen.errors, `from briefgen import __version__`


def _dotted_package(path: Path) -> list[str]:
    """The package a module is in, as parts: ["briefgen", "render"] for render/pages.py."""
    parts = ["briefgen", *path.relative_to(PACKAGE).with_suffix("").parts]
    return parts[:-1]  # __init__.py's package is its folder, like any other module's


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of everything PATH imports, wherever in the module: top level,
    functions, `if TYPE_CHECKING:`, and importlib.import_module/__import__ with a literal."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the module's own package
                package = _dotted_package(path)
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(filter(None, [*package, node.module]))
            if base == "briefgen":  # `from briefgen import render` imports the subpackage
                found += [(node.lineno, f"briefgen.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, base))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            literal = _literal_prefix(node.args[0])
            if literal is not None:
                found.append((node.lineno, literal))
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def _literal_prefix(arg: ast.expr) -> str | None:
    """A string literal, or an f-string's literal start (f"briefgen.pipeline.{name}")."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values:
        first = arg.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def edges() -> list[tuple[str, str, str, int, str]]:
    """(from node, to node, module, line, imported name) for every import of briefgen."""
    found = []
    for path in MODULES:
        for line, dotted in imports(path):
            # f"briefgen.{name}": which subpackage it is cannot be read, so it is refused
            target = "?" if dotted == "briefgen." else _target(dotted.rstrip("."))
            if target is not None:
                found.append((_node(path), target, _name(path), line, dotted))
    return found


# --- the shape ----------------------------------------------------------------------------


def test_the_subpackages_are_the_layers() -> None:
    """A new subpackage needs a place in LAYERS (and the README) before it can be checked."""
    folders = sorted(p.name for p in PACKAGE.iterdir()
                     if p.is_dir() and p.name != "__pycache__" and any(p.rglob("*.py")))
    assert folders == sorted(LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_every_subpackage_has_an_init(layer: str) -> None:
    assert (PACKAGE / layer / "__init__.py").is_file()


def test_no_nested_subpackages() -> None:
    """One level of subpackages: a module's layer is the folder it is in."""
    nested = [_name(p) for p in MODULES if len(p.relative_to(PACKAGE).parts) > 2]
    assert nested == []


def test_few_top_level_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, (
        f"{len(top)} modules directly in briefgen/ (at most {MAX_TOP_LEVEL_MODULES}): {top}; "
        "a new module belongs in the subpackage of its stage")


def test_no_module_is_over_the_line_limit() -> None:
    long = {_name(p): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines (split them by role): {long}"


def test_every_subpackage_says_what_stage_it_is() -> None:
    """`help(briefgen.render)` and a newcomer's first look start at the __init__.py."""
    silent = [f"briefgen/{layer}/__init__.py" for layer in LAYERS
              if not (ast.get_docstring(_tree(PACKAGE / layer / "__init__.py")) or "").strip()]
    assert silent == [], f"subpackages whose __init__.py has no docstring: {silent}"


def test_every_module_has_a_docstring() -> None:
    """The __init__.py files are the test above's; every other module says what it is for."""
    silent = [_name(p) for p in MODULES
              if p.name != "__init__.py" and not (ast.get_docstring(_tree(p)) or "").strip()]
    assert silent == [], f"modules without a docstring: {silent}"


# --- the direction of imports ---------------------------------------------------------------


def test_imports_follow_the_layers() -> None:
    """A package imports only the packages listed before it in LAYERS (and the top level)."""
    wrong = [f"briefgen/{module}:{line} imports {dotted}: {src} may not import {dst}"
             for src, dst, module, line, dotted in edges()
             if dst == "?" or ORDER.index(dst) > ORDER.index(src)]
    assert wrong == [], "\n".join(wrong)


def test_the_package_import_graph_has_no_cycle() -> None:
    """Said without LAYERS: no package reaches itself through others' imports."""
    graph: dict[str, set[str]] = {}
    for src, dst, *_ in edges():
        if src != dst and dst != "?":
            graph.setdefault(src, set()).add(dst)
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*trail, node, nxt]
            if nxt not in state and (cycle := visit(nxt, [*trail, node])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [])
            assert cycle is None, " → ".join(cycle[cycle.index(cycle[-1]):])


def test_the_graph_is_read_at_all() -> None:
    """The checks above are not vacuous: known edges of every kind are found."""
    found = {(src, dst) for src, dst, *_ in edges()}
    assert {("schema", "sheet"), ("cli", "pipeline"), (MAIN, "cli"), (TOP, TOP)} <= found
    deferred = [(m, d) for _, _, m, _, d in edges() if m == "publish/keys.py"]
    assert ("publish/keys.py", "briefgen.sheet.load") in deferred  # inside a function


def test_only_cli_imports_click() -> None:
    """The library never imports click: `cli` parses, calls one library function, prints."""
    clicking = [f"briefgen/{_name(p)}:{line}" for p in MODULES if _node(p) != "cli"
                for line, dotted in imports(p) if dotted.split(".")[0] == "click"]
    assert clicking == []


# --- the README says the same -------------------------------------------------------------


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def test_the_readme_lists_the_layers_in_order() -> None:
    listed = re.findall(r"^[*-] `(?:briefgen/)?(\w+)/`", _readme_section("Architecture"), re.M)
    assert tuple(listed) == LAYERS


def test_the_readme_names_no_missing_module() -> None:
    """Every `….py` the README names exists, from the checkout (`bench/run.py`,
    `briefgen/render/pdf.py`) or from briefgen/ (`render/pdf.py`): no flat paths of before."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w./-])([\w./-]+\.py)\b", text))
    assert len(named) > 10
    missing = sorted(n for n in named if not (ROOT / n).is_file() and not (PACKAGE / n).is_file())
    assert missing == []


# --- the settings key hashes the whole package ---------------------------------------------


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Path, bytes]]:
    """One copy of briefgen/ for this module's tests, and its files' bytes as copied."""
    copy = tmp_path_factory.mktemp("code") / "briefgen"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy, {path: path.read_bytes() for path in copy.rglob("*") if path.is_file()}


@pytest.fixture
def code(pristine: tuple[Path, dict[Path, bytes]],
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The copy of briefgen/ that the settings key hashes instead of the real one; a test's
    edits are undone after it."""
    from briefgen.publish import keys

    copy, files = pristine
    monkeypatch.setattr(keys, "CODE", copy)
    yield copy
    for path in [p for p in copy.rglob("*") if p.is_file()]:
        if path not in files:
            path.unlink()
        elif path.read_bytes() != files[path]:
            path.write_bytes(files[path])


def _key() -> str:
    from briefgen.publish import keys

    return keys.settings_key(template_dirs=[])


def test_the_settings_key_hashes_the_package_root() -> None:
    from briefgen.publish import keys

    assert PACKAGE.resolve() == keys.CODE


def test_editing_a_module_in_a_subpackage_changes_the_settings_key(code: Path) -> None:
    before = _key()
    assert _key() == before
    with (code / "render" / "pages.py").open("a", encoding="utf-8") as module:
        module.write("# a patch release that changes rendering\n")
    assert _key() != before


@pytest.mark.parametrize("module", [_name(p) for p in MODULES])
def test_every_module_is_in_the_settings_key(code: Path, module: str) -> None:
    before = _key()
    with (code / module).open("a", encoding="utf-8") as file:
        file.write("# edited\n")
    assert _key() != before, f"editing briefgen/{module} leaves the settings key as it was"


@pytest.mark.parametrize("layer", LAYERS)
def test_a_new_module_in_a_subpackage_changes_the_settings_key(code: Path, layer: str) -> None:
    before = _key()
    (code / layer / "added.py").write_text('"""Added by an upgrade."""\n', encoding="utf-8")
    assert _key() != before


def test_the_copy_hashes_as_the_package(code: Path) -> None:
    """After the tests above edited it (each test's edits undone), the copy they edit is
    still the package itself: the same files, the same key."""
    from briefgen.publish import keys

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "CODE", PACKAGE.resolve())
        real = _key()
    assert _key() == real


def test_the_worker_preload_lists_name_real_modules() -> None:
    """A stale name in the fork server's preload list fails only when jobs > 1: check here."""
    import importlib.util

    from briefgen.pipeline import workers

    for name in (*workers.CHECK_MODULES, *workers.BUILD_MODULES, workers.PRELOAD):
        if name.startswith("briefgen"):
            assert importlib.util.find_spec(name) is not None, name
