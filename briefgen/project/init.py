"""`briefgen init`: a project folder of one's own, like `mkdocs new` or `hugo new site`.

Why: the tool lived in its own repository, so every check and build of a user's sheets
also checked and published the bundled example, and settings were flags. A project is a
folder with `briefgen.toml`, `seeds/` and the recipes to publish it on a schedule.

Never destructive: a non-empty folder is refused unless FORCE, and even then no existing
file is replaced (they are reported as kept), so `init --force` can fill in what is missing.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from briefgen import __version__
from briefgen.assets import bundled_examples
from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.project import install as install_spec
from briefgen.project import matrix
from briefgen.project.paths import unusable
from briefgen.schema.jsonschema import schema_text
from briefgen.sheet.files import reason

# What init writes below FOLDER, at most (the example's longest source file name, 90 bytes).
DEEPEST = 128

SETTINGS = """\
# briefgen project settings. Commands run anywhere inside this folder use them.
# Precedence: a command-line flag, then this file, then the built-in default.
# A key left out (or commented out) takes its default, shown here.

# The name shown on every page and in the feed (default: none).
# organisation = "Policy Unit"

# Paper for sheets that do not set render.paper: "A4" or "Letter" (flag: --paper).
paper = "A4"

# The site's public URL: canonical links, feed self link, sitemap (flag: --base-url).
# base_url = "https://example.org/briefs/"

# The folder `briefgen build` publishes to, relative to this file (flag: -o/--out).
output = "out"

# Treat warnings as errors (flag: --strict / --no-strict).
strict = false

# Handling marking of sheets that set no handling.classification (default: UNCLASSIFIED).
# marking = "OFFICIAL"

# Audience of sheets that set no briefing.audience (default: none).
# audience = "Minister"

# Worker processes for PDFs (flag: -j/--jobs; default: all cores).
# jobs = 2

# The files of each briefing: "md", "html", "pdf", "docx" (Word), "txt" (plain text)
# (flag: --format; default: all five).
# formats = ["html", "pdf", "docx"]

# Earlier editions kept per briefing, the newest ones (default: keep every edition).
# keep_editions = 10

# The handling levels items and sources may be marked with, lowest first (default: TLP 2.0,
# "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"); a level may be a
# table of name, label (printed in the banner) and short (its portion mark).
# levels = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]

# How the scheduled workflow (.github/workflows/briefs.yml) installs briefgen; it reads
# this line when it runs. A requirement from the package index ("briefgen==1.2.0"), a path
# in this folder or an https:// URL of a briefgen wheel, or "git+https://HOST/OWNER/REPO@TAG".
# `briefgen doctor` says whether it can be had.
install = {install}

# Audiences: `briefgen build` also writes, for each, an edition holding nothing marked above
# its level, as a site of its own (flags: --audience NAME, --max-marking LEVEL).
# [audiences.partners]
# max_marking = "TLP:GREEN"
# output = "out-partners"
"""

GITIGNORE = """\
# briefgen's output folder (see output in briefgen.toml), its lock and staging leftovers
/out/
.*.briefgen.lock
.*.briefgen-staging-*
.*.briefgen-stamps.json*
.*.briefgen-editions/
# Python
.venv/
__pycache__/
"""

# The GitHub Pages recipe of briefgen's README; it installs briefgen exactly as
# briefgen.toml's `install` says, read when the workflow runs, so that file stays the one
# place to change it. tests/test_release.py runs these steps against a wheel.
WORKFLOW = """\
# Build the briefings every hour and on each push; publish them with GitHub Pages
# (Settings → Pages → Source: GitHub Actions). Schedules run in UTC from the default branch.
# A failed build uploads nothing, so the live site stays as it was.
# briefgen is installed as `install` in briefgen.toml says (`briefgen doctor` checks it).
on:
  schedule: [{cron: "17 * * * *"}]
  workflow_dispatch:
  push: {branches: [main]}
permissions: {contents: read, pages: write, id-token: write}
concurrency: {group: pages, cancel-in-progress: false}
jobs:
  build:
    runs-on: ubuntu-latest
    env:  # the site's public URL (briefgen reads BRIEFGEN_BASE_URL like --base-url)
      BRIEFGEN_BASE_URL: >-
        https://${{github.repository_owner}}.github.io/${{github.event.repository.name}}/
    steps:
      - name: Check out
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with: {python-version: "3.12"}
      - name: Install the system libraries
        run: |
          sudo apt-get update -qq
          sudo apt-get install -y --no-install-recommends \\
            libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
      - name: Install briefgen
        run: |
          spec=$(python3 -c 'import tomllib
          print(tomllib.load(open("briefgen.toml", "rb")).get("install", ""))')
          if [ -z "$spec" ]; then
            echo "::error file=briefgen.toml::no install setting (see briefgen init --install)"
            exit 1
          fi
          echo "install = $spec"
          python3 -m venv .venv
          .venv/bin/pip install "$spec"
      - name: Build the site
        run: .venv/bin/briefgen build --strict -o out
      - name: Upload the site
        uses: actions/upload-pages-artifact@v3
        with: {path: out}
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment: {name: github-pages}
    steps:
      - uses: actions/deploy-pages@v4
"""

# The same hook as briefgen's .pre-commit-hooks.yaml, run with the briefgen on PATH
# (pipx/uv tool install, or an activated virtualenv), so it needs no network and no URL.
PRE_COMMIT = """\
# `pre-commit install` once; then every commit checks the sheets it changes.
# Uses the briefgen on PATH. To let pre-commit install briefgen itself, replace the local
# repo by briefgen's repository:
#   {{repo: <its git URL>, rev: v{version}, hooks: [{{id: briefgen-check}}]}}
repos:
  - repo: local
    hooks:
      - id: briefgen-check
        name: briefgen check --strict
        entry: briefgen check --strict
        language: system
        files: '(^|/)seeds/[^/]+/(facts\\.yaml|sources/.+)$'
        require_serial: true
"""


@dataclass(frozen=True)
class Created:
    """What `init` wrote, and the files it found already there and left alone."""

    root: Path
    written: tuple[Path, ...]
    kept: tuple[Path, ...]


def init(
    folder: Path,
    *,
    example: bool = False,
    force: bool = False,
    install: str | None = None,
    shards: int | None = None,
) -> Created:
    """Make FOLDER a briefgen project; with EXAMPLE, copy the bundled example sheets in.

    INSTALL is how its workflow installs briefgen (default: this version from the package
    index); anything but an install spec is BG707. Refuses a non-empty FOLDER (BG705,
    exit 2) unless FORCE, and a name the OS would refuse (BG708, exit 2: NUL, a name or
    path too long); never replaces a file. With SHARDS, the workflow builds that many
    shards at once and merges them (`matrix.sharded`; 2 to `matrix.MOST`, else BG648).
    """
    if why := unusable(folder, path_room=DEEPEST):
        found = Diagnostic(
            Location(str(folder)),
            "BG708",
            f"the folder name cannot be used: {why}",
            "choose a shorter name, or a folder nearer the root",
        )
        raise BriefError(found, exit_code=EXIT_USAGE)
    if shards is not None and not 2 <= shards <= matrix.MOST:
        raise _usage(folder, f"cannot split the workflow into {shards} shards",
                     f"give --shards from 2 to {matrix.MOST}", code="BG648")
    spec = _recorded(folder, install_spec.checked(install)) if install else install_spec.default()
    if folder.exists() and not folder.is_dir():
        raise _usage(folder, "that is a file, not a folder", "name a new or empty folder")
    if not force and folder.is_dir() and any(folder.iterdir()):
        raise _usage(
            folder,
            "the folder is not empty",
            "name a new folder, or add --force to add only the files it lacks",
        )
    files = {
        "briefgen.toml": SETTINGS.format(install=json.dumps(spec, ensure_ascii=False)),
        ".gitignore": GITIGNORE,
        ".github/workflows/briefs.yml": matrix.sharded(WORKFLOW, shards) if shards else WORKFLOW,
        ".pre-commit-config.yaml": PRE_COMMIT.format(version=__version__),
        "seeds/.gitkeep": "",
        "schema/fact-sheet.schema.json": schema_text(),
    }
    written: list[Path] = []
    kept: list[Path] = []
    try:
        for name, text in files.items():
            path = folder / name
            if path.exists() or path.is_symlink():
                kept.append(path)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
        if example:
            for source in sorted(p for p in bundled_examples().iterdir() if p.is_dir()):
                target = folder / "seeds" / source.name
                if target.exists():
                    kept.append(target)
                    continue
                shutil.copytree(source, target)
                written.append(target)
    except OSError as error:
        where = Path(error.filename) if error.filename else folder
        raise BriefError(
            Diagnostic(
                Location(str(where)),
                "BG706",
                f"cannot create the project: {reason(error)}",
                "check the folder's permissions and free space",
            ),
            exit_code=EXIT_IO,
        ) from None
    return Created(folder, tuple(written), tuple(kept))


def _recorded(folder: Path, spec: str) -> str:
    """SPEC as briefgen.toml records it: a wheel path given on the command line (relative to
    the working folder) becomes relative to FOLDER when inside it, else absolute."""
    if not spec.lower().endswith(".whl") or "://" in spec:
        return spec
    wheel = Path(spec).absolute()
    try:
        return wheel.relative_to(folder.absolute()).as_posix()
    except ValueError:
        return str(wheel)


def _usage(folder: Path, message: str, hint: str, code: str = "BG705") -> BriefError:
    found = Diagnostic(Location(str(folder)), code, message, hint)
    return BriefError(found, exit_code=EXIT_USAGE)
