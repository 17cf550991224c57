"""briefgen: one-page briefings from source-checked YAML fact sheets.

Pipeline: load → validate → verify → compose → render → site → publish (briefgen/pipeline/).
"""

from briefgen.errors import BriefError, Diagnostic, Location

__version__ = "0.1.0"

__all__ = ["BriefError", "Diagnostic", "Location", "__version__"]
