"""briefgen: one-page briefings from source-checked YAML fact sheets.

Pipeline: load → validate → verify → compose → render → site → publish (briefgen/pipeline/).
The exports load on first use, so `python -m briefgen` reaches its Ctrl-C guard at once.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `from typing import`: typing costs ~10 ms before a Ctrl-C guard
if TYPE_CHECKING:
    from briefgen.errors import BriefError, Diagnostic, Location

__version__ = "0.1.0"

__all__ = ["BriefError", "Diagnostic", "Location", "__version__"]


def __getattr__(name: str) -> object:
    """`briefgen.BriefError` and the other exports, from briefgen.errors when first asked."""
    if name in ("BriefError", "Diagnostic", "Location"):
        from briefgen import errors

        return getattr(errors, name)
    msg = f"module 'briefgen' has no attribute '{name}'"
    raise AttributeError(msg)
