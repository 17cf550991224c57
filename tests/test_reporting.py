"""Diagnostics reach people one way: `cli.options.print_diagnostics`, which formats them
with `cli.terminal.diagnostics_text`.

Why a source test as well as a behavioural one: a command that prints a diagnostic by
itself (`str(d)`, an f-string, `"\\n".join(map(str, ...))`) looks right until the format
changes or a sheet carries control characters, and each command's own tests see only its
own output. So the shell's modules (briefgen/cli, briefgen/preview) are read here: outside
terminal.py nothing turns a diagnostic into text, and only print_diagnostics calls
diagnostics_text. Then `check` and the preview are run on the same broken sheet and must
print the same lines.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

from site_helpers import Running, run_cli, start_cli

from tests.conftest import EXAMPLE, ROOT

SHELL = sorted([*(ROOT / "briefgen" / "cli").glob("*.py"),
                *(ROOT / "briefgen" / "preview").glob("*.py")])
FORMATTER = "briefgen/cli/terminal.py"  # makes the text; exempt
PRINTER = ("briefgen/cli/options.py", "print_diagnostics")  # the one caller of the formatter
# Shown, not printed: the preview's page banner is HTML (html.escape of each diagnostic).
HTML = {("briefgen/preview/server.py", "_inject")}

HOLDERS = {"diagnostics", "warnings", "broken", "all_problems"}  # attributes holding them
OUTPUT = {"str", "repr", "format", "echo", "secho", "print", "write", "report"}
COLLECT = {"sorted", "list", "tuple", "reversed", "iter"}


class _Offences(ast.NodeVisitor):
    """Where a module makes text of a diagnostic, or calls the formatter, itself.

    A name holds diagnostics if it is annotated with Diagnostic or bound (assigned, or a
    loop or comprehension variable) from something that holds them: an attribute named in
    HOLDERS, or a name that does. Flow-insensitive: one set per top-level function or
    class, to a fixpoint.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[str] = []
        self.held: set[str] = set()
        self.function = ""

    def check(self, scope: ast.stmt) -> None:
        """Bind the names of one top-level statement (a function, a class) and visit it."""
        self.held = set()
        while True:  # names bound from names that hold diagnostics, to a fixpoint
            before = len(self.held)
            for node in ast.walk(scope):
                self._bind(node)
            if len(self.held) == before:
                break
        self.visit(scope)

    def _bind(self, node: ast.AST) -> None:
        if isinstance(node, ast.arg) and node.annotation is not None:
            if "Diagnostic" in ast.unparse(node.annotation):
                self.held.add(node.arg)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if "Diagnostic" in ast.unparse(node.annotation) or (
                    node.value is not None and self._holds(node.value)):
                self.held.add(node.target.id)
        elif isinstance(node, ast.Assign) and self._holds(node.value):
            self.held.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.For, ast.comprehension)) and self._holds(node.iter):
            names = [node.target] if isinstance(node.target, ast.Name) else []
            self.held.update(n.id for n in names)

    def _holds(self, node: ast.expr) -> bool:
        """Is NODE a diagnostic or a collection of them?"""
        if isinstance(node, ast.Name):
            return node.id in self.held
        if isinstance(node, ast.Attribute):
            return node.attr in HOLDERS or self._holds(node.value)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):  # problems.values(), state.all_problems()
                return self._holds(node.func)
            if isinstance(node.func, ast.Name) and node.func.id in COLLECT and node.args:
                return self._holds(node.args[0])
            return False
        if isinstance(node, (ast.Subscript, ast.Starred)):
            return self._holds(node.value)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return any(self._holds(e) for e in node.elts)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self._holds(node.elt)
        if isinstance(node, ast.BinOp):
            return self._holds(node.left) or self._holds(node.right)
        if isinstance(node, ast.IfExp):
            return self._holds(node.body) or self._holds(node.orelse)
        return False

    def _offence(self, node: ast.AST, what: str) -> None:
        if (self.path, self.function) not in HTML:
            self.found.append(f"{self.path}:{getattr(node, 'lineno', 0)}: {what}")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.function = self.function, self.function or node.name
        self.generic_visit(node)
        self.function = outer

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        args = [*node.args, *(k.value for k in node.keywords)]
        if name == "diagnostics_text" and (self.path, self.function) != PRINTER:
            self._offence(node, "calls diagnostics_text: use print_diagnostics")
        elif name in OUTPUT and any(self._holds(a) for a in args):
            self._offence(node, f"{name}() of a diagnostic")
        elif name == "map" and len(node.args) == 2 and self._holds(node.args[1]):
            self._offence(node, "map() over diagnostics")
        elif name == "join" and node.args and self._holds(node.args[0]):
            self._offence(node, "join() of diagnostics")
        self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        if self._holds(node.value):
            self._offence(node, "f-string of a diagnostic")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Mod) and self._holds(node.right):
            self._offence(node, "%-format of a diagnostic")
        self.generic_visit(node)


def offences(source: str, path: str) -> list[str]:
    found = _Offences(path)
    for scope in ast.parse(source).body:
        found.check(scope)
    return found.found


def test_only_print_diagnostics_prints_diagnostics() -> None:
    found = []
    for module in SHELL:
        path = module.relative_to(ROOT).as_posix()
        if path != FORMATTER:
            found += offences(module.read_text(encoding="utf-8"), path)
    assert found == []


def test_the_source_test_sees_each_other_way() -> None:
    """Every way diagnostics were once printed in the shell is caught; the right way and
    a count of problems are not."""
    other_ways = [
        "for d in error.diagnostics:\n    report(str(d))\n",
        'click.echo("\\n".join(map(str, error.diagnostics)), err=True)\n',
        'click.echo(terminal.diagnostics_text(error.diagnostics, "text"), err=True)\n',
        "def publish() -> None:\n"
        "    problems: dict[str, tuple[Diagnostic, ...]] = {}\n"
        "    for found in problems.values():\n        for d in found:\n"
        "            report(str(d))\n",
        "def show(d: Diagnostic) -> None:\n    click.echo(f'{d}')\n",
        "click.echo(*built.warnings, sep='\\n')\n",
        "print('\\n'.join(str(d) for d in sorted(report.diagnostics)))\n",
        "for w in built.warnings:\n    click.echo('%s' % w)\n",
    ]
    for source in other_ways:
        assert offences(source, "briefgen/cli/x.py"), source
    right = (
        "def print_diagnostics(found, fmt):\n"
        "    click.echo(terminal.diagnostics_text(found, fmt), err=True)\n"
        "report(f'{sheet.parent}: {len(error.diagnostics)} problem(s)')\n"
        "print_diagnostics(error.diagnostics)\n"
        "report_diagnostics([d for found in problems.values() for d in found])\n"
    )
    assert offences(right, PRINTER[0]) == []


def _broken(tmp_path: Path) -> Path:
    """A project whose one sheet misspells `title`: two errors, each with a hint."""
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / "x")
    sheet = tmp_path / "seeds" / "x" / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("\n  title:", "\n  titel:", 1), encoding="utf-8")
    return tmp_path


def test_check_and_the_preview_print_the_same_diagnostics(tmp_path: Path) -> None:
    project = _broken(tmp_path)
    checked = run_cli(project, "check")
    assert checked.returncode == 1
    lines = checked.stderr.splitlines()
    assert lines[-1] == "checked 1 sheet: 2 error(s), 0 warning(s)"
    expected = "\n".join(lines[:-1])
    assert "error BG204" in expected
    assert "    hint: " in expected
    running = Running(start_cli(project, "serve", "--port", "0", stdout=subprocess.DEVNULL))
    try:
        shown = running.wait_for(r"(?s)showing the last good page\n(.*?)\nbuilt 0, unchanged 0, "
                                 r"failed 1\n", timeout=120)
        assert shown.group(1) == expected  # phase 1: the page shown from memory
        built = running.wait_for(r"failed 1\n(" + re.escape(expected) + r")\n", timeout=60)
        assert built.group(1) == expected  # phase 2: the build
    finally:
        running.stop()
    assert "Traceback" not in running.stderr

