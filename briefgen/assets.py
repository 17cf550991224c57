"""Where templates, stylesheets and fonts come from: the project's own, then the built-in.

Kept apart from `render` so that light paths (the up-to-date check, `doctor`) can find
the folders without importing Jinja2 or the models.
"""

from __future__ import annotations

from pathlib import Path


def builtin_templates() -> Path:
    """The default templates: inside the installed package, or the checkout's templates/."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def template_dirs(project: Path | None) -> list[Path]:
    """Template folders in lookup order: PROJECT/templates (if any), then the built-in."""
    own = project / "templates" if project is not None else None
    return [*([own] if own is not None and own.is_dir() else []), builtin_templates()]


def bundled_examples() -> Path:
    """The example sheets `init --example` copies: inside the wheel, or the checkout's seeds/."""
    packaged = Path(__file__).parent / "examples"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "seeds"
