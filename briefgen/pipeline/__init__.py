"""The stage order, and the only package that knows it: load → validate → verify →
compose → render → site → publish.

`check` (checking.py) runs the first three stages, `make` (making.py) one sheet through all of
them in memory, `build` (building.py) many sheets into the published site. Each takes values
(paths, options) and returns values; the CLI prints. Names are loaded on first use, so
`briefgen --help` and an up-to-date build import none of the heavy stages.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from briefgen.project.discover import find_sheets as find_sheets
from briefgen.project.discover import resolve_sheets as resolve_sheets

if TYPE_CHECKING:
    from briefgen.pipeline.audiences import audience_sites as audience_sites
    from briefgen.pipeline.audiences import build_audiences as build_audiences
    from briefgen.pipeline.building import BuildReport as BuildReport
    from briefgen.pipeline.building import build as build
    from briefgen.pipeline.checking import Checked as Checked
    from briefgen.pipeline.checking import CheckReport as CheckReport
    from briefgen.pipeline.checking import check as check
    from briefgen.pipeline.checking import check_sheets as check_sheets
    from briefgen.pipeline.making import Built as Built
    from briefgen.pipeline.making import make as make
    from briefgen.pipeline.making import make_pages as make_pages
    from briefgen.pipeline.options import BuildOptions as BuildOptions

_HOMES = {
    "check": "checking",
    "check_sheets": "checking",
    "Checked": "checking",
    "CheckReport": "checking",
    "make": "making",
    "make_pages": "making",
    "Built": "making",
    "build": "building",
    "BuildReport": "building",
    "BuildOptions": "options",
    "audience_sites": "audiences",
    "build_audiences": "audiences",
}


def __getattr__(name: str) -> object:
    """`pipeline.check` and the rest, imported from their module when first asked for."""
    if name in _HOMES:
        return getattr(importlib.import_module(f"briefgen.pipeline.{_HOMES[name]}"), name)
    msg = f"module 'briefgen.pipeline' has no attribute '{name}'"
    raise AttributeError(msg)
